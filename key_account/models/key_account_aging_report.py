# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..tools import BUCKETS

BUCKET_SELECTION = [
    ("b0_not_due", "Not Due"),
    ("b1_0_30", "1-30 Days"),
    ("b2_31_60", "31-60 Days"),
    ("b3_61_120", "61-120 Days"),
    ("b4_121_180", "121-180 Days"),
    ("b5_over_180", "Over 180 Days"),
]


class KeyAccountAgingReport(models.Model):
    """Open receivables by days past due (SPEC R38): one row per open
    receivable journal item, buckets from ``tools.aging.BUCKETS``."""

    _name = "key_account.aging.report"
    _description = "Receivables Aging"
    _auto = False
    _order = "days_overdue desc"
    _rec_name = "move_id"

    # === FIELDS === #
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Rep", readonly=True)
    tier_id = fields.Many2one("key_account.tier", readonly=True)
    is_key_account = fields.Boolean(string="Key Account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(string="Days Past Due", readonly=True)
    bucket = fields.Selection(BUCKET_SELECTION, readonly=True)
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_0_30 = fields.Monetary(string="1-30", readonly=True)
    amount_31_60 = fields.Monetary(string="31-60", readonly=True)
    amount_61_120 = fields.Monetary(string="61-120", readonly=True)
    amount_121_180 = fields.Monetary(string="121-180", readonly=True)
    amount_over_180 = fields.Monetary(string="Over 180", readonly=True)

    # === CRUD METHODS === #
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    # === BUSINESS METHODS === #
    def _bucket_case(self, days):
        """SQL CASE of ``days`` past due into the buckets of tools.aging."""
        whens = []
        for code, first, last in BUCKETS:
            conditions = []
            if first is not None:
                conditions.append(SQL("%s >= %s", days, first))
            if last is not None:
                conditions.append(SQL("%s <= %s", days, last))
            whens.append(SQL("WHEN %s THEN %s", SQL(" AND ").join(conditions), code))
        return SQL("CASE %s END", SQL(" ").join(whens))

    def _query(self):
        days = SQL("(CURRENT_DATE - COALESCE(aml.date_maturity, aml.date))")
        bucket = self._bucket_case(days)
        amounts = SQL(", ").join(
            SQL(
                "CASE WHEN %s = %s THEN aml.amount_residual ELSE 0 END AS %s",
                bucket,
                code,
                SQL.identifier(f"amount_{code.split('_', 1)[1]}"),
            )
            for code, _first, _last in BUCKETS
        )
        return SQL(
            """
            SELECT aml.id AS id,
                   aml.move_id AS move_id,
                   move.commercial_partner_id AS partner_id,
                   partner.user_id AS user_id,
                   partner.key_account_tier_id AS tier_id,
                   COALESCE(partner.is_key_account, FALSE) AS is_key_account,
                   aml.company_id AS company_id,
                   aml.company_currency_id AS currency_id,
                   aml.date_maturity AS date_maturity,
                   %(days)s AS days_overdue,
                   %(bucket)s AS bucket,
                   aml.amount_residual AS amount_residual,
                   %(amounts)s
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN account_move move ON move.id = aml.move_id
              JOIN res_partner partner ON partner.id = move.commercial_partner_id
             WHERE account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND NOT aml.reconciled
               AND aml.amount_residual != 0
            """,
            days=days,
            bucket=bucket,
            amounts=amounts,
        )
