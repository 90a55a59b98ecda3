# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class KeyAccountRebatePayout(models.TransientModel):
    """Request the payout of a customer's accrued rebates (SPEC R34): the
    selected lines are paid in full, to the customer or one of its
    contacts, once the role the rate needs has approved."""

    _name = "key_account.rebate.payout"
    _description = "Request Rebate Payout"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {"action_request": (None, ("rep", "director"))}

    # === FIELDS === #
    line_ids = fields.Many2many(
        "key_account.commission.line",
        string="Accrued Rebates",
        domain=[("kind", "=", "rebate"), ("state", "=", "to_settle")],
    )
    customer_id = fields.Many2one("res.partner", compute="_compute_customer_id")
    payee_id = fields.Many2one(
        "res.partner",
        string="Pay To",
        domain="[('commercial_partner_id', '=', customer_id)]",
        help="The customer or one of its contacts; empty: the customer.",
    )
    amount = fields.Monetary(compute="_compute_customer_id")
    currency_id = fields.Many2one(related="line_ids.currency_id")

    # === COMPUTE METHODS === #
    @api.depends("line_ids")
    def _compute_customer_id(self):
        for wizard in self:
            wizard.customer_id = wizard.line_ids.partner_id[:1]
            wizard.amount = sum(wizard.line_ids.mapped("amount"))

    # === CRUD METHODS === #
    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if self.env.context.get("active_model") == "key_account.commission.line":
            res["line_ids"] = [
                fields.Command.set(self.env.context.get("active_ids", []))
            ]
        return res

    # === ACTION METHODS === #
    def action_request(self):
        self.ensure_one()
        if len(self.line_ids.partner_id) != 1:
            raise UserError(self.env._("Request one customer's rebates at a time."))
        settlements = self.env["key_account.settlement"]._rebate_payout(
            self.line_ids, self.payee_id or None
        )
        if not settlements:
            raise UserError(self.env._("The selected rebates total nothing to pay."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "key_account.settlement",
            "res_id": settlements.id,
            "view_mode": "form",
        }
