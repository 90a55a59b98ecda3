# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.tests import tagged

from .common import KeyAccountCase


@tagged("post_install", "-at_install")
class TestPartnerDate(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls._key_account_contact("Ms Chen")

    def _reminders(self):
        return self._activities(self.customer, "mail_activity_key_account_date")

    def test_birthday_reminder_seven_days_before_once(self):
        record = (
            self.env["key_account.partner.date"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "contact_id": self.contact.id,
                    "kind": "birthday",
                    "date": "1980-06-20",
                }
            )
        )
        self.assertEqual(record.reminder_days, 7)
        with freeze_time("2025-06-12"):
            self.env["key_account.partner.date"]._cron_remind()
            self.assertFalse(self._reminders())
        with freeze_time("2025-06-13"):
            self.env["key_account.partner.date"]._cron_remind()
            self.env["key_account.partner.date"]._cron_remind()
            reminders = self._reminders()
            self.assertEqual(len(reminders), 1)
            self.assertEqual(str(reminders.date_deadline), "2025-06-20")
            self.assertEqual(reminders.user_id, self.rep_a)
            self.assertIn("Ms Chen", reminders.summary)
        with freeze_time("2026-06-14"):
            self.env["key_account.partner.date"]._cron_remind()
            self.assertEqual(len(self._reminders()), 2, "next year's occurrence")

    def test_leap_day_founding(self):
        record = self.env["key_account.partner.date"].create(
            {"partner_id": self.customer.id, "kind": "founding", "date": "2000-02-29"}
        )
        with freeze_time("2025-02-01"):
            record.invalidate_recordset(["next_date"])
            self.assertEqual(str(record.next_date), "2025-02-28")

    def test_negative_reminder_refused(self):
        from psycopg2 import IntegrityError

        from odoo.tools import mute_logger

        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["key_account.partner.date"].create(
                {
                    "partner_id": self.customer.id,
                    "date": "2000-01-01",
                    "reminder_days": -1,
                }
            )
