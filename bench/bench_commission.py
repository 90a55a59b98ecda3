"""Benchmark ``commission``: commission lines generated batch by batch for
new reconciliations, against one ``INSERT ... SELECT`` of the same lines."""

from contextlib import closing
import time

from dateutil.relativedelta import relativedelta
from harness import BatchProfile, _spread, _user
from moves import _clone_moves, _delete_moves, _pick, _posted_invoices
import psycopg2

import odoo
from odoo import Command, api, fields
from odoo.tools import SQL

# commission: lines generated for --count reconciliations of key-account
# invoices with bank entries, all cloned and reconciled in SQL, against one
# INSERT ... SELECT computing the same lines.
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
