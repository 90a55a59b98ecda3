# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import tagged

from .test_tour import TourCase


@tagged("post_install", "-at_install")
class TestSignerTour(TourCase):
    def test_rep_names_the_signer_and_confirms(self):
        """SPEC R70: the rep picks one of the customer's valid signers on an
        approved key-account quotation on credit terms, then confirms it."""
        rep = self.rep
        self.env.company.key_account_signer_policy = "on_account"
        team = self._office_team("Tour Signer Office")
        partner = self._key_account(
            "Tour Signer Ltd",
            property_payment_term_id=self.env.ref(
                "account.account_payment_term_30days"
            ).id,
        )
        self.env["key_account.agreement"].create(
            {"partner_id": partner.id, "requester_id": rep.id, "state": "active"}
        )
        signers = self.env["key_account.signer"].create(
            [
                {
                    "partner_id": partner.id,
                    "contact_id": self.env["res.partner"]
                    .create({"name": name, "parent_id": partner.id})
                    .id,
                    **dates,
                }
                for name, dates in (
                    (
                        "Wang Fang",
                        {
                            "date_from": "2020-01-01",
                            "date_to": "2020-12-31",
                            "ordering_signer": True,
                        },
                    ),
                    ("Li Na", {}),
                    ("Chen Jie", {}),
                )
            ]
        )
        product = self.env["product.product"].create(
            {"name": "Tour Paper", "list_price": 500.0, "taxes_id": [Command.clear()]}
        )
        order = self._quotation(partner, team, {"product_id": product.id})
        self.assertFalse(order.key_account_signer_id, "two valid, none marked")
        self._approve_band_1(order)

        self.start_tour("/odoo", "key_account_order_signer_tour", login=rep.login)
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.key_account_signer_id, signers[1])
