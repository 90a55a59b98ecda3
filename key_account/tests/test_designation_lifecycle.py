# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Designation and tiers (SPEC R2, R4, R5, R6): the request file with the
principal's contacts and separate licence and tax registration, the tier the
approver chooses, downgrades and revocations decided by the KA head, tiers
changed only through requests, the post-approval stock report."""

from datetime import date
from xmlrpc.client import Fault

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import DIRECTOR, HEAD, REP, KeyAccountCase


class LifecycleCase(KeyAccountCase):
    def _route(self, request):
        return request.review_ids.sorted("sequence").definition_id

    def _xmlids(self, *names):
        return self.env["tier.definition"].concat(
            *[self.env.ref(f"key_account.{name}") for name in names]
        )

    def _submitted(self, **vals):
        request = self._submitted_request(**vals)
        return request


@tagged("post_install", "-at_install")
class TestRequestFile(LifecycleCase):
    """R2: the principal's contacts; licence and tax registration apart."""

    def test_licence_and_tax_registration_are_separate_documents(self):
        request = self._new_request()
        lines = {line.document_type_id.name: line for line in request.document_ids}
        licence = lines["Business Licence"]
        tax = lines["Tax Registration Certificate"]
        self.assertTrue(licence.required and tax.required)
        self._attach(request)
        tax.attachment_ids = False
        with self.assertRaisesRegex(UserError, "Tax Registration Certificate"):
            request.with_user(self.rep_a).action_submit()
        # One scan of a licence carrying the tax number covers both lines.
        tax.with_user(self.rep_a).same_file_as_id = licence
        request.with_user(self.rep_a).action_submit()
        self.assertEqual(request.state, "submitted")

    def test_principal_contacts_required_and_filed(self):
        other = self.env["res.partner"].create(
            {"name": "Mr Wang", "parent_id": self.customer_b.id, "phone": "1"}
        )
        silent = self.env["res.partner"].create(
            {"name": "Ms Zhao", "parent_id": self.customer.id}
        )
        request = self._new_request(principal_id=False)
        self._attach(request)
        with self.assertRaisesRegex(UserError, "principal"):
            request.with_user(self.rep_a).action_submit()
        request.with_user(self.rep_a).principal_id = silent
        with self.assertRaisesRegex(UserError, "phone number or e-mail"):
            request.with_user(self.rep_a).action_submit()
        request.with_user(self.rep_a).write(
            {
                "principal_id": self._principal(self.customer).id,
                "contact_ids": [Command.set((silent | other).ids)],
            }
        )
        with self.assertRaisesRegex(UserError, "Mr Wang: not contacts of ACME Ltd"):
            request.with_user(self.rep_a).action_submit()
        request.with_user(self.rep_a).contact_ids = [Command.unlink(other.id)]
        request.with_user(self.rep_a).action_submit()
        self._approve(request, self.office_manager)
        self._approve(request, self.head)
        self.assertEqual(
            self.customer.key_account_decision_maker_id, self._principal(self.customer)
        )

    def test_form_proposes_the_decision_maker(self):
        principal = self._principal(self.customer)
        self.customer.with_user(self.rep_a).key_account_decision_maker_id = principal
        action = self.customer.with_user(self.rep_a).action_key_account_request()
        form = Form(
            self.env["key_account.request"]
            .with_user(self.rep_a)
            .with_context(**action["context"])
        )
        self.assertEqual(form.principal_id, principal)


@tagged("post_install", "-at_install")
class TestTierChoice(LifecycleCase):
    """R5: the tier suggested from the expected amount, chosen by the
    approver; tiers carry their compensation class."""

    @freeze_time("2025-06-06")  # a Friday
    def test_designation_example(self):
        """Given expected amount 80,000, all documents, level Good, nothing
        overdue, when the rep submits, then it waits for the office manager,
        then the KA head; after both approve the partner is KA with a file
        number, tier C suggested, and a "Report stock and owed goods"
        activity due in 3 working days."""
        request = self._submitted(tier_id=self.tier_c.id, expected_amount=80000.0)
        self.assertEqual(request.suggested_tier_id, self.tier_c)
        self.assertEqual(
            self._route(request),
            self._xmlids("tier_request_office_manager", "tier_request_ka_head"),
        )
        self._approve(request, self.office_manager)
        self.assertFalse(self.customer.is_key_account)
        self._approve(request, self.head)
        self.assertTrue(self.customer.is_key_account)
        self.assertEqual(self.customer.key_account_tier_id, self.tier_c)
        self.assertTrue(self.customer.key_account_file_number)
        activity = self._activities(self.customer, "mail_activity_key_account_report")
        self.assertEqual(activity.user_id, self.rep_a)
        self.assertEqual(activity.date_deadline, date(2025, 6, 11))

    def test_tier_suggested_from_the_expected_amount(self):
        """A ≥ 300,000, B ≥ 100,000, C below: the tiers' own thresholds."""
        self.assertEqual(
            [
                (tier.code, tier.min_annual_revenue)
                for tier in (self.tier_a, self.tier_b, self.tier_c)
            ],
            [("A", 300000.0), ("B", 100000.0), ("C", 0.0)],
        )
        form = Form(
            self.env["key_account.request"]
            .with_user(self.rep_a)
            .with_context(default_partner_id=self.customer.id)
        )
        for amount, tier in (
            (80000.0, self.tier_c),
            (100000.0, self.tier_b),
            (299999.99, self.tier_b),
            (300000.0, self.tier_a),
        ):
            form.expected_amount = amount
            self.assertEqual(form.suggested_tier_id, tier, amount)
            self.assertEqual(form.tier_id, tier, amount)
        # The rep may propose another tier than the suggestion.
        form.tier_id = self.tier_b
        self.assertEqual(form.save().tier_id, self.tier_b)
        # Thresholds are tier data the manager changes.
        self.tier_b.with_user(self.manager).min_annual_revenue = 50000.0
        self.assertEqual(
            self._new_request(expected_amount=80000.0).suggested_tier_id, self.tier_b
        )

    def test_approver_chooses_the_tier(self):
        request = self._submitted(tier_id=self.tier_c.id, expected_amount=80000.0)
        # Not before his turn, nor the requester after submission.
        with self.assertRaises(UserError):
            request.with_user(self.head).tier_id = self.tier_a
        with self.assertRaises(UserError):
            request.with_user(self.rep_a).tier_id = self.tier_a
        self._approve(request, self.office_manager)
        # The KA head's turn: he chooses the tier, nothing else.
        request.with_user(self.head).tier_id = self.tier_a
        with self.assertRaises(UserError):
            request.with_user(self.head).credit_limit = 900000.0
        with self.assertRaises(UserError):
            request.with_user(self.head).write(
                {"tier_id": self.tier_b.id, "credit_limit": 900000.0}
            )
        self._approve(request, self.head)
        self.assertEqual(self.customer.key_account_tier_id, self.tier_a)
        self.assertEqual(self.customer.credit_limit, 50000.0)

    def test_tier_of_a_change_request_is_not_rechosen(self):
        self._make_key_account(self.customer, self.tier_c)
        request = self._submitted(
            kind="tier_change", tier_id=self.tier_b.id, reason="Revenue grew"
        )
        self.assertEqual(self._route(request)[:1].name, "Office manager signs (band 1)")
        with self.assertRaises(UserError):
            request.with_user(self.office_manager).tier_id = self.tier_a

    def test_tier_compensation_class_follows_the_customer(self):
        """R5, R35: a performance-priced tier's customers get the higher
        compensation limits, from designation and tier change on."""
        self.tier_a.with_user(self.manager).compensation_class = "performance"
        self.assertEqual(self.tier_b.compensation_class, "standard")
        request = self._submitted(tier_id=self.tier_a.id, expected_amount=350000.0)
        for reviewer in (self.head, self.deputy_sd, self.sd):
            self._approve(request, reviewer)
        self.assertTrue(self.customer.key_account_performance_priced)
        change = self._submitted(
            kind="tier_change", tier_id=self.tier_b.id, reason="Orders dropped"
        )
        self._approve(change, self.head)
        self.assertEqual(self.customer.key_account_tier_id, self.tier_b)
        self.assertFalse(self.customer.key_account_performance_priced)


@tagged("post_install", "-at_install")
class TestTierChange(LifecycleCase):
    """R6: an upgrade follows the bands, a downgrade the KA head alone;
    nobody else changes a tier, credit or status by hand."""

    def test_downgrade_decided_by_the_head_alone(self):
        self._make_key_account(self.customer, self.tier_a)
        request = self._new_request(
            kind="tier_change", tier_id=self.tier_c.id, expected_amount=450000.0
        )
        self.assertEqual(request.tier_move, "down")
        self._attach(request)
        with self.assertRaisesRegex(UserError, "reason"):
            request.with_user(self.rep_a).action_submit()
        request.with_user(self.rep_a).reason = "Orders fell by half"
        request.with_user(self.rep_a).action_submit()
        self.assertEqual(request.amount_band, "3")
        self.assertEqual(self._route(request), self._xmlids("tier_request_ka_head"))
        with self.assertRaises(AccessError):
            self._approve(request, self.deputy_sd)
        self._approve(request, self.head)
        self.assertEqual(request.state, "approved")
        self.assertEqual(self.customer.key_account_tier_id, self.tier_c)
        self.assertEqual(request.previous_tier_id, self.tier_a)
        self.assertEqual(request.tier_move, "down", "kept once applied")

    def test_upgrade_follows_the_bands(self):
        self._make_key_account(self.customer, self.tier_c)
        request = self._submitted(
            kind="tier_change",
            tier_id=self.tier_a.id,
            expected_amount=450000.0,
            reason="Revenue tripled",
        )
        self.assertEqual(request.tier_move, "up")
        self.assertEqual(
            self._route(request),
            self._xmlids(
                "tier_request_ka_head", "tier_request_deputy_sd", "tier_request_sd"
            ),
        )

    def test_same_tier_refused(self):
        self._make_key_account(self.customer, self.tier_b)
        request = self._new_request(
            kind="tier_change", tier_id=self.tier_b.id, reason="Nothing new"
        )
        self._attach(request)
        with self.assertRaisesRegex(UserError, "already has the tier B – Core"):
            request.with_user(self.rep_a).action_submit()

    def test_director_changes_only_through_requests(self):
        self._make_key_account(self.customer, self.tier_b)
        for user in (self.head, self.deputy_sd, self.manager):
            for vals in (
                {"key_account_tier_id": self.tier_a.id},
                {"key_account_credit_level_id": self.level_watch.id},
                {"credit_limit": 1.0},
                {"key_account_state": "suspended"},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaisesRegex(
                        AccessError, "approved key-account request"
                    ):
                        self.customer.with_user(user).write(vals)
        self.assertEqual(self.customer.key_account_tier_id, self.tier_b)
        self.assertTrue(self.customer.is_key_account)


@tagged("post_install", "-at_install")
class TestRevocation(LifecycleCase):
    """R6: a revocation request, decided by the KA head, ends the status; the
    revoked customer no longer counts as a key account anywhere."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_key_account(
            cls.customer,
            cls.tier_a,
            key_account_since=fields.Date.today() - relativedelta(years=1),
        )
        cls.customer.sudo().key_account_file_number = "KA-2024-0001"

    def _revocation(self, user):
        action = self.customer.with_user(user).action_key_account_revoke()
        form = Form(
            self.env["key_account.request"]
            .with_user(user)
            .with_context(**action["context"])
        )
        self.assertEqual(form.kind, "suspension")
        form.reason = "Stopped ordering after the merger"
        return form.save()

    def test_revocation_ends_the_status_everywhere(self):
        invoice = self._invoice(
            self.customer,
            1000.0,
            fields.Date.today() - relativedelta(months=4),
            fields.Date.today() - relativedelta(months=3),
        )
        self.assertTrue(invoice.key_account_customer)
        request = self._revocation(self.rep_a)
        request.with_user(self.rep_a).action_submit()
        self.assertEqual(self._route(request), self._xmlids("tier_request_ka_head"))
        with self.assertRaises(AccessError):
            self._approve(request, self.rep_a)
        with self.assertRaises(AccessError):
            self._approve(request, self.office_manager)
        self.assertTrue(self.customer.is_key_account)
        self._approve(request, self.head)
        self.assertRecordValues(
            self.customer,
            [
                {
                    "key_account_state": "suspended",
                    "is_key_account": False,
                    "key_account_tier_id": False,
                    # The file and its history stay.
                    "key_account_file_number": "KA-2024-0001",
                }
            ],
        )
        labels = dict(
            self.env["res.partner"]
            ._fields["key_account_state"]
            ._description_selection(self.env)
        )
        self.assertEqual(labels["suspended"], "Revoked")
        # Rules: its orders need no key-account approval, its invoices leave
        # the overdue ladder.
        order = (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .create({"partner_id": self.customer.id})
        )
        self.assertFalse(order.key_account_needs_approval)
        self.assertFalse(invoice.key_account_customer)
        # Crons: no tier suggestion, no visit due.
        self.env["key_account.tier.suggestion"]._cron_suggest()
        self.assertFalse(
            self.env["key_account.tier.suggestion"].search(
                [("partner_id", "=", self.customer.id)]
            )
        )
        self.assertFalse(self.customer.key_account_visit_due_date)
        # KPIs: lost in the month of its revocation, not at the start of the
        # next one.
        today = fields.Date.today()
        month = today.replace(day=1)
        kpi = self.env["key_account.kpi"].with_user(self.rep_a)
        churn = kpi._churn_by_user(
            self.rep_a.ids, month, month + relativedelta(months=1, days=-1)
        )
        self.assertEqual(churn[self.rep_a.id], (1, 1))
        later = month + relativedelta(months=1)
        self.assertFalse(
            kpi._churn_by_user(
                self.rep_a.ids, later, later + relativedelta(months=1, days=-1)
            )
        )
        self.assertFalse(
            self.env["res.partner"].search(
                [("id", "=", self.customer.id), ("is_key_account", "=", True)]
            )
        )

    def test_head_does_not_decide_his_own_revocation(self):
        request = self._revocation(self.head)
        request.with_user(self.head).action_submit()
        with self.assertRaises(AccessError):
            self._approve(request, self.head)
        other_head = new_test_user(
            self.env, "ka_head_2", groups=f"base.group_user,{DIRECTOR},{HEAD}"
        )
        self._approve(request, other_head)
        self.assertFalse(self.customer.is_key_account)

    def test_revoked_customer_designated_again(self):
        revocation = self._revocation(self.rep_a)
        revocation.with_user(self.rep_a).action_submit()
        self._approve(revocation, self.head)
        request = self._submitted(tier_id=self.tier_c.id)
        self.assertEqual(self.customer.key_account_state, "requested")
        self._reject(request, self.office_manager, "Not yet")
        self.assertEqual(self.customer.key_account_state, "suspended")
        again = self._submitted(tier_id=self.tier_c.id)
        self._approve(again, self.office_manager)
        self._approve(again, self.head)
        self.assertTrue(self.customer.is_key_account)
        self.assertEqual(self.customer.key_account_file_number, "KA-2024-0001")

    def test_revocation_only_of_a_key_account(self):
        with self.assertRaisesRegex(UserError, "not a key account"):
            self.customer_b.with_user(self.rep_b).action_key_account_revoke()


@tagged("post_install", "-at_install")
class TestPostApprovalReport(LifecycleCase):
    """R4: overdue stock reports listed to the KA head; the report's stock
    and backorder section."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.office = cls.env["stock.warehouse"].create(
            {"name": "Shanghai Office", "code": "SHO"}
        )
        cls.toner = cls.env["product.product"].create(
            {"name": "Toner T-100", "is_storable": True}
        )
        cls.paper = cls.env["product.product"].create(
            {"name": "Paper A4", "is_storable": True}
        )

    def _designate(self):
        request = self._submitted(tier_id=self.tier_c.id, warehouse_id=self.office.id)
        self._approve(request, self.office_manager)
        self._approve(request, self.head)
        return self._activities(self.customer, "mail_activity_key_account_report")

    def _deliver_part(self):
        """8 toner owed, 5 delivered: a backorder of 3."""
        stock = self.office.lot_stock_id
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(self.toner, stock, 5)
        hold = self.env["stock.location"]._key_account_hold_location(
            self.customer, self.office
        )
        Quant._update_available_quantity(self.paper, hold, 40)
        Quant._update_available_quantity(self.paper, stock, 100)
        picking_type = self.office.out_type_id
        customers = self.env.ref("stock.stock_location_customers")
        picking = self.env["stock.picking"].create(
            {
                "partner_id": self.customer.id,
                "picking_type_id": picking_type.id,
                "location_id": stock.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.toner.name,
                            "product_id": self.toner.id,
                            "product_uom_qty": 8,
                            "product_uom": self.toner.uom_id.id,
                            "location_id": stock.id,
                            "location_dest_id": customers.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking._action_done()
        backorder = self.env["stock.picking"].search(
            [("backorder_id", "=", picking.id)]
        )
        self.assertEqual(backorder.move_ids.product_uom_qty, 3.0)
        return backorder

    def test_overdue_reports_listed_to_the_head(self):
        with freeze_time("2025-06-06"):
            activity = self._designate()
        self.assertEqual(activity.date_deadline, date(2025, 6, 11))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_report_overdue"
        )
        Partner = self.env["res.partner"].with_user(self.head)
        overdue = safe_eval(action["domain"]) + [
            ("key_account_report_overdue", "=", True)
        ]
        with freeze_time("2025-06-11"):
            self.assertFalse(Partner.search(overdue))
        with freeze_time("2025-06-12"):
            self.assertEqual(Partner.search(overdue), self.customer)
            self.assertTrue(
                self.customer.with_user(self.head).key_account_report_overdue
            )
            activity.with_user(self.rep_a).action_feedback(
                feedback="Contacts confirmed"
            )
            self.assertFalse(Partner.search(overdue))
            self.assertFalse(self.customer.key_account_report_deadline)
        menu = self.env.ref("key_account.menu_key_account_report_overdue")
        self.assertIn(
            self.env.ref("key_account.group_key_account_director"), menu.groups_id
        )

    def test_report_lists_stock_and_backorders(self):
        activity = self._designate()
        backorder = self._deliver_part()
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.rep_a)
            ._render_qweb_html(
                "key_account.action_report_key_account_stock", self.customer.ids
            )
        )
        html = html.decode()
        row = r'<span>{}</span></td>\s*<td class="text-end"><span>{}</span>'
        for pattern in (
            "Stock and Owed Goods: <span>ACME Ltd</span>",
            "<span>Principal of ACME Ltd</span>",
            r"\(decision maker\)",
            # Held for it; free of what it waits for.
            row.format("Paper A4", "40.0"),
            row.format("Toner T-100", "0.0"),
            # The backorder of the goods owed.
            f"<span>{backorder.name}</span>\\s*<span[^>]*>Backorder</span>",
            row.format("Toner T-100", "3.0"),
        ):
            self.assertRegex(html, pattern)
        # Marking the activity done files the report with the message.
        activity.with_user(self.rep_a).action_feedback(feedback="Contacts confirmed")
        message = self.customer.message_ids.filtered(
            lambda m: "Contacts confirmed" in (m.body or "")
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(
            message.attachment_ids.mapped("name"),
            ["Stock and Owed Goods - ACME Ltd.html"],
        )
        self.assertIn(backorder.name, message.attachment_ids.raw.decode())

    def test_report_only_for_readers_of_the_customer(self):
        self._make_key_account(self.customer)
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.rep_b)._render_qweb_html(
                "key_account.action_report_key_account_stock", self.customer.ids
            )


@tagged("post_install", "-at_install")
class TestLifecycleRpc(HttpCase):
    """Over XML-RPC: a director does not write a tier, a rep does not approve
    his own revocation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(cls.env, "ka_life_rep", groups=f"base.group_user,{REP}")
        cls.head = new_test_user(
            cls.env, "ka_life_head", groups=f"base.group_user,{DIRECTOR},{HEAD}"
        )
        cls.tier_b = cls.env.ref("key_account.tier_b")
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Mine Ltd",
                "is_company": True,
                "user_id": cls.rep.id,
                "key_account_state": "key_account",
                "key_account_tier_id": cls.tier_b.id,
            }
        )

    def _call(self, user, model, method, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, *args
        )

    def test_director_writing_the_tier_is_refused(self):
        tier_a = self.env.ref("key_account.tier_a")
        for vals in (
            {"key_account_tier_id": tier_a.id},
            {"key_account_state": "suspended"},
            {"credit_limit": 1.0},
        ):
            with self.subTest(vals=vals), self.assertRaises(Fault) as err:
                self._call(self.head, "res.partner", "write", [[self.partner.id], vals])
            self.assertIn("approved key-account request", err.exception.faultString)
        self.partner.invalidate_recordset()
        self.assertEqual(self.partner.key_account_tier_id, self.tier_b)
        self.assertTrue(self.partner.is_key_account)

    def test_rep_approving_his_own_revocation_is_refused(self):
        request_id = self._call(
            self.rep,
            "key_account.request",
            "create",
            [
                {
                    "kind": "suspension",
                    "partner_id": self.partner.id,
                    "reason": "Stopped ordering",
                }
            ],
        )
        self._call(self.rep, "key_account.request", "action_submit", [[request_id]])
        for method in ("validate_tier", "_validate_tier", "_on_approved"):
            with self.subTest(method=method), self.assertRaises(Fault):
                self._call(self.rep, "key_account.request", method, [[request_id]])
        with self.assertRaises(Fault):
            self._call(
                self.rep,
                "key_account.request",
                "write",
                [[request_id], {"state": "approved"}],
            )
        request = self.env["key_account.request"].browse(request_id)
        self.assertEqual(request.state, "submitted")
        self.assertTrue(self.partner.is_key_account)
