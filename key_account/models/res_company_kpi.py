# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Settings of KPIs and assessments (SPEC R78 churn, R79, R80, R85)."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_kpi_sales_points = fields.Float(
        string="Sales Completion Points",
        default=25.0,
        help="Points of sales completion at 100 % in the assessment score.",
    )
    key_account_kpi_sales_step = fields.Float(
        string="Point Lost Per Shortfall (%)",
        default=5.0,
        help="One point is lost per full step below 100 % sales completion.",
    )
    key_account_assessment_threshold = fields.Float(
        string="Assessment Threshold",
        default=60.0,
        help="A quarterly score (out of 100) below it records a verbal warning.",
    )
    key_account_visits_per_day = fields.Float(
        string="Visits Per Working Day", default=1.0
    )
    key_account_calls_per_day = fields.Float(
        string="Calls Per Working Day",
        default=0.0,
        help="0: no call target.",
    )
    key_account_churn_months = fields.Integer(
        string="Lost After (Months Without Invoice)", default=12
    )

    # === CONSTRAINT METHODS === #
    @api.constrains(
        "key_account_kpi_sales_points",
        "key_account_kpi_sales_step",
        "key_account_assessment_threshold",
        "key_account_visits_per_day",
        "key_account_calls_per_day",
        "key_account_churn_months",
    )
    def _check_key_account_kpi_settings(self):
        for company in self:
            if (
                company.key_account_kpi_sales_step <= 0
                or company.key_account_churn_months < 1
                or min(
                    company.key_account_kpi_sales_points,
                    company.key_account_assessment_threshold,
                    company.key_account_visits_per_day,
                    company.key_account_calls_per_day,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "KPI settings cannot be negative; the scoring step and "
                        "the months before a key account counts as lost must be "
                        "positive."
                    )
                )
