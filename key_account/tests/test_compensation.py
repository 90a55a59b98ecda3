# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import datetime

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..tools import add_months
from .common_order import OrderApprovalCase


@tagged("post_install", "-at_install")
class TestCompensation(OrderApprovalCase):
    """SPEC R35, R17: compensation volume (补量) in % of the monthly volume."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            "ka_comp_billing",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.step_gm = cls.env.ref("key_account.tier_sale_gm")
        cls.this_month = fields.Date.today().replace(day=1)
        # Invoiced over the last 3 full months: 150,000 + (160,000 - 10,000)
        # + 300,000 = 600,000, a monthly volume of 200,000.
        cls._bill(cls.customer, 150000.0, -3)
        cls._bill(cls.customer, 160000.0, -2)
        cls._bill(cls.customer, 10000.0, -2, move_type="out_refund")
        cls._bill(cls.customer, 300000.0, -1)
        # Outside the window or not posted: not counted.
        cls._bill(cls.customer, 900000.0, -4)
        cls._bill(cls.customer, 500000.0, 0)
        cls._bill(cls.customer, 700000.0, -1, post=False)

    @classmethod
    def _bill(cls, partner, amount, month, move_type="out_invoice", post=True):
        """An invoice (or credit note) of ``amount`` on the 10th of the month
        ``month`` months from this one, by the billing clerk; due in the
        future so that no credit hold gets in the way."""
        day = add_months(cls.this_month, month) + datetime.timedelta(days=9)
        return cls._invoice(
            partner,
            amount,
            day,
            due_date=fields.Date.add(fields.Date.today(), days=60),
            post=post,
            user=cls.accountant,
            move_type=move_type,
        )

    def _compensation_order(self, value, partner=None, user=None, **vals):
        """A 50,000 quotation with a compensation line worth ``value`` at list
        price (100 a unit), given free."""
        return self._order(
            50000.0,
            user=user,
            partner=partner,
            lines=[
                {},
                {
                    "price_unit": 0.0,
                    "product_uom_qty": value / 100.0,
                    "key_account_is_compensation": True,
                },
            ],
            **vals,
        )

    def _evidence(self, order, user=None, res_id=None):
        user = user or self.rep_a
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create(
                {
                    "name": "complaint.pdf",
                    "datas": base64.b64encode(b"%PDF-1.4 complaint"),
                    "res_model": "sale.order",
                    "res_id": order.id if res_id is None else res_id,
                }
            )
        )

    def _document(self, order, user=None):
        """Reason and evidence, as the rep gives them."""
        user = user or self.rep_a
        order.with_user(user).write(
            {
                "key_account_compensation_reason": "Late delivery of May spoilt "
                "the customer's campaign.",
                "key_account_compensation_evidence_ids": [
                    Command.link(self._evidence(order, user).id)
                ],
            }
        )

    def _approve_all(self, order):
        for review in order.review_ids.sorted("sequence"):
            if review.status == "approved":
                continue
            user = {
                "key_account.tier_sale_office_manager": self.office_manager,
                "key_account.tier_sale_ka_head": self.head,
                "key_account.tier_sale_gm": self.manager,
            }[review.definition_id.get_external_id()[review.definition_id.id]]
            self._approve(order, user)
        self.assertEqual(order.validation_status, "validated")

    def _confirmed(self, value, partner=None):
        order = self._compensation_order(value, partner=partner)
        self._document(order)
        order.with_user(self.rep_a).action_request_approval()
        self._approve_all(order)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")
        return order

    # SPEC examples
    def test_standard_customer_limits(self):
        cases = [
            (1500.0, 0.75, "rep", False),
            (2000.0, 1.0, "rep", False),
            (
                3000.0,
                1.5,
                "director",
                "compensation 1.5 % of the monthly volume 200,000.00 above the "
                "rep limit 1 %",
            ),
            (
                12000.0,
                6.0,
                "manager",
                "compensation 6 % of the monthly volume 200,000.00 above the "
                "KA head limit 5 %",
            ),
        ]
        for value, percent, level, note in cases:
            with self.subTest(value=value):
                order = self._compensation_order(value)
                self.assertRecordValues(
                    order.with_user(self.rep_a),
                    [
                        {
                            "key_account_has_compensation": True,
                            "key_account_compensation_amount": value,
                            "key_account_monthly_volume": 200000.0,
                            "key_account_compensation_percent": percent,
                            "key_account_authority_level": level,
                            "key_account_authority_note": note,
                        }
                    ],
                )

    def test_beyond_the_ka_head_goes_to_the_general_manager(self):
        order = self._compensation_order(12000.0)
        self._document(order)
        order.with_user(self.rep_a).action_request_approval()
        self.assertIn(self.step_gm, order.review_ids.definition_id)
        self._approve_all(order)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.key_account_approved_level, "manager")

    def test_within_the_ka_head_limit_no_general_manager(self):
        order = self._compensation_order(3000.0)
        self._document(order)
        order.with_user(self.rep_a).action_request_approval()
        self.assertEqual(order.key_account_authority_level, "director")
        self.assertNotIn(self.step_gm, order.review_ids.definition_id)

    def test_compensation_is_not_a_free_quantity(self):
        order = self._compensation_order(1500.0)
        self.assertEqual(order.key_account_authority_level, "rep")
        self.assertFalse(order.key_account_authority_note)
        # The same line unflagged is a free quantity, beyond the rep (0).
        order.order_line[1].with_user(self.rep_a).key_account_is_compensation = False
        self.assertFalse(order.key_account_has_compensation)
        self.assertEqual(order.key_account_authority_level, "director")
        self.assertIn(
            "free quantities worth 1,500.00", order.key_account_authority_note
        )

    def test_performance_priced_customer(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.rep_a).key_account_performance_priced = True
        self.customer.with_user(self.head).key_account_performance_priced = True
        order = self._compensation_order(3000.0)
        self.assertEqual(order.key_account_compensation_percent, 1.5)
        self.assertEqual(order.key_account_authority_level, "rep")
        order.order_line[1].with_user(self.rep_a).product_uom_qty = 50  # 2.5 %
        self.assertEqual(order.key_account_authority_level, "director")
        self.assertIn("above the rep limit 2 %", order.key_account_authority_note)
        # The performance-priced limit is its own matrix row.
        self.env.ref("key_account.authority_compensation_performance").with_user(
            self.manager
        ).rep_limit = 3.0
        self.assertEqual(order.key_account_authority_level, "rep")

    def test_no_history_needs_the_ka_head(self):
        newcomer = self.env["res.partner"].create(
            {"name": "Newcomer Ltd", "is_company": True, "user_id": self.rep_a.id}
        )
        self._make_key_account(newcomer)
        order = self._compensation_order(100.0, partner=newcomer)
        self.assertEqual(order.key_account_monthly_volume, 0.0)
        self.assertEqual(order.key_account_authority_level, "director")
        self.assertIn("without invoicing history", order.key_account_authority_note)

    def test_months_of_the_monthly_volume_are_a_setting(self):
        order = self._compensation_order(3000.0)
        self.assertEqual(order.key_account_authority_level, "director")
        self.company.key_account_compensation_months = 1  # 300,000: 1 %
        self.assertEqual(order.key_account_monthly_volume, 300000.0)
        self.assertEqual(order.key_account_authority_level, "rep")
        with self.assertRaises(ValidationError):
            self.company.key_account_compensation_months = 0

    def test_month_adds_up_confirmed_compensation(self):
        later = self._compensation_order(1000.0)  # 0.5 %
        self.assertEqual(later.key_account_authority_level, "rep")
        self._confirmed(1500.0)  # 0.75 %
        # 1,000 + 1,500 confirmed this month = 1.25 %.
        self.assertEqual(later.key_account_compensation_amount, 2500.0)
        self.assertEqual(later.key_account_authority_level, "director")
        self.assertIn("compensation 1.25 %", later.key_account_authority_note)
        # Another customer's or an earlier month's compensation does not count.
        other = self.env["res.partner"].create(
            {"name": "Other Ltd", "is_company": True, "user_id": self.rep_a.id}
        )
        self._make_key_account(other)
        self._bill(other, 600000.0, -1)
        self.assertEqual(
            self._compensation_order(
                1000.0, partner=other
            ).key_account_compensation_amount,
            1000.0,
        )
        previous = self._confirmed(5000.0, partner=other)
        previous.sudo().date_order = fields.Datetime.subtract(
            fields.Datetime.to_datetime(self.this_month), days=2
        )
        self.assertEqual(
            self._compensation_order(
                1000.0, partner=other
            ).key_account_compensation_amount,
            1000.0,
        )

    def test_confirmation_refused_when_the_month_grew_since_approval(self):
        later = self._compensation_order(1000.0)  # 0.5 %: the rep's
        self._document(later)
        later.with_user(self.rep_a).action_request_approval()
        self._approve_all(later)
        self.assertEqual(later.key_account_approved_level, "rep")
        self._confirmed(1500.0)
        with self.assertRaises(ValidationError) as err:
            later.with_user(self.rep_a).action_confirm()
        self.assertIn("grew beyond what was approved", str(err.exception))
        later.with_user(self.rep_a).restart_validation()
        later.with_user(self.rep_a).action_request_approval()
        self._approve_all(later)
        later.with_user(self.rep_a).action_confirm()
        self.assertEqual(later.state, "sale")

    def test_form_flow(self):
        form = Form(self.env["sale.order"].with_user(self.rep_a))
        form.partner_id = self.customer
        form.team_id = self.team
        with form.order_line.new() as line:
            line.product_id = self.product
            line.product_uom_qty = 30
            line.price_unit = 0.0
            line.key_account_is_compensation = True
        self.assertTrue(form.key_account_has_compensation)
        self.assertEqual(form.key_account_compensation_percent, 1.5)
        self.assertEqual(form.key_account_authority_level, "director")
        # Saved without reason nor evidence: asked for when requesting.
        order = form.save()
        self.assertEqual(order.order_line.key_account_compensation_value, 3000.0)
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_a).action_request_approval()

    # Reason and evidence
    def test_reason_and_evidence_needed_to_request(self):
        # Saving without them is fine: they are asked for when requesting.
        order = self._compensation_order(1500.0)
        with self.assertRaises(ValidationError) as err:
            order.with_user(self.rep_a).action_request_approval()
        self.assertIn("the reason", str(err.exception))
        self.assertIn("evidence", str(err.exception))
        self.assertFalse(order.review_ids)
        order.with_user(self.rep_a).key_account_compensation_reason = "Wrong paper"
        with self.assertRaises(ValidationError) as err:
            order.with_user(self.rep_a).action_request_approval()
        self.assertNotIn("the reason", str(err.exception))
        self.assertIn("evidence", str(err.exception))
        order.with_user(self.rep_a).key_account_compensation_evidence_ids = [
            Command.link(self._evidence(order).id)
        ]
        order.with_user(self.rep_a).action_request_approval()
        self.assertTrue(order.review_ids)

    def test_reason_and_evidence_needed_to_confirm(self):
        order = self._compensation_order(1500.0)
        self._document(order)
        order.with_user(self.rep_a).action_request_approval()
        self._approve_all(order)
        order.with_user(self.rep_a).key_account_compensation_reason = " "
        with self.assertRaises(ValidationError) as err:
            order.with_user(self.rep_a).action_confirm()
        self.assertIn("the reason", str(err.exception))
        order.with_user(self.rep_a).key_account_compensation_reason = "Wrong paper"
        order.with_user(self.rep_a).key_account_compensation_evidence_ids = [
            Command.clear()
        ]
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_a).write({"state": "sale"})
        self._document(order)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_orders_without_approval_need_them_too(self):
        order = self._compensation_order(
            1500.0, partner=self.customer_b, user=self.rep_b
        )
        self.assertFalse(order.key_account_needs_approval)
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_b).action_confirm()
        self._document(order, user=self.rep_b)
        order.with_user(self.rep_b).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_uploaded_evidence_is_attached_for_the_reviewers(self):
        order = self._compensation_order(3000.0)
        # Uploaded before the order was saved: attached to no record yet.
        loose = self._evidence(order, res_id=0)
        order.with_user(self.rep_a).write(
            {
                "key_account_compensation_reason": "Broken pallets",
                "key_account_compensation_evidence_ids": [Command.link(loose.id)],
            }
        )
        self.assertEqual(loose.res_id, order.id)
        order.with_user(self.rep_a).action_request_approval()
        evidence = order.with_user(self.head).key_account_compensation_evidence_ids
        self.assertEqual(evidence, loose)
        self.assertTrue(evidence.datas)

    def test_flagging_a_line_restarts_the_approval(self):
        order = self._compensation_order(1500.0)
        self._document(order)
        order.with_user(self.rep_a).action_request_approval()
        order.order_line[1].with_user(self.rep_a).key_account_is_compensation = False
        self.assertFalse(order.review_ids)
        copy = order.with_user(self.rep_a).copy()
        self.assertFalse(copy.order_line.filtered("key_account_is_compensation"))
