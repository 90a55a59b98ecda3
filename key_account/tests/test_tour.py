# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import DEPUTY_SD, DIRECTOR, HEAD, REP


@tagged("post_install", "-at_install")
class TestKeyAccountTour(HttpCase):
    def test_rep_requests_a_change_from_the_partner_form(self):
        rep = new_test_user(self.env, "ka_tour_rep", groups=f"base.group_user,{REP}")
        partner = self.env["res.partner"].create(
            {
                "name": "Tour Trading Ltd",
                "is_company": True,
                "user_id": rep.id,
                "key_account_state": "key_account",
                "key_account_tier_id": self.env.ref("key_account.tier_b").id,
            }
        )
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

    def test_band_2_order_approved_then_confirmed(self):
        rep = new_test_user(self.env, "ka_tour_rep", groups=f"base.group_user,{REP}")
        head = new_test_user(
            self.env, "ka_tour_head", groups=f"base.group_user,{DIRECTOR},{HEAD}"
        )
        deputy = new_test_user(
            self.env,
            "ka_tour_deputy",
            groups=f"base.group_user,{DIRECTOR},{DEPUTY_SD}",
        )
        partner = self.env["res.partner"].create(
            {
                "name": "Tour Trading Ltd",
                "is_company": True,
                "user_id": rep.id,
                "key_account_state": "key_account",
                "key_account_tier_id": self.env.ref("key_account.tier_b").id,
            }
        )
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


@tagged("post_install", "-at_install")
class TestKeyAccountVisitTour(HttpCase):
    def test_rep_logs_a_visit_from_the_partner_form(self):
        rep = new_test_user(
            self.env, "ka_tour_visit_rep", groups=f"base.group_user,{REP}"
        )
        partner = self.env["res.partner"].create(
            {
                "name": "Tour Visit Trading Ltd",
                "is_company": True,
                "user_id": rep.id,
                "key_account_state": "key_account",
                "key_account_tier_id": self.env.ref("key_account.tier_b").id,
            }
        )
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
