# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import average_days_to_pay, suggest_tier


class KeyAccountTierSuggestion(models.Model):
    _name = "key_account.tier.suggestion"
    _description = "Key Account Tier Suggestion"
    _inherit = ["key_account.guard.mixin"]
    # Suggestions come from the monthly check; a director may change the
    # proposed tier before applying it.
    _key_account_user_fields = {"pending": ("tier_id",)}
    _key_account_create_fields = ()
    _key_account_transitions = {
        "action_apply": (("pending",), ("director",)),
        "action_dismiss": (("pending",), ("director",)),
    }
    _order = "date desc, id desc"

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    revenue = fields.Monetary(string="12-Month Revenue")
    days_to_pay = fields.Float(string="Average Days to Pay")
    current_tier_id = fields.Many2one("key_account.tier")
    tier_id = fields.Many2one("key_account.tier", string="Suggested Tier")
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("applied", "Applied"),
            ("dismissed", "Dismissed"),
        ],
        default="pending",
        required=True,
        index=True,
    )
    user_id = fields.Many2one(related="partner_id.user_id", string="Rep")

    # === ACTION METHODS === #
    def action_apply(self):
        """A director applies suggestions in bulk; the chatter records it."""
        if not self.env["res.partner"]._key_account_is_director():
            raise AccessError(
                self.env._("Only a key-account director can apply tier suggestions.")
            )
        todo = self.filtered(lambda s: s.state == "pending")
        if todo.filtered(lambda s: not s.tier_id):
            raise UserError(
                self.env._("Some suggestions propose no tier; dismiss them instead.")
            )
        for suggestion in todo:
            if suggestion.tier_id != suggestion.partner_id.key_account_tier_id:
                suggestion.partner_id.write(
                    {"key_account_tier_id": suggestion.tier_id.id}
                )
        todo._key_account_system_write({"state": "applied"})
        return True

    def action_dismiss(self):
        if not self.env["res.partner"]._key_account_is_director():
            raise AccessError(
                self.env._("Only a key-account director can dismiss tier suggestions.")
            )
        self.filtered(lambda s: s.state == "pending")._key_account_system_write(
            {"state": "dismissed"}
        )
        return True

    # === BUSINESS METHODS === #
    @api.model
    def _cron_suggest(self, batch_size=None):
        """Monthly: trailing-12-month revenue and days to pay per key account.

        One batch per call with a constant number of queries; the cron runner
        calls again while ``_notify_progress`` reports work remaining.
        """
        today = fields.Date.context_today(self)
        month_start = today.replace(day=1)
        company = self.env.company
        batch_size = batch_size or company.key_account_suggestion_batch
        domain = [
            ("is_key_account", "=", True),
            ("is_company", "=", True),
            "|",
            ("key_account_suggestion_date", "=", False),
            ("key_account_suggestion_date", "<", month_start),
        ]
        Partner = self.env["res.partner"]
        partners = Partner.search_fetch(
            domain, ["key_account_tier_id"], limit=batch_size
        )
        if not partners:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return 0
        since = today - relativedelta(months=12)
        stats = self._revenue_and_days(partners, company, since)
        table = [
            (tier.id, minimum)
            for tier, minimum in self.env["key_account.tier"]._suggestion_table(company)
        ]
        self.search(
            [("partner_id", "in", partners.ids), ("state", "=", "pending")]
        ).unlink()
        vals_list = []
        for partner in partners:
            revenue, days = stats.get(partner.id, (0.0, 0.0))
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "date": today,
                    "revenue": revenue,
                    "days_to_pay": days,
                    "current_tier_id": partner.key_account_tier_id.id,
                    "tier_id": suggest_tier(revenue, table),
                }
            )
        self.create(vals_list)
        partners.write({"key_account_suggestion_date": today})
        remaining = Partner.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=remaining)
        return len(partners)

    @api.model
    def _revenue_and_days(self, partners, company, since):
        """{partner id: (revenue, weighted average days to pay)}: two queries
        for the whole batch, the weighting in ``tools.average_days_to_pay``."""
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        invoices = SQL(
            """
            SELECT m.id, m.commercial_partner_id AS partner_id,
                   m.invoice_date, m.amount_untaxed_signed
              FROM account_move m
             WHERE m.commercial_partner_id = ANY(%(partners)s)
               AND m.company_id = %(company)s
               AND m.state = 'posted'
               AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.invoice_date >= %(since)s
            """,
            partners=partners.ids,
            company=company.id,
            since=since,
        )
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, SUM(amount_untaxed_signed) FROM (%s) inv "
                "GROUP BY partner_id",
                invoices,
            )
        )
        revenue = dict(self.env.cr.fetchall())
        self.env.cr.execute(
            SQL(
                """
            SELECT inv.partner_id, apr.max_date - inv.invoice_date, apr.amount
              FROM (%s) inv
              JOIN account_move_line aml ON aml.move_id = inv.id
              JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
             WHERE aml.display_type = 'payment_term'
            """,
                invoices,
            )
        )
        payments = defaultdict(list)
        for partner_id, days, amount in self.env.cr.fetchall():
            payments[partner_id].append((days, amount))
        return {
            pid: (
                float(revenue.get(pid) or 0.0),
                average_days_to_pay(payments.get(pid, ())) or 0.0,
            )
            for pid in partners.ids
        }
