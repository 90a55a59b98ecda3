# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import is_blank


class KeyAccountOfficeObjection(models.Model):
    """One objection of the office to goods received (SPEC R60)."""

    _name = "key_account.office.objection"
    _description = "Objection to Goods Received by a Key-Account Office"

    # === FIELDS === #
    receipt_id = fields.Many2one(
        "key_account.office.receipt", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="receipt_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True)
    quantity = fields.Float(digits="Product Unit of Measure", required=True)
    reason = fields.Text(required=True)

    # === CONSTRAINT METHODS === #
    @api.constrains("reason")
    def _check_reason(self):
        if any(is_blank(record.reason) for record in self):
            raise ValidationError(
                self.env._(
                    "Write the reason for the objection: blank text is no reason."
                )
            )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_receipt_open()
        return lines

    def write(self, vals):
        self._check_receipt_open()
        return super().write(vals)

    # === BUSINESS METHODS === #
    def _check_receipt_open(self):
        if any(line.receipt_id.state != "open" for line in self):
            raise UserError(
                self.env._("Objections are recorded while the receipt is open.")
            )
