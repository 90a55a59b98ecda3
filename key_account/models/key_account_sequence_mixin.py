# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class KeyAccountSequenceMixin(models.AbstractModel):
    """Key-account documents numbered at creation from the sequence of code
    ``_key_account_sequence``; a user never gives the number."""

    _name = "key_account.sequence.mixin"
    _description = "Numbered Key-Account Document"
    # Code of the ir.sequence numbering the documents.
    _key_account_sequence = None

    # === FIELDS === #
    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if not self.env.su:
                vals.pop("name", None)
            if vals.get("name", "/") == "/":
                vals["name"] = sequence.next_by_code(self._key_account_sequence) or "/"
        return super().create(vals_list)
