# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    """Deliveries of an order with an agreed advance wait for it (SPEC R26)."""

    _inherit = "stock.picking"

    # Actions
    def _action_done(self):
        self._key_account_check_advance()
        return super()._action_done()

    # Business methods
    def _key_account_check_advance(self):
        """Refuse to deliver goods of an order whose advance is not paid,
        whoever validates (button, RPC, backorder wizard)."""
        for picking in self.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.sale_id
        ):
            order = picking.sale_id
            missing = order._key_account_advance_missing()
            if missing > 0:
                raise UserError(
                    self.env._(
                        "%(picking)s waits for the advance payment of "
                        "%(order)s: %(percent)s %% of the order, %(missing)s "
                        "still to be paid.",
                        picking=picking.name,
                        order=order.name,
                        percent=order.key_account_advance_percent,
                        missing=order.currency_id.format(missing),
                    )
                )
