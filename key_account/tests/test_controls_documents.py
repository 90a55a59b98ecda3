# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from . import test_receivables as receivables
from .common import DIRECTOR, HEAD, SIGNED
from .common_order import OrderApprovalCase
from .test_commission import CommissionCase


@tagged("post_install", "-at_install")
class TestControlsReviews(OrderApprovalCase):
    """Approval evidence cannot be forged: reviews are not re-pointed, the
    comment wizard decides only the user's turn on the document it names,
    and the engine's public methods respect the document's states."""

    def test_review_of_another_model_cannot_be_repointed(self):
        order = self._requested()
        decoy = (
            self.env["tier.review"]
            .with_user(self.rep_a)
            .create({"model": "res.partner", "res_id": self.customer.id})
        )
        own_review = order.review_ids[:1]
        step = self.env.ref("key_account.tier_sale_office_manager")
        for review in (decoy, own_review):
            for vals in (
                {"model": "sale.order", "res_id": order.id},
                {"model": "sale.order"},
                {"res_id": order.id},
                {"definition_id": step.id},
                {"requested_by": self.head.id},
                {"sequence": 99},
                {"active": False},
                {"reviewer_id": self.rep_a.id},
                {"key_account_escalated_group_id": self.env.ref("base.group_user").id},
            ):
                with (
                    self.subTest(review=review.model, vals=vals),
                    self.assertRaises(AccessError),
                ):
                    review.with_user(self.rep_a).write(vals)
        self.assertEqual((decoy.model, decoy.res_id), ("res.partner", self.customer.id))
        self.assertEqual(own_review.model, "sale.order")
        self.assertLessEqual(
            set(order.review_ids.mapped("status")), {"pending", "waiting"}
        )
        # A review of an unprotected model still takes its comment; the
        # order's approval still runs.
        decoy.with_user(self.rep_a).write({"comment": "note"})
        self.assertEqual(decoy.comment, "note")
        self._approve(order, self.head)
        self._approve(order, self.deputy_sd)
        self.assertEqual(order.validation_status, "validated")

    def _wizard(self, user, order, reviews, decision="validate"):
        return (
            self.env["comment.wizard"]
            .with_user(user)
            .create(
                {
                    "res_model": "sale.order",
                    "res_id": order.id,
                    "review_ids": [Command.set(reviews.ids)],
                    "validate_reject": decision,
                    "comment": "ok",
                }
            )
        )

    def test_comment_wizard_decides_only_the_users_turn(self):
        order = self._requested()
        other = self._requested()
        head_review = order.review_ids.filtered(lambda r: self.head in r.reviewer_ids)
        cases = [
            # The reviews of another order.
            (self.head, other, head_review, "validate"),
            # Neither validate nor reject.
            (self.head, order, head_review, "approve"),
            # Not the deputy's turn: the engine would decide every review.
            (self.deputy_sd, order, order.review_ids.browse(), "validate"),
            (self.deputy_sd, order, order.review_ids.browse(), "reject"),
            # The rep decides nothing on his own order.
            (self.rep_a, order, head_review, "validate"),
        ]
        for user, document, reviews, decision in cases:
            with (
                self.subTest(user=user.login, decision=decision),
                self.assertRaises(AccessError),
            ):
                self._wizard(user, document, reviews, decision).add_comment()
        wizard = self._wizard(self.head, order, head_review)
        wizard.res_id = self._order().id + 1000
        with self.assertRaises(AccessError):
            wizard.add_comment()
        self.assertEqual(set(order.review_ids.mapped("status")), {"pending", "waiting"})
        self.assertEqual(set(other.review_ids.mapped("status")), {"pending", "waiting"})
        # The engine's own wizard, empty list included: the head's turn only.
        self._wizard(self.head, order, order.review_ids.browse()).add_comment()
        self.assertEqual(head_review.status, "approved")
        self.assertEqual(head_review.comment, "ok")
        self.assertEqual((order.review_ids - head_review).status, "pending")
        self.assertNotEqual(order.validation_status, "validated")

    def test_no_approval_requested_outside_the_states(self):
        order = self._order(500000.0, partner=self.customer_b, user=self.rep_b)
        order.with_user(self.rep_b).action_confirm()
        self.assertEqual(order.state, "sale")
        # Approval becomes required: nobody asks it for a confirmed order by
        # passing the engine's context key.
        self.company.key_account_approval_scope = "all"
        with self.assertRaises(AccessError) as err:
            order.with_user(self.rep_b).with_context(
                skip_check_state_condition=True
            ).action_request_approval()
        self.assertIn("in the states that need it", str(err.exception))
        self.assertFalse(order.with_context(active_test=False).review_ids)
        # A quotation's approval is requested as before.
        quotation = self._order(500000.0, partner=self.customer_b, user=self.rep_b)
        quotation.with_user(self.rep_b).with_context(
            skip_check_state_condition=True
        ).action_request_approval()
        self.assertTrue(quotation.review_ids)
        self.assertIn(quotation.validation_status, ("waiting", "pending"))

    def test_restart_keeps_the_history(self):
        order = self._requested()
        self._approve(order, self.head)
        approved = order.review_ids
        # Withdrawn half-way (a fully approved quotation has nothing left to
        # withdraw): the decided step stays approved, the other closes.
        order.with_user(self.rep_a).restart_validation()
        self.assertFalse(order.review_ids)
        self.assertEqual(
            sorted(approved.exists().mapped("status")), ["approved", "cancel"]
        )
        self.assertEqual(len(approved.exists()), 2)
        with self.assertRaises(AccessError):
            approved.with_user(self.rep_a).unlink()
        request = self.env["key_account.writeoff.request"]
        with self.assertRaises(UserError):
            request.with_user(self.rep_a).restart_validation()


@tagged("post_install", "-at_install")
class TestControlsSettlement(CommissionCase):
    """SPEC R36: the KA head approves a commission settlement, never its
    beneficiary; its bill follows the settlement, not the other way round."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second_head = cls._user("ka_second_head", DIRECTOR, HEAD)

    def _settlements(self, user=None):
        user = user or self.rep_a
        invoice = self._inv(1000.0, taxed=False, invoice_user_id=user.id)
        self._pay(invoice, 1000.0)
        return self.env["key_account.settlement"]._key_account_settle(
            fields.Date.today()
        )

    def test_ka_head_approves_never_the_beneficiary(self):
        settlements = self._settlements()
        rep_a = settlements.filtered(lambda s: s.user_id == self.rep_a)
        # A director who is not the KA head, the beneficiary, accounting.
        for user in (self.deputy_sd, self.sd, self.rep_a, self.accountant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                rep_a.with_user(user).action_approve()
        self.assertEqual(rep_a.state, "draft")
        rep_a.with_user(self.head).action_approve()
        self.assertEqual(rep_a.state, "approved")
        self.assertEqual(rep_a.approved_by_id, self.head)
        # The KA head's own commission: another KA head approves it.
        own = self._settlements(self.head).filtered(lambda s: s.user_id == self.head)
        self.assertTrue(own)
        with self.assertRaises(AccessError):
            own.with_user(self.head).action_approve()
        own.with_user(self.second_head).action_approve()
        self.assertEqual(own.state, "approved")

    def test_delegate_of_the_ka_head(self):
        settlements = self._settlements()
        rep_b = settlements.filtered(lambda s: s.user_id == self.rep_b)
        today = fields.Date.today()
        self.company.key_account_delegation_same_level = False
        self.env["key_account.delegation"].with_user(self.head).create(
            {
                "user_id": self.head.id,
                "delegate_id": self.deputy_sd.id,
                "date_from": today,
                "date_to": today,
                "reason": "Business trip",
                "authorization": SIGNED,
            }
        )
        rep_b.with_user(self.deputy_sd).action_approve()
        self.assertEqual(rep_b.state, "approved")
        self.assertIn("on behalf of", str(rep_b.message_ids[:1].body))
        # Not for the delegating head's own settlement.
        own = self._settlements(self.head).filtered(lambda s: s.user_id == self.head)
        with self.assertRaises(AccessError):
            own.with_user(self.deputy_sd).action_approve()
        self.assertEqual(own.state, "draft")

    def test_bill_follows_the_settlement(self):
        settlement = self._settlements().filtered(lambda s: s.user_id == self.rep_a)
        settlement.with_user(self.head).action_approve()
        with self.assertRaises(AccessError):
            settlement.with_user(self.rep_a).action_cancel()
        settlement.with_user(self.accountant).action_create_bill()
        bill = settlement.bill_id.with_user(self.accountant)
        with self.assertRaises(UserError) as err:
            bill.unlink()
        self.assertIn("cancel the settlement first", str(err.exception))
        for action in ("button_cancel", "button_draft"):
            with self.subTest(action=action), self.assertRaises(UserError):
                getattr(bill, action)()
        with self.assertRaises(UserError):
            bill.write({"state": "cancel"})
        bill.action_post()
        for action in ("button_cancel", "button_draft"):
            with self.subTest(action=action), self.assertRaises(UserError):
                getattr(bill, action)()
        with self.assertRaises(UserError):
            bill.write({"state": "draft"})
        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=bill.ids)
            .create({"journal_id": bill.journal_id.id, "reason": "mistake"})
        )
        with self.assertRaises(UserError):
            reversal.refund_moves()
        self.assertEqual((settlement.state, bill.state), ("billed", "posted"))
        self.assertEqual(set(settlement.line_ids.mapped("state")), {"settled"})
        # The settlement's own path back: the posted bill is reversed.
        lines = settlement.line_ids
        settlement.with_user(self.accountant).action_cancel()
        self.assertEqual(settlement.state, "cancelled")
        self.assertEqual(settlement.bill_id, bill)
        self.assertEqual(bill.payment_state, "reversed")
        self.assertEqual(set(lines.mapped("state")), {"to_settle"})
        self.assertFalse(lines.settlement_id)
        with self.assertRaises(UserError):
            settlement.with_user(self.accountant).action_cancel()

    def test_bill_pays_what_was_approved(self):
        settlement = self._settlements().filtered(lambda s: s.user_id == self.rep_a)
        settlement.with_user(self.head).action_approve()
        settlement.with_user(self.accountant).action_create_bill()
        bill = settlement.bill_id.with_user(self.accountant)
        amount = bill.amount_total
        for vals in (
            {"partner_id": self.accountant.partner_id.id},
            {
                "invoice_line_ids": [
                    Command.update(bill.invoice_line_ids[0].id, {"price_unit": 99999.0})
                ]
            },
        ):
            with self.assertRaises(UserError), self.cr.savepoint():
                bill.write(vals)
        with self.assertRaises(UserError), self.cr.savepoint():
            bill.invoice_line_ids[0].write({"price_unit": 12345.0})
        bill.action_post()
        self.assertEqual(bill.amount_total, amount)
        self.assertEqual(bill.partner_id, settlement.partner_id)

    def test_paid_bill_cancels_nothing(self):
        settlement = self._settlements().filtered(lambda s: s.user_id == self.rep_a)
        settlement.with_user(self.head).action_approve()
        settlement.with_user(self.accountant).action_create_bill()
        settlement.bill_id.with_user(self.accountant).action_post()
        self._pay(settlement.bill_id, settlement.amount_total)
        with self.assertRaises(UserError):
            settlement.with_user(self.accountant).action_cancel()
        self.assertEqual(settlement.state, "billed")


@tagged("post_install", "-at_install")
class TestControlsWriteoff(receivables.WriteoffCase):
    """SPEC R42: the proof of a write-off is the approved request; its entry
    is linked and undone only through it."""

    def _entry_vals(self, **vals):
        receivable = self.old.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).account_id
        return dict(
            {
                "move_type": "entry",
                "journal_id": self.journal.id,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": receivable.id,
                            "partner_id": self.customer.id,
                            "credit": 50000.0,
                        }
                    ),
                    Command.create({"account_id": self.bad_debt.id, "debit": 50000.0}),
                ],
            },
            **vals,
        )

    def _receivable(self, move):
        return move.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )

    def test_no_forged_proof_of_writeoff(self):
        draft = self._request(self.old, 50000.0)
        moves = self.env["account.move"].with_user(self.accountant)
        for vals in (
            {"reversed_entry_id": self.old.id},
            {"key_account_writeoff_id": draft.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                moves.create(self._entry_vals(**vals))
        entry = moves.create(self._entry_vals())
        for vals in (
            {"reversed_entry_id": self.old.id},
            {"key_account_writeoff_id": draft.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                entry.write(vals)
        with self.assertRaises(AccessError):
            self.old.with_user(self.accountant).write(
                {"reversal_move_ids": [Command.link(entry.id)]}
            )
        entry.action_post()
        with self.assertRaises(UserError):
            (self._receivable(self.old) | self._receivable(entry)).reconcile()
        self.assertEqual(self.old.payment_state, "not_paid")
        # The approved request posts and reconciles its own entry.
        request = self._approved()
        request.with_user(self.accountant).action_post()
        self.assertEqual(request.move_id.key_account_writeoff_id, request)
        self.assertEqual(self.old.payment_state, "paid")

    def test_posted_writeoff_entry_is_only_reversed(self):
        request = self._approved()
        request.with_user(self.accountant).action_post()
        entry = request.move_id.with_user(self.accountant)
        with self.assertRaises(AccessError):
            entry.write({"key_account_writeoff_id": False})
        for action in ("button_draft", "button_cancel", "unlink"):
            with self.subTest(action=action), self.assertRaises(UserError):
                getattr(entry, action)()
        with self.assertRaises(UserError):
            entry.write({"state": "draft"})
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.key_account_writeoff_id, request)
        # Undone by reversing it; the reversal stays.
        action = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=entry.ids)
            .create({"journal_id": entry.journal_id.id, "reason": "error"})
            .refund_moves()
        )
        self.assertEqual(request.state, "reversed")
        reversal = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(reversal.reversed_entry_id, entry)
        for action in ("button_draft", "button_cancel", "unlink"):
            with self.subTest(reversal=action), self.assertRaises(UserError):
                getattr(reversal.with_user(self.accountant), action)()

    # Documents the workflow generated pay and record what it approved:
    # reversed once, files and history kept.

    def _reverse(self, move, user):
        return (
            self.env["account.move.reversal"]
            .with_user(user)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"journal_id": move.journal_id.id, "reason": "error"})
            .refund_moves()
        )

    def test_writeoff_entry_reversed_once_by_accounting_managers(self):
        billing = self._user("ka_ctl_billing", "account.group_account_invoice")
        request = self._approved()
        request.with_user(self.accountant).action_post()
        entry = self.env["account.move"].browse(request.sudo().move_id.id)
        self.assertTrue(entry.key_account_writeoff_id)
        with self.assertRaisesRegex(AccessError, "Only accounting managers"):
            self._reverse(entry, billing)
        action = self._reverse(entry, self.accountant)
        reversal = self.env["account.move"].browse(action["res_id"])
        with self.assertRaisesRegex(UserError, "reversed once"):
            self._reverse(entry, self.accountant)
        with self.assertRaisesRegex(UserError, "reversed once"):
            self._reverse(reversal, self.accountant)
        self.assertEqual(len(entry.reversal_move_ids), 1)

    def test_files_and_history_of_a_submitted_request_are_kept(self):
        request = self._request(self.old, 50000.0)
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.rep_a)
            .create(
                {
                    "name": "evidence.pdf",
                    "raw": b"%PDF-1.4 evidence",
                    "res_model": request._name,
                    "res_id": request.id,
                }
            )
        )
        own = request.with_user(self.rep_a).message_post(
            body="Called the customer", message_type="comment"
        )
        request.with_user(self.rep_a).action_submit()
        self.assertEqual(request.state, "submitted")
        with self.assertRaises(AccessError):
            attachment.with_user(self.rep_a).write({"raw": b"%PDF-1.4 changed"})
        with self.assertRaises(AccessError):
            attachment.with_user(self.rep_a).unlink()
        with self.assertRaises(AccessError):
            request.with_user(self.rep_a).message_post(
                body="Approved (KA head)", author_id=self.head.partner_id.id
            )
        note = request.message_ids.filtered(lambda m: m.message_type != "comment")[:1]
        self.assertTrue(note)
        with self.assertRaises(AccessError):
            note.with_user(self.rep_a).unlink()
        own.with_user(self.rep_a).unlink()
        self.assertFalse(own.exists())
        self.assertTrue(attachment.exists())
