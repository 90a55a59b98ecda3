# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class KeyAccountCustomerRepMixin(models.AbstractModel):
    """A key-account customer's cost (expense claims, entertainment, gifts):
    the rep who bears it is the customer's rep, and the manager who approves
    it the leader of that rep's office, never chosen by the requester."""

    _name = "key_account.customer.rep.mixin"
    _description = "Key-Account Customer Cost"

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_key_account", "=", True), ("is_company", "=", True)],
    )
    rep_id = fields.Many2one(
        "res.users",
        string="Rep Charged",
        compute="_compute_rep_id",
        store=True,
        index=True,
        help="The customer's rep, whose account bears the cost.",
    )
    office_manager_id = fields.Many2one(
        "res.users",
        compute="_compute_rep_id",
        store=True,
        index=True,
        help="Leader of the rep's office.",
    )

    # === COMPUTE METHODS === #
    @api.depends("partner_id")
    def _compute_rep_id(self):
        for record in self:
            rep = record.partner_id.commercial_partner_id.user_id
            record.rep_id = rep
            record.office_manager_id = rep._key_account_office_manager()
