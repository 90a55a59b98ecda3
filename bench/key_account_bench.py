"""Benchmarks of key_account against plain Odoo, in one run.

Run through ``bench/run [NAME...]``: it creates the fresh databases the named
benchmarks need (one with key_account; for ``confirm`` also one with plain
Odoo, ``sale_stock`` only) and calls::

    key_account_bench.py --list
    key_account_bench.py --database DB [--plain-database DB] [--count N]
                         [NAME...] -- ODOO_OPTION...

Prints ``BENCH <name> <metric>=<value> ...`` lines: query counts and time
ratios measured in the same process, never absolute timings.
"""

import argparse
import sys
import time

import odoo
from odoo import Command, api

# Databases a benchmark needs: "key_account" (key_account installed) and
# "plain" (sale_stock only, no key_account).
KEY_ACCOUNT_DB, PLAIN_DB = "key_account", "plain"
# Benchmark name -> databases, in run order (bench/run reads this via --list).
BENCHMARKS = {
    "suggest": (KEY_ACCOUNT_DB,),
    "partner_write": (KEY_ACCOUNT_DB,),
    "partner_search": (KEY_ACCOUNT_DB,),
    "confirm": (KEY_ACCOUNT_DB, PLAIN_DB),
}
# Benchmarks sharing the key-account customers of ``_setup``.
PARTNER_BENCHMARKS = ("suggest", "partner_write", "partner_search")

# confirm: order sizes (lines), repetitions (best of), order total. Every
# order stays in approval band 1 (below 100,000): office manager, KA head.
CONFIRM_SIZES = (1, 10, 100)
CONFIRM_REPEAT = 7
CONFIRM_TOTAL = 50000.0


def _queries(env, func):
    env.flush_all()
    env.invalidate_all()
    before = env.cr.sql_log_count
    func()
    env.flush_all()
    return env.cr.sql_log_count - before


def _best_time(env, func, repeat=7):
    best = None
    for _ in range(repeat):
        env.invalidate_all()
        start = time.perf_counter()
        func()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def _measure(env, func):
    """(queries, seconds) of ``func`` alone on cold record caches, flushed.

    The setup's pending writes and precommit hooks (mail tracking) run before
    the clock starts; ``func``'s own run inside it, as a commit would run them.
    """
    env.cr.flush()
    env.flush_all()
    env.invalidate_all()
    before = env.cr.sql_log_count
    start = time.perf_counter()
    func()
    env.cr.flush()
    env.flush_all()
    elapsed = time.perf_counter() - start
    return env.cr.sql_log_count - before, elapsed


def _user(env, login, groups):
    return env["res.users"].create(
        {
            "name": login.replace("_", " ").title(),
            "login": login,
            "groups_id": [Command.set([env.ref(xmlid).id for xmlid in groups])],
        }
    )


def _setup(env, count):
    rep = _user(env, "bench_rep", ["key_account.group_key_account_rep"])
    tier = env.ref("key_account.tier_c")
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Customer {i}",
                "is_company": True,
                "user_id": rep.id if i % 2 else env.uid,
                "key_account_state": "key_account",
                "key_account_tier_id": tier.id,
            }
            for i in range(count)
        ]
    )
    plain = env["res.partner"].create(
        [{"name": f"Plain Customer {i}", "is_company": True} for i in range(count)]
    )
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": "2026-01-15",
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Bench", "quantity": 1, "price_unit": 1000.0 + i}
                    )
                ],
            }
            for i, partner in enumerate(partners)
        ]
    )
    moves.action_post()
    return rep, partners, plain


def bench_suggest(env, partners, batch_size=100):
    """Queries of each cron batch over all key accounts: constant per batch."""
    Suggestion = env["key_account.tier.suggestion"]
    counts, done = [], []

    def one_batch():
        done.append(Suggestion._cron_suggest(batch_size))

    while True:
        counts.append(_queries(env, one_batch))
        if not done[-1]:
            counts.pop()
            break
    # The first batch also fills process-wide caches (defaults, access rules).
    steady = set(counts[1:])
    print(
        f"BENCH suggest_batch{batch_size} accounts={len(partners)} "
        f"batches={len(counts)} queries_per_batch={'/'.join(map(str, counts))} "
        f"constant_after_first={len(steady) == 1}"
    )


def bench_partner_write(env, partners, plain):
    ka = _queries(env, lambda: partners[:50].write({"phone": "+86 21 5555 0000"}))
    base = _queries(env, lambda: plain[:50].write({"phone": "+86 21 5555 0000"}))
    print(f"BENCH partner_write queries_ka={ka} queries_plain={base}")


def bench_rule_search(env, rep):
    """Partner list of a rep (key-account record rules) vs the same list for a
    plain Odoo salesman (no key-account group, hence no key-account rule)."""
    salesman = _user(env, "bench_salesman", ["sales_team.group_sale_salesman"])
    domain = [("is_company", "=", True)]

    def listing(user):
        partners = env["res.partner"].with_user(user)
        return lambda: partners.search(domain, limit=80).mapped("name")

    queries_rep = _queries(env, listing(rep))
    queries_plain = _queries(env, listing(salesman))
    ratio = _best_time(env, listing(rep)) / _best_time(env, listing(salesman))
    print(
        f"BENCH partner_search queries_rep={queries_rep} "
        f"queries_plain={queries_plain} time_ratio={ratio:.2f}"
    )


def run_partner_benchmarks(registry, names, count):
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        rep, partners, plain = _setup(env, count)
        if "suggest" in names:
            bench_suggest(env, partners)
        if "partner_write" in names:
            bench_partner_write(env, partners, plain)
        if "partner_search" in names:
            bench_rule_search(env, rep)
        cr.rollback()


class ConfirmSide:
    """Quotations of one database, ready to confirm: the same products,
    customer, team and amounts in both; with key_account the customer is a
    key account and each quotation is approved by its reviewers first."""

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
        order.with_user(self.salesman).request_validation()
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


def main():
    argv = sys.argv[1:]
    odoo_args = []
    if "--" in argv:
        split = argv.index("--")
        argv, odoo_args = argv[:split], argv[split + 1 :]
    parser = argparse.ArgumentParser()
    parser.add_argument("--list", action="store_true", help="names and databases")
    parser.add_argument("--database", help="database with key_account")
    parser.add_argument("--plain-database", help="database with sale_stock only")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("names", nargs="*", metavar="NAME", help="default: all")
    args = parser.parse_args(argv)
    if args.list:
        for name, databases in BENCHMARKS.items():
            print(name, ",".join(databases))
        return
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    names = [name for name in BENCHMARKS if name in args.names or not args.names]
    databases = {KEY_ACCOUNT_DB: args.database, PLAIN_DB: args.plain_database}
    for name in names:
        for needed in BENCHMARKS[name]:
            if not databases[needed]:
                parser.error(f"{name} needs the {needed} database")
    odoo.tools.config.parse_config(odoo_args)
    registries = {}

    def registry(which):
        if which not in registries:
            registries[which] = odoo.modules.registry.Registry(databases[which])
        return registries[which]

    if set(names) & set(PARTNER_BENCHMARKS):
        run_partner_benchmarks(registry(KEY_ACCOUNT_DB), names, args.count)
    if "confirm" in names:
        run_confirm(registry(KEY_ACCOUNT_DB), registry(PLAIN_DB))


if __name__ == "__main__":
    main()
