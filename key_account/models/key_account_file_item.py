# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class KeyAccountFileItem(models.Model):
    _name = "key_account.file.item"
    _description = "Key Account File Required Item"
    _order = "sequence, id"

    # === FIELDS === #
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    field_name = fields.Selection(
        selection="_selection_field_name",
        required=True,
        help="Customer field that must hold a value for this item.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
    )

    _sql_constraints = [
        (
            "field_company_uniq",
            "unique(field_name, company_id)",
            "Each customer field can be a required file item only once.",
        )
    ]

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items._recompute_file_completeness()
        return items

    def write(self, vals):
        res = super().write(vals)
        self._recompute_file_completeness()
        return res

    def unlink(self):
        res = super().unlink()
        self.env["key_account.file.item"]._recompute_file_completeness()
        return res

    # === BUSINESS METHODS === #
    @api.model
    def _selection_field_name(self):
        partner_fields = self.env["res.partner"]._fields
        return [
            (name, partner_fields[name].string)
            for name in self.env["res.partner"]._key_account_file_fields()
        ]

    def _recompute_file_completeness(self):
        # Derived data of every key account, whoever edits the checklist.
        partners = (
            self.env["res.partner"].sudo().search([("is_key_account", "=", True)])
        )
        self.env.add_to_compute(
            self.env["res.partner"]._fields["key_account_file_completeness"],
            partners,
        )
