# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
    key_account_cpm_product_id = fields.Many2one(
        "product.product",
        string="CPM Product",
        help="The product priced per thousand sends: its price in the price "
        "system is the CPM a performance-priced agreement's test CPM must "
        "reach.",
    )
    key_account_project_advance_percent = fields.Float(
        string="Advance on Project Orders (%)",
        default=50.0,
        help="Advance proposed on the project orders of customers that are "
        "not key accounts (signed cooperation agreement, work starts after "
        "the advance): their goods are delivered once it is paid, and the "
        "online quotation asks for it when customers pay online.",
    )

    # === CONSTRAINT METHODS === #
    @api.constrains("key_account_project_advance_percent")
    def _check_key_account_project_advance(self):
        for company in self:
            if not 0 <= company.key_account_project_advance_percent <= 100:
                raise ValidationError(
                    self.env._("The advance on project orders is a percentage.")
                )
