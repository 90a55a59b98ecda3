# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression


class KeyAccountSensitiveInfo(models.Model):
    """Sensitive notes on a key-account contact (SPEC R87).

    Kept apart from the contact so that record rules, not field groups, decide
    who reads them: the customer's rep, its account executive and directors.
    While the company's switch is off, nobody but the superuser creates,
    reads or changes them, RPC included: the switch does not only hide a page.
    """

    _name = "key_account.sensitive.info"
    _description = "Key Account Contact Sensitive Information"
    _rec_name = "partner_id"

    # === FIELDS === #
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

    # === BUSINESS METHODS === #
    @api.model
    def _enabled(self):
        return self.env.company.key_account_sensitive_enabled

    @api.model
    def _search(self, domain, *args, **kwargs):
        if not self.env.su and not self._enabled():
            domain = expression.FALSE_DOMAIN
        return super()._search(domain, *args, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result is None and self._ids and not self._enabled():
            return self, lambda: AccessError(
                self.env._(
                    "Sensitive contact data are switched off for %s.",
                    self.env.company.name,
                )
            )
        return result
