# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class KeyAccountWriteoffRecovery(models.TransientModel):
    _name = "key_account.writeoff.recovery"
    _description = "Record a Write-Off Recovery"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {"action_confirm": (None, ("accounting_manager",))}

    # === FIELDS === #
    writeoff_id = fields.Many2one(
        "key_account.writeoff.request", required=True, readonly=True
    )
    currency_id = fields.Many2one(related="writeoff_id.currency_id")
    amount = fields.Monetary(string="Amount Collected", required=True)

    # === ACTION METHODS === #
    def action_confirm(self):
        self.ensure_one()
        move = self.writeoff_id._record_recovery(self.amount)
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": move.id,
            "view_mode": "form",
        }
