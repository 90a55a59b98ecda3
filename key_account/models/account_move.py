# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from ..tools import ladder_stage, stage_rank

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
        if self.payment_state not in OPEN_PAYMENT_STATES or not (self.invoice_date_due):
            return "current"
        company = self.company_id
        return ladder_stage(
            self.invoice_date_due,
            today,
            company._key_account_ladder_levels(),
            unit=company.key_account_aging_unit,
        )

    @api.model
    def _key_account_stage_sql(self, today, move="m", company="c"):
        """SQL of the stage an invoice (alias ``move``) of a company (alias
        ``company``) should be in on ``today``: ``ladder_stage`` in SQL, the
        same at every boundary. Calendar months are added as PostgreSQL does
        (``date + interval 'N months'`` keeps the day, or the month's last
        day: 31 January + 1 month = 28 February), as ``add_months`` does."""
        due = SQL.identifier(move, "invoice_date_due")
        unit = SQL.identifier(company, "key_account_aging_unit")

        def over(level_field):
            level = SQL.identifier(company, level_field)
            return SQL(
                "%s::date > %s + CASE WHEN %s = 'days' "
                "THEN make_interval(days => %s) ELSE make_interval(months => %s) END",
                today,
                due,
                unit,
                level,
                level,
            )

        return SQL(
            """CASE WHEN %(payment)s IS NULL OR %(payment)s NOT IN %(open)s
                      OR %(due)s IS NULL THEN 'current'
                    WHEN %(writeoff)s THEN 'writeoff'
                    WHEN %(progress)s THEN 'progress'
                    WHEN %(monitor)s THEN 'monitor'
                    ELSE 'current' END""",
            payment=SQL.identifier(move, "payment_state"),
            open=OPEN_PAYMENT_STATES,
            due=due,
            writeoff=over("key_account_writeoff_after"),
            progress=over("key_account_progress_after"),
            monitor=over("key_account_monitor_after"),
        )

    @api.model
    def _cron_key_account_aging(self, batch_size=None):
        """Daily: move key-account invoices along the overdue ladder. One
        query finds the invoices whose stage changes today, then batches of
        them are stored and notified with a constant number of queries each.
        Safe to re-run and to commit after any batch: a batch stores only
        stages that still differ from today's."""
        today = fields.Date.context_today(self)
        batch_size = batch_size or self.env.company.key_account_aging_batch
        ids = self._key_account_stage_changes(today)
        done = 0
        while True:
            batch = ids[done : done + batch_size]
            changes = self._key_account_store_stages(today, batch) if batch else []
            self._key_account_notify_rises(
                [
                    change
                    for change in changes
                    if stage_rank(change["stage"]) > stage_rank(change["old"])
                ]
            )
            done += len(batch)
            self.env["ir.cron"]._notify_progress(
                done=len(changes), remaining=len(ids) - done
            )
            if done >= len(ids):
                break

    @api.model
    def _key_account_stage_query(self, today, condition):
        """SELECT of the key-account invoices (meeting ``condition``, on
        ``m``) that may change stage: their id, customer (``partner_id``),
        stored stage (``old``) and today's (``stage``)."""
        return SQL(
            """SELECT m.id, m.commercial_partner_id AS partner_id,
                      m.key_account_aging_stage AS old, %(stage)s AS stage
                 FROM account_move m
                 JOIN res_partner p ON p.id = m.commercial_partner_id
                 JOIN res_company c ON c.id = m.company_id
                WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                  AND p.is_key_account
                  AND (m.key_account_aging_stage != 'current'
                       OR (m.payment_state IN %(open)s
                           AND m.invoice_date_due < %(today)s))
                  AND %(condition)s""",
            stage=self._key_account_stage_sql(today),
            open=OPEN_PAYMENT_STATES,
            today=today,
            condition=condition,
        )

    @api.model
    def _key_account_stage_changes(self, today):
        """Ids of the key-account invoices whose stage changes today, one
        read-only query over the open receivables. Grouped by customer, so
        that a customer's invoices share a batch and its notices (one rep
        activity per customer and batch)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT s.partner_id, s.id FROM (%s) s
                    WHERE s.stage != COALESCE(s.old, 'current')""",
                self._key_account_stage_query(today, SQL("TRUE")),
            )
        )
        # Sorted here: ORDER BY would have PostgreSQL walk the primary key
        # rather than scan the table in parallel.
        return [row[1] for row in sorted(self.env.cr.fetchall())]

    @api.model
    def _key_account_store_stages(self, today, ids):
        """Store today's stage of the invoices ``ids`` whose stage still
        differs from it, in one UPDATE computing it in PostgreSQL. Returns
        one dict per changed invoice: ``id``, ``old`` and new ``stage``, and
        what the notices need.

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
                     FROM (%s) t
                    WHERE upd.id = t.id AND t.stage != COALESCE(t.old, 'current')
                RETURNING upd.id, t.old, t.stage, upd.name, upd.invoice_date_due,
                          upd.invoice_user_id, upd.company_id,
                          upd.commercial_partner_id""",
                self.env.uid,
                self._key_account_stage_query(today, SQL("m.id = ANY(%s)", list(ids))),
            )
        )
        changes = self.env.cr.dictfetchall()
        self.browse([change["id"] for change in changes]).invalidate_recordset(
            ["key_account_aging_stage", "write_date", "write_uid"]
        )
        return changes

    @api.model
    def _key_account_notify_rises(self, rises):
        """Notices of the invoices whose stage rose (``rises``: dicts of
        ``_key_account_store_stages``), a constant number of queries for the
        whole batch: one chatter line per invoice; for the invoices entering
        key monitoring (from below it, whatever stage they reach), one rep
        activity per customer and rep on the oldest of them and credit
        investigations; one notice to the KA head per company."""
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
        for company in self.env["res.company"].browse(
            sorted({rise["company_id"] for rise in rises})
        ):
            head = company._key_account_head()
            if head:
                self.env["mail.thread"].sudo().message_notify(
                    partner_ids=head.partner_id.ids,
                    subject=self.env._("Key-account receivables overdue"),
                    body=self.env._(
                        "Moved along the overdue ladder: %s",
                        ", ".join(
                            f"{rise['name']} ({labels[rise['stage']]})"
                            for rise in rises
                            if rise["company_id"] == company.id
                        ),
                    ),
                )
        self.env["res.partner"].browse(
            sorted({rise["commercial_partner_id"] for rise in entering})
        )._key_account_open_investigation(
            self.env._("A receivable entered key monitoring.")
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
        ``bodies``: the chatter line of each invoice."""
        if not entering:
            return
        groups = {}
        for rise in entering:
            key = (rise["commercial_partner_id"], rise["invoice_user_id"])
            groups.setdefault(key, []).append(rise)
        monitor_type = self.env.ref("key_account.mail_activity_key_account_monitor")
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
                    "user_id": user_id or self.env.uid,
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
