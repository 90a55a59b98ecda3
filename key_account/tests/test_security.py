# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SUPERVISOR, KeyAccountCase


@tagged("post_install", "-at_install")
class TestSecurity(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_key_account(cls.customer)
        cls._make_key_account(cls.customer_b)

    def test_rep_cannot_read_other_reps_key_account(self):
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.rep_a).read(["name"])
        found = (
            self.env["res.partner"]
            .with_user(self.rep_a)
            .search([("is_key_account", "=", True)])
        )
        self.assertIn(self.customer, found)
        self.assertNotIn(self.customer_b, found)

    def test_executive_reads_served_account(self):
        self.customer_b.with_user(self.head).write(
            {"key_account_executive_id": self.rep_a.id}
        )
        self.assertEqual(self.customer_b.with_user(self.rep_a).name, "Beta Corp")

    def test_supervisor_sees_team_but_not_secret(self):
        partner = self.customer.with_user(self.office_manager)
        self.assertEqual(partner.name, "ACME Ltd")
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.office_manager).read(["name"])
        self.customer.with_user(self.head).key_account_confidentiality = "secret"
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.office_manager).read(["name"])
        # The owner rep and directors still see it.
        self.assertEqual(self.customer.with_user(self.rep_a).name, "ACME Ltd")
        self.assertEqual(self.customer.with_user(self.head).name, "ACME Ltd")

    def test_rep_requests_are_private(self):
        request = self._new_request(
            partner=self.customer_b, user=self.rep_b, kind="tier_change", reason="Grew"
        )
        with self.assertRaises(AccessError):
            request.with_user(self.rep_a).read(["name"])
        self.assertEqual(request.with_user(self.head).name, request.name)

    def test_secret_requests_hidden_from_team_supervisor(self):
        request = self._new_request(kind="tier_change", reason="Grew")
        Request = self.env["key_account.request"].with_user(self.office_manager)
        self.assertIn(request, Request.search([]))
        self.customer.with_user(self.head).key_account_confidentiality = "secret"
        self.assertNotIn(request, Request.search([]))
        self.assertIn(
            request, self.env["key_account.request"].with_user(self.rep_a).search([])
        )

    def test_reps_cannot_export(self):
        self.assertFalse(self.rep_a.has_group("base.group_allow_export"))
        supervisor = new_test_user(
            self.env, "ka_sup2", groups=f"base.group_user,{SUPERVISOR}"
        )
        self.assertTrue(supervisor.has_group("key_account.group_key_account_rep"))

    def test_tiers_are_company_bound(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        tier = self.env["key_account.tier"].create(
            {"name": "Elsewhere", "code": "E", "company_id": other.id}
        )
        tiers = self.env["key_account.tier"].with_user(self.rep_a).search([])
        self.assertNotIn(tier, tiers)
