# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KeyAccountCase


@tagged("post_install", "-at_install")
class TestFileCompleteness(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_key_account(cls.customer)
        cls.items = cls.env["key_account.file.item"].search([])

    def test_completeness_counts_required_items(self):
        # Only the name of 8 default items is filled.
        self.assertEqual(len(self.items), 8)
        self.assertEqual(self.customer.key_account_file_completeness, 12.5)
        self.customer.with_user(self.rep_a).write(
            {
                "vat": "91310000MA1FL0001X",
                "company_registry": "310000000001",
                "street": "1 Century Avenue",
            }
        )
        self.assertEqual(self.customer.key_account_file_completeness, 50.0)

    def test_complete_file(self):
        contact = self.env["res.partner"].create(
            {"name": "Mr Wang", "parent_id": self.customer.id}
        )
        self.customer.with_user(self.rep_a).write(
            {
                "vat": "X",
                "company_registry": "Y",
                "street": "Z",
                "key_account_ownership_type": "private",
                "key_account_staff_count": 120,
                "key_account_decision_maker_id": contact.id,
                "key_account_settlement_method": "bank_transfer",
            }
        )
        self.assertEqual(self.customer.key_account_file_completeness, 100.0)

    def test_items_are_configuration(self):
        self.items.filtered(lambda i: i.field_name != "name").with_user(
            self.manager
        ).write({"active": False})
        self.assertEqual(self.customer.key_account_file_completeness, 100.0)
        with self.assertRaises(AccessError):
            self.items[:1].with_user(self.rep_a).write({"active": False})

    def test_non_key_account_not_scored(self):
        self.assertEqual(self.customer_b.key_account_file_completeness, 0.0)
