# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Settings of entertainment, gifts, satisfaction and complaints
    (SPEC R56, R57, R73-R76)."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_entertainment_gm_amount = fields.Monetary(
        string="Entertainment: General Manager Above",
        default=3000.0,
        help="Entertainment budgets (and reported actuals) above this amount "
        "also need the general manager.",
    )
    key_account_gift_gm_amount = fields.Monetary(
        string="Gifts: General Manager Above",
        default=1000.0,
        help="Gift requests whose total value is above this amount also need "
        "the general manager.",
    )
    key_account_gift_custodian_review = fields.Boolean(
        string="Gift Custodian Reviews Gifts",
        help="Gift requests go to the gift custodian after the KA head.",
    )
    key_account_actual_tolerance = fields.Float(
        string="Actual Costs Tolerance (%)",
        default=10.0,
        help="Reported entertainment costs above the budget by more than this "
        "need the approvals again.",
    )
    key_account_satisfaction_survey_id = fields.Many2one(
        "survey.survey",
        string="Satisfaction Survey",
        help="Survey sent to key-account contacts at their tier's interval; "
        "empty: the survey shipped with Key Accounts.",
    )
    key_account_satisfaction_threshold = fields.Float(
        string="Dissatisfied At or Below",
        default=2.0,
        help="A satisfaction score (1-5) at or below this needs a recovery "
        "plan before closing.",
    )
    key_account_complaint_response_days = fields.Integer(
        string="Complaint Response (Working Days)", default=1
    )
    key_account_complaint_resolution_days = fields.Integer(
        string="Complaint Resolution (Working Days)", default=5
    )

    # === CONSTRAINT METHODS === #
    @api.constrains(
        "key_account_entertainment_gm_amount",
        "key_account_gift_gm_amount",
        "key_account_actual_tolerance",
        "key_account_satisfaction_threshold",
        "key_account_complaint_response_days",
        "key_account_complaint_resolution_days",
    )
    def _check_key_account_relationship(self):
        for company in self:
            if (
                min(
                    company.key_account_entertainment_gm_amount,
                    company.key_account_gift_gm_amount,
                    company.key_account_actual_tolerance,
                    company.key_account_complaint_response_days,
                )
                < 0
                or not 0 <= company.key_account_satisfaction_threshold <= 5
                or company.key_account_complaint_resolution_days
                < company.key_account_complaint_response_days
            ):
                raise ValidationError(
                    self.env._(
                        "Relationship settings: amounts, tolerance and days "
                        "cannot be negative, the dissatisfaction threshold is "
                        "between 0 and 5 and the resolution delay cannot be "
                        "shorter than the response delay."
                    )
                )

    # === BUSINESS METHODS === #
    def _key_account_satisfaction_survey(self):
        self.ensure_one()
        return self.key_account_satisfaction_survey_id or self.env.ref(
            "key_account.survey_key_account_satisfaction", raise_if_not_found=False
        )
