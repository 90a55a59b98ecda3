# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import is_blank


class KeyAccountLeaverWizard(models.TransientModel):
    """Customers of a rep who leaves (or left: archived user) go to one rep
    or are spread over the available reps; files, history, posted invoices
    and commissions stay as they are (SPEC R48)."""

    _name = "key_account.leaver.wizard"
    _description = "Reassign a Leaver's Customers"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {
        "action_apply": (None, ("head", "office_manager", "general_manager"))
    }

    # === FIELDS === #
    leaver_id = fields.Many2one(
        "res.users",
        string="Leaving Rep",
        required=True,
        context={"active_test": False},
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        compute="_compute_partner_ids",
        store=True,
        readonly=False,
    )
    mode = fields.Selection(
        [("one", "To One Rep"), ("balance", "Spread Over the Available Reps")],
        default="one",
        required=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="New Owner",
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("key_account.group_key_account_rep").id),
            ("share", "=", False),
        ],
    )
    reason = fields.Text(
        required=True, default=lambda self: self.env._("The rep left the company.")
    )

    # === COMPUTE METHODS === #
    @api.depends("leaver_id")
    def _compute_partner_ids(self):
        for wizard in self:
            wizard.partner_ids = (
                self.env["res.partner"].search(
                    [
                        ("user_id", "=", wizard.leaver_id.id),
                        ("is_company", "=", True),
                        ("parent_id", "=", False),
                    ]
                )
                if wizard.leaver_id
                else False
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("reason")
    def _check_reason(self):
        if any(is_blank(record.reason) for record in self):
            raise ValidationError(
                self.env._(
                    "Write the reason for the reassignment: blank text is no reason."
                )
            )

    # === ACTION METHODS === #
    def action_apply(self):
        self.ensure_one()
        partners = self.partner_ids
        if not partners:
            raise UserError(self.env._("%s owns no customers.", self.leaver_id.name))
        if partners.filtered(lambda p: p.user_id != self.leaver_id):
            raise UserError(
                self.env._(
                    "Only customers of %s can be handed over here.", self.leaver_id.name
                )
            )
        if self.mode == "one":
            if not self.user_id or self.user_id == self.leaver_id:
                raise UserError(self.env._("Choose the rep who takes the customers."))
            partners._key_account_check_reassign_authority(self.user_id)
            partners._key_account_reassign(self.user_id, self.reason, kind="leaver")
            return True
        reps = partners._key_account_available_reps() - self.leaver_id
        if not reps:
            raise UserError(self.env._("No rep is available to take the customers."))
        for rep in reps:
            partners._key_account_check_reassign_authority(rep)
        partners._key_account_distribute(reps, self.reason, kind="leaver")
        return True
