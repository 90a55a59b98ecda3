# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools import percent, plan_bounds


class KeyAccountVisitPlan(models.Model):
    """A rep's weekly or monthly visit plan (SPEC R55): the visits planned
    per customer for the period, submitted by the rep and reviewed by the
    office manager; each line shows the visits done in the period (the
    visits of ``key_account.visit`` marked done) against the plan."""

    _name = "key_account.visit.plan"
    _description = "Key-Account Visit Plan"
    _inherit = [
        "key_account.rep.mixin",
        "key_account.reviewed.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _key_account_user_fields = {
        "draft": (
            "user_id",
            "period_type",
            "date_from",
            "line_ids",
            "note",
            "company_id",
        ),
        # The office manager's comment while the plan waits for the review.
        "submitted": ("review_note",),
    }
    _key_account_transitions = {
        "action_submit": (("draft",), ("rep",)),
        "action_review": (("submitted",), ("office_manager",)),
        "action_return": (("submitted",), ("office_manager",)),
    }
    _order = "date_from desc, user_id"

    # === FIELDS === #
    period_type = fields.Selection(
        [("week", "Weekly"), ("month", "Monthly")],
        string="Plan",
        required=True,
        default="week",
        tracking=True,
    )
    date_from = fields.Date(
        string="From",
        required=True,
        index=True,
        tracking=True,
        default=fields.Date.context_today,
        help="Any day of the period: the plan starts on the Monday of the "
        "week or the first day of the month.",
    )
    date_to = fields.Date(string="To", compute="_compute_date_to", store=True)
    line_ids = fields.One2many(
        "key_account.visit.plan.line", "plan_id", string="Planned Visits"
    )
    note = fields.Text(string="Priorities")
    review_note = fields.Text(string="Office Manager's Comment")
    planned_total = fields.Integer(
        string="Visits Planned", compute="_compute_totals", compute_sudo=True
    )
    done_total = fields.Integer(
        string="Visits Done", compute="_compute_totals", compute_sudo=True
    )
    completion = fields.Float(
        string="Done (%)", compute="_compute_totals", compute_sudo=True
    )

    _sql_constraints = [
        (
            "period_uniq",
            "unique(user_id, period_type, date_from, company_id)",
            "A rep has one plan per week and one per month.",
        )
    ]

    # === COMPUTE METHODS === #
    @api.depends("period_type", "date_from")
    def _compute_date_to(self):
        for plan in self:
            plan.date_to = (
                plan.date_from and plan_bounds(plan.period_type, plan.date_from)[1]
            )

    @api.depends("line_ids.planned_count", "line_ids.done_count")
    def _compute_totals(self):
        for plan in self:
            plan.planned_total = sum(plan.line_ids.mapped("planned_count"))
            plan.done_total = sum(plan.line_ids.mapped("done_count"))
            plan.completion = percent(plan.done_total, plan.planned_total) or 0.0

    @api.depends("user_id", "period_type", "date_from")
    def _compute_display_name(self):
        kinds = dict(self._fields["period_type"]._description_selection(self.env))
        for plan in self:
            plan.display_name = self.env._(
                "%(kind)s visit plan of %(rep)s from %(date)s",
                kind=kinds.get(plan.period_type, ""),
                rep=plan.user_id.name or "",
                date=plan.date_from or "",
            )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self._key_account_is_system() and not self._is_supervisor():
                vals["user_id"] = self.env.uid
        plans = super().create(vals_list)
        plans._normalize_period()
        return plans

    def write(self, vals):
        if (
            not self._key_account_is_system()
            and vals.get("user_id")
            and not self._is_supervisor()
        ):
            vals = dict(vals, user_id=self.env.uid)
        res = super().write(vals)
        if {"date_from", "period_type"} & set(vals):
            self._normalize_period()
        return res

    # === BUSINESS METHODS === #
    def _submission_problems(self):
        self.ensure_one()
        if not self.line_ids.filtered("planned_count"):
            return [self.env._("Plan at least one visit before submitting the plan.")]
        return []

    def _reviewers(self):
        """The rep's office manager, else the KA head."""
        self.ensure_one()
        return self.supervisor_id or self.company_id._key_account_head()

    @api.model
    def _is_supervisor(self):
        return self.env.user.has_group("key_account.group_key_account_supervisor")

    def _check_reviewer(self):
        """The rep's office manager or a director reviews; never the rep his
        own plan."""
        user = self.env.user
        for plan in self:
            if self.env.su:
                continue
            if plan.user_id == user:
                raise AccessError(self.env._("You cannot review your own visit plan."))
            if user.has_group("key_account.group_key_account_director"):
                continue
            if plan.supervisor_id != user:
                raise AccessError(
                    self.env._(
                        "Only the office manager of %s or a director reviews "
                        "this visit plan.",
                        plan.user_id.name,
                    )
                )

    def _normalize_period(self):
        """The plan starts on the first day of its week or month."""
        for plan in self:
            start = plan_bounds(plan.period_type, plan.date_from)[0]
            if start != plan.date_from:
                plan._key_account_system_write({"date_from": start})

    def _period_bounds(self):
        """Start and end (exclusive) of the period, as datetimes."""
        self.ensure_one()
        return (
            datetime.datetime.combine(self.date_from, datetime.time.min),
            datetime.datetime.combine(
                self.date_to + datetime.timedelta(days=1), datetime.time.min
            ),
        )

    def _visits_done(self):
        """{customer id: visits done} by the plan's rep in the period."""
        self.ensure_one()
        if not (self.user_id and self.date_from and self.date_to):
            return {}
        start, end = self._period_bounds()
        groups = (
            self.env["key_account.visit"]
            .sudo()
            ._read_group(
                [
                    ("user_id", "=", self.user_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "done"),
                    ("planned_start", ">=", start),
                    ("planned_start", "<", end),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        done = {}
        for partner, count in groups:
            key = partner.commercial_partner_id.id
            done[key] = done.get(key, 0) + count
        return done
