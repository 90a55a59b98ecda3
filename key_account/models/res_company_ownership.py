# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    """Settings of customer ownership (SPEC R45, R47)."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_match_vat = fields.Boolean(
        string="Match Tax ID and Registry Number", default=True
    )
    key_account_match_name = fields.Boolean(
        string="Match Company Name",
        default=True,
        help="Names compared without case, punctuation nor legal form "
        "(有限公司, Co., Ltd. …).",
    )
    key_account_match_phone = fields.Boolean(string="Match Phone", default=True)
    key_account_match_email = fields.Boolean(
        string="Match E-mail Domain",
        default=True,
        help="Company domains only: webmail (qq.com, 163.com, gmail.com …) "
        "never matches.",
    )
    key_account_contact_days = fields.Integer(
        string="First Contact Within (Days)",
        default=7,
        help="A newly assigned customer without a logged contact (visit, call, "
        "meeting or e-mail done) within this many days is flagged.",
    )
    key_account_no_contact_action = fields.Selection(
        [
            ("propose", "Alert the Office Manager"),
            ("reassign", "Reassign Automatically"),
        ],
        string="Customer Not Contacted",
        default="propose",
        required=True,
    )
    key_account_ownership_batch = fields.Integer(
        string="Ownership Batch Size", default=200
    )
