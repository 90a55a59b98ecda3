# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import is_blank

REVIEW_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("reviewed", "Reviewed"),
]


class KeyAccountReviewedMixin(models.AbstractModel):
    """A document its author writes, submits, and a reviewer reviews or
    returns with a comment (visit plans R55, monthly reports R82).

    The models using it declare ``user_id`` (the author), inherit
    ``mail.thread`` and ``mail.activity.mixin``, and define
    ``_check_reviewer``; they may override
    ``_submission_problems`` (what the author must still write) and
    ``_reviewers`` (who gets the to-do)."""

    _name = "key_account.reviewed.mixin"
    _description = "Key-Account Reviewed Document"
    _inherit = ["key_account.guard.mixin"]
    # The models using it name their own author and reviewer roles.
    _key_account_transitions = {
        "action_submit": (("draft",), ("rep",)),
        "action_review": (("submitted",), ("reviewer",)),
        "action_return": (("submitted",), ("reviewer",)),
    }

    # === FIELDS === #
    state = fields.Selection(
        REVIEW_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    submitted_date = fields.Datetime(readonly=True, copy=False)
    review_note = fields.Text(string="Reviewer's Comment", tracking=True)
    reviewer_id = fields.Many2one(
        "res.users", string="Reviewed By", readonly=True, copy=False
    )
    review_date = fields.Datetime(string="Reviewed On", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # === CRUD METHODS === #
    def write(self, vals):
        if "review_note" in vals and not self._key_account_is_system():
            self._check_reviewer()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(document.state != "draft" for document in self):
            raise UserError(self.env._("A submitted document is kept as is."))

    # === ACTION METHODS === #
    def action_submit(self):
        """The author hands the document to its reviewers (a to-do each)."""
        for document in self:
            document._key_account_check_transition(
                "action_submit",
                self.env._("%s is already submitted.", document.display_name),
            )
            if document.user_id != self.env.user and not self.env.su:
                raise AccessError(
                    self.env._(
                        "Only %(author)s submits %(document)s.",
                        author=document.user_id.name,
                        document=document.display_name,
                    )
                )
            problems = document._submission_problems()
            if problems:
                raise UserError("\n".join(problems))
            document._key_account_system_write(
                {
                    "state": "submitted",
                    "submitted_date": fields.Datetime.now(),
                    "reviewer_id": False,
                    "review_date": False,
                }
            )
            for reviewer in document._reviewers():
                document.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=reviewer.id,
                    summary=self.env._("Review %s", document.display_name),
                )
        return True

    def action_review(self):
        self._check_reviewer()
        self._check_waiting_review()
        self._key_account_system_write(
            {
                "state": "reviewed",
                "reviewer_id": self.env.uid,
                "review_date": fields.Datetime.now(),
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_return(self):
        """Send the document back to its author with the comment."""
        self._check_reviewer()
        self._check_waiting_review()
        for document in self:
            if is_blank(document.review_note):
                raise UserError(
                    self.env._("Write in the comment what the author should change.")
                )
            document._key_account_system_write({"state": "draft"})
            document.activity_unlink(["mail.mail_activity_data_todo"])
            document.message_post(
                body=self.env._(
                    "%(document)s returned: %(comment)s",
                    document=document.display_name,
                    comment=document.review_note,
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=document.user_id.partner_id.ids,
            )
        return True

    # === BUSINESS METHODS === #
    def _check_waiting_review(self):
        for document in self:
            if document.state != "submitted":
                raise UserError(
                    self.env._("%s is not waiting for a review.", document.display_name)
                )

    def _check_reviewer(self):
        """Raise AccessError unless the current user reviews these
        documents (never the author his own)."""
        raise NotImplementedError

    def _submission_problems(self):
        """What the author must still do before submitting, as sentences."""
        self.ensure_one()
        return []

    def _reviewers(self):
        """The users who get the to-do to review the document."""
        self.ensure_one()
        return self.env["res.users"]
