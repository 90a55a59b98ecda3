# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import KeyAccountCase


@tagged("post_install", "-at_install")
class TestRequest(KeyAccountCase):
    def _reviews(self, request):
        return request.review_ids.sorted("sequence")

    def test_checklist_created_per_kind(self):
        request = self._new_request()
        names = request.document_ids.document_type_id.mapped("name")
        self.assertIn("Draft Contract with Settlement Base Prices", names)
        self.assertIn("Key-Account Application Form", names)
        statement = request.document_ids.filtered(
            lambda d: d.document_type_id.only_if_invoiced
        )
        self.assertFalse(statement.required, "no invoices yet: statement optional")

    def test_submit_with_missing_documents_lists_them(self):
        request = self._new_request()
        with self.assertRaisesRegex(UserError, "Missing documents") as err:
            request.with_user(self.rep_a).action_submit()
        self.assertIn("Draft Contract with Settlement Base Prices", str(err.exception))
        self.assertIn("Office Evaluation", str(err.exception))
        self.assertEqual(request.state, "draft")
        self.assertFalse(request.review_ids)
        self.assertFalse(self.customer.key_account_state)

    def test_statement_required_once_invoiced(self):
        self._invoice(self.customer, 1000.0, fields.Date.today())
        request = self._new_request()
        statement = request.document_ids.filtered(
            lambda d: d.document_type_id.only_if_invoiced
        )
        self.assertTrue(statement.required)
        self.assertEqual(request.past_business, 1000.0)
        self.assertEqual(request.amount_owed, 1000.0)

    def test_eligibility_failures_listed(self):
        request = self._new_request(
            funds_tie_up=False, credit_level_id=self.level_watch.id
        )
        self._attach(request)
        with self.assertRaises(UserError) as err:
            request.with_user(self.rep_a).action_submit()
        message = str(err.exception)
        self.assertIn("ties up company funds", message)
        self.assertIn("Credit level Watch is below the minimum Good", message)

    @freeze_time("2025-03-15")
    def test_overdue_receivable_blocks_designation(self):
        invoice = self._invoice(
            self.customer, 5000.0, "2025-01-01", due_date="2025-01-10"
        )
        request = self._new_request()
        self._attach(request)
        with self.assertRaisesRegex(UserError, "more than 2 months overdue") as err:
            request.with_user(self.rep_a).action_submit()
        self.assertIn(invoice.name, str(err.exception))

    @freeze_time("2025-03-10")
    def test_overdue_boundary_not_yet(self):
        self._invoice(self.customer, 5000.0, "2025-01-01", due_date="2025-01-10")
        request = self._submitted_request()
        self.assertEqual(request.state, "submitted")

    @freeze_time("2025-06-06")  # a Friday
    def test_band1_route_and_approval_applies(self):
        request = self._submitted_request(executive_id=self.rep_b.id)
        self.assertEqual(request.amount_band, "1")
        self.assertEqual(self.customer.key_account_state, "requested")
        reviews = self._reviews(request)
        self.assertEqual(
            [r.definition_id for r in reviews],
            [
                self.env.ref("key_account.tier_request_office_manager"),
                self.env.ref("key_account.tier_request_ka_head"),
            ],
        )
        # The KA head cannot act before the office manager (fixed order).
        with self.assertRaises(AccessError):
            self._approve(request, self.head)
        self.assertNotEqual(reviews[1].status, "approved")
        self.assertFalse(reviews[1].done_by)
        self._approve(request, self.office_manager)
        self.assertEqual(reviews[0].status, "approved")
        self.assertEqual(request.state, "submitted")
        self._approve(request, self.head)
        self.assertEqual(request.state, "approved")
        self.assertRecordValues(
            self.customer,
            [
                {
                    "key_account_state": "key_account",
                    "is_key_account": True,
                    "key_account_tier_id": self.tier_c.id,
                    "key_account_credit_level_id": self.level_good.id,
                    "credit_limit": 50000.0,
                    "user_id": self.rep_a.id,
                    "key_account_executive_id": self.rep_b.id,
                }
            ],
        )
        self.assertTrue(self.customer.key_account_file_number.startswith("KA-2025-"))
        activity = self._activities(self.customer, "mail_activity_key_account_report")
        self.assertEqual(activity.user_id, self.rep_a)
        # 3 working days after Friday 2025-06-06 is Wednesday 2025-06-11.
        self.assertEqual(activity.date_deadline, fields.Date.to_date("2025-06-11"))

    def test_band_boundaries_select_route(self):
        expectations = {
            99999.99: ["tier_request_office_manager", "tier_request_ka_head"],
            100000.0: ["tier_request_ka_head", "tier_request_deputy_sd"],
            299999.99: ["tier_request_ka_head", "tier_request_deputy_sd"],
            300000.0: [
                "tier_request_ka_head",
                "tier_request_deputy_sd",
                "tier_request_sd",
            ],
        }
        for amount, xmlids in expectations.items():
            with self.subTest(amount=amount):
                partner = self.env["res.partner"].create(
                    {
                        "name": f"Cust {amount}",
                        "is_company": True,
                        "user_id": self.rep_a.id,
                    }
                )
                request = self._submitted_request(
                    partner=partner, expected_amount=amount
                )
                self.assertEqual(
                    self._reviews(request).mapped("definition_id"),
                    self.env["tier.definition"].concat(
                        *[self.env.ref(f"key_account.{x}") for x in xmlids]
                    ),
                )

    def test_band3_needs_all_three(self):
        request = self._submitted_request(expected_amount=450000.0)
        self._approve(request, self.head)
        self._approve(request, self.deputy_sd)
        self.assertEqual(request.state, "submitted")
        self.assertFalse(self.customer.is_key_account)
        self._approve(request, self.sd)
        self.assertEqual(request.state, "approved")
        self.assertTrue(self.customer.is_key_account)

    def test_rep_cannot_approve_or_forge(self):
        request = self._submitted_request(expected_amount=150000.0)
        with self.assertRaises(AccessError):
            self._approve(request, self.rep_a)
        self.assertEqual(request.validation_status, "pending")
        review = self._reviews(request)[0]
        with self.assertRaises(AccessError):
            review.with_user(self.rep_a).write({"status": "approved"})
        with self.assertRaises(AccessError):
            review.with_user(self.rep_a).unlink()
        with self.assertRaises(AccessError):
            self.env["tier.review"].with_user(self.rep_a).create(
                {
                    "model": "key_account.request",
                    "res_id": request.id,
                    "definition_id": review.definition_id.id,
                    "status": "approved",
                }
            )
        self.assertEqual(request.state, "submitted")

    def test_submitted_request_is_locked(self):
        request = self._submitted_request()
        with self.assertRaises(UserError):
            request.with_user(self.rep_a).write({"tier_id": self.tier_a.id})
        with self.assertRaises(AccessError):
            request.with_user(self.rep_a).write({"state": "approved"})
        with self.assertRaises(UserError):
            request.with_user(self.rep_a).unlink()
        with self.assertRaisesRegex(UserError, "documents of a submitted request"):
            request.document_ids[:1].with_user(self.rep_a).attachment_ids = False
        with self.assertRaisesRegex(UserError, "cannot be restarted"):
            request.with_user(self.rep_a).restart_validation()
        self.assertEqual(request.tier_id, self.tier_c)
        self.assertEqual(len(request.review_ids), 2)

    def test_rep_cannot_write_state_in_draft(self):
        request = self._new_request()
        with self.assertRaises(AccessError):
            request.with_user(self.rep_a).write({"state": "approved"})

    def test_rejection_records_reason_and_allows_resubmission(self):
        request = self._submitted_request(expected_amount=150000.0)
        with self.assertRaisesRegex(UserError, "reason for the rejection"):
            request.with_user(self.head)._rejected_tier()
        self._reject(request, self.head, "Contract prices below floor")
        self.assertEqual(request.state, "rejected")
        self.assertEqual(request.reject_reason, "Contract prices below floor")
        self.assertEqual(self.customer.key_account_state, "prospect")
        self.assertFalse(self.customer.is_key_account)
        self.assertIn("Contract prices below floor", request.message_ids[:1].body)
        action = request.with_user(self.rep_a).action_resubmit()
        new = self.env["key_account.request"].browse(action["res_id"])
        self.assertEqual(new.state, "draft")
        self.assertEqual(new.previous_request_id, request)
        self.assertTrue(all(new.document_ids.mapped("provided")))
        self.assertEqual(len(request.review_ids), 2, "history kept")

    def test_credit_change_by_head_logs_old_and_new(self):
        self._make_key_account(self.customer, credit_limit=200000.0)
        self._flush_tracking()
        request = self._submitted_request(
            kind="credit_change",
            credit_level_id=self.level_watch.id,
            credit_limit=120000.0,
            reason="Late payments in May",
        )
        self.assertEqual(
            request.review_ids.definition_id,
            self.env.ref("key_account.tier_request_ka_head"),
        )
        self._approve(request, self.head)
        self.assertEqual(self.customer.key_account_credit_level_id, self.level_watch)
        self.assertEqual(self.customer.credit_limit, 120000.0)
        bodies = " ".join(self.customer.message_ids.mapped("body"))
        self.assertIn("200000.0", bodies)
        self.assertIn("120000.0", bodies)
        tracking = self._tracked(self.customer, "key_account_credit_level_id")
        self.assertEqual(tracking[:1].old_value_char, "Good")
        self.assertEqual(tracking[:1].new_value_char, "Watch")

    def test_credit_change_rejected_changes_nothing(self):
        self._make_key_account(self.customer, credit_limit=200000.0)
        request = self._submitted_request(
            kind="credit_change", credit_limit=400000.0, reason="Bigger orders"
        )
        self._reject(request, self.head, "Not justified")
        self.assertEqual(request.state, "rejected")
        self.assertEqual(self.customer.credit_limit, 200000.0)
        self.assertTrue(self.customer.is_key_account)

    def test_change_needs_reason_and_key_account(self):
        request = self._new_request(kind="suspension")
        with self.assertRaises(UserError) as err:
            request.with_user(self.rep_a).action_submit()
        self.assertIn("not a key account", str(err.exception))
        self.assertIn("reason", str(err.exception))

    def test_revocation(self):
        self._make_key_account(self.customer)
        request = self._new_request(kind="suspension", reason="Stopped ordering")
        request.with_user(self.rep_a).action_submit()
        self._approve(request, self.head)
        self.assertEqual(self.customer.key_account_state, "suspended")
        self.assertFalse(self.customer.is_key_account)
        self.assertFalse(self.customer.key_account_tier_id)

    def test_cancel_restores_prospect(self):
        request = self._submitted_request()
        with self.assertRaises(AccessError):
            request.with_user(self.rep_b).action_cancel()
        request.with_user(self.rep_a).action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertEqual(self.customer.key_account_state, "prospect")
        # Never deleted: the pending steps are closed and kept in the
        # history, out of the approvers' queues.
        reviews = request.with_context(active_test=False).review_ids
        self.assertTrue(reviews, "reviews are never deleted")
        self.assertEqual(set(reviews.mapped("status")), {"cancel"})

    def test_form_prefills_from_customer_and_tier(self):
        self._make_key_account(self.customer, self.tier_b, credit_limit=70000.0)
        form = Form(self.env["key_account.request"].with_user(self.rep_a))
        form.kind = "tier_change"
        form.partner_id = self.customer
        self.assertEqual(form.rep_id, self.rep_a)
        self.assertEqual(form.credit_limit, 70000.0)
        self.assertEqual(form.tier_id, self.tier_b)
        form.tier_id = self.tier_a
        form.reason = "Revenue above 300,000"
        request = form.save()
        self.assertEqual(
            request.document_ids.document_type_id.request_kind, "tier_change"
        )

    def test_no_route_leaves_nothing_behind(self):
        self.env["tier.definition"].search(
            [("model", "=", "key_account.request")]
        ).active = False
        request = self._new_request()
        self._attach(request)
        with self.assertRaisesRegex(UserError, "No approval route"):
            request.with_user(self.rep_a).action_submit()
        self.assertEqual(request.state, "draft")
        self.assertFalse(self.customer.key_account_state)

    def test_designation_of_key_account_refused(self):
        self._make_key_account(self.customer)
        request = self._new_request()
        self._attach(request)
        with self.assertRaisesRegex(UserError, "already a key account"):
            request.with_user(self.rep_a).action_submit()

    def test_reviewer_sees_request_to_review(self):
        request = self._submitted_request()
        to_review = (
            self.env["key_account.request"]
            .with_user(self.office_manager)
            .search([("can_review", "=", True)])
        )
        self.assertIn(request, to_review)

    def test_band_follows_amount_and_settings(self):
        request = self._new_request(expected_amount=0.0)
        self.assertEqual(request.amount_band, "1")
        request.with_user(self.rep_a).expected_amount = 300000.0
        self.assertEqual(request.amount_band, "3")
        self.company.key_account_band3_amount = 500000.0
        request.with_user(self.rep_a).expected_amount = 300000.01
        self.assertEqual(request.amount_band, "2")
