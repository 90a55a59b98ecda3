# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ast
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common_order import OrderApprovalCase


@tagged("post_install", "-at_install")
class TestWarehouse(OrderApprovalCase):
    """SPEC R58, R59, R62, R63, R65, R66: office warehouse of key-account
    orders, stock at confirmation, deliveries marked, separate and released
    only when approved, owed goods, goods waiting at the office."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_manager = cls._user("ka_stock_manager", "stock.group_stock_manager")
        cls.central = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.office = cls.env["stock.warehouse"].create(
            {"name": "Shanghai KA Office", "code": "SHKA"}
        )
        cls.customer.with_user(cls.head).key_account_warehouse_id = cls.office
        # Setup shortcut: the file number an approved designation gives.
        cls.customer.sudo().key_account_file_number = "KA-2026-007"
        cls.storable = cls.env["product.product"].create(
            {
                "name": "Toner",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.service = cls.env["product.product"].create(
            {
                "name": "Installation",
                "type": "service",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
            }
        )

    # Helpers
    def _stock(self, quantity, warehouse=None, product=None):
        """Put ``quantity`` in stock, as the stock manager."""
        self.env["stock.quant"].with_user(
            self.stock_manager
        )._update_available_quantity(
            product or self.storable,
            (warehouse or self.office).lot_stock_id,
            quantity,
        )

    def _toner_order(self, quantity, price=100.0, service=True, **vals):
        lines = [{"product_id": self.storable.id, "product_uom_qty": quantity}]
        if service:
            lines.append({"product_id": self.service.id, "product_uom_qty": 3})
        return self._order(price, lines=lines, **vals)

    def _approve_band_1(self, order):
        order.with_user(self.rep_a).action_request_approval()
        self._approve(order, self.office_manager)
        self._approve(order, self.head)
        self.assertEqual(order.validation_status, "validated")

    def _approved_order(self, *product_quantities, price=100.0):
        """Rep A's order of a line per (product, quantity) pair at ``price``,
        approved along band 1, not confirmed."""
        order = self._order(
            price,
            lines=[
                {"product_id": product.id, "product_uom_qty": quantity}
                for product, quantity in product_quantities
            ],
        )
        self._approve_band_1(order)
        return order

    def _other_confirmed(self, product, quantity, price=100.0):
        """Rep B's order of ``quantity`` ``product`` at ``price`` for
        customer B (no key account), confirmed."""
        order = self._order(
            price,
            user=self.rep_b,
            partner=self.customer_b,
            lines=[{"product_id": product.id, "product_uom_qty": quantity}],
        )
        order.with_user(self.rep_b).action_confirm()
        return order

    def _confirmed(self, quantity, **vals):
        order = self._toner_order(quantity, **vals)
        self._approve_band_1(order)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")
        return order

    def _delivery_slip(self, order):
        """The delivery slip of ``order``'s pickings as the stock manager
        prints it, as text."""
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.stock_manager)
            ._render_qweb_html("stock.report_deliveryslip", order.picking_ids.ids)
        )
        return html.decode()

    def _ship(self, picking, quantity=None):
        """Validate ``picking`` as the stock manager (all of it, or
        ``quantity`` with a backorder for the rest)."""
        picking = picking.with_user(self.stock_manager)
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty if quantity is None else quantity
            move.picked = True
        res = picking.button_validate()
        if isinstance(res, dict) and res.get("res_model"):
            wizard = Form(
                self.env[res["res_model"]]
                .with_user(self.stock_manager)
                .with_context(**res["context"])
            ).save()
            wizard.process()
        return picking

    # Routing (R58)
    def test_order_ships_from_office_warehouse(self):
        order = self._order(1000.0)  # with_user(rep).create, no onchange
        self.assertEqual(order.warehouse_id, self.office)
        self.assertEqual(order.key_account_authority_level, "rep")
        # Over RPC with the vals a client would send.
        order = (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .create({"partner_id": self.customer.id, "user_id": self.rep_a.id})
        )
        self.assertEqual(order.warehouse_id, self.office)
        # In the form.
        with Form(self.env["sale.order"].with_user(self.rep_a)) as form:
            form.partner_id = self.customer
        self.assertEqual(form.record.warehouse_id, self.office)
        # Other customers keep the default warehouse.
        other = self._order(1000.0, user=self.rep_b, partner=self.customer_b)
        self.assertEqual(other.warehouse_id, self.central)
        # A contact of the key account ships from its office too.
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.customer.id}
        )
        order = self._order(1000.0, partner=contact)
        self.assertEqual(order.warehouse_id, self.office)

    def test_other_warehouse_needs_ka_head(self):
        order = self._order(1000.0, warehouse_id=self.central.id)
        self.assertEqual(order.warehouse_id, self.central)
        self.assertEqual(order.key_account_authority_level, "director")
        self.assertIn(
            f"warehouse {self.central.name} instead of the customer's office "
            f"warehouse {self.office.name}",
            order.key_account_authority_note,
        )
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_a).action_confirm()
        self._approve_band_1(order)
        self.assertEqual(order.key_account_approved_level, "director")
        # Back to the office warehouse: nothing beyond the rep, approval
        # restarts as for any change.
        order.with_user(self.rep_a).warehouse_id = self.office
        self.assertEqual(order.key_account_authority_level, "rep")
        self.assertFalse(order.review_ids)
        # Only a director sets the customer's office warehouse.
        with self.assertRaises(AccessError):
            self.customer.with_user(self.rep_a).key_account_warehouse_id = self.central

    # Stock at confirmation (R66)
    def test_block_policy_refuses_short_order(self):
        self.company.key_account_stock_policy = "block"
        self._stock(5)
        self._stock(100, warehouse=self.central)  # not the office's stock
        order = self._toner_order(8)
        self.assertEqual(
            order.with_user(self.rep_a).key_account_stock_note,
            "line 1, Toner: 8.00 Units needed, 5.00 free",
        )
        self._approve_band_1(order)
        with self.assertRaises(UserError) as err:
            order.with_user(self.rep_a).action_confirm()
        message = str(err.exception)
        self.assertIn("line 1, Toner: 8.00 Units needed, 5.00 free", message)
        self.assertNotIn("Installation", message)
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.picking_ids)
        # With enough stock it confirms.
        self._stock(3)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_block_policy_counts_lines_of_one_product_together(self):
        self.company.key_account_stock_policy = "block"
        self._stock(5)
        order = self._approved_order((self.storable, 3), (self.storable, 3))
        with self.assertRaises(UserError) as err:
            order.with_user(self.rep_a).action_confirm()
        self.assertIn("line 2, Toner: 3.00 Units needed, 2.00 free", str(err.exception))
        self.assertNotIn("line 1", str(err.exception))

    def test_block_policy_whatever_the_caller(self):
        self.company.key_account_stock_policy = "block"
        order = self._toner_order(1)
        self._approve_band_1(order)
        with self.assertRaises(UserError):
            order.sudo().action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.rep_a).write({"state": "sale"})
        self.assertEqual(order.state, "draft")

    def test_warn_policy_confirms_with_note(self):
        self.assertEqual(self.company.key_account_stock_policy, "warn")
        self._stock(5)
        order = self._confirmed(8)
        notes = order.message_ids.mapped("body")
        self.assertTrue(
            any("line 1, Toner: 8.00 Units needed, 5.00 free" in n for n in notes),
            notes,
        )
        picking = order.picking_ids
        self.assertEqual(picking.picking_type_id.warehouse_id, self.office)
        self.assertEqual(picking.key_account_partner_id, self.customer)

    def test_warn_policy_resupplies_from_central(self):
        """The office resupplied from the central warehouse: the short
        delivery's procurement creates the inter-warehouse transfer."""
        self.office.resupply_wh_ids = self.central
        mto = self.env.ref("stock.route_warehouse0_mto")
        mto.active = True
        self.storable.route_ids = self.office.resupply_route_ids | mto
        self._stock(20, warehouse=self.central)
        order = self._confirmed(8)
        self.assertIn(
            "8.00 Units needed, 0.00 free",
            "\n".join(order.message_ids.mapped("body")),
        )
        resupply = self.env["stock.move"].search(
            [
                ("product_id", "=", self.storable.id),
                ("location_id", "=", self.central.lot_stock_id.id),
            ]
        )
        self.assertEqual(sum(resupply.mapped("product_uom_qty")), 8.0)
        # The central warehouse ships to the office (not a key-account
        # delivery), the office receives it: a batch open for objection.
        self._ship(resupply.picking_id)
        receipt_picking = resupply.move_dest_ids.picking_id
        self.assertEqual(receipt_picking.picking_type_id, self.office.in_type_id)
        self._ship(receipt_picking)
        receipt = self.env["key_account.office.receipt"].search(
            [("picking_id", "=", receipt_picking.id)]
        )
        self.assertRecordValues(
            receipt, [{"source": "transfer", "state": "open", "oem_reference": False}]
        )
        # The delivery to the customer is now ready at the office.
        delivery = order.picking_ids.filtered(
            lambda p: p.location_dest_id.usage == "customer"
        )
        delivery.action_assign()
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(delivery.picking_type_id.warehouse_id, self.office)

    def test_stock_check_queries_do_not_grow_with_lines(self):
        products = self.env["product.product"].create(
            [
                {"name": f"Part {n}", "type": "consu", "is_storable": True}
                for n in range(30)
            ]
        )
        # Held stock of this customer and of another key account.
        self._make_key_account(self.customer_b)
        Location = self.env["stock.location"]
        for partner in (self.customer, self.customer_b):
            hold = Location._key_account_hold_location(partner, self.office)
            for product in products[::2]:
                self.env["stock.quant"]._update_available_quantity(product, hold, 0.5)
        counts = []
        for size in (1, 1, 30):  # the first run fills the caches
            order = self._order(
                10.0,
                lines=[
                    {"product_id": product.id, "product_uom_qty": 1}
                    for product in products[:size]
                ],
            )
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            shortages = order._key_account_stock_shortages()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(shortages), size)
        self.assertEqual(counts[1], counts[2], counts)

    def test_services_and_consumables_not_checked(self):
        self.company.key_account_stock_policy = "block"
        order = self._approved_order((self.service, 10), (self.product, 10))
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_other_customers_not_checked(self):
        self.company.key_account_stock_policy = "block"
        order = self._other_confirmed(self.storable, 10)
        self.assertEqual(order.state, "sale")

    # Release (R65)
    def test_delivery_needs_fully_approved_order(self):
        self._stock(10)
        order = self._confirmed(1, price=90000.0, service=False)
        # Raising the order beyond its band restarts the approval.
        order.order_line[0].with_user(self.rep_a).write(
            {"product_uom_qty": 2, "price_unit": 90000.0}
        )
        self.assertEqual(order.validation_status, "waiting")
        picking = order.picking_ids
        with self.assertRaises(UserError) as err:
            self._ship(picking)
        self.assertIn("fully approved", str(err.exception))
        with self.assertRaises(UserError):
            picking.with_user(self.stock_manager)._action_done()
        self.assertNotEqual(picking.state, "done")
        self._approve(order, self.head)
        self._approve(order, self.deputy_sd)
        self._ship(picking)
        self.assertEqual(picking.state, "done")

    # Marked and separate (R59)
    def test_delivery_slip_shows_key_account_and_file(self):
        self._stock(5)
        order = self._confirmed(2)
        html = self._delivery_slip(order)
        self.assertIn("Key account", html)
        self.assertIn("KA-2026-007", html)
        html = self._delivery_slip(self._other_confirmed(self.storable, 1))
        self.assertNotIn("Key account", html)

    def test_deliveries_never_merged(self):
        self._stock(10)
        first = self._confirmed(1)
        second = self._toner_order(1)
        # Even with the first order's procurement group (set by hand).
        second.sudo().procurement_group_id = first.procurement_group_id
        self._approve_band_1(second)
        second.with_user(self.rep_a).action_confirm()
        first_pickings = first.order_line.move_ids.picking_id
        second_pickings = second.order_line.move_ids.picking_id
        self.assertTrue(second_pickings)
        self.assertFalse(first_pickings & second_pickings)
        self.assertEqual(first_pickings.move_ids.sale_line_id.order_id, first)
        self.assertEqual(second_pickings.move_ids.sale_line_id.order_id, second)

    def test_invoice_lines_carry_analytic_account(self):
        plan = self.env["account.analytic.plan"].create({"name": "Key Accounts"})
        analytic = self.env["account.analytic.account"].create(
            {"name": "ACME Ltd", "plan_id": plan.id}
        )
        self.customer.with_user(self.head).key_account_analytic_account_id = analytic
        order = self._approved_order((self.service, 1), price=1000.0)
        order.with_user(self.rep_a).action_confirm()
        invoice = order.with_user(self.rep_a)._create_invoices()
        lines = invoice.invoice_line_ids
        self.assertTrue(lines)
        self.assertEqual(
            lines.mapped("analytic_distribution"), [{str(analytic.id): 100.0}]
        )
        # Other customers' invoices do not carry it.
        other = self._other_confirmed(self.service, 1, price=1000.0)
        invoice = other.with_user(self.rep_b)._create_invoices()
        self.assertFalse(invoice.invoice_line_ids.analytic_distribution)

    # Owed goods (R63) and goods waiting at the office (R62)
    def test_backorder_listed_as_goods_owed(self):
        self._stock(5)
        order = self._confirmed(8)
        picking = order.picking_ids
        self._ship(picking, quantity=5)
        backorder = order.picking_ids - picking
        self.assertEqual(backorder.backorder_id, picking)
        action = self.env.ref("key_account.action_key_account_goods_owed")
        domain = ast.literal_eval(action.domain)
        self.assertEqual(
            domain, self.env["stock.picking"]._key_account_goods_owed_domain()
        )
        owed = self.env["stock.picking"].with_user(self.rep_a).search(domain)
        self.assertIn(backorder, owed)
        self.assertNotIn(picking, owed)
        self.assertEqual(
            ast.literal_eval(action.context)["group_by"], "key_account_partner_id"
        )
        self.assertEqual(backorder.key_account_partner_id, self.customer)

    def test_goods_waiting_cron_one_activity(self):
        self._stock(10)
        old = self._confirmed(2)
        fresh = self._confirmed(2)
        self.assertEqual(old.picking_ids.state, "assigned")
        self.env.cr.execute(
            "UPDATE stock_move_line SET create_date = %s WHERE picking_id = %s",
            (fields.Datetime.now() - timedelta(days=8), old.picking_ids.id),
        )
        self.env.invalidate_all()
        activity_type = self.env.ref(
            "key_account.mail_activity_key_account_goods_waiting"
        )
        self.company.key_account_goods_waiting_days = 9
        self.env["stock.picking"]._cron_key_account_goods_waiting()
        self.assertFalse(old.picking_ids.activity_ids)
        self.company.key_account_goods_waiting_days = 7
        for _run in range(2):
            self.env["stock.picking"]._cron_key_account_goods_waiting()
            activities = self.env["mail.activity"].search(
                [("activity_type_id", "=", activity_type.id)]
            )
            self.assertEqual(activities.res_id, old.picking_ids.id)
            self.assertEqual(len(activities), 1)
            self.assertEqual(activities.user_id, self.rep_a)
        self.assertFalse(fresh.picking_ids.activity_ids)
        self.assertTrue(old.picking_ids.key_account_waiting_notified)

    # Goods received by the office (R60, R61)
    def _office_receipt(self, quantity=10, origin="OEM-DN-881"):
        """An OEM shipment received at the office, validated by the stock
        manager; returns its acceptance batch."""
        self.storable.standard_price = 7.0
        vendor = self.env["res.partner"].create({"name": "OEM Factory"})
        picking = self._transfer(
            self.office.in_type_id,
            self.env.ref("stock.stock_location_suppliers"),
            self.office.lot_stock_id,
            quantity,
            partner_id=vendor.id,
            origin=origin,
        )
        self._ship(picking)
        self.assertEqual(picking.state, "done")
        receipt = self.env["key_account.office.receipt"].search(
            [("picking_id", "=", picking.id)]
        )
        self.assertEqual(len(receipt), 1)
        return receipt

    def _goods_accounts(self):
        journal = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company.id)], limit=1
        )
        goods = self._account("Office goods", "112201", account_type="asset_current")
        sent = self._account("Goods sent", "112202", account_type="asset_current")
        self.company.write(
            {
                "key_account_goods_journal_id": journal.id,
                "key_account_goods_account_id": goods.id,
                "key_account_goods_counterpart_account_id": sent.id,
                "key_account_stock_manager_id": self.stock_manager.id,
            }
        )
        return goods, sent

    def _age(self, receipt, days):
        receipt.sudo().date_received = fields.Datetime.now() - timedelta(days=days)

    def test_receipt_accepted_after_window(self):
        goods, _sent = self._goods_accounts()
        before = self.env["account.move"].search_count(
            [("journal_id", "=", self.company.key_account_goods_journal_id.id)]
        )
        receipt = self._office_receipt()
        self.assertRecordValues(
            receipt,
            [
                {
                    "source": "oem",
                    "oem_reference": "OEM-DN-881",
                    "warehouse_id": self.office.id,
                    "state": "open",
                }
            ],
        )
        today = fields.Date.context_today(receipt)
        self.assertEqual(receipt.deadline, today + timedelta(days=3))
        Receipt = self.env["key_account.office.receipt"]
        Receipt._cron_accept()
        self.assertEqual(receipt.state, "open")  # inside the window
        self._age(receipt, 3)
        Receipt._cron_accept()
        self.assertEqual(receipt.state, "open")  # last day of the window
        self._age(receipt, 4)
        Receipt._cron_accept()
        self.assertEqual(receipt.state, "accepted")
        self.assertEqual(receipt.amount, 70.0)
        self.assertEqual(receipt.move_id.state, "posted")
        debit = receipt.move_id.line_ids.filtered(lambda line: line.debit)
        self.assertEqual((debit.account_id, debit.debit), (goods, 70.0))
        # Idempotent.
        Receipt._cron_accept()
        self.assertEqual(
            self.env["account.move"].search_count(
                [("journal_id", "=", receipt.move_id.journal_id.id)]
            ),
            before + 1,
        )

    def test_receipt_objection_keeps_it_unbooked(self):
        self._goods_accounts()
        stock_user = self._stock_user()
        receipt = self._office_receipt()
        with self.assertRaises(UserError):
            receipt.with_user(stock_user).action_object()  # no objection given
        receipt.with_user(stock_user).objection_ids = [
            Command.create(
                {"product_id": self.storable.id, "quantity": 2, "reason": "Crushed"}
            )
        ]
        receipt.with_user(stock_user).action_object()
        self.assertEqual(receipt.state, "objection")
        activity = receipt.activity_ids
        self.assertEqual(activity.user_id, self.stock_manager)
        self._age(receipt, 10)
        self.env["key_account.office.receipt"]._cron_accept()
        self.assertEqual(receipt.state, "objection")
        self.assertFalse(receipt.move_id)
        with self.assertRaises(UserError):
            receipt.with_user(stock_user).action_resolve()
        receipt.with_user(self.stock_manager).action_resolve()
        self.assertEqual(receipt.state, "accepted")
        self.assertEqual(receipt.amount, 56.0)  # 8 kept at 7.00
        self.assertTrue(receipt.move_id)
        self.assertFalse(receipt.activity_ids)

    def test_objection_window_closes_and_working_days(self):
        receipt = self._office_receipt(origin="OEM-DN-882")
        self._age(receipt, 4)
        receipt.objection_ids = [
            Command.create(
                {"product_id": self.storable.id, "quantity": 1, "reason": "Late"}
            )
        ]
        with self.assertRaises(UserError):
            receipt.with_user(self.stock_manager).action_object()
        friday = fields.Datetime.to_datetime("2026-11-20 10:00:00")
        receipt.sudo().date_received = friday
        self.assertEqual(str(receipt.deadline), "2026-11-23")
        self.company.key_account_acceptance_unit = "working"
        self.assertEqual(str(receipt.deadline), "2026-11-25")

    # Held key-account stock (R64)
    def _hold(self, quantity, partner=None):
        """Move ``quantity`` of the office's free stock into ``partner``'s
        hold location, as the stock manager; returns the hold location."""
        hold = (
            self.env["stock.location"]
            .with_user(self.stock_manager)
            ._key_account_hold_location(partner or self.customer, self.office)
        )
        picking = self._internal(self.office.lot_stock_id, hold, quantity)
        self._ship(picking)
        self.assertEqual(picking.state, "done")
        return hold

    def _internal(self, source, destination, quantity, user=None):
        """A confirmed internal transfer of toner, created by ``user``."""
        return self._transfer(
            self.office.int_type_id, source, destination, quantity, user
        )

    def _transfer(self, picking_type, source, destination, quantity, user=None, **vals):
        """A confirmed transfer of ``quantity`` toner from ``source`` to
        ``destination``, created by ``user`` (the stock manager), with
        ``vals`` on top."""
        picking = (
            self.env["stock.picking"]
            .with_user(user or self.stock_manager)
            .create(
                {
                    "picking_type_id": picking_type.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.storable.name,
                                "product_id": self.storable.id,
                                "product_uom_qty": quantity,
                                "product_uom": self.storable.uom_id.id,
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                            }
                        )
                    ],
                    **vals,
                }
            )
        )
        picking.action_confirm()
        return picking

    def _held(self, hold):
        return sum(
            self.env["stock.quant"]
            .search(
                [("location_id", "=", hold.id), ("product_id", "=", self.storable.id)]
            )
            .mapped("quantity")
        )

    def _stock_user(self):
        return self._user("ka_office_keeper", "stock.group_stock_user")

    def test_held_stock_two_orders_compete_for_last_units(self):
        self.company.key_account_stock_policy = "block"
        self._stock(5)
        hold = self._hold(5)
        self.assertEqual(hold.key_account_holder_id, self.customer)
        self.assertEqual(hold.location_id, self.office.lot_stock_id)
        first = self._toner_order(5)
        second = self._toner_order(5)
        self._approve_band_1(first)
        self._approve_band_1(second)
        # Both quotations see the 5 held units as theirs.
        self.assertFalse(first.with_user(self.rep_a).key_account_stock_note)
        self.assertFalse(second.with_user(self.rep_a).key_account_stock_note)
        first.with_user(self.rep_a).action_confirm()
        self.assertEqual(first.state, "sale")
        self.assertEqual(first.picking_ids.move_line_ids.location_id, hold)
        with self.assertRaises(UserError) as err:
            second.with_user(self.rep_a).action_confirm()
        self.assertIn(
            "not enough free stock in Shanghai KA Office:\n"
            "- line 1, Toner: 5.00 Units needed, 0.00 free",
            str(err.exception),
        )
        self.assertEqual(second.state, "draft")

    def test_held_stock_not_for_other_customers(self):
        self._stock(8)
        hold = self._hold(5)
        # Another key account's order under the block policy: 3 free only.
        self.company.key_account_stock_policy = "block"
        other_ka = self.customer_b
        self._make_key_account(other_ka)
        other = self._order(
            100.0,
            user=self.rep_b,
            partner=other_ka,
            lines=[{"product_id": self.storable.id, "product_uom_qty": 4}],
            warehouse_id=self.office.id,
        )
        self.assertEqual(
            other.with_user(self.rep_b).key_account_stock_note,
            "line 1, Toner: 4.00 Units needed, 3.00 free",
        )
        # The quotation line's availability leaves the held stock out; the
        # holder's own quotation counts it.
        line = other.order_line.with_user(self.rep_b)
        self.assertEqual(line.free_qty_today, 3.0)
        self.assertEqual(line.virtual_available_at_date, 3.0)
        own = self._toner_order(1, service=False)
        self.assertEqual(own.order_line.with_user(self.rep_a).free_qty_today, 8.0)
        # Confirmed anyway (warn): its delivery reserves the free 3 only.
        self.company.key_account_stock_policy = "warn"
        other.with_user(self.rep_b).action_request_approval()
        self._approve(other, self.office_manager)
        self._approve(other, self.head)
        other.with_user(self.rep_b).action_confirm()
        self.assertEqual(other.state, "sale")
        delivery = other.picking_ids.with_user(self.stock_manager)
        delivery.action_assign()
        self.assertEqual(delivery.move_ids.quantity, 3.0)
        self.assertEqual(delivery.move_line_ids.location_id, self.office.lot_stock_id)
        # Neither a stock user nor the stock manager takes the held units
        # by hand for it.
        stock_user = self._stock_user()
        for user in (stock_user, self.stock_manager):
            with self.assertRaises(ValidationError) as err:
                delivery.move_line_ids.with_user(user).location_id = hold
            self.assertIn("held for ACME", str(err.exception))
        with self.assertRaises(ValidationError):
            self.env["stock.move.line"].with_user(stock_user).create(
                {
                    "move_id": delivery.move_ids.id,
                    "picking_id": delivery.id,
                    "product_id": self.storable.id,
                    "location_id": hold.id,
                    "location_dest_id": delivery.location_dest_id.id,
                    "quantity": 1,
                }
            )
        # Nor does a stock user's internal transfer from the office stock,
        # whatever context it sends.
        transfer = self._internal(
            self.office.lot_stock_id, self.central.lot_stock_id, 8, user=stock_user
        )
        transfer.with_context(
            key_account_hold_access=[self.customer.id]
        ).action_assign()
        self.assertEqual(transfer.move_ids.quantity, 0.0)  # the 3 went to `other`
        self.assertEqual(self._held(hold), 5.0)

    def test_holder_order_delivers_from_held_stock(self):
        self._stock(10)
        hold = self._hold(4)
        order = self._confirmed(4)
        delivery = order.picking_ids
        self.assertEqual(delivery.move_line_ids.location_id, hold)
        self._ship(delivery)
        self.assertEqual(delivery.state, "done")
        self.assertEqual(self._held(hold), 0.0)
        # The free stock is untouched.
        self.assertEqual(
            self.storable.with_context(
                location=self.office.lot_stock_id.id
            ).qty_available,
            6.0,
        )

    def test_release_of_held_stock_needs_stock_manager(self):
        self._stock(5)
        hold = self._hold(5)
        stock_user = self._stock_user()
        release = self._internal(hold, self.office.lot_stock_id, 5, user=stock_user)
        self.assertTrue(release.key_account_takes_held_stock)
        release.action_assign()
        self.assertEqual(release.move_ids.quantity, 0.0)
        with self.assertRaises(ValidationError):
            release.move_ids.with_user(stock_user).quantity = 5
        with self.assertRaises(AccessError):
            release.with_user(stock_user).action_key_account_approve_release()
        with self.assertRaises(AccessError):
            release.with_user(
                stock_user
            ).key_account_release_approved_by_id = stock_user
        with self.assertRaises(AccessError):
            release.with_user(
                self.stock_manager
            ).key_account_release_approved_by_id = stock_user
        # A hold location keeps its key account while it holds goods.
        with self.assertRaises(UserError):
            hold.with_user(self.stock_manager).key_account_holder_id = False
        release.with_user(self.stock_manager).action_key_account_approve_release()
        self.assertEqual(release.key_account_release_approved_by_id, self.stock_manager)
        self.assertIn(
            "Release of the stock held for ACME",
            "\n".join(release.message_ids.mapped("body")),
        )
        release = release.with_user(stock_user)
        release.action_assign()
        self.assertEqual(release.move_ids.quantity, 5.0)
        release.move_ids.picked = True
        release.button_validate()
        self.assertEqual(release.state, "done")
        self.assertEqual(self._held(hold), 0.0)

    # Stock policy per tier (R66)
    def test_tier_overrides_company_stock_policy(self):
        self._stock(2)
        self.assertEqual(self.customer.key_account_tier_id, self.tier_b)
        self.tier_b.stock_policy = "block"
        order = self._toner_order(5)
        self._approve_band_1(order)
        with self.assertRaises(UserError):
            order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "draft")
        # The company blocks, the tier confirms with a warning.
        self.company.key_account_stock_policy = "block"
        self.tier_b.stock_policy = "warn"
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn(
            "5.00 Units needed, 2.00 free", "\n".join(order.message_ids.mapped("body"))
        )
        # Empty: the company's setting again.
        self.tier_b.stock_policy = False
        order = self._toner_order(5)
        self._approve_band_1(order)
        with self.assertRaises(UserError):
            order.with_user(self.rep_a).action_confirm()

    # Delivery slip (R59, R65)
    def test_delivery_slip_signatures_and_copies(self):
        self._stock(5)
        order = self._confirmed(2)
        html = self._delivery_slip(order)
        for text in (
            "Copy 1/3: Customer",
            "Copy 2/3: Warehouse",
            "Copy 3/3: Accounting",
            "Warehouse keeper",
            "Warehouse supervisor",
        ):
            self.assertIn(text, html)
        self.assertEqual(html.count("KA-2026-007"), 3)
        # One document (wkhtmltopdf builds without a patched Qt print one).
        self.assertEqual(html.count('data-oe-model="stock.picking"'), 1)
        self.assertEqual(html.count('name="key_account_signatures"'), 3)

    # Booking accepted goods (R60)
    def test_receipt_booked_to_office_receivable(self):
        _goods, sent = self._goods_accounts()
        office_partner = self.env["res.partner"].create({"name": "Shanghai Office"})
        self.office.partner_id = office_partner
        self.company.key_account_goods_booking = "office_receivable"
        receipt = self._office_receipt()
        self._age(receipt, 4)
        Receipt = self.env["key_account.office.receipt"]
        for _run in range(2):  # idempotent
            Receipt._cron_accept()
        self.assertEqual(receipt.state, "accepted")
        moves = self.env["account.move"].search(
            [("line_ids.partner_id", "=", office_partner.id)]
        )
        self.assertEqual(moves, receipt.move_id)
        self.assertEqual(receipt.move_id.state, "posted")
        debit = receipt.move_id.line_ids.filtered("debit")
        receivable = office_partner.with_company(
            self.company
        ).property_account_receivable_id
        self.assertRecordValues(
            debit,
            [
                {
                    "account_id": receivable.id,
                    "partner_id": office_partner.id,
                    "debit": 70.0,
                }
            ],
        )
        self.assertEqual(receipt.move_id.line_ids.filtered("credit").account_id, sent)

    # OEM delivery notes within 1 working day (R61)
    def test_oem_delivery_note_within_one_working_day(self):
        stock_user = self._stock_user()
        receipt = self._office_receipt(origin=False)
        today = fields.Date.context_today(receipt)
        self.assertRecordValues(
            receipt,
            [{"source": "oem", "oem_reference": False, "oem_shipped_date": today}],
        )
        self.assertGreater(receipt.oem_record_deadline, today)
        # Without its delivery note an OEM shipment is not accepted.
        receipt.sudo().oem_shipped_date = today - timedelta(days=10)
        self._age(receipt, 10)
        self.env["key_account.office.receipt"]._cron_accept()
        self.assertEqual(receipt.state, "open")
        # Past the working day: refused to the stock user, recorded late by
        # the stock manager.
        with self.assertRaises(UserError) as err:
            receipt.with_user(stock_user).oem_reference = "OEM-DN-900"
        self.assertIn("only the stock manager records it now", str(err.exception))
        receipt.with_user(self.stock_manager).oem_reference = "OEM-DN-900"
        self.assertTrue(receipt.oem_late)
        self.assertTrue(receipt.oem_recorded_on)
        self.assertIn("recorded late", "\n".join(receipt.message_ids.mapped("body")))
        self.env["key_account.office.receipt"]._cron_accept()
        self.assertEqual(receipt.state, "accepted")
        # In time: the stock user records it, not late; the shipping day of a
        # recorded shipment stays.
        fresh = self._office_receipt(origin=False)
        fresh.with_user(stock_user).oem_reference = "OEM-DN-901"
        self.assertFalse(fresh.oem_late)
        with self.assertRaises(UserError):
            fresh.with_user(stock_user).oem_shipped_date = today - timedelta(days=1)
        # Working days: shipped on a Friday, due the Monday after.
        fresh.sudo().date_received = fields.Datetime.to_datetime("2026-11-20 10:00:00")
        fresh.sudo().oem_shipped_date = fields.Date.to_date("2026-11-20")
        self.assertEqual(str(fresh.oem_record_deadline), "2026-11-23")
        self.company.key_account_oem_record_days = 2
        self.assertEqual(str(fresh.oem_record_deadline), "2026-11-24")
