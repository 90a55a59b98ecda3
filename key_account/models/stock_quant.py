# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.osv import expression


class StockQuant(models.Model):
    """Held key-account stock is not free (SPEC R64): a reservation
    gathering quants below a location skips the key accounts' hold
    locations, except those of the key accounts the reserving move may take
    from (``stock.move._key_account_hold_access``, set by the move itself
    whatever the caller's context). The holder's own moves take their held
    quants first."""

    _inherit = "stock.quant"

    def _get_gather_domain(
        self,
        product_id,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
    ):
        domain = super()._get_gather_domain(
            product_id, location_id, lot_id, package_id, owner_id, strict
        )
        if strict:
            # An exact location given explicitly: the move line guard
            # (stock.move.line) decides whether it may be taken.
            return domain
        holders = self.env.context.get("key_account_hold_access") or []
        return expression.AND(
            [
                domain,
                [
                    "|",
                    ("location_id.key_account_holder_id", "=", False),
                    ("location_id.key_account_holder_id", "in", holders),
                ],
            ]
        )

    def _gather(
        self,
        product_id,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
        qty=0,
    ):
        quants = super()._gather(
            product_id, location_id, lot_id, package_id, owner_id, strict, qty
        )
        if strict or not self.env.context.get("key_account_hold_access"):
            return quants
        # The holder's goods first: what was held for the customer leaves
        # before the free stock (stable sort keeps the removal strategy).
        return quants.sorted(lambda quant: not quant.location_id.key_account_holder_id)
