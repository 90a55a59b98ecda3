# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

from .key_account_kpi import ACTUALS, TARGET_FIELDS

SOURCES = [
    ("invoice", "Invoice"),
    ("due", "Amount Due"),
    ("writeoff", "Revenue Adjustment"),
    ("collection", "Collection"),
    ("new_account", "New Key Account"),
    ("expense", "Expense Claim"),
    ("target", "Target"),
]
# Measures of the report: every source gives its own, the others are 0.
MEASURES = ACTUALS + tuple(TARGET_FIELDS)
# PostgreSQL type of each column of the sources.
COLUMN_TYPES = dict(
    dict.fromkeys(MEASURES, "numeric"),
    id="bigint",
    source="varchar",
    date="date",
    user_id="int4",
    team_id="int4",
    partner_id="int4",
    move_id="int4",
    company_id="int4",
    new_account_count="int4",
    new_account_target="int4",
)
# Row ids: the source row's id × ID_FACTOR + the rank of its source.
ID_FACTOR = 8
# The date of an invoice's KPI row: posting date of its lines, due date of
# its receivable lines; indexed as such (AML_DATE_INDEX) so that a period's
# KPIs read only that period's journal items.
AML_DATE = (
    "CASE WHEN aml.display_type = 'product' THEN aml.date"
    " ELSE COALESCE(aml.date_maturity, aml.date) END"
)
AML_FILTER = (
    "aml.parent_state = 'posted' AND aml.display_type IN ('product', 'payment_term')"
)
AML_DATE_INDEX = "account_move_line_key_account_kpi_date_index"


class KeyAccountKpiReport(models.Model):
    """Key-account KPIs (SPEC R78, R84): one row per fact, by rep, department
    (sales team), customer, tier, company and date, with the targets of the
    same period (R77) as rows of their own.

    - sales: posted customer invoice lines untaxed, minus credit notes, plus
      the revenue adjustments (write-offs negative, reversals and recoveries
      positive), for the invoice's rep and team on the posting date (R84);
    - due: what invoices make contractually due, on their due dates;
    - collected: what payments collected on key-account invoices (once per
      reconciliation, from the commission lines), on the payment date;
    - new key accounts on their designation date; approved expense claims.

    Amounts are in the company's currency. Confidentiality (R86-R88) is kept
    by the record rules: they read the columns of the row itself
    (``confidentiality``, ``account_user_id``), so every grouping is filtered
    alike."""

    _name = "key_account.kpi.report"
    _description = "Key-Account KPIs"
    _inherit = ["key_account.report.view.mixin"]
    _auto = False
    _order = "date desc"
    _rec_name = "date"

    # === FIELDS === #
    source = fields.Selection(SOURCES, readonly=True)
    date = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Rep", readonly=True)
    team_id = fields.Many2one("crm.team", string="Department", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    tier_id = fields.Many2one("key_account.tier", readonly=True)
    is_key_account = fields.Boolean(string="Key Account", readonly=True)
    confidentiality = fields.Selection(
        [
            ("normal", "Normal"),
            ("confidential", "Confidential"),
            ("secret", "Secret"),
        ],
        readonly=True,
    )
    account_user_id = fields.Many2one(
        "res.users",
        string="Account Owner",
        readonly=True,
        help="The rep who owns the customer (may differ from the invoice's rep).",
    )
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    sales_amount = fields.Monetary(string="Sales", readonly=True)
    invoiced_amount = fields.Monetary(string="Invoiced", readonly=True)
    refund_amount = fields.Monetary(string="Credit Notes", readonly=True)
    writeoff_amount = fields.Monetary(string="Write-Offs", readonly=True)
    due_amount = fields.Monetary(string="Due", readonly=True)
    collected_amount = fields.Monetary(string="Collected", readonly=True)
    new_account_count = fields.Integer(string="New Key Accounts", readonly=True)
    expense_amount = fields.Monetary(string="Expenses", readonly=True)
    target_amount = fields.Monetary(string="Sales Target", readonly=True)
    challenge_amount = fields.Monetary(string="Challenge Target", readonly=True)
    new_account_target = fields.Integer(string="New Key Accounts Target", readonly=True)
    collection_target = fields.Monetary(readonly=True)
    expense_budget = fields.Monetary(readonly=True)

    # === CRUD METHODS === #
    def init(self):
        # The index reads "aml" as the table's own name.
        create_index(
            self.env.cr,
            AML_DATE_INDEX,
            "account_move_line",
            [f"({AML_DATE.replace('aml.', '')})"],
            where=AML_FILTER.replace("aml.", ""),
        )
        return super().init()

    # === BUSINESS METHODS === #
    # SQL
    def _row(self, rank, row_id, **columns):
        """The SELECT list of one source: the common columns then every
        measure (0 unless given), all as SQL. Every column is cast to its
        type, so that the sources' types are the same and PostgreSQL
        flattens the UNION ALL: a query computes only the columns it reads."""
        common = {
            "id": SQL("(%s)::bigint * %s + %s", row_id, ID_FACTOR, rank),
            "source": columns.pop("source", None) or SQL("%s", SOURCES[rank][0]),
        }
        for name in (
            "date",
            "user_id",
            "team_id",
            "partner_id",
            "move_id",
            "company_id",
        ):
            common[name] = columns.pop(name, SQL("NULL"))
        common.update((name, columns.pop(name, SQL("0"))) for name in MEASURES)
        if columns:
            raise ValueError(f"Unknown KPI columns {sorted(columns)}")
        return SQL(", ").join(
            SQL("(%s)::%s AS %s", sql, SQL(COLUMN_TYPES[name]), SQL.identifier(name))
            for name, sql in common.items()
        )

    def _query_invoices(self):
        """Invoice and credit-note lines (sales, R84) and their receivable
        lines (due, by due date) in one scan of the journal items."""
        product = SQL("aml.display_type = 'product'")
        refund = SQL("move.move_type = 'out_refund'")
        return SQL(
            """
            SELECT %(columns)s
              FROM account_move_line aml
              JOIN account_move move ON move.id = aml.move_id
             WHERE %(filter)s
               AND move.move_type IN ('out_invoice', 'out_refund')
            """,
            filter=SQL(AML_FILTER),
            columns=self._row(
                SQL("CASE WHEN %s THEN 0 ELSE 1 END", product),
                SQL("aml.id"),
                source=SQL("CASE WHEN %s THEN 'invoice' ELSE 'due' END", product),
                date=SQL(AML_DATE),
                user_id=SQL("move.invoice_user_id"),
                team_id=SQL("move.team_id"),
                partner_id=SQL("move.commercial_partner_id"),
                move_id=SQL("aml.move_id"),
                company_id=SQL("aml.company_id"),
                sales_amount=SQL("CASE WHEN %s THEN -aml.balance ELSE 0 END", product),
                invoiced_amount=SQL(
                    "CASE WHEN %s AND NOT %s THEN -aml.balance ELSE 0 END",
                    product,
                    refund,
                ),
                refund_amount=SQL(
                    "CASE WHEN %s AND %s THEN aml.balance ELSE 0 END",
                    product,
                    refund,
                ),
                due_amount=SQL("CASE WHEN %s THEN 0 ELSE aml.balance END", product),
            ),
        )

    def _query_adjustments(self):
        """Write-offs, their reversals and recoveries (R43, R84)."""
        return SQL(
            "SELECT %s FROM key_account_revenue_adjustment adj",
            self._row(
                2,
                SQL("adj.id"),
                date=SQL("adj.date"),
                user_id=SQL("adj.user_id"),
                team_id=SQL("adj.team_id"),
                partner_id=SQL("adj.partner_id"),
                move_id=SQL("adj.invoice_id"),
                company_id=SQL("adj.company_id"),
                sales_amount=SQL("adj.amount"),
                writeoff_amount=SQL("adj.amount"),
            ),
        )

    def _query_collections(self):
        """What each reconciliation collected on a key-account invoice (its
        reversal negative), read once from its commission lines."""
        return SQL(
            """
            SELECT %(row)s
              FROM (SELECT DISTINCT ON (l.allocation_ref, l.is_reversal)
                           l.id, l.date, l.move_id, l.company_id,
                           l.collected_amount
                      FROM key_account_commission_line l
                     WHERE l.origin = 'collection' AND l.move_id IS NOT NULL
                     ORDER BY l.allocation_ref, l.is_reversal, l.id) col
              JOIN account_move move ON move.id = col.move_id
            """,
            row=self._row(
                3,
                SQL("col.id"),
                date=SQL("col.date"),
                user_id=SQL("move.invoice_user_id"),
                team_id=SQL("move.team_id"),
                partner_id=SQL("move.commercial_partner_id"),
                move_id=SQL("col.move_id"),
                company_id=SQL("col.company_id"),
                collected_amount=SQL(
                    "CASE WHEN move.move_type = 'out_refund'"
                    " THEN -col.collected_amount ELSE col.collected_amount END"
                ),
            ),
        )

    def _query_new_accounts(self):
        """Customers designated key accounts, on their designation date."""
        return SQL(
            """
            SELECT %s
              FROM res_partner p
              LEFT JOIN res_users u ON u.id = p.user_id
             WHERE p.key_account_since IS NOT NULL AND p.parent_id IS NULL
            """,
            self._row(
                4,
                SQL("p.id"),
                date=SQL("p.key_account_since"),
                user_id=SQL("p.user_id"),
                team_id=SQL("u.sale_team_id"),
                partner_id=SQL("p.id"),
                company_id=SQL("COALESCE(p.company_id, u.company_id)"),
                new_account_count=SQL("1"),
            ),
        )

    def _query_expenses(self):
        """Approved and reimbursed expense claims, charged to their rep."""
        return SQL(
            """
            SELECT %s
              FROM key_account_expense_claim c
              LEFT JOIN res_users u ON u.id = c.rep_id
             WHERE c.state IN ('approved', 'billed')
            """,
            self._row(
                5,
                SQL("c.id"),
                date=SQL("c.date"),
                user_id=SQL("c.rep_id"),
                team_id=SQL("u.sale_team_id"),
                partner_id=SQL("c.partner_id"),
                company_id=SQL("c.company_id"),
                expense_amount=SQL("c.amount"),
            ),
        )

    def _query_targets(self):
        """Targets (R77) on the first day of their period."""
        return SQL(
            """
            SELECT %s
              FROM key_account_target t
              LEFT JOIN res_users u ON u.id = t.user_id
            """,
            self._row(
                6,
                SQL("t.id"),
                date=SQL("t.date_from"),
                user_id=SQL("t.user_id"),
                team_id=SQL("COALESCE(t.team_id, u.sale_team_id)"),
                company_id=SQL("t.company_id"),
                target_amount=SQL("COALESCE(t.amount, 0)"),
                challenge_amount=SQL("COALESCE(t.challenge_amount, 0)"),
                new_account_target=SQL("COALESCE(t.new_account_target, 0)"),
                collection_target=SQL("COALESCE(t.collection_amount, 0)"),
                expense_budget=SQL("COALESCE(t.expense_budget, 0)"),
            ),
        )

    def _query_sources(self):
        return [
            self._query_invoices(),
            self._query_adjustments(),
            self._query_collections(),
            self._query_new_accounts(),
            self._query_expenses(),
            self._query_targets(),
        ]

    def _query(self):
        measures = SQL(", ").join(
            SQL("f.%s", SQL.identifier(name)) for name in MEASURES
        )
        return SQL(
            """
            SELECT f.id, f.source, f.date,
                   COALESCE(NULLIF(f.user_id, %(superuser)s), partner.user_id)
                       AS user_id,
                   f.team_id, f.partner_id,
                   f.move_id, f.company_id, company.currency_id,
                   partner.key_account_tier_id AS tier_id,
                   COALESCE(partner.is_key_account, FALSE) AS is_key_account,
                   partner.key_account_confidentiality AS confidentiality,
                   partner.user_id AS account_user_id,
                   %(measures)s
              FROM (%(sources)s) f
              JOIN res_company company ON company.id = f.company_id
              LEFT JOIN res_partner partner ON partner.id = f.partner_id
            """,
            measures=measures,
            superuser=SUPERUSER_ID,
            sources=SQL(" UNION ALL ").join(
                SQL("(%s)", query) for query in self._query_sources()
            ),
        )
