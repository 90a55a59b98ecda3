# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import is_blank, overdue_cutoff, overdue_more_than
from .key_account_approval_mixin import TRANSITIONS

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("posted", "Posted"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
    ("reversed", "Reversed"),
]
# The company setting of the account each classification debits.
ACCOUNT_SETTINGS = {
    "bad_debt": "key_account_bad_debt_account_id",
    "doubtful": "key_account_doubtful_account_id",
    "short_payment": "key_account_short_payment_account_id",
}
# What may still change once submitted: the general manager records the
# board's decision before approving.
BOARD_FIELDS = {"board_resolution_ref", "board_resolution", "board_resolution_name"}


class KeyAccountWriteoffRequest(models.Model):
    """Bad-debt write-off of key-account receivables (SPEC R41-R43): KA head
    → accounting → general manager with the board's resolution, then
    accounting posts and reconciles the entry."""

    _name = "key_account.writeoff.request"
    _description = "Key-Account Write-Off Request"
    _inherit = ["key_account.approval.mixin"]
    _order = "id desc"
    _key_account_sequence = "key_account.writeoff"
    _key_account_user_fields = {
        "draft": (
            "partner_id",
            "company_id",
            "amount",
            "classification",
            "reason",
            "invoice_ids",
            "evidence_ids",
            *BOARD_FIELDS,
        ),
        # The general manager records the board's resolution.
        "submitted": tuple(BOARD_FIELDS),
    }
    _key_account_transitions = dict(
        TRANSITIONS,
        action_cancel=(("draft", "submitted", "approved"), ("requester", "director")),
        action_post=(("approved",), ("accounting_manager",)),
    )

    # === FIELDS === #
    state = fields.Selection(
        STATES, default="draft", required=True, copy=False, tracking=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_key_account', '=', True), ('is_company', '=', True)]",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
        domain="[('id', 'in', eligible_invoice_ids)]",
    )
    eligible_invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices Eligible for a Write-Off",
        compute="_compute_eligible_invoice_ids",
        help="The customer's open invoices overdue long enough to be written "
        "off (the company's write-off threshold).",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_open = fields.Monetary(string="Open Amount", compute="_compute_amount_open")
    amount = fields.Monetary(string="Amount to Write Off", required=True, tracking=True)
    classification = fields.Selection(
        [
            ("bad_debt", "Bad Debt (坏账)"),
            ("doubtful", "Doubtful Debt (呆账)"),
            ("short_payment", "Short Payment"),
        ],
        required=True,
        default="bad_debt",
        tracking=True,
    )
    reason = fields.Text(required=True, tracking=True)
    evidence_ids = fields.Many2many("ir.attachment")
    collection_note_ids = fields.Many2many(
        "key_account.collection.note",
        string="Collection History",
        compute="_compute_collection_note_ids",
    )
    board_resolution_ref = fields.Char(string="Board Resolution", tracking=True)
    board_resolution = fields.Binary(string="Resolution Document", attachment=True)
    board_resolution_name = fields.Char()
    move_id = fields.Many2one(
        "account.move", string="Write-Off Entry", readonly=True, copy=False
    )
    # Set by an approved short-payment exception, whose approval is this
    # write-off's (SPEC R16, R17).
    exception_request_id = fields.Many2one(
        "key_account.exception.request",
        string="Short-Payment Exception",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    recovered_amount = fields.Monetary(
        compute="_compute_recovered_amount",
        help="Written-off money collected later (positive revenue again).",
    )

    # === COMPUTE METHODS === #
    @api.depends("invoice_ids.amount_residual")
    def _compute_amount_open(self):
        for request in self:
            request.amount_open = sum(request.invoice_ids.mapped("amount_residual"))

    @api.depends("partner_id", "company_id")
    def _compute_eligible_invoice_ids(self):
        for request in self:
            request.eligible_invoice_ids = (
                self.env["account.move"].search(request._eligible_invoice_domain())
                if request.partner_id
                else False
            )

    def _compute_recovered_amount(self):
        totals = {
            writeoff.id: amount
            for writeoff, amount in self.env["key_account.revenue.adjustment"]
            .sudo()
            ._read_group(
                [("writeoff_id", "in", self.ids), ("kind", "=", "recovery")],
                ["writeoff_id"],
                ["amount:sum"],
            )
        }
        for request in self:
            request.recovered_amount = totals.get(request.id, 0.0)

    @api.depends("invoice_ids")
    def _compute_collection_note_ids(self):
        for request in self:
            request.collection_note_ids = request.invoice_ids.sudo().mapped(
                "key_account_collection_note_ids"
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("reason")
    def _check_reason(self):
        if any(is_blank(record.reason) for record in self):
            raise ValidationError(
                self.env._(
                    "Write the reason for the write-off: blank text is no reason."
                )
            )

    # === CRUD METHODS === #
    # The mixin's, the general manager records the board's resolution
    def _may_change(self, changed):
        return (
            self.state == "submitted"
            and changed <= BOARD_FIELDS
            and self.env.user.has_group("key_account.group_key_account_manager")
        )

    def _key_account_locked_message(self):
        return self.env._(
            "Only a draft write-off request can change; the general manager "
            "records the board's resolution."
        )

    # === ACTION METHODS === #
    def _after_submit(self):
        self.partner_id._key_account_open_investigation(
            self.env._("Write-off requested: %s.", self.name), trigger="writeoff"
        )

    def action_post(self):
        """Accounting posts the approved write-off and reconciles it (R42)."""
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(self.env._("Only accounting managers post write-offs."))
        for request in self:
            request._key_account_check_transition(
                "action_post", self.env._("Only an approved write-off can be posted.")
            )
            request._post_writeoff()
        return True

    # tier.validation hooks
    @api.model
    def _get_under_validation_exceptions(self):
        """The general manager records the board's resolution during the
        review (``write`` allows it to managers only)."""
        return super()._get_under_validation_exceptions() + list(BOARD_FIELDS)

    def _validate_tier(self, tiers=False):
        if self.env.user.has_group("key_account.group_key_account_manager") and (
            self.review_ids.filtered(
                lambda r: (
                    r.status == "pending"
                    and r.definition_id == self.env.ref("key_account.tier_writeoff_gm")
                )
            )
        ):
            if not (self.board_resolution_ref and self.board_resolution):
                raise UserError(
                    self.env._(
                        "Record the board's resolution (reference and "
                        "document) before approving the write-off."
                    )
                )
        return super()._validate_tier(tiers)

    def _on_approved(self):
        self.message_post(
            body=self.env._("Write-off approved: accounting may post it."),
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.requester_id.partner_id.ids,
        )

    # === BUSINESS METHODS === #
    def _eligible_invoice_domain(self):
        """Open customer invoices of the customer past the write-off
        threshold: the submission check's rule, as a domain."""
        self.ensure_one()
        company = self.company_id or self.env.company
        cutoff = overdue_cutoff(
            fields.Date.context_today(self),
            company.key_account_writeoff_after,
            company.key_account_aging_unit,
        )
        return [
            ("company_id", "=", company.id),
            ("commercial_partner_id", "=", self.partner_id.commercial_partner_id.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<=", cutoff),
        ]

    def _submission_problems(self):
        self.ensure_one()
        problems = []
        company = self.company_id
        today = fields.Date.context_today(self)
        level = company.key_account_writeoff_after
        unit = company.key_account_aging_unit
        young = self.invoice_ids.filtered(
            lambda inv: (
                not inv.invoice_date_due
                or not overdue_more_than(inv.invoice_date_due, today, level, unit)
            )
        )
        if not self.invoice_ids:
            problems.append(self.env._("Select the invoices to write off."))
        if self.classification == "short_payment":
            problems.append(
                self.env._(
                    "A short payment is written off through its exception "
                    "request, made when the payment is registered."
                )
            )
        if young:
            problems.append(
                self.env._(
                    "Only receivables more than %(level)s %(unit)s overdue can "
                    "be written off: %(invoices)s.",
                    level=level,
                    unit=company._fields["key_account_aging_unit"]
                    .convert_to_export(unit, company)
                    .lower(),
                    invoices=", ".join(young.mapped("name")),
                )
            )
        if self.invoice_ids.commercial_partner_id != self.partner_id:
            problems.append(self.env._("All invoices must be the customer's."))
        if self.currency_id.compare_amounts(self.amount, 0) <= 0 or (
            self.currency_id.compare_amounts(self.amount, self.amount_open) > 0
        ):
            problems.append(
                self.env._("The amount must be positive and at most the open amount.")
            )
        return problems

    def _accounts(self):
        self.ensure_one()
        company = self.company_id
        purpose = self.env._("post write-offs")
        journal = company._key_account_required_setting(
            "key_account_writeoff_journal_id", purpose
        )
        account = company._key_account_required_setting(
            ACCOUNT_SETTINGS[self.classification], purpose
        )
        return journal, account

    def _post_writeoff(self):
        """Debit the expense (or allowance), credit each invoice's receivable,
        oldest invoice first; reconcile; book the negative revenue."""
        self.ensure_one()
        journal, account = self._accounts()
        allocations = self._get_writeoff_allocations()
        credit_vals = [
            self._prepare_writeoff_credit_vals(invoice, share)
            for invoice, share in allocations
        ]
        debit_vals = self._prepare_writeoff_debit_vals(
            account, sum(share for _invoice, share in allocations)
        )
        move = self.env["account.move"].create(
            self._prepare_writeoff_move_vals(journal, [*credit_vals, debit_vals])
        )
        self._link_entry(move)
        move.action_post()
        for (invoice, _share), vals in zip(allocations, credit_vals, strict=True):
            self._reconcile_writeoff_line(invoice, move, vals)
        self.env["key_account.revenue.adjustment"].sudo().create(
            [
                self._prepare_revenue_adjustment_vals(move, invoice, -share)
                for invoice, share in allocations
            ]
        )
        self._key_account_system_write({"move_id": move.id, "state": "posted"})
        self.message_post(
            body=self.env._("Write-off posted: %s.", move.name),
            subtype_xmlid="mail.mt_note",
        )

    def _get_writeoff_allocations(self):
        """``[(invoice, share)]``: the amount spread over the invoices,
        oldest due date first, each up to what it still owes."""
        remaining = self.amount
        allocations = []
        for invoice in self.invoice_ids.sorted(lambda m: (m.invoice_date_due, m.id)):
            if self.currency_id.is_zero(remaining):
                break
            share = min(remaining, invoice.amount_residual)
            if share > 0:
                allocations.append((invoice, share))
                remaining -= share
        return allocations

    def _prepare_writeoff_credit_vals(self, invoice, share):
        """The entry's line that takes ``share`` off ``invoice``'s
        receivable."""
        return {
            "name": self.env._("Write-off of %s", invoice.name),
            "account_id": invoice.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            )[:1].account_id.id,
            "partner_id": self.partner_id.id,
            "credit": share,
        }

    def _prepare_writeoff_debit_vals(self, account, amount):
        """The entry's line that charges the written-off ``amount``."""
        return {
            "name": self.name,
            "account_id": account.id,
            "partner_id": self.partner_id.id,
            "debit": amount,
        }

    def _prepare_writeoff_move_vals(self, journal, line_vals, ref=None):
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "date": fields.Date.context_today(self),
            "ref": ref or self.name,
            "line_ids": [Command.create(vals) for vals in line_vals],
        }

    def _reconcile_writeoff_line(self, invoice, move, vals):
        """Reconcile the entry's line made from ``vals`` with ``invoice``'s
        open receivable (the line is found by its label, unique per
        invoice, not by its position)."""
        credit_line = move.line_ids.filtered(
            lambda line: (
                line.name == vals["name"]
                and line.account_id.id == vals["account_id"]
                and line.credit
            )
        )
        receivable = invoice.line_ids.filtered(
            lambda line: (
                line.account_id == credit_line.account_id and not line.reconciled
            )
        )
        (receivable | credit_line).reconcile()

    def _prepare_revenue_adjustment_vals(self, move, invoice, amount, kind=None):
        """The revenue adjustment booked to ``invoice``'s rep and team:
        negative for a write-off (R42), positive for a recovery (R43)."""
        vals = {
            "date": move.date,
            "partner_id": self.partner_id.id,
            "user_id": invoice.invoice_user_id.id,
            "team_id": invoice.team_id.id,
            "invoice_id": invoice.id,
            "writeoff_id": self.id,
            "move_id": move.id,
            "amount": amount,
            "company_id": self.company_id.id,
        }
        if kind:
            vals["kind"] = kind
        return vals

    def _record_recovery(self, amount):
        """Money collected after the write-off (R43): the receivable is
        opened again for ``amount`` (to be reconciled with the payment) and
        the rep and team get the same positive revenue."""
        self.ensure_one()
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(self.env._("Only accounting managers record recoveries."))
        if self.state != "posted":
            raise UserError(self.env._("Only a posted write-off can be recovered."))
        if self.currency_id.compare_amounts(amount, 0) <= 0 or (
            self.currency_id.compare_amounts(
                amount, self.amount - self.recovered_amount
            )
            > 0
        ):
            raise UserError(
                self.env._(
                    "A recovery must be positive and at most the amount still "
                    "written off."
                )
            )
        journal, account = self._accounts()
        receivable = self.move_id.line_ids.filtered("credit")[:1].account_id
        label = self.env._("Recovery of %s", self.name)
        move = self.env["account.move"].create(
            self._prepare_writeoff_move_vals(
                journal,
                [
                    {
                        "name": label,
                        "account_id": receivable.id,
                        "partner_id": self.partner_id.id,
                        "debit": amount,
                    },
                    {
                        "name": label,
                        "account_id": account.id,
                        "partner_id": self.partner_id.id,
                        "credit": amount,
                    },
                ],
                ref=label,
            )
        )
        self._link_entry(move)
        move.action_post()
        invoice = self.invoice_ids.sorted(lambda m: (m.invoice_date_due, m.id))[:1]
        self.env["key_account.revenue.adjustment"].sudo().create(
            self._prepare_revenue_adjustment_vals(
                move, invoice, amount, kind="recovery"
            )
        )
        self.invalidate_recordset(["recovered_amount"])
        self.message_post(
            body=self.env._(
                "Recovery of %(amount)s booked: %(move)s.",
                amount=amount,
                move=move.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return move

    def _link_entry(self, move):
        """Accounting posts in the name of the request: only the request's
        own methods, having checked its state, link an entry to it (users
        cannot write the link, see ``account.move._key_account_check_links``)
        and so let it settle key-account invoices."""
        self.ensure_one()
        if self.state not in ("approved", "posted"):
            raise UserError(
                self.env._("Only an approved write-off has entries in its name.")
            )
        move.sudo().write({"key_account_writeoff_id": self.id})

    def _on_reversed(self, reversal):
        """An approved write-off is undone only by reversing its entry: the
        negative revenue is cancelled by an equal positive line."""
        for request in self.filtered(lambda r: r.state == "posted"):
            adjustments = (
                self.env["key_account.revenue.adjustment"]
                .sudo()
                .search([("writeoff_id", "=", request.id), ("kind", "=", "writeoff")])
            )
            self.env["key_account.revenue.adjustment"].sudo().create(
                [
                    {
                        "date": reversal.date,
                        "partner_id": adj.partner_id.id,
                        "user_id": adj.user_id.id,
                        "team_id": adj.team_id.id,
                        "invoice_id": adj.invoice_id.id,
                        "writeoff_id": request.id,
                        "move_id": reversal.id,
                        "amount": -adj.amount,
                        "kind": "reversal",
                        "company_id": adj.company_id.id,
                    }
                    for adj in adjustments
                ]
            )
            request._key_account_system_write({"state": "reversed"})
            request.message_post(
                body=self.env._("Write-off reversed by %s.", reversal.name),
                subtype_xmlid="mail.mt_note",
            )
