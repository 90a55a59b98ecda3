# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class KeyAccountRequestDocument(models.Model):
    _name = "key_account.request.document"
    _description = "Key Account Request Document"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one(
        "key_account.request", required=True, index=True, ondelete="cascade"
    )
    document_type_id = fields.Many2one(
        "key_account.document.type", required=True, ondelete="restrict"
    )
    sequence = fields.Integer(related="document_type_id.sequence", store=True)
    required = fields.Boolean(compute="_compute_required", store=True)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Files",
        help="Scanned or signed documents.",
    )
    note = fields.Char()
    provided = fields.Boolean(compute="_compute_provided", store=True)
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True
    )

    @api.depends("document_type_id.required", "document_type_id.only_if_invoiced")
    def _compute_required(self):
        for line in self:
            doc_type = line.document_type_id
            line.required = doc_type.required and (
                not doc_type.only_if_invoiced or line.request_id.partner_has_invoices
            )

    @api.depends("attachment_ids")
    def _compute_provided(self):
        for line in self:
            line.provided = bool(line.attachment_ids)
