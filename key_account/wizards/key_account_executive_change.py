# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import is_blank


class KeyAccountExecutiveChange(models.TransientModel):
    """The KA head replaces or removes an account executive who earned
    commission, with the reason written to the customer's chatter (R30)."""

    _name = "key_account.executive.change"
    _description = "Change Account Executive"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {"action_apply": (None, ("head",))}

    # === FIELDS === #
    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    executive_id = fields.Many2one(
        "res.users",
        string="New Account Executive",
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("key_account.group_key_account_rep").id)
        ],
        help="Empty: the rep serves the customer alone.",
    )
    reason = fields.Text(required=True)

    # === CONSTRAINT METHODS === #
    @api.constrains("reason")
    def _check_reason(self):
        if any(is_blank(record.reason) for record in self):
            raise ValidationError(
                self.env._("Write the reason for the change: blank text is no reason.")
            )

    # === ACTION METHODS === #
    def action_apply(self):
        self.ensure_one()
        self.partner_id.with_context(key_account_reason=self.reason).write(
            {"key_account_executive_id": self.executive_id.id}
        )
        return True
