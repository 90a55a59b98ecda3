# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import AccessError

# Review statuses only a reviewer of the review may set.
DECISIONS = ("approved", "rejected")


class TierReview(models.Model):
    _inherit = "tier.review"

    @api.model
    def _key_account_models(self):
        """Models whose reviews key_account protects against forged decisions."""
        return ["key_account.request"]

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if (
                    vals.get("model") in self._key_account_models()
                    and vals.get("status") in DECISIONS
                ):
                    raise AccessError(
                        self.env._("A review cannot be created already decided.")
                    )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and vals.get("status") in DECISIONS:
            self._key_account_check_decider()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_key_account_history(self):
        if not self.env.su and any(
            review.model in self._key_account_models() for review in self
        ):
            raise AccessError(
                self.env._("Key-account approval history cannot be deleted.")
            )

    def _key_account_check_decider(self):
        """Only a reviewer of the review may approve or reject it (RPC too)."""
        for review in self:
            if review.model not in self._key_account_models():
                continue
            if self.env.user not in review.reviewer_ids or review.status in DECISIONS:
                raise AccessError(
                    self.env._(
                        "Only %(reviewers)s can decide the review “%(review)s”.",
                        reviewers=review.todo_by or "-",
                        review=review.name or "",
                    )
                )
