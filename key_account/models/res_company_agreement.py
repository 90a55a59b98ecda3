# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    """Settings of key-account agreements (SPEC R20-R26)."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_agreement_required = fields.Boolean(
        string="Key-Account Orders Require an Active Agreement",
        default=True,
        help="A key-account order confirms only on the customer's active "
        "agreement, whose prices, terms and rebate it takes.",
    )
    key_account_agreement_months = fields.Integer(
        string="Agreement Validity (Months)", default=12
    )
    key_account_agreement_notice_days = fields.Integer(
        string="Renewal Reminder (Days Before the End)", default=30
    )
    key_account_performance_tolerance = fields.Float(
        string="Performance Deviation Suspending (%)",
        default=30.0,
        help="Actual results of a performance-priced agreement further than "
        "this from its test result suspend it.",
    )
