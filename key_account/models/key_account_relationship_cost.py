# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class KeyAccountRelationshipCost(models.AbstractModel):
    """What entertainment and gift requests share: a key-account customer,
    its rep whose expense allowance bears the cost (SPEC R31), the charge
    drawn on it and the reimbursement by accounting."""

    _name = "key_account.relationship.cost"
    _description = "Key-Account Relationship Cost"
    _inherit = ["key_account.customer.rep.mixin"]
    # Origin of the charge on the rep's expense allowance.
    _key_account_charge_origin = None

    # === FIELDS === #
    rep_id = fields.Many2one(
        help="The customer's rep, whose expense allowance bears the cost."
    )
    needs_gm = fields.Boolean(
        string="General Manager Approves",
        readonly=True,
        copy=False,
        help="Above the company's amount: the general manager approves too.",
    )
    charge_line_id = fields.Many2one(
        "key_account.commission.line", string="Charge", readonly=True, copy=False
    )
    bill_id = fields.Many2one("account.move", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                # The rep charged follows the customer, never the requester.
                vals.pop("rep_id", None)
                vals.pop("office_manager_id", None)
        return super().create(vals_list)

    # === BUSINESS METHODS === #
    def _charge(self, amount):
        """Draw ``amount`` on the rep's expense allowance: a negative line,
        a system record whoever acts (SPEC R31). Once per request: the line's
        unique key (origin, request id, rep) refuses a second charge."""
        self.ensure_one()
        if not self.rep_id or self.charge_line_id or amount <= 0:
            return self.charge_line_id
        line = self.env["key_account.commission.line"]._draw(
            self, self._key_account_charge_origin, amount
        )
        self.sudo().charge_line_id = line
        return line

    def _key_account_bill(self, amount, label):
        """Accounting reimburses the requester with a vendor bill."""
        self.ensure_one()
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only accounting reimburses these costs."))
        account = self.company_id._key_account_required_setting(
            "key_account_expense_account_id",
            self.env._("reimburse entertainment and gifts"),
        )
        move = self.env["account.move"]
        bill = move.create(
            move._key_account_bill_vals(
                self.requester_id.partner_id,
                self.company_id,
                self.name,
                label,
                account,
                amount,
            )
        )
        self.sudo().bill_id = bill
        return bill
