# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import RedirectWarning
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import MANAGER
from .test_commission import CommissionCase
from .test_receivables import WriteoffCase

SETTINGS_ACTION = "key_account.action_key_account_settings"


class RequiredSettingMixin:
    """A feature run with a required journal or account left blank raises
    Odoo's RedirectWarning naming the setting, whose button opens the Key
    Accounts settings (as core Accounting does for a missing chart of
    accounts)."""

    def assertRedirectsToSettings(self, field_name, call):
        """``call()`` fails with a RedirectWarning naming the label of the
        company's ``field_name`` and leading to the Key Accounts settings."""
        with self.assertRaises(RedirectWarning) as caught:
            call()
        message, action_id, button = caught.exception.args[:3]
        label = self.env["res.company"]._fields[field_name].string
        self.assertIn(f"“{label}”", message)
        self.assertEqual(action_id, self.env.ref(SETTINGS_ACTION).id)
        self.assertTrue(button)


@tagged("post_install", "-at_install")
class TestCommissionSettings(RequiredSettingMixin, CommissionCase):
    """Commission settlements and rebate payouts are billed to the expense
    accounts of the settings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rebate_account = cls._account("Rebates", "660300")

    def _approved_settlement(self):
        invoice = self._inv(1000.0, taxed=False)
        self._pay(invoice, 1000.0)
        self.env["key_account.settlement.wizard"].with_user(self.accountant).create(
            {"date_to": fields.Date.today()}
        ).action_settle()
        settlement = self.env["key_account.settlement"].search(
            [("line_ids.move_id", "=", invoice.id), ("user_id", "=", self.rep_a.id)]
        )
        settlement.with_user(self.head).action_approve()
        return settlement

    def _approved_rebate_payout(self):
        invoice = self._inv(1000.0, taxed=False, key_account_rebate_rate=3.0)
        self._pay(invoice, 1000.0)
        lines = self.Line.with_user(self.rep_a).search(
            [("move_id", "=", invoice.id), ("kind", "=", "rebate")]
        )
        action = (
            self.env["key_account.rebate.payout"]
            .with_user(self.rep_a)
            .with_context(active_model=lines._name, active_ids=lines.ids)
            .create({})
            .action_request()
        )
        payout = self.env["key_account.settlement"].browse(action["res_id"])
        payout.with_user(self.rep_a).action_approve()
        return payout

    def test_commission_bill_needs_the_commission_account(self):
        settlement = self._approved_settlement()
        self.company.key_account_commission_account_id = False
        self.assertRedirectsToSettings(
            "key_account_commission_account_id",
            settlement.with_user(self.accountant).action_create_bill,
        )
        self.assertEqual(settlement.state, "approved")
        self.assertFalse(settlement.bill_id)
        self.company.key_account_commission_account_id = self.commission_account
        settlement.with_user(self.accountant).action_create_bill()
        self.assertEqual(
            settlement.bill_id.invoice_line_ids.account_id, self.commission_account
        )

    def test_rebate_payout_needs_the_rebate_account(self):
        payout = self._approved_rebate_payout()
        self.assertFalse(self.company.key_account_rebate_account_id)
        self.assertRedirectsToSettings(
            "key_account_rebate_account_id",
            payout.with_user(self.accountant).action_create_bill,
        )
        self.assertFalse(payout.bill_id)
        self.company.key_account_rebate_account_id = self.rebate_account
        payout.with_user(self.accountant).action_create_bill()
        self.assertEqual(
            payout.bill_id.invoice_line_ids.account_id, self.rebate_account
        )

    @freeze_time("2026-11-26")
    def test_expense_claim_needs_the_expense_account(self):
        invoice = self._inv(1000.0, taxed=False)
        self._pay(invoice, 1000.0)
        receipt = self.env["ir.attachment"].create(
            {"name": "receipt.pdf", "raw": b"%PDF-1.4 receipt"}
        )
        claim = (
            self.env["key_account.expense.claim"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "expense_type": "entertainment",
                    "amount": 15.0,
                    "description": "Dinner after the annual review",
                    "receipt_ids": [Command.set(receipt.ids)],
                }
            )
        )
        claim.with_user(self.rep_a).action_submit()
        self._approve(claim, self.office_manager)
        self.assertEqual(claim.state, "approved")
        self.assertFalse(self.company.key_account_expense_account_id)
        self.assertRedirectsToSettings(
            "key_account_expense_account_id",
            claim.with_user(self.accountant).action_create_bill,
        )
        self.assertEqual(claim.state, "approved")
        self._account("Sales expenses", "660400", "key_account_expense_account_id")
        claim.with_user(self.accountant).action_create_bill()
        self.assertEqual(claim.state, "billed")

    def test_entertainment_and_gifts_need_the_expense_account(self):
        contact = self.env["res.partner"].create(
            {"name": "Ms Purchasing", "parent_id": self.customer.id}
        )
        entertainment = (
            self.env["key_account.entertainment"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "date": fields.Datetime.now() + timedelta(days=3),
                    "venue": "Jade Garden",
                    "purpose": "Annual review dinner",
                    "customer_attendee_ids": [Command.set(contact.ids)],
                    "user_attendee_ids": [Command.set(self.rep_a.ids)],
                    "line_ids": [Command.create({"category": "meals", "budget": 200})],
                }
            )
        )
        entertainment.action_submit()
        self._approve(entertainment, self.head)
        entertainment.line_ids.actual = 180.0
        entertainment.write(
            {
                "actual_date": fields.Date.today(),
                "report_attendees": "Ms Purchasing; rep A",
                "result": "Volume for next year agreed in principle.",
            }
        )
        entertainment.action_report()
        gift = (
            self.env["key_account.gift"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "recipient_id": contact.id,
                    "gift": "Tea set",
                    "quantity": 3,
                    "unit_value": 10.0,
                    "purpose": "Founding anniversary",
                }
            )
        )
        gift.action_submit()
        self._approve(gift, self.head)
        gift.action_hand_over()
        for record in (entertainment, gift):
            with self.subTest(model=record._name):
                self.assertRedirectsToSettings(
                    "key_account_expense_account_id",
                    record.with_user(self.accountant).action_create_bill,
                )
                self.assertFalse(record.bill_id)


@tagged("post_install", "-at_install")
class TestWriteoffSettings(RequiredSettingMixin, WriteoffCase):
    """Write-offs and the money recovered after them post to the journal
    and the accounts of the settings."""

    def test_posting_needs_the_journal_and_the_classification_account(self):
        request = self._approved()
        self.assertEqual(request.classification, "bad_debt")
        poster = request.with_user(self.accountant)
        self.company.key_account_writeoff_journal_id = False
        self.assertRedirectsToSettings(
            "key_account_writeoff_journal_id", poster.action_post
        )
        self.company.key_account_writeoff_journal_id = self.journal
        self.company.key_account_bad_debt_account_id = False
        self.assertRedirectsToSettings(
            "key_account_bad_debt_account_id", poster.action_post
        )
        self.assertEqual(request.state, "approved")
        self.assertFalse(request.move_id)
        # The doubtful-debt account is not needed for a bad debt.
        self.company.write(
            {
                "key_account_bad_debt_account_id": self.bad_debt.id,
                "key_account_doubtful_account_id": False,
            }
        )
        poster.action_post()
        self.assertEqual(request.state, "posted")

    def test_doubtful_debt_needs_the_doubtful_account(self):
        request = self._approved()
        request.sudo().classification = "doubtful"
        self.company.key_account_doubtful_account_id = False
        self.assertRedirectsToSettings(
            "key_account_doubtful_account_id",
            request.with_user(self.accountant).action_post,
        )
        self.assertEqual(request.state, "approved")

    def test_recovery_needs_the_journal(self):
        request = self._approved()
        request.with_user(self.accountant).action_post()
        self.company.key_account_writeoff_journal_id = False
        wizard = (
            self.env["key_account.writeoff.recovery"]
            .with_user(self.accountant)
            .create({"writeoff_id": request.id, "amount": 1000.0})
        )
        self.assertRedirectsToSettings(
            "key_account_writeoff_journal_id", wizard.action_confirm
        )
        self.assertFalse(request.recovered_amount)


@tagged("post_install", "-at_install")
class TestSettingsPage(TransactionCase):
    """The Key Accounts settings: each setting under its area's heading, the
    approval configuration one click away, a warning beside each blank
    journal or account a feature needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "ka_settings_manager", groups=f"base.group_system,{MANAGER}"
        )

    def _app(self):
        """The Key Accounts page as its manager gets it."""
        arch = (
            self.env["res.config.settings"]
            .with_user(self.manager)
            .get_view(self.env.ref("base.res_config_settings_view_form").id)["arch"]
        )
        return etree.fromstring(arch).find(".//app[@name='key_account']")

    def _block_of(self, app, field_name):
        field = app.find(f".//field[@name='{field_name}']")
        self.assertIsNotNone(field, field_name)
        return next(field.iterancestors("block")).get("title")

    def test_settings_sit_under_their_area(self):
        app = self._app()
        expected = {
            "key_account_report_weekday": "Reports",
            "key_account_meeting_weekday": "Reports",
            "key_account_credit_policy": "Credit",
            "key_account_investigation_days": "Credit",
            "key_account_band2_amount": "Approvals",
            "key_account_agreement_months": "Agreements",
            "key_account_floor_pricelist_id": "Agreements",
            "key_account_compensation_months": "Commissions",
            "key_account_writeoff_journal_id": "Receivables",
            "key_account_stock_policy": "Warehouse",
            "key_account_oem_record_days": "Warehouse",
            "key_account_kpi_sales_points": "KPIs and assessment",
        }
        self.assertEqual(
            {name: self._block_of(app, name) for name in expected}, expected
        )

    def test_links_to_the_authority_matrix_and_the_approval_steps(self):
        app = self._app()
        buttons = {
            int(button.get("name"))
            for button in app.iterfind(".//button[@type='action']")
        }
        self.assertLessEqual(
            {
                self.env.ref("key_account.action_key_account_authority_rule").id,
                self.env.ref("base_tier_validation.tier_definition_action").id,
            },
            buttons,
        )

    def test_blank_required_journals_and_accounts_are_flagged(self):
        app = self._app()
        for field_name in (
            "key_account_writeoff_journal_id",
            "key_account_bad_debt_account_id",
            "key_account_doubtful_account_id",
            "key_account_commission_account_id",
            "key_account_rebate_account_id",
            "key_account_expense_account_id",
        ):
            with self.subTest(field=field_name):
                warning = app.find(
                    f".//div[@class='text-warning'][@invisible='{field_name}']"
                )
                self.assertIsNotNone(warning)
