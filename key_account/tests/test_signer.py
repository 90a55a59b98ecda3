# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import KeyAccountCase


@tagged("post_install", "-at_install")
class TestSigner(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls._key_account_contact("Mr Zhang")

    def _signer(self, **vals):
        values = {
            "partner_id": self.customer.id,
            "contact_id": self.contact.id,
            "scope": "Purchase orders",
            "date_from": "2024-07-01",
            "date_to": "2025-06-30",
        }
        values.update(vals)
        return self.env["key_account.signer"].with_user(self.rep_a).create(values)

    def _renewal_activities(self):
        return self._activities(self.customer, "mail_activity_key_account_signer")

    def test_validity_defaults_to_twelve_months(self):
        signer = (
            self.env["key_account.signer"]
            .with_user(self.rep_a)
            .create({"partner_id": self.customer.id, "contact_id": self.contact.id})
        )
        today = fields.Date.context_today(signer)
        self.assertEqual(signer.date_from, today)
        self.assertEqual(signer.date_to.year - today.year, 1)

    def test_bad_input_refused(self):
        with self.assertRaises(ValidationError):
            self._signer(date_from="2025-07-01", date_to="2025-06-30")
        stranger = self.env["res.partner"].create({"name": "Someone Else"})
        with self.assertRaises(ValidationError):
            self._signer(contact_id=stranger.id)

    def test_cron_reminds_once_then_flags_expired(self):
        with freeze_time("2025-05-15"):
            signer = self._signer()
            self.assertEqual(signer.state, "valid")
        with freeze_time("2025-05-31"):
            self.env["key_account.signer"]._cron_signer_state()
            self.assertEqual(signer.state, "expiring")
            self.assertEqual(len(self._renewal_activities()), 1)
            self.assertEqual(self._renewal_activities().user_id, self.rep_a)
            self.env["key_account.signer"]._cron_signer_state()
            self.assertEqual(len(self._renewal_activities()), 1, "idempotent")
        with freeze_time("2025-07-02"):
            self.env["key_account.signer"]._cron_signer_state()
            self.assertEqual(signer.state, "expired")
            self.assertEqual(len(self._renewal_activities()), 1)

    def test_renewal_resets_reminder(self):
        with freeze_time("2025-06-10"):
            signer = self._signer()
            self.env["key_account.signer"]._cron_signer_state()
            self.assertTrue(signer.reminder_date)
            signer.with_user(self.rep_a).date_to = "2026-06-30"
            self.assertFalse(signer.reminder_date)
            self.assertEqual(signer.state, "valid")

    def test_other_rep_cannot_see_signers(self):
        signer = self._signer()
        self.assertFalse(
            self.env["key_account.signer"]
            .with_user(self.rep_b)
            .search([("id", "=", signer.id)])
        )
