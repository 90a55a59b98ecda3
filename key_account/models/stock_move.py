# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class StockMove(models.Model):
    """Key-account deliveries carry only their own order (SPEC R59).

    Odoo already gives each sales order its procurement group, and moves
    join a picking of the same group only; these guards keep a key-account
    order's moves apart even when a group is shared (set by hand, import or
    another module)."""

    _inherit = "stock.move"

    # Business methods
    def _key_account_order(self):
        """The key-account sales order of this move, or an empty recordset."""
        self.ensure_one()
        # As superuser: a stock user may not read every sales order.
        order = self.sudo().sale_line_id.order_id
        if order.partner_id.commercial_partner_id.is_key_account:
            return order.with_env(self.env)
        return self.env["sale.order"]

    def _key_assign_picking(self):
        keys = super()._key_assign_picking()
        order = self._key_account_order()
        return keys + (order,) if order else keys

    def _search_picking_for_assignation(self):
        picking = super()._search_picking_for_assignation()
        if not picking:
            return picking
        # As superuser: only whether a key account is involved is read.
        order = self.sudo().sale_line_id.order_id
        orders = picking.sudo().move_ids.sale_line_id.order_id
        partners = (order | orders).partner_id.commercial_partner_id
        if orders != order and partners.filtered("is_key_account"):
            return self.env["stock.picking"]
        return picking
