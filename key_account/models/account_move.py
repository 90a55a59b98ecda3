# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter, defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id
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
# Transaction cache key: the moves ``_reverse_moves`` is reversing, whose
# reversals may name them in ``reversed_entry_id``.
REVERSING = "key_account_reversing_moves"


# What a generated bill pays: fixed by the document that approved it.
BILL_TERMS = {
    "partner_id",
    "commercial_partner_id",
    "partner_bank_id",
    "invoice_line_ids",
    "line_ids",
    "currency_id",
    "move_type",
    "company_id",
    "journal_id",
    "invoice_payment_term_id",
    "fiscal_position_id",
}
# Documents whose ``bill_id`` is a vendor bill they generated.
BILLING_MODELS = (
    "key_account.settlement",
    "key_account.expense.claim",
    "key_account.entertainment",
    "key_account.gift",
)


class AccountMove(models.Model):
    """Overdue ladder of key-account receivables (SPEC R38-R41)."""

    _inherit = "account.move"

    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {
        "action_key_account_commission_lines": (None, ("reader",)),
        "button_draft": (None, ("billing",)),
        "button_cancel": (None, ("billing",)),
    }
    # Customers listed by name in the KA head's notice of a ladder run.
    _key_account_notice_customers = 30

    # Fields
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

    # Set only by the approved write-off request's own methods (as the
    # system): an entry naming a request may settle key-account invoices.
    key_account_writeoff_id = fields.Many2one(
        "key_account.writeoff.request",
        string="Write-Off Request",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    # Fields: commissions on collected amounts (SPEC R27-R33). The rep is
    # Odoo's ``invoice_user_id``; rep and executive come from the invoice,
    # never from the customer at payment time (R29).
    key_account_executive_id = fields.Many2one(
        "res.users",
        string="Account Executive",
        compute="_compute_key_account_executive_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        help="Earns the account executive's share of the commission on what "
        "this invoice collects.",
    )
    key_account_commission_rate = fields.Float(
        string="Special Commission Rate (%)",
        digits=(16, 4),
        help="Approved on the order; empty: the commission rules apply.",
    )
    key_account_rebate_rate = fields.Float(
        string="Customer Rebate (%)",
        digits=(16, 4),
        help="Accrued to the customer on each collection (SPEC R33).",
    )
    key_account_commission_line_ids = fields.One2many(
        "key_account.commission.line", "move_id", string="Commission Lines"
    )
    key_account_commission_count = fields.Integer(
        compute="_compute_key_account_commission_count",
        string="Commission Line Count",
    )

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

    # Computes
    @api.depends("key_account_collection_note_ids.date")
    def _compute_key_account_progress_date(self):
        for move in self:
            move.key_account_progress_date = max(
                move.key_account_collection_note_ids.mapped("date"), default=False
            )

    @api.depends("partner_id")
    def _compute_key_account_executive_id(self):
        for move in self:
            if move.state == "draft" and move.is_sale_document(include_receipts=True):
                move.key_account_executive_id = (
                    move.partner_id.commercial_partner_id.key_account_executive_id
                )
            else:  # posted invoices keep their executive
                move.key_account_executive_id = move.key_account_executive_id

    def _compute_key_account_commission_count(self):
        counts = dict(
            self.env["key_account.commission.line"]._read_group(
                [("move_id", "in", self.ids)], ["move_id"], ["__count"]
            )
        )
        for move in self:
            move.key_account_commission_count = counts.get(move, 0)

    def action_key_account_commission_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_commission_line"
        )
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {"search_default_group_by_user": 1}
        return action

    # CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._key_account_check_commission_terms(vals)
            self._key_account_check_links(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._key_account_check_commission_terms(vals, self)
        self._key_account_check_links(vals, self)
        if BILL_TERMS & set(vals) and not self.env.su:
            self._key_account_check_bill_terms()
        if "state" in vals and not self.env.su:
            self.filtered(
                lambda m: m.state != vals["state"] and vals["state"] != "posted"
            )._key_account_check_undo()
        return super().write(vals)

    def _key_account_check_links(self, vals, moves=None):
        """What proves a write-off is the approved request, never a field a
        user sets: the link to a write-off request is written by the
        request's own methods only (as the system), and an entry names the
        move it reverses only when ``_reverse_moves`` creates it (SPEC R42)."""
        if self.env.su:
            return

        def changed(name):
            if name not in vals:
                return False
            if moves is None:
                return bool(vals[name])
            return any(m[name].id != (vals[name] or False) for m in moves)

        if changed("key_account_writeoff_id"):
            raise AccessError(
                self.env._(
                    "A write-off entry is created by its approved write-off "
                    "request only."
                )
            )
        if changed("reversed_entry_id") and vals[
            "reversed_entry_id"
        ] not in self.env.cr.cache.get(REVERSING, ()):
            raise AccessError(
                self.env._("An entry reverses another only through the Reverse action.")
            )

    def _key_account_check_commission_terms(self, vals, moves=None):
        """Commission and rebate rates come from the approved order; the
        executive is locked once the invoice is posted. Only accounting may
        change them, whatever the caller (R29, R33)."""
        if self.env.su or self.env.user.has_group("account.group_account_invoice"):
            return
        changed = [
            name
            for name in ("key_account_commission_rate", "key_account_rebate_rate")
            if name in vals
            and (
                any(m[name] != vals[name] for m in moves)
                if moves is not None
                else vals[name]
            )
        ]
        if (
            "key_account_executive_id" in vals
            and moves
            and any(
                m.state != "draft"
                and m.key_account_executive_id.id != vals["key_account_executive_id"]
                for m in moves
            )
        ):
            changed.append("key_account_executive_id")
        if changed:
            raise UserError(
                self.env._(
                    "Only accounting can change the commission terms of an "
                    "invoice: %s.",
                    ", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        for name in changed
                    ),
                )
            )

    # Documents of key-account workflows, undone only through the workflow:
    # write-off entries (SPEC R42) by reversing them, their reversals never;
    # the bill of a billed settlement (R36) by cancelling the settlement.
    def button_draft(self):
        self._key_account_check_undo()
        return super().button_draft()

    def button_cancel(self):
        self._key_account_check_undo()
        return super().button_cancel()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_key_account_writeoff(self):
        self._key_account_check_undo()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        bills = self._key_account_settlements()
        if bills:
            raise UserError(bills._key_account_bill_message())
        if not self.env.su:
            self._key_account_check_writeoff_reversal()
        reversing = self.env.cr.cache.setdefault(REVERSING, set())
        added = set(self.ids) - reversing
        reversing.update(added)
        try:
            reversals = super()._reverse_moves(default_values_list, cancel)
        finally:
            reversing.difference_update(added)
        for move, reversal in zip(self, reversals, strict=False):
            request = move.key_account_writeoff_id
            if request and request.move_id == move:
                request._on_reversed(reversal)
        return reversals

    def _key_account_writeoff_proof(self):
        """The entries that may settle key-account invoices as a write-off:
        those the approved write-off request is posting (SPEC R42)."""
        return self.filtered(lambda m: m.key_account_writeoff_id.state == "approved")

    def _key_account_settles_by_itself(self):
        """Whether this entry may settle a key-account invoice: a payment, a
        bank statement line, or the entry of an approved write-off request
        (a plain entry, or the reversal of one, may not)."""
        self.ensure_one()
        return bool(
            self.origin_payment_id
            or self.statement_line_id
            or self._key_account_writeoff_proof()
        )

    def _key_account_check_undo(self):
        """Refuse to delete, reset or cancel a write-off entry (or its
        reversal) or the bill of a billed settlement."""
        writeoffs = self.filtered(
            lambda m: (
                m.key_account_writeoff_id or m.reversed_entry_id.key_account_writeoff_id
            )
        )
        if writeoffs:
            raise UserError(
                self.env._(
                    "A key-account write-off entry is undone only by reversing "
                    "it, and its reversal stays: %(moves)s.",
                    moves=", ".join(writeoffs.mapped("display_name")),
                )
            )
        settlements = self._key_account_settlements()
        if settlements:
            raise UserError(settlements._key_account_bill_message())

    def _key_account_check_writeoff_reversal(self):
        """A write-off entry is reversed once, by an accounting manager (who
        posts write-offs); its reversal is never reversed: that would write
        the receivable off again without a request."""
        entries = self.filtered("key_account_writeoff_id")
        reversals = self.filtered(lambda m: m.reversed_entry_id.key_account_writeoff_id)
        if not (entries or reversals):
            return
        if reversals or entries.reversal_move_ids:
            raise UserError(
                self.env._(
                    "A key-account write-off entry is reversed once, and its "
                    "reversal is never reversed: %(moves)s.",
                    moves=", ".join((entries | reversals).mapped("display_name")),
                )
            )
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                self.env._("Only accounting managers reverse write-off entries.")
            )

    def _key_account_generated_bills(self):
        """{bill: document} of the bills key-account workflows generated
        (settlements, rebate payouts, expense claims, entertainment and
        gifts): what they pay was approved on the document."""
        documents = {}
        bills = self.filtered(lambda m: m.move_type == "in_invoice" and m.id)
        if not bills:
            return documents
        for model in BILLING_MODELS:
            for record in self.env[model].sudo().search([("bill_id", "in", bills.ids)]):
                documents[record.bill_id] = record
        return documents

    def _key_account_check_bill_terms(self):
        """The bill of an approved key-account document pays what was
        approved: its payee, lines, amounts and currency do not change."""
        generated = self._key_account_generated_bills()
        if generated:
            raise UserError(
                self.env._(
                    "%(bills)s pays what %(documents)s approved: its payee, "
                    "lines and amounts do not change.",
                    bills=", ".join(b.display_name for b in generated),
                    documents=", ".join(d.display_name for d in generated.values()),
                )
            )

    def _key_account_settlements(self):
        """The billed commission settlements (or rebate payouts) whose bills
        are among these moves (read whatever the user's access: the check
        must see them all)."""
        if not self.ids:
            return self.env["key_account.settlement"]
        return (
            self.env["key_account.settlement"]
            .sudo()
            .search([("bill_id", "in", self.ids), ("state", "=", "billed")])
        )

    # Business methods
    @api.model
    def _key_account_bill_vals(
        self, partner, company, ref, label, account, amount, journal=None
    ):
        """A one-line, untaxed vendor bill: commission settlements, rebate
        payouts and expense claims are paid through it. Without ``journal``
        Odoo takes the company's purchase journal."""
        vals = {
            "move_type": "in_invoice",
            "partner_id": partner.id,
            "company_id": company.id,
            "invoice_date": fields.Date.context_today(self),
            "ref": ref,
            "invoice_line_ids": [
                fields.Command.create(
                    {
                        "name": label,
                        "account_id": account.id,
                        "quantity": 1.0,
                        "price_unit": amount,
                        "tax_ids": [fields.Command.clear()],
                    }
                )
            ],
        }
        if journal:
            vals["journal_id"] = journal.id
        return vals

    # Overdue ladder (SPEC R38-R41). An invoice's stage is where the ladder's
    # last run left it: its due date against the cutoffs of that run, stored
    # on its company. A run moves the cutoffs to today's and notifies the
    # invoices whose due dates they passed: it reads those, and writes no
    # invoice.
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

    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._key_account_notify_entered()
        return posted

    def _key_account_notify_entered(self):
        """Invoices entering the ladder above ``current`` without a run
        moving them there (posted long after their due date, their customer
        made a key account): notified at once, as a run would have."""
        rises = [
            {
                "id": move.id,
                "old": "current",
                "stage": move.key_account_aging_stage,
                "name": move.name,
                "invoice_date_due": move.invoice_date_due,
                "invoice_user_id": move.invoice_user_id.id,
                "company_id": move.company_id.id,
                "commercial_partner_id": move.commercial_partner_id.id,
            }
            for move in self
            if move.key_account_aging_stage not in (False, "current")
        ]
        self._key_account_notify_rises(rises)
        self._key_account_notify_heads(rises)

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

    @api.model
    def _key_account_notify_rises(self, rises):
        """Notices of the invoices whose stage rose (``rises``: dicts of
        ``_key_account_rises``), a constant number of queries for the
        whole batch: one chatter line per invoice; for the invoices entering
        key monitoring (from below it, whatever stage they reach), one rep
        activity per customer and rep on the oldest of them and credit
        investigations. The KA head's notice sums up the whole run
        (``_key_account_notify_heads``)."""
        if not rises:
            return
        labels = dict(
            self._fields["key_account_aging_stage"]._description_selection(self.env)
        )
        bodies = {
            rise["id"]: self.env._(
                "Overdue stage: %(stage)s (due %(due)s).",
                stage=labels[rise["stage"]],
                due=rise["invoice_date_due"],
            )
            for rise in rises
        }
        self._key_account_log_notes(bodies)
        monitor = stage_rank("monitor")
        entering = sorted(
            (
                rise
                for rise in rises
                if stage_rank(rise["old"]) < monitor <= stage_rank(rise["stage"])
            ),
            key=lambda rise: (rise["invoice_date_due"], rise["id"]),
        )
        self._key_account_monitor_activities(entering, bodies)
        self.env["res.partner"].browse(
            sorted({rise["commercial_partner_id"] for rise in entering})
        )._key_account_open_investigation(
            self.env._("A receivable entered key monitoring.")
        )

    @api.model
    def _key_account_notify_heads(self, rises):
        """One notice to each company's KA head for a run of the ladder (or a
        posting): per customer, how many receivables reached which stage
        (``rises``: dicts of ``_key_account_rises``), the highest stages
        first, at most ``_key_account_notice_customers`` customers. The
        chatter and the aging report give the invoices."""
        if not rises:
            return
        labels = dict(
            self._fields["key_account_aging_stage"]._description_selection(self.env)
        )
        counts = defaultdict(lambda: defaultdict(Counter))
        for rise in rises:
            counts[rise["company_id"]][rise["commercial_partner_id"]][
                rise["stage"]
            ] += 1
        for company in self.env["res.company"].browse(sorted(counts)):
            head = company._key_account_head()
            if not head:
                continue
            customers = sorted(
                counts[company.id].items(),
                key=lambda item: (
                    -max(map(stage_rank, item[1])),
                    -item[1].total(),
                    item[0],
                ),
            )
            shown = customers[: self._key_account_notice_customers]
            partners = self.env["res.partner"].sudo().browse([p for p, _s in shown])
            names = dict(
                zip(partners.ids, partners.mapped("display_name"), strict=True)
            )
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Reached an overdue stage today, by customer:"),
                Markup().join(
                    Markup("<li>%s: %s</li>")
                    % (
                        names[partner_id],
                        ", ".join(
                            self.env._(
                                "%(count)s × %(stage)s", count=n, stage=labels[stage]
                            )
                            for stage, n in sorted(
                                stages.items(), key=lambda item: stage_rank(item[0])
                            )
                        ),
                    )
                    for partner_id, stages in shown
                ),
            )
            if len(customers) > len(shown):
                body += Markup("<p>%s</p>") % self.env._(
                    "And %s more customers: see the receivables aging report.",
                    len(customers) - len(shown),
                )
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=head.partner_id.ids,
                subject=self.env._("Key-account receivables overdue"),
                body=body,
            )

    @api.model
    def _key_account_log_notes(self, bodies):
        """Log ``bodies`` ({invoice id: plain text}) as internal notes in the
        invoices' chatter: the messages ``_message_log_batch`` writes (no
        follower, no notification), in one INSERT. A first run of the overdue
        ladder logs a line on most open invoices at once; through the ORM each
        line costs a sanitised HTML body and a cache update, ten times the
        stage change itself."""
        if not bodies:
            return
        author_id, email_from = self._message_compute_author(raise_on_email=False)
        ids = list(bodies)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """INSERT INTO mail_message
                       (model, res_id, body, message_type, subtype_id, is_internal,
                        author_id, email_from, reply_to, message_id,
                        email_add_signature, date, create_uid, create_date,
                        write_uid, write_date)
                   SELECT 'account.move', t.res_id, t.body, 'notification', %s, TRUE,
                          %s, %s, %s, %s, FALSE, now() at time zone 'UTC', %s,
                          now() at time zone 'UTC', %s, now() at time zone 'UTC'
                     FROM unnest(%s::int[], %s::text[]) AS t(res_id, body)""",
                self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                author_id or None,
                email_from or None,
                self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
                generate_tracking_message_id("message-notify"),
                self.env.uid,
                self.env.uid,
                ids,
                [str(escape(bodies[res_id])) for res_id in ids],
            )
        )
        self.browse(ids).invalidate_recordset(["message_ids"])

    @api.model
    def _key_account_monitor_activities(self, entering, bodies):
        """One "collect" activity per customer and rep for the invoices
        entering key monitoring together (``entering``, oldest first), on the
        oldest; without one e-mail each (the KA head's notice lists them).
        None while the rep still has one open on another invoice of the
        customer: the chatter lines and the KA head's notice name the new
        ones. ``bodies``: the chatter line of each invoice."""
        if not entering:
            return
        monitor_type = self.env.ref("key_account.mail_activity_key_account_monitor")
        open_ones = self._key_account_open_monitor_activities(
            monitor_type, {rise["commercial_partner_id"] for rise in entering}
        )
        groups = {}
        for rise in entering:
            key = (
                rise["commercial_partner_id"],
                rise["invoice_user_id"] or self.env.uid,
            )
            if key not in open_ones:
                groups.setdefault(key, []).append(rise)
        if not groups:
            return
        today = fields.Date.context_today(self)
        res_model_id = self.env["ir.model"]._get_id("account.move")
        vals_list = []
        for (_partner, user_id), rises in groups.items():
            note = bodies[rises[0]["id"]]
            if len(rises) > 1:
                note = self.env._(
                    "Receivables of this customer entering key monitoring: %s",
                    ", ".join(
                        f"{rise['name']} ({rise['invoice_date_due']})" for rise in rises
                    ),
                )
            vals_list.append(
                {
                    "res_model_id": res_model_id,
                    "res_id": rises[0]["id"],
                    "activity_type_id": monitor_type.id,
                    "user_id": user_id,
                    "date_deadline": today,
                    "note": note,
                }
            )
        # Each activity reads its invoice's name: read them all at once.
        self.browse([vals["res_id"] for vals in vals_list]).mapped("display_name")
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(vals_list)

    @api.model
    def _key_account_open_monitor_activities(self, monitor_type, partner_ids):
        """(customer, user) pairs with an open "collect" activity on one of
        the customer's invoices, in one query."""
        self.flush_model(["commercial_partner_id"])
        self.env["mail.activity"].flush_model(
            ["res_model", "res_id", "activity_type_id", "user_id", "active"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT m.commercial_partner_id, a.user_id
                     FROM mail_activity a
                     JOIN account_move m ON m.id = a.res_id
                    WHERE a.res_model = 'account.move' AND a.active
                      AND a.activity_type_id = %s
                      AND m.commercial_partner_id = ANY(%s)""",
                monitor_type.id,
                sorted(partner_ids),
            )
        )
        return set(self.env.cr.fetchall())

    @api.model
    def _cron_key_account_missing_notes(self):
        """Weekly, before the Monday meeting: receivables needing weekly
        collection notes without one in the last 7 days give the KA head an
        activity (SPEC R40)."""
        since = fields.Datetime.subtract(fields.Datetime.now(), days=7)
        moves = self.search(
            [
                ("key_account_aging_stage", "in", ("progress", "writeoff")),
                "|",
                ("key_account_progress_date", "=", False),
                ("key_account_progress_date", "<", since),
            ]
        )
        missing_type = self.env.ref(
            "key_account.mail_activity_key_account_missing_note"
        )
        today = fields.Date.context_today(self)
        self.env["mail.activity"]._key_account_create_missing(
            missing_type,
            "account.move",
            {
                move.id: {
                    "user_id": move.company_id._key_account_head().id,
                    "date_deadline": today,
                    "note": self.env._(
                        "No collection note this week from %s.",
                        move.invoice_user_id.name or "-",
                    ),
                }
                for move in moves
                if move.company_id._key_account_head()
            },
        )
