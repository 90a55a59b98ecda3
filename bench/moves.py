"""Posted customer invoices made through the ORM, and their copies made in
bulk SQL (moves, lines, many2many rows): the data of the ``aging``,
``commission`` and ``kpi`` benchmarks."""

from odoo import Command
from odoo.tools import SQL


def _posted_invoices(env, customers, price_step, date, extra):
    """One posted customer invoice per customer: a product line taxed with
    the company's sales tax, of 1,000 + ``price_step`` × its rank, plus the
    values ``extra(customer)``."""
    tax = env.company.account_sale_tax_id
    moves = env["account.move"].create(
        [
            dict(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": date,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Bench",
                                "quantity": 1,
                                "price_unit": 1000.0 + price_step * i,
                                "tax_ids": [Command.set(tax.ids)],
                            }
                        )
                    ],
                },
                **extra(customer),
            )
            for i, customer in enumerate(customers)
        ]
    )
    moves.action_post()
    return moves


def _columns(cr, table):
    cr.execute(
        SQL(
            """SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = %s
                ORDER BY ordinal_position""",
            table,
        )
    )
    return [name for (name,) in cr.fetchall()]


def _copy_rows(cr, table, source, overrides):
    """INSERT INTO ``table`` every column from the row ``t`` of ``source`` (a
    FROM clause), but ``overrides`` (column name -> SQL)."""
    columns = _columns(cr, table)
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(column) for column in columns),
            SQL(", ").join(
                overrides.get(column, SQL.identifier("t", column)) for column in columns
            ),
            source,
        )
    )


def _copy_relations(cr, table, copies):
    """Many2many rows of ``table``'s template rows for their copies: the
    temporary table ``copies`` maps each copy (id) to its template (old_id)."""
    cr.execute(
        SQL(
            """SELECT rel.relname, col.attname, other.attname
                 FROM pg_constraint con
                 JOIN pg_class rel ON rel.oid = con.conrelid
                 JOIN pg_attribute col
                   ON col.attrelid = con.conrelid AND col.attnum = con.conkey[1]
                 JOIN pg_attribute other
                   ON other.attrelid = con.conrelid AND other.attnum > 0
                  AND NOT other.attisdropped AND other.attnum != col.attnum
                WHERE con.contype = 'f' AND con.confrelid = %s::regclass
                  AND cardinality(con.conkey) = 1
                  AND (SELECT count(*) FROM pg_attribute a
                        WHERE a.attrelid = con.conrelid AND a.attnum > 0
                          AND NOT a.attisdropped) = 2""",
            table,
        )
    )
    for rel, column, other in cr.fetchall():
        cr.execute(
            SQL(
                "INSERT INTO %(rel)s (%(column)s, %(other)s)"
                " SELECT c.id, r.%(other)s FROM %(rel)s r"
                " JOIN %(copies)s c ON c.old_id = r.%(column)s",
                rel=SQL.identifier(rel),
                column=SQL.identifier(column),
                other=SQL.identifier(other),
                copies=SQL.identifier(copies),
            )
        )


def _clone_moves(env, copies, templates, count, columns, overrides, line_overrides):
    """``count`` copies of the moves ``templates`` (moves, lines, many2many
    rows) in SQL: copy n (1 to ``count``) of template n mod len(templates).

    The temporary table ``copies`` maps each copy (id) to n, its template
    (old_id) and ``columns`` (name -> SQL of n), which give at least the
    copy's partner_id and name; ``copies``_line maps each line copy (id) to
    its template (old_id) and move (move_id). Columns come from the template
    row ``t`` but ``overrides`` (moves; the copy is ``n``, its customer
    ``p``) and ``line_overrides`` (lines; the line copy is ``c``, its move's
    copy ``n``)."""
    cr = env.cr
    lines = f"{copies}_line"
    env.cr.flush()
    env.flush_all()
    cr.execute(
        SQL(
            """CREATE TEMPORARY TABLE %s ON COMMIT DROP AS
               SELECT nextval('account_move_id_seq')::int AS id, n,
                      (%s::int[])[1 + mod(n, %s)] AS old_id, %s
                 FROM generate_series(1, %s) AS n""",
            SQL.identifier(copies),
            templates.ids,
            len(templates),
            SQL(", ").join(
                SQL("%s AS %s", expression, SQL.identifier(name))
                for name, expression in columns.items()
            ),
            count,
        )
    )
    null = SQL("NULL")
    _copy_rows(
        cr,
        "account_move",
        SQL(
            "%s n JOIN account_move t ON t.id = n.old_id"
            " JOIN res_partner p ON p.id = n.partner_id",
            SQL.identifier(copies),
        ),
        {
            "id": SQL("n.id"),
            "name": SQL("n.name"),
            "sequence_number": SQL("n.n"),
            "partner_id": SQL("n.partner_id"),
            "commercial_partner_id": SQL("n.partner_id"),
            "access_token": null,
            "inalterable_hash": null,
            "secure_sequence_number": null,
            "message_main_attachment_id": null,
            **overrides,
        },
    )
    cr.execute(
        SQL(
            """CREATE TEMPORARY TABLE %s ON COMMIT DROP AS
               SELECT nextval('account_move_line_id_seq')::int AS id,
                      l.id AS old_id, n.id AS move_id
                 FROM %s n
                 JOIN account_move_line l ON l.move_id = n.old_id
                ORDER BY n.id, l.id""",
            SQL.identifier(lines),
            SQL.identifier(copies),
        )
    )
    _copy_rows(
        cr,
        "account_move_line",
        SQL(
            "%s c JOIN account_move_line t ON t.id = c.old_id"
            " JOIN %s n ON n.id = c.move_id",
            SQL.identifier(lines),
            SQL.identifier(copies),
        ),
        {
            "id": SQL("c.id"),
            "move_id": SQL("c.move_id"),
            "partner_id": SQL("n.partner_id"),
            "move_name": SQL("n.name"),
            **line_overrides,
        },
    )
    _copy_relations(cr, "account_move", copies)
    _copy_relations(cr, "account_move_line", lines)


def _delete_moves(env, moves):
    """Delete ``moves`` and their lines in SQL (the templates of clones)."""
    env.cr.execute(
        SQL("DELETE FROM account_move_line WHERE move_id IN %s", tuple(moves.ids))
    )
    env.cr.execute(SQL("DELETE FROM account_move WHERE id IN %s", tuple(moves.ids)))
    env.invalidate_all()


def _pick(values, modulo):
    """SQL: item 1 + n mod ``modulo`` of the list ``values``."""
    return SQL("(%s::int[])[1 + mod(n, %s)]", values, modulo)
