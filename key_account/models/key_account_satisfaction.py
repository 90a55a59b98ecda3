# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import survey_score

METHODS = [
    ("visit", "Visit"),
    ("phone", "Phone"),
    ("message", "Message"),
    ("card", "Card"),
    ("survey", "Online Survey"),
]
STATES = [
    ("draft", "To Do"),
    ("sent", "Survey Sent"),
    ("answered", "Answered"),
    ("done", "Closed"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("draft", "sent", "answered")
# What the rep records on an open survey; state and survey links are the
# system's.
SURVEY_FIELDS = (
    "contact_id",
    "user_id",
    "date",
    "method",
    "comments",
    "score",
    "recovery_actions",
    "recovery_deadline",
    "recovery_owner_id",
)


class KeyAccountSatisfaction(models.Model):
    """A satisfaction survey or return visit of a key account (SPEC R73):
    sent by the daily cron at the tier's interval or recorded by the rep,
    scored 1-5; a low score needs a recovery plan before closing (R74)."""

    _name = "key_account.satisfaction"
    _description = "Key-Account Satisfaction"
    _inherit = [
        "key_account.guard.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "key_account.recovery.mixin",
        "key_account.sequence.mixin",
    ]
    _key_account_sequence = "key_account.satisfaction"
    _key_account_user_fields = {
        "draft": ("partner_id", "company_id", *SURVEY_FIELDS),
        "sent": SURVEY_FIELDS,
        "answered": SURVEY_FIELDS,
    }
    _key_account_forced_fields = ("name",)
    _key_account_transitions = {
        "action_close": (OPEN_STATES, ("rep", "office_manager")),
        "action_cancel": (OPEN_STATES, ("rep", "office_manager")),
    }
    _order = "date desc, id desc"

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_key_account", "=", True), ("is_company", "=", True)],
    )
    contact_id = fields.Many2one(
        "res.partner",
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Rep",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    method = fields.Selection(METHODS, required=True, default="visit", tracking=True)
    comments = fields.Text()
    state = fields.Selection(
        STATES, default="draft", required=True, copy=False, tracking=True, index=True
    )
    survey_id = fields.Many2one(
        "survey.survey", readonly=True, groups="survey.group_survey_user"
    )
    user_input_id = fields.Many2one(
        "survey.user_input",
        string="Survey Answer",
        readonly=True,
        index="btree_not_null",
        groups="survey.group_survey_user",
    )
    campaign_id = fields.Many2one(
        "key_account.satisfaction.campaign",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="The survey or return-visit campaign this record belongs to.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # === COMPUTE METHODS === #
    @api.depends("partner_id")
    def _compute_user_id(self):
        for record in self:
            record.user_id = record.partner_id.commercial_partner_id.user_id

    # === CRUD METHODS === #
    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(record.state != "draft" for record in self):
            raise UserError(self.env._("Only satisfaction records to do are deleted."))

    # === ACTION METHODS === #
    def action_close(self):
        for record in self:
            record._key_account_check_transition(
                "action_close", self.env._("%s is not open.", record.name)
            )
            record.check_access("write")
            problems = []
            if not record.score:
                problems.append(self.env._("Give the customer's score (1-5)."))
            problems += record._recovery_problems()
            if problems:
                raise UserError("\n".join(problems))
            record._key_account_system_write({"state": "done"})
            record._notify_recovery()
        return True

    def action_cancel(self):
        for record in self:
            record._key_account_check_transition(
                "action_cancel", self.env._("%s is not open.", record.name)
            )
            record.check_access("write")
            record._key_account_system_write({"state": "cancelled"})
        return True

    # === BUSINESS METHODS === #
    @api.model
    def _cron_send_surveys(self, batch_size=100):
        """Daily: key accounts whose tier interval has passed since their last
        satisfaction record get one, with the company's survey sent to their
        decision maker (or the first contact with an email); without an email
        it is left to the rep to visit or call. Idempotent: the new record
        moves the customer's due date on. One batch per call, a constant
        number of queries; the cron runner calls again while
        ``_notify_progress`` reports work remaining."""
        today = fields.Date.context_today(self)
        domain = [
            ("is_key_account", "=", True),
            ("is_company", "=", True),
            ("key_account_satisfaction_due", "<=", today),
        ]
        Partner = self.env["res.partner"]
        partners = Partner.search(domain, limit=batch_size)
        partners.fetch(["child_ids", "key_account_decision_maker_id", "company_id"])
        recipients = {
            partner: partner._key_account_survey_recipient() for partner in partners
        }
        records_vals = []
        for partner, recipient in recipients.items():
            company = partner.company_id or self.env.company
            survey = company._key_account_satisfaction_survey()
            vals = {
                "partner_id": partner.id,
                "contact_id": recipient.id,
                "date": today,
                "company_id": company.id,
                "method": "visit",
            }
            if recipient and survey:
                vals.update(method="survey", state="sent", survey_id=survey.id)
            records_vals.append(vals)
        records = self._key_account_create_surveys(records_vals)
        remaining = Partner.search_count(domain) if len(partners) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=remaining)
        return records

    @api.model
    def _key_account_create_surveys(self, records_vals):
        """Create the satisfaction records ``records_vals`` and, for those
        sent (state ``sent``, with their survey and contact), the contact's
        survey answer, and invite the contacts. As superuser: the records
        and survey links are the system's."""
        records = self.sudo().create(records_vals)
        sent = records.filtered(lambda r: r.state == "sent")
        inputs = (
            self.env["survey.user_input"]
            .sudo()
            .create(
                [
                    {
                        "survey_id": record.survey_id.id,
                        "partner_id": record.contact_id.id,
                        "email": record.contact_id.email,
                        "nickname": record.contact_id.name,
                    }
                    for record in sent
                ]
            )
        )
        for record, user_input in zip(sent, inputs, strict=True):
            record.user_input_id = user_input
        if inputs:
            self.env.ref(
                "survey.mail_template_user_input_invite"
            ).sudo().send_mail_batch(
                inputs.ids, email_layout_xmlid="mail.mail_notification_light"
            )
        return records

    def _survey_answered(self, user_inputs):
        """The customer answered: score and comments come from the survey."""
        for record in self:
            user_input = user_inputs.filtered(lambda i, r=record: i == r.user_input_id)
            comments = user_input.user_input_line_ids.filtered(
                lambda line: line.answer_type in ("text_box", "char_box")
            )
            record.write(
                {
                    "state": "answered",
                    "score": survey_score(user_input.scoring_percentage),
                    "comments": "\n".join(
                        comments.mapped(
                            lambda line: (
                                line.value_text_box or line.value_char_box or ""
                            )
                        )
                    ),
                }
            )
            record.message_post(
                body=self.env._(
                    "%(contact)s answered the satisfaction survey: score %(score)s.",
                    contact=record.contact_id.name,
                    score=record.score,
                ),
                partner_ids=record.user_id.partner_id.ids,
            )
