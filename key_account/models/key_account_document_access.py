# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .key_account_document import LEVELS


class KeyAccountDocumentAccess(models.Model):
    """Distribution log of classified documents (SPEC R88): each opening of
    a confidential or secret document is a numbered copy (who, when, which
    copy). Written by the download route alone; read by the KA head and the
    general manager alone; never changed nor deleted."""

    _name = "key_account.document.access"
    _description = "Key-Account Document Distribution Log"
    _order = "access_date desc, id desc"

    # === FIELDS === #
    name = fields.Char(
        string="Copy", compute="_compute_name", store=True, readonly=True
    )
    document_id = fields.Many2one(
        "key_account.document",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        related="document_id.partner_id", store=True, string="Customer"
    )
    user_id = fields.Many2one(
        "res.users", string="Opened By", required=True, readonly=True, index=True
    )
    access_date = fields.Datetime(
        string="Opened On", required=True, readonly=True, default=fields.Datetime.now
    )
    copy_number = fields.Integer(required=True, readonly=True)
    level = fields.Selection(LEVELS, string="Classification", readonly=True)
    company_id = fields.Many2one(
        related="document_id.company_id", store=True, index=True
    )

    _sql_constraints = [
        (
            "copy_uniq",
            "unique(document_id, copy_number)",
            "Each copy of a document has its own number.",
        )
    ]

    # === COMPUTE METHODS === #
    @api.depends("document_id.name", "copy_number")
    def _compute_name(self):
        for access in self:
            access.name = f"{access.document_id.name}-{access.copy_number:02d}"

    # === CRUD METHODS === #
    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("The distribution log is never changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The distribution log is never deleted."))
