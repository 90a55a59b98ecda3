# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools import suggest_tier, tier_move


class KeyAccountTier(models.Model):
    _name = "key_account.tier"
    _description = "Key Account Tier"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {"action_view_partners": (None, ("reader",))}
    _order = "sequence, id"

    # === FIELDS === #
    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(
        default=10,
        help="Tiers are listed from the highest to the lowest: moving a "
        "customer to a tier further down the list is a downgrade, which the "
        "KA head decides alone.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    credit_limit = fields.Monetary(
        string="Default Credit Limit",
        help="Credit limit proposed on designation requests for this tier.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Default Payment Term",
        check_company=True,
    )
    advance_percent = fields.Float(
        string="Default Advance Payment (%)",
        help="Share of an order paid before delivery that the tier's "
        "agreements ask for (0 % for key accounts).",
    )
    min_annual_revenue = fields.Monetary(
        string="Minimum Annual Amount",
        help="From this yearly amount on, this tier is suggested: on a "
        "designation request from the expected contract amount, and every "
        "month from the customer's invoiced revenue of the last twelve "
        "months.",
    )
    visit_interval_days = fields.Integer(
        string="Visit Every (Days)",
        default=30,
    )
    survey_interval_days = fields.Integer(
        string="Satisfaction Survey Every (Days)",
        default=180,
    )
    compensation_class = fields.Selection(
        [
            ("standard", "Standard"),
            ("performance", "Performance-Priced"),
        ],
        required=True,
        default="standard",
        help="Which limits apply when the rep gives this tier's customers "
        "compensation volume: the standard ones, or the higher ones of "
        "customers priced on results (CPM, CPS, CPA). The customer takes it "
        "when a designation or tier change to this tier is approved.",
    )
    stock_policy = fields.Selection(
        [("warn", "Confirm and Warn"), ("block", "Refuse Confirmation")],
        string="Short Stock at Confirmation",
        help="Overrides the company's setting for this tier's key accounts "
        "when an order needs more than is free in its warehouse; empty: the "
        "company's setting.",
    )
    color = fields.Integer()
    description = fields.Text(translate=True)
    partner_count = fields.Integer(compute="_compute_partner_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A tier code must be unique per company.",
        ),
        (
            "credit_limit_positive",
            "CHECK(credit_limit >= 0)",
            "A tier's default credit limit cannot be negative.",
        ),
        (
            "min_annual_revenue_positive",
            "CHECK(min_annual_revenue >= 0)",
            "A tier's minimum revenue cannot be negative.",
        ),
        (
            "visit_interval_positive",
            "CHECK(visit_interval_days > 0 AND survey_interval_days > 0)",
            "Visit and survey intervals must be at least one day.",
        ),
    ]

    # === COMPUTE METHODS === #
    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("key_account_tier_id", "in", self.ids)],
                ["key_account_tier_id"],
                ["__count"],
            )
        )
        for tier in self:
            tier.partner_count = counts.get(tier, 0)

    # === ACTION METHODS === #
    @api.readonly
    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_partners"
        )
        action["domain"] = [("key_account_tier_id", "=", self.id)]
        return action

    # === BUSINESS METHODS === #
    @api.model
    def _suggestion_table(self, company):
        """(tier, minimum revenue) pairs of ``company`` for the suggestion."""
        tiers = self.search([("company_id", "=", company.id)])
        return [(tier, tier.min_annual_revenue) for tier in tiers]

    @api.model
    def _suggest_for_amount(self, amount, company):
        """The tier of ``company`` suggested for a yearly ``amount`` (the
        highest minimum not above it), or an empty recordset."""
        return suggest_tier(amount, self._suggestion_table(company)) or self.browse()

    def _rank(self):
        """Position in the tiers' order, the highest tier first; ``None``
        without a tier."""
        return (self.sequence, self.id) if self else None

    def _move_from(self, current):
        """``"new"``, ``"up"``, ``"down"`` or ``"same"``: a customer of tier
        ``current`` moving to this tier (see ``tools.tier_move``)."""
        return tier_move(current._rank(), self._rank())
