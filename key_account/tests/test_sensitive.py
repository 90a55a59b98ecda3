# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KeyAccountCase


@tagged("post_install", "-at_install")
class TestSensitiveInfo(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls._key_account_contact("Mr Sun")

    def test_off_by_default(self):
        self.assertFalse(self.company.key_account_sensitive_enabled)
        self.assertFalse(self.contact.key_account_sensitive_enabled)
        self.company.key_account_sensitive_enabled = True
        self.contact.invalidate_recordset(["key_account_sensitive_enabled"])
        self.assertTrue(self.contact.key_account_sensitive_enabled)

    def test_only_rep_executive_and_directors_read_it(self):
        self.company.key_account_sensitive_enabled = True
        info = (
            self.env["key_account.sensitive.info"]
            .with_user(self.rep_a)
            .create({"partner_id": self.contact.id, "health": "Diabetic: no sweets"})
        )
        self.assertEqual(info.with_user(self.head).health, "Diabetic: no sweets")
        # The office manager sees the customer, not its sensitive notes.
        self.assertEqual(self.customer.with_user(self.office_manager).name, "ACME Ltd")
        with self.assertRaises(AccessError):
            info.with_user(self.office_manager).read(["health"])
        with self.assertRaises(AccessError):
            info.with_user(self.rep_b).read(["health"])
        self.customer.with_user(self.head).key_account_executive_id = self.rep_b
        self.assertEqual(info.with_user(self.rep_b).health, "Diabetic: no sweets")
        self.assertFalse(
            self.contact.with_user(self.office_manager).key_account_sensitive_ids
        )
