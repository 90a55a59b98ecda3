# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Query counts the README promises (Performance), as budgets: each block
runs as the real role on cold record caches, ormcaches warmed by a first
run (``warmup``), and may not exceed its budget. The same budget holds for
a few and for many records (a confirmation: the same difference to a
plain customer's order for 1 line and for 10)."""

from contextlib import contextmanager
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tests.common import warmup

from ..tools import ladder_cutoffs
from .common import KeyAccountCase
from .common_order import OrderApprovalCase
from .test_commission import CommissionCase
from .test_receivables import ReceivablesCase

# Budgets (queries), as measured. Confirmation: an approved key-account
# order and a plain customer's order of 1 and of 10 lines, confirmed by the
# same rep; Odoo's part grows with the lines, key_account's (the difference)
# does not.
CONFIRM_KEY_ACCOUNT = {1: 117, 10: 207}
CONFIRM_PLAIN = {1: 97, 10: 187}
# One batch of commission generation, whatever the reconciliations in it.
COMMISSION_BATCH = 9
# The daily overdue-ladder cron, one batch, whatever the invoices in it
# (here two customers entering key monitoring: a numbered credit
# investigation each, the customers claimed first in one query; the
# notified users' addresses read once).
LADDER_RUN = 59
# An order's approval: the rep requests it; the office manager lists the
# orders to decide, opens the decision and approves through the comment
# wizard; the approvers, without e-mail addresses, are notified in Odoo.
# Before the whose-turn checks read every review of the order once, and
# users without addresses were sent e-mails: 75, 14 and 95.
APPROVAL = {"request": 48, "to_decide": 7, "decide": 53}
# A rep writing key accounts and plain partners, whatever their number.
PARTNER_WRITE_KEY_ACCOUNT = 12
PARTNER_WRITE_PLAIN = 11
# A partner list (80) of a rep and of a plain salesman.
PARTNER_SEARCH = 3


class QueryBudgetMixin:
    @contextmanager
    def _budget(self, budget, counts, chatter=True):
        """``assertQueryCount(budget)`` around the block, on cold record
        caches; the block's count is appended to ``counts``. ``chatter``
        False leaves out the hooks run at commit (Odoo's mail tracking: a
        message a record changed), as bench/run does."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        with self.assertQueryCount(budget, flush=False):
            before = self.env.cr.sql_log_count
            yield
            self.env.flush_all()
            if chatter:
                self.env.cr.flush()
            counts.append(self.env.cr.sql_log_count - before)
        self.env.cr.flush()


@tagged("post_install", "-at_install", "key_account_perf")
class TestConfirmQueries(QueryBudgetMixin, OrderApprovalCase):
    """Confirming an approved key-account order: the approval gate, credit
    exposure and overdue receivables, the agreement, the stock check (free,
    held for this customer, held for others) and the held-stock guard add
    the same queries to Odoo's confirmation for 1 line as for 10."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.key_account_agreement_required = True
        cls._active_agreement(cls.customer)
        cls.plain_customer = cls.env["res.partner"].create(
            {"name": "Plain Ltd", "is_company": True, "user_id": cls.rep_a.id}
        )
        cls.products = cls.env["product.product"].create(
            [
                {
                    "name": f"Storable {i}",
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 10.0,
                    "taxes_id": [Command.clear()],
                }
                for i in range(10)
            ]
        )
        # Free stock, stock held for the customer and for another key
        # account: every line is reserved.
        cls._make_key_account(cls.customer_b)
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        Location = cls.env["stock.location"]
        locations = (
            warehouse.lot_stock_id
            + Location._key_account_hold_location(cls.customer, warehouse)
            + Location._key_account_hold_location(cls.customer_b, warehouse)
        )
        for location in locations:
            for product in cls.products:
                cls.env["stock.quant"]._update_available_quantity(
                    product, location, 1000.0
                )

    def _quotation(self, partner, lines):
        """A quotation of ``lines`` lines totalling 50,000 (approval band
        1), created by rep A; a key account's approved as the UI does."""
        order = self._order(
            partner=partner,
            lines=[
                {"product_id": product.id, "price_unit": 50000.0 / lines}
                for product in self.products[:lines]
            ],
        )
        if partner == self.customer:
            order.with_user(self.rep_a).action_request_approval()
            self._approve(order, self.office_manager)
            self._approve(order, self.head)
            self.assertEqual(order.validation_status, "validated")
        return order

    @warmup
    def test_confirm_overhead_constant_in_lines(self):
        # Each customer's first confirmed order (the exposure reads confirmed
        # orders from the second on) and first use of the products.
        for partner in (self.customer, self.plain_customer):
            self._quotation(partner, 10).with_user(self.rep_a).action_confirm()
        extra = {}
        for lines in (1, 10):
            counts = []
            for partner, budget in (
                (self.customer, CONFIRM_KEY_ACCOUNT[lines]),
                (self.plain_customer, CONFIRM_PLAIN[lines]),
            ):
                order = self._quotation(partner, lines)
                with self._budget(budget, counts):
                    order.with_user(self.rep_a).action_confirm()
                self.assertEqual(order.state, "sale")
                self.assertEqual(order.picking_ids.state, "assigned")
            extra[lines] = counts[0] - counts[1]
        if self.warm:
            self.assertEqual(extra[1], extra[10], extra)


@tagged("post_install", "-at_install", "key_account_perf")
class TestApprovalQueries(QueryBudgetMixin, OrderApprovalCase):
    """The steps of an order's approval, as their users take them: the
    whose-turn checks read the document's reviews once, not once per
    check."""

    @warmup
    def test_request_and_decide(self):
        order = self._order(50000.0)
        counts = []
        with self._budget(APPROVAL["request"], counts):
            order.with_user(self.rep_a).action_request_approval()
        to_decide = self.env["sale.order"].with_user(self.office_manager)
        with self._budget(APPROVAL["to_decide"], counts):
            found = to_decide.search([("can_review", "=", True)])
        self.assertIn(order, found)
        with self._budget(APPROVAL["decide"], counts):
            self._approve(order, self.office_manager)
        self.assertEqual(
            order.review_ids.sorted("sequence").mapped("status"),
            ["approved", "pending"],
        )


@tagged("post_install", "-at_install", "key_account_perf")
class TestCommissionQueries(QueryBudgetMixin, CommissionCase):
    """The accountant registers one payment for 1, then for 20 invoices of
    the key account: the commission lines of the batch of reconciliations
    it makes cost the same queries."""

    @warmup
    def test_generation_constant_per_batch(self):
        Line = type(self.Line)
        generate = Line._generate
        counts = []

        # The batch of the registration's reconciliations, on cold record
        # caches as bench/run measures it.
        def counted(model, partials):
            if not partials:
                return generate(model, partials)
            with self._budget(COMMISSION_BATCH, counts):
                return generate(model, partials)

        for size in (1, 20):
            batches = len(counts)
            invoices = self.env["account.move"].concat(
                *(self._inv(1000.0 + i, taxed=False) for i in range(size))
            )
            self.env.flush_all()
            self.env.invalidate_all()
            with patch.object(Line, "_generate", counted):
                self.env["account.payment.register"].with_user(
                    self.accountant
                ).with_context(
                    active_model="account.move", active_ids=invoices.ids
                ).create({"group_payment": True})._create_payments()
            self.assertEqual(len(counts) - batches, 1, "one batch")
            self.assertEqual(set(invoices.mapped("payment_state")), {"paid"})
            self.assertEqual(
                self.Line.sudo().search_count([("move_id", "in", invoices.ids)]),
                3 * size,
            )


@tagged("post_install", "-at_install", "key_account_perf")
class TestLadderQueries(QueryBudgetMixin, ReceivablesCase):
    """The daily overdue-ladder cron, run as the scheduler runs it: a batch
    of 5 invoices entering monitoring costs what a batch of 50 does."""

    def _rising(self, day, count):
        """``count`` invoices of two new key accounts of rep A entering
        monitoring on ``day``."""
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Ladder {day} {i}",
                    "is_company": True,
                    "user_id": self.rep_a.id,
                }
                for i in range(2)
            ]
        )
        for customer in customers:
            self._make_key_account(customer)
        due = ladder_cutoffs(fields.Date.to_date(day))[0]
        return self.env["account.move"].concat(
            *(
                self._invoice(customers[i % 2], 1000.0 + i, "2025-01-01", due)
                for i in range(count)
            )
        )

    @warmup
    def test_daily_run_constant_per_batch(self):
        cron = self.env.ref("key_account.ir_cron_aging")
        self.company.key_account_aging_batch = 50
        with freeze_time("2025-03-09"):
            cron.method_direct_trigger()  # the ladder's first run
        # The first notice to the KA head has no earlier one to read.
        self._rising("2025-03-10", 5)
        with freeze_time("2025-03-10"):
            cron.method_direct_trigger()
        counts = []
        for day, count in (("2025-03-11", 5), ("2025-03-12", 50)):
            invoices = self._rising(day, count)
            with freeze_time(day), self._budget(LADDER_RUN, counts):
                cron.method_direct_trigger()
            self.assertEqual(
                set(invoices.mapped("key_account_aging_stage")), {"monitor"}
            )


@tagged("post_install", "-at_install", "key_account_perf")
class TestPartnerQueries(QueryBudgetMixin, KeyAccountCase):
    """A rep writing 1 or 10 of their key accounts (against plain partners),
    and a rep's partner list against a plain salesman's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_accounts = cls.env["res.partner"].create(
            [
                {
                    "name": f"Key Account {i}",
                    "is_company": True,
                    "user_id": cls.rep_a.id,
                    "key_account_state": "key_account",
                    "key_account_tier_id": cls.tier_c.id,
                }
                for i in range(10)
            ]
        )
        cls.plain = cls.env["res.partner"].create(
            [
                {"name": f"Plain {i}", "is_company": True, "user_id": cls.rep_a.id}
                for i in range(10)
            ]
        )
        cls.salesman = new_test_user(
            cls.env,
            "ka_plain_salesman",
            groups="base.group_user,sales_team.group_sale_salesman",
        )

    @warmup
    def test_partner_write_constant_in_records(self):
        for size in (1, 10):
            counts = []
            for partners, budget in (
                (self.key_accounts, PARTNER_WRITE_KEY_ACCOUNT),
                (self.plain, PARTNER_WRITE_PLAIN),
            ):
                with self._budget(budget, counts, chatter=False):
                    partners[:size].with_user(self.rep_a).write(
                        {"phone": f"+86 21 5555 00{size:02d}"}
                    )
                self.assertEqual(
                    set(partners[:size].mapped("phone")), {f"+86 21 5555 00{size:02d}"}
                )

    @warmup
    def test_partner_search_as_plain_salesman(self):
        counts = []
        for user in (self.rep_a, self.salesman):
            partners = self.env["res.partner"].with_user(user)
            with self._budget(PARTNER_SEARCH, counts):
                partners.search([("is_company", "=", True)], limit=80).mapped("name")
