# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools import overdue_more_than


class ResPartner(models.Model):
    """Credit of a key account: level, limit, settlement, overdue exposure
    and credit investigations (SPEC R7–R9, overdue ladder R38–R41)."""

    _inherit = "res.partner"

    # === FIELDS === #
    # The core credit limit stays an accounting field; reps and KA staff read
    # it on the Key Account page through ``key_account_credit_limit``. On a key
    # account only an approved request changes it (``_key_account_check_guarded``).
    key_account_credit_limit = fields.Float(
        string="Key-Account Credit Limit",
        compute="_compute_key_account_credit_limit",
        compute_sudo=True,
        help="The customer's credit limit in the current company, as set by "
        "accounting or an approved key-account request (read-only here).",
    )
    key_account_credit_level_id = fields.Many2one(
        "key_account.credit.level",
        string="Credit Level",
        tracking=True,
        ondelete="restrict",
        help="How far the company trusts the customer to pay (for example "
        "Excellent, Good, Watch, Hold). A level on hold stops the customer's "
        "orders from being confirmed. Changed only by an approved "
        "credit-change request.",
    )
    key_account_settlement_method = fields.Selection(
        [
            ("bank_transfer", "Bank Transfer"),
            ("acceptance_bill", "Acceptance Bill"),
            ("cheque", "Cheque"),
            ("cash", "Cash"),
            ("other", "Other"),
        ],
        string="Settlement Method",
        tracking=True,
    )

    key_account_over_limit = fields.Boolean(
        string="Exposure Above Credit Limit",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="The customer's open receivables and confirmed orders not yet "
        "invoiced exceed its credit limit. Going above it opened a credit "
        "investigation for the KA clerk.",
    )

    key_account_investigation_count = fields.Integer(
        string="Credit Investigations",
        compute="_compute_key_account_investigation_count",
        groups="key_account.group_key_account_rep",
    )

    # === COMPUTE METHODS === #
    @api.depends("credit_limit")
    @api.depends_context("company")
    def _compute_key_account_credit_limit(self):
        for partner in self:
            partner.key_account_credit_limit = partner.credit_limit

    def _compute_key_account_investigation_count(self):
        counts = dict(
            self.env["key_account.credit.investigation"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.key_account_investigation_count = counts.get(partner, 0)

    # === CRUD METHODS === #
    def write(self, vals):
        if "key_account_over_limit" in vals and not self.env.su:
            raise AccessError(
                self.env._(
                    "Whether the exposure is above the credit limit is checked "
                    "by the system."
                )
            )
        return super().write(vals)

    # === BUSINESS METHODS === #
    def _key_account_open_investigation(self, reason, trigger="other"):
        """R9: a credit anomaly (``trigger``, see the investigation) opens an
        investigation for the KA clerk, due in N working days; one open
        investigation per customer at a time. ``reason`` is one text for all
        or {partner id: text}."""
        return self.env["key_account.credit.investigation"]._key_account_open(
            self, reason, trigger
        )

    def _key_account_uninvoiced_amounts(self, company):
        """{customer id: its confirmed orders in ``company`` not invoiced
        yet}, in company currency, whatever Odoo's own credit-limit setting
        says. Read as superuser: the checks need the totals, not access to
        each order."""
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id.commercial_partner_id", "in", self.ids),
                    ("state", "=", "sale"),
                ]
            )
        )
        amounts = dict.fromkeys(self.ids, 0.0)
        for order in orders:
            if order.amount_to_invoice > 0:
                amounts[order.partner_id.commercial_partner_id.id] += (
                    order.amount_to_invoice / (order.currency_rate or 1.0)
                )
        return amounts

    def _key_account_exposures(self, company):
        """{customer id: exposure} in ``company``: open receivables and
        confirmed orders not invoiced yet, in company currency."""
        partners = self.with_company(company).sudo()
        # The receivables as they are now, not as read earlier in the
        # transaction (the field is computed on the fly and never stored).
        partners.invalidate_recordset(["credit", "debit"])
        uninvoiced = partners._key_account_uninvoiced_amounts(company)
        return {
            partner.id: partner.credit + uninvoiced[partner.id] for partner in partners
        }

    def _key_account_exposure_crossed(self, over, reasons):
        """Keep, in the environment's company, which of these customers have
        their exposure above the credit limit (``over``: their ids); those
        going above it get a credit investigation (``reasons``: {partner id:
        text}), once per crossing. Returns them."""
        partners = self.sudo()
        entering = partners.filtered(
            lambda p: p.id in over and not p.key_account_over_limit
        )
        leaving = partners.filtered(
            lambda p: p.id not in over and p.key_account_over_limit
        )
        entering.write({"key_account_over_limit": True})
        leaving.write({"key_account_over_limit": False})
        entering._key_account_open_investigation(reasons, trigger="over_limit")
        return entering

    @api.model
    def _key_account_exposure_reason(self, exposure, limit, currency):
        return self.env._(
            "Exposure %(exposure)s above the credit limit %(limit)s.",
            exposure=currency.format(exposure),
            limit=currency.format(limit),
        )

    @api.model
    def _cron_key_account_credit_exposure(self, batch_size=500):
        """Daily: key accounts whose exposure went above their credit limit
        since the last run (an invoice without order, a payment undone, a
        limit lowered) get a credit investigation; those back within it
        are noted so the next crossing opens one again. Safe to re-run; a
        bounded number of queries per batch of customers."""
        done = 0
        for company in self.env["res.company"].sudo().search([]):
            Partner = self.sudo().with_company(company)
            partners = Partner.search(
                [
                    ("is_key_account", "=", True),
                    ("company_id", "in", (False, company.id)),
                    "|",
                    ("credit_limit", ">", 0),
                    ("key_account_over_limit", "=", True),
                ],
                order="id",
            )
            currency = company.currency_id
            for start in range(0, len(partners), batch_size):
                batch = partners[start : start + batch_size]
                exposures = batch._key_account_exposures(company)
                over, reasons = set(), {}
                for partner in batch:
                    limit, exposure = partner.credit_limit, exposures[partner.id]
                    if limit > 0 and currency.compare_amounts(exposure, limit) > 0:
                        over.add(partner.id)
                        reasons[partner.id] = self._key_account_exposure_reason(
                            exposure, limit, currency
                        )
                batch._key_account_exposure_crossed(over, reasons)
                done += len(batch)
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        return done

    def _key_account_overdue_entered(self):
        """New key accounts: their invoices already past a level of the
        overdue ladder are notified at once, as a run would have done. Read
        as superuser: whoever designates them may not read invoices."""
        self.env["account.move"].sudo().search(
            [
                ("commercial_partner_id", "in", self.ids),
                ("key_account_aging_stage", "not in", [False, "current"]),
            ]
        )._key_account_notify_entered()

    def _key_account_overdue_invoices(self, company, amount, unit="months"):
        """Open posted invoices of this customer in ``company`` more than
        ``amount`` months (or days) overdue today. Read as superuser: the
        checks that ask need the totals, not access to each invoice."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        invoices = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("commercial_partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                    ("invoice_date_due", "<", today),
                ]
            )
        )
        return invoices.filtered(
            lambda inv: overdue_more_than(inv.invoice_date_due, today, amount, unit)
        )
