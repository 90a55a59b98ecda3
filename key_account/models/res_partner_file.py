# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools import completeness


class ResPartner(models.Model):
    """Customer file: key data, completeness, signers, important dates,
    sensitive information and classification (SPEC R67–R72, R87, R88)."""

    _inherit = "res.partner"

    # === FIELDS === #
    # Key data of the customer file are tracked in the chatter (R69, R89).
    vat = fields.Char(tracking=True)
    company_registry = fields.Char(tracking=True)
    street = fields.Char(tracking=True)
    key_account_file_number = fields.Char(
        string="File Number", copy=False, index=True, readonly=True
    )
    key_account_confidentiality = fields.Selection(
        [
            ("normal", "Normal"),
            ("confidential", "Confidential"),
            ("secret", "Secret"),
        ],
        string="Confidentiality",
        default="normal",
        required=True,
        tracking=True,
        help="Who may see this customer. Normal and Confidential: its rep, the "
        "account executive, their office manager and the directors. Secret: "
        "the office manager no longer sees it. Only the KA head or a manager "
        "classifies a customer as Secret or lifts it, as they approve who "
        "reads secret files.",
    )
    key_account_preferences = fields.Text(string="Preferences")
    key_account_ownership_type = fields.Selection(
        [
            ("state", "State-Owned"),
            ("collective", "Collective"),
            ("private", "Private"),
            ("foreign", "Foreign-Invested"),
            ("joint", "Joint Venture"),
            ("other", "Other"),
        ],
        string="Ownership Type",
    )
    key_account_staff_count = fields.Integer(string="Staff")
    key_account_annual_revenue = fields.Monetary(
        string="Annual Revenue", currency_field="key_account_currency_id"
    )
    key_account_currency_id = fields.Many2one(
        "res.currency", compute="_compute_key_account_currency_id"
    )
    key_account_coverage = fields.Char(string="Coverage")
    key_account_main_results = fields.Text(string="Main Results")
    key_account_creditworthiness = fields.Text(string="Creditworthiness")
    key_account_decision_maker_id = fields.Many2one(
        "res.partner",
        string="Decision Maker",
        tracking=True,
        domain="[('parent_id', '=', id)]",
    )
    key_account_management_background = fields.Text(string="Management Background")
    key_account_file_completeness = fields.Float(
        string="File Completeness (%)",
        compute="_compute_key_account_file_completeness",
        store=True,
        aggregator="avg",
        help="Share of the customer-file items (Configuration > Customer File "
        "Items) filled in on this key account. It counts in the rep's KPIs.",
    )
    key_account_date_ids = fields.One2many(
        "key_account.partner.date", "partner_id", string="Important Dates"
    )
    key_account_signer_ids = fields.One2many(
        "key_account.signer", "partner_id", string="Authorized Signers"
    )
    key_account_sensitive_ids = fields.One2many(
        "key_account.sensitive.info", "partner_id", string="Sensitive Information"
    )
    key_account_sensitive_enabled = fields.Boolean(
        compute="_compute_key_account_sensitive_enabled"
    )

    # === COMPUTE METHODS === #
    @api.depends_context("company")
    def _compute_key_account_currency_id(self):
        for partner in self:
            partner.key_account_currency_id = self.env.company.currency_id

    @api.model
    def _key_account_file_fields(self):
        """Partner fields a file item may require (SPEC R67)."""
        return [
            "name",
            "company_registry",
            "vat",
            "street",
            "city",
            "phone",
            "email",
            "key_account_ownership_type",
            "key_account_staff_count",
            "key_account_annual_revenue",
            "key_account_coverage",
            "key_account_main_results",
            "key_account_creditworthiness",
            "key_account_decision_maker_id",
            "key_account_settlement_method",
            "key_account_management_background",
        ]

    @api.depends(lambda self: self._key_account_file_fields() + ["is_key_account"])
    def _compute_key_account_file_completeness(self):
        items = self.env["key_account.file.item"].sudo().search([("active", "=", True)])
        for partner in self:
            if not partner.is_key_account:
                partner.key_account_file_completeness = 0.0
                continue
            company = partner.company_id or self.env.company
            required = {
                item.field_name
                for item in items
                if not item.company_id or item.company_id == company
            }
            filled = {name for name in required if partner[name]}
            partner.key_account_file_completeness = completeness(filled, required)

    @api.depends_context("company")
    def _compute_key_account_sensitive_enabled(self):
        enabled = self.env["key_account.sensitive.info"]._enabled()
        for partner in self:
            partner.key_account_sensitive_enabled = enabled
