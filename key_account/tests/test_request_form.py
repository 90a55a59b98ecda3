# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import KeyAccountCase


@tagged("post_install", "-at_install")
class TestRequestForm(KeyAccountCase):
    """The designation request as the rep opens it from the customer: one
    draft per customer, nothing saved untouched, the checklist shown before
    the first save, one file for several documents."""

    def _open(self, partner, user):
        """The partner form's request button, as ``user``: the action and the
        form it opens."""
        action = partner.with_user(user).action_key_account_request()
        requests = self.env["key_account.request"].with_user(user)
        if action.get("res_id"):
            return action, Form(requests.browse(action["res_id"]))
        return action, Form(requests.with_context(**action["context"]))

    def test_button_opens_the_users_draft(self):
        Request = self.env["key_account.request"]
        action, form = self._open(self.customer, self.rep_a)
        self.assertNotIn("res_id", action)
        self.assertEqual(action["context"]["default_kind"], "designation")
        form.tier_id = self.tier_c
        draft = form.save()
        first = self.customer.with_user(self.rep_a).action_key_account_request()
        second = self.customer.with_user(self.rep_a).action_key_account_request()
        self.assertEqual(first["res_id"], draft.id)
        self.assertEqual(second["res_id"], draft.id)
        self.assertEqual(
            Request.search_count([("partner_id", "=", self.customer.id)]), 1
        )
        # From a contact of the customer too.
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.customer.id}
        )
        self.assertEqual(
            contact.with_user(self.rep_a).action_key_account_request()["res_id"],
            draft.id,
        )
        # Another user's draft is theirs: the office manager starts their own.
        other = self.customer.with_user(self.office_manager)
        self.assertNotIn("res_id", other.action_key_account_request())
        # A cancelled request is not reopened.
        draft.with_user(self.rep_a).action_cancel()
        self.assertNotIn(
            "res_id", self.customer.with_user(self.rep_a).action_key_account_request()
        )

    def test_untouched_new_request_is_not_saved(self):
        """The web client saves a new record on leaving or reloading whenever
        it is valid: a request opened from the customer is valid only once
        the rep chose the tier (designation) or gave the reason (change)."""
        Request = self.env["key_account.request"]
        _action, form = self._open(self.customer, self.rep_a)
        self.assertEqual(form.partner_id, self.customer)
        self.assertFalse(form.document_ids, "no checklist line made in the form")
        with self.assertRaisesRegex(AssertionError, "tier_id"):
            form.save()
        self.assertFalse(Request.search([("partner_id", "=", self.customer.id)]))
        # A change request: the current tier is proposed, the reason is asked.
        self._make_key_account(self.customer, self.tier_b)
        action, form = self._open(self.customer, self.rep_a)
        self.assertEqual(action["context"]["default_kind"], "tier_change")
        self.assertEqual(form.tier_id, self.tier_b)
        with self.assertRaisesRegex(AssertionError, "reason"):
            form.save()
        self.assertFalse(Request.search([("partner_id", "=", self.customer.id)]))

    def test_checklist_shown_before_the_first_save(self):
        _action, form = self._open(self.customer, self.rep_a)
        shown = form.checklist_type_ids[:]
        self.assertIn(
            "Key-Account Application Form", shown.mapped("name"), "designation list"
        )
        self.assertEqual(set(shown.mapped("request_kind")), {"designation"})
        form.kind = "credit_change"
        kinds = form.checklist_type_ids[:]
        self.assertEqual(set(kinds.mapped("request_kind")), {"credit_change"})
        form.kind = "designation"
        form.tier_id = self.tier_c
        request = form.save()
        self.assertEqual(request.document_ids.document_type_id, shown)

    def test_one_file_serves_several_documents(self):
        request = self._new_request()
        lines = request.document_ids.sorted("sequence")
        application, contract = lines[0], lines[1]
        rest = lines - application - contract
        env = request.with_user(self.rep_a).env
        scan = self._file(request, "application-and-contract.pdf")
        application.with_env(env).attachment_ids = [Command.link(scan.id)]
        contract.with_env(env).same_file_as_id = application
        self.assertTrue(contract.provided)
        for line in rest:
            line.with_env(env).attachment_ids = [
                Command.link(self._file(request, f"{line.id}.pdf").id)
            ]
        request.with_user(self.rep_a).action_submit()
        self.assertEqual(request.state, "submitted")
        # Only a line of the same request that holds its own file is shared.
        customer_c = self.env["res.partner"].create(
            {"name": "Gamma Ltd", "is_company": True, "user_id": self.rep_a.id}
        )
        other = self._new_request(partner=customer_c)
        first, second, third = other.with_env(env).document_ids[:3]
        with self.assertRaises(ValidationError):
            first.same_file_as_id = first
        with self.assertRaises(ValidationError):
            first.same_file_as_id = application.with_env(env)
        second.same_file_as_id = third
        with self.assertRaises(ValidationError):
            first.same_file_as_id = second
        self.assertFalse(second.provided, "the line it points to has no file yet")

    def test_resubmission_keeps_shared_files(self):
        request = self._new_request(expected_amount=150000.0)
        self._attach(request)
        lines = request.document_ids.sorted("sequence")
        env = request.with_user(self.rep_a).env
        lines[1].with_env(env).attachment_ids = [Command.clear()]
        lines[1].with_env(env).same_file_as_id = lines[0]
        request.with_user(self.rep_a).action_submit()
        self._reject(request, self.head, "Prices below floor")
        action = request.with_user(self.rep_a).action_resubmit()
        new = self.env["key_account.request"].browse(action["res_id"])
        new_lines = new.document_ids.sorted("sequence")
        self.assertEqual(new_lines[1].same_file_as_id, new_lines[0])
        self.assertEqual(new_lines[0].attachment_ids, lines[0].attachment_ids)
        self.assertTrue(all(new.document_ids.mapped("provided")))
