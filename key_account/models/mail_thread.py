# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from email.utils import formataddr

from odoo import models


class MailThread(models.AbstractModel):
    """Internal users without an e-mail address post and notify like the
    others: submitting, approving, assigning and the scheduled actions all
    write to the chatter in the user's name.

    Odoo refuses to post for an author without an address ("Unable to send
    message, please configure the sender's email address") unless it runs
    as superuser. For an internal user the message keeps its author and
    takes the company's address under the user's name, as Odoo's
    mail servers rewrite a sender they may not use; without one it goes
    without a sender address and outgoing mail uses the default sender.
    Portal and public authors keep Odoo's check.

    They are notified like the others too: an internal user without an
    address is notified in Odoo (the Discuss inbox) whatever his
    preference, where Odoo would queue an e-mail to nobody, which fails and
    tells him nothing."""

    _inherit = "mail.thread"

    # === BUSINESS METHODS === #
    def _message_compute_author(
        self, author_id=None, email_from=None, raise_on_email=True
    ):
        author_id, email_from = super()._message_compute_author(
            author_id, email_from, raise_on_email=False
        )
        if email_from:
            return author_id, email_from
        if author_id and self._key_account_is_internal_author(author_id):
            author = self.env["res.partner"].browse(author_id)
            return author_id, self._key_account_sender_address(author)
        if raise_on_email and not self.env.su:
            # Odoo's own refusal, for authors who are not internal users.
            return super()._message_compute_author(
                author_id, email_from, raise_on_email=True
            )
        return author_id, email_from

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        by_email = [
            data
            for data in recipients
            if data.get("notif") == "email"
            and data.get("uid")
            and not data.get("ushare")
        ]
        if by_email:
            partners = self.env["res.partner"].sudo().browse(d["id"] for d in by_email)
            unreachable = set(partners.filtered(lambda p: not p.email).ids)
            for data in by_email:
                if data["id"] in unreachable:
                    data["notif"] = "inbox"
        return recipients

    def _key_account_is_internal_author(self, author_id):
        """Whether partner ``author_id`` is an internal user's (the current
        user's, most of the time: no query)."""
        user = self.env.user
        if author_id == user.partner_id.id:
            return not user.share
        partner = self.env["res.partner"].sudo().browse(author_id)
        return bool(partner.exists().user_ids.filtered(lambda u: not u.share))

    def _key_account_sender_address(self, author):
        """The company's address (else its mail domain's default sender)
        under ``author``'s name, or False."""
        company = self.env.company
        address = company.email or company.default_from_email
        return formataddr((author.name or "", address)) if address else False
