# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import DEPUTY_SD, DIRECTOR, HEAD, REP, SUPERVISOR, make_user


class TourCase(HttpCase):
    """The users who click through the tours, created once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = make_user(cls.env, "ka_tour_rep", REP)
        cls.head = make_user(cls.env, "ka_tour_head", DIRECTOR, HEAD)
        cls.deputy = make_user(cls.env, "ka_tour_deputy", DIRECTOR, DEPUTY_SD)
        cls.office_manager = make_user(cls.env, "ka_tour_office_mgr", SUPERVISOR)
        cls.keeper = make_user(cls.env, "ka_tour_keeper", "stock.group_stock_user")

    def _key_account(self, name, **vals):
        """A tier-B key account of the tour rep."""
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "user_id": self.rep.id,
                "key_account_state": "key_account",
                "key_account_tier_id": self.env.ref("key_account.tier_b").id,
                **vals,
            }
        )

    def _office_team(self, name):
        """A sales team of the tour rep, led by the office manager."""
        return self.env["crm.team"].create(
            {
                "name": name,
                "user_id": self.office_manager.id,
                "member_ids": [Command.set([self.rep.id, self.office_manager.id])],
            }
        )

    def _quotation(self, partner, team, line_vals):
        """The tour rep's quotation of one line ``line_vals``."""
        return (
            self.env["sale.order"]
            .with_user(self.rep)
            .create(
                {
                    "partner_id": partner.id,
                    "team_id": team.id,
                    "order_line": [Command.create(line_vals)],
                }
            )
        )

    def _approve_band_1(self, order):
        """The rep requests approval; the office manager and the KA head
        approve."""
        order.with_user(self.rep).action_request_approval()
        for reviewer in (self.office_manager, self.head):
            self.env["key_account.demo"]._demo_decide(
                order, reviewer, "validate_tier", "Agreed"
            )
        order.invalidate_recordset()
        self.assertEqual(order.validation_status, "validated")

    def _validate_in_tour(self, picking, tour):
        """The stock keeper validates ``picking`` from its form in ``tour``."""
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{picking.id}",
            tour,
            login=self.keeper.login,
        )
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done")


@tagged("post_install", "-at_install")
class TestKeyAccountTour(TourCase):
    def test_rep_requests_a_change_from_the_partner_form(self):
        rep = self.rep
        partner = self._key_account("Tour Trading Ltd")
        self.start_tour("/odoo", "key_account_change_request_tour", login="ka_tour_rep")
        request = self.env["key_account.request"].search(
            [("partner_id", "=", partner.id)]
        )
        self.assertEqual(len(request), 1)
        self.assertRecordValues(
            request,
            [
                {
                    "kind": "tier_change",
                    "state": "draft",
                    "requester_id": rep.id,
                    "reason": "Revenue doubled this year",
                }
            ],
        )

    def test_rep_opens_the_designation_request_once(self):
        partner = self.env["res.partner"].create(
            {"name": "Tour Prospect Ltd", "is_company": True, "user_id": self.rep.id}
        )
        self.start_tour(
            f"/odoo/res.partner/{partner.id}",
            "key_account_designation_request_tour",
            login="ka_tour_rep",
        )
        request = self.env["key_account.request"].search(
            [("partner_id", "=", partner.id)]
        )
        self.assertRecordValues(
            request,
            [{"kind": "designation", "state": "draft", "requester_id": self.rep.id}],
        )

    def test_band_2_order_approved_then_confirmed(self):
        rep = self.rep
        head = self.head
        deputy = self.deputy
        partner = self._key_account("Tour Trading Ltd")
        # The order confirms on the customer's active agreement (SPEC R24).
        self.env["key_account.agreement"].create(
            {"partner_id": partner.id, "requester_id": rep.id, "state": "active"}
        )
        self.env["product.product"].create(
            {
                "name": "Tour Server Rack",
                "list_price": 250000.0,
                "taxes_id": [Command.clear()],
            }
        )
        self.start_tour("/odoo", "key_account_order_request_tour", login=rep.login)
        order = self.env["sale.order"].search([("partner_id", "=", partner.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.amount_total, 250000.0)
        self.assertEqual(order.validation_status, "pending")
        self.start_tour("/odoo", "key_account_order_approve_tour", login=head.login)
        self.start_tour("/odoo", "key_account_order_approve_tour", login=deputy.login)
        order.invalidate_recordset()
        self.assertEqual(order.validation_status, "validated")
        self.assertEqual(
            order.review_ids.sorted("sequence").mapped("done_by"), head | deputy
        )
        self.start_tour("/odoo", "key_account_order_confirm_tour", login=rep.login)
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")

    def test_short_order_delivered_resupplied_and_objected(self):
        """A key-account order short of stock confirms with its short line,
        the office delivers what it has, receives the resupply and objects to
        part of it (SPEC R60, R63, R66)."""
        rep = self.rep
        team = self._office_team("Tour Office Team")
        keeper = self.keeper
        office = self.env["stock.warehouse"].create(
            {"name": "Tour Office", "code": "SHTO"}
        )
        partner = self._key_account(
            "Tour Office Customer", key_account_warehouse_id=office.id
        )
        self.env["key_account.agreement"].create(
            {"partner_id": partner.id, "requester_id": rep.id, "state": "active"}
        )
        toner = self.env["product.product"].create(
            {
                "name": "Tour Toner",
                "is_storable": True,
                "list_price": 100.0,
                "standard_price": 7.0,
                "taxes_id": [Command.clear()],
            }
        )
        self.env["stock.quant"]._update_available_quantity(
            toner, office.lot_stock_id, 5
        )
        order = self._quotation(
            partner, team, {"product_id": toner.id, "product_uom_qty": 8}
        )
        self.assertEqual(order.warehouse_id, office)
        self._approve_band_1(order)

        self.start_tour(
            "/odoo", "key_account_short_order_confirm_tour", login=rep.login
        )
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")
        delivery = order.picking_ids
        self.assertEqual(delivery.picking_type_id.warehouse_id, office)

        self._validate_in_tour(delivery, "key_account_office_delivery_tour")
        self.assertEqual(delivery.move_ids.quantity, 5.0)
        backorder = order.picking_ids - delivery
        self.assertEqual(backorder.move_ids.product_uom_qty, 3.0)

        # The resupply from the sales company arrives at the office.
        transit = self.env.ref("stock.stock_location_inter_company", False) or (
            self.env["stock.location"].search([("usage", "=", "transit")], limit=1)
        )
        resupply = self.env["stock.picking"].create(
            {
                "picking_type_id": office.in_type_id.id,
                "location_id": transit.id,
                "location_dest_id": office.lot_stock_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": toner.name,
                            "product_id": toner.id,
                            "product_uom_qty": 3,
                            "product_uom": toner.uom_id.id,
                            "location_id": transit.id,
                            "location_dest_id": office.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        # Shipped by the sales company: the goods are in transit.
        self.env["stock.quant"]._update_available_quantity(toner, transit, 3)
        resupply.action_confirm()
        resupply.action_assign()
        self.assertEqual(resupply.move_ids.quantity, 3.0)
        self._validate_in_tour(resupply, "key_account_office_receipt_tour")
        self.start_tour(
            "/odoo", "key_account_office_objection_tour", login=keeper.login
        )
        receipt = self.env["key_account.office.receipt"].search(
            [("picking_id", "=", resupply.id)]
        )
        self.assertRecordValues(receipt, [{"source": "transfer", "state": "objection"}])
        self.assertRecordValues(
            receipt.objection_ids,
            [{"product_id": toner.id, "quantity": 2.0, "reason": "Two boxes crushed"}],
        )


@tagged("post_install", "-at_install")
class TestKeyAccountVisitTour(TourCase):
    def test_rep_logs_a_visit_from_the_partner_form(self):
        rep = self.rep
        partner = self._key_account("Tour Visit Trading Ltd")
        self.start_tour("/odoo", "key_account_log_visit_tour", login=rep.login)
        visit = self.env["key_account.visit"].search([("partner_id", "=", partner.id)])
        self.assertEqual(len(visit), 1)
        self.assertRecordValues(
            visit,
            [
                {
                    "user_id": rep.id,
                    "purpose": "Negotiate the 2026 renewal prices",
                    "registration_state": "registered",
                    "state": "planned",
                }
            ],
        )
        self.assertEqual(visit.calendar_event_id.user_id, rep)
