# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_order import OrderApprovalCase


@tagged("post_install", "-at_install")
class TestRebateIncident(OrderApprovalCase):
    """SPEC R34: a withheld rebate is recorded as an incident (amount, fine of
    5 × that amount proposed, major fault) for the KA head, who alone
    decides; reps never see incidents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.key_account_head_user_id = cls.head
        cls.Incident = cls.env["key_account.rebate.incident"]

    def _incident(self, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "responsible_id": self.rep_a.id,
            "amount": 3390.0,
            "description": "The customer says the May rebate never reached it.",
        }
        values.update(vals)
        return self.Incident.with_user(user or self.office_manager).create(values)

    def test_recorded_reported_and_confirmed_by_the_head(self):
        incident = self._incident()
        self.assertRecordValues(
            incident,
            [{"state": "draft", "penalty_amount": 16950.0, "major_fault": True}],
        )
        self.assertTrue(incident.name.startswith("RBI/"), incident.name)
        incident.action_report()
        self.assertEqual(incident.state, "to_decide")
        activity = incident.activity_ids
        self.assertRecordValues(
            activity,
            [
                {
                    "user_id": self.head.id,
                    "activity_type_id": self.env.ref(
                        "key_account.mail_activity_key_account_rebate_incident"
                    ).id,
                }
            ],
        )
        self.assertIn("16,950.00", activity.note)
        # Directors read it; only the KA head decides.
        self.assertEqual(incident.with_user(self.deputy_sd).amount, 3390.0)
        for user in (self.office_manager, self.deputy_sd):
            with self.assertRaises(AccessError, msg=user.login):
                incident.with_user(user).action_confirm()
            with self.assertRaises(AccessError, msg=user.login):
                incident.with_user(user).write({"major_fault": False})
            with self.assertRaises(AccessError, msg=user.login):
                incident.with_user(user).write({"decision_note": "Forgiven"})
        head = incident.with_user(self.head)
        head.write({"decision_note": "Confirmed; HR applies the fine."})
        head.action_confirm()
        self.assertRecordValues(
            incident,
            [
                {
                    "state": "confirmed",
                    "decided_by_id": self.head.id,
                    "major_fault": True,
                }
            ],
        )
        self.assertFalse(incident.activity_ids)
        with self.assertRaises(UserError):
            head.write({"major_fault": False})

    def test_reps_never_see_incidents(self):
        incident = self._incident()
        for user in (self.rep_a, self.rep_b):
            with self.assertRaises(AccessError, msg=user.login):
                incident.with_user(user).read(["amount"])
            with self.assertRaises(AccessError, msg=user.login):
                self._incident(user=user)

    def test_system_fields_refused(self):
        incident = self._incident()
        for vals in (
            {"state": "confirmed"},
            {"penalty_amount": 1.0},
            {"decided_by_id": self.head.id},
        ):
            for user in (self.office_manager, self.head):
                with self.assertRaises(AccessError, msg=f"{user.login} {vals}"):
                    incident.with_user(user).write(vals)
        with self.assertRaises(AccessError):
            self._incident(state="confirmed")
        with self.assertRaises(AccessError):
            self.Incident.with_user(self.manager).browse(incident.id).unlink()

    def test_dismissal_needs_the_reason(self):
        incident = self._incident()
        incident.action_report()
        head = incident.with_user(self.head)
        with self.assertRaisesRegex(UserError, "why"):
            head.action_dismiss()
        head.write(
            {
                "decision_note": "Paid to the customer the next day.",
                "major_fault": False,
            }
        )
        head.action_dismiss()
        self.assertRecordValues(
            incident, [{"state": "dismissed", "major_fault": False}]
        )

    def test_the_person_responsible_never_decides(self):
        incident = self._incident(responsible_id=self.head.id)
        incident.action_report()
        with self.assertRaises(AccessError):
            incident.with_user(self.head).action_confirm()

    def test_incident_needs_amount_and_description(self):
        with self.assertRaises(ValidationError):
            self._incident(amount=0.0)
        incident = self._incident(description=" ")
        with self.assertRaisesRegex(UserError, "Describe"):
            incident.action_report()
