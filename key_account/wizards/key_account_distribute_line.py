# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class KeyAccountDistributeLine(models.TransientModel):
    _name = "key_account.distribute.line"
    _description = "Rep Load"

    wizard_id = fields.Many2one("key_account.distribute.wizard")
    user_id = fields.Many2one("res.users", string="Rep")
    count = fields.Integer(string="Customers")
    revenue = fields.Float(string="12-Month Revenue")
    ability = fields.Float(string="Ability Weight", digits=(16, 2))
    planned = fields.Integer(
        string="New Customers", help="Customers this distribution gives the rep."
    )
