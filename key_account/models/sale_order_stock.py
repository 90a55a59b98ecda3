# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare
from odoo.tools.misc import formatLang


class SaleOrder(models.Model):
    """Office warehouse and stock of key-account orders (SPEC R58, R64,
    R66): the warehouse they ship from, the stock held for the customer and
    the check at confirmation."""

    _inherit = "sale.order"

    # === FIELDS === #
    key_account_stock_note = fields.Text(
        string="Short Stock",
        compute="_compute_key_account_stock_note",
        help="Storable lines needing more than is free for the customer in "
        "the order's warehouse.",
    )

    # === COMPUTE METHODS === #
    @api.depends_context("lang")
    @api.depends(
        "state",
        "warehouse_id",
        "partner_id",
        "order_line.product_id",
        "order_line.product_uom_qty",
        "order_line.product_uom",
    )
    def _compute_key_account_stock_note(self):
        for order in self:
            note = False
            if (
                order.state in self._state_from
                and order.partner_id.commercial_partner_id.is_key_account
            ):
                shortages = order._key_account_stock_shortages()
                note = shortages and order._key_account_shortage_text(shortages)
            order.key_account_stock_note = note or False

    @api.depends("partner_id")
    def _compute_warehouse_id(self):
        """A key-account quotation ships from the customer's office warehouse
        (SPEC R58), in the form as over RPC or import; a warehouse given
        explicitly is a deviation the approval covers (see
        ``_key_account_warehouse_finding``)."""
        res = super()._compute_warehouse_id()
        for order in self:
            if order.state not in ("draft", "sent") and order.ids:
                continue
            warehouse = order._key_account_office_warehouse()
            if warehouse:
                order.warehouse_id = warehouse
        return res

    # === BUSINESS METHODS === #
    def _key_account_office_warehouse(self):
        """The customer's office warehouse when it ships this key-account
        order's company, else an empty recordset."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        warehouse = partner.is_key_account and partner.key_account_warehouse_id
        company = self.company_id or self.env.company
        if warehouse and warehouse.company_id == company:
            return warehouse
        return self.env["stock.warehouse"]

    def _key_account_warehouse_finding(self):
        """(level, explanation) when the order ships from another warehouse
        than the customer's office warehouse: the KA head decides (SPEC R58)."""
        self.ensure_one()
        office = self._key_account_office_warehouse()
        if not office or not self.warehouse_id or self.warehouse_id == office:
            return None
        return (
            "director",
            self.env._(
                "warehouse %(warehouse)s instead of the customer's office "
                "warehouse %(office)s",
                warehouse=self.warehouse_id.name,
                office=office.name,
            ),
        )

    @api.model
    def _key_account_held_qty(self, products, warehouse):
        """Held key-account stock of ``products`` in ``warehouse`` not yet
        reserved, in the products' units: {product id: {key account id:
        quantity}} (SPEC R64). One query whatever the number of products.
        As superuser: the quantity only, reps may not read the quants."""
        groups = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", products.ids),
                    ("location_id", "child_of", warehouse.lot_stock_id.id),
                    ("location_id.key_account_holder_id", "!=", False),
                ],
                ["product_id", "location_id"],
                ["quantity:sum", "reserved_quantity:sum"],
            )
        )
        held = {product.id: {} for product in products}
        for product, location, quantity, reserved in groups:
            holder = location.key_account_holder_id.id
            held[product.id][holder] = held[product.id].get(holder, 0.0) + (
                quantity - reserved
            )
        return held

    def _key_account_stock_shortages(self):
        """[(line number, line, needed, free)] of the storable lines needing
        more than is free for the customer in the order's warehouse stock
        location: the free stock less what is held for any key account, plus
        what is held for this customer (SPEC R64, R66). Lines of one product
        draw on its free quantity in order. Services and consumables are not
        checked."""
        self.ensure_one()
        warehouse = self.warehouse_id
        lines = self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )
        storable = lines.filtered(lambda line: line.product_id.is_storable)
        if not warehouse or not storable:
            return []
        products = storable.product_id
        free = self._key_account_free_quantities(products, warehouse)
        held = self._key_account_held_qty(products, warehouse)
        customer = self.partner_id.commercial_partner_id.id
        available = {
            product.id: free[product.id]
            - sum(held[product.id].values())
            + held[product.id].get(customer, 0.0)
            for product in products
        }
        rounding = {p.id: p.uom_id.rounding for p in products}
        shortages = []
        for index, line in enumerate(lines, 1):
            if line not in storable:
                continue
            product = line.product_id
            needed = line.product_uom._compute_quantity(
                line.product_uom_qty, product.uom_id
            )
            have = max(available[product.id], 0.0)
            if float_compare(needed, have, precision_rounding=rounding[product.id]) > 0:
                shortages.append((index, line, needed, have))
            available[product.id] -= needed
        return shortages

    @api.model
    def _key_account_free_quantities(self, products, warehouse):
        """{product id: free quantity in ``warehouse``'s stock location}, all
        products at once. As superuser: the quantity only, reps may not read
        the quants of every location."""
        products = products.sudo().with_context(
            location=warehouse.lot_stock_id.id, warehouse_id=False
        )
        return {product.id: product.free_qty for product in products}

    def _key_account_stock_policy(self):
        """Short-stock policy of the order: its customer's tier's, else the
        company's (SPEC R66)."""
        self.ensure_one()
        tier = self.partner_id.commercial_partner_id.key_account_tier_id
        return tier.stock_policy or self.company_id.key_account_stock_policy

    def _key_account_lock_stock(self):
        """Lock the quants the stock check reads, so that two orders
        confirmed at once cannot both count the last free or held units: the
        second waits for the first and is retried on its result (Odoo retries
        a transaction meeting a concurrent update)."""
        products = self.order_line.product_id.filtered("is_storable")
        if not products or not self.warehouse_id:
            return
        self.env.cr.execute(
            """
            SELECT quant.id FROM stock_quant quant
              JOIN stock_location location ON location.id = quant.location_id
             WHERE quant.product_id IN %s AND location.parent_path LIKE %s
               FOR NO KEY UPDATE OF quant
            """,
            (tuple(products.ids), f"{self.warehouse_id.lot_stock_id.parent_path}%"),
        )

    def _key_account_check_stock(self):
        """At confirmation of a key-account order (SPEC R66): per storable
        line, the quantity free for the customer in the order's warehouse.
        Short lines are noted on the order (the procurement then resupplies
        the office warehouse through its resupply route) or refuse the
        confirmation, as the company chose. Server-side, whatever the caller.

        Replenishment from a central warehouse: on the office warehouse set
        Inventory > Configuration > Warehouses > Resupply From (the central
        warehouse, ``resupply_wh_ids``); Odoo creates the route "Office:
        Supply Product from Central" (central stock → transit → office
        stock). Put that route on the products (or their category) with a
        reordering rule at the office, or with the Replenish on Order (MTO)
        route: the delivery's procurement then creates the inter-warehouse
        transfer from the central warehouse.
        """
        self.ensure_one()
        if not self.partner_id.commercial_partner_id.is_key_account:
            return
        policy = self._key_account_stock_policy()
        if policy == "block":
            self._key_account_lock_stock()
        shortages = self._key_account_stock_shortages()
        if not shortages:
            return
        message = self.env._(
            "%(order)s: not enough free stock in %(warehouse)s:\n- %(lines)s",
            order=self.name,
            warehouse=self.warehouse_id.name,
            lines=self._key_account_shortage_text(shortages, "\n- "),
        )
        if policy == "block":
            raise UserError(message)
        # The rep confirming may not post on orders he only reads.
        self.sudo().message_post(
            body=message
            + "\n"
            + self.env._("The order is confirmed; the missing goods are replenished."),
            subtype_xmlid="mail.mt_note",
        )

    def _key_account_shortage_text(self, shortages, separator="\n"):
        """Readable list of ``shortages`` (see ``_key_account_stock_shortages``)."""
        return separator.join(
            self.env._(
                "line %(index)s, %(product)s: %(needed)s %(uom)s needed, %(free)s free",
                index=index,
                product=line.product_id.display_name,
                needed=formatLang(self.env, needed, dp="Product Unit of Measure"),
                free=formatLang(self.env, free, dp="Product Unit of Measure"),
                uom=line.product_id.uom_id.name,
            )
            for index, line, needed, free in shortages
        )
