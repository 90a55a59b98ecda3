# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import AccessError


class CommentWizard(models.TransientModel):
    """The engine's comment wizard decides the reviews it is handed: they
    must be reviews of the document it names, a document the user may read
    and, for key-account documents, reviews whose turn is the user's."""

    _inherit = "comment.wizard"
    _key_account_transitions = {"add_comment": (None, ("reviewer",))}

    def add_comment(self):
        self.ensure_one()
        self._key_account_check_decision()
        return super().add_comment()

    def _key_account_check_decision(self):
        if self.env.su:
            return
        if self.validate_reject not in ("validate", "reject"):
            raise AccessError(self.env._("A review is either approved or rejected."))
        if not self.res_model or self.res_model not in self.env:
            raise AccessError(self.env._("The document to review does not exist."))
        record = self.env[self.res_model].browse(self.res_id).exists()
        if not record:
            raise AccessError(self.env._("The document to review does not exist."))
        record.check_access("read")
        reviews = self.review_ids.sudo()
        if any(
            review.model != self.res_model or review.res_id != self.res_id
            for review in reviews
        ):
            raise AccessError(
                self.env._(
                    "The reviews decided must be reviews of %(document)s.",
                    document=record.display_name,
                )
            )
        if self.res_model not in self.env["tier.review"]._key_account_models():
            return
        record._key_account_check_has_turn()
        if not reviews:
            # The engine would decide every review of the document: decide
            # those whose turn it is (the engine's own wizard leaves the list
            # empty while the user's review is still waiting).
            sequences = record._get_sequences_to_approve(self.env.user)
            self.review_ids = record.review_ids.filtered(
                lambda r: r.sequence in sequences
            )
        self.review_ids._key_account_check_decider()
