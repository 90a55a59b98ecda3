# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import ValidationError


class StockMoveLine(models.Model):
    """Held key-account stock leaves its hold location only for the key
    account's own orders or on a release the stock manager approved (SPEC
    R64), whoever reserves, picks or validates: every reservation and every
    move of goods is a move line, so the guard sits here."""

    _inherit = "stock.move.line"

    # === CONSTRAINT METHODS === #
    @api.constrains("location_id", "location_dest_id", "move_id", "picking_id")
    def _check_key_account_hold(self):
        problems = self._key_account_hold_problems()
        if problems:
            raise ValidationError(
                self.env._(
                    "Stock held for a key account is taken only by its own "
                    "orders, or on a release approved by the stock manager:"
                    "\n- %s",
                    "\n- ".join(problems),
                )
            )

    # === BUSINESS METHODS === #
    def _key_account_hold_problems(self):
        """Readable list of the lines taking held stock they may not take.
        As superuser: the stock user moving goods may not read sales orders;
        only whom the goods are for is read."""
        problems = []
        is_manager = self.env.user.has_group("stock.group_stock_manager")
        for line in self.sudo():
            holder = line.location_id.key_account_holder_id
            if not holder or line.location_dest_id.key_account_holder_id == holder:
                continue
            move = line.move_id
            picking = line.picking_id or move.picking_id
            if (move.is_inventory and is_manager) or (
                picking.key_account_release_approved_by_id
            ):
                continue
            orders = (
                move.sale_line_id.order_id | move.group_id.sale_id | picking.sale_id
            )
            if orders and orders.partner_id.commercial_partner_id == holder:
                continue
            problems.append(
                self.env._(
                    "%(product)s in %(location)s is held for %(holder)s (%(document)s)",
                    product=line.product_id.display_name,
                    location=line.location_id.display_name,
                    holder=holder.name,
                    document=picking.name or move.reference or move.name or "",
                )
            )
        return problems
