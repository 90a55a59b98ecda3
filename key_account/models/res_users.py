# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

DIGEST_FIELDS = [
    "key_account_digest_daily",
    "key_account_digest_weekly",
    "key_account_digest_monthly",
]


class ResUsers(models.Model):
    """Each user chooses which scheduled key-account reports reach them by
    e-mail (SPEC R81-R83); the reports stay readable in the application."""

    _inherit = "res.users"

    key_account_digest_daily = fields.Boolean(
        string="Daily Key-Account Reports by E-mail",
        default=True,
        help="The clerk's daily report.",
    )
    key_account_digest_weekly = fields.Boolean(
        string="Weekly Key-Account Reports by E-mail",
        default=True,
        help="The rep's weekly report and the Monday meeting pack.",
    )
    key_account_digest_monthly = fields.Boolean(
        string="Monthly Key-Account Reports by E-mail",
        default=True,
        help="The KA head's and the clerk's monthly reports.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + DIGEST_FIELDS

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + DIGEST_FIELDS
