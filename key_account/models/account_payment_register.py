# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import is_blank


class AccountPaymentRegister(models.TransientModel):
    """A key account that pays less than its invoice: the difference stays
    open, and the wizard may ask for its write-off through a short-payment
    exception request (SPEC R16, R17), written off once approved (R42)."""

    _inherit = "account.payment.register"

    # === FIELDS === #
    key_account_short_payment_invoice_id = fields.Many2one(
        "account.move",
        string="Key-Account Invoice Paid Short",
        compute="_compute_key_account_short_payment_invoice_id",
    )
    key_account_request_writeoff = fields.Boolean(
        string="Request the Write-Off of the Difference",
        help="The payment leaves the invoice partially paid; a short-payment "
        "exception request asks the KA head (the general manager beyond the "
        "KA head's limit) to write the difference off.",
    )
    key_account_writeoff_reason = fields.Text(
        string="Why the Customer Paid Less",
        help="The justification of the short-payment exception request.",
    )

    # === COMPUTE METHODS === #
    @api.depends("line_ids", "payment_difference", "can_edit_wizard")
    def _compute_key_account_short_payment_invoice_id(self):
        for wizard in self:
            invoices = wizard._key_account_invoices()
            wizard.key_account_short_payment_invoice_id = (
                invoices
                if len(invoices) == 1
                and len(wizard.line_ids.move_id) == 1
                and wizard.can_edit_wizard
                and wizard.currency_id.compare_amounts(wizard.payment_difference, 0) > 0
                else False
            )

    # === BUSINESS METHODS === #
    def _create_payments(self):
        self._key_account_check_writeoff()
        requests = [
            (wizard, wizard.key_account_short_payment_invoice_id)
            for wizard in self
            if wizard.key_account_request_writeoff
        ]
        # What the payment leaves unpaid, read before the payment changes it.
        differences = {
            wizard.id: wizard._key_account_difference() for wizard, _i in requests
        }
        payments = super()._create_payments()
        for wizard, invoice in requests:
            wizard._key_account_request_short_payment(invoice, differences[wizard.id])
        return payments

    def _key_account_invoices(self):
        """The key-account customer invoices the wizard pays."""
        return self.line_ids.move_id.filtered(
            lambda m: (
                m.move_type == "out_invoice" and m.commercial_partner_id.is_key_account
            )
        )

    def _key_account_difference(self):
        """The payment difference in company currency."""
        self.ensure_one()
        company = self.company_id
        return self.currency_id._convert(
            self.payment_difference,
            company.currency_id,
            company,
            self.payment_date or fields.Date.context_today(self),
        )

    def _key_account_check_writeoff(self):
        """ "Mark as fully paid" writes the difference off: for key-account
        invoices that needs an approved exception (SPEC R16, R42), asked for
        from this wizard by keeping the difference open and requesting its
        write-off."""
        for wizard in self:
            if wizard.key_account_request_writeoff:
                wizard._key_account_check_short_payment()
            if wizard.payment_difference_handling != "reconcile" or (
                wizard.currency_id.compare_amounts(wizard.payment_difference, 0) <= 0
            ):
                continue
            invoices = wizard._key_account_invoices()
            if invoices:
                raise UserError(
                    self.env._(
                        "Writing off part of a key-account receivable "
                        "(%(invoices)s) needs an approved exception: keep the "
                        "difference open and tick “Request the Write-Off of "
                        "the Difference”.",
                        invoices=", ".join(invoices.mapped("name")),
                    )
                )

    def _key_account_check_short_payment(self):
        self.ensure_one()
        if not self.key_account_short_payment_invoice_id:
            raise UserError(
                self.env._(
                    "The write-off of a difference is requested for one "
                    "key-account invoice paid short at a time."
                )
            )
        if self.payment_difference_handling != "open":
            raise UserError(
                self.env._(
                    "Keep the difference open: it is written off once the "
                    "short-payment exception is approved."
                )
            )
        if is_blank(self.key_account_writeoff_reason):
            raise UserError(
                self.env._("Write why the customer paid less than the invoice.")
            )
        problems = self.env[
            "key_account.exception.request"
        ]._short_payment_setting_problems(
            self.key_account_short_payment_invoice_id.company_id
        )
        if problems:
            raise UserError("\n".join(problems))

    def _key_account_request_short_payment(self, invoice, difference):
        """The short-payment exception request, submitted in the name of
        the user registering the payment."""
        self.ensure_one()
        request = self.env["key_account.exception.request"]._request_for(
            invoice,
            "short_payment",
            0.0,
            amount=difference,
            partner_id=invoice.commercial_partner_id.id,
            company_id=invoice.company_id.id,
            justification=self.key_account_writeoff_reason,
        )
        request.action_submit()
        return request
