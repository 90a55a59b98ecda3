# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResPartner(models.Model):
    """The customer's classified documents (SPEC R88), counted on its form
    as the user may read them."""

    _inherit = "res.partner"

    # === FIELDS === #
    key_account_document_count = fields.Integer(
        string="Classified Documents",
        compute="_compute_key_account_document_count",
        groups="key_account.group_key_account_rep",
    )

    # === COMPUTE METHODS === #
    @api.depends_context("uid")
    def _compute_key_account_document_count(self):
        counts = dict(
            self.env["key_account.document"]._read_group(
                [("partner_id", "in", self.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.key_account_document_count = counts.get(partner, 0)
