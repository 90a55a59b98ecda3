# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import REP, KeyAccountCase


class CustomerCareCase(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.key_account_head_user_id = cls.head
        cls.rep_c = new_test_user(
            cls.env, "ka_care_rep_c", groups=f"base.group_user,{REP}"
        )
        cls._make_key_account(cls.customer, tier=cls.tier_a)
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Ms Purchasing",
                "parent_id": cls.customer.id,
                "email": "purchasing@acme.example",
            }
        )
        cls.customer.with_user(cls.head).key_account_decision_maker_id = cls.contact


@tagged("post_install", "-at_install")
class TestSatisfaction(CustomerCareCase):
    """SPEC R73, R74: surveys at the tier interval, scores, recovery plans."""

    def _designated_days_ago(self, partner, days):
        # Setup shortcut: the designation date an approval sets.
        partner.sudo().key_account_since = fields.Date.today() - timedelta(days=days)

    def _answer(self, satisfaction, score):
        """The customer picks ``score`` on the survey and submits it."""
        user_input = satisfaction.sudo().user_input_id
        question = self.env.ref("key_account.survey_key_account_satisfaction_q_overall")
        answer = question.suggested_answer_ids.filtered(
            lambda a: a.answer_score == score
        )
        comments = self.env.ref(
            "key_account.survey_key_account_satisfaction_q_comments"
        )
        self.env["survey.user_input.line"].create(
            [
                {
                    "user_input_id": user_input.id,
                    "question_id": question.id,
                    "answer_type": "suggestion",
                    "suggested_answer_id": answer.id,
                },
                {
                    "user_input_id": user_input.id,
                    "question_id": comments.id,
                    "answer_type": "text_box",
                    "value_text_box": "Deliveries are late.",
                },
            ]
        )
        user_input._mark_done()

    def test_cron_sends_due_surveys_once(self):
        Satisfaction = self.env["key_account.satisfaction"]
        self._designated_days_ago(self.customer, 100)  # tier A: every 90 days
        self.assertEqual(
            self.customer.key_account_satisfaction_due,
            fields.Date.today() - timedelta(days=10),
        )
        self._make_key_account(self.customer_b, tier=self.tier_a)
        self._designated_days_ago(self.customer_b, 10)  # not due yet
        sent = Satisfaction._cron_send_surveys()
        self.assertEqual(sent.partner_id, self.customer)
        self.assertRecordValues(
            sent,
            [{"state": "sent", "method": "survey", "contact_id": self.contact.id}],
        )
        user_input = sent.sudo().user_input_id
        self.assertEqual(user_input.partner_id, self.contact)
        self.assertEqual(
            user_input.survey_id,
            self.env.ref("key_account.survey_key_account_satisfaction"),
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("model", "=", "survey.user_input"), ("res_id", "=", user_input.id)]
            )
        )
        self.assertEqual(len(mail), 1)
        self.assertIn(user_input.access_token, mail.body_html)
        self.assertEqual(
            self.customer.key_account_satisfaction_due,
            fields.Date.today() + timedelta(days=90),
        )
        # Idempotent: nothing is due any more.
        self.assertFalse(Satisfaction._cron_send_surveys())
        self.assertEqual(self.customer.key_account_satisfaction_count, 1)

    def test_cron_batches_and_no_email(self):
        Satisfaction = self.env["key_account.satisfaction"]
        self._designated_days_ago(self.customer, 100)
        self._make_key_account(self.customer_b, tier=self.tier_a)
        self._designated_days_ago(self.customer_b, 100)
        first = Satisfaction._cron_send_surveys(batch_size=1)
        second = Satisfaction._cron_send_surveys(batch_size=1)
        self.assertFalse(Satisfaction._cron_send_surveys(batch_size=1))
        self.assertEqual((first | second).partner_id, self.customer | self.customer_b)
        no_email = (first | second).filtered(lambda s: s.partner_id == self.customer_b)
        # Without an email the rep visits or calls.
        self.assertRecordValues(no_email, [{"state": "draft", "method": "visit"}])
        self.assertEqual(no_email.user_id, self.rep_b)

    def test_tier_interval_is_configurable(self):
        self._designated_days_ago(self.customer, 100)
        self.tier_a.survey_interval_days = 120
        self.assertFalse(self.env["key_account.satisfaction"]._cron_send_surveys())
        self.tier_a.survey_interval_days = 0  # never
        self.assertFalse(self.customer.key_account_satisfaction_due)

    def test_low_survey_score_needs_a_recovery_plan(self):
        self._designated_days_ago(self.customer, 100)
        satisfaction = self.env["key_account.satisfaction"]._cron_send_surveys()
        self._answer(satisfaction, 2)
        self.assertRecordValues(
            satisfaction,
            [
                {
                    "state": "answered",
                    "score": 2.0,
                    "needs_recovery": True,
                    "comments": "Deliveries are late.",
                }
            ],
        )
        record = satisfaction.with_user(self.rep_a)
        with self.assertRaises(UserError) as err:
            record.action_close()
        self.assertIn("recovery plan", str(err.exception))
        record.write(
            {
                "recovery_owner_id": self.rep_a.id,
                "recovery_actions": "Weekly delivery call with the warehouse.",
                "recovery_deadline": fields.Date.today() + timedelta(days=14),
            }
        )
        record.action_close()
        self.assertEqual(satisfaction.state, "done")
        self.assertEqual(self.customer.key_account_satisfaction_score, 2.0)
        notice = satisfaction.message_ids.filtered(
            lambda m: self.head.partner_id in m.partner_ids
        )
        self.assertTrue(notice)
        self.assertIn("Weekly delivery call", notice[0].body)
        with self.assertRaises(UserError):
            record.write({"score": 5})  # closed records are kept

    def test_recorded_visit_and_bad_input(self):
        Satisfaction = self.env["key_account.satisfaction"].with_user(self.rep_a)
        visit = Satisfaction.create(
            {"partner_id": self.customer.id, "method": "phone", "comments": "Fine"}
        )
        with self.assertRaises(UserError):
            visit.action_close()  # no score
        with self.assertRaises(ValidationError):
            visit.score = 6
        visit.score = 4
        with self.assertRaises(UserError):
            visit.write({"state": "done"})
        visit.action_close()
        self.assertEqual(self.customer.key_account_satisfaction_score, 4.0)
        self.assertFalse(visit.needs_recovery)
        # The threshold is a setting.
        self.company.key_account_satisfaction_threshold = 3.0
        three = Satisfaction.create({"partner_id": self.customer.id, "score": 3})
        self.assertTrue(three.needs_recovery)
        with self.assertRaises(UserError):
            three.action_close()
        # Another rep does not see them; the team's supervisor does.
        with self.assertRaises(AccessError):
            visit.with_user(self.rep_c).read(["score"])
        self.assertIn(
            visit,
            self.env["key_account.satisfaction"]
            .with_user(self.office_manager)
            .search([]),
        )
        with self.assertRaises(UserError):
            visit.with_user(self.rep_a).unlink()


@tagged("post_install", "-at_install")
class TestComplaint(CustomerCareCase):
    """SPEC R76: deadlines, escalation, validity, record rules."""

    def _complaint(self, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "contact_id": self.contact.id,
            "channel": "phone",
            "category": "delivery",
            "description": "<p>Half of the paper arrived wet.</p>",
        }
        values.update(vals)
        return (
            self.env["key_account.complaint"]
            .with_user(user or self.rep_a)
            .create(values)
        )

    def test_spec_example_escalation_once(self):
        """Logged Monday 2025-06-09, still open 2025-06-17: escalated."""
        with freeze_time("2025-06-09"):
            complaint = self._complaint(date=date(2025, 6, 9))
        self.assertRecordValues(
            complaint,
            [
                {
                    "response_deadline": date(2025, 6, 10),
                    "resolution_deadline": date(2025, 6, 16),
                    "user_id": self.rep_a.id,
                    "supervisor_id": self.office_manager.id,
                }
            ],
        )
        # Reported at once to the supervisor.
        self.assertIn(self.office_manager.partner_id, complaint.message_partner_ids)
        self.assertTrue(
            complaint.message_ids.filtered(
                lambda m: self.office_manager.partner_id in m.partner_ids
            )
        )
        Complaint = self.env["key_account.complaint"]
        activity_type = self.env.ref("key_account.mail_activity_key_account_complaint")
        with freeze_time("2025-06-10"):
            self.assertFalse(Complaint._cron_escalate())
        complaint.with_user(self.rep_a).response = "We are checking the batch."
        with freeze_time("2025-06-10"):
            complaint.with_user(self.rep_a).action_start()
        with freeze_time("2025-06-16"):
            self.assertFalse(Complaint._cron_escalate())
        with freeze_time("2025-06-17"):
            self.assertTrue(complaint.is_overdue)
            self.assertEqual(Complaint._cron_escalate(), complaint)
            self.assertFalse(Complaint._cron_escalate())
        activities = complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(activities.user_id, self.head)
        self.assertEqual(len(activities), 1)
        self.assertTrue(complaint.escalated)

    def test_unanswered_complaint_escalates_after_the_response_deadline(self):
        with freeze_time("2025-06-09"):
            complaint = self._complaint(date=date(2025, 6, 9))
        with freeze_time("2025-06-11"):
            self.assertEqual(
                self.env["key_account.complaint"]._cron_escalate(), complaint
            )

    def test_deadlines_are_settings(self):
        self.company.key_account_complaint_response_days = 2
        self.company.key_account_complaint_resolution_days = 10
        complaint = self._complaint(date=date(2025, 6, 13))  # a Friday
        self.assertEqual(complaint.response_deadline, date(2025, 6, 17))
        self.assertEqual(complaint.resolution_deadline, date(2025, 6, 27))
        with self.assertRaises(ValidationError):
            self.company.key_account_complaint_resolution_days = 1

    def test_workflow_and_bad_input(self):
        complaint = self._complaint()
        record = complaint.with_user(self.rep_a)
        with self.assertRaises(UserError):
            record.action_start()  # no response written
        with self.assertRaises(AccessError):
            record.write({"state": "closed"})
        with self.assertRaises(AccessError):
            record.write({"supervisor_id": self.rep_a.id})
        record.response = "Replacement on its way."
        record.action_start()
        with self.assertRaises(UserError):
            record.action_resolve()  # no resolution
        record.resolution = "Replaced 20 reams."
        record.action_resolve()
        self.assertEqual(complaint.state, "resolved")
        with self.assertRaises(UserError) as err:
            record.action_close()
        self.assertIn("not confirmed", str(err.exception))
        record.write({"customer_confirmed": True, "score": 2})
        with self.assertRaises(UserError) as err:
            record.action_close()
        self.assertIn("recovery plan", str(err.exception))
        record.write(
            {
                "recovery_owner_id": self.office_manager.id,
                "recovery_actions": "Visit with the warehouse manager.",
                "recovery_deadline": fields.Date.today() + timedelta(days=7),
            }
        )
        with self.assertRaises(AccessError):
            complaint.with_user(self.rep_c).action_close()
        record.action_close()
        self.assertEqual(complaint.state, "closed")
        with self.assertRaises(UserError):
            record.write({"resolution": "Changed afterwards"})
        with self.assertRaises(UserError):
            record.unlink()

    def test_validity_by_the_supervisor(self):
        complaint = self._complaint()
        with self.assertRaises(AccessError):
            complaint.with_user(self.rep_a).action_mark_valid()
        complaint.with_user(self.office_manager).action_mark_valid()
        self.assertRecordValues(
            complaint,
            [{"validity": "valid", "validity_user_id": self.office_manager.id}],
        )
        complaint.with_user(self.head).action_mark_invalid()
        self.assertEqual(complaint.validity, "invalid")
        with self.assertRaises(AccessError):
            self._complaint(validity="valid")

    def test_record_rules(self):
        mine = self._complaint()
        theirs = self._complaint(
            user=self.rep_b, partner_id=self.customer_b.id, contact_id=False
        )
        Complaint = self.env["key_account.complaint"]
        self.assertEqual(Complaint.with_user(self.rep_a).search([]), mine)
        self.assertEqual(Complaint.with_user(self.rep_b).search([]), theirs)
        self.assertFalse(Complaint.with_user(self.rep_c).search([]))
        with self.assertRaises(AccessError):
            mine.with_user(self.rep_b).read(["name"])
        self.assertEqual(Complaint.with_user(self.office_manager).search([]), mine)
        self.assertEqual(Complaint.with_user(self.head).search([]), mine | theirs)
        # Multi-company: another company's complaints stay there.
        other = self.env["res.company"].create({"name": "Other Co"})
        self.head.write({"company_ids": [(4, other.id)]})
        foreign = Complaint.create(
            {
                "partner_id": self.customer.id,
                "description": "<p>Elsewhere</p>",
                "company_id": other.id,
            }
        )
        self.assertNotIn(
            foreign,
            Complaint.with_user(self.head)
            .with_context(allowed_company_ids=[self.company.id])
            .search([]),
        )
        self.assertIn(
            foreign,
            Complaint.with_user(self.head)
            .with_context(allowed_company_ids=[self.company.id, other.id])
            .search([]),
        )

    def test_smart_buttons(self):
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        complaint = self._complaint(sale_order_id=order.id)
        self.assertEqual(order.with_user(self.rep_a).key_account_complaint_count, 1)
        action = order.with_user(self.rep_a).action_view_key_account_complaints()
        self.assertEqual(
            self.env["key_account.complaint"]
            .with_user(self.rep_a)
            .search(action["domain"]),
            complaint,
        )
        partner = self.customer.with_user(self.rep_a)
        self.assertEqual(partner.key_account_complaint_count, 1)
        self.assertEqual(
            partner.action_view_key_account_complaints()["domain"],
            [("partner_id", "=", self.customer.id)],
        )
