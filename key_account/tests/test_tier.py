# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KeyAccountCase


@tagged("post_install", "-at_install")
class TestTier(KeyAccountCase):
    def test_default_tiers_shipped(self):
        tiers = self.env["key_account.tier"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(set(tiers.mapped("code")), {"A", "B", "C"})
        self.assertEqual(self.tier_a.min_annual_revenue, 300000)
        self.assertEqual(self.tier_b.min_annual_revenue, 100000)

    def test_code_unique_per_company(self):
        Tier = self.env["key_account.tier"].with_user(self.manager)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                Tier.create({"name": "Another A", "code": "A"})
        other = self.env["res.company"].create({"name": "Other Co"})
        self.manager.company_ids |= other
        tier = Tier.with_company(other).create(
            {"name": "A elsewhere", "code": "A", "company_id": other.id}
        )
        self.assertEqual(tier.company_id, other)

    def test_negative_values_refused(self):
        Tier = self.env["key_account.tier"].with_user(self.manager)
        for vals in (
            {"credit_limit": -1},
            {"min_annual_revenue": -5},
            {"visit_interval_days": 0},
        ):
            with self.subTest(vals=vals), mute_logger("odoo.sql_db"):
                with self.assertRaises(IntegrityError), self.env.cr.savepoint():
                    Tier.create(dict({"name": "X", "code": "X"}, **vals))

    def test_rep_cannot_configure_tiers(self):
        with self.assertRaises(AccessError):
            self.env["key_account.tier"].with_user(self.rep_a).create(
                {"name": "Z", "code": "Z"}
            )
        with self.assertRaises(AccessError):
            self.tier_a.with_user(self.rep_a).write({"credit_limit": 1})
        # Reps read tiers (to choose one on a request).
        self.assertEqual(self.tier_a.with_user(self.rep_a).code, "A")

    def test_partner_count(self):
        self._make_key_account(self.customer, self.tier_a)
        self.assertEqual(self.tier_a.with_user(self.manager).partner_count, 1)
        action = self.tier_a.with_user(self.manager).action_view_partners()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]), self.customer
        )

    def test_band_settings_validated(self):
        with self.assertRaises(ValidationError):
            self.company.key_account_band3_amount = 50000.0
        with self.assertRaises(ValidationError):
            self.company.key_account_signer_months = 0
