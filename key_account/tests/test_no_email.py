# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo.tests import tagged

from .common_order import OrderApprovalCase


@tagged("post_install", "-at_install")
class TestUsersWithoutEmail(OrderApprovalCase):
    """Internal users without an e-mail address submit, approve, reject and
    own the records the scheduled actions work on (KeyAccountCase gives
    none of its users an address)."""

    def setUp(self):
        super().setUp()
        for user in (self.rep_a, self.office_manager, self.head, self.deputy_sd):
            self.assertFalse(user.email, "the fixture's users have no e-mail")

    def _authored_by(self, record, user):
        return record.sudo().message_ids.filtered(
            lambda m: m.author_id == user.partner_id
        )

    def test_rep_submits_approvers_approve_and_reject(self):
        order = self._order(250000.0)
        order.with_user(self.rep_a).action_request_approval()
        self.assertEqual(len(order.review_ids), 2)
        self._approve(order, self.head)
        # The KA head's step is approved (by him), the deputy's still waits.
        approved = order.review_ids.filtered(lambda r: r.status == "approved")
        self.assertEqual(approved.done_by, self.head)
        self.assertEqual((order.review_ids - approved).mapped("status"), ["pending"])
        self._reject(order, self.deputy_sd, "Volume too small for this price")
        self.assertEqual(order.validation_status, "rejected")
        decisions = self._authored_by(order, self.deputy_sd)
        self.assertTrue(decisions)
        # The message keeps its author; the sender address is the company's,
        # under the author's name.
        self.assertIn(self.deputy_sd.name, decisions[0].email_from)
        self.assertIn(self.company.email, decisions[0].email_from)
        # The rep withdraws the rejected request and asks again.
        order.with_user(self.rep_a).restart_validation()
        order.with_user(self.rep_a).action_request_approval()
        self._approve(order, self.head)
        self._approve(order, self.deputy_sd)
        self.assertEqual(order.validation_status, "validated")
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_approvers_notified_in_odoo_without_an_address(self):
        """The step's reviewers hear of the order waiting for them: in Odoo
        without an address, by e-mail with one (their preference)."""
        self.deputy_sd.partner_id.email = "deputy@example.com"
        order = self._order(250000.0)
        order.with_user(self.rep_a).action_request_approval()

        def notified(user):
            self.env.flush_all()  # as at the end of the request
            return (
                self.env["mail.notification"]
                .search(
                    [
                        ("res_partner_id", "=", user.partner_id.id),
                        ("mail_message_id.model", "=", "sale.order"),
                        ("mail_message_id.res_id", "=", order.id),
                    ]
                )
                .mapped("notification_type")
            )

        self.assertEqual(self.head.notification_type, "email")
        self.assertEqual(notified(self.head), ["inbox"])
        self._approve(order, self.head)
        self.assertEqual(notified(self.deputy_sd), ["email"])

    def test_requests_submitted_and_decided(self):
        exception = self._exception_request()
        exception.with_user(self.rep_a).action_submit()
        self.assertEqual(exception.state, "submitted")
        first = exception.review_ids.sorted("sequence")[0]
        self.assertIn(self.head, first.reviewer_ids)
        self._reject(exception, self.head, "No volume")
        self.assertEqual(exception.state, "rejected")
        self.assertTrue(self._authored_by(exception, self.rep_a))
        customer = self.env["res.partner"].create(
            {"name": "Gamma Ltd", "is_company": True, "user_id": self.rep_a.id}
        )
        request = self._submitted_request(customer)
        self._approve(request, self.office_manager)
        self._approve(request, self.head)
        self.assertEqual(request.state, "approved")
        self.assertTrue(customer.is_key_account)

    def test_assigning_a_colleague_notifies_without_addresses(self):
        """Odoo tells a user he was assigned a record; the one assigning it
        has no address either."""
        rule = (
            self.env["key_account.commission.rule"]
            .with_user(self.head)
            .create({"name": "Rep A", "user_id": self.rep_a.id, "rate": 7.0})
        )
        notices = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", rule._name),
                    ("res_id", "=", rule.id),
                    ("message_type", "=", "user_notification"),
                ]
            )
        )
        self.assertIn(self.rep_a.partner_id, notices.partner_ids)
        self.assertEqual(notices.author_id, self.head.partner_id)

    def test_crons_run_for_owners_without_addresses(self):
        # Work for the scheduled actions: an invoice overdue for months on
        # the rep's customer, a review pending for a week.
        self._invoice(
            self.customer,
            50000.0,
            fields.Date.add(fields.Date.today(), months=-8),
            fields.Date.add(fields.Date.today(), months=-7),
            invoice_user_id=self.rep_a.id,
            team_id=self.team.id,
        )
        order = self._order(250000.0)
        order.with_user(self.rep_a).action_request_approval()
        self.env.flush_all()
        review = order.review_ids.sorted("sequence")[0].sudo()
        self.assertEqual(review.status, "pending")
        review.key_account_pending_since = fields.Datetime.subtract(
            fields.Datetime.now(), days=30
        )
        crons = self.env["ir.cron"].browse(
            self.env["ir.model.data"]
            .search([("module", "=", "key_account"), ("model", "=", "ir.cron")])
            .mapped("res_id")
        )
        self.assertGreater(len(crons), 10)
        for cron in crons:
            with self.subTest(cron=cron.name):
                # As the scheduler runs it: its user (OdooBot, as shipped).
                cron.ir_actions_server_id.with_user(cron.user_id).run()
                self.env.flush_all()
        monitor = self.env.ref("key_account.mail_activity_key_account_monitor")
        self.assertTrue(
            self.env["mail.activity"]
            .sudo()
            .search(
                [("activity_type_id", "=", monitor.id), ("user_id", "=", self.rep_a.id)]
            )
        )
        self.assertTrue(review.key_account_escalated_group_id)
        self.assertIn("escalated", str(order.sudo().message_ids[0].body))
