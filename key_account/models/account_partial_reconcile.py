# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    """Commission lines follow the reconciliation of key-account invoices
    with payments and bank/cash entries (SPEC R27)."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env["key_account.commission.line"]._generate(partials)
        return partials

    def unlink(self):
        removed = self._key_account_commissioned()
        res = super().unlink()
        self.env["key_account.commission.line"]._reverse(removed)
        return res

    def _key_account_commissioned(self):
        """{partial id: (invoice id, collected amount)} of the reconciliations
        that earned commission lines, read before they are gone (whoever
        unreconciles may not read the lines)."""
        if not self:
            return {}
        lines = (
            self.env["key_account.commission.line"]
            .sudo()
            .search_fetch(
                [
                    ("partial_id", "in", self.ids),
                    ("is_reversal", "=", False),
                    ("origin", "=", "collection"),
                ],
                ["partial_id", "move_id", "collected_amount"],
            )
        )
        return {
            line.partial_id.id: (line.move_id.id, line.collected_amount)
            for line in lines
        }
