# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .key_account_document import LEVELS


class ResCompany(models.Model):
    """Settings of classified documents (SPEC R88): the level a new
    document takes and who is told of a suspected leak."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_document_level = fields.Selection(
        LEVELS,
        string="Default Document Classification",
        default="internal",
        required=True,
        help="The classification a new key-account document takes; the "
        "person filing it may raise or lower it while it is a draft.",
    )
    key_account_general_manager_id = fields.Many2one(
        "res.users",
        string="General Manager for Notices",
        help="Receives suspected leaks of classified documents; empty: the "
        "first user with the key-account Manager level.",
    )

    # === BUSINESS METHODS === #
    def _key_account_general_manager(self):
        """The general manager who receives notices."""
        self.ensure_one()
        if self.key_account_general_manager_id:
            return self.key_account_general_manager_id
        managers = self.env.ref("key_account.group_key_account_manager").sudo().users
        return managers.filtered(lambda u: not u.share and self in u.company_ids)[:1]
