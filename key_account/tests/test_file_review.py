# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SPEC R69, R71, R78 (registration rate), R80 (the KA head's assessment)."""

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import DIRECTOR, HEAD, MANAGER, KeyAccountCase
from .test_receivables import ReceivablesCase


class FileReviewCase(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_key_account(cls.customer)
        cls.marketing = new_test_user(cls.env, "ka_marketing", groups="base.group_user")
        cls.company.key_account_file_marketing_user_ids = cls.marketing
        cls.Review = cls.env["key_account.file.review"]

    def _reviews(self, partner=None, kind="change"):
        return self.Review.search(
            [("partner_id", "=", (partner or self.customer).id), ("kind", "=", kind)]
        )

    def _days_ago(self, days):
        return fields.Date.subtract(fields.Date.context_today(self.Review), days=days)


@tagged("post_install", "-at_install")
class TestFileGovernance(FileReviewCase):
    def test_change_reviewed_by_office_manager_then_handed_to_marketing(self):
        self.customer.with_user(self.rep_a).write(
            {
                "vat": "91310000MA1FL0001X",
                "key_account_file_learned_date": fields.Date.today(),
            }
        )
        review = self._reviews()
        self.assertRecordValues(
            review,
            [
                {
                    "state": "to_review",
                    "requester_id": self.rep_a.id,
                    "reviewer_id": self.office_manager.id,
                    "late": False,
                    "field_names": "vat",
                }
            ],
        )
        self.assertIn("91310000MA1FL0001X", review.changes)
        self.assertEqual(review.activity_ids.user_id, self.office_manager)
        # The rep reads it, never reviews his own entry; rep B sees nothing.
        self.assertTrue(review.with_user(self.rep_a).read(["state"]))
        with self.assertRaises(AccessError):
            review.with_user(self.rep_a).action_review()
        with self.assertRaises(AccessError):
            review.with_user(self.rep_a).write({"state": "done"})
        with self.assertRaises(AccessError):
            self.Review.with_user(self.rep_a).create(
                {"partner_id": self.customer.id, "kind": "new"}
            )
        self.assertFalse(self.Review.with_user(self.rep_b).search([]))
        with self.assertRaises(AccessError):
            review.with_user(self.rep_b).action_review()
        # Marketing sees nothing before the review.
        self.assertFalse(self.Review.with_user(self.marketing).search([]))
        review.with_user(self.office_manager).action_review()
        self.assertRecordValues(
            review,
            [
                {
                    "state": "done",
                    "reviewed_by_id": self.office_manager.id,
                    "reviewed_in_time": True,
                }
            ],
        )
        self.assertEqual(review.recipient_ids, self.marketing)
        self.assertFalse(self.marketing.partner_id.email)
        todo = review.activity_ids.filtered(lambda a: a.user_id == self.marketing)
        self.assertEqual(len(todo), 1)
        self.assertEqual(self.Review.with_user(self.marketing).search([]), review)
        with self.assertRaises(UserError):
            review.with_user(self.head).action_review()

    def test_late_entry_flagged_by_default(self):
        self.customer.with_user(self.rep_a).write(
            {"city": "Shanghai", "key_account_file_learned_date": self._days_ago(10)}
        )
        review = self._reviews()
        self.assertTrue(review.late)
        self.assertLess(review.deadline, review.date)

    def test_late_entry_refused_to_reps_by_setting(self):
        self.company.key_account_file_late_policy = "refuse"
        with self.assertRaisesRegex(UserError, "had to be entered by"):
            self.customer.with_user(self.rep_a).write(
                {
                    "street": "1 Century Avenue",
                    "key_account_file_learned_date": self._days_ago(10),
                }
            )
        self.assertFalse(self.customer.street)
        self.assertFalse(self._reviews())
        # Within the limit the rep enters it.
        self.customer.with_user(self.rep_a).write(
            {"street": "1 Century Avenue", "key_account_file_learned_date": False}
        )
        self.assertFalse(self._reviews().late)

    def test_future_date_refused(self):
        with self.assertRaises(ValidationError):
            self.customer.with_user(self.rep_a).write(
                {
                    "company_registry": "310000000001",
                    "key_account_file_learned_date": fields.Date.add(
                        fields.Date.today(), days=3
                    ),
                }
            )

    def test_director_change_handed_over_at_once(self):
        self.customer.with_user(self.head).write({"name": "ACME Group Ltd"})
        review = self._reviews()
        self.assertEqual(review.state, "done")
        self.assertEqual(review.recipient_ids, self.marketing)

    def test_only_key_data_of_key_accounts(self):
        self.customer.with_user(self.rep_a).write({"phone": "+86 21 5555 0000"})
        self.customer.with_user(self.rep_a).write({"vat": False})  # unchanged
        self.customer_b.with_user(self.rep_b).write({"vat": "X1"})  # no KA
        self.assertFalse(self.Review.search([("kind", "=", "change")]))

    def test_rep_without_office_manager_goes_to_the_ka_head(self):
        self._make_key_account(self.customer_b)
        self.customer_b.with_user(self.rep_b).write({"city": "Beijing"})
        review = self._reviews(self.customer_b)
        self.assertFalse(review.reviewer_id)
        self.assertEqual(review.activity_ids.user_id, self.head)
        with self.assertRaises(AccessError):
            review.with_user(self.office_manager).action_review()
        review.with_user(self.head).action_review()
        self.assertEqual(review.state, "done")

    def test_reviews_are_never_deleted(self):
        self.customer.with_user(self.rep_a).write({"city": "Suzhou"})
        with self.assertRaises(UserError):
            self._reviews().unlink()


@tagged("post_install", "-at_install")
class TestRegistrationRate(FileReviewCase):
    def test_new_files_reviewed_in_time_over_created(self):
        partners = self.env["res.partner"].create(
            [
                {"name": f"File {n}", "is_company": True, "user_id": self.rep_a.id}
                for n in range(3)
            ]
        )
        for n, partner in enumerate(partners):
            self._make_key_account(partner, key_account_file_number=f"KAF-T{n}")
        reviews = self.Review.search(
            [("partner_id", "in", partners.ids), ("kind", "=", "new")]
        )
        self.assertEqual(len(reviews), 3)
        self.assertEqual(reviews.reviewer_id, self.office_manager)
        self.assertEqual(reviews.requester_id, self.rep_a)
        reviews[0].with_user(self.office_manager).action_review()
        # The second waited past its deadline; the third is not reviewed.
        reviews[1].sudo().deadline = self._days_ago(1)
        reviews[1].with_user(self.office_manager).action_review()
        self.assertEqual(reviews.mapped("reviewed_in_time"), [True, False, False])
        today = fields.Date.today()
        kpis = (
            self.env["key_account.kpi"]
            .with_user(self.head)
            ._kpis([self.rep_a.id, self.rep_b.id], today, today)
        )
        self.assertAlmostEqual(kpis[self.rep_a.id]["registration_rate"], 100 / 3)
        self.assertIsNone(kpis[self.rep_b.id]["registration_rate"])
        # The rep reads his own rate.
        own = (
            self.env["key_account.kpi"]
            .with_user(self.rep_a)
            ._kpis([self.rep_a.id], today, today)
        )
        self.assertAlmostEqual(own[self.rep_a.id]["registration_rate"], 100 / 3)


@tagged("post_install", "-at_install")
class TestPurchaseStatistics(ReceivablesCase):
    def test_frequency_monthly_purchases_and_share(self):
        self.company.key_account_file_window_months = 6
        self._make_key_account(self.customer_b)
        today = fields.Date.today()
        for _n in range(3):
            order = self._order(1000.0)
            order.with_user(self.rep_a).action_confirm()
            self.assertEqual(order.state, "sale")
        self._invoice(self.customer, 3000.0, today, invoice_user_id=self.rep_a.id)
        self._invoice(self.customer_b, 9000.0, today, invoice_user_id=self.rep_b.id)
        self._invoice(  # before the window
            self.customer,
            5000.0,
            fields.Date.subtract(today, months=7),
            invoice_user_id=self.rep_a.id,
        )
        self.env.flush_all()
        partner = self.customer.with_user(self.rep_a)
        self.assertRecordValues(
            partner,
            [
                {
                    "key_account_order_frequency": 0.5,
                    "key_account_monthly_purchase": 500.0,
                    "key_account_revenue_share": 25.0,
                    "key_account_stats_months": 6,
                }
            ],
        )
        self.assertEqual(self.customer_b.key_account_revenue_share, 75.0)


@tagged("post_install", "-at_install")
class TestHeadAssessment(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hr = new_test_user(
            cls.env,
            "ka_hr",
            groups="base.group_user,key_account.group_key_account_hr",
        )
        cls.other_head = new_test_user(
            cls.env, "ka_head_2", groups=f"base.group_user,{DIRECTOR},{HEAD}"
        )
        cls.gm = new_test_user(cls.env, "ka_gm", groups=f"base.group_user,{MANAGER}")
        cls.Assessment = cls.env["key_account.assessment"]
        cls.env["key_account.target"].create(
            {
                "team_id": cls.team.id,
                "period_type": "quarter",
                "period_date": "2025-05-01",
                "amount": 10000.0,
            }
        )
        cls._make_key_account(cls.customer)
        cls._invoice(cls.customer, 8700.0, "2025-05-10", invoice_user_id=cls.rep_a.id)

    def _head_assessment(self, user=None, **vals):
        values = {
            "user_id": self.head.id,
            "period_date": "2025-05-20",
            "other_score": 30.0,
        }
        values.update(vals)
        return self.Assessment.with_user(user or self.gm).create(values)

    def test_general_manager_assesses_the_ka_head_on_the_department(self):
        assessment = self._head_assessment()
        self.assertEqual(assessment.kind, "head")
        assessment.with_user(self.gm).action_confirm()
        self.assertRecordValues(
            assessment,
            [
                {
                    "sales_target": 10000.0,
                    "sales_actual": 8700.0,
                    "sales_completion": 87.0,
                    "sales_score": 23.0,
                    "total_score": 53.0,
                    "verbal_warning": True,
                    "assessor_id": self.gm.id,
                    "state": "done",
                }
            ],
        )
        # HR reads it and gets an activity to record it (no e-mail needed).
        self.assertFalse(self.hr.partner_id.email)
        self.assertEqual(
            self.Assessment.with_user(self.hr).search([("kind", "=", "head")]),
            assessment,
        )
        self.assertEqual(assessment.activity_ids.user_id, self.hr)
        # The KA head reads his own; another director does not.
        self.assertEqual(self.Assessment.with_user(self.head).search([]), assessment)
        self.assertFalse(self.Assessment.with_user(self.other_head).search([]))
        self.assertFalse(self.Assessment.with_user(self.rep_a).search([]))

    def test_only_the_general_manager_assesses_the_ka_head(self):
        with self.assertRaises(AccessError):
            self._head_assessment(user=self.other_head)
        with self.assertRaises(AccessError):
            self._head_assessment(user=self.head)
        with self.assertRaises(AccessError):
            self._head_assessment(user=self.hr)
        rep_assessment = self.Assessment.with_user(self.other_head).create(
            {"user_id": self.rep_a.id, "period_date": "2025-05-20"}
        )
        self.assertEqual(rep_assessment.kind, "rep")
        with self.assertRaises(AccessError):
            rep_assessment.with_user(self.other_head).write({"user_id": self.head.id})
        assessment = self._head_assessment()
        with self.assertRaises(AccessError):
            assessment.with_user(self.head).action_confirm()
        with self.assertRaises(AccessError):
            assessment.with_user(self.hr).write({"other_score": 70.0})
