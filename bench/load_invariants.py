"""Invariants of a key_account database after a load, checked in SQL.

    load_invariants.py DATABASE     prints "INVARIANT <name> PASS|FAIL ...",
                                    exits 1 when one fails

``check(cr)`` returns [(name, failures, description)] for any DB-API cursor
(psycopg2, or an Odoo cursor in a test): each query lists what breaks its
invariant, so none found is a pass. Amounts are compared to the cent.
"""

import sys

# Reconciliations of posted key-account invoices with a payment or a bank or
# cash entry: the collections commission lines follow (as in
# key_account.commission.line._allocation_query, without write-offs).
COLLECTIONS = """
    SELECT p.id AS partial_id, inv.id AS move_id, other.id AS other_id
      FROM account_partial_reconcile p
      JOIN account_move_line dl ON dl.id = p.debit_move_id
      JOIN account_move_line cl ON cl.id = p.credit_move_id
      JOIN account_move inv ON inv.id = dl.move_id
      JOIN account_move other ON other.id = cl.move_id
      JOIN account_journal j ON j.id = other.journal_id
      JOIN res_partner cp ON cp.id = inv.commercial_partner_id
     WHERE inv.move_type = 'out_invoice' AND inv.state = 'posted'
       AND cp.is_key_account
       AND other.move_type = 'entry'
       AND other.key_account_writeoff_id IS NULL
       AND (other.origin_payment_id IS NOT NULL
            OR other.statement_line_id IS NOT NULL
            OR j.type IN ('bank', 'cash'))
       AND other.id IS DISTINCT FROM p.exchange_move_id
"""

QUERIES = {
    # Every commission line comes from one reconciliation of its invoice
    # (a reversal from one that was undone), or from one approved expense
    # claim that points back to it.
    "commission_line_traceable": (
        "commission lines without their reconciliation or claim",
        f"""
        WITH collection AS ({COLLECTIONS})
        SELECT line.id
          FROM key_account_commission_line line
         WHERE CASE line.origin
               WHEN 'collection' THEN
                   CASE WHEN line.is_reversal THEN
                       line.partial_id IS NOT NULL
                       OR EXISTS (SELECT 1 FROM account_partial_reconcile p
                                   WHERE p.id = line.allocation_ref)
                       OR NOT EXISTS (
                           SELECT 1 FROM key_account_commission_line given
                            WHERE given.allocation_ref = line.allocation_ref
                              AND given.origin = 'collection'
                              AND NOT given.is_reversal)
                   ELSE
                       line.partial_id IS DISTINCT FROM line.allocation_ref
                       OR NOT EXISTS (
                           SELECT 1 FROM collection c
                            WHERE c.partial_id = line.allocation_ref
                              AND c.move_id = line.move_id
                              AND c.other_id = line.payment_move_id)
                   END
               WHEN 'claim' THEN
                   line.claim_id IS DISTINCT FROM line.allocation_ref
                   OR NOT EXISTS (
                       SELECT 1 FROM key_account_expense_claim claim
                        WHERE claim.id = line.claim_id
                          AND claim.line_id = line.id
                          AND claim.state IN ('approved', 'billed'))
               ELSE FALSE END
        """,
    ),
    # ... and every collection has its lines: none was lost.
    "collection_has_lines": (
        "collections of key-account invoices without commission lines",
        f"""
        SELECT c.partial_id
          FROM ({COLLECTIONS}) c
         WHERE NOT EXISTS (
                   SELECT 1 FROM key_account_commission_line line
                    WHERE line.allocation_ref = c.partial_id
                      AND line.origin = 'collection' AND NOT line.is_reversal)
        """,
    ),
    # One line per reconciliation, kind and beneficiary.
    "commission_line_unique": (
        "reconciliations with two lines for one beneficiary and kind",
        """
        SELECT allocation_ref, origin, kind, role, user_id, is_reversal
          FROM key_account_commission_line
         GROUP BY allocation_ref, origin, kind, role, user_id, is_reversal
        HAVING count(*) > 1
        """,
    ),
    # Per invoice and rate, the lines add up to the rate times the base
    # collected so far: the untaxed share of what was collected (the
    # company's default base), the rep's and the executive's shares
    # together, the KA head's and the customer's apart.
    "commission_total_rate_x_collected": (
        "invoices whose lines do not add up to rate x collected",
        """
        WITH allocation AS (
            SELECT move_id, allocation_ref, is_reversal,
                   max(collected_amount) AS collected
              FROM key_account_commission_line
             WHERE origin = 'collection' AND state != 'cancelled'
             GROUP BY move_id, allocation_ref, is_reversal
        ), collected AS (
            SELECT move_id, sum(collected) AS amount
              FROM allocation GROUP BY move_id
        ), share AS (
            SELECT move_id,
                   CASE WHEN kind = 'commission' AND role IN ('rep', 'executive')
                        THEN 'commission' ELSE kind || '/' || role END AS share,
                   min(rate) AS rate, max(rate) AS max_rate, sum(amount) AS amount
              FROM key_account_commission_line
             WHERE origin = 'collection' AND state != 'cancelled'
             GROUP BY 1, 2
        )
        SELECT s.move_id, s.share, s.amount, s.rate, c.amount
          FROM share s
          JOIN collected c ON c.move_id = s.move_id
          JOIN account_move m ON m.id = s.move_id
         WHERE s.rate != s.max_rate
            OR abs(s.amount - round(
                   round(abs(m.amount_untaxed_signed)
                         * least(c.amount / nullif(m.amount_total, 0), 1), 2)
                   * s.rate::numeric / 100, 2)) > 0.01
        """,
    ),
    # Every confirmed key-account order went through its approvals: it has
    # reviews, all approved.
    "confirmed_order_approved": (
        "confirmed key-account orders without all their approvals",
        """
        SELECT o.id
          FROM sale_order o
         WHERE o.state = 'sale' AND o.key_account_needs_approval
           AND (NOT EXISTS (SELECT 1 FROM tier_review r
                             WHERE r.model = 'sale.order' AND r.res_id = o.id
                               AND r.active)
                OR EXISTS (SELECT 1 FROM tier_review r
                            WHERE r.model = 'sale.order' AND r.res_id = o.id
                              AND r.active AND r.status != 'approved'))
        """,
    ),
    # A billed settlement has its bill, of its total, and its lines are
    # settled; the others have no bill and their lines are still to settle;
    # a settlement's total is its lines'.
    "settlement_with_bill": (
        "settlements without their bill, or lines in the wrong state",
        """
        SELECT s.id
          FROM key_account_settlement s
          LEFT JOIN account_move bill ON bill.id = s.bill_id
         WHERE s.state != 'cancelled' AND (
                   (s.state = 'billed') != (bill.id IS NOT NULL)
                OR (s.state = 'billed'
                    AND abs(bill.amount_total - s.amount_total) > 0.005)
                OR abs(s.amount_total - (
                       SELECT coalesce(sum(amount), 0)
                         FROM key_account_commission_line line
                        WHERE line.settlement_id = s.id)) > 0.005
                OR EXISTS (SELECT 1 FROM key_account_commission_line line
                            WHERE line.settlement_id = s.id
                              AND line.state != CASE s.state WHEN 'billed'
                                  THEN 'settled' ELSE 'to_settle' END))
        """,
    ),
    # No key-account scheduled action stopped half-way: the last run of each
    # left nothing to do and none failed (Odoo's own, such as the e-mail
    # queue that the load keeps filling, are not the addon's); the
    # settlement settled last month and the tier suggestion went through
    # every key account.
    "cron_not_half_done": (
        "scheduled actions left half-done",
        """
        SELECT 'progress', c.id
          FROM ir_cron c
          JOIN ir_model_data d
            ON d.model = 'ir.cron' AND d.res_id = c.id AND d.module = 'key_account'
          JOIN LATERAL (SELECT remaining FROM ir_cron_progress p
                         WHERE p.cron_id = c.id
                         ORDER BY p.id DESC LIMIT 1) last ON TRUE
         WHERE last.remaining > 0 OR c.failure_count > 0
        UNION ALL
        SELECT 'settlement', line.user_id
          FROM key_account_commission_line line
          JOIN ir_model_data d
            ON d.module = 'key_account' AND d.name = 'ir_cron_settlement'
          JOIN ir_cron c ON c.id = d.res_id AND c.lastcall IS NOT NULL
         WHERE line.state = 'to_settle' AND line.settlement_id IS NULL
           AND line.kind IN ('commission', 'fixed') AND line.user_id IS NOT NULL
           AND line.create_date < c.lastcall
           AND line.date < date_trunc('month', c.lastcall)
         GROUP BY line.company_id, line.user_id
        HAVING sum(line.amount) > 0
        UNION ALL
        SELECT 'suggestion', p.id
          FROM res_partner p
          JOIN ir_model_data d
            ON d.module = 'key_account' AND d.name = 'ir_cron_tier_suggestion'
          JOIN ir_cron c ON c.id = d.res_id AND c.lastcall IS NOT NULL
         WHERE p.is_key_account AND p.is_company AND p.active
           AND p.create_date < c.lastcall
           AND (p.key_account_suggestion_date IS NULL
                OR p.key_account_suggestion_date < date_trunc('month', c.lastcall))
        """,
    ),
}


def _orphan_reviews(cr):
    """Reviews whose document is gone, for each model reviewed."""
    cr.execute("SELECT DISTINCT model FROM tier_review")
    orphans = []
    for (model,) in cr.fetchall():
        table = model.replace(".", "_")
        cr.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_name = %s", (table,)
        )
        if not cr.fetchone():
            cr.execute("SELECT id FROM tier_review WHERE model = %s", (model,))
        else:
            cr.execute(
                f'SELECT r.id FROM tier_review r LEFT JOIN "{table}" doc'
                " ON doc.id = r.res_id WHERE r.model = %s AND doc.id IS NULL",
                (model,),
            )
        orphans += cr.fetchall()
    return orphans


def check(cr):
    """[(name, failing rows, description)] of every invariant."""
    results = []
    for name, (description, query) in QUERIES.items():
        cr.execute(query)
        results.append((name, cr.fetchall(), description))
    results.append(
        ("review_has_document", _orphan_reviews(cr), "reviews without a document")
    )
    return results


def main():
    import psycopg2

    with psycopg2.connect(dbname=sys.argv[1]) as conn, conn.cursor() as cr:
        results = check(cr)
    failed = False
    for name, rows, description in results:
        if rows:
            failed = True
            print(f"INVARIANT {name} FAIL {len(rows)} {description}: {rows[:5]}")
        else:
            print(f"INVARIANT {name} PASS")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
