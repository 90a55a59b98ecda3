# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import DIRECTOR, HEAD, SIGNED
from .common_order import OrderApprovalCase


@tagged("post_install", "-at_install")
class TestOrderBands(OrderApprovalCase):
    """SPEC R11: the contract amount selects the reviews."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.step_office = cls.env.ref("key_account.tier_sale_office_manager")
        cls.step_head = cls.env.ref("key_account.tier_sale_ka_head")
        cls.step_deputy = cls.env.ref("key_account.tier_sale_deputy_sd")
        cls.step_sd = cls.env.ref("key_account.tier_sale_sd")
        cls.step_gm = cls.env.ref("key_account.tier_sale_gm")

    def test_band_boundaries(self):
        cases = [
            (99999.99, "1", self.step_office | self.step_head),
            (100000.0, "2", self.step_head | self.step_deputy),
            (299999.99, "2", self.step_head | self.step_deputy),
            (300000.0, "3", self.step_head | self.step_deputy | self.step_sd),
        ]
        for amount, band, route in cases:
            with self.subTest(amount=amount):
                order = self._order(amount)
                self.assertEqual(order.key_account_amount, amount)
                self.assertEqual(order.key_account_amount_band, band)
                order.with_user(self.rep_a).action_request_approval()
                self.assertEqual(self._route(order), route)
                self.assertEqual(self._route(order)[:1], route.sorted("sequence")[-1:])

    def test_untaxed_basis_setting(self):
        tax = self.env["account.tax"].create(
            {"name": "VAT 13", "amount": 13.0, "type_tax_use": "sale"}
        )
        order = self._order(95000.0, lines=[{"tax_id": [Command.set(tax.ids)]}])
        self.assertEqual(order.key_account_amount_band, "2")  # 107,350 with tax
        self.company.key_account_amount_basis = "untaxed"
        self.assertEqual(order.key_account_amount, 95000.0)
        self.assertEqual(order.key_account_amount_band, "1")

    def test_foreign_currency_converted_at_order_date(self):
        usd = self.env.ref("base.USD")
        other = usd if self.company.currency_id != usd else self.env.ref("base.EUR")
        other.active = True
        self.env["res.currency.rate"].search(
            [("currency_id", "in", (other | self.company.currency_id).ids)]
        ).unlink()
        self.env["res.currency.rate"].create(
            {
                "currency_id": other.id,
                "rate": 0.25,  # 1 company unit = 0.25 foreign: 1 foreign = 4
                "name": "2020-01-01",
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": other.id}
        )
        order = self._order(30000.0, pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, other)
        self.assertEqual(order.key_account_amount, 120000.0)
        self.assertEqual(order.key_account_amount_band, "2")

    def test_non_key_account_orders_only_by_setting(self):
        order = self._order(500000.0, partner=self.customer_b, user=self.rep_b)
        self.assertFalse(order.key_account_needs_approval)
        self.assertFalse(order.need_validation)
        order.with_user(self.rep_b).action_confirm()
        self.assertEqual(order.state, "sale")
        self.company.key_account_approval_scope = "all"
        order = self._order(500000.0, partner=self.customer_b, user=self.rep_b)
        self.assertTrue(order.key_account_needs_approval)
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_b).action_confirm()

    def test_band_2_flow_and_gate(self):
        order = self._order(250000.0)
        with self.assertRaises(ValidationError) as err:
            order.with_user(self.rep_a).action_confirm()
        self.assertIn("not requested yet", str(err.exception))
        order.with_user(self.rep_a).action_request_approval()
        with self.assertRaises(ValidationError) as err:
            order.with_user(self.rep_a).action_confirm()
        self.assertIn("Key-account department approves", str(err.exception))
        self.assertIn("Deputy sales director", str(err.exception))
        self._approve(order, self.head)
        with self.assertRaises(ValidationError) as err:
            order.with_user(self.rep_a).action_confirm()
        self.assertNotIn("Key-account department approves", str(err.exception))
        self._approve(order, self.deputy_sd)
        self.assertEqual(order.validation_status, "validated")
        self.assertEqual(order.key_account_approved_band, "2")
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_gate_ignores_context_keys(self):
        order = self._requested(250000.0)
        for key in ("skip_validation_check", "skip_check_state_condition"):
            with self.subTest(key=key), self.assertRaises(ValidationError):
                order.with_user(self.rep_a).with_context(**{key: True}).action_confirm()
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_a).with_context(skip_validation_check=True).write(
                {"state": "sale"}
            )
        with self.assertRaises(ValidationError):
            order.sudo().action_confirm()
        self.assertEqual(order.state, "draft")

    def test_rejection_needs_no_approval_and_keeps_history(self):
        order = self._requested(250000.0)
        self._reject(order, self.head, "Price too low for this volume")
        self.assertEqual(order.validation_status, "rejected")
        self.assertEqual(order.state, "draft")
        # The rep revises: the rejected route goes to the history.
        order.order_line.with_user(self.rep_a).price_unit = 260000.0
        self.assertEqual(order.validation_status, "no")
        self.assertFalse(order.review_ids)
        history = self._history(order)
        self.assertEqual(set(history.mapped("status")), {"rejected", "cancel"})
        self.assertEqual(order.key_account_review_history_ids, history)
        self.assertIn(
            "Price too low for this volume",
            order.key_account_review_history_ids.mapped("comment"),
        )

    def test_change_after_approval_restarts_with_history(self):
        order = self._requested(250000.0)
        self._approve(order, self.head)
        self._approve(order, self.deputy_sd)
        approved = order.review_ids
        order.order_line.with_user(self.rep_a).write(
            {"product_uom_qty": 2, "price_unit": 250000.0}
        )
        self.assertFalse(order.review_ids)
        self.assertEqual(order.validation_status, "no")
        self.assertEqual(order.key_account_amount_band, "3")
        self.assertFalse(approved.exists().filtered("active"))
        self.assertEqual(self._history(order), approved)
        self.assertEqual(set(approved.mapped("status")), {"approved"})
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_a).action_confirm()
        self.assertIn("Approval restarted", order.message_ids[0].body)
        # Requesting again gives the band-3 route; the history has both.
        order.with_user(self.rep_a).action_request_approval()
        self.assertEqual(len(order.review_ids), 3)
        self.assertEqual(len(self._history(order)), 5)

    def test_other_restart_triggers(self):
        term_60 = self.env.ref("account.account_payment_term_45days")
        for vals in (
            {"payment_term_id": term_60.id},
            {"key_account_rebate_rate": 3.0},
            {"order_line": [Command.create({"product_id": self.product.id})]},
        ):
            with self.subTest(vals=vals):
                order = self._requested(50000.0)
                order.with_user(self.rep_a).write(vals)
                self.assertFalse(order.review_ids)
                self.assertTrue(self._history(order))
        order = self._requested(50000.0)
        order.order_line.with_user(self.rep_a).unlink()
        self.assertFalse(order.review_ids)
        # Harmless fields keep the approval.
        order = self._requested(50000.0)
        order.with_user(self.rep_a).write({"client_order_ref": "PO-7"})
        self.assertTrue(order.review_ids)

    def test_confirmed_order_edit_is_rechecked(self):
        order = self._requested(90000.0)
        self._approve(order, self.office_manager)
        self._approve(order, self.head)
        order.with_user(self.rep_a).action_confirm()
        # Lowering the quantity needs nothing more.
        order.order_line.with_user(self.rep_a).write(
            {"product_uom_qty": 0.5, "price_unit": 90000.0}
        )
        self.assertEqual(order.validation_status, "validated")
        # Raising it to band 2 asks for the band-2 approvals at once.
        order.order_line.with_user(self.rep_a).write(
            {"product_uom_qty": 2, "price_unit": 90000.0}
        )
        self.assertEqual(order.key_account_amount_band, "2")
        self.assertEqual(order.validation_status, "waiting")
        self.assertEqual(
            self._route(order),
            self.step_head | self.step_deputy,
        )
        self.assertEqual(len(self._history(order)), 4)
        self.assertFalse(order.hide_reviews)
        self._approve(order, self.head)
        self._approve(order, self.deputy_sd)
        self.assertEqual(order.validation_status, "validated")
        self.assertEqual(order.key_account_approved_band, "2")

    def test_cancel_keeps_history_and_delete_refused(self):
        order = self._requested(50000.0)
        order.with_user(self.rep_a).action_cancel()
        self.assertFalse(order.review_ids)
        self.assertEqual(len(self._history(order)), 2)
        with self.assertRaises(UserError):
            order.with_user(self.rep_a).unlink()

    def test_withdraw_request(self):
        order = self._requested(50000.0)
        order.with_user(self.rep_a).restart_validation()
        self.assertFalse(order.review_ids)
        self.assertEqual(len(self._history(order)), 2)
        self.assertTrue(order.need_validation)


@tagged("post_install", "-at_install")
class TestAuthorityMatrix(OrderApprovalCase):
    """SPEC R16, R17: terms beyond the rep's authority add reviews."""

    def test_discount_explained_per_line(self):
        order = self._order(
            1000.0,
            lines=[{}, {}, {"discount": 18.0}],
        )
        self.assertEqual(order.key_account_authority_level, "director")
        self.assertEqual(
            order.key_account_authority_note,
            "line 3: discount 18 % above the rep limit 10 %",
        )
        order.order_line[2].with_user(self.rep_a).discount = 25.0
        self.assertEqual(order.key_account_authority_level, "manager")
        self.assertIn("above the KA head limit 20 %", order.key_account_authority_note)
        order.with_user(self.rep_a).action_request_approval()
        self.assertIn(
            self.env.ref("key_account.tier_sale_gm"), order.review_ids.definition_id
        )
        order.order_line[2].with_user(self.rep_a).discount = 10.0
        self.assertEqual(order.key_account_authority_level, "rep")
        self.assertFalse(order.key_account_authority_note)

    def test_price_below_floor(self):
        floor = self.env["product.pricelist"].create(
            {
                "name": "Settlement prices",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.product.id,
                            "compute_price": "fixed",
                            "fixed_price": 100.0,
                        }
                    )
                ],
            }
        )
        self.company.key_account_floor_pricelist_id = floor
        order = self._order(95.0, lines=[{"product_uom_qty": 10}])
        self.assertEqual(order.key_account_authority_level, "director")
        self.assertIn("price below the floor by 5 %", order.key_account_authority_note)
        order.order_line.with_user(self.rep_a).price_unit = 85.0
        self.assertEqual(order.key_account_authority_level, "manager")
        order.order_line.with_user(self.rep_a).price_unit = 100.0
        self.assertEqual(order.key_account_authority_level, "rep")

    def test_payment_term_longer_than_customers(self):
        # Setup shortcut: as an approved credit-change request sets it.
        self.customer.sudo().property_payment_term_id = self.term_30
        order = self._order(1000.0)
        order.with_user(self.rep_a).payment_term_id = self.env.ref(
            "account.account_payment_term_45days"
        )
        self.assertEqual(order.key_account_authority_level, "director")
        self.assertIn("15 Days", order.key_account_authority_note)
        order.with_user(self.rep_a).payment_term_id = self.term_30
        self.assertEqual(order.key_account_authority_level, "rep")

    def test_free_quantities_valued_at_list_price(self):
        order = self._order(
            1000.0, lines=[{}, {"price_unit": 0.0, "product_uom_qty": 50}]
        )
        self.assertEqual(order.key_account_authority_level, "director")
        self.assertIn(
            "free quantities worth 5,000.00", order.key_account_authority_note
        )
        order.order_line[1].with_user(self.rep_a).write(
            {"product_uom_qty": 101, "price_unit": 0.0}
        )
        self.assertEqual(order.key_account_authority_level, "manager")
        order.order_line[1].with_user(self.rep_a).write(
            {"price_unit": 100.0, "discount": 100.0, "product_uom_qty": 10}
        )
        self.assertIn(
            "free quantities worth 1,000.00", order.key_account_authority_note
        )

    def test_rebate_and_commission_rates(self):
        order = self._order(1000.0)
        for rate, level in ((5.0, "rep"), (7.0, "director"), (10.0, "manager")):
            order.with_user(self.rep_a).key_account_rebate_rate = rate
            self.assertEqual(order.key_account_authority_level, level, rate)
        order.with_user(self.rep_a).key_account_rebate_rate = 0.0
        order.with_user(self.rep_a).key_account_commission_rate = 3.0
        self.assertEqual(order.key_account_authority_level, "director")
        self.assertIn("special commission rate 3 %", order.key_account_authority_note)

    def test_limits_are_configuration(self):
        rule = self.env.ref("key_account.authority_discount")
        order = self._order(1000.0, lines=[{"discount": 15.0}])
        self.assertEqual(order.key_account_authority_level, "director")
        rule.with_user(self.manager).rep_limit = 15.0
        self.assertEqual(order.key_account_authority_level, "rep")
        with self.assertRaises(AccessError):
            rule.with_user(self.head).rep_limit = 50.0
        with self.assertRaises(ValidationError):
            rule.with_user(self.manager).head_limit = 5.0


@tagged("post_install", "-at_install")
class TestReviewSecurity(OrderApprovalCase):
    """Holes of the approval engine closed for key-account documents."""

    def test_rep_cannot_forge_a_decision(self):
        order = self._requested()
        review = order.review_ids[:1]
        for vals in (
            {"status": "approved"},
            {"status": "approved", "done_by": self.head.id},
            {"status": "waiting"},
            {"res_id": self._order().id},
            {"active": False},
            {"definition_id": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                review.with_user(self.rep_a).write(vals)
        with self.assertRaises(AccessError):
            review.with_user(self.rep_a).unlink()
        with self.assertRaises(AccessError):
            self.env["tier.review"].with_user(self.rep_a).create(
                {"model": "sale.order", "res_id": self._order().id}
            )
        with self.assertRaises(AccessError):
            order.with_user(self.rep_a).write({"key_account_amount_band": "1"})
        with self.assertRaises(AccessError):
            order.with_user(self.rep_a).write({"validation_status": "validated"})
        self.assertEqual(order.validation_status, "pending")

    def test_reviews_cannot_be_created_to_skip_the_route(self):
        order = self._order(250000.0)
        with self.assertRaises(AccessError):
            self.env["tier.review"].with_user(self.rep_a).create(
                {
                    "model": "sale.order",
                    "res_id": order.id,
                    "definition_id": self.env.ref(
                        "key_account.tier_sale_office_manager"
                    ).id,
                }
            )

    def test_no_approval_out_of_turn_or_above_level(self):
        order = self._requested()
        deputy_review = order.review_ids.filtered(
            lambda r: r.definition_id == self.env.ref("key_account.tier_sale_deputy_sd")
        )
        with self.assertRaises(AccessError):
            deputy_review.with_user(self.deputy_sd).write(
                {"status": "approved", "done_by": self.deputy_sd.id}
            )
        # Through the comment wizard with a hand-picked review: same answer.
        wizard = (
            self.env["comment.wizard"]
            .with_user(self.deputy_sd)
            .create(
                {
                    "res_model": "sale.order",
                    "res_id": order.id,
                    "review_ids": [Command.set(deputy_review.ids)],
                    "validate_reject": "validate",
                    "comment": "ok",
                }
            )
        )
        with self.assertRaises(AccessError):
            wizard.add_comment()
        # The office manager holds no role on a band-2 order.
        with self.assertRaises(AccessError):
            order.review_ids[:1].with_user(self.office_manager).write(
                {"status": "approved"}
            )
        self.assertEqual(set(order.review_ids.mapped("status")), {"pending", "waiting"})

    def test_no_self_approval(self):
        order = self._requested(250000.0, user=self.head)
        with self.assertRaises(AccessError) as err:
            self._approve(order, self.head)
        self.assertIn("your own", str(err.exception))
        colleague = self._user(
            "ka_head_2",
            DIRECTOR,
            HEAD,
            name="Second KA head",
            email="ka_head_2@example.com",
        )
        self._approve(order, colleague)
        self.assertEqual(order.review_ids[:1].status, "approved")

    def test_decided_review_cannot_be_edited(self):
        order = self._requested()
        self._approve(order, self.head)
        review = order.review_ids.filtered(lambda r: r.status == "approved")
        for vals in ({"comment": "changed"}, {"status": "rejected"}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                review.with_user(self.head).write(vals)

    def test_office_manager_requesting_signs_band_1(self):
        order = self._requested(50000.0, user=self.office_manager)
        office = order.review_ids.sorted("sequence")[0]
        self.assertEqual(office.status, "approved")
        self.assertEqual(office.done_by, self.office_manager)
        self.assertEqual(order.review_ids.sorted("sequence")[1].status, "pending")

    def test_office_manager_sees_team_order_to_sign(self):
        order = self._requested(50000.0)
        self.assertTrue(
            self.env["sale.order"]
            .with_user(self.office_manager)
            .search([("id", "=", order.id), ("can_review", "=", True)])
        )
        self._approve(order, self.office_manager)
        self._approve(order, self.head)
        self.assertEqual(order.validation_status, "validated")
        self.assertIn(
            "Fully approved", order.message_ids.mapped(lambda m: str(m.body))[0]
        )

    def test_to_decide_lists_a_step_in_its_turn_only(self):
        """The approver's "to decide" search lists an order only while the
        step waiting on the order is theirs."""
        order = self._order(50000.0)
        other = self._order(50000.0)
        order.with_user(self.rep_a).action_request_approval()
        other.with_user(self.rep_a).action_request_approval()

        def to_decide(user):
            return (
                self.env["sale.order"]
                .with_user(user)
                .search([("can_review", "=", True), ("id", "in", (order | other).ids)])
            )

        self.assertEqual(to_decide(self.office_manager), order | other)
        self.assertFalse(to_decide(self.head), "the office step comes first")
        self._approve(order, self.office_manager)
        self.assertEqual(to_decide(self.office_manager), other)
        self.assertEqual(to_decide(self.head), order)
        self._approve(order, self.head)
        self.assertFalse(to_decide(self.head))


@tagged("post_install", "-at_install")
class TestDelegation(OrderApprovalCase):
    """SPEC R15: dated, written delegation; on-behalf history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acting = cls._user(
            "ka_acting", DIRECTOR, name="Acting Director", email="ka_acting@example.com"
        )

    def _delegate(self, start, end, user=None, delegate=None, **vals):
        return (
            self.env["key_account.delegation"]
            .with_user(user or self.deputy_sd)
            .create(
                dict(
                    {
                        "user_id": (user or self.deputy_sd).id,
                        "delegate_id": (delegate or self.acting).id,
                        "date_from": start,
                        "date_to": end,
                        "reason": "Business trip",
                        "authorization": SIGNED,
                    },
                    **vals,
                )
            )
        )

    def test_delegate_approves_on_behalf_within_window(self):
        today = fields.Date.today()
        self._delegate(today, fields.Date.add(today, days=9))
        order = self._requested(250000.0)
        self._approve(order, self.head)
        self._approve(order, self.acting, "For the deputy")
        review = order.review_ids.sorted("sequence")[-1]
        self.assertEqual(review.status, "approved")
        self.assertEqual(review.done_by, self.acting)
        self.assertEqual(review.key_account_on_behalf_of_id, self.deputy_sd)
        self.assertEqual(order.validation_status, "validated")
        self.assertTrue(
            any(
                "on behalf of" in str(body) and self.deputy_sd.name in str(body)
                for body in order.message_ids.mapped("body")
            )
        )

    def test_delegate_cannot_act_outside_window(self):
        today = fields.Date.today()
        self._delegate(
            fields.Date.add(today, days=-10), fields.Date.add(today, days=-1)
        )
        self._delegate(fields.Date.add(today, days=2), fields.Date.add(today, days=5))
        order = self._requested(250000.0)
        self._approve(order, self.head)
        review = order.review_ids.sorted("sequence")[-1]
        self.assertNotIn(self.acting, review.reviewer_ids)
        with self.assertRaises(AccessError):
            review.with_user(self.acting).write(
                {"status": "approved", "done_by": self.acting.id}
            )

    def test_delegation_ended_after_request(self):
        today = fields.Date.today()
        delegation = self._delegate(today, fields.Date.add(today, days=3))
        order = self._requested(250000.0)
        self._approve(order, self.head)
        review = order.review_ids.sorted("sequence")[-1]
        self.assertIn(self.acting, review.reviewer_ids)
        # The window closes (archived here): the delegate loses the review.
        delegation.with_user(self.deputy_sd).active = False
        self.assertNotIn(self.acting, review.reviewer_ids)
        with self.assertRaises(AccessError):
            review.with_user(self.acting).write({"status": "approved"})

    def test_delegation_rules(self):
        today = fields.Date.today()
        with self.assertRaises(ValidationError):
            self._delegate(today, today, delegate=self.deputy_sd)
        with self.assertRaises(ValidationError) as err:
            self._delegate(today, today, delegate=self.rep_a)
        self.assertIn("access level", str(err.exception))
        self._delegate(today, fields.Date.add(today, days=5))
        with self.assertRaises(ValidationError) as err:
            self._delegate(
                fields.Date.add(today, days=3), fields.Date.add(today, days=8)
            )
        self.assertIn("overlapping", str(err.exception))
        with self.assertRaises(ValidationError):
            self._delegate(
                fields.Date.add(today, days=20), fields.Date.add(today, days=10)
            )
        # A rep cannot record a delegation for someone else.
        with self.assertRaises(AccessError):
            self.env["key_account.delegation"].with_user(self.rep_a).create(
                {
                    "user_id": self.rep_b.id,
                    "delegate_id": self.rep_a.id,
                    "date_to": today,
                    "reason": "x",
                }
            )
        # The level check is a setting.
        self.company.key_account_delegation_same_level = False
        self._delegate(today, today, user=self.head, delegate=self.rep_a)

    def test_signed_authorization_is_mandatory(self):
        """R15: a delegation is in writing. The absent approver, or the KA
        head recording it for him, cannot record or reactivate one without
        the signed authorization; the setting turns the rule off."""
        today = fields.Date.today()
        end = fields.Date.add(today, days=5)
        self.assertTrue(self.company.key_account_delegation_authorization_required)
        with self.assertRaises(ValidationError) as err:
            self._delegate(today, end, authorization=False)
        self.assertIn("signed authorization", str(err.exception))
        # The KA head recording the deputy's delegation is refused alike.
        with self.assertRaises(ValidationError):
            self.env["key_account.delegation"].with_user(self.head).create(
                {
                    "user_id": self.deputy_sd.id,
                    "delegate_id": self.acting.id,
                    "date_from": today,
                    "date_to": end,
                    "reason": "Business trip",
                }
            )
        delegation = self._delegate(today, end)
        # Removing the document from a running delegation is refused.
        with self.assertRaises(ValidationError):
            delegation.with_user(self.deputy_sd).authorization = False
        # An archived delegation becomes active again only with it.
        delegation.with_user(self.deputy_sd).active = False
        self.company.key_account_delegation_authorization_required = False
        delegation.with_user(self.deputy_sd).authorization = False
        self.company.key_account_delegation_authorization_required = True
        with self.assertRaises(ValidationError):
            delegation.with_user(self.deputy_sd).active = True
        delegation.with_user(self.deputy_sd).write(
            {"active": True, "authorization": SIGNED}
        )
        self.assertTrue(delegation.active)

    def test_unsigned_delegation_grants_nothing_once_required(self):
        """A delegation recorded while the company did not ask for the
        signed authorization lets the delegate approve only once the
        document is attached."""
        today = fields.Date.today()
        self.company.key_account_delegation_authorization_required = False
        delegation = self._delegate(
            today, fields.Date.add(today, days=5), authorization=False
        )
        self.company.key_account_delegation_authorization_required = True
        order = self._requested(250000.0)
        self._approve(order, self.head)
        review = order.review_ids.sorted("sequence")[-1]
        self.assertNotIn(self.acting, review.reviewer_ids)
        with self.assertRaises(AccessError):
            self._approve(order, self.acting)
        delegation.with_user(self.deputy_sd).authorization = SIGNED
        self.assertIn(self.acting, review.reviewer_ids)
        self._approve(order, self.acting, "For the deputy")
        self.assertEqual(review.key_account_on_behalf_of_id, self.deputy_sd)


@tagged("post_install", "-at_install")
class TestEscalation(OrderApprovalCase):
    def test_reminder_then_escalation(self):
        order = self._requested(250000.0)
        review = order.review_ids.sorted("sequence")[0].sudo()
        self.env.flush_all()
        self.assertEqual(review.status, "pending")
        self.assertTrue(review.key_account_pending_since)
        review.key_account_pending_since = fields.Datetime.subtract(
            fields.Datetime.now(), days=3
        )
        self.env["tier.definition"]._cron_send_review_reminder()
        activity = order.sudo().activity_ids.filtered(lambda a: a.user_id == self.head)
        self.assertEqual(len(activity), 1)
        self.env["tier.review"]._cron_key_account_escalate()
        self.assertFalse(review.key_account_escalated_group_id)
        review.key_account_pending_since = fields.Datetime.subtract(
            fields.Datetime.now(), days=6
        )
        self.env["tier.review"]._cron_key_account_escalate()
        self.assertEqual(
            review.key_account_escalated_group_id,
            self.env.ref("key_account.group_key_account_manager"),
        )
        self.assertIn(self.manager, review.reviewer_ids)
        self.assertIn("escalated", str(order.message_ids[0].body))
        # Re-running changes nothing; the general manager may now decide.
        self.env["tier.review"]._cron_key_account_escalate()
        self.assertEqual(
            len(order.message_ids.filtered(lambda m: "escalated" in str(m.body))), 1
        )
        self._approve(order, self.manager)
        self.assertEqual(review.status, "approved")
        self.assertEqual(review.done_by, self.manager)
