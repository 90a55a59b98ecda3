# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import entered_late, entry_deadline


class KeyAccountFileReview(models.Model):
    """Review of a customer file (SPEC R69, R78): a new key-account file, or
    a change of its key data by a rep, with the day the rep learned it.

    Information is entered within ``key_account_file_entry_days`` working
    days of learning it (later: flagged, or refused to reps by setting),
    reviewed by the office manager (leader of the changer's office; the
    KA head when he has none or is the changer), then handed to marketing
    and the customer-information supervisors as activities. Recorded by the
    system when the partner is written; nobody creates or edits one by hand,
    and none is deleted."""

    _name = "key_account.file.review"
    _description = "Customer File Review"
    _inherit = ["key_account.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    # Read-only document: the system records it, ``action_review`` decides.
    _key_account_user_fields = {"*": ()}
    _key_account_transitions = {
        "action_review": (("to_review",), ("office_manager", "director")),
    }

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    kind = fields.Selection(
        [("new", "New File"), ("change", "Key Data Change")],
        required=True,
        readonly=True,
    )
    requester_id = fields.Many2one(
        "res.users",
        string="Entered By",
        required=True,
        index=True,
        readonly=True,
    )
    rep_id = fields.Many2one(
        "res.users",
        index=True,
        readonly=True,
        help="The customer's rep when the information was entered: the "
        "registration rate counts in his KPIs.",
    )
    reviewer_id = fields.Many2one(
        "res.users",
        string="Office Manager",
        index=True,
        readonly=True,
        help="Reviews the entry: the leader of the office of who entered it; "
        "empty: the KA head reviews it.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    learned_date = fields.Date(
        string="Learned On",
        required=True,
        readonly=True,
        help="When the rep learned the information (a new file: its creation).",
    )
    date = fields.Date(string="Entered On", required=True, index=True, readonly=True)
    deadline = fields.Date(
        string="Entry and Review Due",
        readonly=True,
        help="Learned on plus the working days of the setting.",
    )
    late = fields.Boolean(
        string="Entered Late",
        readonly=True,
        help="Entered after the deadline.",
    )
    changes = fields.Html(readonly=True, sanitize=True)
    field_names = fields.Char(
        string="Changed Fields", readonly=True, help="Technical names."
    )
    state = fields.Selection(
        [("to_review", "To Review"), ("done", "Reviewed")],
        default="to_review",
        required=True,
        readonly=True,
        tracking=True,
    )
    reviewed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    reviewed_date = fields.Date(readonly=True, copy=False)
    reviewed_in_time = fields.Boolean(
        string="Reviewed in Time",
        readonly=True,
        copy=False,
        help="Reviewed by the deadline: counts in the registration rate.",
    )
    recipient_ids = fields.Many2many(
        "res.users",
        "key_account_file_review_recipient_rel",
        "review_id",
        "user_id",
        string="Handed To",
        readonly=True,
        copy=False,
        help="Marketing and customer-information supervisors who received "
        "the reviewed entry.",
    )

    # === CRUD METHODS === #
    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Customer file reviews are never deleted."))

    # === ACTION METHODS === #
    def action_review(self):
        """The office manager (or a KA director) confirms the entry; it is
        handed to marketing and the customer-information supervisors."""
        for review in self:
            review._check_reviewer()
        today = fields.Date.context_today(self)
        for review in self:
            review._key_account_system_write(
                {
                    "state": "done",
                    "reviewed_by_id": self.env.uid,
                    "reviewed_date": today,
                    "reviewed_in_time": not review.deadline or today <= review.deadline,
                }
            )
            review._done_review_activities()
            review._hand_over()
        return True

    # === BUSINESS METHODS === #
    def _check_reviewer(self):
        self.ensure_one()
        user = self.env.user
        if self.state != "to_review":
            raise UserError(self.env._("This entry is already reviewed."))
        if user == self.requester_id:
            raise AccessError(self.env._("Nobody reviews their own entry."))
        if user == self.reviewer_id or user.has_group(
            "key_account.group_key_account_director"
        ):
            return
        raise AccessError(
            self.env._(
                "Only %(manager)s or a KA director reviews this entry.",
                manager=self.reviewer_id.name or self.env._("the KA head"),
            )
        )

    @api.model
    def _reviewer_for(self, user):
        """The office manager reviewing what ``user`` entered: the leader of
        his office, never himself (then, or without one: the KA head)."""
        manager = user._key_account_office_manager()
        return manager if manager != user else manager.browse()

    @api.model
    def _record(self, partner, kind, learned, changes="", field_names=""):
        """Record an entry on ``partner`` by the current user (as the
        system: nobody creates one by hand). A KA director's entry needs no
        review: it is handed over at once."""
        user = self.env.user
        company = partner.company_id or self.env.company
        today = fields.Date.context_today(self)
        days = company.key_account_file_entry_days
        director = user.has_group("key_account.group_key_account_director")
        rep = partner.user_id
        if kind == "new":
            reviewer = self._reviewer_for(rep) if rep else rep
        else:
            reviewer = self._reviewer_for(user)
        review = self.sudo().create(
            {
                "partner_id": partner.id,
                "kind": kind,
                "requester_id": (rep if kind == "new" and rep else user).id,
                "rep_id": rep.id,
                "reviewer_id": reviewer.id,
                "company_id": company.id,
                "learned_date": learned,
                "date": today,
                "deadline": entry_deadline(learned, days),
                "late": entered_late(learned, today, days),
                "changes": changes,
                "field_names": field_names,
            }
        )
        if kind == "change" and director and not self.env.su:
            review.sudo().write(
                {
                    "state": "done",
                    "reviewed_by_id": user.id,
                    "reviewed_date": today,
                    "reviewed_in_time": True,
                }
            )
            review.sudo()._hand_over()
        else:
            review.sudo()._ask_review()
        return review

    def _review_users(self):
        """Who gets the review activity: the office manager, else the KA
        heads of the company (not the one who entered it)."""
        self.ensure_one()
        if self.reviewer_id:
            return self.reviewer_id
        heads = self.env.ref("key_account.group_key_account_head").sudo().users
        return heads.filtered(
            lambda u: (
                u.active and u != self.requester_id and self.company_id in u.company_ids
            )
        )

    def _ask_review(self):
        self.ensure_one()
        deadline = max(self.deadline, fields.Date.context_today(self))
        kind = self._fields["kind"].convert_to_export(self.kind, self)
        for user in self._review_users():
            self.activity_schedule(
                "key_account.mail_activity_key_account_file_review",
                date_deadline=deadline,
                summary=self.env._(
                    "%(kind)s: %(customer)s",
                    kind=kind,
                    customer=self.partner_id.display_name,
                ),
                user_id=user.id,
            )

    def _done_review_activities(self):
        review_type = self.env.ref("key_account.mail_activity_key_account_file_review")
        self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == review_type
        ).action_feedback(feedback=self.env._("Reviewed by %s", self.env.user.name))

    def _hand_over(self):
        """Activities for marketing and the customer-information
        supervisors (users without e-mail see them in Odoo)."""
        self.ensure_one()
        users = self.company_id._key_account_file_recipients() - self.env.user
        if not users:
            return
        self.sudo().write({"recipient_ids": [fields.Command.set(users.ids)]})
        for user in users:
            self.sudo().activity_schedule(
                "key_account.mail_activity_key_account_file_handover",
                summary=self.env._(
                    "Customer data reviewed: %s", self.partner_id.display_name
                ),
                user_id=user.id,
            )
        self.sudo().message_post(
            body=Markup("%s %s")
            % (
                self.env._("Handed to:"),
                ", ".join(users.mapped("name")),
            ),
            subtype_xmlid="mail.mt_note",
        )
