"""Benchmark ``kpi``: the KPI report's ``read_group`` by rep and month, as a
director, against the same sums in plain SQL."""

import time

from harness import _user
from moves import _clone_moves, _delete_moves, _pick

import odoo
from odoo import Command, api
from odoo.tools import SQL

# kpi: --count invoice lines (KPI_LINES_PER_INVOICE a posted invoice, cloned
# in SQL over KPI_MONTHS months, KPI_REPS reps in KPI_TEAMS departments);
# the KPI report's read_group by rep and month, as a director, against the
# same sums written as one SQL query (best of KPI_REPEAT, alternating).
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
