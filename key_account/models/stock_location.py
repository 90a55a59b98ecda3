# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class StockLocation(models.Model):
    """Hold locations of key accounts (SPEC R59, R64).

    Stock held for a key account lies in a sub-location of the office
    warehouse's stock location marked with the key account ("WH/Stock/Held:
    ACME Ltd"). Holding is therefore an ordinary internal transfer into that
    location and the held quantities are ordinary quants: Odoo's stock
    figures, valuation, traceability, reports and inventory keep working, and
    the goods are kept physically apart as R59 asks. A separate ledger of
    holds would have to be kept in step with the quants by hand; a location
    cannot drift from them.

    Held quants stay in the warehouse (they are on hand) but are not free:
    reservation skips them except for the key account's own orders and for
    a release transfer the stock manager approved (see ``stock.quant``,
    ``stock.move`` and ``stock.move.line``)."""

    _inherit = "stock.location"

    # === FIELDS === #
    key_account_holder_id = fields.Many2one(
        "res.partner",
        string="Held for Key Account",
        index="btree_not_null",
        domain="[('is_key_account', '=', True), ('is_company', '=', True)]",
        help="Stock in this location is held for this key account: only its "
        "orders reserve and deliver it; any other move out of it needs the "
        "stock manager's approval.",
    )

    # === CONSTRAINT METHODS === #
    @api.constrains("key_account_holder_id", "location_id", "usage")
    def _check_key_account_holder(self):
        for location in self:
            if location.location_id.key_account_holder_id:
                raise ValidationError(
                    self.env._(
                        "%(location)s: a key account's hold location has no "
                        "sub-locations.",
                        location=location.location_id.display_name,
                    )
                )
            if location.key_account_holder_id and location.usage != "internal":
                raise ValidationError(
                    self.env._("Only an internal location holds key-account stock.")
                )

    # === CRUD METHODS === #
    def write(self, vals):
        if "key_account_holder_id" in vals:
            changed = self.filtered(
                lambda loc: (
                    loc.key_account_holder_id.id != vals["key_account_holder_id"]
                )
            )
            if changed and self.env["stock.quant"].search_count(
                [("location_id", "in", changed.ids), ("quantity", "!=", 0)], limit=1
            ):
                raise UserError(
                    self.env._(
                        "A hold location changes its key account only when "
                        "empty: release its stock first (approved by the stock "
                        "manager)."
                    )
                )
        return super().write(vals)

    # === BUSINESS METHODS === #
    @api.model
    def _key_account_hold_location(self, partner, warehouse):
        """The location holding stock for ``partner`` in ``warehouse``,
        created under the warehouse's stock location when missing (by a
        stock manager: only they create locations)."""
        partner = partner.commercial_partner_id
        location = self.search(
            [
                ("key_account_holder_id", "=", partner.id),
                ("location_id", "=", warehouse.lot_stock_id.id),
            ],
            limit=1,
        )
        return location or self.create(
            {
                "name": self.env._("Held: %s", partner.name),
                "location_id": warehouse.lot_stock_id.id,
                "usage": "internal",
                "key_account_holder_id": partner.id,
                "company_id": warehouse.company_id.id,
            }
        )
