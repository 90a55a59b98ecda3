# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class KeyAccountRequestDocument(models.Model):
    _name = "key_account.request.document"
    _description = "Key Account Request Document"
    _order = "request_id, sequence, id"

    # === FIELDS === #
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

    # === COMPUTE METHODS === #
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

    # === CRUD METHODS === #
    # The checklist is frozen once the request left the draft, so
    # reviewers decide on the documents they saw.
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_request_draft()
        return lines

    def write(self, vals):
        self._check_request_draft()
        if not self.env.su and {"request_id", "document_type_id"} & set(vals):
            raise UserError(
                self.env._("A checklist line stays on its request and document type.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self._check_request_draft()

    # === BUSINESS METHODS === #
    def _check_request_draft(self):
        if self.env.su:
            return
        if any(line.request_id.state != "draft" for line in self):
            raise UserError(
                self.env._("The documents of a submitted request cannot be changed.")
            )
