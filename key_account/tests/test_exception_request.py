# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import AE_MANAGER, CS_SUPERVISOR, SUPERVISOR
from .common_order import OrderApprovalCase


@tagged("post_install", "-at_install")
class TestExceptionRequest(OrderApprovalCase):
    """SPEC R16-R18: exceptions on documents other than orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_supervisor = new_test_user(
            cls.env,
            "ka_cs_supervisor",
            groups=(
                f"base.group_user,{SUPERVISOR},"
                "key_account.group_key_account_contract_reviewer"
            ),
        )
        cls.ae_manager = new_test_user(
            cls.env,
            "ka_ae_manager",
            groups=f"base.group_user,{SUPERVISOR},{AE_MANAGER}",
        )
        cls.document = cls._order_for_setup()

    @classmethod
    def _order_for_setup(cls):
        return cls.env["sale.order"].create({"partner_id": cls.customer.id})

    def _exception(self, rate, **vals):
        return (
            self.env["key_account.exception.request"]
            .with_user(self.rep_a)
            ._request_for(
                self.document,
                "rebate",
                rate,
                partner_id=self.customer.id,
                justification="Competitor offers the same rebate.",
                **vals,
            )
        )

    def test_level_from_the_matrix(self):
        for rate, level in ((5.0, "rep"), (7.0, "director"), (10.0, "manager")):
            with self.subTest(rate=rate):
                self.assertEqual(self._exception(rate).required_level, level)

    def test_within_rep_authority_needs_no_request(self):
        request = self._exception(4.0)
        with self.assertRaises(UserError):
            request.with_user(self.rep_a).action_submit()

    def test_ka_head_decides_and_document_can_proceed(self):
        request = self._exception(7.0, notify_user_ids=[(6, 0, self.rep_b.ids)])
        Exception = self.env["key_account.exception.request"]
        self.assertFalse(Exception._is_approved(self.document, "rebate", 7))
        request.with_user(self.rep_a).action_submit()
        self.assertEqual(request.state, "submitted")
        self.assertEqual(
            request.review_ids.definition_id,
            self.env.ref("key_account.tier_exception_ka_head"),
        )
        # R18: the CS supervisor follows, the named colleague is informed.
        followers = request.message_partner_ids
        self.assertIn(self.cs_supervisor.partner_id, followers)
        self.assertIn(self.rep_b.partner_id, followers)
        # The rep cannot decide, nor change the request any more.
        with self.assertRaises(AccessError):
            request.review_ids.with_user(self.rep_a).write({"status": "approved"})
        with self.assertRaises(UserError):
            request.with_user(self.rep_a).requested_value = 4.0
        self._approve(request, self.head)
        self.assertEqual(request.state, "approved")
        self.assertTrue(Exception._is_approved(self.document, "rebate", 7))
        self.assertFalse(Exception._is_approved(self.document, "rebate", 8))

    def test_general_manager_beyond_the_ka_head(self):
        request = self._exception(12.0)
        request.with_user(self.rep_a).action_submit()
        self._approve(request, self.head)
        self.assertEqual(request.state, "submitted")
        with self.assertRaises(AccessError):
            self._approve(request, self.head)
        self._approve(request, self.manager)
        self.assertEqual(request.state, "approved")

    def test_rejection_needs_a_reason(self):
        request = self._exception(7.0)
        request.with_user(self.rep_a).action_submit()
        self._reject(request, self.head, "Margin too thin")
        self.assertEqual(request.state, "rejected")
        self.assertEqual(request.reject_reason, "Margin too thin")

    def test_cancel_keeps_history(self):
        request = self._exception(7.0)
        request.with_user(self.rep_a).action_submit()
        request.with_user(self.rep_a).action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertFalse(request.review_ids)
        history = (
            self.env["tier.review"]
            .with_context(active_test=False)
            .search(
                [
                    ("model", "=", "key_account.exception.request"),
                    ("res_id", "=", request.id),
                ]
            )
        )
        self.assertEqual(history.status, "cancel")

    def test_other_reps_cannot_see_it(self):
        request = self._exception(7.0)
        self.assertFalse(
            self.env["key_account.exception.request"]
            .with_user(self.rep_b)
            .search([("id", "=", request.id)])
        )

    def test_form_buttons(self):
        arch = str(
            self.env["key_account.exception.request"].get_view(view_type="form")["arch"]
        )
        self.assertNotIn("restart_validation", arch)
        self.assertIn("validate_tier", arch)
        arch = str(self.env["sale.order"].get_view(view_type="form")["arch"])
        self.assertIn("action_request_approval", arch)

    # R18: the notify list
    def test_cs_supervisor_ticked_by_default(self):
        request = self._exception(7.0)
        self.assertIn(self.cs_supervisor, request.notify_user_ids)
        self.assertNotIn(self.ae_manager, request.notify_user_ids)
        self.assertNotIn(self.rep_a, request.notify_user_ids)
        # The rep unticks and adds colleagues in the draft.
        request.with_user(self.rep_a).notify_user_ids = [(6, 0, self.rep_b.ids)]
        self.assertEqual(request.notify_user_ids, self.rep_b)

    def test_ae_manager_ticked_when_an_executive_serves_the_customer(self):
        self.customer.sudo().key_account_executive_id = self.rep_b
        request = self._exception(7.0)
        self.assertEqual(request.notify_user_ids, self.cs_supervisor | self.ae_manager)
        request.with_user(self.rep_a).action_submit()
        # Both follow the request and may read it.
        self.assertIn(self.ae_manager.partner_id, request.message_partner_ids)
        self.assertTrue(
            self.env["key_account.exception.request"]
            .with_user(self.ae_manager)
            .search([("id", "=", request.id)])
        )

    def _decision_message(self, request, text):
        return request.message_ids.filtered(
            lambda m: text in str(m.body) and self.rep_a.partner_id in m.partner_ids
        )[:1]

    def test_notify_list_hears_of_the_approval(self):
        self.customer.sudo().key_account_executive_id = self.rep_b
        request = self._exception(7.0)
        request.with_user(self.rep_a).action_submit()
        self._approve(request, self.head)
        message = self._decision_message(request, "Exception approved")
        self.assertEqual(message.author_id, self.head.partner_id)
        notified = message.notification_ids.res_partner_id
        for user in (self.rep_a, self.cs_supervisor, self.ae_manager):
            self.assertIn(user.partner_id, message.partner_ids)
            self.assertIn(user.partner_id, notified)
        # Nobody here has an e-mail address: each colleague on the list gets
        # an activity in Odoo.
        self.assertFalse(self.ae_manager.email)
        self.assertEqual(
            self._decision_activities(request).user_id,
            self.cs_supervisor | self.ae_manager,
        )
        self.assertTrue(
            self.env["mail.activity"]
            .with_user(self.ae_manager)
            .search([("user_id", "=", self.ae_manager.id)])
        )

    def _decision_activities(self, request):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", request._name),
                ("res_id", "=", request.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref(
                        "key_account.mail_activity_key_account_exception_decided"
                    ).id,
                ),
            ]
        )

    def test_notify_list_hears_of_the_rejection(self):
        request = self._exception(7.0)
        request.with_user(self.rep_a).action_submit()
        self._reject(request, self.head, "Margin too thin")
        message = self._decision_message(request, "Margin too thin")
        self.assertIn(self.cs_supervisor.partner_id, message.partner_ids)
        self.assertIn(self.rep_a.partner_id, message.partner_ids)
        activity = self._decision_activities(request)
        self.assertEqual(activity.user_id, self.cs_supervisor)
        self.assertIn("Margin too thin", str(activity.note))

    def test_ae_manager_role_in_the_sales_section(self):
        group = self.env.ref(AE_MANAGER)
        self.assertEqual(
            group.category_id.parent_id, self.env.ref("base.module_category_sales")
        )
        # One group in its own category: a selection of the user form.
        self.assertEqual(
            self.env["res.groups"].search_count(
                [("category_id", "=", group.category_id.id)]
            ),
            1,
        )
        self.assertTrue(self.ae_manager.has_group(AE_MANAGER))
        self.assertTrue(self.cs_supervisor.has_group(CS_SUPERVISOR))
