# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .key_account_guard_mixin import FREE_FIELDS, system_write

# The states of a request that has no others.
REQUEST_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
# The public methods every request shares: from which states, who may call.
TRANSITIONS = {
    "action_submit": (("draft",), ("requester",)),
    "action_cancel": (("draft", "submitted"), ("requester", "director")),
    "validate_tier": (("submitted",), ("reviewer",)),
    "reject_tier": (("submitted",), ("reviewer",)),
    "request_validation": ((), ()),
    "restart_validation": ((), ()),
    "evaluate_tier": (None, ("reader",)),
}


class KeyAccountApprovalMixin(models.AbstractModel):
    """What every key-account request approved on the tier engine shares:
    a numbered draft written by its requester, submitted to the approval
    steps, changed only through its buttons, cancelled by the requester or a
    director, never deleted once reviewed, rejected with a reason.

    Models set ``_key_account_sequence``, define ``state`` with at least
    draft, submitted, approved, rejected and cancelled (``REQUEST_STATES``
    when they have no others), and declare the
    fields a user may set per state (``_key_account_user_fields``, see
    ``key_account.guard.mixin``): by default only the draft is written by
    hand."""

    _name = "key_account.approval.mixin"
    _description = "Key-Account Approval Request"
    # The guard first: it refuses a forbidden field before the engine's
    # own checks run.
    _inherit = [
        "key_account.guard.mixin",
        "key_account.sequence.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "tier.validation",
    ]

    _state_from = ["submitted"]
    _state_to = ["approved"]
    _cancel_state = "none"
    _tier_validation_manual_config = False
    _key_account_forced_fields = ("name", "requester_id")
    _key_account_creator_field = "requester_id"
    _key_account_transitions = TRANSITIONS

    # === FIELDS === #
    requester_id = fields.Many2one(
        "res.users",
        string="Requested By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        index=True,
    )
    reject_reason = fields.Text(readonly=True, copy=False)

    # === CRUD METHODS === #
    def _key_account_check_write(self, vals):
        """Beyond the fields declared for each state, a model may refuse a
        change by role (``_may_change``)."""
        res = super()._key_account_check_write(vals)
        changed = set(vals) - FREE_FIELDS
        if changed and any(
            r.state != "draft" and not r._may_change(changed) for r in self
        ):
            raise UserError(self._key_account_locked_message())
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(r.state != "draft" or r.review_ids for r in self):
            raise UserError(self.env._("Only draft requests can be deleted."))

    # === ACTION METHODS === #
    def action_submit(self):
        for request in self:
            request._key_account_check_transition(
                "action_submit", self.env._("Only draft requests can be submitted.")
            )
            request._check_submitter()
            problems = request._submission_problems()
            if problems:
                raise UserError(request._submission_error(problems))
            with self.env.cr.savepoint():
                request._before_submit()
                request._set_state("submitted")
                with system_write():
                    reviews = request.request_validation()
                request.invalidate_recordset(["need_validation"])
                if not reviews:
                    raise UserError(
                        self.env._(
                            "No approval route applies to %s. Ask an "
                            "administrator to configure the approval steps.",
                            request.name,
                        )
                    )
            request._after_submit()
        return True

    def action_cancel(self):
        for request in self:
            request._key_account_check_transition(
                "action_cancel", self.env._("Only open requests can be cancelled.")
            )
            request._check_canceller()
            request.review_ids._key_account_archive()
            request._set_state("cancelled")
            request._on_cancelled()
        return True

    # tier.validation hooks
    def _key_account_owner_ids(self):
        return self.requester_id

    def restart_validation(self):
        """The engine's restart deletes the reviews: the approval history is
        kept instead, so a request is cancelled and a new one made."""
        raise UserError(
            self.env._(
                "Approvals cannot be restarted: cancel the request and create "
                "a new one."
            )
        )

    def _validate_tier(self, tiers=False):
        res = super()._validate_tier(tiers)
        if self.validation_status == "validated" and self.state == "submitted":
            self._set_state("approved")
            self._on_approved()
        return res

    def _rejected_tier(self, tiers=False):
        res = super()._rejected_tier(tiers)
        if self.state == "submitted" and self.validation_status == "rejected":
            reason = self._key_account_rejection_reason()
            self._set_state("rejected", reject_reason=reason)
            self._on_rejected()
            self.message_post(
                body=self.env._(
                    "%(name)s rejected: %(reason)s", name=self.name, reason=reason
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=self._key_account_decision_partners().ids,
            )
        return res

    # Hooks for the models
    def _key_account_decision_partners(self):
        """Partners told of the decision (approval or rejection)."""
        return self.requester_id.partner_id

    def _check_submitter(self):
        """Refuse the submission to anyone but the requester."""
        if self.env.user != self.requester_id and not self.env.su:
            raise AccessError(self.env._("Only the requester can submit it."))

    def _check_canceller(self):
        """Refuse the cancellation to anyone but the requester or a
        director."""
        if self.env.user != self.requester_id and not self.env.user.has_group(
            "key_account.group_key_account_director"
        ):
            raise AccessError(
                self.env._("Only the requester or a director can cancel it.")
            )

    def _submission_problems(self):
        """Translated reasons the request cannot be submitted yet."""
        return []

    def _submission_error(self, problems):
        """The refusal of a submission, from its problems."""
        return "\n".join(problems)

    def _before_submit(self):
        """Runs in the submission's savepoint, before the state changes."""

    def _after_submit(self):
        """Runs once the approval steps are requested."""

    def _on_approved(self):
        """Runs when the last step approves."""

    def _on_rejected(self):
        """Runs when a step rejects, before the requester is told."""

    def _on_cancelled(self):
        """Runs once the request is cancelled."""

    def _may_change(self, changed):
        """Whether a request past its draft may take ``changed`` fields,
        declared for its state, by the current user."""
        return True

    def _key_account_locked_message(self):
        return self.env._("Only draft requests can change.")
