# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

# ``suspension`` keeps its first technical key: it is the revocation that
# ends the key-account status (SPEC R6).
REQUEST_KINDS = [
    ("designation", "Designation"),
    ("tier_change", "Tier Change"),
    ("credit_change", "Credit Change"),
    ("suspension", "Revocation"),
]


class KeyAccountDocumentType(models.Model):
    _name = "key_account.document.type"
    _description = "Key Account Request Document Type"
    _order = "request_kind, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    request_kind = fields.Selection(REQUEST_KINDS, required=True, index=True)
    required = fields.Boolean(default=True)
    only_if_invoiced = fields.Boolean(
        string="Only If Invoices Exist",
        help="Required only when the customer already has posted invoices "
        "(e.g. the signed statement of account).",
    )
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
    )
