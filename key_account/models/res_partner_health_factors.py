# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
import datetime

from dateutil.relativedelta import relativedelta

from odoo import models
from odoo.tools import SQL

from ..tools import (
    complaint_score,
    frequency_score,
    health_combine,
    ladder_stage,
    overdue_score,
    payment_score,
    recency_score,
    revenue_score,
    satisfaction_score,
    visit_score,
)
from ..tools.health import RECENT_DAYS, WINDOW_DAYS
from .key_account_complaint import OPEN_STATES as COMPLAINT_OPEN_STATES


class ResPartner(models.Model):
    """The factors of the account health (see ``res_partner_health``) for a
    batch of key accounts: one aggregated read per source for the whole
    batch (orders, recent revenue, days to pay, oldest overdue receivable,
    open complaints), the scoring in ``tools.health``."""

    _inherit = "res.partner"

    # === BUSINESS METHODS === #
    def _key_account_health_compute(self, company, today):
        """{partner id: (score or None, pulling)} of the batch: a fixed
        number of aggregated reads whatever its size."""
        self.key_account_tier_id.fetch(["min_annual_revenue", "visit_interval_days"])
        self.user_id.fetch(["sale_team_id", "lang"])
        orders = self._key_account_health_orders(company, today)
        Suggestion = self.env["key_account.tier.suggestion"]
        recent = Suggestion._revenue(
            self, company, today - datetime.timedelta(days=RECENT_DAYS)
        )
        days = Suggestion._days_to_pay(
            self, company, today - relativedelta(days=WINDOW_DAYS)
        )
        oldest_due = self._key_account_health_oldest_due(company, today)
        complaints = self._key_account_health_complaints(company)
        weights = company._key_account_health_weights()
        levels = (
            company.key_account_monitor_after,
            company.key_account_progress_after,
            company.key_account_writeoff_after,
        )
        results = {}
        for partner in self:
            last_order, in_window, in_recent = orders.get(partner.id, (None, 0, 0))
            days_to_pay = days.get(partner.id) or None
            due = oldest_due.get(partner.id)
            stage = (
                ladder_stage(due, today, levels, company.key_account_aging_unit)
                if due
                else None
            )
            tier = partner.key_account_tier_id
            visited = partner.key_account_last_visit_date or partner.key_account_since
            scores = {
                "recency": recency_score(
                    (today - last_order).days if last_order else None, in_window
                ),
                "frequency": frequency_score(in_recent, in_window),
                "revenue": revenue_score(
                    recent.get(partner.id, 0.0), tier.min_annual_revenue
                ),
                "payment": payment_score(days_to_pay),
                "overdue": overdue_score(stage),
                "complaints": complaint_score(complaints.get(partner.id, {})),
                "satisfaction": satisfaction_score(
                    partner.key_account_satisfaction_score
                ),
                "visits": visit_score(
                    (today - visited).days if visited else None,
                    tier.visit_interval_days,
                ),
            }
            results[partner.id] = health_combine(scores, weights)
        return results

    def _key_account_health_orders(self, company, today):
        """{partner id: (last order date, orders in the trailing window,
        orders in its recent part)}: confirmed orders, one query."""
        self.env["sale.order"].flush_model(
            ["partner_id", "state", "date_order", "company_id"]
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT p.commercial_partner_id,
                   MAX(so.date_order),
                   COUNT(*) FILTER (WHERE so.date_order >= %(window)s),
                   COUNT(*) FILTER (WHERE so.date_order >= %(recent)s)
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
             WHERE p.commercial_partner_id = ANY(%(partners)s)
               AND so.company_id = %(company)s
               AND so.state = 'sale'
             GROUP BY p.commercial_partner_id
            """,
                partners=self.ids,
                company=company.id,
                window=today - datetime.timedelta(days=WINDOW_DAYS),
                recent=today - datetime.timedelta(days=RECENT_DAYS),
            )
        )
        return {
            pid: (last.date() if last else None, window, recent)
            for pid, last, window, recent in self.env.cr.fetchall()
        }

    def _key_account_health_oldest_due(self, company, today):
        """{partner id: due date of its oldest open overdue receivable},
        one query."""
        self.env["account.move.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            SELECT m.commercial_partner_id, MIN(aml.date_maturity)
              FROM account_move_line aml
              JOIN account_move m ON m.id = aml.move_id
             WHERE m.commercial_partner_id = ANY(%(partners)s)
               AND aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
               AND aml.display_type = 'payment_term'
               AND m.move_type = 'out_invoice'
               AND aml.amount_residual > 0
               AND aml.date_maturity < %(today)s
             GROUP BY m.commercial_partner_id
            """,
                partners=self.ids,
                company=company.id,
                today=today,
            )
        )
        return dict(self.env.cr.fetchall())

    def _key_account_health_complaints(self, company):
        """{partner id: {severity: open complaints}}, one query."""
        groups = self.env["key_account.complaint"]._read_group(
            [
                ("partner_id", "in", self.ids),
                ("company_id", "=", company.id),
                ("state", "in", COMPLAINT_OPEN_STATES),
            ],
            ["partner_id", "severity"],
            ["__count"],
        )
        result = defaultdict(dict)
        for partner, severity, count in groups:
            result[partner.id][severity] = count
        return result
