# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import REP
from .test_commission import CommissionCase

GIFT_CUSTODIAN = "key_account.group_key_account_gift_custodian"


class RelationshipCostCase(CommissionCase):
    """Entertainment and gifts of rep A's key account (rep B serves it as
    account executive), charged to rep A's expense allowance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expense_account = cls._account(
            "Sales expenses", "660400", "key_account_expense_account_id"
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Ms Purchasing", "parent_id": cls.customer.id}
        )
        cls.outsider = cls.env["res.partner"].create(
            {"name": "Somebody Else", "is_company": True}
        )
        cls.rep_c = cls._user("ka_rep_c", REP)

    def _allowance(self, origin):
        return self.Line.sudo().search(
            [("kind", "=", "allowance"), ("origin", "=", origin)]
        )

    def _steps(self, record):
        return record.review_ids.sorted("sequence").mapped("definition_id")


@tagged("post_install", "-at_install")
class TestEntertainment(RelationshipCostCase):
    """SPEC R56: request, approval by amount, report, re-approval, R31."""

    def _entertainment(self, budgets, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "date": fields.Datetime.now() + timedelta(days=3),
            "venue": "Jade Garden",
            "purpose": "Annual review dinner",
            "customer_attendee_ids": [Command.set(self.contact.ids)],
            "user_attendee_ids": [Command.set(self.rep_a.ids)],
            "line_ids": [
                Command.create({"category": category, "budget": budget})
                for category, budget in budgets
            ],
        }
        values.update(vals)
        return (
            self.env["key_account.entertainment"]
            .with_user(user or self.rep_a)
            .create(values)
        )

    def _report(self, entertainment, actuals, user=None):
        user = user or self.rep_a
        record = entertainment.with_user(user)
        for line, actual in zip(record.line_ids, actuals, strict=True):
            line.actual = actual
        record.write(
            {
                "actual_date": fields.Date.today(),
                "report_attendees": "Ms Purchasing, her deputy; rep A",
                "result": "Volume for next year agreed in principle.",
            }
        )
        record.action_report()

    def test_spec_example(self):
        """Budget 4,500: KA head and GM; actual 5,200 (> 10 % over): both
        again before it is charged."""
        ent = self._entertainment([("meals", 3000.0), ("accommodation", 1500.0)])
        self.assertEqual(ent.budget_total, 4500.0)
        ent.with_user(self.rep_a).action_submit()
        self.assertTrue(ent.needs_gm)
        self.assertEqual(
            self._steps(ent),
            self.env.ref("key_account.tier_entertainment_ka_head")
            | self.env.ref("key_account.tier_entertainment_gm"),
        )
        with self.assertRaises(AccessError):
            self._approve(ent, self.rep_a)
        with self.assertRaises(AccessError):
            self._approve(ent, self.manager)  # not before the KA head
        self._approve(ent, self.head)
        self._approve(ent, self.manager)
        self.assertEqual(ent.state, "approved")
        self.assertFalse(self._allowance("entertainment"))
        self._report(ent, [3600.0, 1600.0])
        self.assertEqual(ent.actual_total, 5200.0)
        self.assertEqual(ent.state, "report_submitted")
        self.assertTrue(ent.over_budget)
        self.assertEqual(len(ent.review_ids), 2)
        self.assertTrue(all(r.status != "approved" for r in ent.review_ids))
        self._approve(ent, self.head)
        self.assertEqual(ent.state, "report_submitted")
        self._approve(ent, self.manager)
        self.assertEqual(ent.state, "done")
        charge = self._allowance("entertainment")
        self.assertRecordValues(
            charge,
            [{"user_id": self.rep_a.id, "amount": -5200.0, "role": "rep"}],
        )
        self.assertEqual(ent.charge_line_id, charge)

    def test_within_budget_and_tolerance(self):
        ent = self._entertainment([("meals", 1000.0)])
        ent.with_user(self.rep_a).action_submit()
        self.assertFalse(ent.needs_gm)
        self.assertEqual(
            self._steps(ent), self.env.ref("key_account.tier_entertainment_ka_head")
        )
        self._approve(ent, self.head)
        self._report(ent, [1100.0])  # exactly 10 % over: still within
        self.assertEqual(ent.state, "done")
        self.assertFalse(ent.over_budget)
        self.assertEqual(self._allowance("entertainment").amount, -1100.0)
        # Reported twice? Done is done.
        with self.assertRaises(UserError):
            ent.with_user(self.rep_a).action_report()
        self.assertEqual(len(self._allowance("entertainment")), 1)

    def test_thresholds_are_settings(self):
        self.company.key_account_entertainment_gm_amount = 500.0
        self.company.key_account_actual_tolerance = 0.0
        ent = self._entertainment([("meals", 600.0)])
        ent.with_user(self.rep_a).action_submit()
        self.assertTrue(ent.needs_gm)
        self._approve(ent, self.head)
        self._approve(ent, self.manager)
        self._report(ent, [600.01])
        self.assertEqual(ent.state, "report_submitted")

    def test_rejected_report_goes_back_to_the_rep(self):
        ent = self._entertainment([("meals", 1000.0)])
        ent.with_user(self.rep_a).action_submit()
        self._approve(ent, self.head)
        self._report(ent, [1500.0])
        self.assertEqual(ent.state, "report_submitted")
        with self.assertRaises(UserError):
            self._reject(ent, self.head, "")  # a reason is needed
        self._reject(ent, self.head, "Only the budget is reimbursed")
        self.assertEqual(ent.state, "approved")
        self.assertEqual(ent.reject_reason, "Only the budget is reimbursed")
        self.assertFalse(self._allowance("entertainment"))
        self._report(ent, [1000.0])
        self.assertEqual(ent.state, "done")
        self.assertEqual(self._allowance("entertainment").amount, -1000.0)

    def test_bad_input(self):
        with self.assertRaises(ValidationError):
            self._entertainment([("meals", -5.0)])
        no_budget = self._entertainment([])
        with self.assertRaises(UserError) as err:
            no_budget.with_user(self.rep_a).action_submit()
        self.assertIn("budget", str(err.exception))
        past = self._entertainment(
            [("meals", 100.0)], date=fields.Datetime.now() - timedelta(days=1)
        )
        with self.assertRaises(UserError) as err:
            past.with_user(self.rep_a).action_submit()
        self.assertIn("before it takes place", str(err.exception))
        ent = self._entertainment([("meals", 100.0)])
        with self.assertRaises(AccessError):
            ent.with_user(self.rep_a).write({"state": "approved"})
        with self.assertRaises(AccessError):
            ent.with_user(self.rep_a).write({"rep_id": self.rep_c.id})
        ent.with_user(self.rep_a).action_submit()
        with self.assertRaises(UserError):
            ent.with_user(self.rep_a).write({"venue": "Elsewhere"})
        with self.assertRaises(UserError):
            ent.line_ids.with_user(self.rep_a).write({"budget": 5000.0})
        with self.assertRaises(UserError):
            ent.with_user(self.rep_a).action_report()  # not approved yet
        self._approve(ent, self.head)
        with self.assertRaises(UserError):
            ent.line_ids.with_user(self.rep_a).write({"budget": 5000.0})
        with self.assertRaises(UserError) as err:
            ent.with_user(self.rep_a).action_report()
        self.assertIn("Give the actual costs", str(err.exception))
        # An unplanned cost is reported, never budgeted afterwards.
        ent.with_user(self.rep_a).write(
            {"line_ids": [Command.create({"category": "transport", "actual": 20.0})]}
        )
        with self.assertRaises(UserError):
            ent.with_user(self.rep_a).write(
                {"line_ids": [Command.create({"category": "other", "budget": 9.0})]}
            )
        with self.assertRaises(AccessError):
            ent.with_user(self.rep_c).read(["name"])
        with self.assertRaises(AccessError):
            ent.with_user(self.rep_c).action_report()

    def test_reimbursed_by_accounting(self):
        ent = self._entertainment([("meals", 200.0)])
        ent.with_user(self.rep_a).action_submit()
        self._approve(ent, self.head)
        with self.assertRaises(UserError):
            ent.with_user(self.accountant).action_create_bill()  # not reported
        self._report(ent, [180.0])
        with self.assertRaises(AccessError):
            ent.with_user(self.rep_a).action_create_bill()
        ent.with_user(self.accountant).action_create_bill()
        self.assertEqual(ent.state, "billed")
        self.assertRecordValues(
            ent.bill_id,
            [
                {
                    "move_type": "in_invoice",
                    "partner_id": self.rep_a.partner_id.id,
                    "amount_total": 180.0,
                }
            ],
        )

    def test_visibility(self):
        ent = self._entertainment([("meals", 100.0)])
        Ent = self.env["key_account.entertainment"]
        self.assertIn(ent, Ent.with_user(self.rep_b).search([]))  # executive
        self.assertIn(ent, Ent.with_user(self.office_manager).search([]))
        self.assertIn(ent, Ent.with_user(self.head).search([]))
        self.assertNotIn(ent, Ent.with_user(self.rep_c).search([]))
        line_model = self.env["key_account.entertainment.line"]
        self.assertFalse(line_model.with_user(self.rep_c).search([]))
        self.assertEqual(line_model.with_user(self.rep_a).search([]), ent.line_ids)


@tagged("post_install", "-at_install")
class TestGift(RelationshipCostCase):
    """SPEC R57: approval chain, register, R31 charge, expense ratio."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.custodian = cls._user("ka_gift_custodian", GIFT_CUSTODIAN)

    def _gift(self, quantity, unit_value, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "recipient_id": self.contact.id,
            "gift": "Tea set",
            "quantity": quantity,
            "unit_value": unit_value,
            "purpose": "Founding anniversary",
        }
        values.update(vals)
        return self.env["key_account.gift"].with_user(user or self.rep_a).create(values)

    def test_chain_by_value_and_custodian_setting(self):
        small = self._gift(2, 300.0)
        self.assertEqual(small.total_value, 600.0)
        small.with_user(self.rep_a).action_submit()
        self.assertEqual(
            self._steps(small), self.env.ref("key_account.tier_gift_ka_head")
        )
        self._approve(small, self.head)
        self.assertEqual(small.state, "approved")

        self.company.key_account_gift_custodian_review = True
        big = self._gift(3, 400.0)  # 1,200 > 1,000
        big.with_user(self.rep_a).action_submit()
        self.assertTrue(big.needs_gm)
        self.assertTrue(big.custodian_review)
        self.assertEqual(
            self._steps(big),
            self.env.ref("key_account.tier_gift_ka_head")
            | self.env.ref("key_account.tier_gift_custodian")
            | self.env.ref("key_account.tier_gift_gm"),
        )
        with self.assertRaises(AccessError):
            self._approve(big, self.custodian)  # after the KA head
        self._approve(big, self.head)
        self.assertIn(
            big, self.env["key_account.gift"].with_user(self.custodian).search([])
        )
        self._approve(big, self.custodian)
        self._approve(big, self.manager)
        self.assertEqual(big.state, "approved")

    def test_gm_threshold_is_a_setting(self):
        self.company.key_account_gift_gm_amount = 0.0  # never
        gift = self._gift(10, 500.0)
        gift.with_user(self.rep_a).action_submit()
        self.assertFalse(gift.needs_gm)

    def test_hand_over_register_and_charge(self):
        invoice = self._inv(1000.0, taxed=False)
        self._pay(invoice, 1000.0)
        gift = self._gift(3, 10.0)
        with self.assertRaises(UserError):
            gift.with_user(self.rep_a).action_hand_over()  # not approved
        gift.with_user(self.rep_a).action_submit()
        self._reject(gift, self.head, "Too early")
        self.assertEqual(gift.state, "rejected")
        gift = self._gift(3, 10.0)
        gift.with_user(self.rep_a).action_submit()
        self._approve(gift, self.head)
        with self.assertRaises(AccessError):
            gift.with_user(self.rep_c).action_hand_over()
        gift.with_user(self.rep_a).action_hand_over()
        self.assertEqual(gift.state, "given")
        self.assertEqual(gift.given_date, fields.Date.today())
        self.assertRecordValues(
            self._allowance("gift"), [{"user_id": self.rep_a.id, "amount": -30.0}]
        )
        # Register: the customer's smart button lists its gifts.
        partner = self.customer.with_user(self.rep_a)
        self.assertEqual(partner.key_account_gift_count, 2)
        action = partner.action_view_key_account_gifts()
        register = (
            self.env["key_account.gift"]
            .with_user(self.rep_a)
            .search(action["domain"] + [("state", "=", "given")])
        )
        self.assertEqual(register, gift)
        # Expense ratio: 30 of gifts on 1,000 collected.
        rep = self.rep_a.with_user(self.rep_a)
        self.assertEqual(rep.key_account_collected_base, 1000.0)
        self.assertEqual(rep.key_account_expenses, 30.0)
        self.assertEqual(rep.key_account_expense_ratio, 3.0)
        self.assertEqual(self.rep_a.with_user(self.head).key_account_expense_ratio, 3.0)
        # Another rep reads no one else's lines.
        self.assertEqual(
            self.rep_a.with_user(self.rep_c).key_account_expense_ratio, 0.0
        )

    def test_bad_input(self):
        with self.assertRaises(ValidationError):
            self._gift(0, 10.0)
        with self.assertRaises(ValidationError):
            self._gift(1, -10.0)
        with self.assertRaises(ValidationError) as err:
            self._gift(1, 10.0, recipient_id=self.outsider.id)
        self.assertIn("not a contact", str(err.exception))
        gift = self._gift(1, 10.0)
        with self.assertRaises(AccessError):
            gift.with_user(self.rep_c).read(["name"])
        with self.assertRaises(AccessError):
            gift.with_user(self.rep_a).write({"needs_gm": False})
        gift.with_user(self.rep_a).action_submit()
        with self.assertRaises(UserError):
            gift.with_user(self.rep_a).write({"unit_value": 1.0})
        with self.assertRaises(UserError):
            gift.with_user(self.rep_a).unlink()
