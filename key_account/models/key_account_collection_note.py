# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class KeyAccountCollectionNote(models.Model):
    """The rep's weekly note on collecting an overdue receivable (SPEC R40)."""

    _name = "key_account.collection.note"
    _description = "Collection Progress Note"
    _order = "date desc, id desc"

    # === FIELDS === #
    invoice_id = fields.Many2one(
        "account.move",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    partner_id = fields.Many2one(
        related="invoice_id.commercial_partner_id", store=True, index=True
    )
    company_id = fields.Many2one(related="invoice_id.company_id", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Written By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    note = fields.Text(required=True)

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su:
                vals.update(user_id=self.env.uid, date=fields.Datetime.now())
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("A collection note is kept as written."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(self.env._("A collection note is kept as written."))
