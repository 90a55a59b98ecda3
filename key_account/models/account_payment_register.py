# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _create_payments(self):
        self._key_account_check_writeoff()
        return super()._create_payments()

    def _key_account_check_writeoff(self):
        """ "Mark as fully paid" writes the difference off: for key-account
        invoices that needs an approved write-off request (SPEC R42)."""
        for wizard in self:
            if wizard.payment_difference_handling != "reconcile" or (
                wizard.currency_id.compare_amounts(wizard.payment_difference, 0) <= 0
            ):
                continue
            invoices = wizard.line_ids.move_id.filtered(
                lambda m: (
                    m.move_type == "out_invoice"
                    and m.commercial_partner_id.is_key_account
                )
            )
            if invoices:
                raise UserError(
                    self.env._(
                        "Writing off part of a key-account receivable "
                        "(%(invoices)s) needs an approved write-off request: "
                        "keep the difference open.",
                        invoices=", ".join(invoices.mapped("name")),
                    )
                )
