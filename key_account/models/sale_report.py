# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import pytz

from odoo import fields, models

from .key_account_revenue_adjustment import ADJUSTMENT_KINDS

# sale.report ids of the adjustment rows: apart from order lines (positive)
# and point-of-sale lines (small negative numbers, pos_sale).
ADJUSTMENT_ID_OFFSET = 10**12


class SaleReport(models.Model):
    """Sales analysis with the key-account revenue adjustments (SPEC R43,
    R84): each write-off (negative), write-off reversal and recovery is a
    row of the invoice's rep and sales team, for the customer, on its posting
    date, without product. Its amount is its untaxed and total revenue and
    invoiced amount; the quantities and the order count are left alone."""

    _inherit = "sale.report"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {"action_open_order": (None, ("reader",))}

    # === FIELDS === #
    key_account_revenue_kind = fields.Selection(
        ADJUSTMENT_KINDS,
        string="Revenue Adjustment",
        readonly=True,
        help="Key-account revenue booked outside orders: write-offs, their "
        "reversals and recoveries. Empty on order lines.",
    )
    key_account_writeoff_id = fields.Many2one(
        "key_account.writeoff.request", string="Write-Off Request", readonly=True
    )

    # === ACTION METHODS === #
    def action_open_order(self):
        self.ensure_one()
        if self.key_account_revenue_kind:
            return {
                "type": "ir.actions.act_window",
                "res_model": "key_account.writeoff.request",
                "views": [[False, "form"]],
                "res_id": self.key_account_writeoff_id.id,
            }
        return super().action_open_order()

    # === BUSINESS METHODS === #
    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["key_account_revenue_kind"] = "NULL::varchar"
        res["key_account_writeoff_id"] = "NULL::integer"
        return res

    def _select_key_account_adjustment(self):
        """The columns of ``_select_sale`` in its order, for an adjustment
        ``adj`` in its company's currency, converted as core converts orders."""
        amount = (
            f"adj.amount * {self._case_value_or_one('account_currency_table.rate')}"
        )
        tz = self.env.context.get("tz")
        tz = tz if tz in pytz.all_timezones_set else "UTC"
        # The adjustment's date at midnight where the user is: grouped by
        # day or month in that time zone (as read_group does), it is its date.
        date = "timezone('UTC', timezone(%s, adj.date::timestamp))" % (
            self.env.cr.mogrify("%s", [tz]).decode(self.env.cr.connection.encoding)
        )
        columns = {
            "id": f"-({ADJUSTMENT_ID_OFFSET} + adj.id)",
            "product_id": "NULL",
            "line_invoice_status": "NULL",
            "product_uom": "NULL",
            "product_uom_qty": "0",
            "qty_delivered": "0",
            "qty_to_deliver": "0",
            "qty_invoiced": "0",
            "qty_to_invoice": "0",
            "price_unit": "NULL",
            "price_total": amount,
            "price_subtotal": amount,
            "untaxed_amount_to_invoice": "0",
            "untaxed_amount_invoiced": amount,
            "nbr": "0",
            "name": "COALESCE(writeoff.name, move.name)",
            "date": date,
            "state": "'sale'",
            "invoice_status": "NULL",
            "partner_id": "adj.partner_id",
            "user_id": "adj.user_id",
            "company_id": "adj.company_id",
            "campaign_id": "NULL",
            "medium_id": "NULL",
            "source_id": "NULL",
            "categ_id": "NULL",
            "pricelist_id": "NULL",
            "team_id": "adj.team_id",
            "product_tmpl_id": "NULL",
            "commercial_partner_id": "partner.commercial_partner_id",
            "country_id": "partner.country_id",
            "industry_id": "partner.industry_id",
            "state_id": "partner.state_id",
            "partner_zip": "partner.zip",
            "weight": "0",
            "volume": "0",
            "discount": "NULL",
            "discount_amount": "0",
            "order_reference": "NULL",
        }
        additional = dict.fromkeys(self._select_additional_fields(), "NULL")
        additional["key_account_revenue_kind"] = "adj.kind"
        additional["key_account_writeoff_id"] = "adj.writeoff_id"
        columns.update(additional)
        return ",".join(
            f"\n            {sql} AS {name}" for name, sql in columns.items()
        )

    def _from_key_account_adjustment(self):
        currency_table = self.env["res.currency"]._get_simple_currency_table(
            self.env.companies
        )
        currency_table = self.env.cr.mogrify(currency_table).decode(
            self.env.cr.connection.encoding
        )
        return f"""
            key_account_revenue_adjustment adj
            JOIN res_partner partner ON partner.id = adj.partner_id
            LEFT JOIN key_account_writeoff_request writeoff
                   ON writeoff.id = adj.writeoff_id
            LEFT JOIN account_move move ON move.id = adj.move_id
            JOIN {currency_table} ON account_currency_table.company_id = adj.company_id
            """

    def _query(self):
        return (
            super()._query()
            + f"""UNION ALL (
            SELECT {self._select_key_account_adjustment()}
            FROM {self._from_key_account_adjustment()}
            )
        """
        )
