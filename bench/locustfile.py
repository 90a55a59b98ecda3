"""The scenario of ``bench/load``: a working day of the seeded users
(``load_seed.py``) over JSON-RPC, with OdooLocust's users (odoolib).

Environment: LOAD_PORT (Odoo's HTTP port on 127.0.0.1), LOAD_DATABASE,
LOAD_KEY_ACCOUNT=1 for the database with key_account, LOAD_TIME (seconds
measured). The statistics start once every user has logged in and warmed
up (each Odoo worker checks a user's password once, slowly by design); the
run stops LOAD_TIME seconds later.

Without key_account the same users do the same work minus its key-account
steps: no approval request nor approval (office managers read the
quotations instead), no visit nor expense claim, no settlement; directors
read Odoo's sales analysis and receivables instead of the KPI and aging
reports; the administrator reads the scheduled actions without running any.

Each RPC is one request in Locust's statistics, named "model : method".
"""

import base64
import collections
import datetime
import functools
import itertools
import logging
import os
import random
import time
import types

import gevent
import httpx
from load_seed import ROLES, login
from locust import between, constant, task
import odoolib.tools
from OdooLocust.OdooLocustUser import OdooLocustUser

# odoolib posts with httpx's default timeout of 5 s: a request queued
# behind busy workers waits longer, as a browser does.
odoolib.tools.httpx = types.SimpleNamespace(
    post=functools.partial(httpx.post, timeout=300)
)
logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request
_logger = logging.getLogger("load")

DATABASE = os.environ["LOAD_DATABASE"]
KEY_ACCOUNT = os.environ.get("LOAD_KEY_ACCOUNT") == "1"
MEASURED = float(os.environ.get("LOAD_TIME", "60"))
RECEIPT = base64.b64encode(b"%PDF-1.4 taxi receipt").decode()
# Scheduled actions the administrator runs in turn during the load: the
# overdue ladder, the commission settlement, the tier suggestion.
CRONS = (
    "key_account.ir_cron_aging",
    "key_account.ir_cron_settlement",
    "key_account.ir_cron_tier_suggestion",
)
# Candidates a user picks one from, as from the first page of a list.
PAGE = 20
# The number of each Locust user in its class; the users ready.
_TURNS = collections.defaultdict(itertools.count)
_READY = []


def _now(delta_hours=0):
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=delta_hours)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class Odoo(OdooLocustUser):
    abstract = True
    host = "127.0.0.1"
    port = int(os.environ.get("LOAD_PORT", "8069"))
    database = DATABASE
    protocol = "jsonrpc"
    wait_time = between(1, 3)
    role = None

    def on_start(self):
        self.turn = next(_TURNS[type(self).__name__])
        if self.role:  # the role's Odoo users in turn
            number = self.turn % ROLES[self.role] + 1
            self.login = self.password = login(self.role, number)
        super().on_start()
        self.uid = self.client.user_id
        # Each HTTP worker checks the password once per user: these calls
        # reach every worker before the statistics start.
        for _ in range(4):
            self.call("res.users", "context_get")
        _READY.append(self)
        runner = self.environment.runner
        if len(_READY) == runner.target_user_count:
            self.environment.stats.reset_all()
            # load_report.py reads the server's log from here on.
            _logger.warning("LOAD measured from %s", time.strftime("%Y-%m-%d %H:%M:%S"))
            gevent.spawn_later(MEASURED, runner.quit)

    def call(self, model, method, *args, **kwargs):
        # The RPC named in the query string (Odoo ignores it): the access
        # log then tells the server's queries and time of each kind.
        connector = self.client.connector
        connector.url = f"{connector.url.split('?')[0]}?{model}:{method}"
        return self.client.get_service("object").execute_kw(
            DATABASE, self.uid, self.password, model, method, list(args), kwargs
        )

    def pick(self, model, domain, own=False):
        """One record id of ``domain`` among the first page of this user's
        share: the users of a role split the work by record id, as an
        office does, rather than two of them taking the same document;
        ``own``: a queue of the Odoo user's own (orders of a rep, reviews
        of an office manager), split between the Locust users logged in
        as that one only."""
        count = self.environment.runner.user_classes_count[type(self).__name__]
        index = self.turn
        if own:
            logins = ROLES[self.role]
            index, count = (
                self.turn // logins,
                len(range(index % logins, count, logins)),
            )
        ids = [
            id_
            for id_ in self.call(model, "search", domain, limit=PAGE * count)
            if id_ % count == index % count
        ]
        return random.choice(ids[:PAGE]) if ids else None

    def decide(self, model, own):
        """Approve a document waiting for this user, through the comment
        wizard as the form's Approve button does; ``own``: reviews of this
        user alone (the office manager of the rep's team), else of a group
        (the KA heads)."""
        record = self.pick(model, [("can_review", "=", True)], own=own)
        if not record:
            return
        action = self.call(model, "validate_tier", [record])
        if isinstance(action, dict) and action.get("res_model") == "comment.wizard":
            context = action["context"]
            wizard = self.call(
                "comment.wizard", "create", {"comment": "Agreed"}, context=context
            )
            self.call("comment.wizard", "add_comment", [wizard], context=context)


class Rep(Odoo):
    weight = 10
    role = "rep"

    def on_start(self):
        super().on_start()
        self.customers = self.call(
            "res.partner",
            "search",
            [("user_id", "=", self.uid), ("name", "like", "Load Customer")],
        )
        self.products = self.call(
            "product.product", "search", [("name", "like", "Load Product")]
        )

    @task(4)
    def quote(self):
        """A quotation of one to three lines (approval band 1); with
        key_account, its approval requested."""
        lines = [
            (0, 0, {"product_id": product, "product_uom_qty": random.randint(1, 20)})
            for product in random.sample(self.products, random.randint(1, 3))
        ]
        order = self.call(
            "sale.order",
            "create",
            {"partner_id": random.choice(self.customers), "order_line": lines},
        )
        if KEY_ACCOUNT:
            self.call("sale.order", "action_request_approval", [order])

    @task(3)
    def confirm(self):
        domain = [("user_id", "=", self.uid), ("state", "=", "draft")]
        if KEY_ACCOUNT:
            domain.append(("validation_status", "=", "validated"))
        order = self.pick("sale.order", domain, own=True)
        if order:
            self.call("sale.order", "action_confirm", [order])

    @task(2)
    def orders(self):
        self.call(
            "sale.order",
            "web_search_read",
            [("user_id", "=", self.uid)],
            {"name": {}, "partner_id": {}, "amount_total": {}, "state": {}},
            limit=80,
        )

    @task(2)
    def visit(self):
        """Register a go-out before leaving, or report a visit made."""
        if not KEY_ACCOUNT:
            return
        past = random.random() < 0.5
        start, stop = (-3, -2) if past else (20, 21)
        values = {
            "partner_id": random.choice(self.customers),
            "user_id": self.uid,
            "planned_start": _now(start),
            "planned_stop": _now(stop),
            "purpose": "Negotiate the renewal prices for next quarter",
        }
        if past:
            values.update(
                actual_start=_now(start),
                actual_stop=_now(stop),
                outcome="<p>Needs monthly deliveries; next meeting in two weeks.</p>",
            )
        visit = self.call("key_account.visit", "create", values)
        if past:
            self.call("key_account.visit", "action_done", [visit])

    @task(1)
    def claim(self):
        """An expense claim with its receipt, submitted."""
        if not KEY_ACCOUNT:
            return
        receipt = self.call(
            "ir.attachment",
            "create",
            {"name": "receipt.pdf", "datas": RECEIPT, "mimetype": "application/pdf"},
        )
        claim = self.call(
            "key_account.expense.claim",
            "create",
            {
                "partner_id": random.choice(self.customers),
                "expense_type": "transport",
                "amount": float(random.randint(50, 300)),
                "description": "Taxi to the customer",
                "receipt_ids": [(6, 0, [receipt])],
            },
        )
        self.call("key_account.expense.claim", "action_submit", [claim])


class OfficeManager(Odoo):
    weight = 3
    role = "office_manager"

    @task(3)
    def approve_order(self):
        if KEY_ACCOUNT:
            self.decide("sale.order", own=True)
        else:  # the team's quotations
            self.call(
                "sale.order",
                "search_read",
                [("state", "=", "draft")],
                ["name", "partner_id", "amount_total"],
                limit=PAGE,
            )

    @task(1)
    def approve_claim(self):
        if KEY_ACCOUNT:
            self.decide("key_account.expense.claim", own=True)


class Director(Odoo):
    weight = 3
    role = "director"

    @task(3)
    def approve_order(self):
        if KEY_ACCOUNT:
            self.decide("sale.order", own=False)

    @task(1)
    def approve_claim(self):
        if KEY_ACCOUNT:
            self.decide("key_account.expense.claim", own=False)

    @task(2)
    def kpi(self):
        """The pivot: sales, invoiced and collected by rep and month."""
        if KEY_ACCOUNT:
            self.call(
                "key_account.kpi.report",
                "read_group",
                [],
                ["sales_amount:sum", "invoiced_amount:sum", "collected_amount:sum"],
                ["user_id", "date:month"],
                lazy=False,
            )
        else:
            self.call(
                "sale.report",
                "read_group",
                [],
                ["price_subtotal:sum", "untaxed_amount_invoiced:sum"],
                ["user_id", "date:month"],
                lazy=False,
            )

    @task(2)
    def aging(self):
        """Open receivables by customer and age."""
        if KEY_ACCOUNT:
            self.call(
                "key_account.aging.report",
                "read_group",
                [],
                ["amount_residual:sum", "amount_overdue:sum"],
                ["partner_id", "bucket"],
                lazy=False,
            )
        else:
            self.call(
                "account.move.line",
                "read_group",
                [
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                ],
                ["amount_residual:sum"],
                ["partner_id", "date_maturity:month"],
                lazy=False,
            )

    @task(1)
    def approve_settlement(self):
        """The KA head approves commission settlements, not his own."""
        if KEY_ACCOUNT:
            settlement = self.pick(
                "key_account.settlement",
                [("state", "=", "draft"), ("user_id", "!=", self.uid)],
            )
            if settlement:
                self.call("key_account.settlement", "action_approve", [settlement])


class Accountant(Odoo):
    weight = 3
    role = "accountant"

    @task(3)
    def invoice(self):
        """Invoice a confirmed order and post the invoice."""
        order = self.pick("sale.order", [("invoice_status", "=", "to invoice")])
        if not order:
            return
        context = {"active_model": "sale.order", "active_ids": [order]}
        wizard = self.call(
            "sale.advance.payment.inv",
            "create",
            {"advance_payment_method": "delivered"},
            context=context,
        )
        action = self.call(
            "sale.advance.payment.inv", "create_invoices", [wizard], context=context
        )
        if action.get("res_id"):
            self.call("account.move", "action_post", [action["res_id"]])

    @task(3)
    def pay(self):
        """Register a payment of half an open invoice (all of a small rest)."""
        invoice = self.pick(
            "account.move",
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ["not_paid", "partial"]),
            ],
        )
        if not invoice:
            return
        [values] = self.call("account.move", "read", [invoice], ["amount_residual"])
        residual = values["amount_residual"]
        amount = round(residual / 2, 2) if residual > 200 else residual
        context = {"active_model": "account.move", "active_ids": [invoice]}
        wizard = self.call(
            "account.payment.register", "create", {"amount": amount}, context=context
        )
        self.call(
            "account.payment.register",
            "action_create_payments",
            [wizard],
            context=context,
        )

    @task(1)
    def bill_settlement(self):
        if KEY_ACCOUNT:
            settlement = self.pick(
                "key_account.settlement", [("state", "=", "approved")]
            )
            if settlement:
                self.call("key_account.settlement", "action_create_bill", [settlement])


class Administrator(Odoo):
    """Runs the scheduled actions, one in turn, as their Run Manually button."""

    fixed_count = 1
    login = password = "admin"
    wait_time = constant(10)

    def on_start(self):
        super().on_start()
        self.crons = []
        if KEY_ACCOUNT:
            for xmlid in CRONS:
                module, name = xmlid.split(".")
                [data] = self.call(
                    "ir.model.data",
                    "search_read",
                    [("module", "=", module), ("name", "=", name)],
                    ["res_id"],
                )
                self.crons.append(data["res_id"])
        self.turn = itertools.cycle(self.crons)

    @task
    def run_cron(self):
        self.call("ir.cron", "search_read", [], ["name", "nextcall"], limit=80)
        if self.crons:
            self.call("ir.cron", "method_direct_trigger", [next(self.turn)])
