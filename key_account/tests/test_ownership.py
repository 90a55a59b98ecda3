# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import REP, KeyAccountCase


@tagged("post_install", "-at_install")
class TestOwnership(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep_c = new_test_user(cls.env, "ka_rep_c", groups=f"base.group_user,{REP}")
        cls.team.member_ids = [Command.link(cls.rep_c.id)]
        cls.customer.write(
            {
                "vat": "91310000MA1FL0001X",
                "phone": "+86 21 6234 5678",
                "email": "buyer@acme.com.cn",
            }
        )

    def _create_as(self, user, **vals):
        values = {"name": "Somebody Else Ltd", "is_company": True}
        values.update(vals)
        return self.env["res.partner"].with_user(user).create(values)

    # Earliest record wins (R45)
    def test_duplicate_customer_refused_naming_the_owner(self):
        cases = [
            {"vat": "91310000-ma1fl0001x"},
            {"name": "ACME Co., Ltd."},
            {"name": "ａｃｍｅ 有限公司"},
            {"phone": "021-62345678"},
            {"email": "li@ACME.com.cn"},
        ]
        for vals in cases:
            with self.subTest(vals=vals), self.assertRaises(ValidationError) as err:
                self._create_as(self.rep_b, **vals)
            self.assertIn(self.rep_a.name, str(err.exception))
            self.assertIn("ACME Ltd", str(err.exception))

    def test_webmail_and_other_companies_do_not_match(self):
        partner = self._create_as(self.rep_b, email="buyer@qq.com", phone="123")
        self.assertEqual(partner.user_id, self.rep_b, "the recording rep owns it")
        # The owner may record a second company of the same group.
        self._create_as(self.rep_a, name="ACME Ltd.")

    def test_matching_keys_are_settings(self):
        self.company.key_account_match_name = False
        partner = self._create_as(self.rep_b, name="ACME Co., Ltd.")
        self.assertEqual(partner.key_account_name_key, "acme")
        with self.assertRaises(ValidationError):
            partner.write({"vat": "91310000MA1FL0001X"})
        # A pending duplicate name does not block editing other data.
        self.company.key_account_match_name = True
        partner.with_user(self.rep_b).write({"street": "1 Nanjing Road"})
        partner.with_user(self.rep_b).write({"phone": "+86 10 8888 9999"})
        with self.assertRaises(ValidationError):
            partner.with_user(self.rep_b).write({"name": "ACME Ltd"})
        with self.assertRaises(ValidationError):
            self.company.key_account_contact_days = 0

    def test_import_refused_too(self):
        result = (
            self.env["res.partner"]
            .with_user(self.rep_b)
            .load(
                ["name", "is_company", "vat"],
                [["Acme (import)", "1", "91310000MA1FL0001X"]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertIn(
            self.rep_a.name, " ".join(m["message"] for m in result["messages"])
        )

    # Owner changes only through the reassignment (R49)
    def test_owner_not_written_directly(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.rep_a).write({"user_id": self.rep_b.id})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.head).write({"user_id": self.rep_b.id})
        self.assertEqual(self.customer.user_id, self.rep_a)
        # An unowned customer is assigned by the KA head (R46); it is recorded.
        orphan = self.env["res.partner"].create(
            {"name": "Orphan Ltd", "is_company": True}
        )
        orphan.with_user(self.head).write({"user_id": self.rep_b.id})
        self.assertRecordValues(
            orphan.key_account_owner_history_ids,
            [{"old_user_id": False, "new_user_id": self.rep_b.id, "kind": "assign"}],
        )
        self.assertEqual(orphan.key_account_contact_state, "pending")

    def _quotation(self, partner, user):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.env["product.product"]
                            .create({"name": "Widget", "list_price": 10.0})
                            .id,
                            "product_uom_qty": 1,
                        }
                    )
                ],
            }
        )

    def test_reassignment_by_the_ka_head(self):
        quotation = self._quotation(self.customer, self.rep_a)
        paid_late = self._invoice(self.customer, 1000.0, "2025-01-10")
        paid_late.invoice_user_id = self.rep_a
        contact = self.env["res.partner"].create(
            {
                "name": "Buyer Wang",
                "parent_id": self.customer.id,
                "user_id": self.rep_a.id,
            }
        )
        Wizard = self.env["key_account.reassign.wizard"].with_user(self.head)
        wizard = Wizard.create(
            {
                "partner_ids": [Command.set(self.customer.ids)],
                "user_id": self.rep_b.id,
                "reason": "  ",
            }
        )
        with self.assertRaises(UserError):
            wizard.action_apply()
        wizard.reason = "Purchasing moved to Beijing"
        self.assertTrue(wizard.action_apply())
        self.assertEqual(self.customer.user_id, self.rep_b)
        self.assertEqual(contact.user_id, self.rep_b)
        self.assertEqual(quotation.user_id, self.rep_b, "open quotations move")
        self.assertEqual(paid_late.invoice_user_id, self.rep_a, "posted invoices stay")
        history = self.customer.key_account_owner_history_ids.filtered(
            lambda h: h.kind == "reassign"
        )
        self.assertRecordValues(
            history,
            [
                {
                    "old_user_id": self.rep_a.id,
                    "new_user_id": self.rep_b.id,
                    "reason": "Purchasing moved to Beijing",
                    "changed_by_id": self.head.id,
                }
            ],
        )
        # Unpaid posted invoices move only when ticked.
        Wizard.create(
            {
                "partner_ids": [Command.set(self.customer.ids)],
                "user_id": self.rep_c.id,
                "reason": "Back to Shanghai",
                "move_open_invoices": True,
            }
        ).action_apply()
        self.assertEqual(paid_late.invoice_user_id, self.rep_c)
        # The history is never changed nor deleted.
        with self.assertRaises(UserError):
            history.with_user(self.head).unlink()
        with self.assertRaises(UserError):
            history.with_user(self.head).write({"reason": "nothing"})
        with self.assertRaises(UserError):
            history.sudo().unlink()

    def test_rep_cannot_reassign(self):
        with self.assertRaises(AccessError):
            self.env["key_account.reassign.wizard"].with_user(self.rep_a).create(
                {
                    "partner_ids": [Command.set(self.customer.ids)],
                    "user_id": self.rep_a.id,
                    "reason": "mine",
                }
            )

    def test_office_manager_reassigns_within_the_team(self):
        Wizard = self.env["key_account.reassign.wizard"].with_user(self.office_manager)
        Wizard.create(
            {
                "partner_ids": [Command.set(self.customer.ids)],
                "user_id": self.rep_c.id,
                "reason": "Rep A overloaded",
            }
        ).action_apply()
        self.assertEqual(self.customer.user_id, self.rep_c)
        with self.assertRaises(AccessError):
            Wizard.create(
                {
                    "partner_ids": [Command.set(self.customer.ids)],
                    "user_id": self.rep_b.id,
                    "reason": "To Beijing",
                }
            ).action_apply()
        # Nor to someone who is not an active rep (R44).
        with self.assertRaises(ValidationError):
            self.env["key_account.reassign.wizard"].with_user(self.head).create(
                {
                    "partner_ids": [Command.set(self.customer.ids)],
                    "user_id": self.env.ref("base.user_root").id,
                    "reason": "bot",
                }
            ).action_apply()

    # Leavers (R48)
    def test_leaver_customers_handed_over_with_files_intact(self):
        invoice = self._invoice(self.customer, 500.0, "2025-03-01")
        invoice.invoice_user_id = self.rep_a
        self._make_key_account(self.customer)
        file_number = self.customer.key_account_file_number
        self.rep_a.active = False
        wizard = (
            self.env["key_account.leaver.wizard"]
            .with_user(self.head)
            .create(
                {"leaver_id": self.rep_a.id, "mode": "one", "user_id": self.rep_c.id}
            )
        )
        self.assertEqual(wizard.partner_ids, self.customer)
        wizard.action_apply()
        self.assertEqual(self.customer.user_id, self.rep_c)
        self.assertEqual(self.customer.key_account_file_number, file_number)
        self.assertEqual(invoice.invoice_user_id, self.rep_a)
        self.assertEqual(
            self.customer.key_account_owner_history_ids.sorted()[:1].kind, "leaver"
        )
        with self.assertRaises(UserError):
            self.env["key_account.leaver.wizard"].with_user(self.head).create(
                {"leaver_id": self.rep_a.id, "mode": "one", "user_id": self.rep_c.id}
            ).action_apply()

    def test_leaver_customers_spread_over_available_reps(self):
        self.rep_c.key_account_away = True
        self.rep_b.active = False
        self.env["key_account.leaver.wizard"].with_user(self.head).create(
            {"leaver_id": self.rep_b.id, "mode": "balance"}
        ).action_apply()
        self.assertEqual(self.customer_b.user_id, self.rep_a, "rep C is away")
        # An office manager may not take customers out of another team.
        self.rep_a.active = False
        self.rep_b.active = True
        with self.assertRaises(AccessError):
            self.env["key_account.leaver.wizard"].with_user(self.office_manager).create(
                {"leaver_id": self.rep_a.id, "mode": "one", "user_id": self.rep_b.id}
            ).action_apply()

    # Distribution (R46)
    def test_distribution_balances_and_skips_away_reps(self):
        self.rep_a.key_account_away = True
        inv = self._invoice(self.customer_b, 900000.0, fields.Date.today())
        inv.invoice_user_id = self.rep_b
        leads = self.env["res.partner"].create(
            [{"name": f"Lead {i}", "is_company": True} for i in range(3)]
        )
        wizard = (
            self.env["key_account.distribute.wizard"]
            .with_user(self.head)
            .create({"partner_ids": [Command.set(leads.ids)]})
        )
        self.assertNotIn(self.rep_a, wizard.user_ids)
        self.assertIn(self.rep_b, wizard.user_ids)
        wizard.user_ids = self.rep_b | self.rep_c | self.rep_a
        loads = {line.user_id: (line.count, line.revenue) for line in wizard.line_ids}
        self.assertEqual(loads[self.rep_b], (1, 900000.0))
        wizard.action_apply()
        # Rep B carries customer and revenue: rep C gets the leads first.
        self.assertEqual(leads.mapped("user_id"), self.rep_c)
        self.assertEqual(
            set(leads.key_account_owner_history_ids.mapped("kind")), {"distribution"}
        )
        with self.assertRaises(AccessError):
            self.env["key_account.distribute.wizard"].with_user(self.rep_b).create(
                {"partner_ids": [Command.set(leads.ids)]}
            )

    # First contact within 7 days (R47)
    def test_uncontacted_customers_flagged_and_proposed(self):
        with freeze_time("2025-06-02 09:00:00"):
            quiet = self._create_as(self.rep_a, name="Quiet Ltd")
            busy = self._create_as(self.rep_a, name="Busy Ltd")
        with freeze_time("2025-06-04 10:00:00"):
            busy.with_user(self.rep_a).activity_schedule(
                "mail.mail_activity_data_call", user_id=self.rep_a.id
            ).with_user(self.rep_a).action_feedback("Called the buyer")
        Partner = self.env["res.partner"]
        with freeze_time("2025-06-08 10:00:00"):
            Partner._cron_key_account_first_contact()
        self.assertEqual(quiet.key_account_contact_state, "pending", "not 7 days yet")
        with freeze_time("2025-06-09 10:00:00"):
            Partner._cron_key_account_first_contact()
            Partner._cron_key_account_first_contact()
        self.assertEqual(busy.key_account_contact_state, "contacted")
        self.assertEqual(quiet.key_account_contact_state, "uncontacted")
        self.assertEqual(quiet.user_id, self.rep_a, "proposed, not moved")
        alert = self._activities(quiet, "mail_activity_key_account_no_contact")
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.user_id, self.office_manager)
        self.assertFalse(self._activities(busy, "mail_activity_key_account_no_contact"))

    def test_uncontacted_customers_reassigned_in_batches(self):
        self.company.key_account_no_contact_action = "reassign"
        self.company.key_account_contact_days = 3
        with freeze_time("2025-06-02 09:00:00"):
            quiet = self._create_as(self.rep_a, name="Quiet Ltd") | self._create_as(
                self.rep_a, name="Silent Ltd"
            )
        Partner = self.env["res.partner"]
        with freeze_time("2025-06-05 10:00:00"):
            self.assertEqual(Partner._cron_key_account_first_contact(batch_size=1), 1)
            self.assertEqual(Partner._cron_key_account_first_contact(batch_size=1), 1)
            self.assertEqual(Partner._cron_key_account_first_contact(batch_size=1), 0)
        for partner in quiet:
            self.assertNotEqual(partner.user_id, self.rep_a)
            self.assertEqual(partner.key_account_contact_state, "pending", "new clock")
            self.assertEqual(
                partner.key_account_owner_history_ids.sorted()[:1].kind, "no_contact"
            )

    def test_first_contact_queries_do_not_grow_with_the_batch(self):
        Partner = self.env["res.partner"]

        def run(size, day):
            with freeze_time("2025-06-02 09:00:00"):
                Partner.create(
                    [
                        {
                            "name": f"Quiet {day}-{i}",
                            "is_company": True,
                            "user_id": self.rep_a.id,
                        }
                        for i in range(size)
                    ]
                )
            self.env.flush_all()
            self.env.invalidate_all()
            with freeze_time(f"2025-06-{day} 10:00:00"):
                before = self.env.cr.sql_log_count
                self.assertEqual(
                    Partner._cron_key_account_first_contact(batch_size=size), size
                )
                self.env.flush_all()
                return self.env.cr.sql_log_count - before

        run(1, "09")  # warm the caches (references, models)
        self.assertEqual(run(2, 10), run(6, 11))

    # Conflicts (R45)
    def test_weekly_conflicts_and_the_head_decides(self):
        # Recorded before the check existed (or by data migration).
        twin = (
            self.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": "ACME Trading Co., Ltd.",
                    "is_company": True,
                    "vat": "91310000 MA1FL0001X",
                    "user_id": self.rep_b.id,
                }
            )
        )
        # Rep B logged the first contact with the customer.
        note_b = twin.with_user(self.rep_b).message_post(
            body="Met the buyer", message_type="comment"
        )
        note_a = self.customer.with_user(self.rep_a).message_post(
            body="Called", message_type="comment"
        )
        note_b.sudo().date = datetime.datetime(2025, 2, 1)
        note_a.sudo().date = datetime.datetime(2025, 3, 10)
        Conflict = self.env["key_account.ownership.conflict"]
        found = Conflict._cron_find_conflicts()
        vat = found.filtered(lambda c: c.kind == "vat")
        self.assertEqual(len(vat), 1)
        self.assertEqual(vat.partner_ids, self.customer | twin)
        self.assertEqual(vat.user_ids, self.rep_a | self.rep_b)
        self.assertEqual(vat.proposed_user_id, self.rep_b)
        self.assertFalse(Conflict._cron_find_conflicts(), "listed once")
        # Reps see their conflicts, only the KA head decides.
        self.assertIn(vat, Conflict.with_user(self.rep_a).search([]))
        with self.assertRaises(AccessError):
            vat.with_user(self.rep_a).action_decide()
        with self.assertRaises(AccessError):
            vat.with_user(self.office_manager).action_decide()
        vat.with_user(self.head).action_decide()
        self.assertEqual(vat.state, "decided")
        self.assertEqual(self.customer.user_id, self.rep_b)
        self.assertEqual(
            self.customer.key_account_owner_history_ids.sorted()[:1].kind, "conflict"
        )
        with self.assertRaises(UserError):
            vat.with_user(self.head).action_decide()

    def test_contact_with_another_reps_customer_listed(self):
        self.customer.with_user(self.rep_b).message_post(
            body="Dropped by", message_type="comment"
        )
        conflict = self.env["key_account.ownership.conflict"]._cron_find_conflicts()
        contact = conflict.filtered(lambda c: c.kind == "contact")
        self.assertEqual(contact.partner_ids, self.customer)
        self.assertEqual(contact.user_ids, self.rep_a | self.rep_b)
        self.assertEqual(
            contact.proposed_user_id, self.rep_b, "only B logged a contact"
        )
        # Scheduling an activity on the customer is a contact too.
        other = self._create_as(self.rep_a, name="Gamma Ltd")
        other.with_user(self.rep_b).activity_schedule(
            "mail.mail_activity_data_call", user_id=self.rep_b.id
        )
        again = self.env["key_account.ownership.conflict"]._cron_find_conflicts()
        self.assertEqual(again.partner_ids, other)
        self.assertEqual(again.kind, "contact")
        with self.assertRaises(UserError):
            contact.with_user(self.head).action_dismiss()
        contact.with_user(self.head).write({"decision_note": "Courtesy call"})
        contact.with_user(self.head).action_dismiss()
        self.assertEqual(contact.state, "dismissed")
        self.assertEqual(self.customer.user_id, self.rep_a)
