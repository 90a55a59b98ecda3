# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    def _create_invoices(self, sale_orders):
        """Down payments wait for the order's approval like any invoice
        (the wizard's own orders: Odoo uses them for down payments, whatever
        the argument)."""
        if self.advance_payment_method != "delivered":
            self.sale_order_ids._key_account_check_invoiceable()
        return super()._create_invoices(sale_orders)
