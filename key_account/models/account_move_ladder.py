# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, create_index

from ..tools import cutoff_stage, ladder_cutoffs, rising_ranges, stage_rank

STAGE_SELECTION = [
    ("current", "Current"),
    ("monitor", "Key Monitoring"),
    ("progress", "Weekly Collection Notes"),
    ("writeoff", "Write-Off Possible"),
]
# Payment states of an invoice still to collect.
OPEN_PAYMENT_STATES = ("not_paid", "partial")


class AccountMove(models.Model):
    """Overdue ladder of key-account receivables (SPEC R38-R41).

    An invoice's stage is where the ladder's last run left it: its due
    date against the cutoffs of that run, stored on its company. A run
    moves the cutoffs to today's and notifies the invoices whose due
    dates they passed: it reads those, and writes no invoice. The
    notices are in ``account_move_ladder_notice``."""

    _inherit = "account.move"

    # === FIELDS === #
    key_account_aging_stage = fields.Selection(
        STAGE_SELECTION,
        string="Overdue Stage",
        compute="_compute_key_account_aging_stage",
        search="_search_key_account_aging_stage",
        help="Where the daily overdue ladder left this key-account invoice: "
        "key monitoring, weekly collection notes, write-off possible.",
    )
    key_account_customer = fields.Boolean(
        related="commercial_partner_id.is_key_account",
        string="Key-Account Customer",
        store=True,
        help="The customer is a key account: the invoice is on the overdue "
        "ladder while open.",
    )
    key_account_collection_note_ids = fields.One2many(
        "key_account.collection.note",
        "invoice_id",
        string="Collection Notes",
        groups="key_account.group_key_account_rep,account.group_account_invoice,"
        "account.group_account_readonly",
        help="The rep's weekly notes on collecting this receivable.",
    )
    key_account_progress_date = fields.Datetime(
        string="Last Collection Note",
        compute="_compute_key_account_progress_date",
        store=True,
    )

    # === COMPUTE METHODS === #
    @api.depends(
        "move_type",
        "state",
        "payment_state",
        "key_account_customer",
        "invoice_date_due",
        "company_id.key_account_ladder_monitor_cutoff",
        "company_id.key_account_ladder_progress_cutoff",
        "company_id.key_account_ladder_writeoff_cutoff",
    )
    def _compute_key_account_aging_stage(self):
        for move in self:
            if (
                move.move_type != "out_invoice"
                or move.state != "posted"
                or not move.key_account_customer
            ):
                move.key_account_aging_stage = False
            elif move.payment_state not in OPEN_PAYMENT_STATES:
                move.key_account_aging_stage = "current"
            else:
                move.key_account_aging_stage = cutoff_stage(
                    move.invoice_date_due,
                    move.company_id._key_account_ladder_cutoffs(),
                )

    def _search_key_account_aging_stage(self, operator, value):
        if operator in ("=", "!="):
            operator = "in" if operator == "=" else "not in"
            value = [value]
        if operator not in ("in", "not in"):
            raise UserError(
                self.env._("Search the overdue stage with =, !=, in or not in.")
            )
        wanted = {stage or False for stage in value}
        everything = {False, *(stage for stage, _label in STAGE_SELECTION)}
        if operator == "not in":
            wanted = everything - wanted
        companies = (
            self.env["res.company"]
            .sudo()
            .search([("key_account_ladder_monitor_cutoff", "!=", False)])
        )
        return expression.OR(
            [self._key_account_stage_domain(stage, companies) for stage in wanted]
            or [expression.FALSE_DOMAIN]
        )

    @api.depends("key_account_collection_note_ids.date")
    def _compute_key_account_progress_date(self):
        for move in self:
            move.key_account_progress_date = max(
                move.key_account_collection_note_ids.mapped("date"), default=False
            )

    # Database
    def _auto_init(self):
        # Filled in SQL on install or upgrade rather than computed invoice
        # by invoice by the ORM.
        cr = self.env.cr
        if not column_exists(cr, self._table, "key_account_customer"):
            create_column(cr, self._table, "key_account_customer", "boolean")
            if column_exists(cr, "res_partner", "is_key_account"):
                cr.execute(
                    SQL(
                        """UPDATE account_move m SET key_account_customer = TRUE
                             FROM res_partner p
                            WHERE p.id = m.commercial_partner_id AND p.is_key_account"""
                    )
                )
        return super()._auto_init()

    def init(self):
        result = super().init()
        # The overdue ladder's daily run reads the open key-account invoices
        # of the due dates passing a level that day: ranges of this index.
        create_index(
            self.env.cr,
            "account_move_key_account_ladder_index",
            self._table,
            ["invoice_date_due"],
            where=self.env.cr.mogrify(self._key_account_ladder_sql(None)).decode(),
        )
        return result

    # === BUSINESS METHODS === #
    @api.model
    def _key_account_stage_domain(self, stage, companies):
        """Domain of the invoices in ``stage`` (False: off the ladder), the
        ladder having last run for ``companies``."""
        if not stage:
            return expression.OR(
                [
                    [("move_type", "!=", "out_invoice")],
                    [("state", "!=", "posted")],
                    [("key_account_customer", "!=", True)],
                ]
            )
        ladder = [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("key_account_customer", "=", True),
        ]
        rank = stage_rank(stage)
        by_company = []
        for company in companies:
            # Stage N: due on or before the Nth cutoff, after the next one.
            cutoffs = (None, *company._key_account_ladder_cutoffs(), None)
            above, up_to = cutoffs[rank + 1], cutoffs[rank]
            by_company.append(
                [("company_id", "=", company.id)]
                + ([("invoice_date_due", ">", above)] if above else [])
                + ([("invoice_date_due", "<=", up_to)] if up_to else [])
            )
        if stage != "current":
            return expression.AND(
                [
                    ladder,
                    [("payment_state", "in", OPEN_PAYMENT_STATES)],
                    expression.OR(by_company or [expression.FALSE_DOMAIN]),
                ]
            )
        return expression.AND(
            [
                ladder,
                expression.OR(
                    [
                        [("payment_state", "not in", OPEN_PAYMENT_STATES)],
                        [("invoice_date_due", "=", False)],
                        [("company_id", "not in", companies.ids)],
                        *by_company,
                    ]
                ),
            ]
        )

    @api.model
    def _key_account_stage_sql(self, cutoffs, move="m"):
        """SQL of the stage an invoice (alias ``move``) has by ``cutoffs``
        (a day's ``ladder_cutoffs``; None: ``current``): ``cutoff_stage`` in
        SQL, the same at every boundary."""
        if not cutoffs:
            return SQL("'current'")
        due = SQL.identifier(move, "invoice_date_due")
        return SQL(
            """CASE WHEN NOT (%(open)s) OR %(due)s IS NULL THEN 'current'
                    WHEN %(due)s <= %(writeoff)s THEN 'writeoff'
                    WHEN %(due)s <= %(progress)s THEN 'progress'
                    WHEN %(due)s <= %(monitor)s THEN 'monitor'
                    ELSE 'current' END""",
            open=self._key_account_ladder_sql(move),
            due=due,
            monitor=cutoffs[0],
            progress=cutoffs[1],
            writeoff=cutoffs[2],
        )

    @api.model
    def _key_account_ladder_sql(self, move="m"):
        """SQL: the invoice (alias ``move``; None: no alias) is on the overdue
        ladder, an open posted invoice of a key account. Also the predicate
        of the ladder's partial index (``init``): the cron's queries repeat it
        word for word, so that PostgreSQL uses the index."""
        return SQL(
            "%s = 'out_invoice' AND %s = 'posted' AND %s IN %s AND %s IS TRUE",
            self._key_account_column(move, "move_type"),
            self._key_account_column(move, "state"),
            self._key_account_column(move, "payment_state"),
            OPEN_PAYMENT_STATES,
            self._key_account_column(move, "key_account_customer"),
        )

    @api.model
    def _key_account_column(self, alias, name):
        return SQL.identifier(alias, name) if alias else SQL.identifier(name)

    @api.model
    def _cron_key_account_aging(self, batch_size=None):
        """Daily: move key-account invoices along the overdue ladder. One
        query finds the invoices whose stage rises since the last run, then
        batches of them are notified with a constant number of queries each;
        one notice to each KA head sums up the run; each company keeps
        today's cutoffs. Re-running the same day finds nothing."""
        today = fields.Date.context_today(self)
        batch_size = batch_size or self.env.company.key_account_aging_batch
        moves = self._key_account_ladder_moves(today)
        rises = self._key_account_rises(moves)
        for start in range(0, len(rises), batch_size):
            self._key_account_notify_rises(rises[start : start + batch_size])
            self.env["ir.cron"]._notify_progress(
                done=min(len(rises), start + batch_size),
                remaining=max(0, len(rises) - start - batch_size),
            )
        self._key_account_notify_heads(rises)
        for (_old, new), companies in moves.items():
            companies._key_account_set_ladder_cutoffs(new)

    @api.model
    def _key_account_ladder_moves(self, today):
        """The companies whose ladder moves today, by (cutoffs of the last
        run or None, today's cutoffs). Runs as the daily cron (superuser)."""
        moves = defaultdict(lambda: self.env["res.company"])
        for company in self.env["res.company"].search([]):
            old = company._key_account_ladder_cutoffs()
            new = ladder_cutoffs(
                today,
                company._key_account_ladder_levels(),
                company.key_account_aging_unit,
            )
            if old != new:
                moves[old, new] |= company
        return moves

    @api.model
    def _key_account_rises(self, moves):
        """The open key-account invoices whose stage rises as the ladder
        ``moves`` (``_key_account_ladder_moves``): dicts of ``id``, ``old``
        and new ``stage`` and what the notices need, grouped by customer so
        that a customer's invoices share a batch and its notices. One
        read-only query on index ranges of due dates: those the cutoffs
        passed."""
        branches = []
        for (old, new), companies in moves.items():
            ranges = rising_ranges(old, new)
            if not ranges:
                continue
            due = SQL.identifier("m", "invoice_date_due")
            passed = SQL(" OR ").join(
                SQL("(%s > %s AND %s <= %s)", due, after, due, up_to)
                if after
                else SQL("%s <= %s", due, up_to)
                for after, up_to in ranges
            )
            branches.append(
                SQL(
                    """SELECT m.id, %s AS old, %s AS stage, m.name,
                              m.invoice_date_due, m.invoice_user_id, m.company_id,
                              m.commercial_partner_id
                         FROM account_move m
                        WHERE m.company_id IN %s AND %s AND (%s)""",
                    self._key_account_stage_sql(old),
                    self._key_account_stage_sql(new),
                    tuple(companies.ids),
                    self._key_account_ladder_sql(),
                    passed,
                )
            )
        if not branches:
            return []
        self.env.flush_all()
        self.env.cr.execute(SQL(" UNION ALL ").join(branches))
        return sorted(
            (
                row
                for row in self.env.cr.dictfetchall()
                if stage_rank(row["stage"]) > stage_rank(row["old"])
            ),
            key=lambda row: (row["commercial_partner_id"], row["id"]),
        )
