# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import AccessError
from odoo.osv import expression

from .key_account_guard_mixin import is_guarded

# The file of a classified document (SPEC R88): handed out only as a
# numbered copy by the download route, never read as an attachment.
SEALED_DOMAIN = [
    "|",
    ("res_model", "!=", "key_account.document"),
    ("res_field", "!=", "file"),
]


class IrAttachment(models.Model):
    """The files of a key-account document (evidence, receipts, board
    resolutions, sealed copies) are its record: a user adds, changes or
    removes them only while the document takes hand edits, never once it
    left its first state (a file is still added where the state takes new
    paper, e.g. the sealed copies of an approved agreement)."""

    _inherit = "ir.attachment"

    @api.model
    def _search(self, domain, *args, **kwargs):
        """Searches naming ids or fields (the others see no field's file)
        leave out the files of classified documents, except for the
        system."""
        if self._key_account_sealed_for_user() and (
            self.env.context.get("skip_res_field_check")
            or any(leaf[0] in ("id", "res_field") for leaf in domain)
        ):
            domain = expression.AND([list(domain), SEALED_DOMAIN])
        return super()._search(domain, *args, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result is not None or not self._key_account_sealed_for_user():
            return result
        sealed = self.sudo().filtered(
            lambda a: a.res_model == "key_account.document" and a.res_field == "file"
        )
        if sealed:
            return self.browse(sealed.ids), lambda: AccessError(
                self.env._(
                    "A classified document is opened from the document itself, "
                    "as a numbered copy."
                )
            )
        return None

    @api.model
    def _key_account_sealed_for_user(self):
        return not self.env.su and not self.env.is_system()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._key_account_check_document(
                    vals.get("res_model"), vals.get("res_id"), adding=True
                )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._key_account_check_documents()
            if "res_model" in vals or "res_id" in vals:
                for attachment in self:
                    self._key_account_check_document(
                        vals.get("res_model", attachment.res_model),
                        vals.get("res_id", attachment.res_id),
                        adding=True,
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_key_account_document(self):
        if not self.env.su:
            self._key_account_check_documents()

    def _key_account_check_documents(self):
        for attachment in self.sudo():
            self._key_account_check_document(
                attachment.res_model, attachment.res_id, adding=False
            )

    @api.model
    def _key_account_check_document(self, res_model, res_id, adding):
        if not res_id or not is_guarded(self.env, res_model):
            return
        record = self.env[res_model].sudo().browse(res_id).exists()
        if record and not record._key_account_files_editable(adding):
            raise AccessError(
                self.env._(
                    "The files of %(document)s are part of its record: they no "
                    "longer change in its state.",
                    document=record.display_name,
                )
            )
