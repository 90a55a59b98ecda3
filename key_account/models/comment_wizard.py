# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import is_blank


class CommentWizard(models.TransientModel):
    """The engine's comment wizard decides the reviews it is handed: they
    must be reviews of the document it names, a document the user may read
    and, for key-account documents, reviews whose turn is the user's.

    A rejection always gives its reason (SPEC R13); approving a key-account
    document may go without a comment (the engine asks one for every
    decision it opens this dialog for)."""

    _inherit = "comment.wizard"
    _key_account_transitions = {"add_comment": (None, ("reviewer",))}

    # === FIELDS === #
    comment = fields.Char(required=False)
    key_account_comment_required = fields.Boolean(
        compute="_compute_key_account_comment_required"
    )

    # === COMPUTE METHODS === #
    @api.depends("validate_reject", "res_model")
    def _compute_key_account_comment_required(self):
        for wizard in self:
            wizard.key_account_comment_required = wizard._key_account_needs_comment()

    # === ACTION METHODS === #
    def add_comment(self):
        self.ensure_one()
        self._key_account_check_decision()
        self._key_account_check_comment()
        self.comment = (self.comment or "").strip() or False
        return super().add_comment()

    # === BUSINESS METHODS === #
    def _key_account_needs_comment(self):
        """Rejections need their reason; approvals need a comment only
        outside key-account documents, as the engine has it."""
        self.ensure_one()
        return self.validate_reject == "reject" or (
            self.res_model not in self.env["tier.review"]._key_account_models()
        )

    def _key_account_check_comment(self):
        if self._key_account_needs_comment() and is_blank(self.comment):
            raise ValidationError(
                self.env._("Give the reason for the rejection.")
                if self.validate_reject == "reject"
                else self.env._("Write a comment.")
            )

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
