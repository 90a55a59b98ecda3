# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bypasses found by attacking the controls over RPC as plain users, each
closed as a class and kept closed here, with the legitimate path beside it."""

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SIGNED
from .common_order import OrderApprovalCase


@tagged("post_install", "-at_install")
class TestControlsBypasses(OrderApprovalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain = cls.env["res.partner"].create(
            {"name": "Plain Shop", "is_company": True, "user_id": cls.rep_a.id}
        )
        cls.portal = new_test_user(
            cls.env, "ka_bypass_portal", groups="base.group_portal"
        )
        cls.stock_user = new_test_user(
            cls.env, "ka_bypass_stock", groups="base.group_user,stock.group_stock_user"
        )
        cls.accountant = new_test_user(
            cls.env,
            "ka_bypass_accountant",
            groups="base.group_user,account.group_account_user",
        )

    def _approved(self, amount=10000.0):
        order = self._order(amount)
        order.with_user(self.rep_a).action_request_approval()
        for approver in (self.office_manager, self.head):
            self._approve(order, approver)
        self.assertEqual(order.validation_status, "validated")
        return order

    # Approval evidence
    def test_review_forged_through_the_context_default_is_refused(self):
        order = self._order(50000.0)
        definition = self.env.ref("key_account.tier_sale_office_manager")
        with self.assertRaises(AccessError):
            self.env["tier.review"].with_user(self.rep_a).with_context(
                default_model="sale.order"
            ).create(
                {
                    "res_id": order.id,
                    "definition_id": definition.id,
                    "status": "approved",
                    "requested_by": self.rep_a.id,
                }
            )
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_a).action_confirm()

    def test_personal_defaults_never_set_workflow_fields(self):
        """ir.default: a user records his own defaults, but not for reviews,
        guarded customer data, workflow states or order approval data."""
        Default = self.env["ir.default"].with_user(self.rep_a)
        for model, field, value in (
            ("tier.review", "status", "approved"),
            ("res.partner", "key_account_state", "key_account"),
            ("res.partner", "key_account_confidentiality", "secret"),
            ("key_account.request", "state", "approved"),
            ("sale.order", "state", "sale"),
        ):
            with self.assertRaises(AccessError, msg=f"{model}.{field}"):
                Default.set(model, field, value, user_id=True)
        # Ordinary personal defaults still work.
        Default.set("res.partner", "comment", "Met at the fair", user_id=True)
        partner = self.env["res.partner"].with_user(self.rep_a).create({"name": "New"})
        self.assertIn("Met at the fair", str(partner.comment))
        # The approval engine creates undecided reviews whatever defaults exist.
        self.env["ir.default"].set("tier.review", "status", "approved")
        order = self._order(50000.0)
        order.with_user(self.rep_a).action_request_approval()
        self.assertFalse(order.review_ids.filtered(lambda r: r.status == "approved"))

    # What is approved is what is confirmed and invoiced
    def test_confirmed_order_keeps_its_customer(self):
        order = self._order(250000.0, partner=self.plain)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")
        with self.assertRaises(UserError):
            order.with_user(self.rep_a).write({"partner_id": self.customer.id})
        self.assertEqual(order.partner_id, self.plain)
        # A quotation of an ordinary customer still changes customer.
        quotation = self._order(1000.0, partner=self.plain)
        quotation.with_user(self.rep_a).write({"partner_id": self.customer.id})
        self.assertTrue(quotation.key_account_needs_approval)

    def test_invoice_address_change_restarts_the_approval(self):
        order = self._approved()
        other = self.env["res.partner"].create(
            {"name": "Billing Office", "parent_id": self.plain.id, "type": "invoice"}
        )
        order.with_user(self.rep_a).write({"partner_invoice_id": other.id})
        self.assertNotEqual(order.validation_status, "validated")
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_a).action_confirm()

    def test_down_payment_waits_for_a_restarted_approval(self):
        order = self._approved()
        order.with_user(self.rep_a).action_confirm()
        order.order_line.with_user(self.rep_a).write({"price_unit": 150000.0})
        self.assertIn(order.validation_status, ("waiting", "pending"))
        for method, values in (
            ("fixed", {"fixed_amount": 150000.0}),
            ("percentage", {"amount": 100.0}),
        ):
            wizard = (
                self.env["sale.advance.payment.inv"]
                .with_context(active_model="sale.order", active_ids=order.ids)
                .create(dict(values, advance_payment_method=method))
            )
            with self.assertRaisesRegex(UserError, "approval is pending"):
                wizard.create_invoices()
        self.assertFalse(order.invoice_ids)

    # Customers
    def test_rep_does_not_re_parent_a_key_account(self):
        for vals in (
            {"parent_id": self.plain.id, "is_company": False},
            {"is_company": False},
        ):
            with self.assertRaises(AccessError), self.cr.savepoint():
                self.customer.with_user(self.rep_a).write(vals)
        self.assertTrue(self.customer.is_key_account)
        # A contact of the key account still moves with its rep's edits.
        contact = self.env["res.partner"].create(
            {"name": "Mr Buyer", "parent_id": self.customer.id}
        )
        contact.with_user(self.rep_a).write({"function": "Buyer"})
        self.assertEqual(contact.function, "Buyer")

    def test_no_request_on_another_reps_customer(self):
        self._make_key_account(self.customer_b)
        with self.assertRaises(AccessError):
            self._new_request(partner=self.customer_b, kind="credit_change")
        request = self._new_request(kind="credit_change")
        self.assertEqual(request.partner_id, self.customer)

    def test_signer_stays_on_its_customer(self):
        contact = self.env["res.partner"].create(
            {"name": "Ms Signer", "parent_id": self.customer.id}
        )
        signer = (
            self.env["key_account.signer"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "contact_id": contact.id,
                    "date_from": fields.Date.today(),
                }
            )
        )
        with self.assertRaises(AccessError):
            signer.with_user(self.rep_a).write({"partner_id": self.plain.id})
        signer.with_user(self.rep_a).write({"active": False})
        self.assertFalse(signer.active)

    # Delegation
    def _trip_delegation_vals(self):
        """The KA head's signed delegation to the deputy for a five-day trip
        from today."""
        today = fields.Date.today()
        return {
            "user_id": self.head.id,
            "delegate_id": self.deputy_sd.id,
            "date_from": today,
            "date_to": fields.Date.add(today, days=5),
            "reason": "Trip",
            "authorization": SIGNED,
        }

    def test_nobody_names_himself_someone_elses_delegate(self):
        vals = self._trip_delegation_vals()
        Delegation = self.env["key_account.delegation"]
        with self.assertRaises(AccessError):
            Delegation.with_user(self.deputy_sd).create(vals)
        delegation = Delegation.with_user(self.head).create(vals)
        self.assertEqual(delegation.delegate_id, self.deputy_sd)

    def test_delegate_does_not_sign_two_steps_of_one_document(self):
        self.env["key_account.delegation"].with_user(self.head).create(
            self._trip_delegation_vals()
        )
        order = self._order(150000.0)  # band 2: KA head, then deputy
        order.with_user(self.rep_a).action_request_approval()
        with self.assertRaises(AccessError):
            self._approve(order, self.deputy_sd)
        self._approve(order, self.head)
        self._approve(order, self.deputy_sd)
        self.assertEqual(order.validation_status, "validated")

    def test_commission_rules_are_the_ka_heads(self):
        Rule = self.env["key_account.commission.rule"]
        with self.assertRaises(AccessError):
            Rule.with_user(self.deputy_sd).create({"name": "Deputy's", "rate": 10.0})
        rule = Rule.with_user(self.head).create({"name": "Head's", "rate": 3.0})
        with self.assertRaises(AccessError):
            rule.with_user(self.deputy_sd).write({"rate": 10.0})
        self.assertEqual(rule.rate, 3.0)

    # Reading
    def test_approval_history_is_read_with_its_document(self):
        """Reviews of a request nobody else may read stay hidden from portal,
        stock, accounting users and other reps."""
        request = self._exception_request()
        request.with_user(self.rep_a).action_submit()
        self.assertTrue(request.review_ids)
        domain = [("model", "=", request._name), ("res_id", "=", request.id)]
        for user in (self.portal, self.stock_user, self.accountant, self.rep_b):
            self.assertEqual(
                self.env["tier.review"].with_user(user).search_count(domain),
                0,
                user.login,
            )
        self.assertEqual(
            self.env["tier.review"].with_user(self.rep_a).search_count(domain),
            len(request.review_ids),
        )

    # Lines of locked documents
    def test_lines_stay_on_their_document(self):
        first = self._new_request(partner=self.plain)
        second_partner = self.env["res.partner"].create(
            {"name": "Second Shop", "is_company": True, "user_id": self.rep_a.id}
        )
        second = self._new_request(partner=second_partner)
        line = first.document_ids[:1]
        self.assertTrue(line)
        with self.assertRaises(UserError):
            line.with_user(self.rep_a).write({"request_id": second.id})
        self.assertEqual(line.request_id, first)

    def test_order_without_state_is_a_quotation(self):
        order = (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .with_context(default_state=False)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "price_unit": 5})
                    ],
                }
            )
        )
        self.assertEqual(order.state, "draft")
