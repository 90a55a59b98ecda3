# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import KeyAccountCase


@tagged("post_install", "-at_install")
class TestPartnerGuard(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_key_account(cls.customer, credit_limit=100000.0)

    def test_rep_cannot_write_guarded_fields(self):
        partner = self.customer.with_user(self.rep_a)
        for vals in (
            {"key_account_tier_id": self.tier_a.id},
            {"key_account_state": "suspended"},
            {"credit_limit": 999999.0},
            {"property_payment_term_id": self.term_30.id},
            {"key_account_credit_level_id": self.level_watch.id},
            {"active": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                partner.write(vals)
        self.assertEqual(self.customer.key_account_tier_id, self.tier_b)
        self.assertEqual(self.customer.credit_limit, 100000.0)

    def test_rep_cannot_self_designate(self):
        prospect = (
            self.env["res.partner"]
            .with_user(self.rep_a)
            .create({"name": "Gamma", "is_company": True})
        )
        with self.assertRaises(AccessError):
            prospect.write({"key_account_state": "key_account"})
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.rep_a).create(
                {
                    "name": "Delta",
                    "is_company": True,
                    "key_account_state": "key_account",
                }
            )
        with self.assertRaises(AccessError):
            prospect.write({"key_account_tier_id": self.tier_a.id})
        # Marking a prospect stays allowed.
        prospect.write({"key_account_state": "prospect"})
        self.assertFalse(prospect.is_key_account)

    def test_key_file_data_tracked(self):
        self._flush_tracking()
        self.customer.with_user(self.rep_a).vat = "91310000MA1FL0001X"
        tracked = self._tracked(self.customer, "vat")
        self.assertEqual(tracked[:1].new_value_char, "91310000MA1FL0001X")
        self.assertEqual(tracked[:1].create_uid, self.rep_a)

    def test_rep_edits_free_fields_and_non_key_accounts(self):
        self.customer.with_user(self.rep_a).write(
            {"key_account_preferences": "Tea, no alcohol", "vat": "CN123"}
        )
        self.assertEqual(self.customer.key_account_preferences, "Tea, no alcohol")
        other = (
            self.env["res.partner"]
            .with_user(self.rep_a)
            .create({"name": "Small Shop", "is_company": True})
        )
        # As in plain Odoo, a salesman does not set a customer's credit limit.
        with self.assertRaises(AccessError):
            other.write({"credit_limit": 5000.0})

    def test_rep_adds_contact_to_key_account(self):
        contact = (
            self.env["res.partner"]
            .with_user(self.rep_a)
            .create({"name": "Ms Li", "parent_id": self.customer.id})
        )
        self.assertTrue(contact.is_key_account)
        self.assertEqual(contact.credit_limit, 100000.0)

    def test_directors_change_tier_credit_and_status_only_by_request(self):
        """SPEC R6, R8: not even a director writes them by hand."""
        partner = self.customer.with_user(self.head)
        for vals in (
            {"key_account_tier_id": self.tier_a.id},
            {"key_account_state": "suspended"},
            {"credit_limit": 150000.0},
            {"property_payment_term_id": self.term_30.id},
            {"key_account_credit_level_id": self.level_watch.id},
            {"key_account_since": "2020-01-01"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                partner.write(vals)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.head).create(
                {
                    "name": "Gamma",
                    "is_company": True,
                    "key_account_state": "key_account",
                }
            )
        self.assertRecordValues(
            self.customer,
            [
                {
                    "key_account_tier_id": self.tier_b.id,
                    "key_account_state": "key_account",
                    "credit_limit": 100000.0,
                    "key_account_credit_level_id": self.level_good.id,
                }
            ],
        )
        # The director keeps the other key-account data.
        warehouse = self.env["stock.warehouse"].search([], limit=1)
        partner.write({"key_account_warehouse_id": warehouse.id})
        self.assertEqual(self.customer.key_account_warehouse_id, warehouse)

    def test_approved_change_logged(self):
        self._flush_tracking()
        request = self._submitted_request(
            kind="tier_change",
            tier_id=self.tier_a.id,
            credit_limit=150000.0,
            expected_amount=350000.0,
            reason="Revenue above 300,000",
        )
        for reviewer in (self.head, self.deputy_sd, self.sd):
            self._approve(request, reviewer)
        self.assertEqual(request.state, "approved")
        body = " ".join(self.customer.message_ids.mapped("body"))
        self.assertIn("Credit Limit: 100000.0 → 150000.0", body)
        tracked = self._tracked(self.customer, "key_account_tier_id")
        self.assertEqual(tracked[:1].old_value_char, "B – Core")
        self.assertEqual(tracked[:1].new_value_char, "A – Strategic")

    def test_key_account_cannot_be_deleted(self):
        with self.assertRaises(UserError):
            self.customer.with_user(self.manager).unlink()
        self.assertTrue(self.customer.exists())

    def test_director_archives(self):
        self.customer.with_user(self.head).action_archive()
        self.assertFalse(self.customer.active)
