# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import needs_higher_approval, over_tolerance
from .key_account_approval_mixin import TRANSITIONS
from .key_account_guard_mixin import system_write

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("report_submitted", "Report in Approval"),
    ("done", "Reported"),
    ("billed", "Reimbursed"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
# What the rep writes after the event, on the approved request.
REPORT_FIELDS = {"line_ids", "actual_date", "report_attendees", "result"}


class KeyAccountEntertainment(models.Model):
    """Customer entertainment (客户招待, SPEC R56): requested in advance with
    a budget per kind of cost, approved by the KA head (and the general
    manager above the company's amount), reported afterwards with the actual
    costs. Actuals above budget plus the tolerance need the approvals again.
    The actual costs are drawn on the rep's expense allowance (R31) and
    reimbursed by accounting."""

    _name = "key_account.entertainment"
    _description = "Key-Account Entertainment"
    _inherit = ["key_account.approval.mixin", "key_account.relationship.cost"]
    _order = "date desc, id desc"
    _state_from = ["submitted", "report_submitted"]
    _state_to = ["approved", "done"]
    _key_account_sequence = "key_account.entertainment"
    _key_account_charge_origin = "entertainment"
    _key_account_user_fields = {
        "draft": (
            "partner_id",
            "date",
            "venue",
            "purpose",
            "customer_attendee_ids",
            "user_attendee_ids",
            "line_ids",
            "company_id",
        ),
        "approved": tuple(REPORT_FIELDS),
    }
    _key_account_transitions = dict(
        TRANSITIONS,
        action_report=(("approved",), ("requester", "rep")),
        action_create_bill=(("done",), ("billing",)),
    )

    # === FIELDS === #
    state = fields.Selection(
        STATES, default="draft", required=True, copy=False, tracking=True, index=True
    )
    date = fields.Datetime(string="Planned For", required=True, tracking=True)
    venue = fields.Char(required=True, tracking=True)
    purpose = fields.Text(required=True)
    customer_attendee_ids = fields.Many2many(
        "res.partner",
        "key_account_entertainment_customer_rel",
        "entertainment_id",
        "partner_id",
        string="Customer Attendees",
    )
    user_attendee_ids = fields.Many2many(
        "res.users",
        "key_account_entertainment_user_rel",
        "entertainment_id",
        "user_id",
        string="Our Attendees",
    )
    line_ids = fields.One2many(
        "key_account.entertainment.line", "entertainment_id", string="Costs", copy=True
    )
    budget_total = fields.Monetary(
        string="Budget", compute="_compute_totals", store=True, tracking=True
    )
    actual_total = fields.Monetary(
        string="Actual", compute="_compute_totals", store=True, tracking=True
    )
    actual_date = fields.Date(string="Held On", copy=False)
    report_attendees = fields.Text(string="Who Attended", copy=False)
    result = fields.Text(copy=False)
    over_budget = fields.Boolean(
        readonly=True,
        copy=False,
        help="The reported costs exceeded the budget by more than the "
        "tolerance: the approvals were asked again.",
    )

    # === COMPUTE METHODS === #
    @api.depends("line_ids.budget", "line_ids.actual")
    def _compute_totals(self):
        for entertainment in self:
            entertainment.budget_total = sum(entertainment.line_ids.mapped("budget"))
            entertainment.actual_total = sum(entertainment.line_ids.mapped("actual"))

    # approval mixin hooks
    def _submission_problems(self):
        self.ensure_one()
        problems = []
        if self.currency_id.compare_amounts(self.budget_total, 0.0) <= 0:
            problems.append(self.env._("Give the budget before submitting."))
        if self.date and self.date < fields.Datetime.now():
            problems.append(
                self.env._("Entertainment is requested before it takes place.")
            )
        if not self.rep_id:
            problems.append(
                self.env._("%s has no rep to charge.", self.partner_id.display_name)
            )
        return problems

    def _before_submit(self):
        self.sudo().needs_gm = needs_higher_approval(
            self.budget_total, self.company_id.key_account_entertainment_gm_amount
        )

    def _may_change(self, changed):
        return self.state == "approved" and changed <= REPORT_FIELDS

    def _key_account_locked_message(self):
        return self.env._(
            "Only draft requests change; after approval only the report "
            "(actual costs, attendees, result)."
        )

    # === ACTION METHODS === #
    def action_report(self):
        """The rep reports the event: within budget plus the tolerance it is
        done and charged; beyond, the approvals are asked again."""
        for entertainment in self:
            entertainment._key_account_check_transition(
                "action_report", self.env._("Only approved entertainment is reported.")
            )
            entertainment._check_reporter()
            problems = entertainment._report_problems()
            if problems:
                raise UserError("\n".join(problems))
            company = entertainment.company_id
            if not over_tolerance(
                entertainment.budget_total,
                entertainment.actual_total,
                company.key_account_actual_tolerance,
            ):
                entertainment._finish_report()
                continue
            entertainment.review_ids._key_account_archive()
            entertainment._key_account_system_write(
                {
                    "over_budget": True,
                    "needs_gm": needs_higher_approval(
                        entertainment.actual_total,
                        company.key_account_entertainment_gm_amount,
                    ),
                }
            )
            entertainment._set_state("report_submitted", reject_reason=False)
            with system_write():
                reviews = entertainment.request_validation()
            if not reviews:
                raise UserError(
                    self.env._(
                        "No approval route applies to %s. Ask an "
                        "administrator to configure the approval steps.",
                        entertainment.name,
                    )
                )
            entertainment.message_post(
                body=self.env._(
                    "Actual costs %(actual)s exceed the budget %(budget)s by more "
                    "than %(tolerance)s %%: approvals asked again.",
                    actual=entertainment.actual_total,
                    budget=entertainment.budget_total,
                    tolerance=company.key_account_actual_tolerance,
                )
            )
        return True

    def action_create_bill(self):
        for entertainment in self:
            entertainment._key_account_check_transition(
                "action_create_bill",
                self.env._(
                    "%s is not reported and approved for reimbursement.",
                    entertainment.name,
                ),
            )
            entertainment._key_account_bill(
                entertainment.actual_total,
                self.env._(
                    "%(name)s: entertainment of %(customer)s",
                    name=entertainment.name,
                    customer=entertainment.partner_id.display_name,
                ),
            )
            entertainment._set_state("billed")
        return True

    # tier.validation hooks
    def _validate_tier(self, tiers=False):
        res = super()._validate_tier(tiers)
        if self.validation_status == "validated" and self.state == "report_submitted":
            self._finish_report()
        return res

    def _rejected_tier(self, tiers=False):
        res = super()._rejected_tier(tiers)
        if self.state == "report_submitted" and self.validation_status == "rejected":
            reason = self._key_account_rejection_reason()
            # The report goes back to the rep; its reviews stay in the history.
            self.review_ids._key_account_archive()
            self._set_state("approved", reject_reason=reason)
            self.message_post(
                body=self.env._(
                    "The report of %(name)s was rejected: %(reason)s",
                    name=self.name,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.requester_id.partner_id.ids,
            )
        return res

    def _check_state_conditions(self, vals):
        # A rejected report going back to the rep is no approval.
        if self.state == "report_submitted" and vals.get("state") == "approved":
            return False
        return super()._check_state_conditions(vals)

    # === BUSINESS METHODS === #
    def _check_reporter(self):
        if self.env.user not in self.requester_id | self.rep_id and not self.env.su:
            raise AccessError(
                self.env._("Only the requester or the customer's rep reports it.")
            )

    def _report_problems(self):
        self.ensure_one()
        problems = []
        if self.currency_id.compare_amounts(self.actual_total, 0.0) <= 0:
            problems.append(self.env._("Give the actual costs."))
        if not self.actual_date:
            problems.append(self.env._("Give the date it was held."))
        if not (self.report_attendees or "").strip():
            problems.append(self.env._("Say who attended."))
        if not (self.result or "").strip():
            problems.append(self.env._("Give the result."))
        return problems

    def _finish_report(self):
        self._set_state("done", reject_reason=False)
        self._charge(self.actual_total)
