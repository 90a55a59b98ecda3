"""The figures of ``bench/load`` from Locust's CSV files and Odoo's logs.

    load_report.py USERS OUT_FOLDER
    load_report.py sample DATABASE FILE    (until killed, during a load)

The first reads, in each round's subfolder of OUT_FOLDER (1, 2...), for
key_account and plain: Locust's <name>_stats.csv, _failures.csv and
_exceptions.csv and its log locust-<name>.log, Odoo's log odoo-<name>.log,
the samples sessions-<name>.txt and loadavg-<name>.txt, and prints

    BENCH load users=N rps=R p95_ms=P errors=E p95_ratio=X rps_ratio=Y
    BENCH load_plain users=N rps=R p95_ms=P errors=E
    BENCH load_retries key_account=N plain=N exhausted=N

rps, p95 and the ratios: the median of the rounds (each round's ratio of
its own two runs). errors: failed requests (exhausted retries included)
and exceptions in the scenario, all rounds. retries: requests Odoo ran
again after a serialization failure, a lock not available or a deadlock
(its log lines "..., N tries left"), all rounds.

Then why, over the measured window: from Odoo's access log (each request
names its RPC in its query string), the queries, SQL time and other time
of a request on average, how many workers were busy on average (the
server's own time, queueing left out: near the worker count, it is
saturated), and the same per RPC for the heaviest ones, side by side; from
the samples of ``sample`` (every half second), what the load's database
sessions were doing: running, or waiting and on what (a lock, I/O...).
"""

import collections
import csv
import os
import re
import statistics
import sys
import time

RETRY = re.compile(r"odoo\.service\.model: (\w+), \d+ tries left")
EXHAUSTED = re.compile(r"odoo\.service\.model: \w+, maximum number of tries reached")
CRON_FAILED = re.compile(r"Call from cron .* failed|Job .* failed|ERROR .*ir_cron")
# Odoo's access log line: time ... "POST /jsonrpc?<rpc> ..." status -
# queries SQL-seconds other-seconds.
ACCESS = re.compile(
    r"^(\S+ \S+),\d+ .* werkzeug: .*\"POST /jsonrpc\??(\S*) [^\"]*\" \d+ - "
    r"(\d+) ([\d.]+) ([\d.]+)"
)
WINDOW = re.compile(r"LOAD measured from (\S+ \S+)")
STAMP = "%Y-%m-%d %H:%M:%S"
# RPCs listed side by side, the most server time first.
TOP = 12
NAMES = ("key_account", "plain")


def sample(database, path):
    """Every half second, a line: the time, then per active session of
    ``database`` its wait event type and event ("running:-": none)."""
    import psycopg2

    conn = psycopg2.connect(dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cr, open(path, "w", encoding="utf-8") as file:
        while True:
            cr.execute(
                """SELECT coalesce(wait_event_type, 'running'),
                          coalesce(wait_event, '-')
                     FROM pg_stat_activity
                    WHERE datname = %s AND state = 'active'
                      AND pid != pg_backend_pid()""",
                (database,),
            )
            events = " ".join(f"{kind}:{event}" for kind, event in cr.fetchall())
            file.write(f"{time.time():.1f} {events}\n")
            file.flush()
            time.sleep(0.5)


def _rows(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _lines(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.readlines()


def figures(folder, name):
    [total] = [
        row
        for row in _rows(f"{folder}/{name}_stats.csv")
        if row["Name"] == "Aggregated"
    ]
    exceptions = sum(
        int(row["Count"]) for row in _rows(f"{folder}/{name}_exceptions.csv")
    )
    start = max(
        (
            m.group(1)
            for line in _lines(f"{folder}/locust-{name}.log")
            if (m := WINDOW.search(line))
        ),
        default="",
    )
    log = _lines(f"{folder}/odoo-{name}.log")
    # {rpc: [requests, queries, SQL s, other s]} in the measured window
    rpcs = collections.defaultdict(lambda: [0, 0, 0.0, 0.0])
    stamps = []
    for line in log:
        match = ACCESS.match(line)
        if match and match.group(1) >= start:
            stamps.append(match.group(1))
            totals = rpcs[match.group(2) or "-"]
            totals[0] += 1
            totals[1] += int(match.group(3))
            totals[2] += float(match.group(4))
            totals[3] += float(match.group(5))
    seconds = (
        time.mktime(time.strptime(stamps[-1], STAMP))
        - time.mktime(time.strptime(stamps[0], STAMP))
        if stamps
        else 0
    )
    since = time.mktime(time.strptime(start, STAMP)) if start else 0
    samples, sessions = 0, collections.Counter()
    for line in _lines(f"{folder}/sessions-{name}.txt"):
        stamp, *events = line.split()
        if float(stamp) >= since:
            samples += 1
            sessions.update(events)
    loadavg = "".join(_lines(f"{folder}/loadavg-{name}.txt")).strip()
    return {
        "loadavg": loadavg,
        "requests": int(total["Request Count"]),
        "rps": float(total["Requests/s"]),
        "p95": float(total["95%"]),
        "errors": int(total["Failure Count"]) + exceptions,
        "retries": sum(bool(RETRY.search(line)) for line in log),
        "exhausted": sum(bool(EXHAUSTED.search(line)) for line in log),
        "cron_failures": sum(bool(CRON_FAILED.search(line)) for line in log),
        "failures": _rows(f"{folder}/{name}_failures.csv"),
        "rpcs": rpcs,
        "seconds": seconds or 1,
        "samples": samples,
        "sessions": sessions,
    }


def _mean(totals):
    count, queries, sql, other = totals
    count = count or 1
    sql, other = 1000 * sql / count, 1000 * other / count
    return f"{queries / count:5.0f} q {sql:5.0f}+{other:<5.0f}ms"


def _merged(runs):
    """The figures of the rounds of one database, added up."""
    rpcs = collections.defaultdict(lambda: [0, 0, 0.0, 0.0])
    for run in runs:
        for rpc, totals in run["rpcs"].items():
            rpcs[rpc] = [a + b for a, b in zip(rpcs[rpc], totals, strict=True)]
    return {
        "requests": sum(run["requests"] for run in runs),
        "cron_failures": sum(run["cron_failures"] for run in runs),
        "seconds": sum(run["seconds"] for run in runs),
        "samples": sum(run["samples"] for run in runs),
        "sessions": sum((run["sessions"] for run in runs), collections.Counter()),
        "failures": [row for run in runs for row in run["failures"]],
        "rpcs": rpcs,
    }


def print_why(runs):
    for name, run in runs.items():
        totals = [sum(column) for column in zip(*run["rpcs"].values(), strict=True)]
        totals = totals or [0, 0, 0.0, 0.0]
        print(
            f"  {name}: {run['requests']} requests; a request on the server "
            f"{_mean(totals).strip()} (queries, SQL+other); workers busy "
            f"{(totals[2] + totals[3]) / run['seconds']:.2f}; "
            f"{run['cron_failures']} failed scheduled actions"
        )
        if run["samples"]:
            print(
                "    database sessions active on average: "
                + ", ".join(
                    f"{event} {count / run['samples']:.2f}"
                    for event, count in run["sessions"].most_common(8)
                )
            )
        for row in sorted(run["failures"], key=lambda r: -int(r["Occurrences"])):
            print(f"    {row['Occurrences']:>5} {row['Name']}: {row['Error'][:300]}")
    ka, plain = runs["key_account"]["rpcs"], runs["plain"]["rpcs"]
    print(f"  {'server, per request':50} {'key_account':>26} {'plain':>26}")
    for rpc in sorted(ka, key=lambda rpc: -(ka[rpc][2] + ka[rpc][3]))[:TOP]:
        other = f"{plain[rpc][0]:4d}x {_mean(plain[rpc])}" if rpc in plain else ""
        print(f"  {rpc:50} {ka[rpc][0]:4d}x {_mean(ka[rpc])} {other:>26}")


def main():
    if sys.argv[1] == "sample":
        sample(sys.argv[2], sys.argv[3])
        return
    users, folder = sys.argv[1], sys.argv[2]
    rounds = sorted((entry for entry in os.listdir(folder) if entry.isdigit()), key=int)
    runs = [
        {name: figures(f"{folder}/{round_}", name) for name in NAMES}
        for round_ in rounds
    ]
    ka, plain = ([run[name] for run in runs] for name in NAMES)

    def median(key, side):
        return statistics.median(run[key] for run in side)

    def ratio(key):
        return statistics.median(
            k[key] / p[key] for k, p in zip(ka, plain, strict=True)
        )

    print(
        f"BENCH load users={users} rps={median('rps', ka):.1f} "
        f"p95_ms={median('p95', ka):.0f} "
        f"errors={sum(run['errors'] for run in ka)} "
        f"p95_ratio={ratio('p95'):.2f} rps_ratio={ratio('rps'):.2f}"
    )
    print(
        f"BENCH load_plain users={users} rps={median('rps', plain):.1f} "
        f"p95_ms={median('p95', plain):.0f} "
        f"errors={sum(run['errors'] for run in plain)}"
    )
    print(
        f"BENCH load_retries key_account={sum(run['retries'] for run in ka)} "
        f"plain={sum(run['retries'] for run in plain)} "
        f"exhausted={sum(run['exhausted'] for run in ka + plain)}"
    )
    for round_, k, p in zip(rounds, ka, plain, strict=True):
        print(
            f"  round {round_}: key_account rps={k['rps']:.1f} p95_ms={k['p95']:.0f} "
            f"(load average {k['loadavg']}), plain rps={p['rps']:.1f} "
            f"p95_ms={p['p95']:.0f} (load average {p['loadavg']})"
        )
    print_why({"key_account": _merged(ka), "plain": _merged(plain)})


if __name__ == "__main__":
    main()
