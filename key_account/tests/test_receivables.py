# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from ..tools import ladder_cutoffs, ladder_stage, overdue_cutoff
from .common_order import OrderApprovalCase


class ReceivablesCase(OrderApprovalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Credit is the subject here: orders need no approval route.
        cls.env["tier.definition"].search([("model", "=", "sale.order")]).active = False
        # Setup shortcut: as an approved credit-change request sets it.
        cls.customer.sudo().credit_limit = 200000.0
        cls.company.key_account_clerk_id = cls.office_manager
        cls.company.key_account_head_user_id = cls.head

    def _exposure_setup(self):
        """Receivables 150,000, confirmed not invoiced 20,000 and a 40,000
        quotation: confirming it takes the exposure to 210,000."""
        self._invoice(self.customer, 150000.0, fields.Date.today())
        self._order(20000.0).with_user(self.rep_a).action_confirm()
        return self._order(40000.0)

    def _credit_exception(self, order):
        """Rep A's credit exception request for ``order``, created from the
        order's button."""
        action = order.with_user(self.rep_a).action_key_account_credit_exception()
        return (
            self.env["key_account.exception.request"]
            .with_user(self.rep_a)
            .with_context(**action["context"])
            .create({})
        )

    def _pay(self, invoice, amount):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount})._create_payments()


@tagged("post_install", "-at_install")
class TestCreditHold(ReceivablesCase):
    """SPEC R10: exposure = receivables + confirmed not invoiced + this order."""

    def test_limit_blocks_with_the_figures(self):
        order = self._exposure_setup()
        with self.assertRaises(UserError) as err:
            order.with_user(self.rep_a).action_confirm()
        message = str(err.exception)
        self.assertIn("Credit limit", message)
        self.assertIn("200,000.00", message)
        self.assertIn("exposure", message)
        self.assertIn("210,000.00", message)
        self.assertEqual(order.state, "draft")
        self.assertIn("210,000.00", order.key_account_credit_note)
        # Within the limit it confirms.
        order.order_line.with_user(self.rep_a).write(
            {"product_uom_qty": 1, "price_unit": 30000.0}
        )
        self.assertFalse(order.key_account_credit_note)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_bypasses_are_refused(self):
        order = self._exposure_setup()
        for ctx in ({"skip_validation_check": True}, {"credit_check": False}):
            with self.subTest(ctx=ctx), self.assertRaises(UserError):
                order.with_user(self.rep_a).with_context(**ctx).action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.rep_a).write({"state": "sale"})
        with self.assertRaises(UserError):
            order.sudo().action_confirm()  # portal or signature confirmation

    def test_ka_head_exception_releases_the_order(self):
        order = self._exposure_setup()
        request = self._credit_exception(order)
        self.assertEqual(request.requested_value, 5.0)
        self.assertEqual(request.required_level, "director")
        request.with_user(self.rep_a).action_submit()
        with self.assertRaises(UserError):
            order.with_user(self.rep_a).action_confirm()
        self._approve(request, self.head)
        self.assertEqual(request.state, "approved")
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_general_manager_beyond_twenty_percent(self):
        today = fields.Date.today()
        self._invoice(self.customer, 190000.0, today)
        order = self._order(60000.0)  # exposure 250,000: 25 % over
        request = self._credit_exception(order)
        self.assertEqual(request.required_level, "manager")

    def test_overdue_and_hold_level_block(self):
        today = fields.Date.today()
        self._invoice(
            self.customer,
            1000.0,
            fields.Date.add(today, months=-3),
            fields.Date.add(today, months=-2, days=-1),
        )
        order = self._order(1000.0)
        with self.assertRaises(UserError) as err:
            order.with_user(self.rep_a).action_confirm()
        self.assertIn("key monitoring", str(err.exception))
        # As an approved credit-change request sets it.
        self.customer.sudo().key_account_credit_level_id = self.env.ref(
            "key_account.credit_level_hold"
        )
        with self.assertRaises(UserError) as err:
            order.with_user(self.rep_a).action_confirm()
        self.assertIn("holds orders", str(err.exception))

    def test_not_yet_two_months_overdue_passes(self):
        today = fields.Date.today()
        self._invoice(
            self.customer,
            1000.0,
            fields.Date.add(today, months=-3),
            fields.Date.add(today, months=-2),
        )
        order = self._order(1000.0)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_warn_policy_confirms_with_a_note(self):
        self.company.key_account_credit_policy = "warn"
        order = self._exposure_setup()
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(
            any(
                "held by the customer" in str(b)
                for b in order.message_ids.mapped("body")
            )
        )

    def test_raising_a_confirmed_order_is_checked(self):
        order = self._order(100000.0)
        order.with_user(self.rep_a).action_confirm()
        with self.assertRaises(UserError):
            order.order_line.with_user(self.rep_a).write(
                {"product_uom_qty": 3, "price_unit": 100000.0}
            )
        with self.assertRaises(UserError):
            order.with_user(self.rep_a).write(
                {
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "price_unit": 150000.0}
                        )
                    ]
                }
            )

    def test_other_customers_unaffected(self):
        self.customer_b.credit_limit = 1.0
        order = self._order(50000.0, partner=self.customer_b, user=self.rep_b)
        order.with_user(self.rep_b).action_confirm()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestOverdueLadder(ReceivablesCase):
    """SPEC R38-R41 and R9: the daily cron moves invoices along the ladder."""

    def _cron(self, day):
        with freeze_time(day):
            self.env["account.move"]._cron_key_account_aging()
            self.env.flush_all()

    def _logs(self, invoice):
        return invoice.message_ids.filtered(lambda m: "Overdue stage" in str(m.body))

    def test_ladder_boundaries_logged_once(self):
        invoice = self._invoice(self.customer, 50000.0, "2025-01-01", "2025-01-15")
        self._cron("2025-03-15")
        self.assertEqual(invoice.key_account_aging_stage, "current")
        self._cron("2025-03-16")
        self.assertEqual(invoice.key_account_aging_stage, "monitor")
        self.assertEqual(len(self._logs(invoice)), 1)
        rep_activity = self._activities_of(invoice, "mail_activity_key_account_monitor")
        self.assertEqual(rep_activity.user_id, self.rep_a)
        investigation = self._investigation_activities(self.customer)
        self.assertEqual(investigation.user_id, self.office_manager)
        # Re-running changes nothing.
        self._cron("2025-03-16")
        self._cron("2025-04-01")
        self.assertEqual(len(self._logs(invoice)), 1)
        self.assertEqual(
            len(self._activities_of(invoice, "mail_activity_key_account_monitor")), 1
        )
        self.assertEqual(
            len(self._investigation_activities(self.customer)),
            1,
        )
        self._cron("2025-05-15")
        self.assertEqual(invoice.key_account_aging_stage, "monitor")
        self._cron("2025-05-16")
        self.assertEqual(invoice.key_account_aging_stage, "progress")
        self._cron("2025-07-15")
        self.assertEqual(invoice.key_account_aging_stage, "progress")
        self._cron("2025-07-16")
        self.assertEqual(invoice.key_account_aging_stage, "writeoff")
        self.assertEqual(len(self._logs(invoice)), 3)

    def _investigation_activities(self, partner):
        """The KA clerk's to-dos on the credit investigations of ``partner``."""
        investigations = (
            self.env["key_account.credit.investigation"]
            .sudo()
            .search([("partner_id", "=", partner.id)])
        )
        self.assertEqual(set(investigations.mapped("trigger")), {"overdue"})
        return investigations.activity_ids

    def _activities_of(self, record, xmlid):
        activity_type = self.env.ref(f"key_account.{xmlid}")
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", record._name),
                    ("res_id", "=", record.id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )

    def test_partial_payment_counts_full_payment_clears(self):
        invoice = self._invoice(self.customer, 50000.0, "2025-01-01", "2025-01-15")
        self._pay(invoice, 20000.0)
        self._cron("2025-03-20")
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.key_account_aging_stage, "monitor")
        self._pay(invoice, 30000.0)
        self._cron("2025-03-21")
        self.assertEqual(invoice.key_account_aging_stage, "current")

    def test_levels_in_days(self):
        self.company.write(
            {
                "key_account_aging_unit": "days",
                "key_account_monitor_after": 60,
                "key_account_progress_after": 120,
                "key_account_writeoff_after": 180,
            }
        )
        # Another company keeps months: each company's invoices follow its own.
        self.env["res.company"].create({"name": "Months Ledger Co"})
        invoice = self._invoice(self.customer, 1000.0, "2025-01-01", "2025-01-01")
        self._cron("2025-03-01")  # 59 days
        self._cron("2025-03-02")  # 60 days
        self.assertEqual(invoice.key_account_aging_stage, "current")
        self._cron("2025-03-03")  # 61 days
        self.assertEqual(invoice.key_account_aging_stage, "monitor")
        with self.assertRaises(ValidationError):
            self.company.key_account_progress_after = 30

    def test_stage_agrees_in_sql_search_and_form_at_boundaries(self):
        """The stage the cron computes in SQL, the stage an invoice shows
        after a run and the invoices the rep's stage filters find are all
        ``ladder_stage`` of the day: before, on and after each level, month
        ends and leap days included, in months and in days; a paid invoice
        is current, a partly paid one is not."""
        dues = (
            "2025-01-15",
            "2025-01-31",
            "2024-12-30",
            "2024-12-31",
            "2023-12-31",
            "2024-02-29",
            "2025-02-28",
            "2025-08-31",
        )
        invoices = self.env["account.move"]
        for due in dues:
            invoices |= self._invoice(self.customer, 1000.0, due, due)
        paid = self._invoice(self.customer, 1000.0, "2024-12-31", "2024-12-31")
        self._pay(paid, 1000.0)
        partial = self._invoice(self.customer, 1000.0, "2024-12-31", "2024-12-31")
        self._pay(partial, 400.0)
        invoices |= paid | partial
        self.env.flush_all()
        Move = self.env["account.move"]

        def expected(today, levels, unit):
            return {
                invoice.id: "current"
                if invoice == paid
                else ladder_stage(invoice.invoice_date_due, today, levels, unit)
                for invoice in invoices
            }

        ladders = (
            ("months", (2, 4, 6)),
            ("months", (1, 3, 13)),
            ("days", (60, 120, 180)),
        )
        for unit, levels in ladders:
            days = set()
            for due in dues:
                for level in levels:
                    limit = fields.Date.add(fields.Date.to_date(due), **{unit: level})
                    days.update(fields.Date.add(limit, days=d) for d in (-1, 0, 1))
            for today in sorted(days):
                self.env.cr.execute(
                    SQL(
                        "SELECT m.id, %s FROM account_move m WHERE m.id IN %s",
                        Move._key_account_stage_sql(
                            ladder_cutoffs(today, levels, unit)
                        ),
                        tuple(invoices.ids),
                    )
                )
                self.assertEqual(
                    dict(self.env.cr.fetchall()),
                    expected(today, levels, unit),
                    f"{unit} {levels} on {today}",
                )
        # A run leaves each invoice in the day's stage, whatever day the last
        # run was, later or earlier; the filters find the same.
        rep_moves = Move.with_user(self.rep_a)
        for (unit, levels), today in zip(
            ladders, ("2025-03-01", "2026-03-01", "2025-03-03"), strict=True
        ):
            self.company.write(
                {
                    "key_account_aging_unit": unit,
                    "key_account_monitor_after": levels[0],
                    "key_account_progress_after": levels[1],
                    "key_account_writeoff_after": levels[2],
                }
            )
            self._cron(today)
            stages = expected(fields.Date.to_date(today), levels, unit)
            self.assertEqual(
                {invoice.id: invoice.key_account_aging_stage for invoice in invoices},
                stages,
                today,
            )
            for stage in ("current", "monitor", "progress", "writeoff"):
                ids = sorted(i for i, s in stages.items() if s == stage)
                for domain, wanted in (
                    ([("key_account_aging_stage", "=", stage)], ids),
                    ([("key_account_aging_stage", "in", [stage])], ids),
                    (
                        [("key_account_aging_stage", "!=", stage)],
                        sorted(set(invoices.ids) - set(ids)),
                    ),
                ):
                    found = rep_moves.search(
                        [("id", "in", invoices.ids), *domain], order="id"
                    )
                    self.assertEqual(found.ids, wanted, f"{today} {domain}")
        self.assertEqual(stages[partial.id], "monitor")
        other = self._invoice(self.customer_b, 1000.0, "2024-12-31", "2024-12-31")
        self.assertFalse(other.key_account_aging_stage)
        self.assertEqual(
            Move.search(
                [("id", "=", other.id), ("key_account_aging_stage", "=", False)]
            ),
            other,
        )

    def test_jumping_past_monitoring_still_monitors(self):
        """An invoice found more than 4 months overdue (first run, imported
        invoice) enters key monitoring too: rep activity, investigation."""
        invoice = self._invoice(self.customer, 50000.0, "2025-01-01", "2025-01-15")
        self._cron("2025-05-20")
        self.assertEqual(invoice.key_account_aging_stage, "progress")
        self.assertEqual(len(self._logs(invoice)), 1)
        activity = self._activities_of(invoice, "mail_activity_key_account_monitor")
        self.assertEqual(activity.user_id, self.rep_a)
        self.assertTrue(self._investigation_activities(self.customer))

    def test_invoice_posted_overdue_is_notified_at_posting(self):
        """An invoice posted by accounting after its due date passed a level
        shows its stage and is notified as it is posted, as a run would have
        done; later runs do not notify it again."""
        billing = self._user("ka_billing", "account.group_account_invoice")
        self._cron("2025-05-20")
        invoice = self._invoice(
            self.customer, 1000.0, "2025-01-01", "2025-01-10", post=False
        )
        self.assertFalse(invoice.key_account_aging_stage)
        invoice.with_user(billing).action_post()
        self.assertEqual(invoice.key_account_aging_stage, "progress")
        self.assertEqual(len(self._logs(invoice)), 1)
        activity = self._activities_of(invoice, "mail_activity_key_account_monitor")
        self.assertEqual(activity.user_id, self.rep_a)
        self._cron("2025-05-20")
        self._cron("2025-05-21")
        self.assertEqual(len(self._logs(invoice)), 1)
        self._cron("2025-03-21")  # an earlier day: stages fall, none notified
        self.assertEqual(invoice.key_account_aging_stage, "monitor")
        self.assertEqual(len(self._logs(invoice)), 1)
        # Due within the level the next run passes: that run notifies it.
        later = self._invoice(self.customer, 1000.0, "2025-01-01", "2025-01-22")
        self.assertEqual(later.key_account_aging_stage, "current")
        self.assertFalse(self._logs(later))
        self._cron("2025-05-23")
        self.assertEqual(later.key_account_aging_stage, "progress")
        self.assertEqual(len(self._logs(later)), 1)
        self.assertEqual(invoice.key_account_aging_stage, "progress")
        self.assertEqual(len(self._logs(invoice)), 2)

    def test_one_activity_per_customer_and_rep(self):
        """Invoices of one customer entering monitoring together give its rep
        one activity, on the oldest, naming them all; each is logged."""
        newer = self._invoice(self.customer, 1000.0, "2025-01-01", "2025-01-20")
        older = self._invoice(self.customer, 2000.0, "2025-01-01", "2025-01-10")
        self._cron("2025-03-25")
        self.assertEqual(
            (older | newer).mapped("key_account_aging_stage"), ["monitor"] * 2
        )
        activity = self._activities_of(older, "mail_activity_key_account_monitor")
        self.assertEqual(activity.user_id, self.rep_a)
        self.assertIn(older.name, str(activity.note))
        self.assertIn(newer.name, str(activity.note))
        self.assertFalse(
            self._activities_of(newer, "mail_activity_key_account_monitor")
        )
        self.assertEqual(len(self._logs(older)), 1)
        self.assertEqual(len(self._logs(newer)), 1)

    def test_open_collect_activity_is_not_doubled(self):
        """While the rep's collect activity on a customer is open, further
        invoices entering monitoring are logged but give no new activity;
        once it is done, the next one does."""
        first = self._invoice(self.customer, 1000.0, "2025-01-01", "2025-01-10")
        self._cron("2025-03-11")
        activity = self._activities_of(first, "mail_activity_key_account_monitor")
        self.assertEqual(activity.user_id, self.rep_a)
        second = self._invoice(self.customer, 1000.0, "2025-01-01", "2025-01-12")
        self._cron("2025-03-13")
        self.assertEqual(second.key_account_aging_stage, "monitor")
        self.assertEqual(len(self._logs(second)), 1)
        self.assertFalse(
            self._activities_of(second, "mail_activity_key_account_monitor")
        )
        activity.with_user(self.rep_a).action_feedback(feedback="Promised")
        third = self._invoice(self.customer, 1000.0, "2025-01-01", "2025-01-14")
        self._cron("2025-03-15")
        self.assertEqual(
            self._activities_of(third, "mail_activity_key_account_monitor").user_id,
            self.rep_a,
        )

    def test_ka_head_gets_one_notice_per_run(self):
        """However many batches, the KA head gets one notice for the run,
        counting each customer's receivables per stage."""
        other = self._make_key_account(
            self.env["res.partner"].create(
                {"name": "Gamma Trading", "is_company": True, "user_id": self.rep_a.id}
            )
        )
        self._invoice(self.customer, 1000.0, "2025-01-01", "2025-01-10")
        self._invoice(self.customer, 1000.0, "2025-01-01", "2025-01-11")
        self._invoice(other, 1000.0, "2024-01-01", "2024-01-10")
        subject = "Key-account receivables overdue"

        def notices():
            return self.env["mail.message"].search(
                [
                    ("partner_ids", "in", self.head.partner_id.ids),
                    ("subject", "=", subject),
                ]
            )

        before = notices()
        with freeze_time("2025-03-20"):
            self.env["account.move"]._cron_key_account_aging(batch_size=1)
        notice = notices() - before
        self.assertEqual(len(notice), 1)
        self.assertIn("ACME Ltd: 2 × Key Monitoring", str(notice.body))
        self.assertIn("Gamma Trading: 1 × Write-Off Possible", str(notice.body))
        with freeze_time("2025-03-20"):
            self.env["account.move"]._cron_key_account_aging(batch_size=1)
        self.assertEqual(notices() - before, notice)
        # Past the limit, the customers with the highest stages are named.
        self._invoice(self.customer, 1000.0, "2025-01-01", "2025-01-21")
        self._invoice(other, 1000.0, "2024-01-01", "2024-09-21")
        before = notices()
        Move = type(self.env["account.move"])
        with (
            patch.object(Move, "_key_account_notice_customers", 1),
            freeze_time("2025-03-22"),
        ):
            self.env["account.move"]._cron_key_account_aging()
        notice = notices() - before
        self.assertIn("Gamma Trading: 1 × Write-Off Possible", str(notice.body))
        self.assertNotIn("ACME", str(notice.body))
        self.assertIn("And 1 more customers", str(notice.body))

    def test_ladder_follows_the_key_account_status(self):
        """Invoices leave the ladder when their customer stops being a key
        account, and enter it once it becomes one again: notified then."""
        invoice = self._invoice(self.customer, 1000.0, "2025-01-01", "2025-01-10")
        self._cron("2025-03-20")
        self.assertEqual(invoice.key_account_aging_stage, "monitor")
        # As approved requests set it (setup shortcut).
        self.customer.sudo().key_account_state = "prospect"
        self.assertFalse(invoice.key_account_customer)
        self._cron("2025-03-21")
        self.assertFalse(invoice.key_account_aging_stage)
        self.customer.sudo().key_account_state = "key_account"
        self.assertTrue(invoice.key_account_customer)
        self.assertEqual(invoice.key_account_aging_stage, "monitor")
        self.assertEqual(len(self._logs(invoice)), 2)
        self._cron("2025-03-22")
        self.assertEqual(len(self._logs(invoice)), 2)
        self._cron("2025-05-20")
        self.assertEqual(invoice.key_account_aging_stage, "progress")
        self.assertEqual(len(self._logs(invoice)), 3)

    def test_constant_queries_per_batch(self):
        """Batches of 2 invoices entering monitoring cost the same queries
        however many batches; a run changing nothing, its caches warm, costs
        one query: the companies."""

        def run(day, count, cold=True):
            due = ladder_cutoffs(fields.Date.to_date(day))[0]
            for i in range(count):
                self._invoice(self.customer, 1000.0 + i, "2025-01-01", due)
            self.env.flush_all()
            if cold:
                self.env.invalidate_all()
            with freeze_time(day):
                before = self.env.cr.sql_log_count
                self.env["account.move"]._cron_key_account_aging(batch_size=2)
                self.env.flush_all()
                return self.env.cr.sql_log_count - before

        run("2025-03-09", 0)  # the ladder's first run
        run("2025-03-10", 2)  # fills the caches, opens the investigation
        four, six, eight = (
            run("2025-03-11", 4),
            run("2025-03-12", 6),
            run("2025-03-13", 8),
        )
        self.assertEqual(six - four, eight - six, (four, six, eight))
        self.assertEqual(
            len(self._investigation_activities(self.customer)),
            1,
        )
        run("2025-03-13", 0, cold=False)
        self.assertEqual(run("2025-03-13", 0, cold=False), 1)

    def test_only_key_accounts(self):
        invoice = self._invoice(self.customer_b, 1000.0, "2025-01-01", "2025-01-01")
        self._cron("2025-12-01")
        self.assertFalse(invoice.key_account_aging_stage)

    def test_weekly_notes_missing_gives_the_ka_head_an_activity(self):
        invoice = self._invoice(self.customer, 50000.0, "2025-01-01", "2025-01-15")
        self._cron("2025-05-20")
        self.assertEqual(invoice.key_account_aging_stage, "progress")
        noted = self._invoice(self.customer, 5000.0, "2025-01-01", "2025-01-15")
        self._cron("2025-05-20")
        with freeze_time("2025-05-23"):
            self.env["key_account.collection.note"].with_user(self.rep_a).create(
                {"invoice_id": noted.id, "note": "Customer promised payment on 30 May."}
            )
        with freeze_time("2025-05-26 07:00"):
            self.env["account.move"]._cron_key_account_missing_notes()
            self.env["account.move"]._cron_key_account_missing_notes()
        missing = self._activities_of(invoice, "mail_activity_key_account_missing_note")
        self.assertEqual(len(missing), 1)
        self.assertEqual(missing.user_id, self.head)
        self.assertFalse(
            self._activities_of(noted, "mail_activity_key_account_missing_note")
        )

    def test_notes_are_kept_and_private(self):
        invoice = self._invoice(self.customer, 1000.0, "2025-01-01", "2025-01-01")
        note = (
            self.env["key_account.collection.note"]
            .with_user(self.rep_a)
            .create({"invoice_id": invoice.id, "note": "Called the CFO."})
        )
        self.assertEqual(note.user_id, self.rep_a)
        self.assertEqual(invoice.key_account_progress_date, note.date)
        with self.assertRaises(UserError):
            note.with_user(self.rep_a).note = "Never called."
        with self.assertRaises(UserError):
            note.with_user(self.rep_a).unlink()
        self.assertFalse(
            self.env["key_account.collection.note"]
            .with_user(self.rep_b)
            .search([("id", "=", note.id)])
        )
        with self.assertRaises(AccessError):
            invoice.with_user(self.rep_a).write({"key_account_aging_stage": "current"})


@tagged("post_install", "-at_install")
class TestAgingReport(ReceivablesCase):
    """SPEC R38: open receivables by bucket, under the record rules."""

    def test_buckets_and_rules(self):
        """Buckets follow the overdue ladder of the settings (2/4/6 months):
        "more than 2 months" is today > due date + 2 months."""
        today = fields.Date.today()

        def months_ago(months, days=0):
            return fields.Date.subtract(today, months=months, days=days)

        for due, amount in (
            (fields.Date.add(today, days=5), 100.0),
            (today, 200.0),
            (fields.Date.subtract(today, days=1), 300.0),
            (months_ago(2), 400.0),
            (months_ago(2, 1), 500.0),
            (months_ago(4, 1), 600.0),
            (months_ago(6, 1), 700.0),
        ):
            self._invoice(self.customer, amount, fields.Date.add(due, days=-1), due)
        partial = self._invoice(
            self.customer,
            1000.0,
            months_ago(3, 5),
            months_ago(3),
        )
        self._pay(partial, 250.0)
        other = self._invoice(self.customer_b, 999.0, today, today)
        self.env.flush_all()  # the report is a SQL view
        Report = self.env["key_account.aging.report"]
        rows = Report.with_user(self.rep_a).search([])
        self.assertNotIn(other, rows.move_id)
        totals = dict(
            Report.with_user(self.rep_a)._read_group(
                [("partner_id", "=", self.customer.id)],
                ["bucket"],
                ["amount_residual:sum"],
            )
        )
        self.assertEqual(
            {k: v for k, v in totals.items() if v},
            {
                "b0_not_due": 300.0,
                "b1_overdue": 700.0,
                "b2_monitor": 1250.0,
                "b3_progress": 600.0,
                "b4_writeoff": 700.0,
            },
        )
        self.assertEqual(
            dict(Report._fields["bucket"]._description_selection(self.env)),
            {
                "b0_not_due": "Not Due",
                "b1_overdue": "Up to 2 Months",
                "b2_monitor": "Over 2 Months",
                "b3_progress": "Over 4 Months",
                "b4_writeoff": "Over 6 Months",
            },
        )
        self.assertEqual(
            Report.fields_get(["amount_monitor"])["amount_monitor"]["string"],
            "Over 2 Months",
        )
        self.assertFalse(
            Report.with_user(self.rep_b).search([("partner_id", "=", self.customer.id)])
        )
        self.assertTrue(
            Report.with_user(self.head).search(
                [("partner_id", "=", self.customer_b.id)]
            )
        )

    def test_buckets_in_days(self):
        """The ladder in days: the view reads the settings, nothing stored."""
        self.company.write(
            {
                "key_account_aging_unit": "days",
                "key_account_monitor_after": 10,
                "key_account_progress_after": 20,
                "key_account_writeoff_after": 30,
            }
        )
        today = fields.Date.today()
        for days, amount in ((10, 100.0), (11, 200.0), (21, 300.0), (31, 400.0)):
            due = fields.Date.subtract(today, days=days)
            self._invoice(self.customer, amount, due, due)
        self.env.flush_all()
        Report = self.env["key_account.aging.report"].with_user(self.rep_a)
        totals = dict(
            Report._read_group(
                [("partner_id", "=", self.customer.id)],
                ["bucket"],
                ["amount_residual:sum"],
            )
        )
        self.assertEqual(
            totals,
            {
                "b1_overdue": 100.0,
                "b2_monitor": 200.0,
                "b3_progress": 300.0,
                "b4_writeoff": 400.0,
            },
        )
        labels = dict(Report._fields["bucket"]._description_selection(Report.env))
        self.assertEqual(labels["b2_monitor"], "Over 10 Days")


class WriteoffCase(ReceivablesCase):
    """A write-off journal and accounts, an invoice overdue since 2025."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls._user(
            "ka_test_accountant", "account.group_account_manager"
        )
        cls.journal = cls.env["account.journal"].create(
            {"name": "Write-offs", "code": "KAWO", "type": "general"}
        )
        cls.bad_debt = cls._account("Bad debts", "660100")
        cls.company.write(
            {
                "key_account_writeoff_journal_id": cls.journal.id,
                "key_account_bad_debt_account_id": cls.bad_debt.id,
                "key_account_doubtful_account_id": cls.bad_debt.id,
            }
        )
        cls._before_old_invoice()
        cls.old = cls._invoice_for_setup(50000.0, "2025-01-01", "2025-01-15")

    @classmethod
    def _before_old_invoice(cls):
        """Hook: set the customer up before its overdue invoice is posted."""

    @classmethod
    def _invoice_for_setup(cls, amount, date, due):
        return cls._invoice(
            cls.customer,
            amount,
            date,
            due,
            invoice_user_id=cls.rep_a.id,
            team_id=cls.team.id,
        )

    def _request(self, invoices, amount, user=None):
        return (
            self.env["key_account.writeoff.request"]
            .with_user(user or self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(invoices.ids)],
                    "amount": amount,
                    "reason": "Customer insolvent, liquidation opened.",
                }
            )
        )

    def _approved(self, amount=50000.0):
        request = self._request(self.old, amount)
        request.with_user(self.rep_a).action_submit()
        self._approve(request, self.head)
        self._approve(request, self.accountant)
        request.with_user(self.manager).write(
            {
                "board_resolution_ref": "BR-2026-07",
                "board_resolution": base64.b64encode(b"%PDF-1.4 resolution"),
                "board_resolution_name": "resolution.pdf",
            }
        )
        self._approve(request, self.manager)
        return request


@tagged("post_install", "-at_install")
class TestWriteoff(WriteoffCase):
    """SPEC R41-R43: request, approval chain, entry, negative revenue."""

    def test_only_after_six_months(self):
        young = self._invoice(
            self.customer,
            1000.0,
            fields.Date.add(fields.Date.today(), months=-6),
            fields.Date.add(fields.Date.today(), months=-5),
        )
        request = self._request(young, 1000.0)
        with self.assertRaises(UserError) as err:
            request.with_user(self.rep_a).action_submit()
        self.assertIn("more than 6 months overdue", str(err.exception))
        request = self._request(self.old, 60000.0)
        with self.assertRaises(UserError):
            request.with_user(self.rep_a).action_submit()

    def test_picker_offers_only_eligible_invoices(self):
        """The invoices offered are those the submission accepts: open,
        the customer's, overdue beyond the write-off threshold (6 months)."""
        today = fields.Date.today()
        limit = overdue_cutoff(
            today,
            self.company.key_account_writeoff_after,
            self.company.key_account_aging_unit,
        )

        def invoice(due):
            return self._invoice_for_setup(1000.0, due - relativedelta(days=30), due)

        at_limit = invoice(limit)
        day_after = invoice(limit + relativedelta(days=1))
        young = invoice(today - relativedelta(months=2))
        paid = invoice(limit - relativedelta(days=10))
        self._pay(paid, paid.amount_total)
        self._make_key_account(self.customer_b)
        other = self._invoice(self.customer_b, 1000.0, "2025-01-01", "2025-01-15")
        form = Form(self.env["key_account.writeoff.request"].with_user(self.rep_a))
        form.partner_id = self.customer
        offered = form.eligible_invoice_ids[:]
        self.assertIn(self.old, offered)
        self.assertIn(at_limit, offered)
        for refused in (day_after, young, paid, other):
            self.assertNotIn(refused, offered)
        # The same rule as the submission's.
        request = self._request(offered, 1000.0)
        self.assertFalse(
            [p for p in request._submission_problems() if "overdue" in p],
        )
        request = self._request(day_after, 1000.0)
        self.assertTrue(
            [p for p in request._submission_problems() if "overdue" in p],
        )

    def test_chain_board_resolution_and_entry(self):
        request = self._request(self.old, 50000.0)
        request.with_user(self.rep_a).action_submit()
        investigation = self.env["key_account.credit.investigation"].search(
            [("partner_id", "=", self.customer.id), ("trigger", "=", "writeoff")]
        )
        self.assertIn(request.name, investigation.reason)
        self.assertEqual(investigation.activity_ids.user_id, self.office_manager)
        with self.assertRaises(AccessError):
            self._approve(request, self.rep_a)
        with self.assertRaises(AccessError):
            self._approve(request, self.accountant)  # not before the KA head
        self._approve(request, self.head)
        self._approve(request, self.accountant)
        with self.assertRaises(UserError):
            self._approve(request, self.manager)  # no board resolution yet
        with self.assertRaises(UserError):
            request.with_user(self.rep_a).board_resolution_ref = "forged"
        request.with_user(self.manager).write(
            {
                "board_resolution_ref": "BR-2026-07",
                "board_resolution": base64.b64encode(b"%PDF-1.4 resolution"),
                "board_resolution_name": "resolution.pdf",
            }
        )
        self._approve(request, self.manager)
        self.assertEqual(request.state, "approved")
        with self.assertRaises(AccessError):
            request.with_user(self.rep_a).action_post()
        request.with_user(self.accountant).action_post()
        self.assertEqual(request.state, "posted")
        self.assertEqual(request.move_id.state, "posted")
        self.assertEqual(self.old.payment_state, "paid")
        adjustment = self.env["key_account.revenue.adjustment"].search(
            [("writeoff_id", "=", request.id)]
        )
        self.assertRecordValues(
            adjustment,
            [
                {
                    "amount": -50000.0,
                    "user_id": self.rep_a.id,
                    "team_id": self.team.id,
                    "kind": "writeoff",
                }
            ],
        )
        self.assertEqual(
            self.env["key_account.revenue.adjustment"]
            .with_user(self.rep_a)
            .search([("writeoff_id", "=", request.id)]),
            adjustment,
        )

    def test_partial_write_off(self):
        request = self._approved(20000.0)
        request.with_user(self.accountant).action_post()
        self.assertEqual(self.old.payment_state, "partial")
        self.assertEqual(self.old.amount_residual, 30000.0)

    def test_undone_only_by_reversal(self):
        request = self._approved()
        request.with_user(self.accountant).action_post()
        move = request.move_id
        with self.assertRaises(UserError):
            move.with_user(self.accountant).button_draft()
        reversal = move.with_user(self.accountant)._reverse_moves(cancel=True)
        self.assertEqual(request.state, "reversed")
        adjustments = self.env["key_account.revenue.adjustment"].search(
            [("writeoff_id", "=", request.id)]
        )
        self.assertEqual(sum(adjustments.mapped("amount")), 0.0)
        self.assertIn(reversal, adjustments.move_id)

    def test_plain_entry_cannot_settle_a_key_account_invoice(self):
        receivable = self.old.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.journal.id,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": receivable.account_id.id,
                            "partner_id": self.customer.id,
                            "credit": 50000.0,
                        }
                    ),
                    Command.create({"account_id": self.bad_debt.id, "debit": 50000.0}),
                ],
            }
        )
        entry.action_post()
        with self.assertRaises(UserError):
            (receivable | entry.line_ids.filtered("credit")).with_user(
                self.accountant
            ).reconcile()

    def test_payment_cannot_write_off_the_difference(self):
        wizard = (
            self.env["account.payment.register"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=self.old.ids)
            .create(
                {
                    "amount": 45000.0,
                    "payment_difference_handling": "reconcile",
                    "writeoff_account_id": self.bad_debt.id,
                    "writeoff_label": "Short payment",
                }
            )
        )
        with self.assertRaises(UserError):
            wizard._create_payments()
        wizard.payment_difference_handling = "open"
        wizard._create_payments()
        self.assertEqual(self.old.amount_residual, 5000.0)

    def test_recovery_books_positive_revenue(self):
        request = self._approved()
        request.with_user(self.accountant).action_post()

        def recover(user, amount):
            wizard = (
                self.env["key_account.writeoff.recovery"]
                .with_user(user)
                .create({"writeoff_id": request.id, "amount": amount})
            )
            return wizard.action_confirm()

        with self.assertRaises(AccessError):
            recover(self.rep_a, 1000.0)
        with self.assertRaises(UserError):
            recover(self.accountant, 60000.0)
        move = self.env["account.move"].browse(
            recover(self.accountant, 8000.0)["res_id"]
        )
        self.assertEqual(move.state, "posted")
        self.assertEqual(request.recovered_amount, 8000.0)
        adjustments = self.env["key_account.revenue.adjustment"].search(
            [("writeoff_id", "=", request.id)]
        )
        self.assertEqual(sorted(adjustments.mapped("amount")), [-50000.0, 8000.0])
        self.assertEqual(
            adjustments.filtered(lambda a: a.kind == "recovery").user_id, self.rep_a
        )
        # The reopened receivable waits for the customer's payment.
        reopened = move.line_ids.filtered("debit")
        self.assertEqual(reopened.amount_residual, 8000.0)

    def test_negative_revenue_in_sales_analysis(self):
        """SPEC R43, R84: the write-off is negative and the recovery positive
        revenue of the invoice's rep and team in the posting month, in the
        sales analysis, under its record rules."""
        request = self._approved()
        with freeze_time("2025-09-01 02:00"):
            request.with_user(self.accountant).action_post()
            self.env["key_account.writeoff.recovery"].with_user(self.accountant).create(
                {"writeoff_id": request.id, "amount": 8000.0}
            ).action_confirm()
        self.env.flush_all()  # the report is a SQL view
        for tz in ("Asia/Shanghai", "America/New_York", False):
            Report = self.env["sale.report"].with_user(self.rep_a).with_context(tz=tz)
            groups = Report.read_group(
                [("key_account_revenue_kind", "!=", False)],
                [
                    "price_subtotal:sum",
                    "price_total:sum",
                    "untaxed_amount_invoiced:sum",
                ],
                ["date:month", "user_id", "team_id", "key_account_revenue_kind"],
                lazy=False,
            )
            self.assertEqual(
                sorted(
                    (
                        group["date:month"],
                        group["user_id"][0],
                        group["team_id"][0],
                        group["key_account_revenue_kind"],
                        group["price_subtotal"],
                        group["price_total"],
                        group["untaxed_amount_invoiced"],
                    )
                    for group in groups
                ),
                [
                    ("September 2025", self.rep_a.id, self.team.id, kind, *[amount] * 3)
                    for kind, amount in (("recovery", 8000.0), ("writeoff", -50000.0))
                ],
                tz,
            )
        rows = (
            self.env["sale.report"]
            .with_user(self.rep_a)
            .search([("key_account_revenue_kind", "=", "writeoff")])
        )
        self.assertRecordValues(
            rows,
            [
                {
                    "partner_id": self.customer.id,
                    "commercial_partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "state": "sale",
                    "product_id": False,
                    "product_uom_qty": 0.0,
                    "nbr": 0,
                    "name": request.name,
                    "key_account_writeoff_id": request.id,
                }
            ],
        )
        self.assertEqual(rows.action_open_order()["res_id"], request.id)
        # Another rep's sales analysis does not show them; order lines do
        # not get a revenue-adjustment kind.
        self.assertFalse(
            self.env["sale.report"]
            .with_user(self.rep_b)
            .search([("key_account_revenue_kind", "!=", False)])
        )
        order = self._order(1000.0)
        order.with_user(self.rep_a).action_confirm()
        self.env.flush_all()
        lines = (
            self.env["sale.report"]
            .with_user(self.rep_a)
            .search([("order_reference", "=", f"sale.order,{order.id}")])
        )
        self.assertTrue(lines)
        self.assertFalse(any(lines.mapped("key_account_revenue_kind")))
