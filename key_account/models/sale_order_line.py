# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# Line fields whose change restarts the order's approval (SPEC R12).
RESTART_LINE_FIELDS = {
    "product_id",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
    "display_type",
    "key_account_is_compensation",
}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # === FIELDS === #
    key_account_is_compensation = fields.Boolean(
        string="Compensation",
        copy=False,
        help="Given to the customer as compensation (补量) for a complaint or a "
        "loss the company caused: its value at list price counts against the "
        "authority matrix, and the order needs a reason and evidence.",
    )
    key_account_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    key_account_compensation_value = fields.Monetary(
        string="Compensation Value",
        currency_field="key_account_currency_id",
        compute="_compute_key_account_compensation_value",
        store=True,
        help="Value of a compensation line at list price, in company currency, "
        "as of its last change: the month's compensation adds these up.",
    )

    # === COMPUTE METHODS === #
    @api.depends(
        "key_account_is_compensation",
        "product_id",
        "product_uom_qty",
        "product_uom",
        "display_type",
        "is_downpayment",
    )
    def _compute_key_account_compensation_value(self):
        for line in self:
            line.key_account_compensation_value = (
                line._key_account_list_value()
                if line._key_account_counts_as_compensation()
                else 0.0
            )

    def _compute_qty_at_date(self):
        """The availability shown on a quotation line leaves out the stock
        held for other key accounts (SPEC R64); the customer's own held stock
        stays in. One query per warehouse."""
        res = super()._compute_qty_at_date()
        lines = self.filtered(
            lambda line: (
                line.state in ("draft", "sent")
                and line.display_qty_widget
                and line.product_id.is_storable
                and line.warehouse_id
            )
        )
        Order = self.env["sale.order"]
        for warehouse, wh_lines in lines.grouped("warehouse_id").items():
            held = Order._key_account_held_qty(wh_lines.product_id, warehouse)
            for line in wh_lines:
                customer = line.order_id.partner_id.commercial_partner_id.id
                others = sum(
                    quantity
                    for holder, quantity in held[line.product_id.id].items()
                    if holder != customer
                )
                if not others:
                    continue
                others = line.product_id.uom_id._compute_quantity(
                    others, line.product_uom or line.product_id.uom_id
                )
                line.qty_available_today -= others
                line.free_qty_today -= others
                line.virtual_available_at_date -= others
        return res

    # === CRUD METHODS === #
    # Lines written directly (RPC, import) restart the approval too.
    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sale.order"].browse(
            {vals["order_id"] for vals in vals_list if vals.get("order_id")}
        )
        before = orders._key_account_confirmed_amounts()
        lines = super().create(vals_list)
        lines.order_id.filtered("review_ids")._key_account_on_approval_change(
            self.env._("a line was added")
        )
        lines.order_id._key_account_check_raised_amounts(before)
        return lines

    def write(self, vals):
        orders = self.env["sale.order"]
        before = {}
        if RESTART_LINE_FIELDS & set(vals):
            orders = self.order_id.filtered("review_ids")
            before = self.order_id._key_account_confirmed_amounts()
        snapshots = (self.order_id - orders)._key_account_snapshots()
        res = super().write(vals)
        if orders:
            orders._key_account_on_approval_change(
                self.env._("a line's product, quantity or price was changed")
            )
        if snapshots:
            (self.order_id - orders)._key_account_check_snapshots(
                snapshots, self.env._("a line was changed")
            )
        if before:
            self.order_id._key_account_check_raised_amounts(before)
        return res

    def unlink(self):
        orders = self.order_id.filtered("review_ids")
        res = super().unlink()
        orders.exists()._key_account_on_approval_change(
            self.env._("a line was removed")
        )
        return res

    # === BUSINESS METHODS === #
    def _key_account_counts_as_compensation(self):
        """A product line flagged as compensation (SPEC R35)."""
        self.ensure_one()
        return bool(
            self.key_account_is_compensation
            and self.product_id
            and not self.display_type
            and not self.is_downpayment
        )

    def _key_account_is_free(self):
        """A line given away: full discount or no price (SPEC R17)."""
        self.ensure_one()
        return bool(
            self.product_id
            and self.product_uom_qty > 0
            and (self.discount >= 100.0 or not self.price_unit)
        )

    def _key_account_list_value(self):
        """Value of the line at list price, in company currency."""
        self.ensure_one()
        quantity = self.product_uom._compute_quantity(
            self.product_uom_qty, self.product_id.uom_id, raise_if_failure=False
        )
        return quantity * self.product_id.lst_price

    def _key_account_floor_price(self):
        """Settlement floor price of the line, in the order currency (0 when
        there is none): the agreement's price system, else the company's;
        prices agreed in the approved agreement below it are its floor."""
        self.ensure_one()
        order = self.order_id
        agreement = order.key_account_agreement_id.sudo()
        pricelist = (
            agreement.floor_pricelist_id
            or order.company_id.key_account_floor_pricelist_id
        )
        if not pricelist or not self.product_id:
            return 0.0
        floor = self._key_account_price_in(pricelist)
        if agreement.pricelist_id:
            floor = min(floor, self._key_account_price_in(agreement.pricelist_id))
        return floor

    def _key_account_price_in(self, pricelist):
        """Price of the line's product in ``pricelist``, order currency."""
        order = self.order_id
        price = pricelist._get_product_price(
            self.product_id,
            self.product_uom_qty or 1.0,
            uom=self.product_uom,
            date=order.date_order,
        )
        return pricelist.currency_id._convert(
            price,
            order.currency_id,
            order.company_id,
            order.date_order or order.create_date,
        )

    # Invoicing: revenue booked per key account (SPEC R59)
    def _set_analytic_distribution(self, inv_line_vals, **optional_values):
        """Invoice lines of a key account's orders carry its analytic account,
        next to the line's own distribution of other analytic plans."""
        res = super()._set_analytic_distribution(inv_line_vals, **optional_values)
        partner = self.order_id.partner_id.commercial_partner_id
        account = partner.key_account_analytic_account_id
        if self.display_type or not account:
            return res
        distribution = dict(inv_line_vals.get("analytic_distribution") or {})
        used = self.env["account.analytic.account"].browse(
            [
                int(account_id)
                for key in distribution
                for account_id in key.split(",")
                if account_id
            ]
        )
        if account.root_plan_id not in used.root_plan_id:
            distribution[str(account.id)] = 100.0
            inv_line_vals["analytic_distribution"] = distribution
        return res
