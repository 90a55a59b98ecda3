"""Benchmark ``health``: the daily account-health cron over ``--count`` key
accounts (default 10,000), batch by batch: its queries per batch stay the
same whatever the batch (every account here is warned, so each batch also
opens the rep's and the KA head's activities)."""

import time

from harness import _queries, _user

import odoo
from odoo import api

HEALTH_BATCH = 500
# Above the score of an account without orders, revenue or payments to
# measure (60: overdue, complaints and visits full, revenue nothing), so
# every account gets its two early-warning activities.
HEALTH_THRESHOLD = 70.0


def _health_setup(env, count):
    rep = _user(env, "bench_health_rep", ["key_account.group_key_account_rep"])
    head = _user(
        env,
        "bench_health_head",
        [
            "key_account.group_key_account_director",
            "key_account.group_key_account_head",
        ],
    )
    env.company.write(
        {
            "key_account_head_user_id": head.id,
            "key_account_health_threshold": HEALTH_THRESHOLD,
        }
    )
    tier = env.ref("key_account.tier_b")
    for start in range(0, count, 1000):
        env["res.partner"].create(
            [
                {
                    "name": f"Bench Health {i}",
                    "is_company": True,
                    "user_id": rep.id,
                    "key_account_state": "key_account",
                    "key_account_tier_id": tier.id,
                    "key_account_since": "2026-01-01",
                }
                for i in range(start, min(start + 1000, count))
            ]
        )
        env.flush_all()
        env.invalidate_all()
    # Only the benchmark's accounts: the others are scored today already.
    env.cr.execute(
        "UPDATE res_partner SET key_account_health_date = CURRENT_DATE"
        " WHERE name NOT LIKE 'Bench Health %%'"
    )


def bench_health(env, count, batch_size=HEALTH_BATCH):
    start = time.perf_counter()
    _health_setup(env, count)
    setup = time.perf_counter() - start
    Partner = env["res.partner"]
    counts, done = [], []

    def one_batch():
        done.append(Partner._cron_key_account_health(batch_size))

    start = time.perf_counter()
    while True:
        counts.append(_queries(env, one_batch))
        if not done[-1]:
            counts.pop()
            break
    elapsed = time.perf_counter() - start
    activities = env["mail.activity"].search_count(
        [
            (
                "activity_type_id",
                "=",
                env.ref("key_account.mail_activity_key_account_health").id,
            )
        ]
    )
    full = [c for c, n in zip(counts, done, strict=False) if n == batch_size]
    # The first batch also fills process-wide caches (defaults, access rules).
    steady = set(full[1:])
    print(
        f"BENCH health_batch{batch_size} accounts={sum(done)} "
        f"batches={len(counts)} queries_per_batch={'/'.join(map(str, counts))} "
        f"constant_after_first={len(steady) == 1} warnings={activities} "
        f"seconds={elapsed:.1f} setup_seconds={setup:.1f}",
        flush=True,
    )
    if len(steady) > 1:
        raise AssertionError("health: the queries per batch are not constant")


def run_health(registry, count):
    with registry.cursor() as cr:
        bench_health(api.Environment(cr, odoo.SUPERUSER_ID, {}), count)
        cr.rollback()
