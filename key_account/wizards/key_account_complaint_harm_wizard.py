# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import is_blank


class KeyAccountComplaintHarmWizard(models.TransientModel):
    """The KA head records an act harming a key-account relationship on a
    complaint and proposes a penalty (SPEC R76)."""

    _name = "key_account.complaint.harm.wizard"
    _description = "Record a Harmful Act and Propose a Penalty"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin. The complaint checks the role.
    _key_account_transitions = {"action_confirm": (None, ("head",))}

    # === FIELDS === #
    complaint_id = fields.Many2one("key_account.complaint", required=True)
    currency_id = fields.Many2one(related="complaint_id.harm_currency_id")
    harm_act = fields.Text(string="Act Harming the Relationship", required=True)
    harm_user_id = fields.Many2one("res.users", string="Responsible")
    penalty_proposal = fields.Text(string="Proposed Penalty", required=True)
    penalty_amount = fields.Monetary(string="Proposed Fine")

    # === CONSTRAINT METHODS === #
    @api.constrains("harm_act", "penalty_proposal")
    def _check_text(self):
        if any(
            is_blank(wizard.harm_act) or is_blank(wizard.penalty_proposal)
            for wizard in self
        ):
            raise ValidationError(
                self.env._("Describe the act and the penalty: blank text is neither.")
            )

    # === ACTION METHODS === #
    def action_confirm(self):
        self.ensure_one()
        self.complaint_id._record_harm(
            {
                "harm_act": self.harm_act,
                "harm_user_id": self.harm_user_id.id,
                "penalty_proposal": self.penalty_proposal,
                "penalty_amount": self.penalty_amount,
            }
        )
        return {"type": "ir.actions.act_window_close"}
