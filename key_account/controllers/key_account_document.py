# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request


class KeyAccountDocumentController(http.Controller):
    @http.route(
        "/key_account/document/<int:document_id>/download",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def key_account_document_download(self, document_id, **kwargs):
        """The one way to a classified document's file (SPEC R88): the
        record rules decide as the user (refused: not found, whether the
        document exists or not), and a confidential or secret document
        hands out a numbered copy, logged."""
        document = request.env["key_account.document"].browse(document_id).exists()
        if not document:
            raise NotFound()
        try:
            access = document._key_account_distribute()
        except UserError as error:
            raise NotFound() from error
        stream = request.env["ir.binary"]._get_stream_from(
            document.sudo(),
            "file",
            filename=document._key_account_copy_filename(access),
        )
        return stream.get_response(as_attachment=True)
