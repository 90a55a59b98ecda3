# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _key_account_create_missing(self, activity_type, model, vals_by_res_id):
        """Activities of ``activity_type`` on the records of ``model`` that
        have none open yet: ``vals_by_res_id`` maps each record id to the rest
        of its values. Crons re-run without doubling them. Returns the
        created activities."""
        if not vals_by_res_id:
            return self.browse()
        busy = set(
            self.search(
                [
                    ("res_model", "=", model),
                    ("res_id", "in", list(vals_by_res_id)),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ).mapped("res_id")
        )
        model_id = self.env["ir.model"]._get_id(model)
        return self.create(
            [
                dict(
                    vals,
                    res_model_id=model_id,
                    res_id=res_id,
                    activity_type_id=activity_type.id,
                )
                for res_id, vals in vals_by_res_id.items()
                if res_id not in busy
            ]
        )
