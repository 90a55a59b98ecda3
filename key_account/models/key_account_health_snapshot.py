# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

HEALTH_BANDS = [("healthy", "Healthy"), ("at_risk", "At Risk")]


class KeyAccountHealthSnapshot(models.Model):
    """A key account's health score for a month: the daily health cron
    keeps one per account and month up to date (the last run of the month
    stays), so the partner shows its trend against last month and the
    overview charts it by rep and month.

    Written only by the cron (no user has create or write access); read
    through the partner's record rules."""

    _name = "key_account.health.snapshot"
    _description = "Key-Account Health Snapshot"
    _order = "month desc, id desc"
    _rec_name = "partner_id"

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    user_id = fields.Many2one("res.users", string="Rep", index=True)
    team_id = fields.Many2one("crm.team", string="Department")
    tier_id = fields.Many2one("key_account.tier")
    company_id = fields.Many2one("res.company", required=True, index=True)
    month = fields.Date(required=True, index=True, help="First day of the month.")
    date = fields.Date(string="Computed On", required=True)
    score = fields.Integer(aggregator="avg")
    band = fields.Selection(HEALTH_BANDS, index=True)
    at_risk_count = fields.Integer(
        string="At Risk",
        help="1 when the score is below the warning threshold: summed, the "
        "number of accounts at risk.",
    )
    pulling = fields.Json(
        string="Factors Pulling It Down",
        help="[[factor, factor score, points lost]], the largest loss first.",
    )

    _sql_constraints = [
        (
            "partner_month_uniq",
            "unique(partner_id, month)",
            "One health snapshot per key account and month.",
        )
    ]
