"""Harness of the key_account benchmarks against plain Odoo, in one run: the
command line, query counts, timings and profiles the ``bench_*`` modules share.

Run through ``bench/run [NAME...]``: it creates the fresh databases the named
benchmarks need (one with key_account; for ``confirm`` also one with plain
Odoo, ``sale_stock`` only) and calls::

    harness.py --list
    harness.py --database DB [--plain-database DB] [--count N]
               [--profile] [NAME...] -- ODOO_OPTION...

Prints ``BENCH <name> <metric>=<value> ...`` lines: query counts and time
ratios measured in the same process, never absolute timings (``aging`` and
``commission`` add their total seconds, for information).

One module a benchmark: ``bench_partner`` (partner_write, partner_search,
and the key-account customers ``bench_suggest`` runs on), ``bench_suggest``,
``bench_confirm``, ``bench_aging``, ``bench_commission``, ``bench_kpi``,
``bench_health``;
``moves`` clones posted invoices in SQL for the last three.
"""

import argparse
from collections import Counter
from contextlib import contextmanager
import cProfile
import io
import pstats
import re
import statistics
import sys
import threading
import time

import odoo
from odoo import Command

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
    "health": (KEY_ACCOUNT_DB,),
}
# Benchmarks sharing the key-account customers of ``bench_partner._setup``.
PARTNER_BENCHMARKS = ("suggest", "partner_write", "partner_search")
# --count when not given: key-account customers of ``bench_partner._setup``;
# aging invoices; commission reconciliations; KPI invoice lines.
PARTNER_COUNT = 300
AGING_COUNT = 100000
COMMISSION_COUNT = 10000
KPI_COUNT = 1000000
HEALTH_COUNT = 10000
# Profiles (--profile): functions listed by cumulative time.
PROFILE_TOP = 30


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
        for order, top in (("cumulative", PROFILE_TOP), ("tottime", 20)):
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
        f"({AGING_COUNT}), commission reconciliations ({COMMISSION_COUNT}), "
        f"KPI invoice lines ({KPI_COUNT}) or health key accounts "
        f"({HEALTH_COUNT})",
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
    # The benchmark modules import this harness: imported here, not above.
    import bench_aging
    import bench_commission
    import bench_confirm
    import bench_health
    import bench_kpi
    import bench_partner

    registries = {}

    def registry(which):
        if which not in registries:
            registries[which] = odoo.modules.registry.Registry(databases[which])
        return registries[which]

    if set(names) & set(PARTNER_BENCHMARKS):
        bench_partner.run_partner_benchmarks(
            registry(KEY_ACCOUNT_DB), names, args.count or PARTNER_COUNT
        )
    if "confirm" in names:
        bench_confirm.run_confirm(registry(KEY_ACCOUNT_DB), registry(PLAIN_DB))
    if "aging" in names:
        bench_aging.run_aging(
            registry(KEY_ACCOUNT_DB), args.count or AGING_COUNT, args.profile
        )
    if "commission" in names:
        bench_commission.run_commission(
            registry(KEY_ACCOUNT_DB), args.count or COMMISSION_COUNT, args.profile
        )
    if "kpi" in names:
        bench_kpi.run_kpi(registry(KEY_ACCOUNT_DB), args.count or KPI_COUNT)
    if "health" in names:
        bench_health.run_health(registry(KEY_ACCOUNT_DB), args.count or HEALTH_COUNT)


if __name__ == "__main__":
    main()
