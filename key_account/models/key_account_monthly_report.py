# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import is_blank, month_bounds

KINDS = [
    ("head", "KA Head's Work Report and Plan"),
    ("clerk", "Clerk's Monthly Report"),
]
# The scheduled report holding each kind's figures.
DIGEST_KINDS = {"head": "head_monthly", "clerk": "clerk_monthly"}
AUTHOR_GROUPS = {
    "head": "key_account.group_key_account_head",
    "clerk": "key_account.group_key_account_supervisor",
}
REVIEWER_GROUPS = {
    "head": "key_account.group_key_account_manager",
    "clerk": "key_account.group_key_account_head",
}


class KeyAccountMonthlyReport(models.Model):
    """The month's written reports (SPEC R82): the KA head's work report and
    next month's plan, submitted to the general manager; the KA clerk's
    monthly report with the analysis of the month's figures, submitted to
    the KA head (and shown in the KA head's monthly scheduled report). The
    figures themselves come from the scheduled report of the month."""

    _name = "key_account.monthly.report"
    _description = "Key-Account Monthly Report"
    _inherit = [
        "key_account.reviewed.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _key_account_user_fields = {
        "draft": (
            "kind",
            "month",
            "work_summary",
            "next_month_plan",
            "analysis",
            "company_id",
        ),
        # The reviewer's comment while the report waits for the review.
        "submitted": ("review_note",),
    }
    _key_account_forced_fields = ("user_id",)
    _key_account_transitions = {
        "action_submit": (("draft",), ("rep",)),
        "action_review": (("submitted",), ("general_manager", "head")),
        "action_return": (("submitted",), ("general_manager", "head")),
    }
    _order = "month desc, kind, id desc"

    # === FIELDS === #
    kind = fields.Selection(KINDS, required=True, default="head", tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Author",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    month = fields.Date(
        required=True,
        index=True,
        default=lambda self: month_bounds(fields.Date.context_today(self))[0],
        help="Any day of the month reported on: the report starts on its first day.",
    )
    month_end = fields.Date(compute="_compute_month_end", store=True)
    work_summary = fields.Text(string="Work Done", required=True)
    next_month_plan = fields.Text(
        string="Next Month's Plan",
        help="Required in the KA head's report.",
    )
    analysis = fields.Text(
        help="Analysis of the month's figures against the targets; required "
        "in the clerk's report.",
    )
    digest_id = fields.Many2one(
        "key_account.report.digest",
        string="Figures",
        compute="_compute_digest_id",
        help="The scheduled report of the month holding the figures.",
    )
    digest_body = fields.Html(
        string="Month's Figures", compute="_compute_digest_id", sanitize=False
    )
    clerk_analysis = fields.Text(
        compute="_compute_clerk_analysis",
        compute_sudo=True,
        help="The analysis of the clerk's submitted reports of the month.",
    )

    _sql_constraints = [
        (
            "month_uniq",
            "unique(kind, user_id, month, company_id)",
            "One report of each kind per author and month.",
        )
    ]

    # === COMPUTE METHODS === #
    @api.depends("month")
    def _compute_month_end(self):
        for report in self:
            report.month_end = report.month and month_bounds(report.month)[1]

    @api.depends("kind", "user_id", "month", "company_id")
    def _compute_digest_id(self):
        Digest = self.env["key_account.report.digest"]
        for report in self:
            report.digest_id = (
                report.month
                and Digest.search(
                    [
                        ("kind", "=", DIGEST_KINDS.get(report.kind)),
                        ("user_id", "=", report.user_id.id),
                        ("company_id", "=", report.company_id.id),
                        ("date_from", "=", month_bounds(report.month)[0]),
                    ],
                    limit=1,
                )
            ) or Digest
            report.digest_body = report.digest_id.body_html

    @api.depends("kind", "month", "company_id")
    def _compute_clerk_analysis(self):
        for report in self:
            report.clerk_analysis = (
                report.kind == "head"
                and report.month
                and self._clerk_analysis(report.company_id, report.month)
            ) or False

    @api.depends("kind", "user_id", "month")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for report in self:
            report.display_name = self.env._(
                "%(kind)s, %(month)s",
                kind=kinds.get(report.kind, ""),
                month=report.month and report.month.strftime("%Y-%m") or "",
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("kind", "user_id")
    def _check_author(self):
        for report in self:
            if not report.user_id.has_group(AUTHOR_GROUPS[report.kind]):
                raise ValidationError(
                    self.env._(
                        "%(user)s does not write this kind of monthly report.",
                        user=report.user_id.name,
                    )
                )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self._key_account_is_system():
                vals["user_id"] = self.env.uid
            if vals.get("month"):
                day = fields.Date.to_date(vals["month"])
                vals["month"] = month_bounds(day)[0]
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("month"):
            vals = dict(vals, month=month_bounds(fields.Date.to_date(vals["month"]))[0])
        return super().write(vals)

    # === BUSINESS METHODS === #
    def _submission_problems(self):
        self.ensure_one()
        problems = []
        if is_blank(self.work_summary):
            problems.append(self.env._("Write the work done in the month."))
        if self.kind == "head" and is_blank(self.next_month_plan):
            problems.append(self.env._("Write next month's plan."))
        if self.kind == "clerk" and is_blank(self.analysis):
            problems.append(self.env._("Write the analysis of the month's figures."))
        return problems

    def _reviewers(self):
        """The general manager(s) for the KA head's report, the KA head for
        the clerk's; never the author."""
        self.ensure_one()
        if self.kind == "clerk":
            reviewers = self.company_id._key_account_head()
        else:
            reviewers = (
                self.env.ref(REVIEWER_GROUPS["head"])
                .sudo()
                .users.filtered(
                    lambda u: not u.share and self.company_id in u.company_ids
                )
            )
        return reviewers.filtered(lambda u: u._is_internal()) - self.user_id

    def _check_reviewer(self):
        user = self.env.user
        for report in self:
            if self.env.su:
                continue
            if report.user_id == user:
                raise AccessError(self.env._("You cannot review your own report."))
            if not user.has_group(REVIEWER_GROUPS[report.kind]):
                raise AccessError(
                    self.env._(
                        "The general manager reviews the KA head's report, the "
                        "KA head the clerk's."
                    )
                )

    @api.model
    def _clerk_analysis(self, company, day):
        """The analysis of the clerks' submitted reports of ``day``'s month,
        one paragraph per author."""
        reports = self.sudo().search(
            [
                ("kind", "=", "clerk"),
                ("company_id", "=", company.id),
                ("month", "=", month_bounds(day)[0]),
                ("state", "in", ("submitted", "reviewed")),
            ]
        )
        return "\n\n".join(
            f"{report.user_id.name}: {report.analysis}"
            for report in reports
            if report.analysis
        )
