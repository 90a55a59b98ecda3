# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class TierReview(models.Model):
    """The engine's review status in the words of key-account screens
    (translated with the addon)."""

    _inherit = "tier.review"

    # === FIELDS === #
    key_account_status = fields.Selection(
        [
            ("waiting", "Waiting for an earlier step"),
            ("pending", "To decide"),
            ("rejected", "Rejected"),
            ("approved", "Approved"),
            ("cancel", "Closed undecided"),
        ],
        string="Decision",
        compute="_compute_key_account_status",
        help="Where this step stands.",
    )

    # === COMPUTE METHODS === #
    @api.depends("status")
    def _compute_key_account_status(self):
        for review in self:
            review.key_account_status = review.status
