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
    # proposed tier before applying it. Applying drafts a tier-change request:
    # directors change tiers only through requests (SPEC R6).
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
        help="Applied: a tier-change request was drafted for the customer "
        "(none when it already has the suggested tier).",
    )
    request_id = fields.Many2one(
        "key_account.request",
        string="Tier-Change Request",
        readonly=True,
        index="btree_not_null",
        help="The draft tier-change request applying the suggestion: attach "
        "its documents and submit it for approval.",
    )
    user_id = fields.Many2one(related="partner_id.user_id", string="Rep")

    # === ACTION METHODS === #
    def action_apply(self):
        """A director applies suggestions in bulk: each customer whose tier
        should change gets a draft tier-change request, approved like any
        other (a downgrade by the KA head alone)."""
        if not self.env["res.partner"]._key_account_is_director():
            raise AccessError(
                self.env._("Only a key-account director can apply tier suggestions.")
            )
        todo = self.filtered(lambda s: s.state == "pending")
        if todo.filtered(lambda s: not s.tier_id):
            raise UserError(
                self.env._("Some suggestions propose no tier; dismiss them instead.")
            )
        changes = todo.filtered(lambda s: s.tier_id != s.partner_id.key_account_tier_id)
        changes._check_no_open_request()
        requests = self.env["key_account.request"]
        for suggestion in changes:
            request = suggestion._create_request()
            suggestion._key_account_system_write({"request_id": request.id})
            requests |= request
        todo._key_account_system_write({"state": "applied"})
        if not requests:
            return True
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Tier-Change Requests"),
            "res_model": "key_account.request",
        }
        if len(requests) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=requests.id)
        else:
            action.update(
                view_mode="list,form",
                views=[(False, "list"), (False, "form")],
                domain=[("id", "in", requests.ids)],
            )
        return action

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
    def _check_no_open_request(self):
        """One tier change at a time per customer."""
        open_requests = self.env["key_account.request"].search(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("kind", "=", "tier_change"),
                ("state", "in", ("draft", "submitted")),
            ]
        )
        if open_requests:
            requested = ", ".join(
                f"{r.partner_id.display_name} ({r.name})" for r in open_requests
            )
            raise UserError(
                self.env._(
                    "A tier change is already requested for: %s. Finish or "
                    "cancel it first, or dismiss the suggestion.",
                    requested,
                )
            )

    def _create_request(self):
        """Draft the tier-change request applying this suggestion, in the
        name of the customer's rep, who attaches the office's evaluation and
        submits it (the director who applied it decides it, never his own
        request). As the system: the director may not file in another's
        name."""
        self.ensure_one()
        rep = self.partner_id.user_id or self.env.user
        request = (
            self.env["key_account.request"]
            .sudo()
            .with_context(mail_create_nolog=True)
            .create(dict(self._prepare_request_vals(), requester_id=rep.id))
        )
        request.message_post(
            body=self.env._(
                "Drafted by %(user)s from the monthly tier suggestion.",
                user=self.env.user.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        if rep != self.env.user:
            request.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=rep.id,
                summary=self.env._("Submit the suggested tier change"),
                note=self.env._(
                    "Attach the office's evaluation and submit the request, or "
                    "cancel it."
                ),
            )
        return request.with_env(self.env)

    def _prepare_request_vals(self):
        """The draft tier-change request applying this suggestion."""
        self.ensure_one()
        partner = self.partner_id
        currency = self.company_id.currency_id
        days = f"{self.days_to_pay:.1f}"
        return {
            "kind": "tier_change",
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "tier_id": self.tier_id.id,
            "rep_id": (partner.user_id or self.env.user).id,
            "expected_amount": max(self.revenue, 0.0),
            "reason": self.env._(
                "Suggested by the monthly tier check: %(revenue)s invoiced in "
                "the last twelve months, paid in %(days)s days on average.",
                revenue=currency.format(self.revenue),
                days=days,
            ),
        }

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
    def _invoices_sql(self, partners, company, since):
        """The posted customer invoices and credit notes of the partners
        since a date, as a subquery (id, partner_id, invoice_date,
        amount_untaxed_signed)."""
        self.env["account.move"].flush_model()
        return SQL(
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

    @api.model
    def _revenue(self, partners, company, since):
        """{partner id: invoiced untaxed, less credit notes, since the
        date}, one query."""
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, SUM(amount_untaxed_signed) FROM (%s) inv "
                "GROUP BY partner_id",
                self._invoices_sql(partners, company, since),
            )
        )
        return {pid: float(amount or 0.0) for pid, amount in self.env.cr.fetchall()}

    @api.model
    def _days_to_pay(self, partners, company, since):
        """{partner id: weighted average days to pay the invoices since the
        date}, one query, the weighting in ``tools.average_days_to_pay``."""
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            SELECT inv.partner_id, apr.max_date - inv.invoice_date, apr.amount
              FROM (%s) inv
              JOIN account_move_line aml ON aml.move_id = inv.id
              JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
             WHERE aml.display_type = 'payment_term'
            """,
                self._invoices_sql(partners, company, since),
            )
        )
        payments = defaultdict(list)
        for partner_id, days, amount in self.env.cr.fetchall():
            payments[partner_id].append((days, amount))
        return {
            pid: average_days_to_pay(payments.get(pid, ())) or 0.0
            for pid in partners.ids
        }

    @api.model
    def _revenue_and_days(self, partners, company, since):
        """{partner id: (revenue, weighted average days to pay)}: two queries
        for the whole batch."""
        revenue = self._revenue(partners, company, since)
        days = self._days_to_pay(partners, company, since)
        return {pid: (revenue.get(pid, 0.0), days[pid]) for pid in partners.ids}
