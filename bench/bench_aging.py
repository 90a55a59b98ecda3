"""Benchmark ``aging``: the daily overdue-ladder cron against one SQL
``GROUP BY`` bucketing the same invoices."""

import time

from harness import BatchProfile, _patched, _spread, _user
from moves import _clone_moves, _delete_moves, _pick, _posted_invoices

import odoo
from odoo import api, fields
from odoo.tools import SQL

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
