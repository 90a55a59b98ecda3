# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_order import OrderApprovalCase


@tagged("post_install", "-at_install")
class TestStockHold(OrderApprovalCase):
    """SPEC R64: stock held for a key account needs a written explanation the
    sales company accepts; accepted, it leaves the office's own stock
    figures (the Office Stock report)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_manager = new_test_user(
            cls.env,
            "ka_hold_stock_manager",
            groups="base.group_user,stock.group_stock_manager",
        )
        cls.stock_manager_2 = new_test_user(
            cls.env,
            "ka_hold_stock_manager_2",
            groups="base.group_user,stock.group_stock_manager",
        )
        cls.company.key_account_stock_manager_id = cls.stock_manager
        cls.office = cls.env["stock.warehouse"].create(
            {"name": "Shanghai KA Office", "code": "SHHD"}
        )
        cls.customer.with_user(cls.head).key_account_warehouse_id = cls.office
        cls.toner = cls.env["product.product"].create(
            {
                "name": "Toner",
                "type": "consu",
                "is_storable": True,
                "taxes_id": [Command.clear()],
            }
        )
        # 10 toners at the office, 4 of them held for the customer.
        Quant = cls.env["stock.quant"].with_user(cls.stock_manager)
        cls.hold_location = (
            cls.env["stock.location"]
            .with_user(cls.stock_manager)
            ._key_account_hold_location(cls.customer, cls.office)
        )
        Quant._update_available_quantity(cls.toner, cls.office.lot_stock_id, 6.0)
        Quant._update_available_quantity(cls.toner, cls.hold_location, 4.0)
        cls.Hold = cls.env["key_account.stock.hold"]

    def _explanation(self, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "warehouse_id": self.office.id,
            "explanation": "The customer's new store opens on the 15th; it "
            "asked us to keep the toner until then.",
        }
        values.update(vals)
        return self.Hold.with_user(user or self.rep_a).create(values)

    def _office_figures(self, user=None):
        """{status: (on hand, office's own, excluded)} of the office's toner."""
        self.env["key_account.office.stock"].invalidate_model()
        rows = (
            self.env["key_account.office.stock"]
            .with_user(user or self.office_manager)
            .search(
                [
                    ("warehouse_id", "=", self.office.id),
                    ("product_id", "=", self.toner.id),
                ]
            )
        )
        return {
            row.status: (row.quantity, row.office_quantity, row.excluded_quantity)
            for row in rows
        }

    def test_accepted_explanation_takes_the_goods_out_of_office_stock(self):
        self.assertEqual(
            self._office_figures(),
            {"office": (6.0, 6.0, 0.0), "held": (4.0, 4.0, 0.0)},
        )
        hold = self._explanation()
        self.assertRecordValues(
            hold,
            [
                {
                    "state": "draft",
                    "requester_id": self.rep_a.id,
                    "location_id": self.hold_location.id,
                    "held_qty": 4.0,
                }
            ],
        )
        self.assertTrue(hold.name.startswith("HOLD/"), hold.name)
        hold.action_submit()
        self.assertEqual(hold.state, "submitted")
        self.assertEqual(hold.activity_ids.user_id, self.stock_manager)
        # Submitted only: the goods still count as the office's.
        self.assertEqual(self._office_figures()["held"], (4.0, 4.0, 0.0))
        # The office does not accept its own explanation, nor does a stock
        # user; RPC writes of the decision are refused.
        keeper = new_test_user(
            self.env,
            "ka_hold_keeper",
            groups="base.group_user,stock.group_stock_user",
        )
        for user in (self.rep_a, self.office_manager, keeper):
            with self.assertRaises(AccessError, msg=user.login):
                hold.with_user(user).action_accept()
            for vals in (
                {"state": "accepted"},
                {"decided_by_id": user.id},
                {"decision_note": "Fine"},
            ):
                with self.assertRaises(AccessError, msg=f"{user.login} {vals}"):
                    hold.with_user(user).write(vals)
        hold.with_user(self.stock_manager).action_accept()
        self.assertRecordValues(
            hold, [{"state": "accepted", "decided_by_id": self.stock_manager.id}]
        )
        self.assertFalse(hold.activity_ids)
        self.assertEqual(
            self._office_figures(),
            {"office": (6.0, 6.0, 0.0), "excluded": (4.0, 0.0, 4.0)},
        )
        self.assertEqual(self._office_figures(keeper), self._office_figures())
        # The explanation is history once accepted.
        with self.assertRaises(UserError):
            hold.write({"explanation": "Changed"})
        # The hold ends: the goods count as the office's again.
        hold.action_close()
        self.assertEqual(hold.state, "closed")
        self.assertEqual(self._office_figures()["held"], (4.0, 4.0, 0.0))

    def test_refusal_needs_the_sales_company_note(self):
        hold = self._explanation(explanation=" ")
        with self.assertRaisesRegex(UserError, "Write why"):
            hold.action_submit()
        hold.write({"explanation": "Waiting for the customer's call-off."})
        hold.action_submit()
        manager = hold.with_user(self.stock_manager)
        with self.assertRaisesRegex(UserError, "refused"):
            manager.action_refuse()
        manager.write({"decision_note": "Deliver it: the customer never asked."})
        manager.action_refuse()
        self.assertEqual(hold.state, "refused")
        self.assertEqual(self._office_figures()["held"], (4.0, 4.0, 0.0))
        hold.action_reset()
        self.assertEqual(hold.state, "draft")

    def test_stock_manager_never_accepts_his_own_explanation(self):
        hold = self._explanation(user=self.stock_manager)
        hold.action_submit()
        with self.assertRaises(AccessError):
            hold.action_accept()
        hold.with_user(self.stock_manager_2).action_accept()
        self.assertEqual(hold.state, "accepted")

    def test_one_explanation_in_progress_and_only_the_office_sees_it(self):
        hold = self._explanation()
        with self.assertRaises(ValidationError):
            self._explanation()
        with self.assertRaises(AccessError):
            hold.with_user(self.rep_b).read(["explanation"])
        with self.assertRaises(AccessError):
            self._explanation(user=self.rep_b)
        with self.assertRaises(AccessError):
            self.env["key_account.office.stock"].with_user(self.rep_a).search([])
        with self.assertRaises(AccessError):
            self._explanation(state="accepted", partner_id=self.customer_b.id)

    def test_held_stock_stays_reserved_for_the_customer(self):
        """Whatever the explanation's state, the goods held are not free for
        another customer's order: only the office's figures change."""
        hold = self._explanation()
        hold.action_submit()
        hold.with_user(self.stock_manager).action_accept()
        self._make_key_account(self.customer_b)
        other = self._order(
            100.0,
            user=self.rep_b,
            partner=self.customer_b,
            lines=[{"product_id": self.toner.id, "product_uom_qty": 8}],
            warehouse_id=self.office.id,
        )
        self.assertEqual(
            other.with_user(self.rep_b).key_account_stock_note,
            "line 1, Toner: 8.00 Units needed, 6.00 free",
        )
