# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import ladder_stage, stage_rank

STAGE_SELECTION = [
    ("current", "Current"),
    ("monitor", "Key Monitoring"),
    ("progress", "Weekly Collection Notes"),
    ("writeoff", "Write-Off Possible"),
]


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
    def _key_account_receivable_domain(self):
        """Posted key-account customer invoices."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("commercial_partner_id.is_key_account", "=", True),
        ]

    def _key_account_target_stage(self, today):
        """The stage this invoice should be in today."""
        self.ensure_one()
        if self.payment_state not in ("not_paid", "partial") or not (
            self.invoice_date_due
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
    def _cron_key_account_aging(self, batch_size=None):
        """Daily: move key-account invoices along the overdue ladder. Batched,
        a constant number of queries per batch, safe to re-run."""
        today = fields.Date.context_today(self)
        batch_size = batch_size or self.env.company.key_account_aging_batch
        domain = self._key_account_receivable_domain() + [
            "|",
            ("key_account_aging_stage", "not in", [False, "current"]),
            "&",
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", today),
        ]
        last_id = 0
        while True:
            invoices = self.search_fetch(
                domain + [("id", ">", last_id)],
                [
                    "invoice_date_due",
                    "payment_state",
                    "company_id",
                    "key_account_aging_stage",
                    "invoice_user_id",
                    "commercial_partner_id",
                    "name",
                ],
                order="id",
                limit=batch_size,
            )
            if not invoices:
                break
            last_id = invoices[-1].id
            invoices._key_account_apply_stages(today)
            self.env["ir.cron"]._notify_progress(
                done=len(invoices), remaining=0 if len(invoices) < batch_size else 1
            )
            if len(invoices) < batch_size:
                break

    def _key_account_apply_stages(self, today):
        """Write the stages that changed; log and notify the rises."""
        by_stage = {}
        for invoice in self:
            stage = invoice._key_account_target_stage(today)
            if stage == "current" and not invoice.key_account_aging_stage:
                continue
            if stage != (invoice.key_account_aging_stage or "current"):
                by_stage.setdefault(stage, []).append(invoice.id)
        risen = self.browse()
        for stage, ids in by_stage.items():
            moves = self.browse(ids)
            risen |= moves.filtered(
                lambda m, s=stage: stage_rank(s) > stage_rank(m.key_account_aging_stage)
            )
            moves._key_account_store_stage(stage)
        if risen:
            risen._key_account_notify_rises()

    def _key_account_store_stage(self, stage):
        """The stage is the cron's to set. It is no accounting data: stored
        in SQL rather than through ``account.move.write``, whose invoice
        synchronisation costs a dozen queries per invoice, and without a
        tracking message (the chatter line below says it once, in words)."""
        self.flush_recordset(["key_account_aging_stage"])
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET key_account_aging_stage = %s, "
                "write_date = now() at time zone 'UTC', write_uid = %s "
                "WHERE id IN %s",
                stage,
                self.env.uid,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(
            ["key_account_aging_stage", "write_date", "write_uid"]
        )

    def _key_account_notify_rises(self):
        """One chatter line per invoice, rep activities, one notice to the KA
        head and credit investigations for newly monitored customers."""
        labels = dict(STAGE_SELECTION)
        bodies = {
            move.id: self.env._(
                "Overdue stage: %(stage)s (due %(due)s).",
                stage=labels[move.key_account_aging_stage],
                due=move.invoice_date_due,
            )
            for move in self
        }
        self.sudo()._message_log_batch(bodies=bodies)
        monitor_type = self.env.ref("key_account.mail_activity_key_account_monitor")
        today = fields.Date.context_today(self)
        # One notice to the KA head below: no e-mail per activity.
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("account.move"),
                    "res_id": move.id,
                    "activity_type_id": monitor_type.id,
                    "user_id": (move.invoice_user_id or self.env.user).id,
                    "date_deadline": today,
                    "note": bodies[move.id],
                }
                for move in self.filtered(
                    lambda m: m.key_account_aging_stage == "monitor"
                )
            ]
        )
        for company in self.company_id:
            moves = self.filtered(lambda m, c=company: m.company_id == c)
            head = company._key_account_head()
            if head:
                self.env["mail.thread"].sudo().message_notify(
                    partner_ids=head.partner_id.ids,
                    subject=self.env._("Key-account receivables overdue"),
                    body=self.env._(
                        "Moved along the overdue ladder: %s",
                        ", ".join(
                            f"{m.name} ({labels[m.key_account_aging_stage]})"
                            for m in moves
                        ),
                    ),
                )
        monitored = self.filtered(lambda m: m.key_account_aging_stage == "monitor")
        monitored.commercial_partner_id._key_account_open_investigation(
            self.env._("A receivable entered key monitoring.")
        )

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
        already = set(
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "account.move"),
                    ("res_id", "in", moves.ids),
                    ("activity_type_id", "=", missing_type.id),
                ]
            )
            .mapped("res_id")
        )
        today = fields.Date.context_today(self)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("account.move"),
                    "res_id": move.id,
                    "activity_type_id": missing_type.id,
                    "user_id": move.company_id._key_account_head().id,
                    "date_deadline": today,
                    "note": self.env._(
                        "No collection note this week from %s.",
                        move.invoice_user_id.name or "-",
                    ),
                }
                for move in moves
                if move.id not in already and move.company_id._key_account_head()
            ]
        )
