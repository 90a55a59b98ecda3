# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import (
    blended_rate,
    commission_amount,
    cumulative_base,
    due_amounts,
    shares as split_shares,
    split as split_amount,
)

KINDS = [
    ("commission", "Commission"),
    ("allowance", "Expense Allowance"),
    ("rebate", "Customer Rebate"),
    ("fixed", "Executive Mobile Allowance"),
]
ROLES = [
    ("rep", "Rep"),
    ("executive", "Account Executive"),
    ("director", "KA Head"),
    ("customer", "Customer"),
]
# What a settled line may still have written (by its settlement).
SETTLEMENT_FIELDS = {"state", "settlement_id"}


class KeyAccountCommissionLine(models.Model):
    """One line per payment allocation and beneficiary (SPEC R27-R33).

    Lines follow ``account.partial.reconcile``: a customer invoice reconciled
    with a payment or a bank/cash entry earns them, un-reconciling gives
    reversing lines. Amounts are cumulative per invoice, so partial payments
    never gain or lose a cent. Credit notes, write-offs and exchange
    differences are no collection. Lines are system records: nobody creates
    or edits them, settled lines never change."""

    _name = "key_account.commission.line"
    _description = "Key-Account Commission Line"
    _order = "date desc, id desc"
    _rec_name = "move_id"

    # Fields
    kind = fields.Selection(KINDS, required=True, readonly=True, index=True)
    role = fields.Selection(ROLES, required=True, readonly=True)
    origin = fields.Selection(
        [
            ("collection", "Collection"),
            ("writeoff", "Write-Off Deduction"),
            ("claim", "Expense Claim"),
            ("monthly", "Monthly Allowance"),
        ],
        required=True,
        default="collection",
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, readonly=True
    )
    user_id = fields.Many2one(
        "res.users", string="Beneficiary", index=True, readonly=True
    )
    tier_id = fields.Many2one("key_account.tier", readonly=True)
    move_id = fields.Many2one(
        "account.move", string="Invoice", index=True, readonly=True
    )
    claim_id = fields.Many2one(
        "key_account.expense.claim",
        string="Expense Claim",
        index="btree_not_null",
        readonly=True,
    )
    partial_id = fields.Many2one(
        "account.partial.reconcile",
        string="Allocation",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
    )
    allocation_ref = fields.Integer(
        required=True,
        readonly=True,
        help="The reconciliation this line comes from, kept once it is undone.",
    )
    is_reversal = fields.Boolean(string="Reversal", readonly=True)
    payment_move_id = fields.Many2one(
        "account.move", string="Payment Entry", readonly=True
    )
    collected_amount = fields.Monetary(
        string="Collected",
        currency_field="invoice_currency_id",
        readonly=True,
        help="What this reconciliation collected, in the invoice's currency.",
    )
    invoice_currency_id = fields.Many2one(
        related="move_id.currency_id", string="Invoice Currency"
    )
    base_amount = fields.Monetary(string="Base", readonly=True)
    rate = fields.Float(string="Rate (%)", digits=(16, 4), readonly=True)
    amount = fields.Monetary(readonly=True)
    date = fields.Date(required=True, index=True, readonly=True)
    state = fields.Selection(
        [
            ("to_settle", "To Settle"),
            ("settled", "Settled"),
            ("cancelled", "Cancelled"),
        ],
        default="to_settle",
        required=True,
        index=True,
        readonly=True,
    )
    settlement_id = fields.Many2one(
        "key_account.settlement", index="btree_not_null", readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id", store=True)

    _sql_constraints = [
        (
            "allocation_unique",
            "unique nulls not distinct "
            "(allocation_ref, is_reversal, origin, kind, role, user_id)",
            "A reconciliation gives each beneficiary one commission line.",
        ),
    ]

    # CRUD
    def write(self, vals):
        if set(vals) - SETTLEMENT_FIELDS and self.filtered(
            lambda line: line.state == "settled"
        ):
            raise UserError(
                self.env._(
                    "Settled commission lines never change; corrections are new lines."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("Commission lines are kept; corrections are new lines.")
        )

    # Business methods: reminders
    @api.model
    def _cron_key_account_unpaid_rebates(self):
        """Daily: customers whose accrued rebates are unpaid after the
        configured days get an activity for the KA head, once (R34)."""
        activity_type = self.env.ref(
            "key_account.mail_activity_key_account_rebate_unpaid"
        )
        today = fields.Date.context_today(self)
        groups = self._read_group(
            [
                ("kind", "=", "rebate"),
                ("state", "=", "to_settle"),
                ("settlement_id", "=", False),
            ],
            ["company_id", "partner_id"],
            ["date:min", "amount:sum"],
        )
        pending = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        already = set(pending.mapped("res_id"))
        vals_list = []
        for company, partner, oldest, amount in groups:
            head = company._key_account_head()
            days = company.key_account_rebate_unpaid_days
            if (
                not head
                or partner.id in already
                or (today - oldest).days <= days
                or company.currency_id.compare_amounts(amount, 0) <= 0
            ):
                continue
            vals_list.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "user_id": head.id,
                    "date_deadline": today,
                    "note": self.env._(
                        "Rebates of %(amount)s accrued since %(date)s are unpaid.",
                        amount=company.currency_id.format(amount),
                        date=oldest,
                    ),
                }
            )
        self.env["mail.activity"].create(vals_list)

    @api.model
    def _cron_key_account_mobile_allowance(self):
        """Monthly: each account executive's fixed mobile allowance, charged
        to the KA department's expenses (SPEC R32). Once per month and
        executive, whenever the cron runs."""
        today = fields.Date.context_today(self)
        month = today.year * 100 + today.month
        partners = self.env["res.partner"].sudo()
        groups = partners._read_group(
            [
                ("is_key_account", "=", True),
                ("key_account_executive_id", "!=", False),
            ],
            ["company_id", "key_account_executive_id"],
        )
        done = {
            (line.company_id.id, line.user_id.id)
            for line in self.sudo().search(
                [("origin", "=", "monthly"), ("allocation_ref", "=", month)]
            )
        }
        vals_list = []
        for company, user in groups:
            company = company or self.env.company
            amount = company.key_account_executive_mobile_allowance
            if not amount or (company.id, user.id) in done:
                continue
            done.add((company.id, user.id))
            vals_list.append(
                {
                    "kind": "fixed",
                    "role": "executive",
                    "origin": "monthly",
                    "allocation_ref": month,
                    "user_id": user.id,
                    "date": today,
                    "company_id": company.id,
                    "amount": amount,
                }
            )
        return self.sudo().create(vals_list)

    # Business methods: generation
    @api.model
    def _generate(self, partials):
        """Lines for the new reconciliations ``partials``; those that already
        have lines are skipped, so generation can be replayed."""
        partials = partials.exists()
        if not partials:
            return self.browse()
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT allocation_ref FROM key_account_commission_line "
                "WHERE allocation_ref IN %s AND NOT is_reversal",
                tuple(partials.ids),
            )
        )
        done = {ref for (ref,) in self.env.cr.fetchall()}
        todo = partials.filtered(lambda p: p.id not in done)
        if not todo:
            return self.browse()
        rows = self._allocation_rows([("partial", partial.id) for partial in todo])
        new_ids = set(todo.ids)
        return self._create_due_lines(rows, new_ids, reversal=False)

    @api.model
    def _reverse(self, removed):
        """Reversing lines for the reconciliations ``removed`` ({partial id:
        invoice id}) that had lines and were just undone."""
        if not removed:
            return self.browse()
        rows = self._allocation_rows(
            [("invoice", invoice_id) for invoice_id in set(removed.values())]
        )
        for partial_id, invoice_id in removed.items():
            rows.setdefault(invoice_id, {"partials": []})
            rows[invoice_id]["partials"].append(
                {
                    "id": partial_id,
                    "amount": 0.0,
                    "date": fields.Date.context_today(self),
                    "payment_move_id": False,
                    "kind": "removed",
                }
            )
        return self._create_due_lines(rows, set(removed), reversal=True)

    @api.model
    def _allocation_rows(self, keys):
        """{invoice id: {"partials": [...]}}: every reconciliation of the
        key-account invoices concerned, classified in one query."""
        partial_ids = [ref for kind, ref in keys if kind == "partial"]
        invoice_ids = [ref for kind, ref in keys if kind == "invoice"]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH invoice AS (
                    SELECT DISTINCT l.move_id AS id
                      FROM account_partial_reconcile p
                      JOIN account_move_line l
                        ON l.id IN (p.debit_move_id, p.credit_move_id)
                     WHERE p.id = ANY(%(partials)s)
                    UNION
                    SELECT unnest(%(invoices)s::int[])
                ), eligible AS (
                    SELECT m.id
                      FROM invoice i
                      JOIN account_move m ON m.id = i.id
                      JOIN res_partner cp ON cp.id = m.commercial_partner_id
                     WHERE m.move_type IN ('out_invoice', 'out_refund')
                       AND (
                           m.state = 'posted' AND cp.is_key_account
                           OR m.id = ANY(%(invoices)s)
                       )
                )
                SELECT e.id, p.id, p.max_date,
                       CASE WHEN dl.move_id = e.id
                            THEN p.debit_amount_currency
                            ELSE p.credit_amount_currency END,
                       other.id,
                       CASE
                         WHEN other.key_account_writeoff_id IS NOT NULL
                           THEN 'writeoff'
                         WHEN other.move_type != 'entry'
                              OR other.id = p.exchange_move_id
                           THEN 'other'
                         WHEN other.origin_payment_id IS NOT NULL
                              OR other.statement_line_id IS NOT NULL
                              OR j.type IN ('bank', 'cash')
                           THEN 'collection'
                         ELSE 'other' END
                  FROM eligible e
                  JOIN account_move_line il ON il.move_id = e.id
                  JOIN account_account a
                    ON a.id = il.account_id AND a.account_type = 'asset_receivable'
                  JOIN account_partial_reconcile p
                    ON il.id IN (p.debit_move_id, p.credit_move_id)
                  JOIN account_move_line dl ON dl.id = p.debit_move_id
                  JOIN account_move_line cl ON cl.id = p.credit_move_id
                  JOIN account_move other
                    ON other.id = CASE WHEN dl.move_id = e.id
                                       THEN cl.move_id ELSE dl.move_id END
                  JOIN account_journal j ON j.id = other.journal_id
                 ORDER BY e.id, p.id
                """,
                partials=partial_ids,
                invoices=invoice_ids,
            )
        )
        rows = {}
        for invoice_id, pid, date, amount, other_id, kind in self.env.cr.fetchall():
            rows.setdefault(invoice_id, {"partials": []})["partials"].append(
                {
                    "id": pid,
                    "amount": abs(amount or 0.0),
                    "date": date,
                    "payment_move_id": other_id,
                    "kind": kind,
                }
            )
        return rows

    def _create_due_lines(self, rows, new_ids, reversal):
        """Walk each invoice's reconciliations in order; the new ones (or the
        removed ones) get the cumulative amount due minus what was given."""
        if not rows:
            return self.browse()
        invoices = self.env["account.move"].browse(list(rows)).exists()
        given = self._given_amounts(invoices)
        rates = self._invoice_rates(invoices)
        vals_list = []
        for invoice in invoices:
            partials = rows[invoice.id]["partials"]
            # Removed allocations are walked after the remaining ones: the
            # state before undoing them, then each is taken away in turn.
            if reversal:
                partials = [p for p in partials if p["kind"] != "removed"] + [
                    p for p in partials if p["kind"] == "removed"
                ]
                removed = [p for p in partials if p["kind"] == "removed"]
                collected = sum(
                    p["amount"] for p in partials if p["kind"] == "collection"
                ) + self._removed_collected(invoice, removed)
                steps = []
                for partial in removed:
                    collected -= partial["removed_amount"]
                    steps.append((partial, collected))
            else:
                collected, steps = 0.0, []
                for partial in partials:
                    if partial["kind"] == "collection":
                        collected += partial["amount"]
                    if partial["id"] in new_ids:
                        steps.append((partial, collected))
            for partial, collected_after in steps:
                if partial["kind"] == "writeoff":
                    vals_list += self._writeoff_vals(invoice, partial, rates[invoice])
                elif partial["kind"] in ("collection", "removed"):
                    vals_list += self._due_vals(
                        invoice,
                        partial,
                        collected_after,
                        rates[invoice],
                        given,
                        reversal,
                    )
        # System records: whoever reconciles (an accountant, a portal
        # payment) creates them, nobody may create them by hand.
        return self.sudo().create(vals_list)

    def _removed_collected(self, invoice, removed):
        """What the removed allocations had collected, from their lines'
        bases (the reconciliation rows are gone)."""
        refs = [p["id"] for p in removed]
        lines = self.sudo().search(
            [
                ("move_id", "=", invoice.id),
                ("allocation_ref", "in", refs),
                ("is_reversal", "=", False),
                ("origin", "=", "collection"),
            ]
        )
        collected = {line.allocation_ref: line.collected_amount for line in lines}
        total = 0.0
        for partial in removed:
            partial["removed_amount"] = collected.get(partial["id"], 0.0)
            partial["amount"] = -partial["removed_amount"]
            total += partial["removed_amount"]
        return total

    def _given_amounts(self, invoices):
        groups = self.sudo()._read_group(
            [
                ("move_id", "in", invoices.ids),
                ("origin", "=", "collection"),
                ("state", "!=", "cancelled"),
            ],
            ["move_id", "kind", "role"],
            ["amount:sum"],
        )
        given = defaultdict(float)
        for move, kind, role, amount in groups:
            given[(move.id, kind, role)] = amount
        return given

    def _invoice_rates(self, invoices):
        """{invoice: {kind: percent}}: the special rate approved on the order
        or the commission rules, blended over the invoice's product lines."""
        rules = (
            self.env["key_account.commission.rule"]
            .sudo()
            .search([("company_id", "in", invoices.company_id.ids)])
        )
        product_lines = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [("move_id", "in", invoices.ids), ("display_type", "=", "product")],
                ["move_id", "product_id"],
                ["price_subtotal:sum"],
            )
        )
        by_invoice = defaultdict(list)
        for move, product, subtotal in product_lines:
            by_invoice[move].append((product, subtotal))
        result = {}
        for invoice in invoices:
            company = invoice.company_id
            rate = invoice.key_account_commission_rate
            if not rate:
                company_rules = rules.filtered(lambda r, c=company: r.company_id == c)
                date = fields.Date.context_today(self)
                tier = invoice.commercial_partner_id.key_account_tier_id
                rate = blended_rate(
                    [
                        (
                            abs(subtotal),
                            company_rules._rate_for(
                                invoice.invoice_user_id, product.categ_id, tier, date
                            ),
                        )
                        for product, subtotal in by_invoice[invoice]
                    ]
                )
            result[invoice] = {
                "commission": rate if invoice.invoice_user_id else 0.0,
                "allowance": company.key_account_allowance_rate
                if invoice.invoice_user_id
                else 0.0,
                "director": company.key_account_director_rate
                if company._key_account_head()
                else 0.0,
                "rebate": invoice.key_account_rebate_rate,
            }
        return result

    def _beneficiary(self, invoice, role):
        return {
            "rep": invoice.invoice_user_id,
            "executive": invoice.key_account_executive_id,
            "director": invoice.company_id._key_account_head(),
            "customer": self.env["res.users"],
        }[role]

    def _has_executive(self, invoice):
        return bool(
            invoice.key_account_executive_id
            and invoice.key_account_executive_id != invoice.invoice_user_id
        )

    def _common_vals(self, invoice, partial, reversal):
        return {
            "partner_id": invoice.commercial_partner_id.id,
            "tier_id": invoice.commercial_partner_id.key_account_tier_id.id,
            "move_id": invoice.id,
            "partial_id": False if reversal else partial["id"],
            "allocation_ref": partial["id"],
            "is_reversal": reversal,
            "payment_move_id": partial["payment_move_id"],
            "date": partial["date"] or fields.Date.context_today(self),
            "company_id": invoice.company_id.id,
            "collected_amount": partial["amount"],
        }

    def _due_vals(self, invoice, partial, collected, rates, given, reversal):
        company = invoice.company_id
        digits = company.currency_id.decimal_places
        sign = -1 if invoice.move_type == "out_refund" else 1
        fraction = collected / invoice.amount_total if invoice.amount_total else 0.0
        due = due_amounts(
            fraction,
            abs(invoice.amount_total_signed),
            abs(invoice.amount_untaxed_signed),
            rates,
            company.key_account_executive_share,
            self._has_executive(invoice),
            taxed_base=company.key_account_commission_base == "taxed",
            digits=digits,
        )
        vals_list = []
        keys = set(due) | {
            (kind, role)
            for (move_id, kind, role) in given
            if move_id == invoice.id and given[(move_id, kind, role)]
        }
        for kind, role in sorted(keys):
            base, rate, amount = due.get((kind, role), (0.0, 0.0, 0.0))
            key = (invoice.id, kind, role)
            line_amount = company.currency_id.round(sign * amount - given[key])
            if company.currency_id.is_zero(line_amount):
                continue
            given[key] += line_amount
            vals_list.append(
                dict(
                    self._common_vals(invoice, partial, reversal),
                    kind=kind,
                    role=role,
                    user_id=self._beneficiary(invoice, role).id,
                    base_amount=sign * base,
                    rate=rate,
                    amount=line_amount,
                )
            )
        return vals_list

    def _writeoff_vals(self, invoice, partial, rates):
        """A write-off is no collection; the company may deduct its
        commission from the rep and the executive (off by default)."""
        company = invoice.company_id
        if (
            not company.key_account_writeoff_deducts_commission
            or not rates["commission"]
        ):
            return []
        digits = company.currency_id.decimal_places
        fraction = partial["amount"] / invoice.amount_total
        base = cumulative_base(
            fraction,
            abs(invoice.amount_total_signed),
            abs(invoice.amount_untaxed_signed),
            company.key_account_commission_base == "taxed",
            digits,
        )
        amount = commission_amount(base, rates["commission"], digits)
        parts = split_amount(
            amount,
            split_shares(
                company.key_account_executive_share, self._has_executive(invoice)
            ),
            digits,
        )
        return [
            dict(
                self._common_vals(invoice, partial, False),
                origin="writeoff",
                kind="commission",
                role=role,
                user_id=self._beneficiary(invoice, role).id,
                base_amount=-base,
                rate=rates["commission"],
                amount=-part,
            )
            for role, part in parts.items()
        ]
