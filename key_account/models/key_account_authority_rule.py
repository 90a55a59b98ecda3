# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import authority_level

# Exceptions of the authority matrix (SPEC R17, R16).
EXCEPTION_TYPES = [
    ("discount", "Discount"),
    ("price_floor", "Price Below Floor"),
    ("payment_term", "Payment Term Beyond the Customer's"),
    ("free_quantity", "Free Quantity"),
    ("rebate", "Customer Rebate"),
    ("commission", "Commission Rate"),
    ("compensation", "Compensation Volume"),
    ("compensation_performance", "Compensation Volume (Performance-Priced)"),
    ("short_payment", "Short Payment Written Off"),
    ("credit_over_limit", "Credit Over Limit"),
    ("other", "Other"),
]
LEVEL_SELECTION = [
    ("rep", "Rep"),
    ("director", "KA Head"),
    ("manager", "General Manager"),
]


class KeyAccountAuthorityRule(models.Model):
    """One row of the authority matrix: up to which value the rep, then the
    KA head, may grant an exception; beyond, the general manager."""

    _name = "key_account.authority.rule"
    _description = "Key-Account Authority Rule"
    _order = "sequence, id"

    # === FIELDS === #
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    exception_type = fields.Selection(EXCEPTION_TYPES, required=True)
    unit = fields.Selection(
        [("percent", "%"), ("days", "Days"), ("amount", "Amount")],
        required=True,
        default="percent",
    )
    rep_limit = fields.Float(
        string="Rep Up To", help="The rep may grant up to this value, inclusive."
    )
    head_limit = fields.Float(
        string="KA Head Up To",
        help="The KA head may grant up to this value; beyond it the general "
        "manager decides.",
    )
    head_limit_inclusive = fields.Boolean(
        string="KA Head Limit Included",
        default=True,
        help="Untick when the limit itself is already the general manager's "
        "(a customer rebate of 10 %).",
    )
    head_minimum = fields.Boolean(
        string="Always the KA Head",
        help="Even a value within the rep's limit needs the KA head (credit "
        "exceptions).",
    )
    note = fields.Char(help="Where the limit comes from.")
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty for every company."
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "type_company_unique",
            "unique(exception_type, company_id)",
            "There is already a rule for this exception and company.",
        ),
    ]

    # === CONSTRAINT METHODS === #
    @api.constrains("rep_limit", "head_limit")
    def _check_limits(self):
        for rule in self:
            if rule.rep_limit < 0 or rule.head_limit < rule.rep_limit:
                raise ValidationError(
                    self.env._(
                        "%(rule)s: limits cannot be negative and the KA head's "
                        "limit cannot be below the rep's.",
                        rule=rule.name,
                    )
                )

    # === CRUD METHODS === #
    def write(self, vals):
        res = super().write(vals)
        self._recompute_open_orders()
        return res

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._recompute_open_orders()
        return rules

    # === BUSINESS METHODS === #
    @api.model
    def _rules_by_type(self, company):
        """The applicable rule of each exception type for ``company``: the
        company's own rule wins over a rule for every company."""
        rules = self.search(
            [("company_id", "in", [False, company.id])], order="company_id desc"
        )
        result = {}
        for rule in rules:
            result.setdefault(rule.exception_type, rule)
        return result

    def _level(self, value):
        """Level needed to grant ``value`` under this rule."""
        self.ensure_one()
        level = authority_level(
            value,
            self.rep_limit,
            self.head_limit,
            head_inclusive=self.head_limit_inclusive,
        )
        if level == "rep" and self.head_minimum:
            return "director"
        return level

    def _format(self, value):
        self.ensure_one()
        unit = self._fields["unit"].convert_to_export(self.unit, self)
        if self.unit == "amount":
            return f"{value:,.2f}"
        return f"{value:g} {unit}"

    def _explain(self, subject, value, detail=None):
        """``subject`` with the limit it exceeds, or False when within the
        rep's authority; ``detail`` follows the value (what a % is of)."""
        self.ensure_one()
        level = self._level(value)
        if level == "rep":
            return False
        shown = self._format(value)
        if detail:
            shown = f"{shown} {detail}"
        if level == "director":
            return self.env._(
                "%(subject)s %(value)s above the rep limit %(limit)s",
                subject=subject,
                value=shown,
                limit=self._format(self.rep_limit),
            )
        return self.env._(
            "%(subject)s %(value)s above the KA head limit %(limit)s",
            subject=subject,
            value=shown,
            limit=self._format(self.head_limit),
        )

    def _recompute_open_orders(self):
        """New limits apply to quotations not yet approved."""
        orders = self.env["sale.order"].search(
            [
                ("state", "in", ("draft", "sent")),
                ("key_account_needs_approval", "=", True),
                ("validation_status", "in", ("no", "rejected")),
            ]
        )
        self.env.add_to_compute(
            self.env["sale.order"]._fields["key_account_authority_level"], orders
        )
