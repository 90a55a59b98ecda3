# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class KeyAccountSensitiveInfo(models.Model):
    """Sensitive notes on a key-account contact (SPEC R87).

    Kept apart from the contact so that record rules, not field groups, decide
    who reads them: the customer's rep, its account executive and directors.
    """

    _name = "key_account.sensitive.info"
    _description = "Key Account Contact Sensitive Information"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        index=True,
        ondelete="cascade",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    health = fields.Text()
    physical_features = fields.Text()
    home_address = fields.Text()
    family_events = fields.Text()
    company_id = fields.Many2one(
        related="partner_id.company_id", store=True, index=True
    )

    _sql_constraints = [
        (
            "partner_uniq",
            "unique(partner_id)",
            "A contact has one sensitive record.",
        )
    ]

    @api.model
    def _enabled(self):
        return self.env.company.key_account_sensitive_enabled
