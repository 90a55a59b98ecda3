"""Benchmarks ``partner_write`` and ``partner_search`` against plain
partners and a plain salesman, and the key-account customers they and
``suggest`` share (one transaction, rolled back)."""

from bench_suggest import bench_suggest
from harness import _best_time, _queries, _user

import odoo
from odoo import Command, api


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
