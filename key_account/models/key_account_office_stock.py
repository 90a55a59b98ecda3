# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class KeyAccountOfficeStock(models.Model):
    """The office's own stock (SPEC R64): what lies in each warehouse, by
    product, split into the office's stock, stock held for a key account
    still counted in it, and stock held for a key account whose written
    explanation the sales company accepted, which is not the office's.
    One row per warehouse, product, key account held for and explanation."""

    _name = "key_account.office.stock"
    _description = "Office Stock and Held Stock"
    _inherit = ["key_account.report.view.mixin"]
    _auto = False
    _order = "warehouse_id, product_id, status"
    _rec_name = "product_id"
    _depends = {
        "stock.quant": ["quantity", "location_id", "product_id"],
        "stock.location": ["warehouse_id", "usage", "key_account_holder_id"],
        "stock.warehouse": ["company_id"],
        "key_account.stock.hold": ["partner_id", "warehouse_id", "state"],
    }

    # === FIELDS === #
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Held for Key Account", readonly=True
    )
    hold_id = fields.Many2one(
        "key_account.stock.hold", string="Accepted Explanation", readonly=True
    )
    status = fields.Selection(
        [
            ("office", "Office Stock"),
            ("held", "Held, Not Explained"),
            ("excluded", "Held, Explanation Accepted"),
        ],
        readonly=True,
        help="Office stock: the office's own goods. Held, not explained: goods "
        "held for a key account without an accepted explanation; they still "
        "count as the office's. Held, explanation accepted: the customer's "
        "goods waiting at the office, left out of the office's stock.",
    )
    quantity = fields.Float(
        string="On Hand", digits="Product Unit of Measure", readonly=True
    )
    office_quantity = fields.Float(
        string="Office's Own Stock",
        digits="Product Unit of Measure",
        readonly=True,
        help="On hand, less the goods held under an accepted explanation.",
    )
    excluded_quantity = fields.Float(
        string="Held Under Accepted Explanation",
        digits="Product Unit of Measure",
        readonly=True,
    )

    # === BUSINESS METHODS === #
    def _query(self):
        return SQL(
            """
            SELECT MIN(quant.id) AS id,
                   location.warehouse_id,
                   warehouse.company_id,
                   quant.product_id,
                   location.key_account_holder_id AS partner_id,
                   hold.id AS hold_id,
                   CASE WHEN hold.id IS NOT NULL THEN 'excluded'
                        WHEN location.key_account_holder_id IS NOT NULL THEN 'held'
                        ELSE 'office' END AS status,
                   SUM(quant.quantity) AS quantity,
                   SUM(CASE WHEN hold.id IS NULL THEN quant.quantity ELSE 0 END)
                       AS office_quantity,
                   SUM(CASE WHEN hold.id IS NULL THEN 0 ELSE quant.quantity END)
                       AS excluded_quantity
              FROM stock_quant quant
              JOIN stock_location location ON location.id = quant.location_id
              JOIN stock_warehouse warehouse ON warehouse.id = location.warehouse_id
         LEFT JOIN key_account_stock_hold hold
                ON hold.partner_id = location.key_account_holder_id
               AND hold.warehouse_id = location.warehouse_id
               AND hold.state = 'accepted'
             WHERE location.usage = 'internal'
          GROUP BY location.warehouse_id, warehouse.company_id, quant.product_id,
                   location.key_account_holder_id, hold.id
            """
        )
