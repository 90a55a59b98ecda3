# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

OPEN_STATES = ("draft", "waiting", "confirmed", "assigned")


class KeyAccountStockReport(models.AbstractModel):
    """Stock and owed goods of a key account: the rep's post-approval report
    (SPEC R4, R63, R64). It lists the contacts the rep confirms, the stock
    the office warehouse holds for the customer with the free stock of the
    products it waits for, and its open deliveries, backorders first.

    Only who may read the customer prints it, as the key-account review
    (record rules, secret accounts); the quantities and the deliveries are
    read as the system, limited to that customer."""

    _name = "report.key_account.report_key_account_stock"
    _description = "Key-Account Stock and Owed Goods"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        self.env[
            "report.key_account.report_key_account_review"
        ]._key_account_check_access(partners)
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "stock": {partner.id: self._stock_values(partner) for partner in partners},
        }

    @api.model
    def _stock_values(self, partner):
        partner = partner.commercial_partner_id
        warehouse = partner.sudo().key_account_warehouse_id
        deliveries = self._open_deliveries(partner)
        return {
            "partner": partner,
            "warehouse": warehouse,
            "contacts": self._contacts(partner),
            "held": self._held_stock(partner, warehouse),
            "free": self._free_stock(
                partner,
                deliveries.move_ids.product_id.filtered("is_storable"),
                warehouse,
            ),
            "deliveries": deliveries,
            "backorders": deliveries.filtered("backorder_id"),
        }

    @api.model
    def _contacts(self, partner):
        """The decision maker first, then the other people of the customer."""
        decision_maker = partner.key_account_decision_maker_id
        people = partner.child_ids.filtered(
            lambda c: c.type == "contact" and not c.is_company
        )
        return decision_maker | (people - decision_maker)

    @api.model
    def _open_deliveries(self, partner):
        """Deliveries of the customer's orders still to ship, backorders
        first, then by scheduled date."""
        pickings = (
            self.env["stock.picking"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", partner.id),
                    ("picking_type_code", "=", "outgoing"),
                    ("state", "in", OPEN_STATES),
                ],
                order="scheduled_date, id",
            )
        )
        return pickings.filtered("backorder_id") | pickings.filtered(
            lambda p: not p.backorder_id
        )

    @api.model
    def _held_stock(self, partner, warehouse):
        """[(product, on hand, reserved)] held for the customer in its
        office warehouse (its hold location)."""
        if not warehouse:
            return []
        groups = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("location_id", "child_of", warehouse.lot_stock_id.id),
                    ("location_id.key_account_holder_id", "=", partner.id),
                ],
                ["product_id"],
                ["quantity:sum", "reserved_quantity:sum"],
                order="product_id",
            )
        )
        return [
            (product, quantity, reserved)
            for product, quantity, reserved in groups
            if quantity or reserved
        ]

    @api.model
    def _free_stock(self, partner, products, warehouse):
        """[(product, quantity)] free for the customer in its office
        warehouse, of the products it waits for: the free stock less what is
        held for any key account, plus what is held for this customer, as
        the confirmation of its orders counts it."""
        if not warehouse or not products:
            return []
        orders = self.env["sale.order"]
        free = orders._key_account_free_quantities(products, warehouse)
        held = orders._key_account_held_qty(products, warehouse)
        return [
            (
                product,
                free[product.id]
                - sum(held[product.id].values())
                + held[product.id].get(partner.id, 0.0),
            )
            for product in products.sorted("name")
        ]
