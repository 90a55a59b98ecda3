# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class KeyAccountOwnershipHistory(models.Model):
    """Every owner a customer had, with who changed it and why (SPEC R49).
    Written by the system only and never deleted."""

    _name = "key_account.ownership.history"
    _description = "Customer Owner History"
    _order = "date desc, id desc"

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    old_user_id = fields.Many2one("res.users", string="Previous Owner", readonly=True)
    new_user_id = fields.Many2one("res.users", string="New Owner", readonly=True)
    kind = fields.Selection(
        [
            ("assign", "Assigned"),
            ("reassign", "Reassigned"),
            ("leaver", "Owner Left"),
            ("conflict", "Ownership Conflict Decided"),
            ("no_contact", "Not Contacted in Time"),
            ("distribution", "Distributed"),
        ],
        required=True,
        readonly=True,
    )
    reason = fields.Text(readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    changed_by_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one(
        related="partner_id.company_id", store=True, index=True
    )

    # === CRUD METHODS === #
    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("The owner history cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The owner history is never deleted."))
