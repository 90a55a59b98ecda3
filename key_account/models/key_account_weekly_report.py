# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import is_month_last_week, week_bounds


class KeyAccountWeeklyReport(models.Model):
    """The rep's weekly report before the Monday meeting (SPEC R81): work
    sheet of the week, plan of the next one and, in the month's last week,
    the customer log. The open quotations (funnel) come with the rep's
    weekly report e-mail; missing reports are listed in the meeting pack."""

    _name = "key_account.weekly.report"
    _description = "Key-Account Weekly Report"
    _inherit = ["key_account.guard.mixin", "mail.thread"]
    _key_account_user_fields = {
        "draft": ("user_id", "week_start", "summary", "next_week_plan", "customer_log")
    }
    _key_account_transitions = {"action_submit": (("draft",), ("rep",))}
    _order = "week_start desc, user_id"

    # === FIELDS === #
    user_id = fields.Many2one(
        "res.users",
        string="Rep",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        tracking=True,
    )
    week_start = fields.Date(
        string="Week Of",
        required=True,
        index=True,
        default=lambda self: week_bounds(fields.Date.context_today(self))[0],
        help="The Monday of the reported week.",
    )
    week_end = fields.Date(compute="_compute_week", store=True)
    is_month_last_week = fields.Boolean(
        compute="_compute_week",
        store=True,
        help="The month's last week also carries the customer log.",
    )
    summary = fields.Text(string="Work Done", required=True)
    next_week_plan = fields.Text(string="Next Week's Plan", required=True)
    customer_log = fields.Text(
        help="Customers contacted this month and where each stands; "
        "required in the month's last week.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("submitted", "Submitted")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    submitted_date = fields.Datetime(readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "week_uniq",
            "unique(user_id, week_start, company_id)",
            "A rep writes one weekly report per week.",
        )
    ]

    # === COMPUTE METHODS === #
    @api.depends("week_start")
    def _compute_week(self):
        for report in self:
            start = report.week_start
            report.week_end = start and start + datetime.timedelta(days=6)
            report.is_month_last_week = bool(start) and is_month_last_week(
                week_bounds(start)[0]
            )

    @api.depends("user_id", "week_start")
    def _compute_display_name(self):
        for report in self:
            report.display_name = self.env._(
                "%(rep)s, week of %(date)s",
                rep=report.user_id.name or "",
                date=report.week_start or "",
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("week_start")
    def _check_week_start(self):
        if any(r.week_start.weekday() != 0 for r in self):
            raise ValidationError(self.env._("A weekly report starts on a Monday."))

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("week_start"):
                day = fields.Date.to_date(vals["week_start"])
                vals["week_start"] = week_bounds(day)[0]
            if not self.env.su and not self._is_supervisor():
                vals["user_id"] = self.env.uid
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(r.state != "draft" for r in self):
            raise UserError(self.env._("A submitted weekly report is kept as is."))

    # === ACTION METHODS === #
    def action_submit(self):
        for report in self:
            report._key_account_check_transition(
                "action_submit", self.env._("This weekly report is already submitted.")
            )
            if report.user_id != self.env.user and not self.env.su:
                raise AccessError(self.env._("Only the rep submits their report."))
            if report.is_month_last_week and not (report.customer_log or "").strip():
                raise UserError(
                    self.env._(
                        "The month's last weekly report includes the customer log."
                    )
                )
        self._key_account_system_write(
            {"state": "submitted", "submitted_date": fields.Datetime.now()}
        )
        return True

    # === BUSINESS METHODS === #
    @api.model
    def _is_supervisor(self):
        return self.env.user.has_group("key_account.group_key_account_supervisor")

    @api.model
    def _reporting_reps(self, company):
        """Users expected to submit a weekly report: active internal users
        in the Rep group of ``company`` who are not supervisors (office
        managers, clerks and directors report otherwise). Override to
        change who reports."""
        rep = self.env.ref("key_account.group_key_account_rep")
        supervisor = self.env.ref("key_account.group_key_account_supervisor")
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", rep.id),
                    ("groups_id", "not in", supervisor.id),
                    ("share", "=", False),
                    ("company_ids", "in", company.id),
                ]
            )
        )

    @api.model
    def _key_account_missing(self, company, week_start):
        """Reps of ``company`` without a submitted report for the week of
        ``week_start``. Read as superuser: the list goes to the KA head."""
        reps = self._reporting_reps(company)
        submitted = (
            self.sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("week_start", "=", week_bounds(week_start)[0]),
                    ("state", "=", "submitted"),
                    ("user_id", "in", reps.ids),
                ]
            )
            .user_id
        )
        return reps - submitted
