# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class KeyAccountCreditLevel(models.Model):
    _name = "key_account.credit.level"
    _description = "Key Account Credit Level"
    _order = "sequence, id"

    # === FIELDS === #
    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(
        default=10,
        help="Lower is better: a customer meets a minimum level when its "
        "level's sequence is not above the minimum's.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    suggested_limit = fields.Monetary()
    criteria = fields.Text(translate=True)
    is_hold = fields.Boolean(
        string="Credit Hold",
        help="Orders of customers at this level are held (no confirmation).",
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A credit level code must be unique per company.",
        ),
        (
            "suggested_limit_positive",
            "CHECK(suggested_limit >= 0)",
            "A suggested credit limit cannot be negative.",
        ),
    ]

    # === BUSINESS METHODS === #
    def _meets(self, minimum):
        """Whether this level is at least as good as ``minimum``."""
        self.ensure_one()
        return not minimum or (not self.is_hold and self.sequence <= minimum.sequence)
