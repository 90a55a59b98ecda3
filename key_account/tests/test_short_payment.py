# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_receivables import WriteoffCase


@tagged("post_install", "-at_install")
class TestShortPayment(WriteoffCase):
    """SPEC R16, R17 (short payment written off): a key account paying less
    than its invoice leaves the difference open; its write-off is an
    exception request, written off by the write-off machinery once the
    authority the matrix names approves it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = cls._user("ka_billing", "account.group_account_invoice")
        cls.short_account = cls._account(
            "Short payments", "660200", "key_account_short_payment_account_id"
        )
        today = fields.Date.today()
        cls.invoice = cls._invoice_for_setup(
            40000.0, today, fields.Date.add(today, days=30)
        )

    def _wizard(self, amount, user=None, **vals):
        return (
            self.env["account.payment.register"]
            .with_user(user or self.billing)
            .with_context(active_model="account.move", active_ids=self.invoice.ids)
            .create(dict({"amount": amount}, **vals))
        )

    def _register_short(self, amount, user=None):
        wizard = self._wizard(
            amount,
            user,
            payment_difference_handling="open",
            key_account_request_writeoff=True,
            key_account_writeoff_reason="Customer deducted a damaged delivery.",
        )
        self.assertEqual(wizard.key_account_short_payment_invoice_id, self.invoice)
        wizard.action_create_payments()
        return self._requests()

    def _requests(self):
        return self.env["key_account.exception.request"].search(
            [
                ("document_model", "=", "account.move"),
                ("document_id", "=", self.invoice.id),
                ("exception_type", "=", "short_payment"),
            ]
        )

    def test_ka_head_approves_and_the_difference_is_written_off(self):
        request = self._register_short(38500.0)
        # The payment is registered, the difference stays open.
        self.assertEqual(self.invoice.payment_state, "partial")
        self.assertEqual(self.invoice.amount_residual, 1500.0)
        self.assertRecordValues(
            request,
            [
                {
                    "state": "submitted",
                    "amount": 1500.0,
                    "requested_value": 3.75,
                    "required_level": "director",
                    "partner_id": self.customer.id,
                    "document_name": self.invoice.display_name,
                    "requester_id": self.billing.id,
                    "writeoff_id": False,
                }
            ],
        )
        self.assertEqual(
            request.review_ids.definition_id,
            self.env.ref("key_account.tier_exception_ka_head"),
        )
        # Nobody but the authority decides it.
        for user in (self.billing, self.rep_a):
            with self.assertRaises(AccessError):
                self._approve(request, user)
        self._approve(request, self.head)
        self.assertEqual(request.state, "approved")
        writeoff = request.writeoff_id
        self.assertRecordValues(
            writeoff,
            [
                {
                    "state": "posted",
                    "classification": "short_payment",
                    "amount": 1500.0,
                    "exception_request_id": request.id,
                    "requester_id": self.billing.id,
                }
            ],
        )
        self.assertEqual(writeoff.invoice_ids, self.invoice)
        self.assertEqual(self.invoice.amount_residual, 0.0)
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))
        debit = writeoff.move_id.line_ids.filtered("debit")
        self.assertEqual(debit.account_id, self.short_account)
        self.assertEqual(debit.debit, 1500.0)
        # Negative revenue of the invoice's rep, as any write-off.
        adjustment = self.env["key_account.revenue.adjustment"].search(
            [("writeoff_id", "=", writeoff.id)]
        )
        self.assertRecordValues(
            adjustment, [{"amount": -1500.0, "user_id": self.rep_a.id}]
        )

    def test_beyond_the_ka_heads_limit_the_general_manager(self):
        request = self._register_short(37000.0)  # 7.5 % of the invoice
        self.assertEqual(request.required_level, "manager")
        self._approve(request, self.head)
        self.assertEqual(request.state, "submitted")
        self.assertEqual(self.invoice.amount_residual, 3000.0)
        self._approve(request, self.manager)
        self.assertEqual(request.state, "approved")
        self.assertEqual(self.invoice.amount_residual, 0.0)

    def test_rejected_difference_stays_open(self):
        request = self._register_short(38500.0)
        self._reject(request, self.head, "Collect it with the next order")
        self.assertEqual(request.state, "rejected")
        self.assertFalse(request.writeoff_id)
        self.assertEqual(self.invoice.amount_residual, 1500.0)

    def test_the_request_needs_a_reason_and_an_open_difference(self):
        wizard = self._wizard(
            38500.0,
            payment_difference_handling="open",
            key_account_request_writeoff=True,
        )
        with self.assertRaises(UserError):
            wizard.action_create_payments()
        wizard.key_account_writeoff_reason = "Deduction"
        wizard.payment_difference_handling = "reconcile"
        wizard.writeoff_account_id = self.short_account
        with self.assertRaises(UserError):
            wizard.action_create_payments()
        self.assertEqual(self.invoice.amount_residual, 40000.0)
        self.assertFalse(self._requests())
        # Paid in full: nothing to request.
        self.assertFalse(self._wizard(40000.0).key_account_short_payment_invoice_id)

    def test_rpc_cannot_write_the_difference_off_without_approval(self):
        """Whatever an RPC caller sends, the difference stays open until the
        exception is approved."""
        # "Mark as fully paid" with a write-off account: refused.
        wizard = self._wizard(
            38500.0,
            payment_difference_handling="reconcile",
            writeoff_account_id=self.short_account.id,
            writeoff_label="Short payment",
        )
        with self.assertRaises(UserError):
            wizard.action_create_payments()
        request = self._register_short(38500.0)
        Exception = self.env["key_account.exception.request"]
        # The request's decision and write-off link are the system's.
        for user in (self.billing, self.rep_a):
            for vals in (
                {"state": "approved"},
                {"writeoff_id": request.id},
                {"requested_value": 0.5},
            ):
                with self.assertRaises(UserError):
                    request.with_user(user).write(vals)
        with self.assertRaises(AccessError):
            Exception.with_user(self.billing).create(
                {
                    "exception_type": "short_payment",
                    "partner_id": self.customer.id,
                    "amount": 1500.0,
                    "justification": "Deduction",
                    "state": "approved",
                }
            )
        # A write-off request of the difference, as a user: never approved
        # by itself, and refused at submission for a short payment.
        with self.assertRaises(AccessError):
            self.env["key_account.writeoff.request"].with_user(self.rep_a).create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(self.invoice.ids)],
                    "amount": 1500.0,
                    "classification": "short_payment",
                    "reason": "Deduction",
                    "state": "approved",
                }
            )
        writeoff = (
            self.env["key_account.writeoff.request"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(self.invoice.ids)],
                    "amount": 1500.0,
                    "classification": "short_payment",
                    "reason": "Deduction",
                }
            )
        )
        with self.assertRaises(UserError) as err:
            writeoff.with_user(self.rep_a).action_submit()
        self.assertIn("exception request", str(err.exception))
        # A plain entry cannot settle the difference either.
        entry = (
            self.env["account.move"]
            .with_user(self.accountant)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": self.journal.id,
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": self.short_account.id,
                                "debit": 1500.0,
                                "partner_id": self.customer.id,
                            }
                        ),
                        Command.create(
                            {
                                "account_id": self.invoice.line_ids.filtered(
                                    lambda line: line.account_type == "asset_receivable"
                                ).account_id.id,
                                "credit": 1500.0,
                                "partner_id": self.customer.id,
                            }
                        ),
                    ],
                }
            )
        )
        entry.action_post()
        receivables = (self.invoice | entry).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        with self.assertRaises(UserError):
            receivables.with_user(self.accountant).reconcile()
        self.assertEqual(request.state, "submitted")
        self.assertEqual(self.invoice.amount_residual, 1500.0)

    def test_settings_are_checked_at_submission(self):
        self.company.key_account_short_payment_account_id = False
        wizard = self._wizard(
            38500.0,
            payment_difference_handling="open",
            key_account_request_writeoff=True,
            key_account_writeoff_reason="Deduction",
        )
        with self.assertRaises(UserError) as err:
            wizard.action_create_payments()
        self.assertIn("Short-Payment Account", str(err.exception))
        # Refused before the payment is made.
        self.assertEqual(self.invoice.amount_residual, 40000.0)
