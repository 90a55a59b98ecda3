# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from . import test_receivables as receivables
from .common import SIGNED
from .common_order import OrderApprovalCase

BLANKS = ("", "   ", "\t\n", "\u3000\u3000")


@tagged("post_install", "-at_install")
class TestApprovalDecisions(OrderApprovalCase):
    """SPEC R13: approving may go without a comment, rejecting gives its
    reason; the checks hold on the server, whatever the dialog shows."""

    def _wizard(self, record, user, method, comment=None):
        action = getattr(record.with_user(user), method)()
        self.assertEqual(action["res_model"], "comment.wizard")
        vals = {} if comment is None else {"comment": comment}
        return (
            self.env["comment.wizard"]
            .with_user(user)
            .with_context(**action["context"])
            .create(vals)
        )

    def test_approval_without_comment(self):
        order = self._requested()
        wizard = self._wizard(order, self.head, "validate_tier")
        self.assertFalse(wizard.key_account_comment_required)
        wizard.add_comment()
        review = order.review_ids.sorted("sequence")[0]
        self.assertEqual(review.status, "approved")
        self.assertFalse(review.comment)
        self._approve(order, self.deputy_sd, comment="  Fine by me ")
        self.assertEqual(order.validation_status, "validated")
        self.assertEqual(order.review_ids.sorted("sequence")[1].comment, "Fine by me")

    def test_rejection_needs_a_reason_that_is_not_blank(self):
        order = self._requested()
        for blank in BLANKS:
            with self.subTest(comment=blank):
                wizard = self._wizard(order, self.head, "reject_tier", blank)
                self.assertTrue(wizard.key_account_comment_required)
                with self.assertRaises(ValidationError):
                    wizard.add_comment()
        self.assertEqual(order.validation_status, "pending")
        self._reject(order, self.head, "  Price below the floor  ")
        self.assertEqual(order.validation_status, "rejected")
        rejected = order.review_ids.filtered(lambda r: r.status == "rejected")
        self.assertEqual(rejected.comment, "Price below the floor")

    def test_one_click_approval_when_the_step_asks_no_comment(self):
        """A step configured without comment approves in one click; its
        rejection still opens the dialog that asks for the reason."""
        (
            self.env.ref("key_account.tier_sale_ka_head")
            | self.env.ref("key_account.tier_sale_deputy_sd")
        ).has_comment = False
        order = self._requested()
        self.assertFalse(order.with_user(self.head).validate_tier())
        self.assertEqual(order.review_ids.sorted("sequence")[0].status, "approved")
        action = order.with_user(self.deputy_sd).reject_tier()
        self.assertEqual(action["context"]["default_validate_reject"], "reject")
        self.assertEqual(order.validation_status, "pending")
        wizard = self._wizard(order, self.deputy_sd, "reject_tier", " ")
        with self.assertRaises(ValidationError):
            wizard.add_comment()
        self._reject(order, self.deputy_sd, "Margin too thin")
        self.assertEqual(order.validation_status, "rejected")

    def test_requests_rejected_with_a_blank_reason_are_refused(self):
        request = self._exception_request()
        request.with_user(self.rep_a).action_submit()
        reviewer = self.head
        self.assertIn(reviewer, request.review_ids.sorted("sequence")[0].reviewer_ids)
        wizard = self._wizard(request, reviewer, "reject_tier", "   ")
        with self.assertRaises(ValidationError):
            wizard.add_comment()
        self.assertEqual(request.state, "submitted")
        self._reject(request, reviewer, "No volume behind it")
        self.assertEqual(request.state, "rejected")
        self.assertEqual(request.reject_reason, "No volume behind it")

    def test_next_step_named_once(self):
        order = self._requested()
        first = order.review_ids.sorted("sequence")[0]
        self.assertEqual(order.key_account_next_step, first.name)
        with self.assertRaises(AccessError) as err:
            order.with_user(self.deputy_sd).validate_tier()
        message = str(err.exception)
        self.assertIn(f"(next step: {first.name})", message)
        self.assertNotIn("Next:", message)

    def test_required_reasons_are_not_blank(self):
        """Each reason is refused blank and taken with words (the control
        shows the refusal is the reason's, not another check's)."""
        makers = {
            "justification": lambda text: self._exception_request(justification=text),
            "credit exception": lambda text: self._exception_request(
                exception_type="credit_over_limit", justification=text
            ),
            "delegation": lambda text: (
                self.env["key_account.delegation"]
                .with_user(self.deputy_sd)
                .create(
                    {
                        "user_id": self.deputy_sd.id,
                        "delegate_id": self.sd.id,
                        "date_from": fields.Date.today(),
                        "date_to": fields.Date.today(),
                        "reason": text,
                        "authorization": SIGNED,
                    }
                )
            ),
            "executive change": lambda text: (
                self.env["key_account.executive.change"]
                .with_user(self.head)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "executive_id": self.rep_b.id,
                        "reason": text,
                    }
                )
            ),
        }
        for name, make in makers.items():
            for blank in BLANKS:
                with self.subTest(field=name, text=blank):
                    with self.assertRaises(ValidationError):
                        make(blank)
            with self.subTest(field=name, text="words"):
                self.assertTrue(make("Agreed with the customer in writing"))
        request = self._exception_request()
        with self.assertRaises(ValidationError):
            request.with_user(self.rep_a).justification = "  "
        self.assertEqual(request.justification, "Yearly volume")


@tagged("post_install", "-at_install")
class TestWriteoffReason(receivables.WriteoffCase):
    """The reason of a write-off is words (SPEC R41)."""

    def test_blank_reason_refused(self):
        for blank in BLANKS:
            with self.subTest(text=blank), self.assertRaises(ValidationError):
                self.env["key_account.writeoff.request"].with_user(self.rep_a).create(
                    {
                        "partner_id": self.customer.id,
                        "invoice_ids": [Command.set(self.old.ids)],
                        "amount": 1000.0,
                        "reason": blank,
                    }
                )
        request = self._request(self.old, 1000.0)
        self.assertTrue(request)
        with self.assertRaises(UserError):
            request.with_user(self.rep_a).reason = "\u3000"
        self.assertEqual(request.reason, "Customer insolvent, liquidation opened.")


@tagged("post_install", "-at_install")
class TestApprovalScreens(OrderApprovalCase):
    """The quotation's approval screens: one list of reviews, the
    requester's side withdraws, the addon's own words."""

    def test_withdraw_by_the_requesters_side_only(self):
        order = self._order(250000.0)  # band 2: KA head, then deputy SD
        order.with_user(self.rep_a).action_request_approval()
        self.assertTrue(order.with_user(self.rep_a).key_account_can_withdraw)
        # The office manager holds no step of this order: the office's side.
        self.assertTrue(order.with_user(self.office_manager).key_account_can_withdraw)
        for approver in (self.head, self.deputy_sd):
            with self.subTest(approver=approver.login):
                self.assertFalse(order.with_user(approver).key_account_can_withdraw)
                with self.assertRaises(AccessError):
                    order.with_user(approver).restart_validation()
        self.assertEqual(order.validation_status, "pending")
        self._approve(order, self.head)
        self._approve(order, self.deputy_sd)
        self.assertFalse(order.with_user(self.rep_a).key_account_can_withdraw)
        with self.assertRaises(UserError):
            order.with_user(self.rep_a).restart_validation()
        self.assertEqual(order.validation_status, "validated")

    def test_form_lists_the_reviews_once_in_own_words(self):
        arch = (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .get_view(self.env.ref("sale.view_order_form").id, "form")["arch"]
        )
        if isinstance(arch, bytes):
            arch = arch.decode()
        self.assertNotIn('widget="tier_validation"', arch)
        self.assertIn('name="key_account_review_history_ids"', arch)
        self.assertNotIn("Operation has been", arch)
        self.assertIn("Waiting for approval.", arch)
        self.assertIn('name="key_account_next_step"', arch)
        self.assertIn('string="Decided By"', arch)
        self.assertIn('string="Expected Reviewers"', arch)
        self.assertIn('name="key_account_status"', arch)
        self.assertIn('invisible="not key_account_can_withdraw"', arch)

    def test_history_decision_in_own_words(self):
        order = self._order(250000.0)
        order.with_user(self.rep_a).action_request_approval()
        self._reject(order, self.head, "Too low")
        history = order.with_user(self.rep_a).key_account_review_history_ids
        self.assertEqual(
            sorted(history.mapped("key_account_status")), ["cancel", "rejected"]
        )
        labels = dict(
            self.env["tier.review"].fields_get(["key_account_status"])[
                "key_account_status"
            ]["selection"]
        )
        self.assertEqual(labels["cancel"], "Closed undecided")

    def test_approval_steps_in_own_words(self):
        Definition = self.env["tier.definition"].with_user(
            self.env.ref("base.user_admin")
        )
        labels = dict(
            Definition.fields_get(["key_account_review_type"])[
                "key_account_review_type"
            ]["selection"]
        )
        self.assertEqual(labels["group"], "A member of an approval role")
        self.assertNotIn("Any user in a specific group", labels.values())
        for view_type in ("list", "form"):
            arch = Definition.get_view(view_type=view_type)["arch"]
            if isinstance(arch, bytes):
                arch = arch.decode()
            self.assertIn('name="key_account_review_type"', arch)
        step = self.env.ref("key_account.tier_sale_deputy_sd")
        self.assertEqual(step.key_account_review_type, step.review_type)
        step.key_account_review_type = "individual"
        self.assertEqual(step.review_type, "individual")
