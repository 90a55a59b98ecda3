# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import AccessError


class IrDefault(models.Model):
    """Personal defaults (any user may record his own) never set what only
    a key-account workflow sets: states, decisions, guarded customer data."""

    _inherit = "ir.default"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._key_account_check_fields(
                self.env["ir.model.fields"].browse(
                    [vals["field_id"] for vals in vals_list if vals.get("field_id")]
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            fields = self.field_id
            if vals.get("field_id"):
                fields |= fields.browse(vals["field_id"])
            self._key_account_check_fields(fields)
        return super().write(vals)

    @api.model
    def _key_account_check_fields(self, fields):
        for field in fields.sudo():
            if field.model not in self.env:
                continue
            model = self.env[field.model]
            guarded = getattr(model, "_key_account_guarded_default", None)
            if guarded and guarded(field.name):
                raise AccessError(
                    self.env._(
                        "%(field)s of %(model)s is set by its workflow: no "
                        "default is recorded for it.",
                        field=field.field_description,
                        model=field.model_id.name,
                    )
                )
