# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class KeyAccountRepMixin(models.AbstractModel):
    """A record a rep keeps (visits, visit plans): the rep, who creates it,
    and the leader of the rep's office, who reviews it."""

    _name = "key_account.rep.mixin"
    _description = "Key-Account Rep's Record"

    # === FIELDS === #
    user_id = fields.Many2one(
        "res.users",
        string="Rep",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
    )
    supervisor_id = fields.Many2one(
        "res.users",
        string="Office Manager",
        compute="_compute_supervisor_id",
        store=True,
        index=True,
    )

    # === COMPUTE METHODS === #
    @api.depends("user_id")
    def _compute_supervisor_id(self):
        for record in self:
            record.supervisor_id = record.user_id._key_account_office_manager()
