# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    key_account_away = fields.Boolean(
        string="Away (No New Customers)",
        help="On leave or leaving: the distribution of customers skips this rep.",
    )
