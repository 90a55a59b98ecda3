# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .test_tour import TourCase


@tagged("post_install", "-at_install")
class TestRevocationTour(TourCase):
    """SPEC R6 in the browser: the rep files a revocation from the customer,
    the KA head approves it, the customer is no longer a key account."""

    def test_rep_requests_and_head_approves_a_revocation(self):
        partner = self._key_account("Tour Revoked Ltd", key_account_file_number="KA-T1")
        self.start_tour(
            f"/odoo/res.partner/{partner.id}",
            "key_account_revocation_request_tour",
            login=self.rep.login,
        )
        request = self.env["key_account.request"].search(
            [("partner_id", "=", partner.id)]
        )
        self.assertRecordValues(
            request,
            [
                {
                    "kind": "suspension",
                    "state": "submitted",
                    "requester_id": self.rep.id,
                    "reason": "Stopped ordering after the merger",
                }
            ],
        )
        self.assertEqual(
            request.review_ids.definition_id,
            self.env.ref("key_account.tier_request_ka_head"),
        )
        self.assertTrue(partner.is_key_account, "not before the KA head decides")
        self.start_tour(
            "/odoo", "key_account_revocation_approve_tour", login=self.head.login
        )
        request.invalidate_recordset()
        partner.invalidate_recordset()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.review_ids.done_by, self.head)
        self.assertRecordValues(
            partner,
            [
                {
                    "key_account_state": "suspended",
                    "is_key_account": False,
                    "key_account_tier_id": False,
                    "key_account_file_number": "KA-T1",
                }
            ],
        )
