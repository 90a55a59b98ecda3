# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import is_blank

# Transaction cache key: documents whose approval their own methods restarted
# in this transaction (see ``tier.review._key_account_archive``).
RESTARTED = "key_account_restarted_approvals"


class TierValidation(models.AbstractModel):
    """Request side of key-account approvals, for every protected model."""

    _inherit = "tier.validation"
    # Public methods (RPC endpoints) of the engine: states and roles, see
    # key_account.guard.mixin. Each model states its own.
    _key_account_transitions = {
        "validate_tier": (None, ("reviewer",)),
        "reject_tier": (None, ("reviewer",)),
        "request_validation": (None, ("requester", "rep")),
        "restart_validation": (None, ()),
    }

    # === FIELDS === #
    key_account_next_step = fields.Char(
        string="Next Step",
        compute="_compute_key_account_next_step",
        help="The approval step waiting for its decision now.",
    )

    # === COMPUTE METHODS === #
    @api.depends("review_ids.status", "review_ids.sequence", "review_ids.name")
    def _compute_key_account_next_step(self):
        for record in self:
            record.key_account_next_step = record._key_account_next_step_name()

    @api.model
    def _search_can_review(self, operator, value):
        """The engine's search with the review conditions on one review
        (one subquery on the reviews rather than three: each applies the
        reviews' record rules anew). The same documents: those whose own
        flag, computed last, says the user has a step to decide."""
        domain = [
            (
                "review_ids",
                "any",
                [
                    ("reviewer_ids", "=", self.env.user.id),
                    ("status", "in", ["pending", "waiting"]),
                    ("can_review", "=", True),
                ],
            ),
            ("validation_status", "!=", "rejected"),
        ]
        if "active" in self._fields:
            domain.append(("active", "in", [True, False]))
        return [("id", "in", self.search(domain).filtered("can_review").ids)]

    # === BUSINESS METHODS === #
    def _get_sequences_to_approve(self, user):
        """The engine's answer over every review of the document: whose turn
        it is depends on all its steps, including those the user may not
        read (the reviews' record rules would show a reviewer only his own
        steps on a document he does not otherwise read). It gives step
        numbers only, and saves building the reviews' record rules (a
        subquery per protected model) on each call."""
        return super(TierValidation, self.sudo())._get_sequences_to_approve(user)

    def _key_account_protected(self):
        return self._name in self.env["tier.review"]._key_account_models()

    def _key_account_owner_ids(self):
        """Users who may not decide this document's reviews (SPEC R14)."""
        return self.env["res.users"]

    def request_validation(self):
        if not self._key_account_protected():
            return super().request_validation()
        # Whoever may edit the document may ask for its approval. The reviews
        # are created as superuser: users cannot create reviews themselves
        # (see tier.review.create), so none can be forged over RPC.
        self._key_account_check_requested_by_button()
        self.check_access("write")
        if not self.env.su:
            self._key_account_check_request_state()
        reviews = super(TierValidation, self.sudo()).request_validation()
        restarted = self.env.cr.cache.get(RESTARTED)
        if restarted:
            restarted.difference_update((self._name, rid) for rid in self.ids)
        reviews = reviews.with_env(self.env)
        self._key_account_requester_signs(reviews)
        return reviews

    def _key_account_check_requested_by_button(self):
        """The engine's ``request_validation`` is no RPC entry on key-account
        documents: their own buttons (Submit, Request Approval) call it,
        inside ``system_write()``, after their checks."""
        if not self.env["key_account.guard.mixin"]._key_account_is_system():
            raise AccessError(
                self.env._(
                    "Approval of %(document)s is requested through its own "
                    "buttons, in the states that need it.",
                    document=self[:1].display_name,
                )
            )

    def _key_account_check_request_state(self):
        """Approval is asked in the states the engine asks it from. The
        engine's ``skip_check_state_condition`` context key, which any RPC
        caller can pass, is honoured only for a document whose approval its
        own methods restarted in this very transaction (a confirmed order
        changed beyond what was approved)."""
        if not self.env.context.get("skip_check_state_condition"):
            return
        restarted = self.env.cr.cache.get(RESTARTED, set())
        for record in self:
            if (
                record._tier_validation_get_current_state_value()
                not in record._state_from
                and (record._name, record.id) not in restarted
            ):
                raise AccessError(
                    self.env._(
                        "Approval of %(document)s is requested through its own "
                        "buttons, in the states that need it.",
                        document=record.display_name,
                    )
                )

    def restart_validation(self):
        """The engine's restart deletes the reviews: key-account documents
        keep their approval history and restart through their own methods
        (a model that allows it overrides this without calling super)."""
        if self._key_account_protected() and not self.env.su:
            raise AccessError(
                self.env._(
                    "The approval history of a key-account document is kept: "
                    "its approval cannot be restarted this way."
                )
            )
        return super().restart_validation()

    def _set_state(self, state, **extra):
        """Move a key-account request's workflow; callers checked that the
        transition is allowed.

        Runs as superuser because ``state`` is not writable by users (RPC
        callers must go through the actions), and with the engine's write
        check skipped since the request is locked under validation.
        """
        # ``need_validation`` has no dependencies: drop the value cached before
        # the reviews existed, or the engine would request them again.
        self.invalidate_recordset(["need_validation"])
        self.sudo().with_context(skip_validation_check=True).write(
            dict(extra, state=state)
        )

    def _rejected_tier(self, tiers=False):
        """A rejection of a key-account document needs its reason (R13)."""
        if self._key_account_protected():
            mine = (tiers or self.review_ids).filtered(
                lambda r: (
                    r.status in ("waiting", "pending")
                    and self.env.user in r.reviewer_ids
                )
            )
            if mine and any(is_blank(review.comment) for review in mine):
                raise UserError(self.env._("Give the reason for the rejection."))
        return super()._rejected_tier(tiers)

    def _add_tier_validation_buttons(self, node, params):
        """Key-account requests have their own Submit and Cancel buttons:
        the engine's Request and Restart buttons are left out."""
        if self._key_account_protected():
            return etree.fromstring("<div/>")
        return super()._add_tier_validation_buttons(node, params)

    def _add_tier_validation_label(self, node, params):
        """Key-account documents say where their approval stands in the
        addon's own words (translated with it)."""
        if self._key_account_protected():
            return etree.fromstring(
                self.env["ir.qweb"]._render("key_account.tier_validation_label", params)
            )
        return super()._add_tier_validation_label(node, params)

    def _key_account_rejection_reason(self):
        """The rejecting reviewers' comments, one per line."""
        self.ensure_one()
        return "\n".join(
            self.review_ids.filtered(
                lambda r: r.status == "rejected" and r.comment
            ).mapped("comment")
        )

    def validate_tier(self):
        self._key_account_check_has_turn()
        return super().validate_tier()

    def reject_tier(self):
        """A key-account rejection always asks for its reason (SPEC R13),
        whether or not the step asks for a comment on approval."""
        self._key_account_check_has_turn()
        if self._key_account_protected() and not self.has_comment:
            self.ensure_one()
            sequences = self._get_sequences_to_approve(self.env.user)
            return self._add_comment(
                "reject",
                self.review_ids.filtered(lambda r: r.sequence in sequences),
            )
        return super().reject_tier()

    def _key_account_check_has_turn(self):
        """Deciding with nothing to decide is refused (the engine would
        otherwise move waiting reviews on)."""
        if not self._key_account_protected():
            return
        for record in self:
            if not record._get_sequences_to_approve(self.env.user):
                raise AccessError(
                    self.env._(
                        "%(document)s has no review for you to decide now "
                        "(next step: %(step)s).",
                        document=record.display_name,
                        step=record._key_account_next_step_name() or "-",
                    )
                )

    def _key_account_next_step_name(self):
        """Name of the step waiting now (the engine's ``next_review`` reads
        "Next: …", a label, not a name)."""
        self.ensure_one()
        undecided = self.review_ids.filtered(
            lambda r: r.status in ("waiting", "pending")
        )
        return undecided.sorted("sequence")[:1].name

    def _key_account_requester_signs(self, reviews):
        """Steps marked "signed when requested by the reviewer" count as
        signed when the requester is their reviewer (SPEC R14)."""
        signed = reviews.filtered(
            lambda r: (
                r.definition_id.key_account_requester_signs
                and r.sudo()._key_account_own_reviewers() == self.env.user
            )
        )
        if not signed:
            return
        signed.sudo().write(
            {
                "status": "approved",
                "done_by": self.env.uid,
                "reviewed_date": fields.Datetime.now(),
                "comment": self.env._("Signed as the requester."),
            }
        )
        for record in self:
            record.review_ids._compute_can_review()
            record.invalidate_recordset(["validation_status"])
