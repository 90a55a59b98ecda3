# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression

from .tier_validation import RESTARTED

# Review statuses only a reviewer of the review may set.
DECISIONS = ("approved", "rejected")
OPEN = ("waiting", "pending")
# A review of a key-account document as the engine creates it.
UNDECIDED = {
    "status": "waiting",
    "done_by": False,
    "reviewed_date": False,
    "comment": False,
    "key_account_on_behalf_of_id": False,
    "key_account_escalated_group_id": False,
    "key_account_escalated_date": False,
    "active": True,
}
# Fields a user may write on a review of a key-account document: the engine's
# decision, its comment, the move of a waiting review to pending and the
# can_review flag the engine recomputes by hand.
USER_FIELDS = {"status", "done_by", "reviewed_date", "comment", "can_review"}
# What ties a review to its document, its step and its reviewers: set by the
# engine when the approval is requested, never by a user afterwards, on any
# review (a review of another model re-pointed at a key-account document
# would be forged evidence).
FIXED_FIELDS = {
    "model",
    "res_id",
    "definition_id",
    "requested_by",
    "sequence",
    "active",
    "reviewer_ids",
    "todo_by",
    "key_account_on_behalf_of_id",
    "key_account_pending_since",
    "key_account_escalated_group_id",
    "key_account_escalated_date",
}


class TierReview(models.Model):
    """Reviews of key-account documents: forged decisions are refused, the
    history is archived instead of deleted, delegates and escalation groups
    join the reviewers."""

    _inherit = "tier.review"

    # === FIELDS === #
    active = fields.Boolean(default=True, index=True)
    key_account_on_behalf_of_id = fields.Many2one(
        "res.users", string="On Behalf Of", readonly=True
    )
    key_account_pending_since = fields.Datetime(string="Pending Since", readonly=True)
    key_account_escalated_group_id = fields.Many2one(
        "res.groups", string="Escalated To", readonly=True
    )
    key_account_escalated_date = fields.Datetime(string="Escalated On", readonly=True)
    key_account_document_readable = fields.Boolean(
        string="Document Readable",
        compute="_compute_key_account_document_readable",
        search="_search_key_account_document_readable",
        help="Whether the current user may read the reviewed key-account "
        "document (reviews of other documents count as readable): the approval "
        "history is read with its document (record rule).",
    )

    @api.model
    def _key_account_guarded_default(self, name):
        """No user records a default for approval reviews (ir.default)."""
        return True

    @api.model
    def _key_account_models(self):
        """Models whose reviews key_account protects against forged decisions."""
        return [
            "key_account.request",
            "key_account.exception.request",
            "key_account.writeoff.request",
            "key_account.expense.claim",
            "key_account.agreement",
            "sale.order",
            "key_account.entertainment",
            "key_account.gift",
            "key_account.document",
            "key_account.satisfaction.campaign",
        ]

    # === COMPUTE METHODS === #
    @api.depends_context("uid")
    def _compute_key_account_document_readable(self):
        user_env = self.env(su=False)
        ids = defaultdict(set)
        for review in self:
            ids[review.model].add(review.res_id)
        readable = {
            model: set(user_env[model].browse(res_ids)._filtered_access("read").ids)
            for model, res_ids in ids.items()
            if model in user_env
        }
        protected = self._key_account_models()
        for review in self:
            review.key_account_document_readable = (
                review.model not in protected
                or review.res_id in readable.get(review.model, ())
            )

    def _search_key_account_document_readable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        user_env = self.env(su=False)
        protected = self._key_account_models()
        # Reviews of a model the user may not read at all are none of his
        # documents' (no search on that model, which would raise).
        access = user_env["ir.model.access"]
        domain = expression.OR(
            [[("model", "not in", protected)]]
            + [
                [("model", "=", model), ("res_id", "in", user_env[model]._search([]))]
                for model in protected
                if model in user_env and access.check(model, "read", False)
            ]
        )
        if (operator == "=") == value:
            return domain
        return ["!", *domain]

    @api.model
    def _get_reviewer_fields(self):
        return super()._get_reviewer_fields() + [
            "key_account_escalated_group_id",
            "key_account_escalated_group_id.users",
        ]

    def _get_reviewers(self):
        reviewers = self._key_account_own_reviewers()
        if self.model in self._key_account_models() and self.status in OPEN:
            delegations = self.env["key_account.delegation"]._running(reviewers)
            reviewers |= delegations.filtered(
                lambda d: d._covers(self.definition_id)
            ).delegate_id
        return reviewers

    def _key_account_own_reviewers(self):
        """Reviewers in their own right: the definition's, and the group the
        review was escalated to."""
        self.ensure_one()
        return super()._get_reviewers() | self.key_account_escalated_group_id.users

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.is_superuser():
            context_model = self.env.context.get("default_model")
            if any(
                (vals.get("model") or context_model) in self._key_account_models()
                for vals in vals_list
            ):
                raise AccessError(
                    self.env._(
                        "Approvals of key-account documents are requested with "
                        "the document's Request Approval button."
                    )
                )
        now = fields.Datetime.now()
        for vals in vals_list:
            # The engine's reviews start undecided, whatever default a user
            # may have recorded for himself (ir.default).
            if vals.get("model") in self._key_account_models():
                for name, value in UNDECIDED.items():
                    vals.setdefault(name, value)
            if vals.get("status") == "pending":
                vals.setdefault("key_account_pending_since", now)
        return super().create(vals_list)

    def write(self, vals):
        protected = self.filtered(lambda r: r.model in self._key_account_models())
        if not self.env.is_superuser():
            self._key_account_check_fixed(vals)
            if protected:
                protected._key_account_check_user_write(vals)
        if vals.get("status") in DECISIONS and protected:
            behalf = protected._key_account_on_behalf()
            for review in protected:
                if behalf.get(review.id):
                    super(TierReview, review).write(
                        {"key_account_on_behalf_of_id": behalf[review.id].id}
                    )
        if vals.get("status") == "pending":
            vals = dict(vals, key_account_pending_since=fields.Datetime.now())
        res = super().write(vals)
        if vals.get("status") in DECISIONS:
            protected._key_account_log_decision()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_key_account_history(self):
        if not self.env.su and any(
            review.model in self._key_account_models() for review in self
        ):
            raise AccessError(
                self.env._("Key-account approval history cannot be deleted.")
            )

    # === BUSINESS METHODS === #
    def _key_account_check_fixed(self, vals):
        """No user re-points a review, whatever its model: the document, the
        step, the requester and the reviewers are the engine's."""
        fixed = set(vals) & (FIXED_FIELDS | self._key_account_related_fields())
        if fixed:
            raise AccessError(
                self.env._(
                    "The document, step and reviewers of an approval review "
                    "cannot be changed (%(fields)s).",
                    fields=", ".join(sorted(fixed)),
                )
            )

    @api.model
    def _key_account_related_fields(self):
        """Fields read through the step (reviewer, sequence rules, company):
        writing them would write the step itself."""
        return {
            name
            for name, field in self._fields.items()
            if field.related and field.related.split(".")[0] == "definition_id"
        }

    def _key_account_check_user_write(self, vals):
        """What a user (RPC included) may write on a review: only the engine's
        own moves, each by the person entitled to it."""
        forbidden = set(vals) - USER_FIELDS
        status = vals.get("status")
        if forbidden or (status and status not in DECISIONS + ("pending", "cancel")):
            raise AccessError(
                self.env._("Approval reviews change only through their decisions.")
            )
        if status in DECISIONS or "comment" in vals:
            self._key_account_check_decider()
            if vals.get("done_by", self.env.uid) != self.env.uid:
                raise AccessError(
                    self.env._("A review is decided in the name of its decider.")
                )
        elif {"done_by", "reviewed_date"} & set(vals):
            raise AccessError(
                self.env._("Approval reviews change only through their decisions.")
            )
        for review in self:
            if status == "pending" and review.status not in OPEN:
                raise AccessError(self.env._("A decided review stays decided."))
            if status == "cancel" and not (
                review.status in OPEN
                and review._key_account_siblings().filtered(
                    lambda r: r.status == "rejected"
                )
            ):
                raise AccessError(
                    self.env._(
                        "A review is cancelled only when another review of the "
                        "document was rejected."
                    )
                )

    def _key_account_siblings(self):
        """The active reviews of the same document, in the caller's
        environment. Searched without the record rules: the checks that use
        them (turn, four eyes, cancellation) must see every step, whoever
        decides; and the rules would build, per search, a subquery on each
        protected model for nothing (the caller reads this review, so the
        document's reviews are readable to them anyway)."""
        self.ensure_one()
        siblings = self.sudo().search(
            [("model", "=", self.model), ("res_id", "=", self.res_id)]
        )
        return siblings.with_env(self.env)

    def _key_account_check_decider(self):
        """Only a reviewer of an open review decides it, in turn, never on
        their own document (SPEC R12, R14, R15)."""
        for review in self:
            if review.status not in OPEN or not review.active:
                raise AccessError(
                    self.env._(
                        "The review “%(review)s” is already decided.",
                        review=review.name or "",
                    )
                )
            if self.env.user not in review.sudo()._key_account_own_reviewers() and not (
                review._key_account_delegation()
            ):
                raise AccessError(
                    self.env._(
                        "Only %(reviewers)s can decide the review “%(review)s”.",
                        reviewers=review.todo_by or "-",
                        review=review.name or "",
                    )
                )
            record = self.env[review.model].browse(review.res_id)
            if self.env.user in (review.requested_by | record._key_account_owner_ids()):
                raise AccessError(
                    self.env._(
                        "You cannot approve or reject your own %(document)s.",
                        document=record._description,
                    )
                )
            review._key_account_check_four_eyes(self)
            if review.approve_sequence:
                earlier = review._key_account_siblings().filtered(
                    lambda r, rv=review: (
                        r.sequence < rv.sequence
                        and r.status != "approved"
                        and r not in self
                    )
                )
                if earlier:
                    raise AccessError(
                        self.env._(
                            "“%(review)s” comes after “%(earlier)s”, which is "
                            "not approved yet.",
                            review=review.name or "",
                            earlier=earlier[0].name or "",
                        )
                    )

    def _key_account_check_four_eyes(self, deciding):
        """A delegate does not decide, for someone else, a document on which
        he decides a step in his own right, nor the other way round: one
        person never signs two steps of a document through a delegation."""
        self.ensure_one()
        user = self.env.user
        siblings = self.sudo()._key_account_siblings() - self
        own = user in self.sudo()._key_account_own_reviewers()
        for sibling in siblings:
            sibling_own = user in sibling._key_account_own_reviewers()
            decided_by_user = sibling.done_by == user
            if own:
                conflict = decided_by_user and sibling.key_account_on_behalf_of_id
                conflict = conflict or (sibling in deciding.sudo() and not sibling_own)
            else:
                conflict = decided_by_user or sibling_own
            if conflict:
                raise AccessError(
                    self.env._(
                        "You decide one step of %(document)s: a delegation does "
                        "not let you sign another one.",
                        document=self.name or self.model,
                    )
                )

    def _key_account_log_decision(self):
        """Chatter line on the document: who decided, on behalf of whom."""
        for review in self:
            record = self.env[review.model].browse(review.res_id)
            if not hasattr(record, "message_post"):
                continue
            status = self._fields["status"].convert_to_export(review.status, self)
            if review.key_account_on_behalf_of_id:
                body = self.env._(
                    "%(review)s: %(status)s by %(user)s on behalf of %(absent)s.",
                    review=review.name,
                    status=status,
                    user=(review.done_by or self.env.user).name,
                    absent=review.key_account_on_behalf_of_id.name,
                )
            else:
                body = self.env._(
                    "%(review)s: %(status)s by %(user)s.",
                    review=review.name,
                    status=status,
                    user=(review.done_by or self.env.user).name,
                )
            if review.comment:
                body = f"{body} ({review.comment})"
            record.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")

    def _key_account_archive(self):
        """Keep reviews out of the running validation, in the history. The
        documents may ask for approval again in this transaction, whatever
        their state (see ``tier.validation._key_account_check_request_state``)."""
        reviews = self.sudo()
        self.env.cr.cache.setdefault(RESTARTED, set()).update(
            (review.model, review.res_id) for review in reviews
        )
        reviews.filtered(lambda r: r.status in OPEN).write({"status": "cancel"})
        reviews.write({"active": False})
        # Archiving is not a dependency of the engine's validation status.
        for model in set(reviews.mapped("model")):
            records = self.env[model].browse(
                reviews.filtered(lambda r, m=model: r.model == m).mapped("res_id")
            )
            records.invalidate_recordset(["review_ids"])
            self.env.add_to_compute(records._fields["validation_status"], records)
