# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import HEALTH_FACTORS


class ResCompany(models.Model):
    """Settings of the account health score: the weight of each factor, the
    early-warning threshold and drop, and the batch of the daily cron."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_health_weight_recency = fields.Float(
        string="Weight: Order Recency",
        default=15.0,
        help="Days since the last order against the account's own average "
        "interval between orders (last twelve months).",
    )
    key_account_health_weight_frequency = fields.Float(
        string="Weight: Order Frequency",
        default=10.0,
        help="Orders of the last three months against the account's own "
        "rate of the last twelve months.",
    )
    key_account_health_weight_revenue = fields.Float(
        string="Weight: Revenue Against Target",
        default=20.0,
        help="Invoiced revenue of the last three months, annualised, against "
        "the minimum annual amount of the account's tier.",
    )
    key_account_health_weight_payment = fields.Float(
        string="Weight: Days to Pay",
        default=15.0,
        help="Average days from invoice to payment over the last twelve "
        "months: 30 days or less scores full, 120 days or more nothing.",
    )
    key_account_health_weight_overdue = fields.Float(
        string="Weight: Overdue Stage",
        default=15.0,
        help="Overdue-ladder stage of the oldest open receivable.",
    )
    key_account_health_weight_complaints = fields.Float(
        string="Weight: Open Complaints",
        default=10.0,
        help="Open complaints by severity: low 10, medium 25, high 50, "
        "critical 100 points off.",
    )
    key_account_health_weight_satisfaction = fields.Float(
        string="Weight: Satisfaction",
        default=10.0,
        help="The last satisfaction score (1-5).",
    )
    key_account_health_weight_visits = fields.Float(
        string="Weight: Visit Gap",
        default=5.0,
        help="Days since the last visit against the tier's visit interval: "
        "within it full, twice it nothing.",
    )
    key_account_health_threshold = fields.Float(
        string="Health Warning Below",
        default=50.0,
        help="A health score (0-100) below it gives the rep and the KA head "
        "an early-warning activity.",
    )
    key_account_health_drop_points = fields.Float(
        string="Health Warning on a Drop Of",
        default=15.0,
        help="A score more than this many points below last month's also "
        "gives an early warning (0: no drop check).",
    )
    key_account_health_batch = fields.Integer(
        string="Health Score Batch Size", default=500
    )

    # === CONSTRAINT METHODS === #
    @api.constrains(
        *(f"key_account_health_weight_{factor}" for factor in HEALTH_FACTORS),
        "key_account_health_threshold",
        "key_account_health_drop_points",
        "key_account_health_batch",
    )
    def _check_key_account_health_settings(self):
        for company in self:
            weights = company._key_account_health_weights()
            if (
                min(weights.values()) < 0
                or not 0 <= company.key_account_health_threshold <= 100
                or company.key_account_health_drop_points < 0
                or company.key_account_health_batch < 1
            ):
                raise ValidationError(
                    self.env._(
                        "Health weights and the drop cannot be negative, the "
                        "warning threshold lies between 0 and 100 and the batch "
                        "size is at least 1."
                    )
                )

    # === BUSINESS METHODS === #
    def _key_account_health_weights(self):
        """{factor: weight} of the health score."""
        self.ensure_one()
        return {
            factor: self[f"key_account_health_weight_{factor}"]
            for factor in HEALTH_FACTORS
        }
