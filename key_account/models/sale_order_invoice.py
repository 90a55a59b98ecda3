# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    """Invoicing of key-account orders: only once approved (SPEC R12), with
    the approved rates and the customer's executive (SPEC R29, R33)."""

    _inherit = "sale.order"

    # === BUSINESS METHODS === #
    def _create_invoices(self, grouped=False, final=False, date=None):
        self._key_account_check_invoiceable()
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _key_account_check_invoiceable(self):
        """A confirmed order whose approval restarted (or that never had the
        approvals it needs) is not invoiced, down payments included, before
        the approval (SPEC R12)."""
        waiting = self.filtered(
            lambda o: (
                (o.review_ids and o.validation_status not in ("validated", "no"))
                or (o.key_account_needs_approval and o._key_account_missing_approvals())
            )
        )
        if waiting:
            raise UserError(
                self.env._(
                    "%(orders)s cannot be invoiced while its approval is "
                    "pending (next step: %(step)s).",
                    orders=", ".join(waiting.mapped("name")),
                    step=waiting[0]._key_account_next_step_name() or "-",
                )
            )

    def _prepare_invoice(self):
        """The invoice carries the approved commission and rebate rates and
        the customer's executive at invoicing time (SPEC R29, R33)."""
        vals = super()._prepare_invoice()
        vals.update(
            key_account_commission_rate=self.key_account_commission_rate,
            key_account_rebate_rate=self.key_account_rebate_rate,
            key_account_executive_id=(
                self.partner_id.commercial_partner_id.key_account_executive_id.id
            ),
        )
        return vals
