# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .test_report_digest import ReportCase

REPORT = "key_account.action_report_key_account_review"


@tagged("post_install", "-at_install")
class TestReviewReport(ReportCase):
    """The key-account review PDF per customer and period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # wkhtmltopdf fetches the styles from ``report.url``: a closed local
        # port, so the PDF never waits on whatever listens on the default one.
        cls.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:9"
        )
        # Setup shortcut: as an approved credit-change request sets them.
        cls.customer.sudo().write(
            {"credit_limit": 50000.0, "key_account_credit_level_id": cls.level_good.id}
        )

    def _wizard_action(self, user, partner):
        form = Form(
            self.env["key_account.review.wizard"]
            .with_user(user)
            .with_context(active_model="res.partner", active_id=partner.id)
        )
        form.date_from = self.monday
        form.date_to = self.sunday
        return form.save().action_print()

    def _html(self, user, partner, data):
        return (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(lang=user.lang)  # as the web client sends it
            ._render_qweb_html(REPORT, partner.ids, data=data)[0]
            .decode()
        )

    def test_rep_prints_own_customer(self):
        self._business()
        action = self._wizard_action(self.rep_a, self.customer)
        self.assertEqual(action["report_name"], "key_account.report_key_account_review")
        self.assertEqual(
            action["data"],
            {"date_from": str(self.monday), "date_to": str(self.sunday)},
        )
        html = self._html(self.rep_a, self.customer, action["data"])
        self.assertIn("Key-Account Review", html)
        self.assertIn("ACME Ltd", html)
        self.assertIn(self.over_4.name, html)
        self.assertIn(self.level_good.name, html)
        # Exposure: 2,000 - 300 - 1,000 + 400 + 600 open, 1,000 confirmed
        # not invoiced.
        self.assertIn("2,700.00", html)
        self.assertIn("1,700.00", html)  # invoiced in the period
        self.assertIn("Commission", html)
        self.assertNotIn("Beta Corp", html)
        pdf = (
            self.env["ir.actions.report"]
            .with_user(self.rep_a)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.customer.ids, data=action["data"])[0]
        )
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_visits_complaints_and_kpis(self):
        """The PDF lists the reported visit and the complaint of the period
        and the rep's KPIs counting them, as the reader reads them."""
        self._customer_care()
        data = {"date_from": str(self.monday), "date_to": str(self.sunday)}
        values = (
            self.env["report.key_account.report_key_account_review"]
            .with_user(self.rep_a)
            ._get_report_values(self.customer.ids, data=data)["reviews"][
                self.customer.id
            ]
        )
        self.assertEqual(values["visits"], self.visit)
        self.assertEqual(values["complaints"], self.complaint)
        kpis = dict(values["kpis"])
        self.assertEqual(kpis["Rep"], self.rep_a.name)
        visits = kpis["Visits by the rep (all their customers)"]
        days = len(
            [
                day
                for day in range((self.sunday - self.monday).days + 1)
                if (self.monday + datetime.timedelta(days=day)).weekday() < 5
            ]
        )
        self.assertEqual(
            visits,
            f"1 of {days} expected (1 a working day over {days} working days)",
        )
        self.assertEqual(
            kpis["Calls by the rep (all their customers)"][-len("(no target)") :],
            "(no target)",
        )
        self.assertEqual(kpis["Valid Complaints"], 1)
        html = self._html(self.rep_a, self.customer, data)
        self.assertIn(self.visit.display_name, html)
        self.assertIn(self.complaint.display_name, html)
        self.assertIn("Valid Complaints", html)
        self.assertNotIn("No visit recorded in the period.", html)
        # Another period: nothing.
        before = {
            "date_from": str(self.monday - datetime.timedelta(days=7)),
            "date_to": str(self.monday - datetime.timedelta(days=1)),
        }
        html = self._html(self.rep_a, self.customer, before)
        self.assertIn("No visit recorded in the period.", html)
        self.assertIn("No complaint recorded in the period.", html)
        # Rep B's secret account: its KPIs for rep B and the KA head.
        for reader in (self.rep_b, self.head):
            with self.subTest(reader=reader.login):
                html = self._html(reader, self.customer_b, data)
                self.assertIn(self.visit_b.display_name, html)
                self.assertIn("Valid Complaints", html)

    def test_wizard_defaults_to_the_last_full_month(self):
        for today, first, last in (
            ("2026-03-04", "2026-02-01", "2026-02-28"),
            ("2026-01-31", "2025-12-01", "2025-12-31"),
        ):
            with self.subTest(today=today), freeze_time(today):
                form = Form(
                    self.env["key_account.review.wizard"]
                    .with_user(self.rep_a)
                    .with_context(
                        active_model="res.partner", active_id=self.customer.id
                    )
                )
                self.assertEqual(str(form.date_from), first)
                self.assertEqual(str(form.date_to), last)
                values = self.env[
                    "report.key_account.report_key_account_review"
                ]._get_report_values(self.customer.ids)
                self.assertEqual(str(values["date_from"]), first)

    def test_dates_in_the_readers_format(self):
        self._business()
        self.customer.sudo().key_account_since = self.monday  # setup shortcut
        lang = self.env["res.lang"]._lang_get(self.rep_a.lang)
        lang.date_format = "%d.%m.%Y"
        data = {"date_from": str(self.monday), "date_to": str(self.sunday)}
        html = self._html(self.rep_a, self.customer, data)
        self.assertIn(self.monday.strftime("%d.%m.%Y"), html)
        self.assertIn(self.sunday.strftime("%d.%m.%Y"), html)
        self.assertNotIn(str(self.monday), html)
        self.assertNotIn(str(self.sunday), html)

    def test_in_the_readers_language(self):
        """An English-speaking customer's review reads in the Chinese rep's
        language, labels and figures alike."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["key_account"], ["zh_CN"])
        self.customer.lang = "en_US"
        self.rep_a.lang = "zh_CN"
        html = self._html(self.rep_a, self.customer, {})
        self.assertIn("等级与信用", html)
        self.assertNotIn("Tier and credit", html)

    def test_rep_cannot_print_other_customer(self):
        with self.assertRaises(AccessError):
            self._html(self.rep_a, self.customer_b, {})
        # Nor print it through the wizard.
        with self.assertRaises(AccessError):
            self._wizard_action(self.rep_a, self.customer_b)

    def test_secret_account_only_rep_executive_and_directors(self):
        self.assertIn("Beta Corp", self._html(self.rep_b, self.customer_b, {}))
        self.assertIn("Beta Corp", self._html(self.head, self.customer_b, {}))
        # Leading rep B's team is not enough for a secret account.
        self.team_b.user_id = self.office_manager
        with self.assertRaises(AccessError):
            self._html(self.office_manager, self.customer_b, {})
        self.customer_b.with_user(self.head).key_account_confidentiality = "normal"
        self.assertIn("Beta Corp", self._html(self.office_manager, self.customer_b, {}))

    def test_period_must_be_ordered(self):
        with self.assertRaises(ValidationError):
            self.env["key_account.review.wizard"].with_user(self.rep_a).create(
                {
                    "partner_id": self.customer.id,
                    "date_from": datetime.date(2025, 6, 30),
                    "date_to": datetime.date(2025, 6, 1),
                }
            )
