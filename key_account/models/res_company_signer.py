# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    """Settings of authorized signers on orders (SPEC R70); their validity
    and reminder are with the customer-file settings in ``res_company``."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_signer_policy = fields.Selection(
        [
            ("none", "Not Required"),
            ("on_account", "Orders on Credit Terms"),
            ("all", "All Key-Account Orders"),
        ],
        string="Orders Need a Valid Signer",
        default="on_account",
        required=True,
        help="Which key-account orders are confirmed only when they name a "
        "signer the customer authorized and whose validity runs on the day "
        "of confirmation. Orders on credit terms are those the customer "
        "pays after delivery (their payment term, else the customer's, "
        "gives days).",
    )
