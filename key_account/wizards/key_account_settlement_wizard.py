# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import UserError


class KeyAccountSettlementWizard(models.TransientModel):
    """Settle the commission lines up to a date, one settlement per
    beneficiary (the monthly cron does the same for the previous month)."""

    _name = "key_account.settlement.wizard"
    _description = "Settle Key-Account Commissions"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {"action_settle": (None, ("director", "billing"))}

    # === FIELDS === #
    date_to = fields.Date(
        string="Up To",
        required=True,
        default=lambda self: (
            fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)
        ),
    )

    # === ACTION METHODS === #
    def action_settle(self):
        self.ensure_one()
        user = self.env.user
        if not (
            user.has_group("key_account.group_key_account_director")
            or user.has_group("account.group_account_invoice")
        ):
            raise UserError(
                self.env._("Only the KA head or accounting settles commissions.")
            )
        settlements = self.env["key_account.settlement"]._key_account_settle(
            self.date_to
        )
        if not settlements:
            raise UserError(self.env._("No commission to settle up to that date."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_settlement"
        )
        action["domain"] = [("id", "in", settlements.ids)]
        return action
