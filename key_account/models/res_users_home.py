# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ResUsers(models.Model):
    """The Key Accounts app opens on each role's work (the root menu runs
    ``action_key_account_home``): what waits for the user's decision first,
    then the overview for directors, else the rep's own key accounts.
    Accounting works in Invoicing's Key Accounts menu."""

    _inherit = "res.users"

    # === BUSINESS METHODS === #
    @api.model
    def _key_account_review_queues(self):
        """The approval queues the landing looks at, in order: (action
        xmlid, model). Each action lists the documents whose current
        approval step is the user's (``can_review``)."""
        return [
            ("key_account.action_key_account_orders_to_approve", "sale.order"),
            ("key_account.action_key_account_request_to_review", "key_account.request"),
            (
                "key_account.action_key_account_exception_to_review",
                "key_account.exception.request",
            ),
            (
                "key_account.action_key_account_writeoff_to_review",
                "key_account.writeoff.request",
            ),
        ]

    @api.model
    def _key_account_home_xmlid(self):
        """The action the app opens on for the current user."""
        for xmlid, model in self._key_account_review_queues():
            # Skip the queues the user may not read.
            documents = self.env[model]
            if documents.has_access("read") and documents.search_count(
                [("can_review", "=", True)], limit=1
            ):
                return xmlid
        if self.env.user.has_group("key_account.group_key_account_director"):
            return "key_account.action_key_account_kpi_report"
        return "key_account.action_key_account_my_partners"

    @api.model
    def _key_account_home_action(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            self._key_account_home_xmlid()
        )
