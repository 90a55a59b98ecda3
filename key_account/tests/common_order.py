# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import UserError

from .common import KeyAccountCase


class OrderApprovalCase(KeyAccountCase):
    """Key-account orders of rep A, products without taxes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_key_account(cls.customer)
        cls.product = cls.env["product.product"].create(
            {
                "name": "Printing Paper",
                "type": "consu",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
            }
        )

    def _order(self, amount=50000.0, user=None, partner=None, lines=None, **vals):
        """A quotation of ``amount`` (one line) created by ``user``."""
        user = user or self.rep_a
        values = {
            "partner_id": (partner or self.customer).id,
            "user_id": user.id,
            "team_id": self.team.id,
            "order_line": [
                Command.create(
                    dict(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        },
                        **line,
                    )
                )
                for line in (lines or [{}])
            ],
        }
        values.update(vals)
        return self.env["sale.order"].with_user(user).create(values)

    def _requested(self, amount=250000.0, user=None):
        """A quotation of ``amount`` by ``user`` (rep A), its approval
        requested."""
        order = self._order(amount, user=user)
        order.with_user(user or self.rep_a).action_request_approval()
        return order

    def _exception_request(self, user=None, **vals):
        """A draft rebate exception request of 40 % (above the rep's limit)
        for the customer, created by ``user`` (rep A)."""
        values = {
            "exception_type": "rebate",
            "partner_id": self.customer.id,
            "requested_value": 40.0,
            "justification": "Yearly volume",
        }
        values.update(vals)
        return (
            self.env["key_account.exception.request"]
            .with_user(user or self.rep_a)
            .create(values)
        )

    def _route(self, order):
        """Reviewer step names of the running validation, in order."""
        return order.review_ids.sorted("sequence").mapped("definition_id")

    def _history(self, order):
        return (
            self.env["tier.review"]
            .with_context(active_test=False)
            .search([("model", "=", "sale.order"), ("res_id", "=", order.id)])
        )

    def _assert_delivery_waits_for_advance(self, order, advance):
        """The confirmed order's delivery is refused until its invoice is
        paid the advance ``advance``, then goes through (R26)."""
        picking = order.picking_ids
        picking.move_ids.quantity = 1
        with self.assertRaises(UserError) as err:
            picking.button_validate()
        self.assertIn("advance payment", str(err.exception))
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": advance})._create_payments()
        self.assertEqual(order._key_account_advance_missing(), 0.0)
        picking.button_validate()
        self.assertEqual(picking.state, "done")
