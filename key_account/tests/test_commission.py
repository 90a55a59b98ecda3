# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from . import test_receivables as receivables
from .common_order import OrderApprovalCase


class CommissionCase(OrderApprovalCase):
    """A key account served by rep A with rep B as account executive, a 5 %
    default commission rule set by the KA head, invoices and payments made
    by an accountant."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls._user(
            "ka_comm_accountant", "account.group_account_invoice"
        )
        cls.customer.with_user(cls.head).key_account_executive_id = cls.rep_b
        cls.company.key_account_head_user_id = cls.head
        cls.rule = (
            cls.env["key_account.commission.rule"]
            .with_user(cls.head)
            .create({"name": "Default", "rate": 5.0})
        )
        cls.tax = cls.env["account.tax"].create(
            {"name": "VAT 13 %", "amount": 13.0, "type_tax_use": "sale"}
        )
        cls.commission_account = cls._account(
            "Commissions", "660200", "key_account_commission_account_id"
        )
        cls.Line = cls.env["key_account.commission.line"]

    def _inv(self, untaxed, taxed=True, move_type="out_invoice", **vals):
        values = {
            "move_type": move_type,
            "partner_id": self.customer.id,
            "invoice_user_id": self.rep_a.id,
            "invoice_date": fields.Date.today(),
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": self.product.id,
                        "quantity": 1,
                        "price_unit": untaxed,
                        "tax_ids": [Command.set(self.tax.ids if taxed else [])],
                    }
                )
            ],
        }
        values.update(vals)
        move = self.env["account.move"].with_user(self.accountant).create(values)
        move.action_post()
        return move

    def _pay(self, move, amount, **vals):
        return (
            self.env["account.payment.register"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(dict({"amount": amount}, **vals))
            ._create_payments()
        )

    def _totals(self, move, origin="collection"):
        """{(kind, role): amount} over every line of ``move``."""
        totals = {}
        for line in self.Line.sudo().search(
            [("move_id", "=", move.id), ("origin", "=", origin)]
        ):
            key = (line.kind, line.role)
            totals[key] = round(totals.get(key, 0.0) + line.amount, 2)
        return {k: v for k, v in totals.items() if v}


@tagged("post_install", "-at_install")
class TestCommissionLines(CommissionCase):
    """SPEC R27, R29, R31, R33: lines on what is actually collected."""

    def test_spec_example(self):
        """113,000 collected, rate 5 %, rebate 3 %, an executive."""
        invoice = self._inv(100000.0, key_account_rebate_rate=3.0)
        self.assertEqual(invoice.amount_total, 113000.0)
        self.assertEqual(invoice.key_account_executive_id, self.rep_b)
        self._pay(invoice, 113000.0)
        # Default base: the untaxed share.
        self.assertEqual(
            self._totals(invoice),
            {
                ("commission", "rep"): 3500.0,
                ("commission", "executive"): 1500.0,
                ("allowance", "rep"): 2000.0,
                ("rebate", "customer"): 3000.0,
            },
        )
        lines = self.Line.sudo().search([("move_id", "=", invoice.id)])
        self.assertEqual(
            lines.filtered(lambda line: line.role == "executive").user_id, self.rep_b
        )
        self.assertEqual(set(lines.mapped("base_amount")), {100000.0})
        # The literal reading: taxes included.
        self.company.key_account_commission_base = "taxed"
        invoice = self._inv(100000.0, key_account_rebate_rate=3.0)
        self._pay(invoice, 113000.0)
        self.assertEqual(
            self._totals(invoice),
            {
                ("commission", "rep"): 3955.0,
                ("commission", "executive"): 1695.0,
                ("allowance", "rep"): 2260.0,
                ("rebate", "customer"): 3390.0,
            },
        )

    def test_partial_payments_never_lose_a_cent(self):
        full = self._inv(333.33)
        self._pay(full, full.amount_total)
        expected = self._totals(full)
        self.assertEqual(expected[("commission", "rep")], 11.67)
        parted = self._inv(333.33)
        first = round(parted.amount_total * 0.4, 2)
        self._pay(parted, first)
        self.assertEqual(
            self.Line.sudo().search_count([("move_id", "=", parted.id)]), 3
        )
        self._pay(parted, parted.amount_residual)
        self.assertEqual(parted.payment_state, "paid")
        self.assertEqual(self._totals(parted), expected)
        self.assertEqual(
            self.Line.sudo().search_count([("move_id", "=", parted.id)]), 6
        )

    def test_rep_and_executive_come_from_the_invoice(self):
        invoice = self._inv(1000.0, taxed=False)
        # The customer changes executive after invoicing (the KA head may).
        self.customer.with_user(self.head).with_context(
            key_account_reason="Rep B left"
        ).key_account_executive_id = self.office_manager
        self._pay(invoice, 1000.0)
        lines = self.Line.sudo().search([("move_id", "=", invoice.id)])
        self.assertEqual(
            set(lines.mapped("user_id").ids), {self.rep_a.id, self.rep_b.id}
        )

    def test_no_executive_rep_takes_all(self):
        self.customer.with_user(self.head).with_context(
            key_account_reason="Served alone"
        ).key_account_executive_id = False
        invoice = self._inv(1000.0, taxed=False)
        self._pay(invoice, 1000.0)
        self.assertEqual(
            self._totals(invoice),
            {("commission", "rep"): 50.0, ("allowance", "rep"): 20.0},
        )

    def test_rules_by_rep_category_and_special_rate(self):
        category = self.env["product.category"].create({"name": "Paper"})
        sub = self.env["product.category"].create(
            {"name": "Coated", "parent_id": category.id}
        )
        self.product.categ_id = sub
        rules = self.env["key_account.commission.rule"].with_user(self.head)
        rules.create({"name": "Paper", "categ_id": category.id, "rate": 3.0})
        rules.create({"name": "Rep A", "user_id": self.rep_a.id, "rate": 7.0})
        with self.assertRaises(ValidationError):
            rules.create({"name": "Too much", "rate": 12.0})
        invoice = self._inv(1000.0, taxed=False)
        self._pay(invoice, 1000.0)
        self.assertEqual(self._totals(invoice)[("commission", "rep")], 49.0)  # 7 %
        special = self._inv(1000.0, taxed=False, key_account_commission_rate=2.0)
        self._pay(special, 1000.0)
        self.assertEqual(self._totals(special)[("commission", "rep")], 14.0)

    def test_unreconcile_reverses_and_rerun_is_idempotent(self):
        invoice = self._inv(1000.0, taxed=False)
        payment = self._pay(invoice, 1000.0)
        partials = invoice.line_ids.matched_credit_ids
        self.assertFalse(self.Line._generate(partials))
        before = self.Line.sudo().search_count([])
        payment.with_user(self.accountant).action_draft()
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(self._totals(invoice), {})
        reversals = self.Line.sudo().search(
            [("move_id", "=", invoice.id), ("is_reversal", "=", True)]
        )
        self.assertEqual(len(reversals), 3)
        self.assertEqual(self.Line.sudo().search_count([]), before + 3)

    def test_credit_note_is_no_collection_refund_payment_is(self):
        invoice = self._inv(1000.0, taxed=False)
        refund = invoice._reverse_moves(
            [{"invoice_date": fields.Date.today()}], cancel=True
        )
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertFalse(self.Line.sudo().search([("move_id", "in", invoice.ids)]))
        # Paid, then refunded with money back: the refund's payment
        # takes the commission back.
        invoice = self._inv(1000.0, taxed=False)
        self._pay(invoice, 1000.0)
        refund = invoice.with_user(self.accountant)._reverse_moves(
            [{"invoice_date": fields.Date.today()}]
        )
        refund.with_user(self.accountant).action_post()
        self._pay(refund, 1000.0)
        self.assertEqual(
            self._totals(refund),
            {
                ("commission", "rep"): -35.0,
                ("commission", "executive"): -15.0,
                ("allowance", "rep"): -20.0,
            },
        )

    def test_foreign_currency_at_the_invoice_rate(self):
        usd = self.env.ref("base.USD")
        eur = self.env.ref("base.EUR")
        foreign = eur if self.company.currency_id == usd else usd
        foreign.active = True
        self.env["res.currency.rate"].create(
            [
                {
                    "name": fields.Date.add(fields.Date.today(), days=-10),
                    "rate": 0.5,
                    "currency_id": foreign.id,
                },
                {
                    "name": fields.Date.today(),
                    "rate": 0.25,
                    "currency_id": foreign.id,
                },
            ]
        )
        invoice = self._inv(
            1000.0,
            taxed=False,
            currency_id=foreign.id,
            invoice_date=fields.Date.add(fields.Date.today(), days=-5),
        )
        self.assertEqual(invoice.amount_untaxed_signed, 2000.0)
        self._pay(invoice, 400.0, currency_id=foreign.id)
        self._pay(invoice, 600.0, currency_id=foreign.id)
        self.assertEqual(invoice.payment_state, "paid")
        # 5 % of 2,000 (company currency at the invoice rate); the exchange
        # difference is no collection.
        self.assertEqual(
            self._totals(invoice),
            {
                ("commission", "rep"): 70.0,
                ("commission", "executive"): 30.0,
                ("allowance", "rep"): 40.0,
            },
        )


@tagged("post_install", "-at_install")
class TestCommissionInsert(CommissionCase):
    """Lines are inserted in one statement; it stores what the ORM's create
    would, for every stored field, and gives way to an overridden create."""

    def _vals(self, invoice, ref, **extra):
        return {
            "kind": "commission",
            "role": "rep",
            "partner_id": self.customer.id,
            "user_id": self.rep_a.id,
            "move_id": invoice.id,
            "allocation_ref": ref,
            "amount": 12.5,
            "rate": 5.123456,
            "date": fields.Date.today(),
            "company_id": self.company.id,
            **extra,
        }

    def test_insert_stores_every_stored_field_as_create_does(self):
        invoice = self._inv(1000.0)
        stored = {
            name
            for name, field in self.Line._fields.items()
            if field.store and name != "id" and name not in models.LOG_ACCESS_COLUMNS
        }
        # Every stored field is a column of the statement (none added by
        # another addon is skipped), and the statement is used.
        self.assertEqual(set(self.Line._insert_columns() or ()), stored)
        inserted = self.Line._insert_lines([self._vals(invoice, 9001)])
        created = self.Line.sudo().create(self._vals(invoice, 9002))
        self.env.invalidate_all()
        for name in stored - {"allocation_ref"}:
            self.assertEqual(inserted[name], created[name], name)
        self.assertEqual(inserted.origin, "collection")
        self.assertEqual(inserted.state, "to_settle")
        self.assertEqual(inserted.rate, 5.1235)

    def test_overridden_create_is_called(self):
        invoice = self._inv(1000.0)
        Line = type(self.Line)
        original = Line.create
        calls = []

        def create(model, vals_list):
            calls.append(len(vals_list))
            return original(model, vals_list)

        with patch.object(Line, "create", create):
            self.assertIsNone(self.Line._insert_columns())
            lines = self.Line._insert_lines(
                [self._vals(invoice, 9003), self._vals(invoice, 9004)]
            )
        self.assertEqual(calls, [2])
        self.assertEqual(len(lines), 2)


@tagged("post_install", "-at_install")
class TestCommissionSecurity(CommissionCase):
    def test_reps_read_only_their_own_lines(self):
        invoice = self._inv(1000.0, taxed=False)
        self._pay(invoice, 1000.0)
        other = self.env["res.partner"].create(
            {"name": "Other KA", "is_company": True, "user_id": self.office_manager.id}
        )
        self._make_key_account(other)
        foreign = self._inv(
            1000.0,
            taxed=False,
            partner_id=other.id,
            invoice_user_id=self.office_manager.id,
        )
        self._pay(foreign, 1000.0)
        mine = self.Line.with_user(self.rep_a).search([])
        self.assertTrue(mine)
        self.assertEqual(mine.user_id, self.rep_a)
        self.assertEqual(
            set(self.Line.with_user(self.accountant).search([]).move_id.ids),
            {invoice.id, foreign.id},
        )
        line = mine[0]
        with self.assertRaises(AccessError):
            line.with_user(self.rep_a).write({"amount": 1000.0})
        with self.assertRaises(AccessError):
            self.Line.with_user(self.rep_a).create(
                {
                    "kind": "commission",
                    "role": "rep",
                    "partner_id": self.customer.id,
                    "move_id": invoice.id,
                    "allocation_ref": 1,
                    "date": fields.Date.today(),
                    "company_id": self.company.id,
                    "amount": 1000.0,
                }
            )
        with self.assertRaises(AccessError):
            line.with_user(self.accountant).write({"amount": 1000.0})

    def test_reps_cannot_raise_commission_terms(self):
        draft = (
            self.env["account.move"]
            .with_user(self.accountant)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_user_id": self.rep_a.id,
                }
            )
        )
        for vals in (
            {"key_account_commission_rate": 9.0},
            {"key_account_rebate_rate": 9.0},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                draft.with_user(self.rep_a).write(vals)
        with self.assertRaises(UserError):
            self.env["account.move"].with_user(self.rep_a).create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "key_account_commission_rate": 9.0,
                }
            )
        draft.with_user(self.accountant).key_account_commission_rate = 4.0
        self.assertEqual(draft.key_account_commission_rate, 4.0)

    def test_rules_are_the_ka_heads(self):
        with self.assertRaises(AccessError):
            self.env["key_account.commission.rule"].with_user(self.rep_a).create(
                {"name": "Mine", "rate": 10.0}
            )
        with self.assertRaises(AccessError):
            self.rule.with_user(self.rep_a).rate = 10.0


@tagged("post_install", "-at_install")
class TestExecutiveLock(CommissionCase):
    """SPEC R30: once the executive earned a line, only the KA head changes
    the split, with a reason."""

    def test_lock_after_first_line(self):
        # Before any commission the customer's team may still change it.
        self.customer.with_user(
            self.head
        ).key_account_executive_id = self.office_manager
        self.customer.with_user(self.head).key_account_executive_id = self.rep_b
        invoice = self._inv(1000.0, taxed=False)
        self._pay(invoice, 1000.0)
        with self.assertRaises(UserError):
            self.customer.with_user(
                self.head
            ).key_account_executive_id = self.office_manager
        with self.assertRaises(AccessError):
            self.customer.with_user(self.rep_a).with_context(
                key_account_reason="I prefer to work alone"
            ).key_account_executive_id = False
        self.assertTrue(self.customer.key_account_executive_locked)
        self.assertEqual(
            self.customer.with_user(self.rep_a).key_account_commission_count, 2
        )
        wizard = (
            self.env["key_account.executive.change"]
            .with_user(self.head)
            .create(
                {
                    "partner_id": self.customer.id,
                    "executive_id": self.office_manager.id,
                    "reason": "Rep B left the company",
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(self.customer.key_account_executive_id, self.office_manager)
        self.assertIn(
            "Rep B left the company",
            self.customer.message_ids[:1].body,
        )
        self.assertEqual(invoice.key_account_executive_id, self.rep_b)


@tagged("post_install", "-at_install")
class TestSettlement(CommissionCase):
    """SPEC R36: monthly settlement, KA head approval, vendor bill."""

    def test_settle_approve_bill_cancel(self):
        invoice = self._inv(1000.0, taxed=False)
        self._pay(invoice, 1000.0)
        wizard = (
            self.env["key_account.settlement.wizard"]
            .with_user(self.accountant)
            .create({"date_to": fields.Date.today()})
        )
        with self.assertRaises(UserError):
            wizard.with_user(self.rep_a).action_settle()
        wizard.action_settle()
        settlements = self.env["key_account.settlement"].search(
            [("line_ids.move_id", "=", invoice.id)]
        )
        self.assertEqual(
            {(s.user_id, s.amount_total) for s in settlements},
            {(self.rep_a, 35.0), (self.rep_b, 15.0)},
        )
        # Allowance and rebates are no commission to bill.
        self.assertEqual(set(settlements.line_ids.mapped("kind")), {"commission"})
        # Nothing settles twice.
        with self.assertRaises(UserError):
            wizard.action_settle()
        rep_a = settlements.filtered(lambda s: s.user_id == self.rep_a)
        self.assertEqual(
            self.env["key_account.settlement"].with_user(self.rep_a).search([]),
            rep_a,
        )
        for user in (self.rep_a, self.accountant):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                rep_a.with_user(user).action_approve()
        with self.assertRaises(AccessError):
            rep_a.with_user(self.head).write({"state": "approved"})
        with self.assertRaises(UserError):
            rep_a.with_user(self.accountant).action_create_bill()
        rep_a.with_user(self.head).action_approve()
        with self.assertRaises(UserError):
            rep_a.with_user(self.head).action_create_bill()
        rep_a.with_user(self.accountant).action_create_bill()
        bill = rep_a.bill_id
        self.assertRecordValues(
            bill,
            [
                {
                    "move_type": "in_invoice",
                    "partner_id": self.rep_a.partner_id.id,
                    "amount_total": 35.0,
                    "state": "draft",
                }
            ],
        )
        self.assertEqual(bill.invoice_line_ids.account_id, self.commission_account)
        self.assertEqual(set(rep_a.line_ids.mapped("state")), {"settled"})
        # Cancel while the bill is a draft: the lines are free again.
        rep_a.with_user(self.accountant).action_cancel()
        self.assertFalse(bill.exists())
        self.assertEqual(set(rep_a.line_ids.mapped("state")), set())
        lines = self.Line.sudo().search(
            [
                ("move_id", "=", invoice.id),
                ("role", "=", "rep"),
                ("kind", "=", "commission"),
            ]
        )
        self.assertEqual(lines.state, "to_settle")

    def test_executive_mobile_allowance_billed_to_department_expenses(self):
        """SPEC R32: each account executive's 100 a month for mobile costs is
        billed to them on its own and charged to the KA department's
        expense account, once a month; it is no commission."""
        department = self._account("KA department expenses", "660900")
        Move = self.env["account.move"]
        # Without the department's account nothing is billed, nothing fails.
        with self.assertLogs(
            "odoo.addons.key_account.models.account_move_mobile_allowance", "WARNING"
        ):
            self.assertFalse(Move._cron_key_account_mobile_allowance())
        self.company.key_account_department_expense_account_id = department
        bills = Move._cron_key_account_mobile_allowance()
        self.assertFalse(Move._cron_key_account_mobile_allowance(), "once a month")
        self.assertRecordValues(
            bills,
            [
                {
                    "move_type": "in_invoice",
                    "state": "draft",
                    "partner_id": self.rep_b.partner_id.id,
                    "amount_total": 100.0,
                    "key_account_allowance_user_id": self.rep_b.id,
                    "key_account_allowance_month": fields.Date.today().replace(day=1),
                }
            ],
        )  # reps earn no mobile allowance: rep A is not an executive
        self.assertEqual(bills.invoice_line_ids.account_id, department)
        self.assertFalse(self.Line.sudo().search([("origin", "=", "monthly")]))
        self.assertFalse(
            self.env["key_account.settlement"]._key_account_settle(fields.Date.today()),
            "nothing to settle as commission",
        )
        # The scheduled action of older databases bills the same way.
        self.assertFalse(self.Line._cron_key_account_mobile_allowance())
        with freeze_time(fields.Date.add(fields.Date.today(), months=1)):
            self.assertEqual(
                Move._cron_key_account_mobile_allowance().partner_id,
                self.rep_b.partner_id,
            )
        self.assertEqual(
            Move.search_count([("key_account_allowance_user_id", "=", self.rep_b.id)]),
            2,
        )

    def test_posted_bill_locks_lines_corrections_are_new_lines(self):
        invoice = self._inv(1000.0, taxed=False)
        payment = self._pay(invoice, 1000.0)
        settlements = self.env["key_account.settlement"]._key_account_settle(
            fields.Date.today()
        )
        for settlement in settlements:
            settlement.with_user(self.head).action_approve()
            settlement.with_user(self.accountant).action_create_bill()
            settlement.bill_id.with_user(self.accountant).action_post()
        # The posted bill stays: only cancelling the settlement reverses it.
        with self.assertRaises(UserError):
            settlements[0].bill_id.with_user(self.accountant).button_draft()
        settled = settlements.line_ids
        with self.assertRaises(UserError):
            settled[0].sudo().write({"amount": 0.0})
        # The invoice is cancelled after settlement: its payment is undone.
        payment.with_user(self.accountant).action_draft()
        self.assertEqual(set(settled.mapped("state")), {"settled"})
        self.assertEqual(self._totals(invoice), {})
        corrections = self.Line.sudo().search(
            [
                ("move_id", "=", invoice.id),
                ("state", "=", "to_settle"),
                ("kind", "=", "commission"),
            ]
        )
        self.assertEqual(sorted(corrections.mapped("amount")), [-35.0, -15.0])


@tagged("post_install", "-at_install")
class TestCommissionWriteoff(receivables.WriteoffCase):
    """SPEC R43: a write-off is no collection; a setting deducts its
    commission."""

    @classmethod
    def _before_old_invoice(cls):
        cls.customer.with_user(cls.head).key_account_executive_id = cls.rep_b

    def _post(self, amount):
        self.env["key_account.commission.rule"].with_user(self.head).create(
            {"name": "Default", "rate": 5.0}
        )
        request = self._approved(amount)
        request.with_user(self.accountant).action_post()
        return (
            self.env["key_account.commission.line"]
            .sudo()
            .search([("move_id", "=", self.old.id)])
        )

    def test_writeoff_earns_nothing(self):
        self.assertFalse(self._post(50000.0))

    def test_setting_deducts_commission(self):
        self.company.key_account_writeoff_deducts_commission = True
        lines = self._post(20000.0)
        self.assertEqual(
            sorted((line.role, line.amount, line.origin) for line in lines),
            [("executive", -300.0, "writeoff"), ("rep", -700.0, "writeoff")],
        )


@tagged("post_install", "-at_install")
class TestRebatePayout(CommissionCase):
    """SPEC R33, R34: rebates accrue on collections; a payout request is
    approved by the role the rate needs, then billed in full."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rebate_account = cls._account(
            "Rebates", "660300", "key_account_rebate_account_id"
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Ms Li", "parent_id": cls.customer.id}
        )

    def _accrued(self, rate):
        invoice = self._inv(1000.0, taxed=False, key_account_rebate_rate=rate)
        self._pay(invoice, 1000.0)
        return self.Line.with_user(self.rep_a).search(
            [("move_id", "=", invoice.id), ("kind", "=", "rebate")]
        )

    def _request(self, lines, payee=None):
        wizard = (
            self.env["key_account.rebate.payout"]
            .with_user(self.rep_a)
            .with_context(active_model=lines._name, active_ids=lines.ids)
            .create({"payee_id": payee and payee.id})
        )
        action = wizard.action_request()
        return self.env["key_account.settlement"].browse(action["res_id"])

    def test_rep_level_paid_in_full_to_a_contact(self):
        lines = self._accrued(3.0)
        self.assertEqual(lines.amount, 30.0)
        self.assertFalse(
            self.Line.with_user(self.rep_b).search([("id", "in", lines.ids)])
        )
        payout = self._request(lines, self.contact)
        self.assertRecordValues(
            payout,
            [
                {
                    "kind": "rebate",
                    "customer_id": self.customer.id,
                    "partner_id": self.contact.id,
                    "amount_total": 30.0,
                    "required_level": "rep",
                }
            ],
        )
        with self.assertRaises(UserError):
            self._request(lines)  # already requested
        with self.assertRaises(UserError):
            payout.with_user(self.rep_b).action_approve()
        payout.with_user(self.rep_a).action_approve()
        payout.with_user(self.accountant).action_create_bill()
        self.assertRecordValues(
            payout.bill_id,
            [{"partner_id": self.contact.id, "amount_total": 30.0}],
        )
        self.assertEqual(
            payout.bill_id.invoice_line_ids.account_id, self.rebate_account
        )
        self.assertEqual(lines.state, "settled")

    def test_level_follows_the_rate(self):
        head_lines = self._accrued(7.0)
        payout = self._request(head_lines)
        self.assertEqual(payout.required_level, "director")
        with self.assertRaises(UserError):
            payout.with_user(self.rep_a).action_approve()
        payout.with_user(self.head).action_approve()
        self.assertEqual(payout.state, "approved")
        manager_lines = self._accrued(12.0)
        payout = self._request(manager_lines)
        self.assertEqual(payout.required_level, "manager")
        with self.assertRaises(UserError):
            payout.with_user(self.head).action_approve()
        payout.with_user(self.manager).action_approve()
        self.assertEqual(payout.state, "approved")

    def test_unpaid_rebates_listed_to_the_ka_head_once(self):
        self._accrued(3.0)
        cron = self.env["key_account.commission.line"]._cron_key_account_unpaid_rebates
        activity_type = self.env.ref(
            "key_account.mail_activity_key_account_rebate_unpaid"
        )
        domain = [
            ("res_model", "=", "res.partner"),
            ("res_id", "=", self.customer.id),
            ("activity_type_id", "=", activity_type.id),
        ]
        cron()
        self.assertFalse(self.env["mail.activity"].search(domain))
        with freeze_time(fields.Date.add(fields.Date.today(), days=61)):
            cron()
            cron()
        activity = self.env["mail.activity"].search(domain)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.head)


@tagged("post_install", "-at_install")
class TestExpenseClaim(CommissionCase):
    """SPEC R31, R32, R37: claims drawn on the rep's expense allowance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expense_account = cls._account(
            "Sales expenses", "660400", "key_account_expense_account_id"
        )
        cls.receipt = cls.env["ir.attachment"].create(
            {"name": "receipt.pdf", "raw": b"%PDF-1.4 receipt"}
        )

    def _claim(self, amount, user=None, **vals):
        return (
            self.env["key_account.expense.claim"]
            .with_user(user or self.rep_a)
            .create(
                dict(
                    {
                        "partner_id": self.customer.id,
                        "expense_type": "entertainment",
                        "amount": amount,
                        "description": "Dinner after the annual review",
                        "receipt_ids": [Command.set(self.receipt.ids)],
                    },
                    **vals,
                )
            )
        )

    def _balance(self):
        return sum(
            self.Line.with_user(self.rep_a)
            .search([("kind", "=", "allowance")])
            .mapped("amount")
        )

    @freeze_time("2026-11-20")
    def test_window_and_receipt(self):
        claim = self._claim(10.0)
        with self.assertRaises(UserError) as err:
            claim.with_user(self.rep_a).action_submit()
        self.assertIn("from the 25th to the 30th", str(err.exception))
        with self.assertRaises(AccessError):
            claim.with_user(self.rep_a).action_open_window()
        claim.with_user(self.head).action_open_window()
        claim.with_user(self.rep_a).action_submit()
        self.assertEqual(claim.state, "submitted")
        with freeze_time("2026-11-26"):
            no_receipt = self._claim(10.0, receipt_ids=[])
            with self.assertRaises(UserError):
                no_receipt.with_user(self.rep_a).action_submit()
        with freeze_time("2026-12-31"):
            late = self._claim(10.0)
            with self.assertRaises(UserError):
                late.with_user(self.rep_a).action_submit()
        with freeze_time("2027-02-28"):
            short_month = self._claim(10.0)
            short_month.with_user(self.rep_a).action_submit()
            self.assertEqual(short_month.state, "submitted")

    @freeze_time("2026-11-26")
    def test_within_balance_office_manager_above_ka_head(self):
        invoice = self._inv(1000.0, taxed=False)
        self._pay(invoice, 1000.0)
        self.assertEqual(self._balance(), 20.0)
        claim = self._claim(15.0)
        claim.with_user(self.rep_a).action_submit()
        self.assertFalse(claim.above_balance)
        with self.assertRaises(AccessError):
            self._approve(claim, self.rep_a)  # not their own claim
        with self.assertRaises(UserError):
            claim.with_user(self.rep_a).write({"state": "approved"})
        self._approve(claim, self.office_manager)
        self.assertEqual(claim.state, "approved")
        self.assertEqual(self._balance(), 5.0)
        above = self._claim(30.0)
        above.with_user(self.rep_a).action_submit()
        self.assertTrue(above.above_balance)
        self.assertEqual(above.balance, 5.0)
        with self.assertRaises(AccessError):
            self._approve(above, self.office_manager)
        self._approve(above, self.head)
        self.assertEqual(self._balance(), -25.0)
        # Accounting reimburses the claimant.
        with self.assertRaises(AccessError):
            claim.with_user(self.rep_a).action_create_bill()
        claim.with_user(self.accountant).action_create_bill()
        self.assertRecordValues(
            claim.bill_id,
            [
                {
                    "move_type": "in_invoice",
                    "partner_id": self.rep_a.partner_id.id,
                    "amount_total": 15.0,
                }
            ],
        )
        self.assertEqual(claim.state, "billed")

    @freeze_time("2026-11-26")
    def test_executive_claim_needs_the_reps_consent_first(self):
        claim = self._claim(10.0, user=self.rep_b, expense_type="executive")
        self.assertTrue(claim.is_executive_claim)
        self.assertEqual(claim.rep_id, self.rep_a)
        claim.with_user(self.rep_b).action_submit()
        self.assertTrue(claim.above_balance)  # nothing accrued yet
        with self.assertRaises(AccessError):
            self._approve(claim, self.head)  # not before the rep consents
        self._approve(claim, self.rep_a)
        self._approve(claim, self.head)
        self.assertEqual(claim.state, "approved")
        self.assertEqual(claim.line_id.user_id, self.rep_a)
        self.assertEqual(claim.line_id.amount, -10.0)


@tagged("post_install", "-at_install")
class TestCommissionAnalysisViews(CommissionCase):
    """The analysis adds up only what adds up: commissions, not the bases
    the rep's and the executive's lines share, nor rates."""

    def test_only_amounts_add_up(self):
        Line = self.env["key_account.commission.line"].with_user(self.head)
        aggregators = {
            name: spec.get("aggregator")
            for name, spec in Line.fields_get(
                ["base_amount", "rate", "amount"], ["aggregator"]
            ).items()
        }
        self.assertEqual(
            aggregators, {"base_amount": None, "rate": None, "amount": "sum"}
        )
        rule_rate = self.env["key_account.commission.rule"].fields_get(
            ["rate"], ["aggregator"]
        )["rate"]
        self.assertFalse(rule_rate.get("aggregator"))

    def test_rates_with_two_decimals_and_one_name(self):
        arch = self.env.ref("key_account.key_account_commission_line_view_list").arch
        self.assertIn(
            '<field name="rate" digits="[16, 2]"/>', arch.replace(" />", "/>")
        )
        menu = self.env.ref("key_account.menu_key_account_commission_lines")
        self.assertEqual(menu.action.name, menu.name)
