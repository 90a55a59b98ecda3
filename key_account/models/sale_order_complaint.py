# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SaleOrder(models.Model):
    """Complaints about the order (SPEC R76): the smart button."""

    _inherit = "sale.order"

    # === FIELDS === #
    key_account_complaint_count = fields.Integer(
        compute="_compute_key_account_complaint_count",
        groups="key_account.group_key_account_rep",
    )

    # === COMPUTE METHODS === #
    def _compute_key_account_complaint_count(self):
        counts = dict(
            self.env["key_account.complaint"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.key_account_complaint_count = counts.get(order, 0)

    # === ACTION METHODS === #
    @api.readonly
    def action_view_key_account_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_complaint"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {
            "default_sale_order_id": self.id,
            "default_partner_id": self.partner_id.commercial_partner_id.id,
        }
        return action
