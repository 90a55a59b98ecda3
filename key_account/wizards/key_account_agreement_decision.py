# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import is_blank


class KeyAccountAgreementDecision(models.TransientModel):
    """Customer support suspends a running agreement; the KA head resumes or
    terminates it; each with the cause (SPEC R25)."""

    _name = "key_account.agreement.decision"
    _description = "Suspend, Resume or Terminate a Key-Account Agreement"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin. The agreement checks the role of each decision.
    _key_account_transitions = {
        "action_confirm": (None, ("contract_reviewer", "director"))
    }

    # === FIELDS === #
    agreement_id = fields.Many2one("key_account.agreement", required=True)
    agreement_state = fields.Selection(related="agreement_id.state")
    decision = fields.Selection(
        [("suspend", "Suspend"), ("resume", "Resume"), ("terminate", "Terminate")],
        required=True,
    )
    cause = fields.Text(required=True)

    # === CONSTRAINT METHODS === #
    @api.constrains("cause")
    def _check_cause(self):
        if any(is_blank(record.cause) for record in self):
            raise ValidationError(
                self.env._("Write the cause of the decision: blank text is no cause.")
            )

    # === ACTION METHODS === #
    def action_confirm(self):
        self.ensure_one()
        agreement = self.agreement_id
        agreement.check_access("read")
        decide = {
            "suspend": agreement._suspend,
            "resume": agreement._resume,
            "terminate": agreement._terminate,
        }[self.decision]
        decide(self.cause)
        return {"type": "ir.actions.act_window_close"}
