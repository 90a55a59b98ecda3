# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KeyAccountCase

TODAY = date(2025, 6, 16)


@tagged("post_install", "-at_install")
class TestAccountHealth(KeyAccountCase):
    """The daily health score of key accounts: computed by the cron only,
    read through the partner's rules, early warnings for the rep and the
    KA head, a constant number of queries per batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.key_account_head_user_id = cls.head
        cls.company.key_account_health_threshold = 50.0
        cls.company.key_account_health_drop_points = 15.0
        since = TODAY - timedelta(days=10)
        cls._make_key_account(cls.customer, key_account_since=since)
        cls._make_key_account(cls.customer_b, key_account_since=since)
        cls.activity_type = cls.env.ref("key_account.mail_activity_key_account_health")
        cls.Partner = cls.env["res.partner"]

    # Helpers
    def _complaint(self, partner, severity, user=None):
        return (
            self.env["key_account.complaint"]
            .with_user(user or partner.user_id)
            .create(
                {
                    "partner_id": partner.id,
                    "channel": "phone",
                    "category": "delivery",
                    "severity": severity,
                    "description": "<p>Half of the paper arrived wet.</p>",
                    "date": TODAY,
                }
            )
        )

    def _unhealthy(self, partner):
        """A critical open complaint and a receivable three months overdue."""
        self._complaint(partner, "3")
        due = TODAY - timedelta(days=95)
        self._invoice(partner, 1000.0, due - timedelta(days=30), due)

    def _run(self, day=TODAY, batch_size=None):
        with freeze_time(day):
            return self.Partner._cron_key_account_health(batch_size)

    def _warnings(self, partner):
        return self._activities(partner, "mail_activity_key_account_health")

    # Scores
    def test_cron_scores_and_the_rep_reads_only_his_own(self):
        self._unhealthy(self.customer)
        self.assertEqual(self._run(), 2)
        self.assertEqual(self._run(), 0, "scored once a day")
        customer = self.customer.with_user(self.rep_a)
        self.assertLess(customer.key_account_health_score, 50)
        self.assertRecordValues(
            customer,
            [{"key_account_health_band": "at_risk", "key_account_health_date": TODAY}],
        )
        self.assertIn("Open complaints", customer.key_account_health_factors)
        self.assertIn("Overdue receivables", customer.key_account_health_factors)
        self.assertEqual(
            self.customer_b.with_user(self.rep_b).key_account_health_band, "healthy"
        )
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.rep_a).key_account_health_score  # noqa: B018
        snapshots = self.env["key_account.health.snapshot"].with_user(self.rep_a)
        self.assertEqual(snapshots.search([]).partner_id, self.customer)
        self.assertEqual(
            snapshots.with_user(self.head).search([]).partner_id,
            self.customer | self.customer_b,
        )

    def test_reading_computes_nothing(self):
        self._unhealthy(self.customer)
        customer = self.customer.with_user(self.rep_a)
        customer.invalidate_recordset()
        self.assertFalse(customer.key_account_health_date)
        self.assertFalse(customer.key_account_health_factors)
        self.assertFalse(
            self.env["key_account.health.snapshot"].search(
                [("partner_id", "=", self.customer.id)]
            )
        )

    def test_nobody_sets_the_score_by_hand(self):
        for user in (self.rep_a, self.head, self.manager):
            with self.assertRaises(AccessError):
                self.customer.with_user(user).write({"key_account_health_score": 100})
            with self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).create(
                    {"name": "Forged", "key_account_health_score": 100}
                )
        # Over RPC too: the check is in write, not in the view.
        with self.assertRaises(AccessError):
            self.customer.with_user(self.head).write(
                {"key_account_health_band": "healthy"}
            )

    def test_weights_come_from_the_settings(self):
        self._unhealthy(self.customer)
        # The invoice is older than the recent quarter: no revenue either.
        for factor in ("complaints", "overdue", "revenue"):
            self.company[f"key_account_health_weight_{factor}"] = 0.0
        self._run()
        self.assertEqual(self.customer.key_account_health_band, "healthy")
        self.assertNotIn("Open complaints", self.customer.key_account_health_factors)

    # Early warnings
    def test_warning_for_rep_and_head_once(self):
        self._unhealthy(self.customer)
        self._run()
        warnings = self._warnings(self.customer)
        self.assertEqual(warnings.user_id, self.rep_a | self.head)
        self.assertIn("below the warning threshold", str(warnings[0].note))
        self.assertIn("Open complaints", str(warnings[0].note))
        self.assertFalse(self._warnings(self.customer_b))
        # Next day, still at risk: no second warning while one is open.
        self._run(TODAY + timedelta(days=1))
        self.assertEqual(self._warnings(self.customer), warnings)
        # The rep marks his done: only he gets a new one the day after.
        warnings.filtered(lambda a: a.user_id == self.rep_a).with_user(
            self.rep_a
        ).action_done()
        self._run(TODAY + timedelta(days=2))
        fresh = self._warnings(self.customer) - warnings
        self.assertEqual(fresh.user_id, self.rep_a)
        self.assertEqual(len(self._warnings(self.customer)), 2)

    def test_drop_since_last_month_warns_above_the_threshold(self):
        self._complaint(self.customer, "1")  # medium: 25 points off complaints
        self.company.key_account_health_drop_points = 1.0
        self.env["key_account.health.snapshot"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "month": date(2025, 5, 1),
                "date": date(2025, 5, 31),
                "score": 100,
                "band": "healthy",
            }
        )
        self._run()
        customer = self.customer.with_user(self.rep_a)
        self.assertEqual(customer.key_account_health_band, "healthy")
        self.assertEqual(customer.key_account_health_previous, 100)
        self.assertLess(customer.key_account_health_trend, 0)
        warnings = self._warnings(self.customer)
        self.assertEqual(warnings.user_id, self.rep_a | self.head)
        self.assertIn("since last month", str(warnings[0].note))

    # Overview and review
    def test_kpis_and_review_show_the_health(self):
        self._unhealthy(self.customer)
        self._run()
        with freeze_time(TODAY):
            kpis = (
                self.env["key_account.kpi"]
                .with_user(self.rep_a)
                ._kpis(self.rep_a.ids, date(2025, 6, 1), TODAY)[self.rep_a.id]
            )
        self.assertEqual(kpis["accounts_at_risk"], 1)
        self.assertEqual(kpis["health_average"], self.customer.key_account_health_score)
        Review = self.env["report.key_account.report_key_account_review"]
        values = Review.with_user(self.rep_a)._get_report_values(self.customer.ids)
        health = values["reviews"][self.customer.id]["health"]
        self.assertEqual(health["score"], self.customer.key_account_health_score)
        self.assertTrue(any("Open complaints" in f for f in health["factors"]))
        html = (
            self.env["ir.actions.report"]
            .with_user(self.rep_a)
            ._render_qweb_html(
                "key_account.action_report_key_account_review", self.customer.ids
            )[0]
            .decode()
        )
        self.assertIn("Account health", html)

    # Scale
    def test_constant_queries_per_batch(self):
        partners = self.Partner.create(
            [
                {"name": f"Health {i}", "is_company": True, "user_id": self.rep_a.id}
                for i in range(9)
            ]
        )
        for partner in partners:
            self._make_key_account(partner, key_account_since=TODAY)
            self._unhealthy(partner)
        counts = {}
        # A first pass (3 a batch) fills the process-wide caches.
        for batch_size in (3, 2, 4):
            self.env.flush_all()
            self.env.cr.execute("UPDATE res_partner SET key_account_health_date = NULL")
            self.env.invalidate_all()
            self.env["mail.activity"].search(
                [("activity_type_id", "=", self.activity_type.id)]
            ).unlink()
            self.env["key_account.health.snapshot"].search([]).unlink()
            counts[batch_size] = []
            while True:
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                done = self._run(batch_size=batch_size)
                self.env.flush_all()
                if not done:
                    break
                counts[batch_size].append((done, self.env.cr.sql_log_count - before))
        # Full batches after the first (its accounts are not all alike: the
        # first two are the class's); the last may be smaller.
        steady = {
            size: {count for done, count in runs[1:] if done == size}
            for size, runs in counts.items()
            if size != 3
        }
        self.assertEqual(len(steady[2]), 1, counts)
        self.assertEqual(steady[2], steady[4], counts)
