# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from xmlrpc.client import Fault

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common_order import OrderApprovalCase


class SignerOrderCase(OrderApprovalCase):
    """Rep A's key account buys on 30 days: its orders name a signer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.key_account_signer_policy = "on_account"
        # Setup shortcut: as an approved credit-change request sets it.
        cls.customer.sudo().property_payment_term_id = cls.term_30
        cls.zhang = cls.env["res.partner"].create(
            {"name": "Zhang Wei", "parent_id": cls.customer.id}
        )
        cls.li = cls.env["res.partner"].create(
            {"name": "Li Na", "parent_id": cls.customer.id}
        )

    def _signer(self, contact, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "contact_id": contact.id,
            "scope": "Purchase orders",
        }
        values.update(vals)
        return (
            self.env["key_account.signer"].with_user(user or self.rep_a).create(values)
        )

    def _approved(self, amount=10000.0, **vals):
        """A band-1 quotation of rep A approved by the office manager and the
        KA head."""
        order = self._order(amount, **vals)
        order.with_user(self.rep_a).action_request_approval()
        for approver in (self.office_manager, self.head):
            self._approve(order, approver)
        self.assertEqual(order.validation_status, "validated")
        return order


@tagged("post_install", "-at_install")
class TestSignerOnOrder(SignerOrderCase):
    """SPEC R70: an on-account key-account order names a valid signer of the
    customer, else confirmation fails; signers come with their agreement."""

    def test_given_a_signer_expired_when_the_order_is_confirmed_then_it_fails(self):
        """Given a signer valid to 2025-06-30, when an on-account order is
        confirmed on 2025-07-02, then it fails with "No valid authorized
        signer"; the reminder came on 2025-05-31."""
        with freeze_time("2025-05-15"):
            signer = self._signer(
                self.zhang,
                date_from="2024-07-01",
                date_to="2025-06-30",
                ordering_signer=True,
            )
        with freeze_time("2025-05-31"):
            self.env["key_account.signer"]._cron_signer_state()
            reminders = self._activities(
                self.customer, "mail_activity_key_account_signer"
            )
            self.assertEqual(len(reminders), 1)
            self.assertEqual(reminders.user_id, self.rep_a)
        with freeze_time("2025-06-25"):
            order = self._approved()
            self.assertEqual(order.key_account_signer_id, signer)
        with freeze_time("2025-07-02"):
            with self.assertRaisesRegex(UserError, "No valid authorized signer"):
                order.with_user(self.rep_a).action_confirm()
            self.assertEqual(order.state, "draft")
            # Renewed with the new year's authorization, the rep names the
            # new signer and the order confirms.
            renewed = self._signer(
                self.zhang, date_from="2025-07-01", ordering_signer=True
            )
            self.assertFalse(signer.ordering_signer)
            order.with_user(self.rep_a).key_account_signer_id = renewed
            order.with_user(self.rep_a).action_confirm()
            self.assertEqual(order.state, "sale")
            self.assertEqual(order.key_account_signer_id, renewed)

    def test_the_quotation_names_the_ordering_signer(self):
        zhang = self._signer(self.zhang)
        # The only valid signer is named even unmarked.
        self.assertEqual(self._order().key_account_signer_id, zhang)
        li = self._signer(self.li)
        self.assertFalse(self._order().key_account_signer_id, "two, none marked")
        li.with_user(self.rep_a).ordering_signer = True
        self.assertEqual(self._order().key_account_signer_id, li)
        zhang.with_user(self.rep_a).ordering_signer = True
        self.assertFalse(li.ordering_signer, "one signer signs the orders")
        order = self._order()
        self.assertEqual(order.key_account_signer_id, zhang)
        # An expired ordering signer is not proposed.
        zhang.with_user(self.rep_a).write(
            {"date_from": "2020-01-01", "date_to": "2020-12-31"}
        )
        self.assertEqual(self._order().key_account_signer_id, li)
        # A quotation already made keeps its signer; the rep changes it.
        self.assertEqual(order.key_account_signer_id, zhang)
        order.with_user(self.rep_a).key_account_signer_id = li
        self.assertEqual(order.key_account_signer_id, li)

    def test_missing_signer_and_the_setting(self):
        order = self._approved()
        self.assertFalse(order.key_account_signer_id)
        self.assertIn("No valid authorized signer", order.key_account_signer_note)
        with self.assertRaisesRegex(UserError, "No valid authorized signer"):
            order.with_user(self.rep_a).action_confirm()
        # Paid at once, the order is not on account.
        term = self.env.ref("account.account_payment_term_immediate")
        order = self._approved(payment_term_id=term.id)
        self.assertFalse(order.key_account_signer_note)
        # Every key-account order, by the setting.
        self.company.key_account_signer_policy = "all"
        with self.assertRaisesRegex(UserError, "No valid authorized signer"):
            order.with_user(self.rep_a).action_confirm()
        self.company.key_account_signer_policy = "none"
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_non_key_account_orders_need_no_signer(self):
        customer = self.env["res.partner"].create(
            {
                "name": "Walk-in Ltd",
                "is_company": True,
                "user_id": self.rep_a.id,
                "property_payment_term_id": self.term_30.id,
            }
        )
        order = self._order(100.0, partner=customer)
        self.assertFalse(order.key_account_signer_shown)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_signer_of_another_customer_refused(self):
        self._make_key_account(self.customer_b)
        contact = self.env["res.partner"].create(
            {"name": "Wang Fang", "parent_id": self.customer_b.id}
        )
        theirs = self._signer(contact, user=self.rep_b, partner_id=self.customer_b.id)
        order = self._order()
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_a).key_account_signer_id = theirs
        with self.assertRaises(ValidationError):
            self._order(key_account_signer_id=theirs.id)

    def test_signer_fixed_once_confirmed(self):
        zhang = self._signer(self.zhang, ordering_signer=True)
        li = self._signer(self.li)
        order = self._approved()
        order.with_user(self.rep_a).action_confirm()
        for user in (self.rep_a, self.office_manager, self.head):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                order.with_user(user).key_account_signer_id = li
        with self.assertRaises(AccessError):
            order.with_user(self.rep_a).key_account_signer_id = False
        order.with_user(self.rep_a)._action_cancel()
        self.assertEqual(order.state, "cancel")
        with self.assertRaises(AccessError):
            order.with_user(self.rep_a).key_account_signer_id = li
        self.assertEqual(order.key_account_signer_id, zhang)
        # Marking another ordering signer leaves history alone.
        li.with_user(self.rep_a).ordering_signer = True
        self.assertEqual(order.key_account_signer_id, zhang)

    def test_context_keys_do_not_skip_the_signer(self):
        self._signer(
            self.zhang,
            date_from="2020-01-01",
            date_to="2020-12-31",
            ordering_signer=True,
        )
        order = self._approved()
        self.assertFalse(order.key_account_signer_id, "expired: not proposed")
        expired = self.env["key_account.signer"].search(
            [("partner_id", "=", self.customer.id)]
        )
        # The rep forces the expired signer in anyway: the quotation takes it
        # (the rep chooses) but confirmation refuses it.
        order.with_user(self.rep_a).key_account_signer_id = expired
        context = {
            "skip_validation_check": True,
            "key_account_system": True,
            "key_account_skip_signer": True,
            "tracking_disable": True,
        }
        rep_order = order.with_user(self.rep_a).with_context(**context)
        with self.assertRaisesRegex(UserError, "ended on"):
            rep_order.action_confirm()
        with self.assertRaises(UserError):
            rep_order.write({"state": "sale"})
        self.assertEqual(order.state, "draft")

    def test_signer_authorized_under_the_agreement(self):
        agreement = self._active_agreement(
            self.customer, date_start="2025-01-01", date_end="2025-12-31"
        )
        signer = self._signer(self.zhang, agreement_id=agreement.id)
        self.assertRecordValues(
            signer,
            [
                {
                    "agreement_id": agreement.id,
                    "date_from": fields.Date.to_date("2025-01-01"),
                    "date_to": fields.Date.to_date("2025-12-31"),
                }
            ],
        )
        other = self._active_agreement(self.customer_b)
        with self.assertRaises(ValidationError):
            self._signer(self.li, agreement_id=other.id)
        # Without an agreement the validity defaults to the settings' months.
        self.company.key_account_signer_months = 6
        plain = self._signer(self.li, date_from="2025-03-01")
        self.assertEqual(plain.date_to, fields.Date.to_date("2025-08-31"))


@tagged("post_install", "-at_install")
class TestSignerOnOrderRpc(HttpCase, SignerOrderCase):
    """The rep's RPC client cannot change a confirmed order's signer nor
    confirm with an expired one, whatever its context keys."""

    def _call(self, method, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.rep_a.id,
            self.rep_a.login,
            "sale.order",
            method,
            *args,
        )

    def test_rep_cannot_bypass_the_signer_over_rpc(self):
        zhang = self._signer(self.zhang, ordering_signer=True)
        expired = self._signer(self.li, date_from="2020-01-01", date_to="2020-12-31")
        order = self._approved()
        self._call("write", [[order.id], {"key_account_signer_id": expired.id}])
        context = {"context": {"skip_validation_check": True}}
        for method, args in (
            ("action_confirm", [[order.id]]),
            ("write", [[order.id], {"state": "sale"}]),
        ):
            with self.subTest(method=method), self.assertRaises(Fault) as err:
                self._call(method, args, context)
            self.assertIn("No valid authorized signer", err.exception.faultString)
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
        # With the valid signer it confirms; then its signer is fixed.
        self._call("write", [[order.id], {"key_account_signer_id": zhang.id}])
        self._call("action_confirm", [[order.id]], context)
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")
        with self.assertRaises(Fault) as err:
            self._call(
                "write", [[order.id], {"key_account_signer_id": expired.id}], context
            )
        self.assertIn("no longer changes", err.exception.faultString)
        order.invalidate_recordset()
        self.assertEqual(order.key_account_signer_id, zhang)
