# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import json

from odoo import fields, models

from ..tools import level_rank
from .key_account_guard_mixin import system_write


class SaleOrder(models.Model):
    """A change restarts the approval (SPEC R12): a quotation on any change,
    a confirmed order when it needs more than was approved, whatever field
    changed it (fingerprint of what the approvers were asked to approve)."""

    _inherit = "sale.order"

    # === FIELDS === #
    key_account_approval_snapshot = fields.Char(
        readonly=True,
        copy=False,
        help="Fingerprint of what the approvers were asked to approve: "
        "amounts, band, authority level, rates, customer, route and lines.",
    )

    # === BUSINESS METHODS === #
    def _tier_validation_check_write_allowed(self, vals):
        """Orders are not locked under validation: a change restarts the
        approval instead (see ``write``)."""
        return

    def _tier_validation_check_write_remove_reviews(self, vals):
        """Cancelling or resetting an order keeps its reviews in the history."""
        for order in self:
            if order._allow_to_remove_reviews(vals) and order.review_ids:
                order._key_account_restart_approval(
                    self.env._("the order was cancelled or reset"), request=False
                )

    def _key_account_on_approval_change(self, reason):
        """Restart the approval of changed orders (SPEC R12). A quotation
        restarts on any change; a confirmed order when the change needs more
        than was approved, and asks for the new approvals at once."""
        for order in self:
            if order.state in self._state_from:
                order._key_account_restart_approval(reason, request=False)
            elif order.state == "sale" and order._key_account_exceeds_approval():
                order._key_account_restart_approval(reason, request=True)

    def _key_account_exceeds_approval(self):
        self.ensure_one()
        if not self.key_account_approved_band:
            return bool(self.review_ids)
        rounding = self.key_account_currency_id.rounding
        return (
            self.key_account_amount > self.key_account_approved_amount + rounding
            or int(self.key_account_amount_band) > int(self.key_account_approved_band)
            or level_rank(self.key_account_authority_level)
            > level_rank(self.key_account_approved_level)
        )

    def _key_account_snapshot(self):
        """Fingerprint of what an approval covers: amounts in company and
        order currency, band, authority level, rates, customer, approvers'
        route and every line as it will be delivered and invoiced."""
        self.ensure_one()
        lines = [
            (
                line.product_id.id,
                line.display_type or "",
                line.product_uom.id,
                round(line.product_uom_qty, 6),
                round(line.price_unit, 6),
                round(line.discount, 6),
                sorted(line.tax_id.ids),
                round(line.price_total, 2),
                line.key_account_is_compensation,
            )
            for line in self.order_line.sorted("id")
        ]
        data = [
            round(self.key_account_amount, 2),
            round(self.amount_total, 2),
            self.currency_id.id,
            self.key_account_amount_band,
            self.key_account_authority_level or "",
            round(self.key_account_rebate_rate, 6),
            round(self.key_account_commission_rate, 6),
            self.partner_id.commercial_partner_id.id,
            self.partner_invoice_id.id,
            self.partner_shipping_id.id,
            self.key_account_office_manager_id.id,
            self.payment_term_id.id,
            self.pricelist_id.id,
            lines,
        ]
        return hashlib.sha256(json.dumps(data).encode()).hexdigest()

    def _key_account_snapshots(self):
        """{order: fingerprint} of the orders under an approval, before a
        change."""
        return {
            order: order.key_account_approval_snapshot
            for order in self
            if order.key_account_approval_snapshot
        }

    def _key_account_check_snapshots(self, snapshots, reason):
        """Restart the approval of orders that no longer are what their
        approvers were asked to approve, whatever field changed it."""
        changed = self.browse(
            [
                order.id
                for order, snapshot in snapshots.items()
                if order.exists() and order._key_account_snapshot() != snapshot
            ]
        )
        quotations = changed.filtered(lambda o: o.state != "sale")
        if quotations:
            quotations._key_account_on_approval_change(reason)
        for order in changed - quotations:
            if order._key_account_exceeds_approval():
                order._key_account_on_approval_change(reason)
            else:
                # Still covered (e.g. a lower amount): approve what it is now.
                order._key_account_store_snapshot()

    def _key_account_store_snapshot(self):
        for order in self:
            order.sudo().key_account_approval_snapshot = order._key_account_snapshot()

    def _key_account_restart_approval(self, reason, request=False):
        """Archive the current reviews into the history and, if asked,
        request the approvals the order needs now."""
        self.ensure_one()
        reviews = self.review_ids
        if not reviews:
            return
        reviews._key_account_archive()
        self.sudo().write(
            {
                "key_account_approved_amount": 0.0,
                "key_account_approved_band": False,
                "key_account_approved_level": False,
                "key_account_approval_snapshot": False,
            }
        )
        self.invalidate_recordset(["review_ids", "need_validation"])
        self.message_post(
            body=self.env._(
                "Approval restarted: %(reason)s. Earlier reviews are kept in "
                "the approval history.",
                reason=reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        if request:
            with system_write():
                self.with_context(skip_check_state_condition=True).request_validation()
