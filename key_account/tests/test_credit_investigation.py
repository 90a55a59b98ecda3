# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools import add_working_days
from .common import SUPERVISOR
from .test_receivables import ReceivablesCase


class CreditInvestigationCase(ReceivablesCase):
    """A key account with a 200,000 credit limit and a KA clerk outside the
    rep's team: the clerk investigates every key account but reads only
    the customers of their own teams."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls._user("ka_clerk", SUPERVISOR)
        cls.company.key_account_clerk_id = cls.clerk
        cls.Investigation = cls.env["key_account.credit.investigation"]

    def _investigations(self, partner=None):
        return self.Investigation.sudo().search(
            [("partner_id", "=", (partner or self.customer).id)]
        )

    def _over_the_limit(self):
        """Exposure 250,000 against the 200,000 limit (an invoice without
        order), found by the daily check: the open investigation."""
        self._invoice(self.customer, 250000.0, fields.Date.today())
        self.env["res.partner"]._cron_key_account_credit_exposure()
        investigation = self._investigations()
        self.assertEqual(len(investigation), 1)
        return investigation.with_user(self.clerk)

    def _conclude(self, investigation, **vals):
        vals.setdefault("findings", "Pays 40 days late since March; two new sites.")
        investigation.write(vals)
        investigation.action_conclude()
        return investigation


@tagged("post_install", "-at_install")
class TestCreditInvestigationOpening(CreditInvestigationCase):
    """SPEC R9: exposure going above the credit limit opens an investigation
    for the KA clerk, due in 3 working days, once per crossing."""

    def _exposure_setup(self):
        order = super()._exposure_setup()
        self.assertFalse(self._investigations())
        return order

    def test_confirmation_over_the_limit_opens_one_investigation(self):
        """Warn policy: the order confirms over the limit, the clerk gets an
        investigation; further orders of the same crossing open none."""
        self.company.key_account_credit_policy = "warn"
        order = self._exposure_setup()
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")
        investigation = self._investigations()
        today = fields.Date.context_today(investigation)
        self.assertRecordValues(
            investigation,
            [
                {
                    "trigger": "over_limit",
                    "investigator_id": self.clerk.id,
                    "state": "open",
                    "date_deadline": add_working_days(today, 3),
                }
            ],
        )
        self.assertIn(order.name, investigation.reason)
        self.assertIn("200,000.00", investigation.reason)
        self.assertRecordValues(
            investigation.activity_ids,
            [
                {
                    "user_id": self.clerk.id,
                    "date_deadline": add_working_days(today, 3),
                    "activity_type_id": self.env.ref(
                        "key_account.mail_activity_key_account_investigation"
                    ).id,
                }
            ],
        )
        self.assertTrue(self.customer.key_account_over_limit)
        self.assertEqual(
            self.customer.with_user(self.rep_a).key_account_investigation_count, 1
        )
        self._order(1000.0).with_user(self.rep_a).action_confirm()
        self.assertEqual(len(self._investigations()), 1)
        # The customer's rep reads it; the clerk finds it in their list.
        self.assertEqual(investigation.with_user(self.rep_a).state, "open")
        self.assertEqual(
            self.Investigation.with_user(self.clerk).search(
                [("investigator_id", "=", self.clerk.id)]
            ),
            investigation,
        )
        # Another rep's customer: not even readable.
        with self.assertRaises(AccessError):
            investigation.with_user(self.rep_b).read(["state"])

    def test_credit_exception_over_the_limit_opens_an_investigation(self):
        order = self._exposure_setup()
        request = self._credit_exception(order)
        request.with_user(self.rep_a).action_submit()
        self._approve(request, self.head)
        self.assertFalse(self._investigations(), "refused confirmations open none")
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(self._investigations().trigger, "over_limit")

    def test_daily_check_opens_one_per_crossing(self):
        investigation = self._over_the_limit()
        self.assertIn("250,000.00", investigation.sudo().reason)
        Partner = self.env["res.partner"]
        Partner._cron_key_account_credit_exposure()
        self._conclude(investigation, outcome="kept")
        # Still above the limit: the same crossing, no new investigation.
        Partner._cron_key_account_credit_exposure()
        self.assertEqual(len(self._investigations()), 1)
        # Back within the limit, then above it again: a new one.
        invoice = self.env["account.move"].search(
            [("partner_id", "=", self.customer.id), ("move_type", "=", "out_invoice")]
        )
        self._pay(invoice, 100000.0)
        Partner._cron_key_account_credit_exposure()
        self.assertFalse(self.customer.key_account_over_limit)
        self._invoice(self.customer, 60000.0, fields.Date.today())
        Partner._cron_key_account_credit_exposure()
        self.assertEqual(len(self._investigations()), 2)
        # Customers within their limit, or without one, are left alone.
        self.assertFalse(self._investigations(self.customer_b))

    def test_only_one_open_investigation_per_customer(self):
        """A receivable entering key monitoring while the over-limit one is
        open opens no second investigation."""
        investigation = self._over_the_limit()
        self.customer._key_account_open_investigation("Overdue", trigger="overdue")
        self.assertEqual(self._investigations(), investigation)

    def test_supervisor_opens_one_by_hand_for_the_clerk(self):
        investigation = self.Investigation.with_user(self.office_manager).create(
            {
                "partner_id": self.customer.id,
                "reason": "The customer's main buyer left.",
                "trigger": "over_limit",
                "investigator_id": self.office_manager.id,
            }
        )
        self.assertRecordValues(
            investigation.sudo(),
            [{"trigger": "other", "investigator_id": self.clerk.id, "state": "open"}],
        )
        self.assertEqual(investigation.activity_ids.user_id, self.clerk)
        with self.assertRaises(AccessError):
            self.Investigation.with_user(self.rep_a).create(
                {"partner_id": self.customer.id}
            )


@tagged("post_install", "-at_install")
class TestCreditInvestigationOutcome(CreditInvestigationCase):
    """SPEC R8, R9: the outcome is recorded and applied through a
    credit-change request approved by the KA head; the customer is told."""

    def test_lowered_limit_goes_through_a_credit_change_request(self):
        investigation = self._over_the_limit()
        self._conclude(investigation, outcome="lowered", new_credit_limit=150000.0)
        request = investigation.request_id
        self.assertRecordValues(
            request.sudo(),
            [
                {
                    "kind": "credit_change",
                    "state": "submitted",
                    "requester_id": self.clerk.id,
                    "rep_id": self.rep_a.id,
                    "credit_limit": 150000.0,
                    "credit_level_id": self.level_good.id,
                }
            ],
        )
        self.assertIn("Pays 40 days late", request.reason)
        self.assertTrue(all(request.document_ids.mapped("provided")), "report attached")
        self.assertEqual(
            request.review_ids.definition_id,
            self.env.ref("key_account.tier_request_ka_head"),
        )
        self.assertEqual(investigation.state, "concluded")
        self.assertFalse(investigation.activity_ids, "the clerk's to-do is done")
        # Nothing changes before the KA head approves.
        self.assertEqual(self.customer.credit_limit, 200000.0)
        self._approve(request, self.head)
        self.assertEqual(self.customer.credit_limit, 150000.0)
        self.assertEqual(investigation.request_state, "approved")

    def test_hold_puts_the_credit_level_on_hold(self):
        investigation = self._over_the_limit()
        self._conclude(investigation, outcome="hold")
        request = investigation.request_id.sudo()
        hold = self.env.ref("key_account.credit_level_hold")
        self.assertRecordValues(
            request, [{"credit_level_id": hold.id, "credit_limit": 200000.0}]
        )
        self._approve(request, self.head)
        self.assertEqual(self.customer.key_account_credit_level_id, hold)
        self.assertEqual(self.customer.credit_limit, 200000.0)

    def test_rejected_change_changes_nothing(self):
        investigation = self._over_the_limit()
        self._conclude(investigation, outcome="lowered", new_credit_limit=100000.0)
        self._reject(investigation.request_id, self.head, "Volume justifies it")
        self.assertEqual(investigation.request_state, "rejected")
        self.assertEqual(self.customer.credit_limit, 200000.0)

    def test_kept_closes_without_a_request(self):
        investigation = self._over_the_limit()
        self._conclude(investigation, outcome="kept")
        self.assertRecordValues(
            investigation,
            [
                {
                    "state": "concluded",
                    "request_id": False,
                    "concluded_by_id": self.clerk.id,
                }
            ],
        )
        self.assertFalse(investigation.activity_ids)
        self.assertFalse(
            self.env["key_account.request"].search(
                [("partner_id", "=", self.customer.id)]
            )
        )

    def test_conclusion_needs_findings_and_a_lower_limit(self):
        investigation = self._over_the_limit()
        with self.assertRaisesRegex(UserError, "findings"):
            investigation.write({"outcome": "kept"})
            investigation.action_conclude()
        with self.assertRaisesRegex(UserError, "below the current one"):
            self._conclude(investigation, outcome="lowered", new_credit_limit=250000.0)
        self.assertEqual(investigation.state, "open")

    def test_only_the_investigator_records_the_outcome(self):
        """The rep, another supervisor, over the ORM as over RPC: no outcome
        written, no conclusion; nobody writes the state or the request."""
        investigation = self._over_the_limit()
        for user in (self.rep_a, self.office_manager):
            mine = investigation.with_user(user)
            with self.assertRaises(AccessError, msg=user.login):
                mine.write({"outcome": "kept", "findings": "All good"})
            with self.assertRaises(AccessError, msg=user.login):
                mine.action_conclude()
        for vals in (
            {"state": "concluded"},
            {"investigator_id": self.rep_a.id},
            {"trigger": "overdue"},
            {"concluded_by_id": self.clerk.id},
        ):
            with self.assertRaises(AccessError, msg=str(vals)):
                investigation.write(vals)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.head).key_account_over_limit = False
        # A director may conclude in the clerk's stead.
        self._conclude(investigation.with_user(self.head), outcome="kept")
        self.assertEqual(investigation.concluded_by_id, self.head)
        # Concluded: the findings are history.
        with self.assertRaises(UserError):
            investigation.write({"findings": "Changed later"})
        with self.assertRaises(UserError):
            investigation.action_conclude()
        with self.assertRaises(AccessError):
            investigation.with_user(self.manager).unlink()


@tagged("post_install", "-at_install")
class TestCreditChangeNotice(CreditInvestigationCase):
    """SPEC R8: on approval the customer is notified from a template, in
    its language; a customer without e-mail address is told another way."""

    def _approved_change(self, **vals):
        self.customer.with_user(self.head).write(vals)
        request = self._submitted_request(
            kind="credit_change",
            credit_level_id=self.level_watch.id,
            credit_limit=120000.0,
            reason="Late payments in May",
        )
        self._approve(request, self.head)
        self.assertEqual(request.state, "approved")
        return request

    def _notices(self, request):
        return request.message_ids.filtered(lambda m: self.customer in m.partner_ids)

    def test_notice_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        template = self.env.ref("key_account.mail_template_credit_change")
        template.with_context(lang="fr_FR").subject = "Vos conditions de crédit"
        request = self._approved_change(email="buyer@acme.example", lang="fr_FR")
        notice = self._notices(request)
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.subject, "Vos conditions de crédit")
        self.assertEqual(
            notice.notification_ids.filtered(
                lambda n: n.res_partner_id == self.customer
            ).notification_type,
            "email",
        )

    def test_notice_names_the_new_terms(self):
        request = self._approved_change(email="buyer@acme.example", lang="en_US")
        notice = self._notices(request)
        self.assertIn("Watch", str(notice.body))
        self.assertIn("120,000.00", str(notice.body))
        self.assertIn("your credit terms", notice.subject)

    def test_customer_without_email_gets_a_note_instead(self):
        request = self._approved_change(email=False)
        self.assertFalse(self._notices(request))
        self.assertIn(
            "has no e-mail address",
            "\n".join(request.message_ids.mapped("body")),
        )
        self.assertEqual(self.customer.credit_limit, 120000.0)
