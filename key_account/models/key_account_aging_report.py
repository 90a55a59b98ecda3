# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import BUCKETS, bucket_bounds

# Amount column of each bucket (tools.aging.BUCKETS).
BUCKET_AMOUNTS = {
    "b0_not_due": "amount_not_due",
    "b1_overdue": "amount_overdue",
    "b2_monitor": "amount_monitor",
    "b3_progress": "amount_progress",
    "b4_writeoff": "amount_writeoff",
}
# Company settings of the overdue ladder, lowest level first.
LADDER_FIELDS = (
    "key_account_monitor_after",
    "key_account_progress_after",
    "key_account_writeoff_after",
)


class KeyAccountAgingReport(models.Model):
    """Open receivables along the overdue ladder (SPEC R38): one row per open
    receivable journal item, bucketed as the ladder stages them today, by
    the levels and unit (months or days) of its company's settings. Read
    only: a SQL view, nothing is written when it is read."""

    _name = "key_account.aging.report"
    _description = "Receivables Aging"
    _inherit = ["key_account.report.view.mixin"]
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
    bucket = fields.Selection(selection="_bucket_selection", readonly=True)
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    amount_monitor = fields.Monetary(string="Key Monitoring", readonly=True)
    amount_progress = fields.Monetary(string="Weekly Notes", readonly=True)
    amount_writeoff = fields.Monetary(string="Write-Off Possible", readonly=True)

    # === CRUD METHODS === #
    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """The bucket columns are labelled after the current company's
        ladder ("Over 2 Months"), like the bucket selection."""
        result = super().fields_get(allfields, attributes)
        labels = dict(self._bucket_selection())
        for code, name in BUCKET_AMOUNTS.items():
            if name in result and "string" in result[name]:
                result[name]["string"] = labels[code]
        return result

    # === BUSINESS METHODS === #
    @api.model
    def _bucket_selection(self):
        """Buckets labelled by the current company's overdue ladder: Not
        Due, Up to 2 Months, Over 2 Months, Over 4 Months, Over 6 Months."""
        company = self.env.company
        levels = tuple(company[name] for name in LADDER_FIELDS)
        try:
            bounds = bucket_bounds(levels)
        except ValueError:  # a company being set up: the default ladder
            bounds = bucket_bounds()
        days = company.key_account_aging_unit == "days"
        selection = []
        for code, low, high in bounds:
            if low is None and high is None:
                label = self.env._("Not Due")
            elif low is None:
                label = (
                    self.env._("Up to %(count)s Days", count=high)
                    if days
                    else self.env._("Up to %(count)s Months", count=high)
                )
            else:
                label = (
                    self.env._("Over %(count)s Days", count=low)
                    if days
                    else self.env._("Over %(count)s Months", count=low)
                )
            selection.append((code, label))
        return selection

    def _bucket_case(self, due):
        """SQL CASE of a receivable due on ``due`` into the buckets of
        tools.aging, by the ladder of its company (alias ``company``):
        "more than N" is today > due date + N months (or days)."""

        def over(level):
            step = SQL(
                "CASE WHEN company.key_account_aging_unit = 'days'"
                " THEN make_interval(days => %s)"
                " ELSE make_interval(months => %s) END",
                SQL.identifier("company", level),
                SQL.identifier("company", level),
            )
            return SQL("CURRENT_DATE > %s + %s", due, step)

        whens = [SQL("WHEN CURRENT_DATE <= %s THEN %s", due, BUCKETS[0])]
        for code, level in reversed(list(zip(BUCKETS[2:], LADDER_FIELDS, strict=True))):
            whens.append(SQL("WHEN %s THEN %s", over(level), code))
        return SQL("CASE %s ELSE %s END", SQL(" ").join(whens), BUCKETS[1])

    def _query(self):
        due = SQL("COALESCE(aml.date_maturity, aml.date)")
        days = SQL("(CURRENT_DATE - %s)", due)
        bucket = self._bucket_case(due)
        amounts = SQL(", ").join(
            SQL(
                "CASE WHEN %s = %s THEN aml.amount_residual ELSE 0 END AS %s",
                bucket,
                code,
                SQL.identifier(BUCKET_AMOUNTS[code]),
            )
            for code in BUCKETS
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
              JOIN res_company company ON company.id = aml.company_id
             WHERE account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND NOT aml.reconciled
               AND aml.amount_residual != 0
            """,
            days=days,
            bucket=bucket,
            amounts=amounts,
        )
