# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class KeyAccountRequestDocument(models.Model):
    _name = "key_account.request.document"
    _description = "Key Account Request Document"
    _order = "request_id, sequence, id"
    _rec_name = "document_type_id"

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
    same_file_as_id = fields.Many2one(
        "key_account.request.document",
        domain="[('request_id', '=', request_id), ('id', '!=', id), "
        "('same_file_as_id', '=', False)]",
        ondelete="set null",
        help="When one uploaded file covers this document too (e.g. a licence "
        "scan that also shows the tax registration), point to the line "
        "that holds it instead of uploading it again.",
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

    @api.depends("attachment_ids", "same_file_as_id.attachment_ids")
    def _compute_provided(self):
        for line in self:
            line.provided = bool(
                line.attachment_ids or line.same_file_as_id.attachment_ids
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("same_file_as_id", "request_id")
    def _check_same_file_as(self):
        for line in self.filtered("same_file_as_id"):
            other = line.same_file_as_id
            if (
                other == line
                or other.request_id != line.request_id
                or other.same_file_as_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(line)s can share the file of another document of the "
                        "same request that has its own file.",
                        line=line.document_type_id.name,
                    )
                )

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
    def _copy_files_from(self, lines):
        """Give these lines the files (and shared-file links) of ``lines`` of
        the same document types (a resubmitted request keeps its papers)."""
        by_type = {line.document_type_id: line for line in lines}
        mine = {line.document_type_id: line for line in self}
        for line in self:
            source = by_type.get(line.document_type_id)
            if not source:
                continue
            line.attachment_ids = source.attachment_ids
            line.same_file_as_id = mine.get(
                source.same_file_as_id.document_type_id, False
            )

    def _check_request_draft(self):
        if self.env.su:
            return
        if any(line.request_id.state != "draft" for line in self):
            raise UserError(
                self.env._("The documents of a submitted request cannot be changed.")
            )
