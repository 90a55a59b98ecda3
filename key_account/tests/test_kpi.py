# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import KeyAccountCase

JUNE = (date(2025, 6, 1), date(2025, 6, 30))


@tagged("post_install", "-at_install")
class TestKpiReport(KeyAccountCase):
    """KPIs of June 2025 on small exact data, read as the users who use them.

    rep_a (Shanghai): invoices 1,000 (due 30 June) and 500 (due 15 July), a
    credit note of 100, a write-off of 200, 600 collected on 25 June: sales
    1,200, due 900, collected 600; target 1,500. rep_b (Beijing): 5,000 on
    his secret account, where rep_a also invoiced 300."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            "ka_kpi_accountant",
            groups="base.group_user,account.group_account_invoice",
        )
        cls._make_key_account(cls.customer, key_account_since=date(2025, 1, 15))
        cls._make_key_account(
            cls.customer_b,
            key_account_since=date(2024, 3, 1),
            key_account_confidentiality="secret",
        )
        cls.inv_1 = cls._kpi_invoice(cls.customer, cls.rep_a, 1000.0, "2025-06-10")
        cls.inv_2 = cls._kpi_invoice(
            cls.customer, cls.rep_a, 500.0, "2025-06-15", due="2025-07-15"
        )
        cls.refund = cls._kpi_invoice(
            cls.customer, cls.rep_a, 100.0, "2025-06-20", move_type="out_refund"
        )
        cls.inv_b = cls._kpi_invoice(cls.customer_b, cls.rep_b, 5000.0, "2025-06-12")
        cls.inv_secret_a = cls._kpi_invoice(
            cls.customer_b, cls.rep_a, 300.0, "2025-06-12"
        )
        cls.env["key_account.revenue.adjustment"].create(
            {
                "date": "2025-06-20",
                "kind": "writeoff",
                "partner_id": cls.customer.id,
                "user_id": cls.rep_a.id,
                "team_id": cls.team.id,
                "invoice_id": cls.inv_1.id,
                "company_id": cls.company.id,
                "amount": -200.0,
            }
        )
        cls.env["account.payment.register"].with_user(cls.accountant).with_context(
            active_model="account.move", active_ids=cls.inv_1.ids
        ).create({"amount": 600.0, "payment_date": "2025-06-25"})._create_payments()
        cls.Target = cls.env["key_account.target"]
        cls.target_a = cls.Target.with_user(cls.head).create(
            {
                "user_id": cls.rep_a.id,
                "period_type": "month",
                "period_date": "2025-06-17",
                "amount": 1500.0,
                "challenge_amount": 2000.0,
                "collection_amount": 800.0,
            }
        )
        cls.target_b = cls.Target.with_user(cls.head).create(
            {
                "user_id": cls.rep_b.id,
                "period_type": "month",
                "period_date": "2025-06-01",
                "amount": 4000.0,
            }
        )

    @classmethod
    def _kpi_invoice(
        cls, partner, user, amount, day, due=None, move_type="out_invoice"
    ):
        return cls._invoice(
            partner,
            amount,
            day,
            due,
            user=cls.accountant,
            move_type=move_type,
            invoice_user_id=user.id,
            team_id=(cls.team if user == cls.rep_a else cls.team_b).id,
        )

    def _by_rep(self, user, measures=("sales_amount",), domain=()):
        groups = (
            self.env["key_account.kpi.report"]
            .with_user(user)
            ._read_group(
                [("date", ">=", JUNE[0]), ("date", "<=", JUNE[1]), *domain],
                ["user_id"],
                [f"{name}:sum" for name in measures],
            )
        )
        return {rep: tuple(values) for rep, *values in groups}

    # Report and record rules
    def test_director_sees_every_rep(self):
        by_rep = self._by_rep(
            self.head,
            ("sales_amount", "due_amount", "collected_amount", "target_amount"),
        )
        # rep_a: 1,000 + 500 − 100 − 200 + 300 (on rep_b's secret account)
        self.assertEqual(by_rep[self.rep_a], (1500.0, 1200.0, 600.0, 1500.0))
        self.assertEqual(by_rep[self.rep_b], (5000.0, 5000.0, 0.0, 4000.0))

    def test_rep_sees_own_figures_without_secret_account(self):
        by_rep = self._by_rep(
            self.rep_a,
            ("sales_amount", "due_amount", "collected_amount", "target_amount"),
        )
        self.assertEqual(list(by_rep), [self.rep_a])
        self.assertEqual(by_rep[self.rep_a], (1200.0, 900.0, 600.0, 1500.0))
        # Grouped by customer, rep_b's secret account is not there either.
        partners = (
            self.env["key_account.kpi.report"]
            .with_user(self.rep_a)
            ._read_group([], ["partner_id"])
        )
        self.assertNotIn(self.customer_b, [partner for (partner,) in partners])
        self.assertFalse(
            self.env["key_account.kpi.report"]
            .with_user(self.rep_b)
            .search_count([("user_id", "=", self.rep_a.id)])
        )

    def test_supervisor_sees_team_without_secret(self):
        by_rep = self._by_rep(self.office_manager)
        self.assertEqual(by_rep, {self.rep_a: (1200.0,)})

    def test_write_off_and_credit_note_in_sales(self):
        by_source = {
            source: values
            for source, *values in self.env["key_account.kpi.report"]
            .with_user(self.rep_a)
            ._read_group(
                [("date", ">=", JUNE[0]), ("date", "<=", JUNE[1])],
                ["source"],
                ["invoiced_amount:sum", "refund_amount:sum", "writeoff_amount:sum"],
            )
        }
        self.assertEqual(by_source["invoice"], [1500.0, 100.0, 0.0])
        self.assertEqual(by_source["writeoff"], [0.0, 0.0, -200.0])

    # KPI formulas
    def test_kpis_of_rep(self):
        kpis = (
            self.env["key_account.kpi"]
            .with_user(self.rep_a)
            ._kpis(self.rep_a.ids, *JUNE)[self.rep_a.id]
        )
        self.assertEqual(kpis["sales"], 1200.0)
        self.assertEqual(kpis["invoiced"], 1500.0)
        self.assertEqual(kpis["refunds"], 100.0)
        self.assertEqual(kpis["writeoffs"], -200.0)
        self.assertEqual(kpis["sales_target"], 1500.0)
        self.assertAlmostEqual(kpis["sales_completion"], 80.0)
        self.assertAlmostEqual(kpis["challenge_completion"], 60.0)
        # R79: 20 % below, four full 5 % steps
        self.assertEqual(kpis["sales_score"], 21.0)
        self.assertEqual(kpis["due"], 900.0)
        self.assertEqual(kpis["collected"], 600.0)
        self.assertAlmostEqual(kpis["collection_rate"], 600 * 100 / 900)
        self.assertAlmostEqual(kpis["collection_completion"], 75.0)
        self.assertEqual(kpis["working_days"], 21)
        self.assertEqual(kpis["visit_target"], 21.0)
        self.assertEqual(kpis["call_target"], 0.0)
        self.assertIsNone(kpis["expense_control"])

    def test_kpis_of_quarter_add_up_months(self):
        self.Target.with_user(self.head).create(
            {
                "user_id": self.rep_a.id,
                "period_type": "month",
                "period_date": "2025-05-01",
                "amount": 500.0,
            }
        )
        kpis = (
            self.env["key_account.kpi"]
            .with_user(self.head)
            ._kpis(self.rep_a.ids, date(2025, 4, 1), date(2025, 6, 30))
        )
        self.assertEqual(kpis[self.rep_a.id]["sales_target"], 2000.0)
        self.assertEqual(kpis[self.rep_a.id]["sales"], 1500.0)
        self.assertEqual(kpis[self.rep_a.id]["sales_score"], 20.0)

    def test_new_accounts_and_churn(self):
        lost = self.env["res.partner"].create(
            {"name": "Gone Ltd", "is_company": True, "user_id": self.rep_a.id}
        )
        self._make_key_account(lost, key_account_since=date(2023, 1, 1))
        self._kpi_invoice(lost, self.rep_a, 50.0, "2024-05-10")
        self.Target.with_user(self.head).create(
            {
                "user_id": self.rep_a.id,
                "period_type": "month",
                "period_date": "2025-01-01",
                "new_account_target": 2,
            }
        )
        kpi = self.env["key_account.kpi"].with_user(self.rep_a)
        january = kpi._kpis(self.rep_a.ids, date(2025, 1, 1), date(2025, 1, 31))[
            self.rep_a.id
        ]
        self.assertEqual(january["new_accounts"], 1)
        self.assertEqual(january["development_completion"], 50.0)
        self.assertEqual(january["accounts_at_start"], 1)
        self.assertEqual(january["new_development_rate"], 100.0)
        # Twelve months after its last invoice (10 May 2024), in May 2025.
        may = kpi._kpis(self.rep_a.ids, date(2025, 5, 1), date(2025, 5, 31))[
            self.rep_a.id
        ]
        self.assertEqual((may["accounts_at_start"], may["accounts_lost"]), (2, 1))
        self.assertEqual(may["churn_rate"], 50.0)
        june = kpi._kpis(self.rep_a.ids, *JUNE)[self.rep_a.id]
        self.assertEqual((june["accounts_at_start"], june["accounts_lost"]), (1, 0))

    def test_calls_done_count(self):
        self.company.key_account_calls_per_day = 10
        activity = self.customer.with_user(self.rep_a).activity_schedule(
            "mail.mail_activity_data_call", user_id=self.rep_a.id
        )
        activity.with_user(self.rep_a).action_feedback(feedback="Called")
        today = fields.Date.today()
        kpis = (
            self.env["key_account.kpi"]
            .with_user(self.rep_a)
            ._kpis(self.rep_a.ids, today, today)[self.rep_a.id]
        )
        self.assertEqual(kpis["calls"], 1)
        self.assertEqual(kpis["call_target"], 10.0 * kpis["working_days"])
        self.assertEqual(kpis["visits"], 0)

    def _kpis(self, reader, users, period=JUNE):
        return self.env["key_account.kpi"].with_user(reader)._kpis(users.ids, *period)

    def test_visits_made_count(self):
        """R85: done visits count by their actual day in the rep's time
        zone; planned and later visits do not; a secret account's visits
        only for its rep and directors."""
        self.rep_a.tz = "Asia/Shanghai"
        self._done_visit(self.rep_a, self.customer, datetime(2025, 6, 10, 2, 0))
        # 07:00 on 1 July in Shanghai: a July visit.
        self._done_visit(self.rep_a, self.customer, datetime(2025, 6, 30, 23, 0))
        with freeze_time("2025-06-20 01:00:00"):
            self.env["key_account.visit"].with_user(self.rep_a).create(
                {
                    "partner_id": self.customer.id,
                    "planned_start": datetime(2025, 6, 20, 2, 0),
                    "planned_stop": datetime(2025, 6, 20, 4, 0),
                    "purpose": "Negotiate the 2026 renewal prices",
                }
            )
        self._done_visit(self.rep_b, self.customer_b, datetime(2025, 6, 11, 2, 0))
        self.assertEqual(self._kpis(self.rep_a, self.rep_a)[self.rep_a.id]["visits"], 1)
        july = self._kpis(self.rep_a, self.rep_a, (date(2025, 7, 1), date(2025, 7, 31)))
        self.assertEqual(july[self.rep_a.id]["visits"], 1)
        both = self.rep_a | self.rep_b
        self.assertEqual(
            {u: k["visits"] for u, k in self._kpis(self.head, both).items()},
            {self.rep_a.id: 1, self.rep_b.id: 1},
        )
        self.assertEqual(self._kpis(self.rep_b, self.rep_b)[self.rep_b.id]["visits"], 1)
        # Leading rep B's team shows his visits, not those on his secret account.
        self.team_b.user_id = self.office_manager
        self.assertEqual(
            self._kpis(self.office_manager, self.rep_b)[self.rep_b.id]["visits"], 0
        )
        self.customer_b.with_user(self.head).key_account_confidentiality = "normal"
        self.assertEqual(
            self._kpis(self.office_manager, self.rep_b)[self.rep_b.id]["visits"], 1
        )

    def test_valid_complaints_count(self):
        """R76, R78: complaints received in the period on the rep's
        customers and marked valid by the supervisor."""
        Complaint = self.env["key_account.complaint"].with_user(self.rep_a)
        values = {
            "partner_id": self.customer.id,
            "description": "<p>Half of the paper arrived wet.</p>",
        }
        valid, invalid, later = Complaint.create(
            [
                dict(values, date=date(2025, 6, 12)),
                dict(values, date=date(2025, 6, 13)),
                dict(values, date=date(2025, 7, 2)),
            ]
        )
        self.assertEqual(
            self._kpis(self.rep_a, self.rep_a)[self.rep_a.id]["valid_complaints"], 0
        )
        (valid | later).with_user(self.office_manager).action_mark_valid()
        invalid.with_user(self.office_manager).action_mark_invalid()
        for reader in (self.rep_a, self.office_manager, self.head):
            with self.subTest(reader=reader.login):
                kpis = self._kpis(reader, self.rep_a)[self.rep_a.id]
                self.assertEqual(kpis["valid_complaints"], 1)
        self.assertEqual(
            self._kpis(self.rep_b, self.rep_b)[self.rep_b.id]["valid_complaints"], 0
        )

    # Targets
    def test_target_progress_on_rep_view(self):
        target = self.target_a.with_user(self.rep_a)
        self.assertEqual((target.date_from, target.date_to), JUNE)
        self.assertEqual(target.achieved_amount, 1200.0)
        self.assertAlmostEqual(target.progress, 80.0)
        self.assertEqual(target.collected_amount, 600.0)
        self.assertAlmostEqual(target.collection_progress, 75.0)

    def test_target_rules(self):
        Target = self.Target.with_user(self.rep_a)
        self.assertEqual(Target.search([]), self.target_a)
        with self.assertRaises(AccessError):
            self.target_b.with_user(self.rep_a).read(["amount"])
        with self.assertRaises(AccessError):
            Target.create({"user_id": self.rep_a.id, "amount": 1.0})
        with self.assertRaises(AccessError):
            self.target_a.with_user(self.rep_a).amount = 1.0
        self.assertEqual(
            self.Target.with_user(self.office_manager).search([]), self.target_a
        )
        team_target = self.Target.with_user(self.head).create(
            {"team_id": self.team.id, "period_date": "2025-06-01", "amount": 9000.0}
        )
        # Directors count the secret account; the office manager does not.
        self.assertEqual(team_target.achieved_amount, 1500.0)
        self.assertEqual(
            team_target.with_user(self.office_manager).achieved_amount, 1200.0
        )

    def test_target_checks(self):
        Target = self.Target.with_user(self.head)
        with self.assertRaisesRegex(ValidationError, "either a rep or a department"):
            Target.create(
                {"user_id": self.rep_a.id, "team_id": self.team.id, "amount": 1.0}
            )
        with self.assertRaisesRegex(ValidationError, "challenge target"):
            Target.create(
                {"user_id": self.rep_b.id, "amount": 10.0, "challenge_amount": 5.0}
            )

    # Assessment (R80)
    def test_assessment_below_threshold_records_warning(self):
        assessment = (
            self.env["key_account.assessment"]
            .with_user(self.head)
            .create(
                {
                    "user_id": self.rep_a.id,
                    "period_date": "2025-05-20",
                    "other_score": 30.0,
                }
            )
        )
        with self.assertRaises(AccessError):
            assessment.with_user(self.rep_a).action_confirm()
        assessment.action_confirm()
        self.assertRecordValues(
            assessment,
            [
                {
                    "date_from": date(2025, 4, 1),
                    "sales_target": 1500.0,
                    "sales_actual": 1500.0,
                    "sales_completion": 100.0,
                    "sales_score": 25.0,
                    "total_score": 55.0,
                    "threshold": 60.0,
                    "verbal_warning": True,
                    "state": "done",
                }
            ],
        )
        self.assertIn("verbal warning", assessment.message_ids[0].body)
        with self.assertRaises(UserError):
            assessment.other_score = 50.0
        self.assertEqual(
            self.env["key_account.assessment"].with_user(self.rep_b).search([]),
            self.env["key_account.assessment"],
        )

    def test_assessment_other_score_bounds(self):
        with self.assertRaisesRegex(ValidationError, "between 0 and 75"):
            self.env["key_account.assessment"].with_user(self.head).create(
                {"user_id": self.rep_a.id, "other_score": 80.0}
            )
