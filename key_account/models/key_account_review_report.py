# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_amount

from ..tools import days_domain, month_bounds


class KeyAccountReviewReport(models.AbstractModel):
    """Key-account review PDF (SPEC R71, R78, R86): per customer and period,
    its profile, tier and credit, receivables aging, commissions, visits,
    complaints and the KPIs of its rep.

    Only who may read the customer prints it (record rules of
    ``res.partner``); a secret account only its rep, account executive and
    directors (R88)."""

    _name = "report.key_account.report_key_account_review"
    _description = "Key-Account Review"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        self._key_account_check_access(partners)
        date_from, date_to = self._key_account_period(data)
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "date_from": date_from,
            "date_to": date_to,
            "reviews": {
                partner.id: self._review_values(partner, date_from, date_to)
                for partner in partners
            },
        }

    @api.model
    def _key_account_period(self, data):
        """The period asked by the wizard; printed without it: the last full
        month."""
        data = data or {}
        if data.get("date_from") and data.get("date_to"):
            return (
                fields.Date.to_date(data["date_from"]),
                fields.Date.to_date(data["date_to"]),
            )
        return self._key_account_default_period()

    @api.model
    def _key_account_default_period(self):
        """The last full month: a review covers a closed period, not the
        first days of the current month."""
        today = fields.Date.context_today(self)
        return month_bounds(fields.Date.subtract(today, months=1))

    @api.model
    def _key_account_check_access(self, partners):
        partners.check_access("read")
        user = self.env.user
        if self.env.su or user.has_group("key_account.group_key_account_director"):
            return
        for partner in partners:
            commercial = partner.sudo().commercial_partner_id
            if commercial.key_account_confidentiality == "secret" and user not in (
                commercial.user_id | commercial.key_account_executive_id
            ):
                raise AccessError(
                    self.env._(
                        "%s is a secret account: only its rep, account "
                        "executive and directors print its review.",
                        partner.display_name,
                    )
                )

    @api.model
    def _review_values(self, partner, date_from, date_to):
        partner = partner.commercial_partner_id
        company = partner.company_id or self.env.company
        return {
            "partner": partner,
            "currency": company.currency_id,
            "credit": self._review_credit(partner, company),
            "aging": self._review_aging(partner, company),
            "sales": self._review_sales(partner, company, date_from, date_to),
            "commissions": self._review_commissions(
                partner, company, date_from, date_to
            ),
            "visits": self._review_visits(partner, date_from, date_to),
            "complaints": self._review_complaints(partner, date_from, date_to),
            "kpis": self._review_kpis(partner, date_from, date_to),
            "health": self._review_health(partner),
        }

    @api.model
    def _review_health(self, partner):
        """The account's health as the daily cron left it: score, trend
        against last month, the factors pulling it down and the monthly
        history; None for a reader outside the key-account groups or an
        account not scored yet."""
        if not (
            self.env.su or self.env.user.has_group("key_account.group_key_account_rep")
        ):
            return None
        if not partner.key_account_health_date:
            return None
        bands = dict(
            partner._fields["key_account_health_band"]._description_selection(self.env)
        )
        return {
            "score": partner.key_account_health_score,
            "band": bands.get(partner.key_account_health_band, ""),
            "trend": partner.key_account_health_trend,
            "previous": partner.key_account_health_previous,
            "date": partner.key_account_health_date,
            "factors": (partner.key_account_health_factors or "").splitlines(),
            "history": partner.key_account_health_snapshot_ids.sorted("month")[-6:],
        }

    @api.model
    def _review_credit(self, partner, company):
        """Credit profile and exposure (R7, R10). As superuser, as the credit
        check does: the reader of the customer needs the totals, not each
        invoice."""
        credit = partner.with_company(company).sudo()
        uninvoiced = (
            self.env["sale.order"]
            .sudo()
            .new({"partner_id": partner.id, "company_id": company.id})
            ._key_account_uninvoiced_amount()
        )
        return {
            "level": credit.key_account_credit_level_id.display_name or "",
            "limit": credit.credit_limit,
            "term": credit.property_payment_term_id.display_name or "",
            "receivable": credit.credit,
            "uninvoiced": uninvoiced,
            "exposure": credit.credit + uninvoiced,
        }

    @api.model
    def _review_aging(self, partner, company):
        """Open receivables of the customer by bucket (R38), as the reader
        sees them in the aging report."""
        Aging = self.env["key_account.aging.report"]
        rows = Aging.search(
            [("partner_id", "=", partner.id), ("company_id", "=", company.id)],
            order="date_maturity, id",
        )
        buckets = dict(Aging._fields["bucket"]._description_selection(self.env))
        totals = dict.fromkeys(buckets, 0.0)
        for row in rows:
            totals[row.bucket] += row.amount_residual
        return {
            "rows": rows,
            "buckets": [(buckets[code], totals[code]) for code in buckets],
            "total": sum(totals.values()),
        }

    @api.model
    def _review_sales(self, partner, company, date_from, date_to):
        """Invoiced (untaxed, less credit notes) in the period (R78), as
        superuser for the total only."""
        [(invoiced,)] = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("commercial_partner_id", "=", partner.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">=", date_from),
                    ("invoice_date", "<=", date_to),
                ],
                [],
                ["amount_untaxed_signed:sum"],
            )
        )
        return {"invoiced": invoiced or 0.0}

    @api.model
    def _review_commissions(self, partner, company, date_from, date_to):
        """Commission lines of the period on the customer the reader may
        read (a rep: their own and the customer's rebates), summed per kind,
        beneficiary and state."""
        Line = self.env["key_account.commission.line"]
        groups = Line._read_group(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ],
            ["kind", "user_id", "state"],
            ["amount:sum"],
            order="kind, user_id, state",
        )
        kinds = dict(Line._fields["kind"]._description_selection(self.env))
        states = dict(Line._fields["state"]._description_selection(self.env))
        return [
            {
                "kind": kinds.get(kind, kind),
                "beneficiary": user.name or partner.name,
                "state": states.get(state, state),
                "amount": amount,
            }
            for kind, user, state, amount in groups
        ]

    @api.model
    def _review_visits(self, partner, date_from, date_to):
        """Visits of the customer made in the period (done, by actual
        departure) that the reader may read."""
        return self.env["key_account.visit"].search(
            [
                ("partner_id", "child_of", partner.id),
                ("state", "=", "done"),
                *days_domain("actual_start", date_from, date_to),
            ],
            order="actual_start, id",
        )

    @api.model
    def _review_complaints(self, partner, date_from, date_to):
        """Complaints of the customer received in the period that the
        reader may read."""
        return self.env["key_account.complaint"].search(
            [
                ("partner_id", "child_of", partner.id),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ],
            order="date, id",
        )

    @api.model
    def _review_kpis(self, partner, date_from, date_to):
        """KPI lines ``[(label, value)]`` of the customer's rep for the
        period, as the reader reads them (``key_account.kpi`` applies the
        reader's rights: only the figures the reader may see)."""
        rep = partner.user_id
        if not rep:
            return []
        kpis = self.env["key_account.kpi"]._kpis(rep.ids, date_from, date_to)[rep.id]
        company = partner.company_id or self.env.company
        currency = company.currency_id

        def amount(value):
            return format_amount(self.env, value or 0.0, currency)

        def rate(value):
            return "-" if value is None else "%.1f %%" % value

        _ = self.env._
        return [
            (_("Rep"), rep.name),
            (_("Sales"), amount(kpis["sales"])),
            (_("Sales Target"), amount(kpis["sales_target"])),
            (_("Sales Completion"), rate(kpis["sales_completion"])),
            (_("Collected"), amount(kpis["collected"])),
            (_("Collection Rate"), rate(kpis["collection_rate"])),
            (
                _("Visits by the rep (all their customers)"),
                self._activity_figure(
                    kpis["visits"],
                    kpis["visit_target"],
                    company.key_account_visits_per_day,
                    kpis["working_days"],
                ),
            ),
            (
                _("Visits planned by the rep (visit plans, all their customers)"),
                kpis["visits_planned"],
            ),
            (
                _("Calls by the rep (all their customers)"),
                self._activity_figure(
                    kpis["calls"],
                    kpis["call_target"],
                    company.key_account_calls_per_day,
                    kpis["working_days"],
                ),
            ),
            (_("Valid Complaints"), kpis["valid_complaints"]),
            (
                _("Average health of the rep's key accounts"),
                "-"
                if kpis["health_average"] is None
                else "%.0f / 100" % kpis["health_average"],
            ),
            (_("Key accounts at risk"), kpis["accounts_at_risk"]),
        ]

    @api.model
    def _activity_figure(self, done, target, per_day, days):
        """``12 of 21 expected (1 a working day over 21 working days)``, or
        the count alone when the company sets no target."""
        if not target:
            return self.env._("%(done)s (no target)", done=done)
        return self.env._(
            "%(done)s of %(target)g expected (%(per_day)g a working day over "
            "%(days)s working days)",
            done=done,
            target=target,
            per_day=per_day,
            days=days,
        )
