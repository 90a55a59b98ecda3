# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import below_threshold, percent, period_bounds, sales_score


class KeyAccountAssessment(models.Model):
    """Quarterly assessment of a rep or of the KA head (SPEC R80): the
    sales-completion points (R79) from the KPIs plus the points the assessor
    gives for the other criteria, out of 100. Confirmed below the company's
    threshold, it records a verbal warning (recorded only: sanctions are
    HR's).

    A rep is assessed by the KA directors. The KA head (a user in the KA
    Head role) is assessed by the general manager only: he creates, scores
    and confirms it, on the department's sales completion (key-account
    sales against the department targets). HR (the role group "HR
    (Assessments)") reads every assessment and gets an activity when one is
    confirmed; other directors do not read the KA head's."""

    _name = "key_account.assessment"
    _description = "Key-Account Quarterly Assessment"
    _inherit = ["key_account.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _key_account_user_fields = {
        "draft": (
            "user_id",
            "period_date",
            "company_id",
            "other_score",
            "note",
        ),
        "done": ("note",),
    }
    _key_account_transitions = {
        "action_compute": (("draft",), ("director",)),
        "action_confirm": (("draft",), ("director",)),
    }
    _order = "date_from desc, user_id"
    _rec_name = "user_id"

    # === FIELDS === #
    user_id = fields.Many2one(
        "res.users", string="Rep", required=True, index=True, tracking=True
    )
    kind = fields.Selection(
        [("rep", "Rep"), ("head", "KA Head")],
        string="Assessed As",
        compute="_compute_kind",
        store=True,
        index=True,
        help="KA Head: the assessed user holds the KA Head role; the general "
        "manager assesses him on the department's sales.",
    )
    period_date = fields.Date(
        string="Quarter Of",
        required=True,
        default=fields.Date.context_today,
        help="Any day of the quarter assessed.",
    )
    date_from = fields.Date(compute="_compute_dates", store=True, index=True)
    date_to = fields.Date(compute="_compute_dates", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Confirmed")],
        default="draft",
        required=True,
        tracking=True,
    )
    sales_target = fields.Float(readonly=True, copy=False)
    sales_actual = fields.Float(string="Sales", readonly=True, copy=False)
    sales_completion = fields.Float(
        string="Sales Completion (%)", readonly=True, copy=False
    )
    sales_score = fields.Float(readonly=True, copy=False, tracking=True)
    other_score = fields.Float(
        string="Other Criteria",
        tracking=True,
        help="Points given by the assessor for the criteria besides sales completion.",
    )
    total_score = fields.Float(compute="_compute_total_score", store=True)
    threshold = fields.Float(readonly=True, copy=False)
    verbal_warning = fields.Boolean(readonly=True, copy=False, tracking=True)
    assessor_id = fields.Many2one("res.users", readonly=True, copy=False)
    note = fields.Text()

    _sql_constraints = [
        (
            "assessment_unique",
            "unique (company_id, user_id, date_from)",
            "This rep is already assessed for this quarter.",
        ),
    ]

    # === COMPUTE METHODS === #
    @api.depends("period_date")
    def _compute_dates(self):
        for assessment in self:
            if assessment.period_date:
                assessment.date_from, assessment.date_to = period_bounds(
                    "quarter", assessment.period_date
                )
            else:
                assessment.date_from = assessment.date_to = False

    @api.depends("user_id")
    def _compute_kind(self):
        head = self.env.ref("key_account.group_key_account_head")
        for assessment in self:
            assessment.kind = (
                "head" if head in assessment.user_id.sudo().groups_id else "rep"
            )

    @api.depends("sales_score", "other_score")
    def _compute_total_score(self):
        for assessment in self:
            assessment.total_score = assessment.sales_score + assessment.other_score

    # === CONSTRAINT METHODS === #
    @api.constrains("other_score", "company_id")
    def _check_other_score(self):
        for assessment in self:
            most = 100.0 - assessment.company_id.key_account_kpi_sales_points
            if not 0 <= assessment.other_score <= most:
                raise ValidationError(
                    self.env._(
                        "The other criteria score between 0 and %(most)s points.",
                        most=most,
                    )
                )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        assessments = super().create(vals_list)
        assessments._check_head_assessor()
        return assessments

    def write(self, vals):
        res = super().write(vals)
        if "user_id" in vals:
            self._check_head_assessor()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        if self.filtered(lambda a: a.state == "done"):
            raise UserError(self.env._("A confirmed assessment is never deleted."))

    # === ACTION METHODS === #
    def action_compute(self):
        """Read the sales completion and its points from the KPIs."""
        self._check_assessor()
        for assessment in self.filtered(lambda a: a.state == "draft"):
            if assessment.kind == "head":
                kpis = assessment._department_kpis()
            else:
                kpis = (
                    self.env["key_account.kpi"]
                    .with_company(assessment.company_id)
                    ._kpis(
                        assessment.user_id.ids,
                        assessment.date_from,
                        assessment.date_to,
                    )[assessment.user_id.id]
                )
            assessment._key_account_system_write(
                {
                    "sales_target": kpis["sales_target"],
                    "sales_actual": kpis["sales"],
                    "sales_completion": kpis["sales_completion"] or 0.0,
                    "sales_score": kpis["sales_score"],
                }
            )
        return True

    def action_confirm(self):
        """Confirm the score; below the threshold a verbal warning is
        recorded on the assessment (R80)."""
        self._check_assessor()
        for assessment in self:
            assessment._key_account_check_transition(
                "action_confirm", self.env._("This assessment is already confirmed.")
            )
        self.action_compute()
        for assessment in self:
            threshold = assessment.company_id.key_account_assessment_threshold
            warning = below_threshold(assessment.total_score, threshold)
            assessment._key_account_system_write(
                {
                    "threshold": threshold,
                    "verbal_warning": warning,
                    "assessor_id": self.env.user.id,
                    "state": "done",
                }
            )
            if warning:
                assessment.message_post(
                    body=self.env._(
                        "Score %(score)s below the threshold %(threshold)s: "
                        "a verbal warning is recorded.",
                        score=assessment.total_score,
                        threshold=threshold,
                    ),
                    partner_ids=assessment.user_id.partner_id.ids,
                )
            assessment._notify_hr()
        return True

    # === BUSINESS METHODS === #
    def _check_assessor(self):
        """Assessments are the KA head's (directors), never the rep's own;
        the KA head's are the general manager's."""
        if not self.env.user.has_group("key_account.group_key_account_director"):
            raise AccessError(self.env._("Only KA directors assess reps."))
        if self.env.user in self.user_id:
            raise AccessError(self.env._("Nobody assesses themselves."))
        self._check_head_assessor()

    def _check_head_assessor(self):
        """Only the general manager assesses the KA head (R80)."""
        if self.env.su or self.env.user.has_group(
            "key_account.group_key_account_manager"
        ):
            return
        if any(a.kind == "head" for a in self):
            raise AccessError(
                self.env._("Only the general manager assesses the KA head.")
            )

    def _department_kpis(self):
        """Sales completion of the KA department over the quarter: the
        company's key-account sales against its department targets (targets
        without a rep, of one period type as for reps)."""
        self.ensure_one()
        company = self.company_id
        domain = [
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
            ("company_id", "=", company.id),
            ("source", "!=", "target"),
            ("is_key_account", "=", True),
        ]
        [(sales,)] = self.env["key_account.kpi.report"]._read_group(
            domain, [], ["sales_amount:sum"]
        )
        targets = self.env["key_account.target"].search(
            [
                ("user_id", "=", False),
                ("company_id", "=", company.id),
                ("date_from", ">=", self.date_from),
                ("date_to", "<=", self.date_to),
            ]
        )
        chosen = targets.filtered(
            lambda t: (t.date_from, t.date_to) == (self.date_from, self.date_to)
        )
        for period_type in ("month", "quarter", "year"):
            if chosen:
                break
            chosen = targets.filtered(lambda t, p=period_type: t.period_type == p)
        target = sum(chosen.mapped("amount"))
        completion = percent(sales or 0.0, target)
        return {
            "sales_target": target,
            "sales": sales or 0.0,
            "sales_completion": completion,
            "sales_score": sales_score(
                completion,
                company.key_account_kpi_sales_points,
                company.key_account_kpi_sales_step,
            ),
        }

    def _notify_hr(self):
        """HR records every confirmed assessment (pay, training, warnings):
        an activity for each member of the HR role group of the company."""
        self.ensure_one()
        hr_users = (
            self.env.ref("key_account.group_key_account_hr")
            .sudo()
            .users.filtered(lambda u: u.active and self.company_id in u.company_ids)
        )
        for user in hr_users - self.env.user:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._(
                    "Record the quarterly assessment of %(user)s: %(score)s",
                    user=self.user_id.name,
                    score=self.total_score,
                ),
                user_id=user.id,
            )
