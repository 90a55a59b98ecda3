# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    def _create_invoices(self, sale_orders):
        """Down payments wait for the order's approval like any invoice."""
        sale_orders._key_account_check_invoiceable()
        return super()._create_invoices(sale_orders)
