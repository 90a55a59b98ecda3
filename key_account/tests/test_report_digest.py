# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools import week_bounds
from .common_order import OrderApprovalCase

A_FRIDAY = datetime.date(2025, 6, 13)


class ReportCase(OrderApprovalCase):
    """Rep A's key account ACME and rep B's secret key account Beta, with
    orders, invoices, payments and overdue receivables of this week."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.key_account_head_user_id = cls.head
        cls.company.key_account_clerk_id = cls.office_manager
        cls._make_key_account(cls.customer_b, key_account_confidentiality="secret")
        cls.accountant = new_test_user(
            cls.env,
            "ka_report_accountant",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.env["key_account.commission.rule"].with_user(cls.head).create(
            {"name": "Default", "rate": 5.0}
        )
        cls.today = fields.Date.context_today(cls.env["res.users"])
        cls.monday, cls.sunday = week_bounds(cls.today)
        cls.Digest = cls.env["key_account.report.digest"]
        # Reports are the subject here: orders need no approval route.
        cls.env["tier.definition"].search([("model", "=", "sale.order")]).active = False

    def _confirmed(self, partner, amount, user):
        """An order confirmed now (orders need no approval route here)."""
        order = self._order(amount, user=user, partner=partner)
        order.with_user(user).action_confirm()
        self.assertEqual(order.state, "sale")
        return order

    def _inv(self, partner, amount, date, due=None, move_type="out_invoice"):
        """A posted invoice due ``due`` (default: 30 days after ``date``)."""
        return self._invoice(
            partner,
            amount,
            date,
            due or date + datetime.timedelta(days=30),
            user=self.accountant,
            product=self.product,
            move_type=move_type,
            invoice_user_id=partner.user_id.id,
            invoice_payment_term_id=False,
        )

    def _pay(self, move, amount):
        return (
            self.env["account.payment.register"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"amount": amount, "payment_date": self.monday})
            ._create_payments()
        )

    def _days_ago(self, days):
        return self.today - datetime.timedelta(days=days)

    def _business(self):
        # Rep A on ACME
        self._confirmed(self.customer, 1000.0, self.rep_a)
        self._order(500.0, user=self.rep_a)  # open quotation
        invoice = self._inv(self.customer, 2000.0, self.monday)
        self._inv(self.customer, 300.0, self.monday, move_type="out_refund")
        self._pay(invoice, 1000.0)
        self._inv(self.customer, 400.0, self._days_ago(70), due=self._days_ago(70))
        self.over_4 = self._inv(
            self.customer, 600.0, self._days_ago(150), due=self._days_ago(150)
        )
        # Rep B on the secret Beta
        self._confirmed(self.customer_b, 7000.0, self.rep_b)
        invoice_b = self._inv(self.customer_b, 9000.0, self.monday)
        self._pay(invoice_b, 4000.0)
        self._inv(self.customer_b, 800.0, self._days_ago(70), due=self._days_ago(70))
        self.env["account.move"]._cron_key_account_aging()

    def _done_visit(self, user, partner, day):
        """A visit on ``day`` 02:00-04:00 (UTC), registered the day before
        and reported by ``user`` after it."""
        start = datetime.datetime.combine(day, datetime.time(2, 0))
        return super()._done_visit(user, partner, start)

    def _customer_care(self):
        """This Monday: rep A visited ACME, which complained validly; rep B
        visited his secret Beta."""
        self.visit = self._done_visit(self.rep_a, self.customer, self.monday)
        self.visit_b = self._done_visit(self.rep_b, self.customer_b, self.monday)
        self.complaint = (
            self.env["key_account.complaint"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "date": self.monday,
                    "description": "<p>Half of the paper arrived wet.</p>",
                }
            )
        )
        self.complaint.with_user(self.office_manager).action_mark_valid()

    def _sections(self, digest):
        """{title: rows} of the extra sections of ``digest``."""
        partners = digest._scope_partners()
        return {
            section["title"]: section["rows"]
            for section in digest._report_sections(partners)
        }

    def _digest(self, kind, user):
        digest = self.Digest.sudo().create(
            {
                "kind": kind,
                "user_id": user.id,
                "company_id": self.company.id,
                "date_from": self.monday,
                "date_to": self.sunday,
            }
        )
        digest._key_account_compute()
        return digest

    def _figures(self, digest):
        return {
            name: digest[name]
            for name in (
                "order_count",
                "order_amount",
                "quotation_count",
                "quotation_amount",
                "invoiced_amount",
                "collected_amount",
                "overdue_amount",
                "overdue_2_amount",
                "overdue_4_amount",
                "missing_note_count",
            )
        }

    def _digest_mails(self):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "key_account.report.digest")])
        )


@tagged("post_install", "-at_install")
class TestReportDigest(ReportCase):
    """SPEC R81-R83: figures of the scheduled reports, confidentiality."""

    def test_rep_weekly_figures_are_his_own(self):
        self._business()
        digest = self._digest("rep_weekly", self.rep_a)
        self.assertEqual(
            self._figures(digest),
            {
                "order_count": 1,
                "order_amount": 1000.0,
                "quotation_count": 1,
                "quotation_amount": 500.0,
                "invoiced_amount": 1700.0,
                "collected_amount": 1000.0,
                "overdue_amount": 1000.0,
                "overdue_2_amount": 1000.0,
                "overdue_4_amount": 600.0,
                "missing_note_count": 1,
            },
        )
        # Rep B's secret account leaves no trace in rep A's report.
        self.assertNotIn("Beta Corp", digest.body_html)
        self.assertIn(self.over_4.name, digest.body_html)
        self.assertIn("submit your weekly report", digest.body_html)

    def test_collection_note_clears_missing_note(self):
        self._business()
        self.env["key_account.collection.note"].with_user(self.rep_a).create(
            {"invoice_id": self.over_4.id, "note": "Customer promised June 30."}
        )
        digest = self._digest("rep_weekly", self.rep_a)
        self.assertEqual(digest.missing_note_count, 0)
        self.assertIn("Customer promised June 30.", digest.body_html)

    def test_head_meeting_pack_covers_every_account(self):
        self._business()
        digest = self._digest("meeting_pack", self.head)
        self.assertEqual(
            self._figures(digest),
            {
                "order_count": 2,
                "order_amount": 8000.0,
                "quotation_count": 1,
                "quotation_amount": 500.0,
                "invoiced_amount": 10700.0,
                "collected_amount": 5000.0,
                "overdue_amount": 1800.0,
                "overdue_2_amount": 1800.0,
                "overdue_4_amount": 600.0,
                "missing_note_count": 1,
            },
        )
        self.assertIn("Beta Corp", digest.body_html)

    def test_clerk_never_sees_secret_account(self):
        """The clerk (a supervisor of rep A's team) gets rep A's figures:
        rep B's secret account stays out even once the clerk leads rep B's
        team too."""
        self.team_b.user_id = self.office_manager
        self._business()
        digest = self._digest("clerk_daily", self.office_manager)
        figures = self._figures(digest)
        self.assertEqual(figures["invoiced_amount"], 1700.0)
        self.assertEqual(figures["collected_amount"], 1000.0)
        self.assertEqual(figures["overdue_2_amount"], 1000.0)
        self.assertEqual(figures["order_amount"], 1000.0)
        self.assertNotIn("Beta Corp", digest.body_html)
        # Without the secret level, rep B's account counts for the team.
        self.customer_b.with_user(self.head).key_account_confidentiality = "normal"
        digest = self._digest("clerk_monthly", self.office_manager)
        self.assertEqual(digest.invoiced_amount, 10700.0)

    def test_open_approvals_and_reviews(self):
        gamma = self.env["res.partner"].create(
            {"name": "Gamma Ltd", "is_company": True, "user_id": self.rep_a.id}
        )
        self._submitted_request(partner=gamma)
        rep_digest = self._digest("rep_weekly", self.rep_a)
        self.assertEqual(rep_digest.pending_request_count, 1)
        self.assertEqual(rep_digest.review_count, 0)
        # Band 1: the office manager decides first, then the KA head.
        clerk_digest = self._digest("clerk_daily", self.office_manager)
        self.assertEqual(clerk_digest.review_count, 1)
        self.assertEqual(self._digest("head_monthly", self.head).review_count, 0)
        self.assertEqual(
            self._digest("rep_weekly", self.rep_b).pending_request_count, 0
        )

    def test_kpis_visits_and_complaints_sections(self):
        """The rep's KPIs count his reported visit and valid complaint; the
        visit and complaint sections count them by state."""
        self._customer_care()
        digest = self._digest("rep_weekly", self.rep_a)
        sections = self._sections(digest)
        [kpi_row] = sections["KPIs"]
        self.assertEqual(kpi_row[0], self.rep_a.name)
        self.assertTrue(kpi_row[6].startswith("1 / "), kpi_row)
        self.assertEqual(kpi_row[8], 1)
        self.assertEqual(sections["Visits"], [["Done", 1]])
        self.assertEqual(sections["Complaints"], [["New", 1]])
        for text in ("KPIs", "Valid Complaints", "Done", "Complaints"):
            self.assertIn(text, digest.body_html)
        self.assertNotIn(self.rep_b.name, digest.body_html)
        self.assertNotIn("Open Ownership Conflicts", sections)

    def test_kpis_never_show_another_reps_secret_account(self):
        """Computed as superuser, the KPIs are still read as the recipient:
        the clerk leading rep B's team does not get rep B's secret figures;
        the KA head gets every rep's."""
        self._business()
        self._customer_care()
        self.team_b.user_id = self.office_manager
        clerk = self._sections(self._digest("clerk_daily", self.office_manager))
        self.assertEqual([row[0] for row in clerk["KPIs"]], [self.rep_a.name])
        self.assertEqual(clerk["Visits"], [["Done", 1]])
        pack = self._sections(self._digest("meeting_pack", self.head))
        rows = {row[0]: row for row in pack["KPIs"]}
        self.assertEqual(set(rows), {self.rep_a.name, self.rep_b.name})
        self.assertTrue(rows[self.rep_b.name][6].startswith("1 / "))
        self.assertIn("9,000.00", rows[self.rep_b.name][1])
        self.assertEqual(pack["Visits"], [["Done", 2]])
        # Rep B's own weekly report has his secret account's figures.
        [own] = self._sections(self._digest("rep_weekly", self.rep_b))["KPIs"]
        self.assertIn("9,000.00", own[1])
        self.assertTrue(own[6].startswith("1 / "))

    def test_meeting_pack_lists_open_conflicts(self):
        conflict = self.env["key_account.ownership.conflict"].create(
            {
                "kind": "name",
                "key": "acme",
                "partner_ids": [Command.set((self.customer | self.customer_b).ids)],
                "user_ids": [Command.set((self.rep_a | self.rep_b).ids)],
                "proposed_user_id": self.rep_a.id,
                "fingerprint": "name:acme",
            }
        )
        digest = self._digest("meeting_pack", self.head)
        [row] = self._sections(digest)["Open Ownership Conflicts"]
        self.assertIn("Same Company Name", row[0])
        self.assertIn("ACME Ltd", row[0])
        self.assertEqual(row[2], self.rep_a.name)
        self.assertIn("Open Ownership Conflicts", digest.body_html)
        # Only the meeting pack has it, and only while open.
        monthly = self._digest("head_monthly", self.head)
        self.assertNotIn("Open Ownership Conflicts", self._sections(monthly))
        conflict.write({"state": "dismissed"})
        digest.action_refresh()
        self.assertNotIn("Open Ownership Conflicts", digest.body_html)

    def test_recipient_reads_only_own_reports(self):
        mine = self._digest("rep_weekly", self.rep_a)
        other = self._digest("rep_weekly", self.rep_b)
        Digest = self.Digest.with_user(self.rep_a)
        self.assertEqual(Digest.search([]), mine)
        with self.assertRaises(AccessError):
            other.with_user(self.rep_a).read(["invoiced_amount"])
        with self.assertRaises(AccessError):
            mine.with_user(self.rep_a).write({"invoiced_amount": 1.0})
        with self.assertRaises(AccessError):
            other.with_user(self.rep_a).action_refresh()
        self.assertEqual(self.Digest.with_user(self.head).search([]), mine | other)

    def test_refresh_before_sending(self):
        digest = self._digest("rep_weekly", self.rep_a)
        self.assertEqual(digest.invoiced_amount, 0.0)
        self._inv(self.customer, 250.0, self.monday)
        digest.with_user(self.rep_a).action_refresh()
        self.assertEqual(digest.invoiced_amount, 250.0)


@tagged("post_install", "-at_install")
class TestReportCron(ReportCase):
    """Scheduled e-mails: once per period, opt-out, missing weekly reports."""

    def setUp(self):
        super().setUp()
        # The reports are e-mailed: their readers have addresses here (the
        # common fixture gives none).
        for user in (self.rep_a, self.rep_b, self.office_manager, self.head):
            user.email = f"{user.login}@acme-trading.example"

    def _run_cron(self, today, batch_size=None):
        for _i in range(20):
            self.Digest._cron_key_account_reports(today=today, batch_size=batch_size)
            if not self.Digest.sudo().search_count(
                [("state", "=", "to_send"), ("scheduled_date", "<=", today)]
            ):
                return
        self.fail("The reports were not all sent")

    def test_friday_weekly_reports_sent_once(self):
        self._run_cron(A_FRIDAY, batch_size=1)
        weekly = self.Digest.sudo().search([("kind", "=", "rep_weekly")])
        self.assertEqual(weekly.user_id, self.rep_a | self.rep_b)
        self.assertEqual(set(weekly.mapped("state")), {"sent"})
        self.assertEqual(weekly.mapped("date_from"), [datetime.date(2025, 6, 9)] * 2)
        # Friday also brings the clerk's daily report of Thursday.
        daily = self.Digest.sudo().search([("kind", "=", "clerk_daily")])
        self.assertEqual(daily.user_id, self.office_manager)
        self.assertEqual(daily.date_from, datetime.date(2025, 6, 12))
        mails = self._digest_mails()
        self.assertEqual(len(mails), 3)
        self.assertEqual(
            mails.recipient_ids,
            (self.rep_a | self.rep_b | self.office_manager).partner_id,
        )
        # A second run (or a run after a crash) sends nothing again.
        self._run_cron(A_FRIDAY)
        self.assertEqual(self.Digest.sudo().search_count([]), 3)
        self.assertEqual(len(self._digest_mails()), 3)

    def test_opt_out_by_frequency(self):
        # The rep chooses it in their own preferences.
        self.rep_a.with_user(self.rep_a).write({"key_account_digest_weekly": False})
        self.assertFalse(self.rep_a.key_account_digest_weekly)
        with self.assertRaises(AccessError):
            self.rep_b.with_user(self.rep_a).write({"key_account_digest_weekly": False})
        self.office_manager.with_user(self.office_manager).write(
            {"key_account_digest_daily": False}
        )
        self._run_cron(A_FRIDAY)
        weekly = self.Digest.sudo().search([("kind", "=", "rep_weekly")])
        self.assertEqual(
            {d.user_id: d.state for d in weekly},
            {self.rep_a: "opted_out", self.rep_b: "sent"},
        )
        self.assertEqual(self._digest_mails().recipient_ids, self.rep_b.partner_id)
        # The report stays readable by the rep who opted out.
        self.assertEqual(
            self.Digest.with_user(self.rep_a).search([]).state, "opted_out"
        )

    def test_no_address_no_mail(self):
        self.rep_b.email = False
        self._run_cron(A_FRIDAY)
        weekly = self.Digest.sudo().search([("kind", "=", "rep_weekly")])
        self.assertEqual(
            {d.user_id: d.state for d in weekly},
            {self.rep_a: "sent", self.rep_b: "no_email"},
        )
        self.assertNotIn(self.rep_b.partner_id, self._digest_mails().recipient_ids)

    def test_preview_is_the_report_sent_later(self):
        self._confirmed(self.customer, 1000.0, self.rep_a)
        action = self.Digest.with_user(self.rep_a).action_key_account_preview()
        digest = self.Digest.browse(action["res_id"])
        self.assertEqual(digest.with_user(self.rep_a).order_amount, 1000.0)
        self.assertEqual((digest.kind, digest.date_from), ("rep_weekly", self.monday))
        again = self.Digest.with_user(self.rep_a).action_key_account_preview()
        self.assertEqual(again["res_id"], digest.id)
        with self.assertRaises(UserError):
            self.Digest.with_user(self.head).action_key_account_preview()
        # The scheduled action sends that same report once, on the
        # reminder day.
        reminder_day = self.monday + datetime.timedelta(days=4)
        self.assertEqual(digest.scheduled_date, reminder_day)
        self.Digest._cron_key_account_reports(
            today=reminder_day - datetime.timedelta(days=1)
        )
        self.assertEqual(digest.state, "to_send")
        self._run_cron(reminder_day)
        self.assertEqual(
            self.Digest.sudo().search_count(
                [("kind", "=", "rep_weekly"), ("user_id", "=", self.rep_a.id)]
            ),
            1,
        )
        self.assertEqual(digest.state, "sent")

    def test_monday_meeting_pack_lists_missing_weekly_reports(self):
        report = (
            self.env["key_account.weekly.report"]
            .with_user(self.rep_a)
            .create(
                {
                    "week_start": datetime.date(2025, 6, 11),  # a Wednesday
                    "summary": "Visited ACME twice.",
                    "next_week_plan": "Close the paper order.",
                }
            )
        )
        self.assertEqual(report.week_start, datetime.date(2025, 6, 9))
        self.assertEqual(report.user_id, self.rep_a)
        report.action_submit()
        # A draft report is no report.
        self.env["key_account.weekly.report"].with_user(self.rep_b).create(
            {
                "week_start": datetime.date(2025, 6, 9),
                "summary": "-",
                "next_week_plan": "-",
            }
        )
        self._run_cron(datetime.date(2025, 6, 16))
        pack = self.Digest.sudo().search([("kind", "=", "meeting_pack")])
        self.assertEqual(pack.user_id, self.head)
        self.assertEqual(
            (pack.date_from, pack.date_to),
            (datetime.date(2025, 6, 9), datetime.date(2025, 6, 15)),
        )
        self.assertEqual(pack.missing_report_user_ids, self.rep_b)
        self.assertIn(self.rep_b.name, pack.body_html)
        self.assertEqual(pack.state, "sent")
        # No clerk's daily report for a Sunday.
        self.assertFalse(
            self.Digest.sudo().search_count([("kind", "=", "clerk_daily")])
        )

    def test_first_of_month_reports(self):
        self._run_cron(datetime.date(2025, 7, 1))
        monthly = self.Digest.sudo().search([("frequency", "=", "monthly")])
        self.assertEqual(
            {(d.kind, d.user_id) for d in monthly},
            {("head_monthly", self.head), ("clerk_monthly", self.office_manager)},
        )
        self.assertEqual(set(monthly.mapped("date_from")), {datetime.date(2025, 6, 1)})
        self.assertEqual(set(monthly.mapped("date_to")), {datetime.date(2025, 6, 30)})

    def test_company_its_head_does_not_work_in(self):
        """Another company of the database, where neither the KA head nor
        the clerk works: no report of it to them (they may not read it); the
        run sends the others."""
        self.env["res.company"].create({"name": "Beijing Branch"})
        self._run_cron(A_FRIDAY)
        digests = self.Digest.sudo().search([])
        self.assertEqual(digests.company_id, self.company)
        self.assertEqual(set(digests.mapped("state")), {"sent"})


@tagged("post_install", "-at_install")
class TestWeeklyReport(ReportCase):
    """SPEC R81: the rep's weekly report."""

    def _report(self, user=None, **vals):
        values = {
            "week_start": datetime.date(2025, 6, 9),
            "summary": "Work",
            "next_week_plan": "Plan",
        }
        values.update(vals)
        return (
            self.env["key_account.weekly.report"]
            .with_user(user or self.rep_a)
            .create(values)
        )

    def test_month_last_week_needs_customer_log(self):
        report = self._report(week_start=datetime.date(2025, 6, 30))
        self.assertTrue(report.is_month_last_week)
        with self.assertRaisesRegex(UserError, "customer log"):
            report.action_submit()
        report.customer_log = "ACME: order expected in July."
        report.action_submit()
        self.assertEqual(report.state, "submitted")
        with self.assertRaises(UserError):
            report.summary = "Rewritten"
        with self.assertRaises(UserError):
            report.unlink()

    def test_one_report_per_week_and_own_only(self):
        report = self._report(user_id=self.rep_b.id)
        # A rep files their own report, whatever they send.
        self.assertEqual(report.user_id, self.rep_a)
        with self.assertRaises(AccessError):
            report.with_user(self.rep_a).write({"state": "submitted"})
        with self.assertRaises(ValidationError):
            report.with_user(self.head).sudo().write(
                {"week_start": datetime.date(2025, 6, 10)}
            )
        with self.assertRaises(AccessError):
            report.with_user(self.rep_b).read(["summary"])
        # The office manager reads the team's reports, the KA head all.
        self.assertEqual(
            self.env["key_account.weekly.report"]
            .with_user(self.office_manager)
            .search([]),
            report,
        )
        other = self._report(user=self.rep_b)
        self.assertEqual(
            self.env["key_account.weekly.report"].with_user(self.head).search([]),
            report | other,
        )
        with self.assertRaises(AccessError):
            other.with_user(self.rep_a).action_submit()
