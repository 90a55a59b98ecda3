# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
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
    def test_director_applies_in_bulk_through_requests(self):
        """SPEC R6: applying drafts tier-change requests; the tiers change
        once they are approved (an upgrade along the bands, a downgrade by
        the KA head alone)."""
        self._invoice(self.customer, 350000.0, "2025-02-01")
        self.Suggestion._cron_suggest()
        suggestions = self.Suggestion.search([])
        with self.assertRaises(AccessError):
            suggestions.with_user(self.rep_a).action_apply()
        action = suggestions.with_user(self.head).action_apply()
        self.assertEqual(set(suggestions.mapped("state")), {"applied"})
        requests = suggestions.request_id
        self.assertEqual(
            self.env["key_account.request"].search(action["domain"]), requests
        )
        self.assertRecordValues(
            requests.sorted(lambda r: r.partner_id != self.customer),
            [
                {
                    "kind": "tier_change",
                    "state": "draft",
                    "partner_id": self.customer.id,
                    "tier_id": self.tier_a.id,
                    "requester_id": self.rep_a.id,
                    "rep_id": self.rep_a.id,
                    "expected_amount": 350000.0,
                    "tier_move": "up",
                },
                {
                    "kind": "tier_change",
                    "state": "draft",
                    "partner_id": self.customer_b.id,
                    "tier_id": self.tier_c.id,
                    "requester_id": self.rep_b.id,
                    "rep_id": self.rep_b.id,
                    "expected_amount": 0.0,
                    "tier_move": "down",
                },
            ],
        )
        upgrade = requests.filtered(lambda r: r.partner_id == self.customer)
        self.assertIn("350,000.00 invoiced in the last twelve months", upgrade.reason)
        # Each rep has it to submit; nothing changed yet.
        self.assertEqual(
            requests.activity_ids.user_id, self.rep_a | self.rep_b, "one each"
        )
        self.assertEqual(self.customer.key_account_tier_id, self.tier_c)
        self.assertEqual(self.customer_b.key_account_tier_id, self.tier_b)
        # The downgrade: submitted by its rep, decided by the KA head alone.
        downgrade = requests.filtered(lambda r: r.partner_id == self.customer_b)
        self.assertEqual(
            self.env["key_account.request"]
            .with_user(self.rep_b)
            .search([("state", "=", "draft")]),
            downgrade,
        )
        self._attach(downgrade, self.rep_b)
        downgrade.with_user(self.rep_b).action_submit()
        self.assertEqual(
            downgrade.review_ids.definition_id,
            self.env.ref("key_account.tier_request_ka_head"),
        )
        self._approve(downgrade, self.head)
        self.assertEqual(self.customer_b.key_account_tier_id, self.tier_c)
        tracking = self._tracked(self.customer_b, "key_account_tier_id")
        self.assertEqual(tracking[:1].new_value_char, "C – Potential")

    @freeze_time("2025-06-15")
    def test_one_tier_change_request_at_a_time(self):
        self._invoice(self.customer, 350000.0, "2025-02-01")
        open_request = self._new_request(
            kind="tier_change", tier_id=self.tier_b.id, reason="Growing"
        )
        self.Suggestion._cron_suggest()
        suggestion = self.Suggestion.search([("partner_id", "=", self.customer.id)])
        with self.assertRaisesRegex(UserError, open_request.name):
            suggestion.with_user(self.head).action_apply()
        self.assertEqual(suggestion.state, "pending")
        self.assertFalse(suggestion.request_id)
