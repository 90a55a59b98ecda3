# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import percent, period_bounds

PERIOD_TYPES = [
    ("month", "Month"),
    ("quarter", "Quarter"),
    ("year", "Year"),
]


class KeyAccountTarget(models.Model):
    """Targets the KA head sets per rep or department (SPEC R77): sales and
    challenge target, new key accounts, collections, expense budget, for a
    month, quarter or year. Progress is read from the KPI report
    (``key_account.kpi``) with the reader's rights."""

    _name = "key_account.target"
    _description = "Key-Account Target"
    _inherit = ["mail.thread"]
    _order = "date_from desc, user_id, team_id"

    # === FIELDS === #
    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Rep",
        index=True,
        tracking=True,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("key_account.group_key_account_rep").id)
        ],
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Department",
        index=True,
        tracking=True,
        help="A department target; for a rep's target, the rep's sales team.",
    )
    period_type = fields.Selection(
        PERIOD_TYPES, string="Period", required=True, default="month", tracking=True
    )
    period_date = fields.Date(
        string="Period Of",
        required=True,
        default=fields.Date.context_today,
        help="Any day of the month, quarter or year the target is for.",
    )
    date_from = fields.Date(
        compute="_compute_dates", store=True, index=True, string="From"
    )
    date_to = fields.Date(compute="_compute_dates", store=True, string="To")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Sales Target", tracking=True)
    challenge_amount = fields.Monetary(string="Challenge Target", tracking=True)
    new_account_target = fields.Integer(string="New Key Accounts", tracking=True)
    collection_amount = fields.Monetary(string="Collection Target", tracking=True)
    expense_budget = fields.Monetary(tracking=True)
    # Progress (R78), read with the reader's rights
    achieved_amount = fields.Monetary(
        string="Sales Achieved", compute="_compute_progress"
    )
    progress = fields.Float(string="Sales Completion (%)", compute="_compute_progress")
    challenge_progress = fields.Float(
        string="Challenge Completion (%)", compute="_compute_progress"
    )
    collected_amount = fields.Monetary(string="Collected", compute="_compute_progress")
    collection_progress = fields.Float(
        string="Collections (%)", compute="_compute_progress"
    )
    new_account_count = fields.Integer(
        string="New Key Accounts Won", compute="_compute_progress"
    )
    expense_amount = fields.Monetary(string="Expenses", compute="_compute_progress")
    expense_progress = fields.Float(
        string="Budget Used (%)", compute="_compute_progress"
    )

    _sql_constraints = [
        (
            "target_unique",
            "unique nulls not distinct (company_id, user_id, team_id, period_type, "
            "date_from)",
            "There is already a target for this rep or department and period.",
        ),
        (
            "amounts_positive",
            "CHECK (amount >= 0 AND challenge_amount >= 0 AND new_account_target >= 0 "
            "AND collection_amount >= 0 AND expense_budget >= 0)",
            "Targets cannot be negative.",
        ),
    ]

    # === COMPUTE METHODS === #
    @api.depends("period_type", "period_date")
    def _compute_dates(self):
        for target in self:
            if target.period_type and target.period_date:
                target.date_from, target.date_to = period_bounds(
                    target.period_type, target.period_date
                )
            else:
                target.date_from = target.date_to = False

    @api.depends("user_id", "team_id", "period_type", "date_from")
    def _compute_name(self):
        for target in self:
            who = target.user_id.name or target.team_id.name or ""
            if not target.date_from:
                target.name = who
                continue
            start = target.date_from
            if target.period_type == "month":
                period = f"{start.year}-{start.month:02d}"
            elif target.period_type == "quarter":
                period = f"{start.year} Q{(start.month - 1) // 3 + 1}"
            else:
                period = str(start.year)
            target.name = f"{who} {period}".strip()

    @api.depends(
        "user_id",
        "team_id",
        "date_from",
        "date_to",
        "amount",
        "challenge_amount",
        "collection_amount",
        "expense_budget",
    )
    @api.depends_context("uid")
    def _compute_progress(self):
        kpi = self.env["key_account.kpi"]
        for target in self:
            figures = {}
            if target.date_from and (target.user_id or target.team_id):
                figures = kpi._actuals(
                    target.date_from,
                    target.date_to,
                    user=target.user_id,
                    team=target.team_id,
                    company=target.company_id,
                )
            sales = figures.get("sales_amount", 0.0)
            collected = figures.get("collected_amount", 0.0)
            expenses = figures.get("expense_amount", 0.0)
            target.achieved_amount = sales
            target.collected_amount = collected
            target.expense_amount = expenses
            target.new_account_count = int(figures.get("new_account_count", 0))
            target.progress = percent(sales, target.amount) or 0.0
            target.challenge_progress = percent(sales, target.challenge_amount) or 0.0
            target.collection_progress = (
                percent(collected, target.collection_amount) or 0.0
            )
            target.expense_progress = percent(expenses, target.expense_budget) or 0.0

    # === CONSTRAINT METHODS === #
    @api.constrains("user_id", "team_id")
    def _check_owner(self):
        for target in self:
            if bool(target.user_id) == bool(target.team_id):
                raise ValidationError(
                    self.env._(
                        "A target is for either a rep or a department, not both "
                        "and not none."
                    )
                )

    @api.constrains("amount", "challenge_amount")
    def _check_challenge(self):
        for target in self:
            if target.challenge_amount and target.challenge_amount < target.amount:
                raise ValidationError(
                    self.env._(
                        "The challenge target (%(challenge)s) cannot be below the "
                        "sales target (%(target)s).",
                        challenge=target.challenge_amount,
                        target=target.amount,
                    )
                )
