# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import AccessError

from .key_account_guard_mixin import is_guarded


class MailMessage(models.Model):
    """The chatter of a key-account document is its history: a user deletes
    only his own comments there, never the system's notes, tracking or other
    people's messages."""

    _inherit = "mail.message"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_key_account_history(self):
        if self.env.su:
            return
        partner = self.env.user.partner_id
        for message in self.sudo():
            if not is_guarded(self.env, message.model):
                continue
            if message.author_id != partner or message.message_type != "comment":
                raise AccessError(
                    self.env._(
                        "The history of a key-account document is kept: only "
                        "your own comments can be deleted."
                    )
                )
