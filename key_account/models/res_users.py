# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools import expense_ratio

DIGEST_FIELDS = [
    "key_account_digest_daily",
    "key_account_digest_weekly",
    "key_account_digest_monthly",
]

# Charges on a rep's accounts that are expenses for their customers.
EXPENSE_ORIGINS = ("claim", "entertainment", "gift")


class ResUsers(models.Model):
    """Each user chooses which scheduled key-account reports reach them by
    e-mail (SPEC R81-R83); the reports stay readable in the application.
    A rep's expense ratio: customer expenses against collections (R31)."""

    _inherit = "res.users"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {
        "action_key_account_hand_over": (
            None,
            ("head", "office_manager", "general_manager"),
        )
    }

    # === FIELDS === #
    key_account_digest_daily = fields.Boolean(
        string="Daily Key-Account Reports by E-mail",
        default=True,
        help="The clerk's daily report.",
    )
    key_account_digest_weekly = fields.Boolean(
        string="Weekly Key-Account Reports by E-mail",
        default=True,
        help="The rep's weekly report and the Monday meeting pack.",
    )
    key_account_digest_monthly = fields.Boolean(
        string="Monthly Key-Account Reports by E-mail",
        default=True,
        help="The KA head's and the clerk's monthly reports.",
    )

    key_account_expenses = fields.Float(
        string="Customer Expenses",
        compute="_compute_key_account_expense_ratio",
        groups="key_account.group_key_account_rep",
        help="Expense claims, entertainment and gifts drawn on this rep's accounts.",
    )
    key_account_collected_base = fields.Float(
        string="Collected Commission Base",
        compute="_compute_key_account_expense_ratio",
        groups="key_account.group_key_account_rep",
        help="Collected amounts of this rep's invoices that earn commission.",
    )
    key_account_expense_ratio = fields.Float(
        string="Expense Ratio (%)",
        compute="_compute_key_account_expense_ratio",
        groups="key_account.group_key_account_rep",
        help="Customer expenses in % of the collected commission base.",
    )
    key_account_away = fields.Boolean(
        string="Away (No New Customers)",
        help="On leave or leaving: the distribution of customers skips this rep.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + DIGEST_FIELDS

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + DIGEST_FIELDS

    # === COMPUTE METHODS === #
    @api.depends_context("uid", "company")
    def _compute_key_account_expense_ratio(self):
        """Over the commission lines of the current company that the current
        user may read (a rep their own, directors and accounting everyone's).
        The base of an invoice is cumulative on its lines: its latest line
        counts."""
        lines = self.env["key_account.commission.line"]
        domain = [
            ("user_id", "in", self.ids),
            ("role", "=", "rep"),
            ("company_id", "=", self.env.company.id),
            ("state", "!=", "cancelled"),
        ]
        expenses = {
            user.id: -amount
            for user, amount in lines._read_group(
                domain + [("origin", "in", EXPENSE_ORIGINS)],
                ["user_id"],
                ["amount:sum"],
            )
        }
        bases = {}
        latest = {}
        for line in lines.search_fetch(
            domain
            + [
                ("origin", "=", "collection"),
                ("kind", "in", ("commission", "allowance")),
            ],
            ["user_id", "move_id", "base_amount"],
            order="id",
        ):
            latest[(line.user_id.id, line.move_id.id)] = line.base_amount
        for (user_id, _move_id), base in latest.items():
            bases[user_id] = bases.get(user_id, 0.0) + base
        for user in self:
            user.key_account_expenses = expenses.get(user.id, 0.0)
            user.key_account_collected_base = bases.get(user.id, 0.0)
            user.key_account_expense_ratio = expense_ratio(
                user.key_account_expenses, user.key_account_collected_base
            )

    # === ACTION METHODS === #
    def action_key_account_hand_over(self):
        """Hand the customers of a leaving rep over (SPEC R48)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Leaver's Customers"),
            "res_model": "key_account.leaver.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_leaver_id": self.id},
        }

    # === BUSINESS METHODS === #
    def _key_account_office_manager(self):
        """The leader of the user's own sales office: the office manager who
        signs for the rep (band 1, claims, visits, complaints)."""
        return self.sale_team_id.user_id
