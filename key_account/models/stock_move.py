# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class StockMove(models.Model):
    """Key-account deliveries carry only their own order (SPEC R59) and only
    they reserve the stock held for their key account (SPEC R64).

    Odoo already gives each sales order its procurement group, and moves
    join a picking of the same group only; these guards keep a key-account
    order's moves apart even when a group is shared (set by hand, import or
    another module)."""

    _inherit = "stock.move"

    # === BUSINESS METHODS === #
    def _key_account_order(self):
        """The key-account sales order of this move, or an empty recordset."""
        self.ensure_one()
        # As superuser: a stock user may not read every sales order.
        order = self.sudo().sale_line_id.order_id
        if order.partner_id.commercial_partner_id.is_key_account:
            return order.with_env(self.env)
        return self.env["sale.order"]

    def _key_account_hold_access(self):
        """Ids of the key accounts whose held stock this move may take (SPEC
        R64): the key account of its order, and the holder of its source
        location on a transfer whose release the stock manager approved.
        As superuser: a stock user reserving may not read sales orders; only
        whom the goods are for is read."""
        self.ensure_one()
        move = self.sudo()
        orders = move.sale_line_id.order_id | move.group_id.sale_id
        # Not only key accounts: a revoked customer's orders still take the
        # stock held for it until the stock manager releases it.
        holders = orders.partner_id.commercial_partner_id
        if move.picking_id.key_account_release_approved_by_id:
            holders |= move.location_id.key_account_holder_id
        return holders.ids

    def _update_reserved_quantity(
        self,
        need,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=True,
    ):
        # The move says which held stock it may take; the caller's context
        # never does (it is overwritten).
        move = self.with_context(
            key_account_hold_access=self._key_account_hold_access()
        )
        return super(StockMove, move)._update_reserved_quantity(
            need, location_id, lot_id, package_id, owner_id, strict
        )

    def _get_available_quantity(
        self,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
        allow_negative=False,
    ):
        move = self.with_context(
            key_account_hold_access=self._key_account_hold_access()
        )
        return super(StockMove, move)._get_available_quantity(
            location_id, lot_id, package_id, owner_id, strict, allow_negative
        )

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
