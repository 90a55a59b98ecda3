"""Benchmarks of key_account against plain Odoo, in one run.

Run through ``bench/run [NAME...]``: it creates the fresh databases the named
benchmarks need (one with key_account; for ``confirm`` also one with plain
Odoo, ``sale_stock`` only) and calls::

    key_account_bench.py --list
    key_account_bench.py --database DB [--plain-database DB] [--count N]
                         [--profile] [NAME...] -- ODOO_OPTION...

Prints ``BENCH <name> <metric>=<value> ...`` lines: query counts and time
ratios measured in the same process, never absolute timings (``aging`` and
``commission`` add their total seconds, for information).
"""

import argparse
from collections import Counter
from contextlib import closing, contextmanager
import cProfile
import io
import pstats
import re
import statistics
import sys
import threading
import time

from dateutil.relativedelta import relativedelta
import psycopg2

import odoo
from odoo import Command, api, fields
from odoo.tools import SQL

# Databases a benchmark needs: "key_account" (key_account installed) and
# "plain" (sale_stock only, no key_account).
KEY_ACCOUNT_DB, PLAIN_DB = "key_account", "plain"
# Benchmark name -> databases, in run order (bench/run reads this via --list).
BENCHMARKS = {
    "suggest": (KEY_ACCOUNT_DB,),
    "partner_write": (KEY_ACCOUNT_DB,),
    "partner_search": (KEY_ACCOUNT_DB,),
    "confirm": (KEY_ACCOUNT_DB, PLAIN_DB),
    "aging": (KEY_ACCOUNT_DB,),
    "commission": (KEY_ACCOUNT_DB,),
    "kpi": (KEY_ACCOUNT_DB,),
}
# Benchmarks sharing the key-account customers of ``_setup``.
PARTNER_BENCHMARKS = ("suggest", "partner_write", "partner_search")
# --count when not given: key-account customers of ``_setup``; aging invoices.
PARTNER_COUNT = 300
AGING_COUNT = 100000

# confirm: order sizes (lines), repetitions (best of), order total. Every
# order stays in approval band 1 (below 100,000): office manager, KA head.
CONFIRM_SIZES = (1, 10, 100)
CONFIRM_REPEAT = 7
CONFIRM_TOTAL = 50000.0
CONFIRM_STOCK = 1000.0


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


# aging: the overdue-ladder cron over --count posted invoices of key accounts,
# cloned in SQL from a few invoices posted through the ORM.
AGING_CUSTOMERS = 1000  # at most: one customer per 100 invoices below that
AGING_REPS = 10
AGING_TEMPLATES = 20
AGING_DAYS = 400  # due 1 to AGING_DAYS days ago: every ladder stage occurs
AGING_BATCH = 500
AGING_LEVELS = (2, 4, 6)  # months
AGING_STAGES = ("current", "monitor", "progress", "writeoff")
AGING_SQL_REPEAT = 5
AGING_PROFILE_TOP = 30


def _aging_setup(env, count):
    """Company settings, users and ``count`` open posted customer invoices
    of key accounts with a rep each, due over the last AGING_DAYS days."""
    company = env.company
    reps = [
        _user(env, f"bench_aging_rep_{i}", ["key_account.group_key_account_rep"])
        for i in range(AGING_REPS)
    ]
    head = _user(
        env,
        "bench_aging_head",
        [
            "key_account.group_key_account_director",
            "key_account.group_key_account_head",
        ],
    )
    clerk = _user(env, "bench_aging_clerk", ["key_account.group_key_account_rep"])
    company.write(
        {
            "key_account_head_user_id": head.id,
            "key_account_clerk_id": clerk.id,
            "key_account_aging_unit": "months",
            "key_account_monitor_after": AGING_LEVELS[0],
            "key_account_progress_after": AGING_LEVELS[1],
            "key_account_writeoff_after": AGING_LEVELS[2],
            "key_account_aging_batch": AGING_BATCH,
            # The ladder never ran: its first run meets every overdue invoice.
            "key_account_ladder_monitor_cutoff": False,
            "key_account_ladder_progress_cutoff": False,
            "key_account_ladder_writeoff_cutoff": False,
        }
    )
    tier = env.ref("key_account.tier_c")
    customers = env["res.partner"].create(
        [
            {
                "name": f"Bench Aging Customer {i}",
                "is_company": True,
                "user_id": reps[i % len(reps)].id,
                "key_account_state": "key_account",
                "key_account_tier_id": tier.id,
            }
            for i in range(max(1, min(AGING_CUSTOMERS, count // 100)))
        ]
    )
    templates = _aging_templates(env, customers[: min(AGING_TEMPLATES, count)])
    _aging_clone(env, templates, customers, count)


def _aging_templates(env, customers):
    """Posted invoices of the shape the clones get: a taxed product line, a
    tax line and a 30-day payment term line."""
    term = env.ref("account.account_payment_term_30days")
    return _posted_invoices(
        env,
        customers,
        37,
        fields.Date.context_today(env.user),
        lambda customer: {"invoice_payment_term_id": term.id},
    )


def _posted_invoices(env, customers, price_step, date, extra):
    """One posted customer invoice per customer: a product line taxed with
    the company's sales tax, of 1,000 + ``price_step`` × its rank, plus the
    values ``extra(customer)``."""
    tax = env.company.account_sale_tax_id
    moves = env["account.move"].create(
        [
            dict(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": date,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Bench",
                                "quantity": 1,
                                "price_unit": 1000.0 + price_step * i,
                                "tax_ids": [Command.set(tax.ids)],
                            }
                        )
                    ],
                },
                **extra(customer),
            )
            for i, customer in enumerate(customers)
        ]
    )
    moves.action_post()
    return moves


def _columns(cr, table):
    cr.execute(
        SQL(
            """SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = %s
                ORDER BY ordinal_position""",
            table,
        )
    )
    return [name for (name,) in cr.fetchall()]


def _copy_rows(cr, table, source, overrides):
    """INSERT INTO ``table`` every column from the row ``t`` of ``source`` (a
    FROM clause), but ``overrides`` (column name -> SQL)."""
    columns = _columns(cr, table)
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(column) for column in columns),
            SQL(", ").join(
                overrides.get(column, SQL.identifier("t", column)) for column in columns
            ),
            source,
        )
    )


def _copy_relations(cr, table, copies):
    """Many2many rows of ``table``'s template rows for their copies: the
    temporary table ``copies`` maps each copy (id) to its template (old_id)."""
    cr.execute(
        SQL(
            """SELECT rel.relname, col.attname, other.attname
                 FROM pg_constraint con
                 JOIN pg_class rel ON rel.oid = con.conrelid
                 JOIN pg_attribute col
                   ON col.attrelid = con.conrelid AND col.attnum = con.conkey[1]
                 JOIN pg_attribute other
                   ON other.attrelid = con.conrelid AND other.attnum > 0
                  AND NOT other.attisdropped AND other.attnum != col.attnum
                WHERE con.contype = 'f' AND con.confrelid = %s::regclass
                  AND cardinality(con.conkey) = 1
                  AND (SELECT count(*) FROM pg_attribute a
                        WHERE a.attrelid = con.conrelid AND a.attnum > 0
                          AND NOT a.attisdropped) = 2""",
            table,
        )
    )
    for rel, column, other in cr.fetchall():
        cr.execute(
            SQL(
                "INSERT INTO %(rel)s (%(column)s, %(other)s)"
                " SELECT c.id, r.%(other)s FROM %(rel)s r"
                " JOIN %(copies)s c ON c.old_id = r.%(column)s",
                rel=SQL.identifier(rel),
                column=SQL.identifier(column),
                other=SQL.identifier(other),
                copies=SQL.identifier(copies),
            )
        )


def _clone_moves(env, copies, templates, count, columns, overrides, line_overrides):
    """``count`` copies of the moves ``templates`` (moves, lines, many2many
    rows) in SQL: copy n (1 to ``count``) of template n mod len(templates).

    The temporary table ``copies`` maps each copy (id) to n, its template
    (old_id) and ``columns`` (name -> SQL of n), which give at least the
    copy's partner_id and name; ``copies``_line maps each line copy (id) to
    its template (old_id) and move (move_id). Columns come from the template
    row ``t`` but ``overrides`` (moves; the copy is ``n``, its customer
    ``p``) and ``line_overrides`` (lines; the line copy is ``c``, its move's
    copy ``n``)."""
    cr = env.cr
    lines = f"{copies}_line"
    env.cr.flush()
    env.flush_all()
    cr.execute(
        SQL(
            """CREATE TEMPORARY TABLE %s ON COMMIT DROP AS
               SELECT nextval('account_move_id_seq')::int AS id, n,
                      (%s::int[])[1 + mod(n, %s)] AS old_id, %s
                 FROM generate_series(1, %s) AS n""",
            SQL.identifier(copies),
            templates.ids,
            len(templates),
            SQL(", ").join(
                SQL("%s AS %s", expression, SQL.identifier(name))
                for name, expression in columns.items()
            ),
            count,
        )
    )
    null = SQL("NULL")
    _copy_rows(
        cr,
        "account_move",
        SQL(
            "%s n JOIN account_move t ON t.id = n.old_id"
            " JOIN res_partner p ON p.id = n.partner_id",
            SQL.identifier(copies),
        ),
        {
            "id": SQL("n.id"),
            "name": SQL("n.name"),
            "sequence_number": SQL("n.n"),
            "partner_id": SQL("n.partner_id"),
            "commercial_partner_id": SQL("n.partner_id"),
            "access_token": null,
            "inalterable_hash": null,
            "secure_sequence_number": null,
            "message_main_attachment_id": null,
            **overrides,
        },
    )
    cr.execute(
        SQL(
            """CREATE TEMPORARY TABLE %s ON COMMIT DROP AS
               SELECT nextval('account_move_line_id_seq')::int AS id,
                      l.id AS old_id, n.id AS move_id
                 FROM %s n
                 JOIN account_move_line l ON l.move_id = n.old_id
                ORDER BY n.id, l.id""",
            SQL.identifier(lines),
            SQL.identifier(copies),
        )
    )
    _copy_rows(
        cr,
        "account_move_line",
        SQL(
            "%s c JOIN account_move_line t ON t.id = c.old_id"
            " JOIN %s n ON n.id = c.move_id",
            SQL.identifier(lines),
            SQL.identifier(copies),
        ),
        {
            "id": SQL("c.id"),
            "move_id": SQL("c.move_id"),
            "partner_id": SQL("n.partner_id"),
            "move_name": SQL("n.name"),
            **line_overrides,
        },
    )
    _copy_relations(cr, "account_move", copies)
    _copy_relations(cr, "account_move_line", lines)


def _delete_moves(env, moves):
    """Delete ``moves`` and their lines in SQL (the templates of clones)."""
    env.cr.execute(
        SQL("DELETE FROM account_move_line WHERE move_id IN %s", tuple(moves.ids))
    )
    env.cr.execute(SQL("DELETE FROM account_move WHERE id IN %s", tuple(moves.ids)))
    env.invalidate_all()


def _pick(values, modulo):
    """SQL: item 1 + n mod ``modulo`` of the list ``values``."""
    return SQL("(%s::int[])[1 + mod(n, %s)]", values, modulo)


def _aging_clone(env, templates, customers, count):
    """``count`` copies of ``templates`` in SQL, each for a customer and its
    rep, due 1 to AGING_DAYS days ago (the invoice dated 30 days before),
    then the templates are deleted. Every AGING_BATCH consecutive invoices
    have the same due dates, so each cron batch has the same mix of stages."""
    _clone_moves(
        env,
        "bench_aging_move",
        templates,
        count,
        {
            "partner_id": _pick(customers.ids, len(customers)),
            "user_id": _pick(
                [customer.user_id.id for customer in customers], len(customers)
            ),
            "due": SQL(
                "CURRENT_DATE - (1 + mod(n, %(batch)s) * %(days)s / %(batch)s)",
                batch=AGING_BATCH,
                days=AGING_DAYS,
            ),
            "name": SQL("'BENCH/' || lpad(n::text, 6, '0')"),
        },
        {
            "sequence_prefix": SQL("'BENCH/'"),
            "partner_shipping_id": SQL("n.partner_id"),
            "invoice_partner_display_name": SQL("p.name"),
            "invoice_user_id": SQL("n.user_id"),
            "date": SQL("n.due - 30"),
            "invoice_date": SQL("n.due - 30"),
            "invoice_date_due": SQL("n.due"),
            "payment_reference": SQL("n.name"),
        },
        {
            "date": SQL("n.due - 30"),
            "invoice_date": SQL("n.due - 30"),
            "date_maturity": SQL(
                "CASE WHEN t.date_maturity IS NOT NULL THEN n.due END"
            ),
        },
    )
    _delete_moves(env, templates)
    env.cr.execute(SQL("ANALYZE account_move, account_move_line, res_partner"))
    env.invalidate_all()


@contextmanager
def _patched(cls, name, func):
    """``cls.name`` replaced by ``func`` in the block."""
    own = name in vars(cls)
    original = vars(cls).get(name)
    setattr(cls, name, func)
    try:
        yield
    finally:
        if own:
            setattr(cls, name, original)
        else:
            delattr(cls, name)


def _query_key(query):
    """A statement's kind and table; the columns of an UPDATE."""
    query = " ".join(str(query).split())
    match = re.match(r'UPDATE "?(\w+)"? SET (.*?) (?:FROM|WHERE) ', query)
    if match:
        columns = re.findall(r'"?(\w+)"? = ', match.group(2))
        return f"UPDATE {match.group(1)} SET {','.join(columns)}"
    match = re.match(r"(INSERT INTO|DELETE FROM) \"?(\w+)", query)
    if match:
        return f"{match.group(1).split()[0]} {match.group(2)}"
    match = re.match(r'SELECT .*? FROM "?(\w+)', query)
    if match:
        return f"SELECT {match.group(1)}"
    return query[:50]


class BatchProfile:
    """cProfile and the SQL statements of one batch of ``name``: the second
    when there are two or more (the first fills process-wide caches); with
    ``batches`` None, of the whole run."""

    def __init__(self, name, batches):
        self.name = name
        self.batch = None if batches is None else 2 if batches > 1 else 1
        self.profile = cProfile.Profile()
        self.queries = Counter()
        self.query_time = Counter()
        self.hooks = None
        self.running = False

    def _hook(self, cr, query, params, start, delay):
        key = _query_key(query)
        self.queries[key] += 1
        self.query_time[key] += delay

    def step(self, batches_done):
        """Called before the first batch (0) and at the end of each batch."""
        if batches_done == (self.batch or 1) - 1:
            self._start()
        elif batches_done == self.batch:
            self.finish()

    def _start(self):
        thread = threading.current_thread()
        self.hooks = getattr(thread, "query_hooks", None)
        thread.query_hooks = (*(self.hooks or ()), self._hook)
        self.profile.enable()
        self.running = True

    def finish(self):
        """Called at the end of the run."""
        if not self.running:
            return
        self.running = False
        self.profile.disable()
        thread = threading.current_thread()
        if self.hooks is None:
            del thread.query_hooks
        else:
            thread.query_hooks = self.hooks

    def report(self):
        out = io.StringIO()
        stats = pstats.Stats(self.profile, stream=out)
        for order, top in (("cumulative", AGING_PROFILE_TOP), ("tottime", 20)):
            stats.sort_stats(order).print_stats(top)
        text = out.getvalue()
        for prefix in (odoo.__path__[0] + "/addons/", odoo.__path__[0] + "/"):
            text = text.replace(prefix, "")
        print(f"PROFILE {self.name} batch {self.batch or 'all'}")
        print(text)
        total = sum(self.query_time.values())
        print(
            f"QUERIES {self.name} batch {self.batch or 'all'}: "
            f"{sum(self.queries.values())} "
            f"statements, {total:.3f}s in PostgreSQL"
        )
        for key, seconds in self.query_time.most_common(25):
            print(f"  {self.queries[key]:6d} {seconds:8.3f}s  {key}")


def _aging_cron(env, profile=None):
    """Run the cron once: a dict of the queries and seconds of each batch,
    their totals, the invoices changed and the seconds spent finding them
    (without the notices)."""
    cr = env.cr
    IrCron = type(env["ir.cron"])
    Move = type(env["account.move"])
    notify = IrCron._notify_progress
    find = Move._key_account_rises
    marks = []
    changed = []
    stage_times = []

    def _notify_progress(cron, **kwargs):
        # The batch's writes belong to it, not to the next batch's search.
        cron.env.flush_all()
        marks.append((cr.sql_log_count, time.perf_counter()))
        changed.append(kwargs.get("done", 0))
        if profile:
            profile.step(len(marks))
        return notify(cron, **kwargs)

    def timed(method):
        def wrapper(move, *args, **kwargs):
            start = time.perf_counter()
            result = method(move, *args, **kwargs)
            stage_times.append(time.perf_counter() - start)
            return result

        return wrapper

    cr.flush()
    env.flush_all()
    env.invalidate_all()
    before = (cr.sql_log_count, time.perf_counter())
    with (
        _patched(IrCron, "_notify_progress", _notify_progress),
        _patched(Move, "_key_account_rises", timed(find)),
    ):
        if profile:
            profile.step(0)
        env["account.move"]._cron_key_account_aging(batch_size=AGING_BATCH)
        cr.flush()
        env.flush_all()
        if profile:
            profile.finish()
    after = (cr.sql_log_count, time.perf_counter())
    # A run notifying nothing reports no batch: it is one batch of none.
    pairs = list(zip([before, *marks], marks or [after], strict=False))
    return {
        "queries": [b[0] - a[0] for a, b in pairs],
        "times": [b[1] - a[1] for a, b in pairs],
        "queries_total": after[0] - before[0],
        "seconds": after[1] - before[1],
        "changed": changed[-1] if changed else 0,
        "stage_seconds": sum(stage_times),
    }


def _aging_next_day(env):
    """As on the next day: the ladder's last run was the day before today
    (the cron and the reference both count from today)."""
    from odoo.addons.key_account.tools import ladder_cutoffs

    company = env.company
    yesterday = fields.Date.subtract(fields.Date.context_today(company), days=1)
    cutoffs = ladder_cutoffs(
        yesterday,
        company._key_account_ladder_levels(),
        company.key_account_aging_unit,
    )
    company._key_account_set_ladder_cutoffs(cutoffs)
    env.flush_all()
    env.invalidate_all()


def _aging_buckets(env):
    """The reference: one query bucketing the open key-account invoices."""
    levels = env.company._key_account_ladder_levels()

    def over(months):
        return SQL(
            "CURRENT_DATE > m.invoice_date_due + make_interval(months => %s)", months
        )

    return SQL(
        """SELECT CASE WHEN %s THEN 'writeoff' WHEN %s THEN 'progress'
                       WHEN %s THEN 'monitor' ELSE 'current' END AS stage,
                  count(*), sum(m.amount_residual)
             FROM account_move m
             JOIN res_partner p ON p.id = m.commercial_partner_id
            WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
              AND m.payment_state IN ('not_paid', 'partial') AND p.is_key_account
            GROUP BY 1""",
        over(levels[2]),
        over(levels[1]),
        over(levels[0]),
    )


def _aging_sql(env, repeat=AGING_SQL_REPEAT):
    """(best seconds of the reference query, its stage -> count)."""
    env.flush_all()
    query = _aging_buckets(env)
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        env.cr.execute(query)
        rows = env.cr.fetchall()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, {stage: count for stage, count, _amount in rows}


def _aging_stages(env):
    """Stage -> count the invoices show after the cron: by the cutoffs it
    left on the company."""
    env.flush_all()
    env.invalidate_all()
    env.cr.execute(
        SQL(
            """SELECT %s, count(*)
                 FROM account_move m
                 JOIN res_partner p ON p.id = m.commercial_partner_id
                WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                  AND m.payment_state IN ('not_paid', 'partial')
                  AND p.is_key_account
                GROUP BY 1""",
            env["account.move"]._key_account_stage_sql(
                env.company._key_account_ladder_cutoffs()
            ),
        )
    )
    return dict(env.cr.fetchall())


def _median(values, spec="g"):
    return format(statistics.median(values), spec) if values else "-"


def _spread(values, spec="g"):
    """min/median/max"""
    if not values:
        return "-"
    return "/".join(
        format(value, spec)
        for value in (min(values), statistics.median(values), max(values))
    )


def bench_aging(env, count, profile):
    """The daily overdue-ladder cron against one SQL query bucketing the same
    invoices. The headline is the cron's daily run: the ladder ran the day
    before, the invoices whose due dates pass a level today are notified
    (best of AGING_SQL_REPEAT, each against the reference measured right
    after it, so that both see the same machine load). Also: the first run
    of a ledger the ladder never saw (every overdue invoice notified: a
    chatter line each, activities, notices; once) and a re-run the same day
    (nothing to do; best of AGING_SQL_REPEAT)."""
    start = time.perf_counter()
    _aging_setup(env, count)
    setup = time.perf_counter() - start
    batches = -(-count // AGING_BATCH)
    profiler = BatchProfile("aging (first run)", batches) if profile else None
    first = _aging_cron(env, profiler)
    sql_time, buckets = _aging_sql(env)
    stages = _aging_stages(env)
    reruns, rerun_sql = [], []
    for _ in range(AGING_SQL_REPEAT):
        reruns.append(_aging_cron(env))
        rerun_sql.append(_aging_sql(env, repeat=1)[0])
    rerun = min(reruns, key=lambda run: run["seconds"])
    rerun_sql_time = min(rerun_sql)
    # Each daily run starts from the ladder's run of the day before and does
    # the same work: the same invoices notified again.
    daily_profiler = BatchProfile("aging (next day)", None) if profile else None
    dailies, daily_sql = [], []
    for repeat in range(AGING_SQL_REPEAT):
        _aging_next_day(env)
        dailies.append(_aging_cron(env, daily_profiler if repeat == 0 else None))
        daily_sql.append(_aging_sql(env, repeat=1)[0])
    daily = min(dailies, key=lambda run: run["seconds"])
    daily_sql_time = min(daily_sql)
    daily_buckets = _aging_sql(env)[1]
    daily_stages = _aging_stages(env)
    steady = first["queries"][1:]
    ratios = "/".join(
        f"{run['seconds'] / reference:.2f}"
        for run, reference in zip(dailies, daily_sql, strict=True)
    )
    print(
        f"BENCH aging_{count} run=next_day "
        f"queries_per_batch={max(daily['queries'])} "
        f"sql_ratio={daily['seconds'] / daily_sql_time:.2f} "
        f"changed={daily['changed']} batches={len(daily['queries'])} "
        f"first_run_queries_per_batch={max(first['queries'])} "
        f"first_run_sql_ratio={first['seconds'] / sql_time:.1f} "
        f"first_run_changed={first['changed']} "
        f"first_run_batches={len(first['queries'])} "
        f"rerun_queries={rerun['queries_total']} "
        f"rerun_sql_ratio={rerun['seconds'] / rerun_sql_time:.2f} "
        f"find_sql_ratio={daily['stage_seconds'] / daily_sql_time:.2f} "
        f"first_run_find_sql_ratio={first['stage_seconds'] / sql_time:.2f} "
        f"sql_ratios={ratios} "
        f"queries_total={daily['queries_total']} "
        f"first_run_queries_min_median_max={_spread(first['queries'])} "
        f"first_run_after_first_min_median_max={_spread(steady)} "
        f"first_run_queries_total={first['queries_total']} "
        f"seconds={daily['seconds']:.3f} find_seconds={daily['stage_seconds']:.3f} "
        f"first_run_seconds={first['seconds']:.2f} "
        f"first_run_find_seconds={first['stage_seconds']:.2f} "
        f"rerun_seconds={rerun['seconds']:.3f} "
        f"first_run_batch_seconds_min_median_max={_spread(first['times'], '.3f')} "
        f"sql_ms={daily_sql_time * 1000:.1f} first_run_sql_ms={sql_time * 1000:.1f} "
        f"rerun_sql_ms={rerun_sql_time * 1000:.1f} "
        f"setup_seconds={setup:.1f} first_run_stages_match={stages == buckets} "
        f"stages_match={daily_stages == daily_buckets}"
        + (f" profiled_batch={profiler.batch}" if profiler else ""),
        flush=True,
    )
    print(
        "BENCH aging stages sql "
        + " ".join(f"{stage}={buckets.get(stage, 0)}" for stage in AGING_STAGES)
        + " cron "
        + " ".join(f"{stage}={stages.get(stage, 0)}" for stage in AGING_STAGES)
    )
    print(
        "BENCH aging first_run_queries_each_batch="
        + "/".join(map(str, first["queries"]))
    )
    print(
        "BENCH aging first_run_seconds_each_batch="
        + "/".join(f"{seconds:.2f}" for seconds in first["times"])
    )
    if profiler:
        profiler.report()
        daily_profiler.report()


def run_aging(registry, count, profile):
    with registry.cursor() as cr:
        bench_aging(api.Environment(cr, odoo.SUPERUSER_ID, {}), count, profile)
        cr.rollback()


# commission: lines generated for --count reconciliations of key-account
# invoices with bank entries, all cloned and reconciled in SQL, against one
# INSERT ... SELECT computing the same lines.
COMMISSION_COUNT = 10000
COMMISSION_CUSTOMERS = 1000  # at most: one customer per 10 invoices below that
COMMISSION_USERS = 10  # reps, and as many account executives
COMMISSION_TEMPLATES = 20
COMMISSION_BATCH = 500
COMMISSION_RATE = 5.0  # the default rule
COMMISSION_SHARE = 30.0  # the executive's (7:3)
COMMISSION_ALLOWANCE = 2.0
COMMISSION_REPEAT = 3  # runs of each side, best of


def _commission_setup(env, count):
    """Company settings, a default 5 % rule, key accounts each with a rep and
    an account executive, ``count`` posted taxed invoices, each fully
    reconciled with a bank entry: the ids of the ``count`` reconciliations
    (``account.partial.reconcile``), made in SQL so no line exists yet."""
    company = env.company
    reps = [
        _user(env, f"bench_comm_rep_{i}", ["key_account.group_key_account_rep"])
        for i in range(COMMISSION_USERS)
    ]
    executives = [
        _user(env, f"bench_comm_executive_{i}", ["key_account.group_key_account_rep"])
        for i in range(COMMISSION_USERS)
    ]
    head = _user(
        env,
        "bench_comm_head",
        [
            "key_account.group_key_account_director",
            "key_account.group_key_account_head",
        ],
    )
    company.write(
        {
            "key_account_head_user_id": head.id,
            "key_account_commission_base": "untaxed",
            "key_account_executive_share": COMMISSION_SHARE,
            "key_account_allowance_rate": COMMISSION_ALLOWANCE,
            "key_account_director_rate": 0.0,
        }
    )
    Rule = env["key_account.commission.rule"]
    Rule.search([("company_id", "=", company.id)]).active = False
    Rule.create(
        {"name": "Bench Default", "rate": COMMISSION_RATE, "company_id": company.id}
    )
    tier = env.ref("key_account.tier_c")
    customers = env["res.partner"].create(
        [
            {
                "name": f"Bench Commission Customer {i}",
                "is_company": True,
                "user_id": reps[i % len(reps)].id,
                "key_account_executive_id": executives[i % len(executives)].id,
                "key_account_state": "key_account",
                "key_account_tier_id": tier.id,
            }
            for i in range(max(1, min(COMMISSION_CUSTOMERS, count // 10)))
        ]
    )
    invoices = _commission_invoices(env, customers[: min(COMMISSION_TEMPLATES, count)])
    payments = _commission_payments(env, invoices)
    # Copy n of each: template n mod COMMISSION_TEMPLATES, customer n mod
    # the customers, so invoice n and payment n match.
    customer = _pick(customers.ids, len(customers))
    _clone_moves(
        env,
        "bench_commission_invoice",
        invoices,
        count,
        {
            "partner_id": customer,
            "user_id": _pick([c.user_id.id for c in customers], len(customers)),
            "executive_id": _pick(
                [c.key_account_executive_id.id for c in customers], len(customers)
            ),
            "name": SQL("'BCOM/INV/' || lpad(n::text, 7, '0')"),
        },
        {
            "sequence_prefix": SQL("'BCOM/INV/'"),
            "partner_shipping_id": SQL("n.partner_id"),
            "invoice_partner_display_name": SQL("p.name"),
            "invoice_user_id": SQL("n.user_id"),
            "key_account_executive_id": SQL("n.executive_id"),
            "payment_reference": SQL("n.name"),
        },
        {},
    )
    _clone_moves(
        env,
        "bench_commission_payment",
        payments,
        count,
        {"partner_id": customer, "name": SQL("'BCOM/PAY/' || lpad(n::text, 7, '0')")},
        {"sequence_prefix": SQL("'BCOM/PAY/'"), "ref": SQL("n.name")},
        {},
    )
    _delete_moves(env, invoices | payments)
    partial_ids = _commission_reconcile(env)
    env.cr.execute(
        SQL(
            "ANALYZE account_move, account_move_line, account_partial_reconcile,"
            " res_partner"
        )
    )
    return partial_ids


def _commission_invoices(env, customers):
    """Posted invoices of the shape the clones get, dated 30 days ago: a
    taxed product line, a tax line, a receivable line; rep and executive
    from the customer."""
    if not env.company.account_sale_tax_id:
        raise AssertionError("commission: the company has no default sales tax")
    return _posted_invoices(
        env,
        customers,
        37.45,
        fields.Date.context_today(env.user) - relativedelta(days=30),
        lambda customer: {"invoice_user_id": customer.user_id.id},
    )


def _commission_payments(env, invoices):
    """For each invoice, a posted entry of its total in the bank journal: bank
    debit, the customer's receivable credit (what a bank statement line
    matched with the invoice gives), not reconciled."""
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1
    )
    moves = env["account.move"].create(
        [
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": fields.Date.context_today(env.user),
                "line_ids": [
                    Command.create(
                        {
                            "name": "Bench collection",
                            "account_id": journal.default_account_id.id,
                            "partner_id": invoice.partner_id.id,
                            "debit": invoice.amount_total,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Bench collection",
                            "account_id": receivable.account_id.id,
                            "partner_id": invoice.partner_id.id,
                            "credit": invoice.amount_total,
                        }
                    ),
                ],
            }
            for invoice in invoices
            for receivable in invoice.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            )
        ]
    )
    moves.action_post()
    return moves


def _commission_reconcile(env):
    """Reconcile invoice n fully with payment n in SQL, as Odoo would leave
    them (partial rows, residuals, payment state) but without
    ``account.partial.reconcile.create``, which generates the lines."""
    cr = env.cr
    now = fields.Datetime.now()
    cr.execute(
        SQL(
            """INSERT INTO account_partial_reconcile
                      (debit_move_id, credit_move_id, debit_currency_id,
                       credit_currency_id, company_id, max_date, amount,
                       debit_amount_currency, credit_amount_currency,
                       create_uid, write_uid, create_date, write_date)
               SELECT il.id, pl.id, il.currency_id, pl.currency_id,
                      il.company_id, GREATEST(il.date, pl.date), il.balance,
                      il.amount_currency, -pl.amount_currency,
                      %(uid)s, %(uid)s, %(now)s, %(now)s
                 FROM bench_commission_invoice i
                 JOIN bench_commission_payment pay ON pay.n = i.n
                 JOIN account_move_line il ON il.move_id = i.id
                 JOIN account_account a
                   ON a.id = il.account_id AND a.account_type = 'asset_receivable'
                 JOIN account_move_line pl
                   ON pl.move_id = pay.id AND pl.account_id = il.account_id
                ORDER BY i.n
            RETURNING id""",
            uid=env.uid,
            now=now,
        )
    )
    partial_ids = sorted(partial_id for (partial_id,) in cr.fetchall())
    cr.execute(
        SQL(
            """UPDATE account_move_line l
                  SET amount_residual = 0, amount_residual_currency = 0,
                      reconciled = true
                 FROM account_partial_reconcile p
                WHERE p.id = ANY(%s)
                  AND l.id IN (p.debit_move_id, p.credit_move_id)""",
            partial_ids,
        )
    )
    cr.execute(
        SQL(
            """UPDATE account_move m
                  SET amount_residual = 0, amount_residual_signed = 0,
                      payment_state = 'paid'
                 FROM bench_commission_invoice i WHERE m.id = i.id"""
        )
    )
    env.invalidate_all()
    return partial_ids


def _commission_lines(env, partial_ids):
    """Lines of the reconciliations ``partial_ids``: ({(kind, role): (count,
    sum of amounts)}, set of rows)."""
    env.flush_all()
    env.cr.execute(
        SQL(
            """SELECT allocation_ref, kind, role, origin, state, is_reversal,
                      user_id, partner_id, tier_id, move_id, partial_id,
                      payment_move_id, collected_amount, base_amount, rate,
                      amount, date, company_id, currency_id, settlement_id
                 FROM key_account_commission_line
                WHERE allocation_ref = ANY(%s)""",
            partial_ids,
        )
    )
    rows = set(env.cr.fetchall())
    totals = {}
    for row in rows:
        count, amount = totals.get(row[1:3], (0, 0.0))
        totals[row[1:3]] = (count + 1, round(amount + float(row[15]), 2))
    return totals, rows


def _commission_generate(env, partial_ids, profiler=None):
    """``_generate`` over batches of COMMISSION_BATCH reconciliations, each
    on cold record caches as in its own transaction: (queries of each batch,
    seconds of each batch)."""
    cr = env.cr
    Line = env["key_account.commission.line"]
    Partial = env["account.partial.reconcile"]
    counts, times = [], []
    cr.flush()
    env.flush_all()
    if profiler:
        profiler.step(0)
    for start in range(0, len(partial_ids), COMMISSION_BATCH):
        env.invalidate_all()
        batch = Partial.browse(partial_ids[start : start + COMMISSION_BATCH])
        before, clock = cr.sql_log_count, time.perf_counter()
        Line._generate(batch)
        env.flush_all()
        cr.flush()
        times.append(time.perf_counter() - clock)
        counts.append(cr.sql_log_count - before)
        if profiler:
            profiler.step(len(counts))
    return counts, times


def _commission_insert(env, partial_ids):
    """The reference: one INSERT ... SELECT of the lines of the
    reconciliations ``partial_ids``: the untaxed share of what each
    collected, the rule's rate split rep 70 % / executive 30 %, the rep's 2 %
    allowance."""
    return SQL(
        """INSERT INTO key_account_commission_line
                  (kind, role, origin, partner_id, user_id, tier_id, move_id,
                   partial_id, allocation_ref, is_reversal, payment_move_id,
                   collected_amount, base_amount, rate, amount, date, state,
                   company_id, currency_id, create_uid, write_uid, create_date,
                   write_date)
           WITH allocation AS (
               SELECT p.id AS partial_id, p.max_date,
                      p.debit_amount_currency AS collected,
                      cl.move_id AS payment_move_id, m.id AS move_id,
                      m.commercial_partner_id, cp.key_account_tier_id,
                      m.invoice_user_id AS rep_id,
                      CASE WHEN m.key_account_executive_id != m.invoice_user_id
                           THEN m.key_account_executive_id END AS executive_id,
                      m.company_id, c.currency_id,
                      round(abs(m.amount_untaxed_signed)
                            * least(p.debit_amount_currency / m.amount_total, 1),
                            2) AS base,
                      coalesce(nullif(m.key_account_commission_rate, 0), (
                          SELECT r.rate FROM key_account_commission_rule r
                           WHERE r.company_id = m.company_id AND r.active
                             AND r.user_id IS NULL AND r.categ_id IS NULL
                             AND r.tier_id IS NULL
                           ORDER BY r.sequence, r.id LIMIT 1)) AS rate,
                      c.key_account_allowance_rate::numeric AS allowance_rate,
                      c.key_account_executive_share::numeric AS share
                 FROM account_partial_reconcile p
                 JOIN account_move_line dl ON dl.id = p.debit_move_id
                 JOIN account_move m ON m.id = dl.move_id
                 JOIN res_partner cp ON cp.id = m.commercial_partner_id
                 JOIN account_move_line cl ON cl.id = p.credit_move_id
                 JOIN res_company c ON c.id = m.company_id
                WHERE p.id = ANY(%(partials)s) AND m.move_type = 'out_invoice'
                  AND m.state = 'posted' AND cp.is_key_account
           ), amounts AS (
               SELECT a.*, round(a.base * a.rate / 100, 2) AS commission,
                      round(a.base * a.allowance_rate / 100, 2) AS allowance
                 FROM allocation a
           ), parts AS (
               SELECT s.*,
                      CASE WHEN s.executive_id IS NOT NULL
                           THEN round(s.commission * s.share / 100, 2)
                           ELSE 0 END AS executive_part
                 FROM amounts s
           )
           SELECT l.kind, l.role, 'collection', s.commercial_partner_id,
                  l.user_id, s.key_account_tier_id, s.move_id, s.partial_id,
                  s.partial_id, false, s.payment_move_id, s.collected, s.base,
                  l.rate, l.amount, s.max_date, 'to_settle', s.company_id,
                  s.currency_id, %(uid)s, %(uid)s, %(now)s, %(now)s
             FROM parts s
            CROSS JOIN LATERAL (VALUES
                  ('commission', 'rep', s.rep_id, s.rate,
                   s.commission - s.executive_part),
                  ('commission', 'executive', s.executive_id, s.rate,
                   s.executive_part),
                  ('allowance', 'rep', s.rep_id, s.allowance_rate, s.allowance)
            ) AS l(kind, role, user_id, rate, amount)
            WHERE l.amount != 0""",
        partials=partial_ids,
        uid=env.uid,
        now=fields.Datetime.now(),
    )


def _commission_sql(env, partial_ids):
    """The reference, run before ``_generate``: best seconds of the INSERT
    ... SELECT into key_account_commission_line itself (same indexes,
    foreign-key checks and row locks), each run in a savepoint rolled back;
    the lines of the first run, as ``_commission_lines`` gives them."""
    cr = env.cr
    env.flush_all()
    query = _commission_insert(env, partial_ids)
    best, lines = None, None
    for _ in range(COMMISSION_REPEAT):
        with closing(cr.savepoint(flush=False)):  # rolled back
            start = time.perf_counter()
            cr.execute(query)
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
            if lines is None:
                lines = _commission_lines(env, partial_ids)
    return best, lines


def _vacuum(env, table):
    """VACUUM ``table`` from another connection while this transaction stays
    open: it removes the rows the rolled-back savepoints inserted (aborted,
    hence dead to every transaction), which the ORM would otherwise meet in
    every index of the table."""
    _dbname, info = odoo.sql_db.connection_info_for(env.cr.dbname)
    connection = psycopg2.connect(**info)
    try:
        connection.autocommit = True
        with connection.cursor() as cr:
            cr.execute(f'VACUUM "{table}"')
    finally:
        connection.close()


def _totals_text(totals):
    return " ".join(
        f"{kind}/{role}={count}:{amount:.2f}"
        for (kind, role), (count, amount) in sorted(totals.items())
    )


def bench_commission(env, count, profile):
    """Lines of ``count`` new reconciliations generated in batches of
    COMMISSION_BATCH: queries of each batch and the time of the whole
    generation against one INSERT ... SELECT of the same lines, which must be
    equal line by line. Both run COMMISSION_REPEAT times on the same clean
    table (savepoints rolled back, then VACUUM): best of each."""
    cr = env.cr
    start = time.perf_counter()
    partial_ids = _commission_setup(env, count)
    setup = time.perf_counter() - start
    before, _rows = _commission_lines(env, partial_ids)
    if before:
        raise AssertionError(f"commission: the setup made lines: {before}")
    sql_time, (sql_totals, sql_rows) = _commission_sql(env, partial_ids)
    _vacuum(env, "key_account_commission_line")
    batches = -(-len(partial_ids) // COMMISSION_BATCH)
    profiler = BatchProfile("commission", batches) if profile else None
    runs = []
    for run in range(COMMISSION_REPEAT):
        with closing(cr.savepoint(flush=False)):  # rolled back
            counts, times = _commission_generate(
                env, partial_ids, None if run else profiler
            )
            runs.append((sum(times), counts, times))
            if not run:
                orm_totals, orm_rows = _commission_lines(env, partial_ids)
        env.invalidate_all()
        _vacuum(env, "key_account_commission_line")
    total, counts, times = min(runs, key=lambda run: run[0])
    queries = [query for _total, run_counts, _t in runs for query in run_counts]
    differ = len(orm_rows ^ sql_rows)
    print(
        f"BENCH commission_{count} queries_per_batch={max(queries)} "
        f"sql_ratio={total / sql_time:.2f} "
        f"batches={len(counts)} first_batch_queries={runs[0][1][0]} "
        f"queries_min_median_max={_spread(queries)} "
        f"lines={len(orm_rows)} seconds={total:.2f} "
        f"sql_seconds={sql_time:.2f} "
        f"seconds_each_run={'/'.join(f'{run[0]:.2f}' for run in runs)} "
        f"batch_seconds_min_median_max={_spread(times, '.3f')} "
        f"setup_seconds={setup:.1f} "
        f"lines_match={orm_totals == sql_totals and not differ}"
        + (f" profiled_batch={profiler.batch}" if profiler else ""),
        flush=True,
    )
    print(f"BENCH commission totals orm {_totals_text(orm_totals)}")
    print(f"BENCH commission totals sql {_totals_text(sql_totals)}")
    print(
        "BENCH commission queries_each_batch="
        + "/".join(map(str, runs[0][1]))
        + " seconds_each_batch="
        + "/".join(f"{seconds:.2f}" for seconds in times)
    )
    if profiler:
        profiler.report()
    if orm_totals != sql_totals or differ or len(orm_rows) != 3 * count:
        raise AssertionError(
            f"commission: {differ} lines differ between _generate and the SQL"
        )


def run_commission(registry, count, profile):
    with registry.cursor() as cr:
        bench_commission(api.Environment(cr, odoo.SUPERUSER_ID, {}), count, profile)
        cr.rollback()


# kpi: --count invoice lines (KPI_LINES_PER_INVOICE a posted invoice, cloned
# in SQL over KPI_MONTHS months, KPI_REPS reps in KPI_TEAMS departments);
# the KPI report's read_group by rep and month, as a director, against the
# same sums written as one SQL query (best of KPI_REPEAT, alternating).
KPI_COUNT = 1000000
KPI_LINES_PER_INVOICE = 10
KPI_REPS = 20
KPI_TEAMS = 4
KPI_CUSTOMERS = 1000
KPI_MONTHS = 24
KPI_REPEAT = 5
KPI_MEASURES = ("sales_amount", "due_amount")


def _kpi_setup(env, count):
    """Reps, departments, key accounts and ``count`` invoice lines."""
    teams = env["crm.team"].create(
        [{"name": f"Bench KPI Office {i}"} for i in range(KPI_TEAMS)]
    )
    reps = [
        _user(env, f"bench_kpi_rep_{i}", ["key_account.group_key_account_rep"])
        for i in range(KPI_REPS)
    ]
    tier = env.ref("key_account.tier_c")
    customers = env["res.partner"].create(
        [
            {
                "name": f"Bench KPI Customer {i}",
                "is_company": True,
                "user_id": reps[i % KPI_REPS].id,
                "key_account_state": "key_account",
                "key_account_tier_id": tier.id,
            }
            for i in range(max(1, min(KPI_CUSTOMERS, count // 100)))
        ]
    )
    templates = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": "2024-01-15",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": f"Bench line {line}",
                            "quantity": 1 + line,
                            "price_unit": 100.0 + 7 * i,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for line in range(KPI_LINES_PER_INVOICE)
                ],
            }
            for i, customer in enumerate(customers[:20])
        ]
    )
    templates.action_post()
    invoices = max(1, count // KPI_LINES_PER_INVOICE)
    team_of = [teams[i % KPI_TEAMS].id for i in range(KPI_REPS)]
    _clone_moves(
        env,
        "bench_kpi_move",
        templates,
        invoices,
        {
            "partner_id": _pick(customers.ids, len(customers)),
            "user_id": _pick(
                [customer.user_id.id for customer in customers], len(customers)
            ),
            "team_id": _pick(
                [team_of[i % KPI_REPS] for i in range(len(customers))],
                len(customers),
            ),
            "day": SQL("DATE '2024-01-01' + mod(n * 7, %s)", KPI_MONTHS * 365 // 12),
            "name": SQL("'BKPI/' || lpad(n::text, 7, '0')"),
        },
        {
            "sequence_prefix": SQL("'BKPI/'"),
            "partner_shipping_id": SQL("n.partner_id"),
            "invoice_partner_display_name": SQL("p.name"),
            "invoice_user_id": SQL("n.user_id"),
            "team_id": SQL("n.team_id"),
            "date": SQL("n.day"),
            "invoice_date": SQL("n.day"),
            "invoice_date_due": SQL("n.day + 30"),
            "payment_reference": SQL("n.name"),
        },
        {
            "date": SQL("n.day"),
            "invoice_date": SQL("n.day"),
            "date_maturity": SQL(
                "CASE WHEN t.date_maturity IS NOT NULL THEN n.day + 30 END"
            ),
        },
    )
    _delete_moves(env, templates)
    env.cr.execute(SQL("ANALYZE account_move, account_move_line, res_partner"))
    env.invalidate_all()
    return _user(
        env,
        "bench_kpi_head",
        [
            "key_account.group_key_account_director",
            "key_account.group_key_account_head",
        ],
    )


def _kpi_sql(env):
    """{(rep id, month): (sales, due)}: the report's figures written by
    hand over the journal items and the revenue adjustments."""
    env.cr.execute(
        SQL(
            """
            SELECT user_id, date_trunc('month', day)::date, SUM(sales), SUM(due)
              FROM (
                SELECT m.invoice_user_id AS user_id,
                       CASE WHEN l.display_type = 'product' THEN l.date
                            ELSE COALESCE(l.date_maturity, l.date) END AS day,
                       CASE WHEN l.display_type = 'product' THEN -l.balance
                            ELSE 0 END AS sales,
                       CASE WHEN l.display_type = 'product' THEN 0
                            ELSE l.balance END AS due
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                 WHERE l.parent_state = 'posted'
                   AND l.display_type IN ('product', 'payment_term')
                   AND m.move_type IN ('out_invoice', 'out_refund')
                   AND l.company_id = ANY(%(companies)s)
                UNION ALL
                SELECT adj.user_id, adj.date, adj.amount, 0
                  FROM key_account_revenue_adjustment adj
                 WHERE adj.company_id = ANY(%(companies)s)
              ) f
             GROUP BY 1, 2
            """,
            companies=env.user.company_ids.ids,
        )
    )
    return {
        (user_id, month): (sales, due)
        for user_id, month, sales, due in env.cr.fetchall()
        if sales or due
    }


def _kpi_orm(env, head):
    """The same through the report, as a director (record rules applied)."""
    groups = (
        env["key_account.kpi.report"]
        .with_user(head)
        ._read_group(
            [],
            ["user_id", "date:month"],
            [f"{name}:sum" for name in KPI_MEASURES],
        )
    )
    return {
        (user.id or None, month.date() if hasattr(month, "date") else month): (
            sales,
            due,
        )
        for user, month, sales, due in groups
        if sales or due
    }


def bench_kpi(env, count):
    start = time.perf_counter()
    head = _kpi_setup(env, count)
    setup = time.perf_counter() - start
    env.flush_all()
    orm_times, sql_times = [], []
    for _ in range(KPI_REPEAT):
        env.invalidate_all()
        start = time.perf_counter()
        orm = _kpi_orm(env, head)
        orm_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        raw = _kpi_sql(env)
        sql_times.append(time.perf_counter() - start)

    def rounded(figures):
        return {
            key: tuple(round(value or 0.0, 2) for value in values)
            for key, values in figures.items()
        }

    match = rounded(orm) == rounded(raw)
    env.cr.execute(
        SQL(
            "SELECT count(*) FROM account_move_line"
            " WHERE display_type = 'product' AND move_name LIKE 'BKPI/%%'"
        )
    )
    lines = env.cr.fetchone()[0]
    orm_best, sql_best = min(orm_times), min(sql_times)
    print(
        f"BENCH kpi_{count} sql_ratio={orm_best / sql_best:.2f} "
        f"orm_ms={orm_best * 1000:.0f} sql_ms={sql_best * 1000:.0f} "
        f"orm_ms_each={'/'.join(f'{t * 1000:.0f}' for t in orm_times)} "
        f"sql_ms_each={'/'.join(f'{t * 1000:.0f}' for t in sql_times)} "
        f"groups={len(orm)} invoice_lines={lines} setup_seconds={setup:.1f} "
        f"figures_match={match}",
        flush=True,
    )
    if not match:
        raise AssertionError("kpi: the report and the SQL disagree")


def run_kpi(registry, count):
    with registry.cursor() as cr:
        bench_kpi(api.Environment(cr, odoo.SUPERUSER_ID, {}), count)
        cr.rollback()


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
    parser.add_argument(
        "--count",
        type=int,
        help=f"key-account customers ({PARTNER_COUNT}), aging invoices "
        f"({AGING_COUNT}), commission reconciliations ({COMMISSION_COUNT}) "
        f"or KPI invoice lines ({KPI_COUNT})",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="aging, commission: profile one batch",
    )
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
        run_partner_benchmarks(
            registry(KEY_ACCOUNT_DB), names, args.count or PARTNER_COUNT
        )
    if "confirm" in names:
        run_confirm(registry(KEY_ACCOUNT_DB), registry(PLAIN_DB))
    if "aging" in names:
        run_aging(registry(KEY_ACCOUNT_DB), args.count or AGING_COUNT, args.profile)
    if "commission" in names:
        run_commission(
            registry(KEY_ACCOUNT_DB), args.count or COMMISSION_COUNT, args.profile
        )
    if "kpi" in names:
        run_kpi(registry(KEY_ACCOUNT_DB), args.count or KPI_COUNT)


if __name__ == "__main__":
    main()
