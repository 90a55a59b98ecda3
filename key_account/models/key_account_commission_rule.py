# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import rule_score


class KeyAccountCommissionRule(models.Model):
    """Commission rate on collected amounts (SPEC R28): the KA head's monthly
    scheme, by rep, product category, tier or as the company default. The
    most specific rule valid on the collection date wins."""

    _name = "key_account.commission.rule"
    _description = "Key-Account Commission Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    # === FIELDS === #
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Rep",
        tracking=True,
        help="Only this rep's invoices; empty: every rep.",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        tracking=True,
        help="Only invoice lines of this category and its subcategories.",
    )
    tier_id = fields.Many2one(
        "key_account.tier",
        tracking=True,
        help="Only customers of this tier.",
    )
    rate = fields.Float(
        string="Rate (%)",
        digits=(16, 4),
        required=True,
        tracking=True,
        aggregator=None,
        help="Percent of the collected amount.",
    )
    date_from = fields.Date(string="Valid From", tracking=True)
    date_to = fields.Date(string="Valid To", tracking=True)

    # === CONSTRAINT METHODS === #
    @api.constrains("rate", "company_id")
    def _check_rate(self):
        for rule in self:
            ceiling = rule.company_id.key_account_commission_max_rate
            if not 0 <= rule.rate <= ceiling:
                raise ValidationError(
                    self.env._(
                        "A commission rate must be between 0 %% and %(max)s %%.",
                        max=ceiling,
                    )
                )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for rule in self:
            if rule.date_from and rule.date_to and rule.date_from > rule.date_to:
                raise ValidationError(
                    self.env._("A commission rule cannot end before it starts.")
                )

    # === CRUD METHODS === #
    # The KA head sets the scheme (R28), not every director.
    @api.model_create_multi
    def create(self, vals_list):
        self._check_head()
        return super().create(vals_list)

    def write(self, vals):
        self._check_head()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_head(self):
        self._check_head()

    @api.model
    def _check_head(self):
        if not self.env["res.partner"]._key_account_is_head():
            raise AccessError(self.env._("The KA head sets the commission rules."))

    # === BUSINESS METHODS === #
    def _matches(self, user, categ, tier, date):
        self.ensure_one()
        return (
            (not self.user_id or self.user_id == user)
            and (
                not self.categ_id
                or (categ and categ.parent_path.startswith(self.categ_id.parent_path))
            )
            and (not self.tier_id or self.tier_id == tier)
            and (not self.date_from or self.date_from <= date)
            and (not self.date_to or date <= self.date_to)
        )

    def _rate_for(self, user, categ, tier, date):
        """The rate of the most specific matching rule among ``self``, 0.0
        without one."""
        best = max(
            (rule for rule in self if rule._matches(user, categ, tier, date)),
            key=lambda r: (
                rule_score(r.user_id, r.categ_id, r.tier_id),
                -r.sequence,
                -r.id,
            ),
            default=None,
        )
        return best.rate if best else 0.0
