# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class TierReview(models.Model):
    """Decisions taken for an absent approver by the delegate of a dated
    delegation (SPEC R15)."""

    _inherit = "tier.review"

    # === BUSINESS METHODS === #
    def _key_account_delegation(self, user=None):
        """The running delegation through which ``user`` may decide this
        review for one of its own reviewers, if any."""
        self.ensure_one()
        user = user or self.env.user
        delegations = self.env["key_account.delegation"]._running(
            self.sudo()._key_account_own_reviewers()
        )
        return delegations.filtered(
            lambda d: d.delegate_id == user and d._covers(self.definition_id)
        )[:1]

    def _key_account_on_behalf(self):
        """{review id: absent reviewer} for reviews the current user decides
        as a delegate."""
        result = {}
        for review in self:
            if self.env.user in review.sudo()._key_account_own_reviewers():
                continue
            delegation = review._key_account_delegation()
            if delegation:
                result[review.id] = delegation.user_id
        return result
