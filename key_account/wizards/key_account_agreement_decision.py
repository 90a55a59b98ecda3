# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class KeyAccountAgreementDecision(models.TransientModel):
    """The KA head resumes or terminates a suspended agreement, with the
    cause (SPEC R25)."""

    _name = "key_account.agreement.decision"
    _description = "Resume or Terminate a Key-Account Agreement"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {"action_confirm": (None, ("director",))}

    agreement_id = fields.Many2one("key_account.agreement", required=True)
    decision = fields.Selection(
        [("resume", "Resume"), ("terminate", "Terminate")], required=True
    )
    cause = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.decision == "resume":
            self.agreement_id.action_resume(self.cause)
        else:
            self.agreement_id.action_terminate(self.cause)
        return {"type": "ir.actions.act_window_close"}
