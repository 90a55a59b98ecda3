# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..tools import FREQUENCIES, due_reports, week_bounds

KINDS = [
    ("rep_weekly", "Rep's Weekly Report"),
    ("meeting_pack", "Monday Meeting Pack"),
    ("head_monthly", "KA Head's Monthly Report"),
    ("clerk_daily", "Clerk's Daily Report"),
    ("clerk_monthly", "Clerk's Monthly Report"),
]
# Reports on the recipient's own business only (the others cover every key
# account the recipient may read).
PERSONAL_KINDS = ("rep_weekly",)
# Approval documents waiting for a decision, counted in every report.
APPROVAL_MODELS = {
    "pending_exception_count": "key_account.exception.request",
    "pending_writeoff_count": "key_account.writeoff.request",
    "pending_claim_count": "key_account.expense.claim",
    "pending_request_count": "key_account.request",
}
# Overdue ladder stages (account.move.key_account_aging_stage) listed in the
# reports: more than 2 months (R39) and more than 4 months (R40) overdue.
OVER_2_STAGES = ("monitor", "progress", "writeoff")
OVER_4_STAGES = ("progress", "writeoff")
OPEN_PAYMENT_STATES = ("not_paid", "partial")


class KeyAccountReportDigest(models.Model):
    """A scheduled key-account report (SPEC R81-R83): one per kind,
    recipient and period, holding the figures as they were when it was
    sent, e-mailed once unless the recipient opted out of its frequency.

    Figures cover the key accounts the recipient may read (record rules of
    ``res.partner``) and never a secret account the recipient neither owns
    nor serves unless they are a director (R86, R88); the rep's weekly
    report covers the rep's own business only.

    Extra sections: ``_report_kpis``,
    ``_report_visits``, ``_report_complaints``,
    ``_report_conflicts`` and, around them,
    ``_report_sections``."""

    _name = "key_account.report.digest"
    _description = "Key-Account Scheduled Report"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {
        "action_refresh": (("to_send",), ("reader",)),
        "action_key_account_preview": (None, ("rep",)),
    }
    _order = "date_from desc, kind, id desc"

    # === FIELDS === #
    kind = fields.Selection(KINDS, required=True, readonly=True, index=True)
    frequency = fields.Selection(
        [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")],
        compute="_compute_frequency",
        store=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Recipient", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True)
    state = fields.Selection(
        [
            ("to_send", "To Send"),
            ("sent", "Sent"),
            ("opted_out", "Not E-mailed (Opted Out)"),
            ("no_email", "Not E-mailed (No Address)"),
        ],
        default="to_send",
        required=True,
        readonly=True,
        index=True,
    )
    scheduled_date = fields.Date(
        string="To Send On",
        required=True,
        readonly=True,
        index=True,
        default=fields.Date.context_today,
    )
    sent_date = fields.Datetime(readonly=True)
    # Figures, in company currency
    order_count = fields.Integer(string="Orders Confirmed", readonly=True)
    order_amount = fields.Monetary(string="Orders Amount", readonly=True)
    quotation_count = fields.Integer(string="Open Quotations", readonly=True)
    quotation_amount = fields.Monetary(string="Open Quotations Amount", readonly=True)
    invoiced_amount = fields.Monetary(
        string="Invoiced (Untaxed)",
        readonly=True,
        help="Posted customer invoices less credit notes dated in the period.",
    )
    collected_amount = fields.Monetary(
        string="Collected",
        readonly=True,
        help="Payments allocated to key-account invoices in the period, as "
        "recorded for commissions.",
    )
    overdue_amount = fields.Monetary(string="Overdue", readonly=True)
    overdue_2_amount = fields.Monetary(
        string="Overdue More Than 2 Months", readonly=True
    )
    overdue_4_amount = fields.Monetary(
        string="Overdue More Than 4 Months", readonly=True
    )
    missing_note_count = fields.Integer(
        string="Missing Collection Notes",
        readonly=True,
        help="Receivables more than 4 months overdue without a note in the "
        "last 7 days.",
    )
    pending_exception_count = fields.Integer(
        string="Pending Exception Requests", readonly=True
    )
    pending_writeoff_count = fields.Integer(
        string="Pending Write-Off Requests", readonly=True
    )
    pending_claim_count = fields.Integer(string="Pending Expense Claims", readonly=True)
    pending_request_count = fields.Integer(
        string="Pending Key-Account Requests", readonly=True
    )
    review_count = fields.Integer(
        string="Waiting for My Decision",
        readonly=True,
        help="Approval steps waiting for the recipient.",
    )
    weekly_report_id = fields.Many2one(
        "key_account.weekly.report",
        string="My Weekly Report",
        readonly=True,
        help="The rep's submitted report of the week, if any.",
    )
    missing_report_user_ids = fields.Many2many(
        "res.users",
        "key_account_report_digest_missing_rel",
        "digest_id",
        "user_id",
        string="Weekly Reports Missing",
        readonly=True,
    )
    body_html = fields.Html(string="Report", readonly=True, sanitize_style=True)

    _sql_constraints = [
        (
            "period_uniq",
            "unique(kind, user_id, company_id, date_from)",
            "One report per kind, recipient and period.",
        )
    ]

    # === COMPUTE METHODS === #
    @api.depends("kind")
    def _compute_frequency(self):
        for digest in self:
            digest.frequency = FREQUENCIES.get(digest.kind)

    @api.depends("kind", "date_from", "date_to", "user_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for digest in self:
            period = (
                str(digest.date_from)
                if digest.date_from == digest.date_to
                else f"{digest.date_from} – {digest.date_to}"
            )
            digest.display_name = f"{kinds.get(digest.kind, '')} {period}"

    # === ACTION METHODS === #
    def action_refresh(self):
        """Compute the figures again, before the report is sent. As
        superuser once the reader is known to read it: the figures are
        system values nobody writes, computed in the recipient's scope."""
        self.check_access("read")
        self.filtered(lambda d: d.state == "to_send").sudo()._key_account_compute()
        return True

    @api.model
    def action_key_account_preview(self):
        """Open the rep's weekly report of the running week with today's
        figures: the same record the scheduled action sends on the reminder
        day (created as superuser: reports are system records nobody
        writes)."""
        user = self.env.user
        company = self.env.company
        reps = self.env["key_account.weekly.report"]._reporting_reps(company)
        if user not in reps:
            raise UserError(
                self.env._(
                    "Only reps writing weekly reports have a weekly report "
                    "to preview; your reports come from the scheduled action."
                )
            )
        monday, sunday = week_bounds(fields.Date.context_today(self))
        Digest = self.sudo()
        digest = Digest.search(
            [
                ("kind", "=", "rep_weekly"),
                ("user_id", "=", user.id),
                ("company_id", "=", company.id),
                ("date_from", "=", monday),
            ]
        ) or Digest.create(
            {
                "kind": "rep_weekly",
                "user_id": user.id,
                "company_id": company.id,
                "date_from": monday,
                "date_to": sunday,
                "scheduled_date": monday
                + datetime.timedelta(days=int(company.key_account_report_weekday or 4)),
            }
        )
        digest.filtered(lambda d: d.state == "to_send")._key_account_compute()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": digest.id,
            "view_mode": "form",
        }

    # Cron
    @api.model
    def _cron_key_account_reports(self, today=None, batch_size=None):
        """Daily: create the reports due today (once per kind, recipient and
        period, so a re-run creates none), then compute and send one batch
        of unsent reports; the cron runner calls again while some remain."""
        today = today or fields.Date.context_today(self)
        self._create_due(today)
        batch_size = batch_size or 50
        pending = self.sudo().search(
            [("state", "=", "to_send"), ("scheduled_date", "<=", today)], order="id"
        )
        batch = pending[:batch_size]
        batch._key_account_compute()
        batch._key_account_send()
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=len(pending) - len(batch)
        )
        return True

    @api.model
    def _create_due(self, today):
        """Create the reports due on ``today`` that do not exist yet."""
        Digest = self.sudo()
        vals_list = []
        for company in self.env["res.company"].sudo().search([]):
            due = due_reports(
                today,
                report_weekday=int(company.key_account_report_weekday or 4),
                meeting_weekday=int(company.key_account_meeting_weekday or 0),
            )
            for kind, date_from, date_to in due:
                users = self._report_recipients(company, kind)
                existing = Digest.search(
                    [
                        ("kind", "=", kind),
                        ("company_id", "=", company.id),
                        ("date_from", "=", date_from),
                        ("user_id", "in", users.ids),
                    ]
                ).user_id
                vals_list += [
                    {
                        "kind": kind,
                        "user_id": user.id,
                        "company_id": company.id,
                        "date_from": date_from,
                        "date_to": date_to,
                        "scheduled_date": today,
                    }
                    for user in users - existing
                ]
        return Digest.create(vals_list)

    @api.model
    def _report_recipients(self, company, kind):
        """Who receives ``kind`` in ``company``: each reporting rep their
        weekly report, the KA head the meeting pack and monthly report, the
        KA clerk (default: the KA head) the daily and monthly reports."""
        if kind == "rep_weekly":
            return self.env["key_account.weekly.report"]._reporting_reps(company)
        if kind in ("meeting_pack", "head_monthly"):
            users = company._key_account_head()
        else:
            users = company._key_account_clerk()
        # A report covers what its recipient reads in the company: none for
        # a KA head or clerk who may not work in it (another company of the
        # database, whose head is by default the first of the group).
        return users.filtered(lambda user: company in user.company_ids)

    # === BUSINESS METHODS === #
    def _key_account_send(self):
        """E-mail each report to its recipient once, unless they opted out
        of its frequency; the report stays readable in the application."""
        template = self.env.ref("key_account.mail_template_report_digest")
        now = fields.Datetime.now()
        for digest in self.filtered(lambda d: d.state == "to_send"):
            user = digest.user_id
            if not user[f"key_account_digest_{digest.frequency}"]:
                digest.write({"state": "opted_out"})
                continue
            if not user.email:
                digest.write({"state": "no_email"})
                continue
            template.send_mail(
                digest.id, email_layout_xmlid="mail.mail_notification_light"
            )
            digest.write({"state": "sent", "sent_date": now})

    def _key_account_compute(self):
        for digest in self:
            digest.write(digest._key_account_values())

    def _key_account_values(self):
        """The figures and the rendered body of this report."""
        self.ensure_one()
        values = {}
        partners = self._scope_partners()
        values.update(self._order_figures(partners))
        values.update(self._invoice_figures(partners))
        values.update(self._overdue_figures(partners))
        values.update(self._approval_figures())
        if self.kind == "rep_weekly":
            report = (
                self.env["key_account.weekly.report"]
                .sudo()
                .search(
                    [
                        ("user_id", "=", self.user_id.id),
                        ("company_id", "=", self.company_id.id),
                        ("week_start", "=", self.date_from),
                        ("state", "=", "submitted"),
                    ],
                    limit=1,
                )
            )
            values["weekly_report_id"] = report.id
        else:
            report = self.env["key_account.weekly.report"]
        missing = self.env["res.users"]
        if self.kind == "meeting_pack":
            missing = self.env["key_account.weekly.report"]._key_account_missing(
                self.company_id, self.date_from
            )
            values["missing_report_user_ids"] = [fields.Command.set(missing.ids)]
        values["body_html"] = self._key_account_render(
            values, partners, missing, report
        )
        return values

    def _recipient_env(self):
        """The recipient's environment: what they may read decides the scope."""
        return self.with_user(self.user_id).with_company(self.company_id).env

    def _key_account_is_director(self):
        return self.user_id.has_group("key_account.group_key_account_director")

    def _scope_partners(self):
        """The key accounts this report covers: those the recipient may read
        (record rules), never a secret one the recipient neither owns nor
        serves unless a director; for personal reports only their own."""
        self.ensure_one()
        user = self.user_id
        domain = [("is_key_account", "=", True)]
        if self.kind in PERSONAL_KINDS:
            domain += [
                "|",
                ("user_id", "=", user.id),
                ("key_account_executive_id", "=", user.id),
            ]
        if not self._key_account_is_director():
            domain += [
                "|",
                ("key_account_confidentiality", "!=", "secret"),
                "|",
                ("user_id", "=", user.id),
                ("key_account_executive_id", "=", user.id),
            ]
        partners = self._recipient_env()["res.partner"].search(domain)
        return partners.filtered(lambda p: p.commercial_partner_id == p).sudo()

    def _totals_model(self, model):
        """``model`` as superuser, for totals only: a clerk or a rep may not
        read each invoice or commission line, but the report restricts every
        total to the customers of ``_scope_partners``."""
        return self.env[model].sudo().with_company(self.company_id)

    def _key_account_bounds(self):
        start = datetime.datetime.combine(self.date_from, datetime.time.min)
        end = datetime.datetime.combine(
            self.date_to + datetime.timedelta(days=1), datetime.time.min
        )
        return start, end

    def _order_domain(self, partners):
        domain = [
            ("company_id", "=", self.company_id.id),
            ("partner_id.commercial_partner_id", "in", partners.ids),
        ]
        if self.kind in PERSONAL_KINDS:
            domain.append(("user_id", "=", self.user_id.id))
        return domain

    def _order_figures(self, partners):
        Order = self._totals_model("sale.order")
        start, end = self._key_account_bounds()
        base = self._order_domain(partners)
        [(count, amount)] = Order._read_group(
            base
            + [
                ("state", "=", "sale"),
                ("date_order", ">=", start),
                ("date_order", "<", end),
            ],
            [],
            ["__count", "key_account_amount:sum"],
        )
        [(q_count, q_amount)] = Order._read_group(
            base + [("state", "in", ("draft", "sent"))],
            [],
            ["__count", "key_account_amount:sum"],
        )
        return {
            "order_count": count,
            "order_amount": amount or 0.0,
            "quotation_count": q_count,
            "quotation_amount": q_amount or 0.0,
        }

    def _invoice_domain(self, partners):
        domain = [
            ("company_id", "=", self.company_id.id),
            ("commercial_partner_id", "in", partners.ids),
            ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")),
        ]
        if self.kind in PERSONAL_KINDS:
            domain.append(("invoice_user_id", "=", self.user_id.id))
        return domain

    def _invoice_figures(self, partners):
        Move = self._totals_model("account.move")
        [(invoiced,)] = Move._read_group(
            self._invoice_domain(partners)
            + [
                ("invoice_date", ">=", self.date_from),
                ("invoice_date", "<=", self.date_to),
            ],
            [],
            ["amount_untaxed_signed:sum"],
        )
        line_domain = [
            ("company_id", "=", self.company_id.id),
            ("partner_id", "in", partners.ids),
            ("origin", "=", "collection"),
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
        ]
        if self.kind in PERSONAL_KINDS:
            line_domain.append(("user_id", "=", self.user_id.id))
        # Each allocation has a line per beneficiary and kind, all carrying
        # what it collected: count it once, reversals negative.
        allocations = self._totals_model("key_account.commission.line")._read_group(
            line_domain,
            ["allocation_ref", "is_reversal"],
            ["collected_amount:max"],
        )
        collected = sum(
            -amount if reversal else amount for _ref, reversal, amount in allocations
        )
        return {"invoiced_amount": invoiced or 0.0, "collected_amount": collected}

    def _overdue_moves(self, partners, stages):
        return self._totals_model("account.move").search(
            self._invoice_domain(partners)
            + [
                ("key_account_aging_stage", "in", stages),
                ("payment_state", "in", OPEN_PAYMENT_STATES),
            ],
            order="invoice_date_due, id",
        )

    def _note_deadline(self):
        return fields.Datetime.subtract(fields.Datetime.now(), days=7)

    def _overdue_figures(self, partners):
        aging_domain = [
            ("company_id", "=", self.company_id.id),
            ("partner_id", "in", partners.ids),
            ("days_overdue", ">", 0),
        ]
        if self.kind in PERSONAL_KINDS:
            aging_domain.append(("move_id.invoice_user_id", "=", self.user_id.id))
        [(overdue,)] = self._totals_model("key_account.aging.report")._read_group(
            aging_domain, [], ["amount_residual:sum"]
        )
        over_2 = self._overdue_moves(partners, OVER_2_STAGES)
        over_4 = over_2.filtered(lambda m: m.key_account_aging_stage in OVER_4_STAGES)
        deadline = self._note_deadline()
        missing = over_4.filtered(
            lambda m: (
                not m.key_account_progress_date
                or m.key_account_progress_date < deadline
            )
        )
        return {
            "overdue_amount": overdue or 0.0,
            "overdue_2_amount": sum(over_2.mapped("amount_residual_signed")),
            "overdue_4_amount": sum(over_4.mapped("amount_residual_signed")),
            "missing_note_count": len(missing),
        }

    def _approval_figures(self):
        """Open approval documents the recipient may read (record rules),
        and approval steps waiting for them."""
        env = self._recipient_env()
        values = {}
        guard = []
        if not self._key_account_is_director():
            user = self.user_id
            guard = [
                "|",
                (
                    "partner_id.commercial_partner_id.key_account_confidentiality",
                    "!=",
                    "secret",
                ),
                "|",
                ("partner_id.commercial_partner_id.user_id", "=", user.id),
                (
                    "partner_id.commercial_partner_id.key_account_executive_id",
                    "=",
                    user.id,
                ),
            ]
        for field_name, model in APPROVAL_MODELS.items():
            domain = [
                ("state", "=", "submitted"),
                ("company_id", "=", self.company_id.id),
            ]
            values[field_name] = env[model].search_count(domain + guard)
        values["review_count"] = env["tier.review"].search_count(
            [
                ("status", "=", "pending"),
                ("reviewer_ids", "in", self.user_id.id),
                ("model", "in", list(APPROVAL_MODELS.values()) + ["sale.order"]),
            ]
        )
        return values

    # Rendering
    def _funnel(self, partners):
        """Open quotations per rep and stage: [(rep, state label, count,
        amount)]."""
        Order = self._totals_model("sale.order")
        states = dict(Order._fields["state"]._description_selection(self.env))
        groups = Order._read_group(
            self._order_domain(partners) + [("state", "in", ("draft", "sent"))],
            ["user_id", "state"],
            ["__count", "key_account_amount:sum"],
            order="user_id, state",
        )
        return [
            (user.name or "-", states.get(state, state), count, amount or 0.0)
            for user, state, count, amount in groups
        ]

    def _overdue_rows(self, partners):
        """Receivables more than 2 months overdue with their last collection
        note (R83): dicts for the report body."""
        moves = self._overdue_moves(partners, OVER_2_STAGES)
        notes = (
            self.env["key_account.collection.note"]
            .sudo()
            .search([("invoice_id", "in", moves.ids)], order="date desc, id desc")
        )
        last_note = {}
        for note in notes:
            last_note.setdefault(note.invoice_id.id, note)
        stages = dict(
            moves._fields["key_account_aging_stage"]._description_selection(self.env)
        )
        deadline = self._note_deadline()
        rows = []
        for move in moves:
            note = last_note.get(move.id)
            rows.append(
                {
                    "move": move,
                    "stage": stages.get(move.key_account_aging_stage, ""),
                    "over_4": move.key_account_aging_stage in OVER_4_STAGES,
                    "note": note,
                    "note_missing": move.key_account_aging_stage in OVER_4_STAGES
                    and (not note or note.date < deadline),
                }
            )
        return rows

    def _report_kpis(self, partners):
        """KPI section of the report (R78, R85): a row per rep covered.

        The KPIs are read as the recipient (``key_account.kpi`` applies the
        reader's rights), not as the superuser computing the report: a rep's
        weekly report then never counts another rep's secret account, and
        the clerk's reports never a secret account he does not serve."""
        users = self._scope_users(partners)
        env = self._recipient_env()
        if not users or not env["key_account.kpi.report"].has_access("read"):
            return None
        kpis = env["key_account.kpi"]._kpis(users.ids, self.date_from, self.date_to)
        _ = self.env._
        return {
            "title": _("KPIs"),
            "columns": [
                _("Rep"),
                _("Sales"),
                _("Sales Target"),
                _("Completion"),
                _("Collected"),
                _("Collection Rate"),
                _("Visits (done / planned / expected)"),
                _("Calls (done / expected)"),
                _("Valid Complaints"),
            ],
            "rows": [
                [
                    user.name,
                    self._format_amount(kpis[user.id]["sales"]),
                    self._format_amount(kpis[user.id]["sales_target"]),
                    self._format_percent(kpis[user.id]["sales_completion"]),
                    self._format_amount(kpis[user.id]["collected"]),
                    self._format_percent(kpis[user.id]["collection_rate"]),
                    "%s / %s / %g"
                    % (
                        kpis[user.id]["visits"],
                        kpis[user.id]["visits_planned"],
                        kpis[user.id]["visit_target"],
                    ),
                    "%s / %g" % (kpis[user.id]["calls"], kpis[user.id]["call_target"]),
                    kpis[user.id]["valid_complaints"],
                ]
                for user in users.sorted("name")
            ],
        }

    def _format_amount(self, amount):
        return format_amount(self.env, amount or 0.0, self.company_id.currency_id)

    def _format_percent(self, rate):
        return "-" if rate is None else "%.1f %%" % rate

    def _report_visits(self, partners):
        """Visits planned in the period on the covered key accounts, per
        state (R50-R55)."""
        return self._count_section(
            partners,
            "key_account.visit",
            "planned_start",
            "user_id",
            self.env._("Visits"),
        )

    def _report_complaints(self, partners):
        """Complaints received in the period on the covered key accounts,
        per state (R76)."""
        return self._count_section(
            partners,
            "key_account.complaint",
            "date",
            "rep_id",
            self.env._("Complaints"),
        )

    def _report_conflicts(self, partners):
        """Open ownership conflicts for the KA head's meeting pack (R45), as
        the recipient reads them; None when there is none."""
        Conflict = self._recipient_env()["key_account.ownership.conflict"]
        conflicts = Conflict.search(
            [("state", "=", "open"), ("company_id", "=", self.company_id.id)]
        )
        if not conflicts:
            return None
        _ = self.env._
        kinds = dict(Conflict._fields["kind"]._description_selection(self.env))
        return {
            "title": _("Open Ownership Conflicts"),
            "columns": [_("Conflict"), _("Reps"), _("Proposed Owner"), _("Found On")],
            "rows": [
                [
                    "%s: %s"
                    % (
                        kinds.get(conflict.kind, ""),
                        ", ".join(conflict.partner_ids.mapped("name")),
                    ),
                    ", ".join(conflict.user_ids.mapped("name")),
                    conflict.proposed_user_id.name or "-",
                    conflict.date or "",
                ]
                for conflict in conflicts
            ],
        }

    def _report_clerk_analysis(self, partners):
        """The KA clerk's analysis of the month (R82): the analysis of the
        clerks' submitted monthly reports; None when there is none."""
        reports = (
            self.env["key_account.monthly.report"]
            .sudo()
            .search(
                [
                    ("kind", "=", "clerk"),
                    ("company_id", "=", self.company_id.id),
                    ("month", "=", self.date_from),
                    ("state", "in", ("submitted", "reviewed")),
                ]
            )
        )
        if not reports:
            return None
        _ = self.env._
        return {
            "title": _("Clerk's Analysis"),
            "columns": [_("Clerk"), _("Analysis")],
            "rows": [
                [report.user_id.name, report.analysis or ""] for report in reports
            ],
        }

    def _scope_users(self, partners):
        """The reps whose business the report covers (KPI hooks)."""
        if self.kind in PERSONAL_KINDS:
            return self.user_id
        return partners.user_id

    def _count_section(self, partners, model, date_field, user_field, title):
        """A section counting the records of ``model`` whose ``date_field``
        (a date or datetime) falls in the period, on the covered key
        accounts (``partner_id``), per ``state``; for personal reports only
        those whose ``user_field`` is the recipient."""
        Model = self._totals_model(model)
        if Model._fields[date_field].type == "datetime":
            start, end = self._key_account_bounds()
            period = [(date_field, ">=", start), (date_field, "<", end)]
        else:
            period = [
                (date_field, ">=", self.date_from),
                (date_field, "<=", self.date_to),
            ]
        domain = [("partner_id.commercial_partner_id", "in", partners.ids)] + period
        if self.kind in PERSONAL_KINDS:
            domain.append((user_field, "=", self.user_id.id))
        states = dict(Model._fields["state"]._description_selection(self.env))
        return {
            "title": title,
            "columns": [self.env._("Status"), self.env._("Count")],
            "rows": [
                [states.get(state, state), count]
                for state, count in Model._read_group(domain, ["state"], ["__count"])
            ],
        }

    def _report_sections(self, partners):
        """Extra sections of the body: a list of dicts ``{'title': str,
        'columns': [str], 'rows': [[value]]}``. Extend by calling super and
        appending, or override the ``_report_*`` hooks."""
        hooks = [
            self._report_kpis,
            self._report_visits,
            self._report_complaints,
        ]
        if self.kind == "meeting_pack":
            hooks.append(self._report_conflicts)
        if self.kind in ("head_monthly", "clerk_monthly"):
            hooks.append(self._report_clerk_analysis)
        return [section for section in (hook(partners) for hook in hooks) if section]

    def _key_account_render(self, values, partners, missing, weekly_report):
        """The body of the report in the recipient's language."""
        lang = self.user_id.lang or self.env.lang
        record = self.with_context(lang=lang)
        return (
            self.env["ir.qweb"]
            .with_context(lang=lang)
            ._render(
                "key_account.report_digest_body",
                {
                    "digest": record,
                    "values": values,
                    "currency": self.company_id.currency_id,
                    "funnel": record._funnel(partners),
                    "overdue_rows": record._overdue_rows(partners),
                    "missing_users": missing,
                    "weekly_report": weekly_report,
                    "sections": record._report_sections(partners),
                },
            )
        )
