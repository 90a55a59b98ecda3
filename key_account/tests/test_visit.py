# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import KeyAccountCase

DT = datetime.datetime


@tagged("post_install", "-at_install")
class TestVisit(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.rep_a | cls.rep_b | cls.office_manager).write({"tz": "Asia/Shanghai"})
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Buyer Wang", "parent_id": cls.customer.id}
        )
        cls.Visit = cls.env["key_account.visit"]

    def _visit(self, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "planned_start": DT(2025, 6, 3, 6, 0),  # 14:00 in Shanghai
            "planned_stop": DT(2025, 6, 3, 8, 0),
            "purpose": "Negotiate the 2026 renewal prices",
        }
        values.update(vals)
        return self.Visit.with_user(user or self.rep_a).create(values)

    def _planned(self, start, stop):
        """Rep A's visit planned from ``start`` to ``stop`` (UTC)."""
        return self._visit(planned_start=start, planned_stop=stop)

    def _held(self, visit, start, stop, **vals):
        """``visit`` held from ``start`` to ``stop`` (UTC): its actual times
        written by its rep, with ``vals`` on top (outcome...)."""
        visit.write(dict({"actual_start": start, "actual_stop": stop}, **vals))

    # Go-out register (R50, R51)
    @freeze_time("2025-06-03 01:00:00")
    def test_registration_before_departure(self):
        visit = self._visit(contact_ids=[(6, 0, self.buyer.ids)])
        self.assertRecordValues(
            visit,
            [
                {
                    "registration_state": "registered",
                    "approval_state": "not_required",
                    "state": "planned",
                    "user_id": self.rep_a.id,
                    "supervisor_id": self.office_manager.id,
                    "registered_at": DT(2025, 6, 3, 1, 0),
                }
            ],
        )
        event = visit.calendar_event_id
        self.assertTrue(event)
        self.assertEqual(event.start, visit.planned_start)
        self.assertEqual(event.partner_ids, self.rep_a.partner_id)
        self.assertFalse(
            self._activities(visit, "mail_activity_key_account_unregistered_visit")
        )
        # The plan may move before departure; the event follows.
        visit.write(
            {
                "planned_start": DT(2025, 6, 3, 7, 0),
                "planned_stop": DT(2025, 6, 3, 9, 0),
            }
        )
        self.assertEqual(event.start, DT(2025, 6, 3, 7, 0))

    @freeze_time("2025-06-03 01:00:00")
    def test_customer_company_required(self):
        loner = self.env["res.partner"].create({"name": "Mr Nobody"})
        with self.assertRaises(ValidationError):
            self._visit(partner_id=loner.id)
        # A person of a company stands for the company.
        visit = self._visit(partner_id=self.buyer.id)
        self.assertEqual(visit.partner_id, self.customer)
        self.assertEqual(visit.contact_ids, self.buyer)
        stranger = self.env["res.partner"].create(
            {"name": "Ms Li", "parent_id": self.customer_b.id}
        )
        with self.assertRaises(ValidationError):
            self._visit(contact_ids=[(6, 0, stranger.ids)])
        with self.assertRaises(ValidationError):
            self.Visit.with_user(self.rep_a).create(
                {
                    "planned_start": DT(2025, 6, 3, 6, 0),
                    "planned_stop": DT(2025, 6, 3, 8, 0),
                    "purpose": "Negotiate prices",
                }
            )

    @freeze_time("2025-06-03 01:00:00")
    def test_vague_purposes_refused(self):
        for purpose in (
            "out",
            "Seeing a customer",
            "外出",
            "拜访客户",
            "visit customer",
        ):
            with self.subTest(purpose=purpose), self.assertRaises(ValidationError):
                self._visit(purpose=purpose)
        self._visit(purpose="拜访客户洽谈续约价格")
        self.company.key_account_go_out_generic_words = "outing"
        self._visit(purpose="seeing a customer")

    @freeze_time("2025-06-03 07:00:00")
    def test_visit_logged_after_departure_is_unregistered(self):
        visit = self._visit()
        self.assertEqual(visit.registration_state, "unregistered")
        alert = self._activities(visit, "mail_activity_key_account_unregistered_visit")
        self.assertEqual(alert.user_id, self.office_manager)
        self.assertFalse(visit.calendar_event_id)

    def test_direct_visit_registered_by_the_cutoff_the_day_before(self):
        plan = {
            "direct": True,
            "planned_start": DT(2025, 6, 3, 0, 30),  # Tuesday 08:30 Shanghai
            "planned_stop": DT(2025, 6, 3, 3, 0),
        }
        with freeze_time("2025-06-02 09:00:00"):  # Monday 17:00
            self.assertEqual(self._visit(**plan).registration_state, "registered")
        with freeze_time("2025-06-02 11:00:00"):  # Monday 19:00
            self.assertEqual(self._visit(**plan).registration_state, "late")
        self.company.key_account_go_out_cutoff = 20.0
        with freeze_time("2025-06-02 11:00:00"):
            self.assertEqual(self._visit(**plan).registration_state, "registered")

    @freeze_time("2025-06-03 01:00:00")
    def test_statuses_not_written_by_hand(self):
        visit = self._visit()
        for vals in (
            {"registration_state": "registered"},
            {"registered_at": "2025-06-01 00:00:00"},
            {"minutes_state": "reviewed"},
            {"state": "done"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                visit.write(vals)
        with self.assertRaises(AccessError):
            self._visit(registration_state="registered")
        with freeze_time("2025-06-03 07:00:00"), self.assertRaises(UserError):
            visit.write({"planned_start": DT(2025, 6, 3, 7, 0)})

    # Report, deviation and minutes (R54)
    def test_report_minutes_and_review(self):
        with freeze_time("2025-06-05 01:00:00"):  # Thursday
            visit = self._planned(DT(2025, 6, 5, 2, 0), DT(2025, 6, 5, 4, 0))
        with freeze_time("2025-06-05 06:00:00"):
            self._held(visit, DT(2025, 6, 5, 3, 0), DT(2025, 6, 5, 5, 0))
            with self.assertRaises(UserError):
                visit.action_done()  # no report
            visit.outcome = "<p>Needs 200 units; objects to the price.</p>"
            with self.assertRaises(ValidationError):
                visit.action_done()  # an hour late without reason
            visit.deviation_reason = "Traffic jam on the Yan'an viaduct"
            with self.assertRaises(AccessError):
                visit.with_user(self.rep_b).action_done()
            visit.action_done()
        self.assertRecordValues(
            visit,
            [
                {
                    "state": "done",
                    "minutes_state": "due",
                    "minutes_deadline": fields.Date.to_date("2025-06-09"),
                }
            ],
        )
        self.assertEqual(
            self.customer.key_account_last_visit_date, fields.Date.to_date("2025-06-05")
        )
        due = self._activities(visit, "mail_activity_key_account_minutes")
        self.assertEqual(due.user_id, self.rep_a)
        with self.assertRaises(UserError):
            visit.action_submit_minutes()  # empty
        visit.minutes = "<p>Agreed: 5% off from July.</p>"
        with freeze_time("2025-06-06 02:00:00"):
            visit.action_submit_minutes()
        self.assertFalse(self._activities(visit, "mail_activity_key_account_minutes"))
        review = self._activities(visit, "mail_activity_key_account_minutes_review")
        self.assertEqual(review.user_id, self.office_manager)
        with self.assertRaises(AccessError):
            visit.action_review_minutes()  # not their own
        with self.assertRaises(AccessError):
            visit.with_user(self.rep_b).action_review_minutes()
        visit.with_user(self.office_manager).action_review_minutes()
        self.assertRecordValues(
            visit,
            [
                {
                    "minutes_state": "reviewed",
                    "minutes_reviewer_id": self.office_manager.id,
                    "minutes_late": False,
                }
            ],
        )
        with self.assertRaises(UserError):
            visit.unlink()

    # Optional approval (R53)
    def test_office_manager_approval_when_set(self):
        self.company.key_account_go_out_approval = True
        with freeze_time("2025-06-03 01:00:00"):
            visit = self._visit()
        self.assertEqual(visit.approval_state, "pending")
        approval = self._activities(visit, "mail_activity_key_account_go_out_approval")
        self.assertEqual(approval.user_id, self.office_manager)
        self._held(
            visit, DT(2025, 6, 3, 6, 0), DT(2025, 6, 3, 8, 0), outcome="<p>Signed.</p>"
        )
        with freeze_time("2025-06-03 09:00:00"):
            with self.assertRaises(UserError):
                visit.action_done()
            with self.assertRaises(AccessError):
                visit.action_approve()
            visit.with_user(self.office_manager).action_approve()
            visit.action_done()
        self.assertEqual(visit.approved_by_id, self.office_manager)
        self.assertEqual(visit.state, "done")

    def test_rep_of_a_go_out_under_approval_is_fixed(self):
        """Nobody approves his own go-out by handing the visit to someone
        else for the approval."""
        self.company.key_account_go_out_approval = True
        with freeze_time("2025-06-03 01:00:00"):
            visit = self._visit()
            self.assertEqual(visit.approval_state, "pending")
            with self.assertRaises(UserError):
                visit.with_user(self.rep_a).write({"user_id": self.rep_b.id})
            with self.assertRaises(UserError):
                visit.with_user(self.office_manager).write({"user_id": self.rep_b.id})
            self.assertEqual(visit.user_id, self.rep_a)
            visit.with_user(self.office_manager).action_approve()
        self.assertEqual(visit.approved_by_id, self.office_manager)

    # Record rules
    @freeze_time("2025-06-03 01:00:00")
    def test_who_sees_visits(self):
        visit_a = self._visit()
        visit_b = self._visit(user=self.rep_b, partner_id=self.customer_b.id)
        self.assertEqual(self.Visit.with_user(self.rep_a).search([]), visit_a)
        self.assertEqual(self.Visit.with_user(self.rep_b).search([]), visit_b)
        self.assertEqual(self.Visit.with_user(self.office_manager).search([]), visit_a)
        self.assertEqual(self.Visit.with_user(self.head).search([]), visit_a | visit_b)
        with self.assertRaises(AccessError):
            visit_a.with_user(self.rep_b).read(["purpose"])
        self.assertEqual(self.customer.with_user(self.rep_a).key_account_visit_count, 1)
        action = self.customer.with_user(self.rep_a).action_key_account_log_visit()
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)

    # Visit planning by tier (R55)
    def test_visit_due_by_tier(self):
        with freeze_time("2025-05-01 02:00:00"):
            self._make_key_account(self.customer, tier=self.tier_a)
        interval = self.tier_a.visit_interval_days
        self.assertEqual(
            self.customer.key_account_visit_due_date,
            fields.Date.to_date("2025-05-01") + datetime.timedelta(days=interval),
        )
        Partner = self.env["res.partner"]
        with freeze_time("2025-05-02 02:00:00"):
            Partner._cron_key_account_visit_due()
        self.assertFalse(
            self._activities(self.customer, "mail_activity_key_account_visit_due")
        )
        with freeze_time("2025-08-01 02:00:00"):
            Partner._cron_key_account_visit_due()
            Partner._cron_key_account_visit_due()
            due = self._activities(self.customer, "mail_activity_key_account_visit_due")
            self.assertEqual(len(due), 1)
            self.assertEqual(due.user_id, self.rep_a)
            visit = self._planned(DT(2025, 8, 1, 3, 0), DT(2025, 8, 1, 4, 0))
        with freeze_time("2025-08-01 05:00:00"):
            self._held(
                visit,
                DT(2025, 8, 1, 3, 0),
                DT(2025, 8, 1, 4, 0),
                outcome="<p>Quarterly review.</p>",
            )
            visit.action_done()
        self.assertFalse(
            self._activities(self.customer, "mail_activity_key_account_visit_due")
        )
        self.assertEqual(
            self.customer.key_account_visit_due_date,
            fields.Date.to_date("2025-08-01") + datetime.timedelta(days=interval),
        )
