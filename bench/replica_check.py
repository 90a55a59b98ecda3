"""The reports' reads against an Odoo server whose replica is a PostgreSQL
standby (``bench/replica`` starts both): which server ran what.

For each check, pg_stat_statements is reset on both servers, the check's
requests are made as the demo director (JSON-RPC ``call_kw`` as the web
client sends it, or the HTTP report route), then this prints:

- each request's cursor mode from Odoo's request log (Odoo writes it when a
  replica is set): ``ro`` served on the standby, ``rw`` on the primary,
  ``ro->rw`` started on the standby, met a write, run again on the primary;
- the statements each server ran that read the check's tables.

A check fails when a request Odoo routes to the standby writes (``ro->rw``,
or Odoo's "retrying with a read/write cursor" warning) or when its tables
are read on the primary while Odoo routes it to the standby.

Also ``replica_check.py --sql HOST PORT DB QUERY``: the first column of the
first row of QUERY (for the shell script, without a psql client).
"""

import argparse
import json
import re
import sys
import time

import psycopg2
import requests

# Requests whose route Odoo 18 marks read-only: served on the standby.
READONLY, PRIMARY = "standby", "primary"
DIRECTOR = ("ka_director", "ka_director")
REQUEST_LINE = re.compile(
    r'"(?P<method>GET|POST) (?P<path>\S+) HTTP/[0-9.]+" (?P<status>\d+) '
    r"\S+ \S+ \S+ \S+ (?P<mode>ro->rw|ro|rw|-)"
)


def sql(host, port, dbname, query, params=None):
    connection = psycopg2.connect(host=host, port=port, dbname=dbname)
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else []
    finally:
        connection.close()


class Server:
    """One PostgreSQL server and its statement statistics for the database."""

    def __init__(self, name, host, port, dbname):
        self.name, self.host, self.port, self.dbname = name, host, port, dbname

    def reset(self):
        sql(self.host, self.port, self.dbname, "SELECT pg_stat_statements_reset()")

    def statements(self):
        """[(calls, query)] of the database since the last reset."""
        return sql(
            self.host,
            self.port,
            self.dbname,
            """SELECT s.calls, s.query FROM pg_stat_statements s
                 JOIN pg_database d ON d.oid = s.dbid
                WHERE d.datname = current_database()
                  AND s.query NOT ILIKE '%%pg_stat_statements%%'
                ORDER BY s.calls DESC, s.query""",
        )

    def lsn(self, standby):
        function = "pg_last_wal_replay_lsn()" if standby else "pg_current_wal_lsn()"
        return sql(self.host, self.port, "postgres", f"SELECT {function}")[0][0]


class Client:
    """The web client's requests, as a logged-in user."""

    def __init__(self, url, dbname, login, password):
        self.url, self.session = url, requests.Session()
        result = self.jsonrpc(
            "/web/session/authenticate",
            {"db": dbname, "login": login, "password": password},
        )
        if not result.get("uid"):
            raise SystemExit(f"cannot log in as {login}")

    def jsonrpc(self, path, params):
        response = self.session.post(
            self.url + path,
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
            timeout=600,
        )
        response.raise_for_status()
        body = response.json()
        if body.get("error"):
            error = body["error"].get("data", {})
            raise SystemExit(
                f"{path}: {error.get('name')}: {error.get('message')}\n"
                f"{error.get('debug', '')[-3000:]}"
            )
        return body["result"]

    def call(self, model, method, *args, **kwargs):
        return self.jsonrpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def get(self, path, **params):
        response = self.session.get(self.url + path, params=params, timeout=600)
        response.raise_for_status()
        return response


class Log:
    """Odoo's log, read from where the last check left it."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as log:
            log.seek(0, 2)
            self.offset = log.tell()

    def new_lines(self):
        time.sleep(0.5)  # the request line is written after the response
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            text = log.read().decode("utf-8", "replace")
            self.offset = log.tell()
        return text.splitlines()


def wait_for(url, seconds=300):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            requests.get(url + "/web/webclient/version_info", timeout=5)
            return
        except requests.RequestException:
            time.sleep(1)
    raise SystemExit(f"Odoo did not answer on {url}")


def catch_up(primary, standby, seconds=120):
    """Wait until the standby replayed what the primary wrote so far."""
    target = primary.lsn(False)
    deadline = time.time() + seconds
    while time.time() < deadline:
        done = sql(
            standby.host,
            standby.port,
            "postgres",
            "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn",
            [target],
        )[0][0]
        if done:
            return
        time.sleep(0.2)
    raise SystemExit("the standby does not catch up with the primary")


def checks(client):
    """(name, where Odoo 18 serves it, tables read, function making the
    requests)."""
    director = client["director"]
    partners = director.call(
        "res.partner",
        "search_read",
        [("is_key_account", "=", True), ("is_company", "=", True)],
        ["id"],
        limit=1,
        order="id",
    )
    # One customer a PDF: Debian's wkhtmltopdf (unpatched Qt) renders one
    # document a call.
    partner_ids = str(partners[0]["id"])

    def kpi():
        director.call(
            "key_account.kpi.report",
            "web_read_group",
            [],
            ["sales_amount:sum", "collected_amount:sum", "target_amount:sum"],
            ["user_id", "date:month"],
            lazy=False,
        )
        director.call(
            "key_account.kpi.report",
            "web_search_read",
            [],
            {
                "date": {},
                "user_id": {"fields": {"display_name": {}}},
                "sales_amount": {},
            },
            limit=80,
        )

    def aging():
        director.call(
            "key_account.aging.report",
            "web_read_group",
            [],
            ["amount_residual:sum", "amount_monitor:sum"],
            ["partner_id", "bucket"],
            lazy=False,
        )
        director.call(
            "key_account.aging.report",
            "web_search_read",
            [],
            {
                "move_id": {"fields": {"display_name": {}}},
                "partner_id": {"fields": {"display_name": {}}},
                "bucket": {},
                "amount_residual": {},
            },
            limit=80,
        )

    def commissions():
        director.call(
            "key_account.commission.line",
            "read_group",
            [],
            ["amount:sum"],
            ["user_id", "kind"],
            lazy=False,
        )
        director.call(
            "key_account.commission.line",
            "web_read_group",
            [],
            ["amount:sum"],
            ["date:month"],
        )

    def review_pdf():
        pdf = director.get(
            f"/report/pdf/key_account.report_key_account_review/{partner_ids}"
        )
        assert pdf.content.startswith(b"%PDF"), pdf.content[:200]

    def review_download():
        url = f"/report/pdf/key_account.report_key_account_review/{partner_ids}"
        pdf = director.get(
            "/report/download", data=json.dumps([url, "qweb-pdf"]), context="{}"
        )
        assert pdf.content.startswith(b"%PDF"), pdf.content[:200]

    def digests():
        found = director.call(
            "key_account.report.digest",
            "web_search_read",
            [],
            {"kind": {}, "user_id": {"fields": {"display_name": {}}}, "state": {}},
            limit=80,
        )
        ids = [record["id"] for record in found["records"]]
        assert ids, "no scheduled report to read"
        director.call(
            "key_account.report.digest",
            "web_read",
            ids[:5],
            {"body_html": {}, "order_amount": {}, "overdue_amount": {}},
        )
        pdf = director.get(
            f"/report/pdf/key_account.report_key_account_digest/{ids[0]}"
        )
        assert pdf.content.startswith(b"%PDF"), pdf.content[:200]

    def smart_buttons():
        partner = partners[0]["id"]
        director.jsonrpc(
            "/web/dataset/call_button/res.partner/action_view_key_account_commissions",
            {
                "model": "res.partner",
                "method": "action_view_key_account_commissions",
                "args": [[partner]],
                "kwargs": {},
            },
        )
        director.call(
            "key_account.commission.line",
            "web_search_read",
            [("partner_id", "=", partner)],
            {"amount": {}, "kind": {}},
            limit=80,
        )

    return [
        (
            "customer_commissions_button",
            READONLY,
            ("key_account_commission_line",),
            smart_buttons,
        ),
        ("kpi_overview", READONLY, ("key_account_kpi_report",), kpi),
        ("aging_report", READONLY, ("key_account_aging_report",), aging),
        (
            "commission_analysis",
            READONLY,
            ("key_account_commission_line",),
            commissions,
        ),
        ("review_pdf", READONLY, ("account_move", "key_account_visit"), review_pdf),
        (
            "review_pdf_download",
            PRIMARY,
            ("account_move", "key_account_visit"),
            review_download,
        ),
        ("digests", READONLY, ("key_account_report_digest",), digests),
    ]


def reading(statements, tables):
    """Calls of the statements reading one of ``tables``."""
    pattern = re.compile(r"\b(FROM|JOIN)\s+\"?(%s)\"?\b" % "|".join(tables), re.I)
    return sum(calls for calls, query in statements if pattern.search(query))


def writing(statements):
    return [
        (calls, query)
        for calls, query in statements
        if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", query, re.I)
    ]


def main():
    if sys.argv[1:2] == ["--sql"]:
        host, port, dbname, query = sys.argv[2:6]
        rows = sql(host, port, dbname, query)
        print(rows[0][0] if rows else "")
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--primary", nargs=2, required=True)
    parser.add_argument("--standby", nargs=2, required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    primary = Server("primary", *args.primary, args.database)
    standby = Server("standby", *args.standby, args.database)
    wait_for(args.url)
    log = Log(args.log)
    client = {"director": Client(args.url, args.database, *DIRECTOR)}
    failures = []
    for name, expected, tables, run in checks(client):
        catch_up(primary, standby)
        log.new_lines()
        primary.reset()
        standby.reset()
        run()
        lines = log.new_lines()
        modes = [
            (match["mode"], match["path"].split("?")[0])
            for match in map(REQUEST_LINE.search, lines)
            if match
        ]
        retried = [
            line for line in lines if "retrying with a read/write cursor" in line
        ]
        on_primary, on_standby = primary.statements(), standby.statements()
        report_primary = reading(on_primary, tables)
        report_standby = reading(on_standby, tables)
        print(
            f"REPLICA {name} expected={expected} "
            f"requests={','.join(mode for mode, _path in modes)} "
            f"standby_reads={report_standby} primary_reads={report_primary} "
            f"standby_statements={sum(c for c, _q in on_standby)} "
            f"primary_statements={sum(c for c, _q in on_primary)} "
            f"primary_writes={sum(c for c, _q in writing(on_primary))}"
        )
        for mode, path in modes:
            print(f"  {mode:6} {path}")
        for calls, query in on_primary:
            print(f"  primary {calls:4} {' '.join(query.split())[:150]}")
        for line in retried:
            print(f"  RETRIED {line[:300]}")
        if expected == READONLY and (
            retried
            or any(
                mode != "ro"
                for mode, path in modes
                if "/report/" in path or "call_kw" in path
            )
            or report_primary
            or not report_standby
        ):
            failures.append(name)
    print(f"REPLICA result={'FAILED ' + ','.join(failures) if failures else 'ok'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
