# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KeyAccountCase


@tagged("post_install", "-at_install")
class TestTierSuggestion(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_key_account(cls.customer, cls.tier_c)
        cls._make_key_account(cls.customer_b, cls.tier_b)
        cls.Suggestion = cls.env["key_account.tier.suggestion"]

    def _customers(self, count):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Bulk {i}", "is_company": True, "user_id": self.rep_a.id}
                for i in range(count)
            ]
        )
        for partner in partners:
            self._make_key_account(partner, self.tier_c)
        return partners

    @freeze_time("2025-06-15")
    def test_suggests_from_trailing_revenue(self):
        self._invoice(self.customer, 250000.0, "2025-01-10")
        self._invoice(self.customer, 90000.0, "2024-12-01")
        self._invoice(self.customer, 500000.0, "2024-05-01")  # older than 12 months
        self.Suggestion._cron_suggest()
        suggestion = self.Suggestion.search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            suggestion,
            [
                {
                    "revenue": 340000.0,
                    "tier_id": self.tier_a.id,
                    "current_tier_id": self.tier_c.id,
                    "state": "pending",
                }
            ],
        )
        other = self.Suggestion.search([("partner_id", "=", self.customer_b.id)])
        self.assertEqual(other.tier_id, self.tier_c)
        self.assertEqual(self.customer.key_account_tier_id, self.tier_c, "not silent")

    @freeze_time("2025-06-15")
    def test_days_to_pay(self):
        invoice = self._invoice(self.customer, 1000.0, "2025-05-01")
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"payment_date": "2025-05-21"})
        )
        payment.action_create_payments()
        self.Suggestion._cron_suggest()
        suggestion = self.Suggestion.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(suggestion.days_to_pay, 20.0)

    @freeze_time("2025-06-15")
    def test_rerun_same_month_creates_no_duplicates(self):
        self.Suggestion._cron_suggest()
        self.Suggestion._cron_suggest()
        self.assertEqual(
            self.Suggestion.search_count([("partner_id", "=", self.customer.id)]), 1
        )
        with freeze_time("2025-07-01"):
            self.Suggestion._cron_suggest()
        self.assertEqual(
            self.Suggestion.search_count([("partner_id", "=", self.customer.id)]),
            1,
            "the new month replaces the pending suggestion",
        )

    @freeze_time("2025-06-15")
    def test_query_count_constant_per_batch(self):
        small = self._customers(2) | self.customer | self.customer_b
        self._customers(8)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(15):
            done = self.Suggestion._cron_suggest(batch_size=len(small))
        self.assertEqual(done, 4)
        self.env.invalidate_all()
        with self.assertQueryCount(15):
            done = self.Suggestion._cron_suggest(batch_size=8)
        self.assertEqual(done, 8)

    @freeze_time("2025-06-15")
    def test_director_applies_in_bulk(self):
        self._invoice(self.customer, 350000.0, "2025-02-01")
        self.Suggestion._cron_suggest()
        suggestions = self.Suggestion.search([])
        with self.assertRaises(AccessError):
            suggestions.with_user(self.rep_a).action_apply()
        suggestions.with_user(self.head).action_apply()
        self.assertEqual(self.customer.key_account_tier_id, self.tier_a)
        self.assertEqual(self.customer_b.key_account_tier_id, self.tier_c)
        self.assertEqual(set(suggestions.mapped("state")), {"applied"})
        tracking = self._tracked(self.customer, "key_account_tier_id")
        self.assertEqual(tracking[:1].new_value_char, "A – Strategic")
