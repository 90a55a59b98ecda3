# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    """Settings of order approvals and delegation (SPEC R11-R19)."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_band2_amount = fields.Monetary(
        string="Band 2 From",
        default=100000.0,
        help="Contract amount (company currency) from which band 2 applies.",
    )
    key_account_band3_amount = fields.Monetary(
        string="Band 3 From",
        default=300000.0,
        help="Contract amount (company currency) from which band 3 applies.",
    )
    key_account_approval_scope = fields.Selection(
        [
            ("key_accounts", "Key-Account Orders"),
            ("all", "All Orders"),
        ],
        string="Orders Needing Approval",
        default="key_accounts",
        required=True,
        help="Which quotations go through the approval steps of their amount band "
        "before they can be confirmed: those of key accounts only, or all.",
    )
    key_account_amount_basis = fields.Selection(
        [("total", "Total (Tax Included)"), ("untaxed", "Untaxed Amount")],
        string="Contract Amount",
        default="total",
        required=True,
        help="Amount of an order that selects its approval band.",
    )
    key_account_floor_pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Settlement Price List",
        help="Floor prices of the price system: selling below them needs the "
        "authority of the KA head or the general manager.",
    )
    key_account_delegation_same_level = fields.Boolean(
        string="Delegates Must Hold the Role's Access Level",
        default=True,
        help="A delegate must have at least the key-account access level of "
        "the person they act for.",
    )
    key_account_delegation_authorization_required = fields.Boolean(
        string="Delegations Need the Signed Authorization",
        default=True,
        help="A delegation is recorded, or made active again, only with the "
        "absent approver's signed authorization attached (delegation in "
        "writing); without it the delegate does not approve.",
    )

    # === BUSINESS METHODS === #
    def _key_account_band_thresholds(self):
        self.ensure_one()
        return (self.key_account_band2_amount, self.key_account_band3_amount)
