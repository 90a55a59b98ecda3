# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    key_account_away = fields.Boolean(
        string="Away (No New Customers)",
        help="On leave or leaving: the distribution of customers skips this rep.",
    )

    def action_key_account_hand_over(self):
        """Hand the customers of a leaving rep over (SPEC R48)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Leaver's Customers"),
            "res_model": "key_account.leaver.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_leaver_id": self.id},
        }
