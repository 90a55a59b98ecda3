# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round

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
    # Mobile allowances accrued as commission lines before they were billed
    # apart (account.move); kept for the lines of that time.
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
# What the generation reads, fetched in one query per model and batch.
COMPANY_FIELDS = [
    "currency_id",
    "key_account_head_user_id",
    "key_account_commission_base",
    "key_account_executive_share",
    "key_account_allowance_rate",
    "key_account_director_rate",
    "key_account_writeoff_deducts_commission",
]
RULE_FIELDS = [
    "company_id",
    "user_id",
    "categ_id",
    "tier_id",
    "date_from",
    "date_to",
    "sequence",
    "rate",
]
# PostgreSQL types of the columns ``_insert_lines`` writes itself; a stored
# field of another type (added by another addon) makes it use the ORM.
INSERT_TYPES = {"int4", "numeric", "float8", "bool", "varchar", "text", "date"}


def _array_literal(values, sql_type):
    """The PostgreSQL array literal of ``values`` ('{1,NULL,2}') of the
    column type ``sql_type`` (INSERT_TYPES; None is NULL): parsed much faster
    than the ARRAY[...] expression psycopg2 writes for a list."""
    if sql_type in ("int4", "numeric", "float8"):  # ints, floats (shortest repr)
        items = str(values)[1:-1].replace("None", "NULL")
    elif sql_type == "bool":
        items = ",".join("t" if value else "f" for value in values)
    elif sql_type in ("varchar", "text"):
        items = ",".join(
            "NULL"
            if value is None
            else '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')
            for value in values
        )
    else:  # date
        items = ",".join("NULL" if value is None else str(value) for value in values)
    return "{%s}" % items


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

    # === FIELDS === #
    kind = fields.Selection(KINDS, required=True, readonly=True, index=True)
    role = fields.Selection(ROLES, required=True, readonly=True)
    origin = fields.Selection(
        [
            ("collection", "Collection"),
            ("writeoff", "Write-Off Deduction"),
            ("claim", "Expense Claim"),
            ("monthly", "Monthly Allowance"),
            ("entertainment", "Entertainment"),
            ("gift", "Gift"),
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
    # Bases and rates do not add up (the rep's and the executive's lines of
    # one collection share its base): neither is summed in groups or offered
    # as a pivot measure.
    base_amount = fields.Monetary(
        string="Base",
        readonly=True,
        aggregator=None,
        help="Collected amount the line's rate applies to; the lines of one "
        "collection share it.",
    )
    rate = fields.Float(
        string="Rate (%)", digits=(16, 4), readonly=True, aggregator=None
    )
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

    # === CRUD METHODS === #
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

    # === BUSINESS METHODS === #
    # Charges on a rep's account
    @api.model
    def _draw(self, record, origin, amount, kind="allowance", **values):
        """Draw ``amount`` on the account (``kind``) of ``record``'s rep: a
        negative line for a cost of the customer (SPEC R31: an expense
        claim, an entertainment, a gift), whose ``rep_id``, ``partner_id``
        and ``company_id`` it reads. A system record whoever acts; the
        unique key (allocation, origin, kind, role, rep) refuses a second
        one for the same record."""
        return self.sudo().create(
            {
                "kind": kind,
                "role": "rep",
                "origin": origin,
                "allocation_ref": record.id,
                "partner_id": record.partner_id.commercial_partner_id.id,
                "user_id": record.rep_id.id,
                "date": fields.Date.context_today(self),
                "company_id": record.company_id.id,
                "amount": -amount,
                **values,
            }
        )

    # Reminders
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
        vals_by_partner = {}
        for company, partner, oldest, amount in groups:
            head = company._key_account_head()
            days = company.key_account_rebate_unpaid_days
            if (
                not head
                or (today - oldest).days <= days
                or company.currency_id.compare_amounts(amount, 0) <= 0
            ):
                continue
            vals_by_partner[partner.id] = {
                "user_id": head.id,
                "date_deadline": today,
                "note": self.env._(
                    "Rebates of %(amount)s accrued since %(date)s are unpaid.",
                    amount=company.currency_id.format(amount),
                    date=oldest,
                ),
            }
        self.env["mail.activity"]._key_account_create_missing(
            activity_type, "res.partner", vals_by_partner
        )

    @api.model
    def _cron_key_account_mobile_allowance(self):
        """The scheduled action of databases installed before the mobile
        allowance was billed apart (SPEC R32): see ``account.move``."""
        return self.env["account.move"]._cron_key_account_mobile_allowance()

    # Generation
    @api.model
    def _generate(self, partials):
        """Lines for the new reconciliations ``partials``; those that already
        have lines are skipped, so generation can be replayed."""
        if not partials:
            return self.browse()
        requested = set(partials.ids)
        rows = self._allocation_rows([("partial", pid) for pid in requested])
        new_ids = {
            partial["id"]
            for row in rows.values()
            for partial in row["partials"]
            if partial["id"] in requested and not partial["generated"]
        }
        rows = {
            invoice_id: row
            for invoice_id, row in rows.items()
            if any(partial["id"] in new_ids for partial in row["partials"])
        }
        if not rows:
            return self.browse()
        return self._create_due_lines(rows, new_ids, reversal=False)

    @api.model
    def _reverse(self, removed):
        """Reversing lines for the reconciliations ``removed`` ({partial id:
        (invoice id, collected amount)}) that had lines and were just undone."""
        if not removed:
            return self.browse()
        rows = self._allocation_rows(
            [("invoice", invoice_id) for invoice_id, _amount in removed.values()]
        )
        for partial_id, (invoice_id, collected) in removed.items():
            rows.setdefault(invoice_id, {"partials": []})
            rows[invoice_id]["partials"].append(
                {
                    "id": partial_id,
                    "amount": -collected,
                    "removed_amount": collected,
                    "date": fields.Date.context_today(self),
                    "payment_move_id": False,
                    "kind": "removed",
                }
            )
        return self._create_due_lines(rows, set(removed), reversal=True)

    @api.model
    def _allocation_rows(self, keys):
        """{invoice id: {"partials": [...]}}: every reconciliation of the
        key-account invoices concerned, classified in one query; each says
        whether it already has (non-reversing) lines."""
        partial_ids = [ref for kind, ref in keys if kind == "partial"]
        invoice_ids = [ref for kind, ref in keys if kind == "invoice"]
        self.env.flush_all()
        self.env.cr.execute(self._allocation_query(partial_ids, invoice_ids))
        rows = {}
        for record in self.env.cr.fetchall():
            rows.setdefault(record[0], {"partials": []})["partials"].append(
                self._prepare_allocation(record)
            )
        return rows

    @api.model
    def _allocation_query(self, partial_ids, invoice_ids):
        """The query of ``_allocation_rows``: one row per reconciliation of
        the key-account invoices concerned (invoice, reconciliation, date,
        amount, other move, kind, whether it has lines). An addon that
        classifies collections otherwise overrides it, keeping the columns."""
        return SQL(
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
                         ELSE 'other' END,
                       EXISTS (
                           SELECT 1 FROM key_account_commission_line line
                            WHERE line.allocation_ref = p.id
                              AND NOT line.is_reversal
                       )
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

    @api.model
    def _prepare_allocation(self, record):
        """The reconciliation a row of ``_allocation_query`` describes."""
        _invoice_id, pid, date, amount, other_id, kind, generated = record
        return {
            "id": pid,
            "amount": abs(amount or 0.0),
            "date": date,
            "payment_move_id": other_id,
            "kind": kind,
            "generated": generated,
        }

    def _create_due_lines(self, rows, new_ids, reversal):
        """Walk each invoice's reconciliations in order; the new ones (or the
        removed ones) get the cumulative amount due minus what was given."""
        if not rows:
            return self.browse()
        facts = self._invoice_facts(list(rows))
        given = self._given_amounts(list(facts))
        rates = self._invoice_rates(facts)
        vals_list = []
        for invoice_id, invoice in facts.items():
            steps = self._allocation_steps(
                rows[invoice_id]["partials"], new_ids, reversal
            )
            for partial, collected_after in steps:
                if partial["kind"] == "writeoff":
                    vals_list += self._writeoff_vals(
                        invoice, partial, rates[invoice_id]
                    )
                elif partial["kind"] in ("collection", "removed"):
                    vals_list += self._due_vals(
                        invoice,
                        partial,
                        collected_after,
                        rates[invoice_id],
                        given[invoice_id],
                        reversal,
                    )
        return self._insert_lines(vals_list)

    @api.model
    def _allocation_steps(self, partials, new_ids, reversal):
        """[(reconciliation, amount collected after it)] of the new (or the
        removed) reconciliations of one invoice. Removed ones are walked
        after the remaining ones: the state before undoing them, then each is
        taken away in turn."""
        if reversal:
            removed = [p for p in partials if p["kind"] == "removed"]
            collected = sum(
                p["amount"] for p in partials if p["kind"] == "collection"
            ) + sum(p["removed_amount"] for p in removed)
            steps = []
            for partial in removed:
                collected -= partial["removed_amount"]
                steps.append((partial, collected))
            return steps
        collected, steps = 0.0, []
        for partial in partials:
            if partial["kind"] == "collection":
                collected += partial["amount"]
            if partial["id"] in new_ids:
                steps.append((partial, collected))
        return steps

    def _invoice_facts(self, invoice_ids):
        """{invoice id: {...}} of the invoices ``invoice_ids`` that exist, in
        that order: what their lines need, with their company's settings
        (``_company_terms``).

        Read in one query (the caller flushed): through the ORM, a dozen
        fields of each invoice would cost more than the rest of the
        generation. As the system: lines are system records, whoever
        reconciles."""
        self.env.cr.execute(self._invoice_facts_query(invoice_ids))
        found = {row[0]: row for row in self.env.cr.fetchall()}
        terms = self._company_terms(
            self.env["res.company"].browse({row[2] for row in found.values()})
        )
        return {
            invoice_id: self._prepare_invoice_facts(
                found[invoice_id], terms[found[invoice_id][2]]
            )
            for invoice_id in invoice_ids
            if invoice_id in found
        }

    @api.model
    def _invoice_facts_query(self, invoice_ids):
        """The query of ``_invoice_facts``: one row per invoice, the columns
        ``_prepare_invoice_facts`` reads."""
        return SQL(
            """
                SELECT m.id, m.move_type, m.company_id, m.commercial_partner_id,
                       cp.key_account_tier_id, m.invoice_user_id,
                       m.key_account_executive_id, m.amount_total,
                       m.amount_total_signed, m.amount_untaxed_signed,
                       m.key_account_commission_rate, m.key_account_rebate_rate,
                       currency.rounding
                  FROM account_move m
                  JOIN res_currency currency ON currency.id = m.currency_id
                  LEFT JOIN res_partner cp ON cp.id = m.commercial_partner_id
                 WHERE m.id = ANY(%s)
                """,
            invoice_ids,
        )

    @api.model
    def _prepare_invoice_facts(self, row, company_terms):
        """What the lines of one invoice need, from its row of
        ``_invoice_facts_query`` and its company's ``_company_terms``."""
        (
            invoice_id,
            move_type,
            company_id,
            partner_id,
            tier_id,
            rep_id,
            executive_id,
            amount_total,
            total_signed,
            untaxed_signed,
            commission_rate,
            rebate_rate,
            rounding,
        ) = row
        return {
            "id": invoice_id,
            "terms": company_terms,
            "company_id": company_id,
            "sign": -1 if move_type == "out_refund" else 1,
            "amount_total": amount_total or 0.0,
            "total": abs(total_signed or 0.0),
            "untaxed": abs(untaxed_signed or 0.0),
            "rep_id": rep_id or False,
            "tier_id": tier_id or False,
            "has_executive": bool(executive_id and executive_id != rep_id),
            "commission_rate": commission_rate or 0.0,
            "rebate_rate": rebate_rate or 0.0,
            "users": {
                "rep": rep_id or False,
                "executive": executive_id or False,
                "director": company_terms["head"].id,
                "customer": False,
            },
            # The collected amount is rounded in the invoice's currency,
            # as the ORM stores it.
            "rounding": rounding,
            # What every line of the invoice shares.
            "common": {
                "partner_id": partner_id or False,
                "tier_id": tier_id or False,
                "move_id": invoice_id,
                "company_id": company_id,
            },
        }

    def _company_terms(self, companies):
        """{company id: {...}}: the commission settings of each company,
        read once for all its invoices."""
        companies.fetch(COMPANY_FIELDS)
        companies.currency_id.fetch(["rounding", "decimal_places"])
        return {
            company.id: {
                "rounding": company.currency_id.rounding,
                "digits": company.currency_id.decimal_places,
                "head": company._key_account_head(),
                "executive_share": company.key_account_executive_share,
                "taxed_base": company.key_account_commission_base == "taxed",
                "allowance_rate": company.key_account_allowance_rate,
                "director_rate": company.key_account_director_rate,
                "writeoff_deducts": company.key_account_writeoff_deducts_commission,
            }
            for company in companies
        }

    def _given_amounts(self, invoice_ids):
        """{invoice id: {(kind, role): amount}} given by the collection lines
        that are not cancelled."""
        groups = self.sudo()._read_group(
            [
                ("move_id", "in", invoice_ids),
                ("origin", "=", "collection"),
                ("state", "!=", "cancelled"),
            ],
            ["move_id", "kind", "role"],
            ["amount:sum"],
        )
        given = defaultdict(lambda: defaultdict(float))
        for move, kind, role, amount in groups:
            given[move.id][(kind, role)] = amount
        return given

    def _invoice_rates(self, facts):
        """{invoice id: {kind: percent}}: the special rate approved on the
        order or the commission rules, blended over the invoice's product
        lines."""
        company_ids = list({invoice["company_id"] for invoice in facts.values()})
        rules = (
            self.env["key_account.commission.rule"]
            .sudo()
            .search_fetch([("company_id", "in", company_ids)], RULE_FIELDS)
        )
        product_lines = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [("move_id", "in", list(facts)), ("display_type", "=", "product")],
                ["move_id", "product_id"],
                ["price_subtotal:sum"],
            )
        )
        by_invoice = defaultdict(list)
        for move, product, subtotal in product_lines:
            by_invoice[move.id].append((product, subtotal))
        company_rules = {
            company_id: rules.filtered(lambda r, c=company_id: r.company_id.id == c)
            for company_id in company_ids
        }
        # Without a rule by category or dates, neither is read; the rate of
        # each (company, rep, category, tier) is looked up once.
        by_category = any(rule.categ_id for rule in rules)
        dated = any(rule.date_from or rule.date_to for rule in rules)
        date = fields.Date.context_today(self) if dated else None
        users, tiers = self.env["res.users"], self.env["key_account.tier"]
        no_category = self.env["product.category"]
        found = {}

        def rule_rate(invoice, product):
            company_id, rep_id, tier_id = (
                invoice["company_id"],
                invoice["rep_id"],
                invoice["tier_id"],
            )
            categ = product.categ_id if by_category else no_category
            key = (company_id, rep_id, categ.id, tier_id)
            if key not in found:
                found[key] = company_rules[company_id]._rate_for(
                    users.browse(rep_id), categ, tiers.browse(tier_id), date
                )
            return found[key]

        result = {}
        for invoice_id, invoice in facts.items():
            terms = invoice["terms"]
            rate = invoice["commission_rate"]
            if not rate:
                rate = blended_rate(
                    [
                        (abs(subtotal), rule_rate(invoice, product))
                        for product, subtotal in by_invoice[invoice_id]
                    ]
                )
            result[invoice_id] = {
                "commission": rate if invoice["rep_id"] else 0.0,
                "allowance": terms["allowance_rate"] if invoice["rep_id"] else 0.0,
                "director": terms["director_rate"] if terms["head"] else 0.0,
                "rebate": invoice["rebate_rate"],
            }
        return result

    def _common_vals(self, invoice, partial, reversal):
        """What the lines of one allocation share; ``invoice`` is its facts
        (``_invoice_facts``)."""
        return dict(
            invoice["common"],
            partial_id=False if reversal else partial["id"],
            allocation_ref=partial["id"],
            is_reversal=reversal,
            payment_move_id=partial["payment_move_id"],
            date=partial["date"] or fields.Date.context_today(self),
            collected_amount=float_round(
                partial["amount"], precision_rounding=invoice["rounding"]
            ),
        )

    def _due_vals(self, invoice, partial, collected, rates, given, reversal):
        """Lines bringing what ``given`` ({(kind, role): amount}, updated)
        gave on ``invoice`` (its facts) to what is due once ``collected``
        is. Amounts are rounded in the company's currency, as the ORM stores
        them."""
        terms = invoice["terms"]
        rounding = terms["rounding"]
        sign = invoice["sign"]
        amount_total = invoice["amount_total"]
        fraction = collected / amount_total if amount_total else 0.0
        due = due_amounts(
            fraction,
            invoice["total"],
            invoice["untaxed"],
            rates,
            terms["executive_share"],
            invoice["has_executive"],
            taxed_base=terms["taxed_base"],
            digits=terms["digits"],
        )
        vals_list = []
        keys = set(due) | {key for key, amount in given.items() if amount}
        common = bases = None
        for kind, role in sorted(keys):
            base, rate, amount = due.get((kind, role), (0.0, 0.0, 0.0))
            line_amount = float_round(
                sign * amount - given[(kind, role)], precision_rounding=rounding
            )
            if not line_amount:  # rounded: zero exactly when currency.is_zero
                continue
            given[(kind, role)] += line_amount
            if common is None:
                common = self._common_vals(invoice, partial, reversal)
                bases = {}
            if base not in bases:
                bases[base] = float_round(sign * base, precision_rounding=rounding)
            vals_list.append(
                dict(
                    common,
                    kind=kind,
                    role=role,
                    user_id=invoice["users"][role],
                    base_amount=bases[base],
                    rate=rate,
                    amount=line_amount,
                )
            )
        return vals_list

    def _writeoff_vals(self, invoice, partial, rates):
        """A write-off is no collection; the company may deduct its
        commission from the rep and the executive (off by default).
        ``invoice`` is its facts."""
        terms = invoice["terms"]
        if not terms["writeoff_deducts"] or not rates["commission"]:
            return []
        digits = terms["digits"]
        fraction = partial["amount"] / invoice["amount_total"]
        base = cumulative_base(
            fraction, invoice["total"], invoice["untaxed"], terms["taxed_base"], digits
        )
        amount = commission_amount(base, rates["commission"], digits)
        parts = split_amount(
            amount,
            split_shares(terms["executive_share"], invoice["has_executive"]),
            digits,
        )
        rounding = terms["rounding"]
        return [
            dict(
                self._common_vals(invoice, partial, False),
                origin="writeoff",
                kind="commission",
                role=role,
                user_id=invoice["users"][role],
                base_amount=float_round(-base, precision_rounding=rounding),
                rate=rates["commission"],
                amount=float_round(-part, precision_rounding=rounding),
            )
            for role, part in parts.items()
        ]

    def _insert_lines(self, vals_list):
        """Create the lines ``vals_list`` in one INSERT, for the system:
        whoever reconciles (an accountant, a portal payment) creates them,
        nobody may create them by hand.

        Lines are plain rows: no chatter, no constraint in Python, their only
        computed column is their company's currency, written here, and
        nothing stored depends on a line without settlement. The ORM's
        ``create`` would spend more time per line than the rest of the
        generation (defaults, conversions, cache, recomputation triggers).
        The columns are every stored field of the model, with its default
        where ``vals`` has none; where another addon overrides ``create`` or
        adds a stored computed field or a column of another type, the ORM
        creates the lines."""
        if not vals_list:
            return self.sudo().browse()
        columns = self._insert_columns()
        if columns is None:
            return self.sudo().create(vals_list)
        values = self._insert_values(vals_list, columns)
        self.env.cr.execute(
            SQL(
                """INSERT INTO key_account_commission_line
                          (%s, create_uid, write_uid, create_date, write_date)
                   SELECT *, %s, %s, now() AT TIME ZONE 'UTC',
                          now() AT TIME ZONE 'UTC'
                     FROM unnest(%s)
                RETURNING id""",
                SQL(", ").join(SQL.identifier(name) for name in columns),
                self.env.uid,
                self.env.uid,
                SQL(", ").join(
                    SQL(
                        "%s::%s[]",
                        _array_literal(column, columns[name]),
                        SQL(columns[name]),
                    )
                    for name, column in values.items()
                ),
            )
        )
        lines = self.sudo().browse(id_ for (id_,) in self.env.cr.fetchall())
        # The invoices' line lists in cache (also seen through the bank
        # statement lines, which inherit account.move) miss the new lines.
        listing = ["key_account_commission_line_ids", "key_account_commission_count"]
        self.env["account.move"].invalidate_model(listing, flush=False)
        self.env["account.bank.statement.line"].invalidate_model(listing, flush=False)
        return lines

    @api.model
    def _insert_values(self, vals_list, columns):
        """{column: [value of each line]}: ``vals_list`` with the defaults of
        the columns none gives, the company's currency, floats rounded to
        their digits and False stored as the ORM stores it."""
        currencies = {
            company.id: company.currency_id.id
            for company in self.env["res.company"].browse(
                {vals["company_id"] for vals in vals_list}
            )
        }
        given = set.intersection(*(set(vals) for vals in vals_list))
        missing = set(columns) - given - {"currency_id"}
        defaults = self.sudo().default_get(list(missing)) if missing else {}
        digits = {
            name: field.get_digits(self.env)[1]
            for name, field in self._fields.items()
            if name in columns and field.type == "float" and field.get_digits(self.env)
        }
        rounded = {name: {} for name in digits}
        values = {name: [] for name in columns}
        # (name, its values' append, what False is stored as) of each column,
        # as the ORM converts it
        numbers = {"integer": 0, "float": 0.0, "monetary": 0.0, "boolean": False}
        appends = [
            (name, column.append, numbers.get(self._fields[name].type))
            for name, column in values.items()
        ]
        for vals in vals_list:
            vals = {
                **defaults,
                **vals,
                "currency_id": currencies[vals["company_id"]],
            }
            for name, precision in digits.items():
                value = vals.get(name) or 0.0
                if value not in rounded[name]:
                    # as a Float field with digits stores it
                    rounded[name][value] = float_round(
                        value, precision_digits=precision
                    )
                vals[name] = rounded[name][value]
            for name, append, false in appends:
                value = vals.get(name)
                append(false if value is False else value)
        return values

    @api.model
    def _insert_columns(self):
        """{column: PostgreSQL type} of every stored field a line is inserted
        with (the log columns are written by ``_insert_lines``), or None
        when the lines must go through the ORM's ``create``: overridden by
        another addon, or a stored computed field (other than the company's
        currency) or a column type ``_insert_lines`` does not write."""
        if type(self).create is not models.Model.create:
            return None
        columns = {}
        for name, field in self._fields.items():
            if not field.store or not field.column_type or name == "id":
                continue
            if name in models.LOG_ACCESS_COLUMNS:
                continue
            sql_type = field.column_type[0]
            if (
                field.compute and name != "currency_id"
            ) or sql_type not in INSERT_TYPES:
                return None
            columns[name] = sql_type
        return columns
