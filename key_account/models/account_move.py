# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter, defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id
from odoo.tools.sql import column_exists, create_column, create_index

from ..tools import ladder_cutoffs, ladder_stage, stage_rank

STAGE_SELECTION = [
    ("current", "Current"),
    ("monitor", "Key Monitoring"),
    ("progress", "Weekly Collection Notes"),
    ("writeoff", "Write-Off Possible"),
]
# Payment states of an invoice still to collect.
OPEN_PAYMENT_STATES = ("not_paid", "partial")


class AccountMove(models.Model):
    """Overdue ladder of key-account receivables (SPEC R38-R41)."""

    _inherit = "account.move"

    # Fields
    key_account_aging_stage = fields.Selection(
        STAGE_SELECTION,
        string="Overdue Stage",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Set daily for key-account invoices: key monitoring, weekly "
        "collection notes, write-off possible.",
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
        help="The rep's weekly notes on collecting this receivable.",
    )
    key_account_progress_date = fields.Datetime(
        string="Last Collection Note",
        compute="_compute_key_account_progress_date",
        store=True,
    )

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
        return super().create(vals_list)

    def write(self, vals):
        self._key_account_check_commission_terms(vals, self)
        return super().write(vals)

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

    # Write-off entries (SPEC R42): undone only by a reversal entry
    def button_draft(self):
        if self.filtered("key_account_writeoff_id"):
            raise UserError(
                self.env._(
                    "A key-account write-off entry is undone only by reversing it."
                )
            )
        return super().button_draft()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_key_account_writeoff(self):
        if self.filtered("key_account_writeoff_id"):
            raise UserError(
                self.env._(
                    "A key-account write-off entry is undone only by reversing it."
                )
            )

    def _reverse_moves(self, default_values_list=None, cancel=False):
        reversals = super()._reverse_moves(default_values_list, cancel)
        for move, reversal in zip(self, reversals, strict=False):
            if move.key_account_writeoff_id:
                move.key_account_writeoff_id._on_reversed(reversal)
        return reversals

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

    @api.model
    def _key_account_receivable_domain(self):
        """Posted key-account customer invoices."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("commercial_partner_id.is_key_account", "=", True),
        ]

    def _key_account_target_stage(self, today):
        """The stage this invoice should be in today (the cron computes the
        same in SQL: ``_key_account_stage_sql``)."""
        self.ensure_one()
        if (
            self.move_type != "out_invoice"
            or self.state != "posted"
            or self.payment_state not in OPEN_PAYMENT_STATES
            or not self.key_account_customer
            or not self.invoice_date_due
        ):
            return "current"
        company = self.company_id
        return ladder_stage(
            self.invoice_date_due,
            today,
            company._key_account_ladder_levels(),
            unit=company.key_account_aging_unit,
        )

    @api.model
    def _key_account_stage_sql(self, cutoffs, move="m"):
        """SQL of the stage an invoice (alias ``move``) is in on the day of
        ``cutoffs`` (its company's ``ladder_cutoffs``): ``ladder_stage`` in
        SQL, the same at every boundary."""
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
    def _key_account_left_ladder_sql(self, move="m"):
        """SQL: the invoice (alias ``move``; None: no alias) has a stage above
        ``current`` but left the ladder (paid, reset to draft, customer no
        longer a key account). Also the predicate of the second partial index
        (``init``)."""
        return SQL(
            """%(stage)s IN ('monitor', 'progress', 'writeoff')
               AND (%(state)s != 'posted' OR %(payment)s NOT IN %(open)s
                    OR %(customer)s IS NOT TRUE)""",
            stage=self._key_account_column(move, "key_account_aging_stage"),
            state=self._key_account_column(move, "state"),
            payment=self._key_account_column(move, "payment_state"),
            open=OPEN_PAYMENT_STATES,
            customer=self._key_account_column(move, "key_account_customer"),
        )

    @api.model
    def _key_account_column(self, alias, name):
        return SQL.identifier(alias, name) if alias else SQL.identifier(name)

    def init(self):
        result = super().init()
        # The overdue ladder's daily run reads only the invoices changing
        # stage: ranges of due dates per stored stage on the open key-account
        # invoices, and the few that left the ladder with a stage.
        cr = self.env.cr
        create_index(
            cr,
            "account_move_key_account_ladder_index",
            self._table,
            ["key_account_aging_stage", "invoice_date_due"],
            where=cr.mogrify(self._key_account_ladder_sql(None)).decode(),
        )
        create_index(
            cr,
            "account_move_key_account_left_ladder_index",
            self._table,
            ["id"],
            where=cr.mogrify(self._key_account_left_ladder_sql(None)).decode(),
        )
        return result

    @api.model
    def _cron_key_account_aging(self, batch_size=None):
        """Daily: move key-account invoices along the overdue ladder. One
        query finds the invoices whose stage changes today, then batches of
        them are stored and notified with a constant number of queries each;
        one notice to each KA head sums up the run. Safe to re-run: a batch
        stores only stages still as found."""
        today = fields.Date.context_today(self)
        batch_size = batch_size or self.env.company.key_account_aging_batch
        changes = self._key_account_stage_changes(today)
        done = 0
        all_rises = []
        while True:
            batch = changes[done : done + batch_size]
            stored = self._key_account_store_stages(batch) if batch else []
            rises = [
                change
                for change in stored
                if stage_rank(change["stage"]) > stage_rank(change["old"])
            ]
            self._key_account_notify_rises(rises)
            all_rises += rises
            done += len(batch)
            self.env["ir.cron"]._notify_progress(
                done=len(stored), remaining=len(changes) - done
            )
            if done >= len(changes):
                break
        self._key_account_notify_heads(all_rises)

    @api.model
    def _key_account_stage_changes(self, today):
        """The key-account invoices whose stage changes today, as (customer,
        id, stored stage, today's stage), grouped by customer so that a
        customer's invoices share a batch and its notices. One read-only
        query that walks the ladder's indexes: per stored stage, only the due
        dates on the far side of today's cutoffs; and the invoices that left
        the ladder with a stage. On a day like any other it reads the
        invoices crossing a level, not the whole ledger."""
        self.env.flush_all()
        companies = self.env["res.company"].sudo().search([])
        by_cutoffs = {}
        for company in companies:
            cutoffs = ladder_cutoffs(
                today,
                company._key_account_ladder_levels(),
                company.key_account_aging_unit,
            )
            by_cutoffs.setdefault(cutoffs, []).append(company.id)
        ladder = self._key_account_ladder_sql()
        branches = []
        for cutoffs, company_ids in by_cutoffs.items():
            select = SQL(
                """SELECT m.commercial_partner_id, m.id, m.key_account_aging_stage,
                          %s AS stage
                     FROM account_move m WHERE m.company_id IN %s AND """,
                self._key_account_stage_sql(cutoffs),
                tuple(company_ids),
            )
            branches += [
                SQL("%s%s AND %s", select, ladder, where)
                for where in self._key_account_crossing_sql(cutoffs)
            ]
            branches.append(SQL("%s%s", select, self._key_account_left_ladder_sql()))
        self.env.cr.execute(SQL(" UNION ALL ").join(branches))
        return [
            {"partner_id": partner_id, "id": move_id, "old": old, "stage": stage}
            for partner_id, move_id, old, stage in sorted(
                self.env.cr.fetchall(), key=lambda row: row[:2]
            )
            if stage != (old or "current")
        ]

    @api.model
    def _key_account_crossing_sql(self, cutoffs, move="m"):
        """SQL conditions, one index range each, together matching the
        invoices on the ladder whose stored stage (alias ``move``) is not the
        one of ``cutoffs``: below a stage with a due date up to its cutoff,
        or in a stage with a due date after it."""
        stage = SQL.identifier(move, "key_account_aging_stage")
        due = SQL.identifier(move, "invoice_date_due")
        monitor, progress, writeoff = cutoffs
        return [
            SQL("%s IS NULL AND %s <= %s", stage, due, monitor),
            SQL("%s = 'current' AND %s <= %s", stage, due, monitor),
            SQL("%s = 'monitor' AND %s > %s", stage, due, monitor),
            SQL("%s = 'monitor' AND %s <= %s", stage, due, progress),
            SQL("%s = 'progress' AND %s > %s", stage, due, progress),
            SQL("%s = 'progress' AND %s <= %s", stage, due, writeoff),
            SQL("%s = 'writeoff' AND %s > %s", stage, due, writeoff),
        ]

    @api.model
    def _key_account_store_stages(self, changes):
        """Store the stages of ``changes`` (``_key_account_stage_changes``)
        on the invoices whose stage is still the one found, in one UPDATE.
        Returns one dict per invoice changed: ``id``, ``old`` and new
        ``stage``, and what the notices need.

        The stage is the cron's to set. It is no accounting data: stored in
        SQL rather than through ``account.move.write``, whose invoice
        synchronisation costs a dozen queries per invoice, and without a
        tracking message (the chatter line says it once, in words)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE account_move upd
                      SET key_account_aging_stage = t.stage,
                          write_date = now() at time zone 'UTC', write_uid = %s
                     FROM unnest(%s::int[], %s::varchar[], %s::varchar[])
                          AS t(id, old, stage)
                    WHERE upd.id = t.id
                      AND upd.key_account_aging_stage IS NOT DISTINCT FROM t.old
                RETURNING upd.id, t.old, t.stage, upd.name, upd.invoice_date_due,
                          upd.invoice_user_id, upd.company_id,
                          upd.commercial_partner_id""",
                self.env.uid,
                [change["id"] for change in changes],
                [change["old"] for change in changes],
                [change["stage"] for change in changes],
            )
        )
        stored = self.env.cr.dictfetchall()
        self.browse([change["id"] for change in stored]).invalidate_recordset(
            ["key_account_aging_stage", "write_date", "write_uid"]
        )
        return stored

    @api.model
    def _key_account_notify_rises(self, rises):
        """Notices of the invoices whose stage rose (``rises``: dicts of
        ``_key_account_store_stages``), a constant number of queries for the
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
        """One notice to each company's KA head for a run of the ladder:
        per customer, how many receivables reached which stage (``rises``:
        dicts of ``_key_account_store_stages``). The chatter and the aging
        report give the invoices."""
        if not rises:
            return
        labels = dict(
            self._fields["key_account_aging_stage"]._description_selection(self.env)
        )
        counts = defaultdict(Counter)
        for rise in rises:
            counts[rise["company_id"], rise["commercial_partner_id"]][
                rise["stage"]
            ] += 1
        partners = (
            self.env["res.partner"].sudo().browse(sorted({p for _c, p in counts}))
        )
        names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        for company in self.env["res.company"].browse(sorted({c for c, _p in counts})):
            head = company._key_account_head()
            if not head:
                continue
            lines = sorted(
                (
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
                for (company_id, partner_id), stages in counts.items()
                if company_id == company.id
            )
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=head.partner_id.ids,
                subject=self.env._("Key-account receivables overdue"),
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._("Moved along the overdue ladder today, by customer:"),
                    Markup().join(Markup("<li>%s: %s</li>") % line for line in lines),
                ),
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
            self._key_account_receivable_domain()
            + [
                ("key_account_aging_stage", "in", ("progress", "writeoff")),
                ("payment_state", "in", ("not_paid", "partial")),
                "|",
                ("key_account_progress_date", "=", False),
                ("key_account_progress_date", "<", since),
            ]
        )
        missing_type = self.env.ref(
            "key_account.mail_activity_key_account_missing_note"
        )
        today = fields.Date.context_today(self)
        self.env["mail.activity"].sudo()._key_account_create_missing(
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
