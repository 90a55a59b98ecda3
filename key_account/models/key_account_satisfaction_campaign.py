# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

from ..tools import is_blank
from .key_account_approval_mixin import TRANSITIONS
from .key_account_satisfaction import METHODS, OPEN_STATES

STATES = [
    ("draft", "Draft"),
    ("submitted", "Plan Submitted"),
    ("approved", "Plan Approved"),
    ("running", "Running"),
    ("reported", "Report to Review"),
    ("done", "Reviewed and Archived"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
PLAN_FIELDS = (
    "title",
    "kind",
    "method",
    "objective",
    "plan",
    "date_start",
    "date_end",
    "staff_ids",
    "partner_ids",
    "company_id",
)
REPORT_FIELDS = ("results", "improvements", "report")


class KeyAccountSatisfactionCampaign(models.Model):
    """A satisfaction survey or return-visit campaign (SPEC R75): its plan
    (objective, method, customers, staff) approved by the KA head on the
    approval steps, launched as one satisfaction record per customer, its
    results and improvements written up in a report the KA head reviews and
    archives."""

    _name = "key_account.satisfaction.campaign"
    _description = "Key-Account Satisfaction Campaign"
    _inherit = ["key_account.approval.mixin"]
    _order = "id desc"
    _key_account_sequence = "key_account.satisfaction.campaign"
    _key_account_user_fields = {
        "draft": PLAN_FIELDS,
        "approved": REPORT_FIELDS,
        "running": REPORT_FIELDS,
        "reported": ("review_note",),
    }
    _key_account_transitions = dict(
        TRANSITIONS,
        action_launch=(("approved",), ("requester", "head")),
        action_submit_report=(("running",), ("requester",)),
        action_review_report=(("reported",), ("head",)),
        action_return_report=(("reported",), ("head",)),
    )

    # === FIELDS === #
    state = fields.Selection(
        STATES, default="draft", required=True, copy=False, tracking=True, index=True
    )
    title = fields.Char(required=True, tracking=True)
    kind = fields.Selection(
        [("survey", "Satisfaction Survey"), ("return_visit", "Return Visits")],
        required=True,
        default="survey",
        tracking=True,
    )
    method = fields.Selection(
        METHODS,
        required=True,
        default="visit",
        help="How the staff reach each customer; online surveys go to the "
        "customer's decision maker or first contact with an e-mail address.",
    )
    objective = fields.Text(required=True)
    plan = fields.Html(help="Questions, schedule, resources.")
    date_start = fields.Date(string="Start", required=True)
    date_end = fields.Date(string="End", required=True)
    staff_ids = fields.Many2many(
        "res.users",
        "key_account_campaign_staff_rel",
        "campaign_id",
        "user_id",
        help="Who surveys or visits: each customer goes to its own rep when "
        "the rep is among the staff, otherwise to the staff in turn.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "key_account_campaign_partner_rel",
        "campaign_id",
        "partner_id",
        string="Customers",
        domain=[("is_key_account", "=", True), ("is_company", "=", True)],
    )
    satisfaction_ids = fields.One2many(
        "key_account.satisfaction", "campaign_id", string="Surveys", readonly=True
    )
    survey_count = fields.Integer(compute="_compute_results", compute_sudo=True)
    closed_count = fields.Integer(
        string="Closed", compute="_compute_results", compute_sudo=True
    )
    average_score = fields.Float(
        digits=(3, 1), compute="_compute_results", compute_sudo=True
    )
    dissatisfied_count = fields.Integer(
        string="Dissatisfied",
        compute="_compute_results",
        compute_sudo=True,
        help="Customers at or below the company's dissatisfaction threshold.",
    )
    results = fields.Text(help="What the customers said, by theme.")
    improvements = fields.Text(help="The measures taken on the results.")
    report = fields.Html(string="Campaign Report")
    launched_date = fields.Date(readonly=True, copy=False)
    reported_date = fields.Date(string="Report Submitted On", readonly=True, copy=False)
    review_note = fields.Text(string="Reviewer's Comment", tracking=True)
    report_reviewer_id = fields.Many2one(
        "res.users", string="Report Reviewed By", readonly=True, copy=False
    )
    archived_date = fields.Date(string="Archived On", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "dates_order",
            "CHECK(date_end >= date_start)",
            "A campaign ends after it starts.",
        )
    ]

    # === COMPUTE METHODS === #
    @api.depends("satisfaction_ids.state", "satisfaction_ids.score")
    def _compute_results(self):
        for campaign in self:
            records = campaign.satisfaction_ids.filtered(
                lambda r: r.state != "cancelled"
            )
            scored = records.filtered("score")
            campaign.survey_count = len(records)
            campaign.closed_count = len(records.filtered(lambda r: r.state == "done"))
            campaign.average_score = (
                sum(scored.mapped("score")) / len(scored) if scored else 0.0
            )
            campaign.dissatisfied_count = len(scored.filtered("needs_recovery"))

    # === ACTION METHODS === #
    def action_launch(self):
        """One satisfaction record per customer, given to its rep among the
        staff or to the staff in turn; online surveys are sent at once."""
        for campaign in self:
            campaign._check_organizer()
            campaign._key_account_check_transition(
                "action_launch", self.env._("Only an approved campaign is launched.")
            )
            campaign._create_satisfactions()
            campaign._set_state("running", launched_date=fields.Date.today())
            partners = campaign.staff_ids.partner_id
            campaign.message_subscribe(partner_ids=partners.ids)
        return True

    def action_submit_report(self):
        for campaign in self:
            campaign._key_account_check_transition(
                "action_submit_report", self.env._("Only a running campaign reports.")
            )
            if self.env.user != campaign.requester_id and not self.env.su:
                raise AccessError(
                    self.env._("Only the campaign's organizer submits its report.")
                )
            problems = campaign._report_problems()
            if problems:
                raise UserError("\n".join(problems))
            campaign._set_state("reported", reported_date=fields.Date.today())
            head = campaign.company_id._key_account_head()
            if head:
                campaign.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=head.id,
                    summary=self.env._("Review the campaign report"),
                )
        return True

    def action_review_report(self):
        """The KA head accepts the report: the campaign is archived."""
        self._check_head()
        for campaign in self:
            campaign._key_account_check_transition(
                "action_review_report",
                self.env._("No campaign report waits for review."),
            )
            campaign._set_state(
                "done",
                report_reviewer_id=self.env.uid,
                archived_date=fields.Date.today(),
            )
            campaign.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_return_report(self):
        self._check_head()
        for campaign in self:
            campaign._key_account_check_transition(
                "action_return_report",
                self.env._("No campaign report waits for review."),
            )
            if is_blank(campaign.review_note):
                raise UserError(
                    self.env._("Write in the comment what the report lacks.")
                )
            campaign._set_state("running")
            campaign.activity_unlink(["mail.mail_activity_data_todo"])
            campaign.message_post(
                body=self.env._("Report returned: %s", campaign.review_note),
                subtype_xmlid="mail.mt_comment",
                partner_ids=campaign.requester_id.partner_id.ids,
            )
        return True

    # === BUSINESS METHODS === #
    def _submission_problems(self):
        problems = []
        if not self.partner_ids:
            problems.append(self.env._("Choose the customers to survey."))
        if not self.staff_ids:
            problems.append(self.env._("Assign the staff."))
        return problems

    def _report_problems(self):
        self.ensure_one()
        problems = []
        if self.satisfaction_ids.filtered(lambda r: r.state in OPEN_STATES):
            problems.append(
                self.env._("Close or cancel the campaign's surveys and visits first.")
            )
        labels = {
            "results": self.env._("the results"),
            "improvements": self.env._("the improvements"),
            "report": self.env._("the report"),
        }
        for name in REPORT_FIELDS:
            if is_blank(self[name]) or (
                self._fields[name].type == "html" and self._is_blank_html(self[name])
            ):
                problems.append(self.env._("Write %s.", labels[name]))
        return problems

    @api.model
    def _is_blank_html(self, value):
        return is_blank(html2plaintext(value or ""))

    def _may_change(self, changed):
        """The report is written by the organizer or the KA head; the
        reviewer's comment by the KA head."""
        user = self.env.user
        is_head = user.has_group("key_account.group_key_account_head")
        if self.state == "reported":
            return is_head
        return is_head or user == self.requester_id

    def _check_organizer(self):
        self.ensure_one()
        if self.env.su or self.env.user == self.requester_id:
            return
        if self.env.user.has_group("key_account.group_key_account_head"):
            return
        raise AccessError(
            self.env._("Only the organizer or the KA head launches the campaign.")
        )

    def _check_head(self):
        if self.env.su or self.env.user.has_group("key_account.group_key_account_head"):
            return
        raise AccessError(self.env._("Only the KA head reviews the campaign report."))

    def _staff_for(self, partner, turn):
        """The staff member who surveys ``partner``: its rep among the staff,
        else the staff in turn."""
        rep = partner.user_id
        if rep in self.staff_ids:
            return rep
        return self.staff_ids[turn % len(self.staff_ids)]

    def _create_satisfactions(self):
        self.ensure_one()
        Satisfaction = self.env["key_account.satisfaction"]
        survey = self.company_id._key_account_satisfaction_survey()
        records_vals = []
        today = fields.Date.today()
        for turn, partner in enumerate(self.sudo().partner_ids):
            vals = {
                "partner_id": partner.id,
                "user_id": self._staff_for(partner, turn).id,
                "date": max(today, self.date_start),
                "method": self.method,
                "company_id": self.company_id.id,
                "campaign_id": self.id,
            }
            recipient = partner._key_account_survey_recipient()
            if self.method == "survey" and recipient and survey:
                vals.update(state="sent", survey_id=survey.id, contact_id=recipient.id)
            records_vals.append(vals)
        return Satisfaction._key_account_create_surveys(records_vals)
