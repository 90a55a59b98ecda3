"""Benchmark ``confirm``: confirming approved quotations of 1, 10 and 100
lines, key_account against plain Odoo (``sale_stock``), side by side."""

from harness import KEY_ACCOUNT_DB, PLAIN_DB, _measure, _user

import odoo
from odoo import Command, api

# confirm: order sizes (lines), repetitions (best of), order total. Every
# order stays in approval band 1 (below 100,000): office manager, KA head.
CONFIRM_SIZES = (1, 10, 100)
CONFIRM_REPEAT = 7
CONFIRM_TOTAL = 50000.0
CONFIRM_STOCK = 1000.0


class ConfirmSide:
    """Quotations of one database, ready to confirm: the same products,
    customer, team and amounts in both; with key_account the customer is a
    key account and each quotation is approved by its reviewers first.

    Both databases have CONFIRM_STOCK units of each product in the
    warehouse, so both reserve every line. With key_account the stock check
    at confirmation is on and the units are held: the customer's in its
    hold location, as many again held for another key account (which the
    check and the reservation must leave out), none free."""

    def __init__(self, env, key_account):
        self.env = env
        self.key_account = key_account
        self.products = env["product.product"].create(
            [
                {
                    "name": f"Bench Storable {i}",
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 10.0,
                    "taxes_id": [Command.clear()],
                }
                for i in range(max(CONFIRM_SIZES))
            ]
        )
        if key_account:
            self.salesman = _user(
                env, "bench_ka_rep", ["key_account.group_key_account_rep"]
            )
            self.office_manager = _user(
                env,
                "bench_office_manager",
                ["key_account.group_key_account_supervisor"],
            )
            director = "key_account.group_key_account_director"
            # Reviewers in route order; band 1 (office manager, KA head) is
            # used, deputy and sales director complete the organisation.
            self.head = _user(
                env, "bench_ka_head", [director, "key_account.group_key_account_head"]
            )
            self.deputy = _user(
                env,
                "bench_deputy_sd",
                [director, "key_account.group_key_account_deputy_sales_director"],
            )
            self.sales_director = _user(
                env,
                "bench_sales_director",
                [director, "key_account.group_key_account_sales_director"],
            )
        else:
            self.salesman = _user(
                env, "bench_salesman", ["sales_team.group_sale_salesman"]
            )
            self.office_manager = _user(
                env, "bench_office_manager", ["sales_team.group_sale_salesman"]
            )
        self.team = env["crm.team"].create(
            {
                "name": "Bench Office",
                "user_id": self.office_manager.id,
                "member_ids": [Command.set([self.salesman.id, self.office_manager.id])],
            }
        )
        self.customer = env["res.partner"].create(
            {"name": "Bench Customer", "is_company": True, "user_id": self.salesman.id}
        )
        if key_account:
            self.customer.write(
                {
                    "key_account_state": "key_account",
                    "key_account_tier_id": env.ref("key_account.tier_c").id,
                }
            )
            # Key-account orders confirm on the customer's active agreement
            # (setup shortcut: as if reviewed, sealed and activated).
            env["key_account.agreement"].create(
                {
                    "partner_id": self.customer.id,
                    "requester_id": self.salesman.id,
                    "state": "active",
                }
            )
        self._stock(key_account)

    def _stock(self, key_account):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        locations = warehouse.lot_stock_id
        if key_account:
            other = self.env["res.partner"].create(
                {
                    "name": "Bench Other Key Account",
                    "is_company": True,
                    "key_account_state": "key_account",
                    "key_account_tier_id": self.env.ref("key_account.tier_c").id,
                }
            )
            Location = self.env["stock.location"]
            locations = Location._key_account_hold_location(
                self.customer, warehouse
            ) + Location._key_account_hold_location(other, warehouse)
        Quant = self.env["stock.quant"]
        for location in locations:
            for product in self.products:
                Quant._update_available_quantity(product, location, CONFIRM_STOCK)

    def quotation(self, lines):
        """A quotation of ``lines`` lines totalling CONFIRM_TOTAL, created by
        the salesman and, with key_account, approved."""
        price = CONFIRM_TOTAL / lines
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.salesman.id,
                    "team_id": self.team.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1.0,
                                "price_unit": price,
                                "tax_id": [Command.clear()],
                            }
                        )
                        for product in self.products[:lines]
                    ],
                }
            )
        )
        if self.key_account:
            self._approve(order)
        return order.with_env(self.env)

    def _approve(self, order):
        """Request and approve as the users do: the rep requests, each
        reviewer validates through the comment wizard, in route order."""
        if order.key_account_amount_band != "1":
            raise AssertionError(f"{order.name}: band {order.key_account_amount_band}")
        order.with_user(self.salesman).action_request_approval()
        for reviewer in (self.office_manager, self.head):
            action = order.with_user(reviewer).validate_tier()
            wizard = (
                self.env["comment.wizard"]
                .with_user(reviewer)
                .with_context(**action["context"])
                .create({"comment": "ok"})
            )
            wizard.add_comment()
        order.invalidate_recordset()
        if order.validation_status != "validated":
            raise AssertionError(
                f"{order.name} is not approved: {order.validation_status}"
            )

    def confirm(self, order):
        """Confirm as the salesman (a key-account rep with key_account): both
        sides run as a non-superuser, so each pays its own record rules."""
        order = order.with_user(self.salesman)
        return lambda: order.action_confirm()


def bench_confirm(ka_env, plain_env):
    """Confirming approved quotations: extra queries and time of key_account
    against plain Odoo, per order size. Each repetition confirms a fresh
    order; the two databases alternate so both see the same machine load."""
    sides = {
        KEY_ACCOUNT_DB: ConfirmSide(ka_env, key_account=True),
        PLAIN_DB: ConfirmSide(plain_env, key_account=False),
    }
    for lines in CONFIRM_SIZES:
        queries = {name: [] for name in sides}
        times = {name: [] for name in sides}
        # The first round only warms process caches (ormcache, rules, views).
        for round_ in range(CONFIRM_REPEAT + 1):
            for name, side in sides.items():
                order = side.quotation(lines)
                count, elapsed = _measure(side.env, side.confirm(order))
                if order.state != "sale":
                    raise AssertionError(f"{order.name} not confirmed: {order.state}")
                if order.picking_ids.filtered(lambda p: p.state != "assigned"):
                    raise AssertionError(f"{order.name}: delivery not reserved")
                if round_:
                    queries[name].append(count)
                    times[name].append(elapsed)
        ka, plain = min(queries[KEY_ACCOUNT_DB]), min(queries[PLAIN_DB])
        ratio = min(times[KEY_ACCOUNT_DB]) / min(times[PLAIN_DB])
        print(
            f"BENCH confirm_{lines} extra_queries={ka - plain} "
            f"time_ratio={ratio:.2f} queries_ka={ka} queries_plain={plain}",
            flush=True,
        )


def run_confirm(ka_registry, plain_registry):
    with ka_registry.cursor() as ka_cr, plain_registry.cursor() as plain_cr:
        bench_confirm(
            api.Environment(ka_cr, odoo.SUPERUSER_ID, {}),
            api.Environment(plain_cr, odoo.SUPERUSER_ID, {}),
        )
        ka_cr.rollback()
        plain_cr.rollback()
