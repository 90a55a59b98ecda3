"""Benchmarks of key_account against plain Odoo, in one run.

Run through ``bench/run`` (it creates a fresh database with key_account).
Prints ``BENCH <name> <metric>=<value> ...`` lines: query counts and time
ratios measured in the same process, never absolute timings.
"""

import argparse
import time

import odoo
from odoo import Command, api


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


def _setup(env, count):
    rep = env["res.users"].create(
        {
            "name": "Bench Rep",
            "login": "bench_rep",
            "groups_id": [
                Command.set([env.ref("key_account.group_key_account_rep").id])
            ],
        }
    )
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
    salesman = env["res.users"].create(
        {
            "name": "Bench Salesman",
            "login": "bench_salesman",
            "groups_id": [Command.set([env.ref("sales_team.group_sale_salesman").id])],
        }
    )
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("odoo_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    odoo_args = [a for a in args.odoo_args if a != "--"]
    odoo.tools.config.parse_config(odoo_args)
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        rep, partners, plain = _setup(env, args.count)
        bench_suggest(env, partners)
        bench_partner_write(env, partners, plain)
        bench_rule_search(env, rep)
        cr.rollback()


if __name__ == "__main__":
    main()
