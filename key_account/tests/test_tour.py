# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged

from .common import REP


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
