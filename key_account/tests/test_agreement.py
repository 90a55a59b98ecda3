# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SUPERVISOR
from .common_order import OrderApprovalCase

REVIEWER = "key_account.group_key_account_contract_reviewer"


class AgreementCase(OrderApprovalCase):
    """A price system, payment terms and the customer-support supervisor
    for agreement tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.key_account_agreement_required = True
        cls.cs_supervisor = new_test_user(
            cls.env,
            "ka_agreement_cs",
            groups=f"base.group_user,{SUPERVISOR},{REVIEWER}",
        )
        cls.floor = cls.env["product.pricelist"].create(
            {
                "name": "Price System",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.product.id,
                            "compute_price": "fixed",
                            "fixed_price": 100.0,
                        }
                    )
                ],
            }
        )
        cls.company.key_account_floor_pricelist_id = cls.floor
        cls.term_immediate = cls.env.ref("account.account_payment_term_immediate")
        # Setup shortcut: as an approved credit-change request sets it.
        cls.customer.sudo().property_payment_term_id = cls.term_30
        cls.term_45 = cls.env.ref("account.account_payment_term_45days")
        cls.term_60 = cls.env["account.payment.term"].create(
            {
                "name": "90 Days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100, "nb_days": 90}
                    )
                ],
            }
        )

    # Helpers
    def _agreement(self, user=None, **vals):
        values = {"partner_id": self.customer.id}
        values.update(vals)
        return (
            self.env["key_account.agreement"]
            .with_user(user or self.rep_a)
            .create(values)
        )

    def _prices(self, price):
        return self.env["product.pricelist"].create(
            {
                "name": f"Agreed {price}",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.product.id,
                            "compute_price": "fixed",
                            "fixed_price": price,
                        }
                    )
                ],
            }
        )

    def _approved(self, **vals):
        agreement = self._agreement(**vals)
        agreement.with_user(self.rep_a).action_submit()
        if agreement.has_deviation:
            self._approve(agreement, self.head)
        self._approve(agreement, self.cs_supervisor)
        self.assertEqual(agreement.state, "approved")
        return agreement

    def _approved_order(self, **vals):
        order = self._order(**vals)
        order.with_user(self.rep_a).action_request_approval()
        self._approve(order, self.office_manager)
        self._approve(order, self.head)
        self.assertEqual(order.validation_status, "validated")
        return order


@tagged("post_install", "-at_install")
class TestAgreement(AgreementCase):
    """SPEC R20-R26: agreements, their review order, sealing, activation,
    use on orders, renewal and suspension."""

    # Defaults and deviations (R20, R24, R26)
    def test_defaults(self):
        agreement = self._agreement(date_start="2025-03-01")
        self.assertRecordValues(
            agreement,
            [
                {
                    "state": "draft",
                    "user_id": self.rep_a.id,
                    "requester_id": self.rep_a.id,
                    "date_end": fields.Date.to_date("2026-02-28"),
                    "floor_pricelist_id": self.floor.id,
                    "advance_percent": 0.0,
                    "has_deviation": False,
                }
            ],
        )
        self.assertTrue(agreement.name.startswith("KAA/"))
        customer = self.customer.with_user(self.rep_a)
        self.assertEqual(customer.key_account_agreement_count, 1)
        action = customer.action_view_key_account_agreements()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]), agreement
        )

    def test_deviation_detection(self):
        agreement = self._agreement(
            payment_term_id=self.term_45.id,
            rebate_rate=7.0,
            pricelist_id=self._prices(95.0).id,
            clauses="Exclusive supply in the Pudong district.",
        )
        note = agreement.deviation_note
        self.assertTrue(agreement.has_deviation)
        self.assertEqual(agreement.deviation_level, "director")
        self.assertIn("payment term longer than the customer's by 15", note)
        self.assertIn("customer rebate 7 %", note)
        self.assertIn("below the price system", note)
        self.assertIn("Printing Paper", note)
        self.assertIn("non-standard clauses", note)
        # Within the price system and the customer's defaults: no deviation.
        standard = self._agreement(
            payment_term_id=self.term_30.id,
            rebate_rate=5.0,
            pricelist_id=self._prices(120.0).id,
        )
        self.assertFalse(standard.has_deviation)
        # An advance below the tier's default deviates.
        self.tier_b.advance_percent = 30.0
        standard.invalidate_recordset()
        self.assertIn("advance payment", standard.deviation_note)

    # Review order (R21)
    def test_standard_agreement_goes_straight_to_the_supervisor(self):
        agreement = self._agreement(payment_term_id=self.term_30.id)
        agreement.with_user(self.rep_a).action_submit()
        self.assertEqual(agreement.state, "submitted")
        self.assertEqual(
            agreement.review_ids.definition_id,
            self.env.ref("key_account.tier_agreement_cs_supervisor"),
        )
        self._approve(agreement, self.cs_supervisor)
        self.assertEqual(agreement.state, "approved")

    def test_deviating_agreement_ka_head_first(self):
        agreement = self._agreement(rebate_rate=7.0)
        agreement.with_user(self.rep_a).action_submit()
        self.assertEqual(
            agreement.review_ids.sorted("sequence").definition_id,
            self.env.ref("key_account.tier_agreement_ka_head")
            | self.env.ref("key_account.tier_agreement_cs_supervisor"),
        )
        with self.assertRaises(AccessError):
            self._approve(agreement, self.cs_supervisor)
        supervisor_review = agreement.review_ids.filtered(
            lambda r: r.definition_id.reviewer_group_id.users & self.cs_supervisor
        )
        with self.assertRaises(AccessError):
            supervisor_review.with_user(self.cs_supervisor).write(
                {"status": "approved"}
            )
        self.assertEqual(agreement.state, "submitted")
        self._approve(agreement, self.head)
        self.assertEqual(agreement.state, "submitted")
        self._approve(agreement, self.cs_supervisor)
        self.assertEqual(agreement.state, "approved")

    def test_rejected_agreement_is_revised(self):
        agreement = self._agreement()
        agreement.with_user(self.rep_a).action_submit()
        self._reject(agreement, self.cs_supervisor, "Wrong customer address")
        self.assertEqual(agreement.state, "rejected")
        agreement.with_user(self.rep_a).action_draft()
        self.assertEqual(agreement.state, "draft")
        agreement.with_user(self.rep_a).action_submit()
        self.assertEqual(len(agreement.review_ids), 1)

    # Exceptions beyond the KA head (R16, R17)
    def test_exception_needed_beyond_authority(self):
        agreement = self._agreement(rebate_rate=12.0)
        self.assertEqual(agreement.deviation_level, "manager")
        with self.assertRaises(UserError) as err:
            agreement.with_user(self.rep_a).action_submit()
        self.assertIn("exception request", str(err.exception))
        action = agreement.with_user(self.rep_a).action_request_exceptions()
        request = self.env["key_account.exception.request"].browse(
            action["domain"][0][2]
        )
        self.assertRecordValues(
            request,
            [
                {
                    "exception_type": "rebate",
                    "requested_value": 12.0,
                    "required_level": "manager",
                    "document_model": "key_account.agreement",
                    "document_id": agreement.id,
                }
            ],
        )
        request.with_user(self.rep_a).action_submit()
        self._approve(request, self.head)
        self.assertEqual(request.state, "submitted")
        self._approve(request, self.manager)
        self.assertEqual(request.state, "approved")
        agreement.with_user(self.rep_a).action_submit()
        self.assertEqual(agreement.state, "submitted")

    # Rep's limits over RPC
    def test_rep_cannot_approve_or_edit(self):
        agreement = self._agreement()
        agreement.with_user(self.rep_a).action_submit()
        with self.assertRaises(AccessError):
            agreement.with_user(self.rep_a).validate_tier()
        with self.assertRaises(AccessError):
            agreement.review_ids.with_user(self.rep_a).write({"status": "approved"})
        with self.assertRaises(AccessError):
            agreement.with_user(self.rep_a).write({"state": "approved"})
        self._approve(agreement, self.cs_supervisor)
        with self.assertRaises(UserError):
            agreement.with_user(self.rep_a).write({"rebate_rate": 9.0})
        with self.assertRaises(AccessError):
            agreement.with_user(self.rep_a).write({"state": "active"})
        with self.assertRaises(AccessError):
            agreement.with_user(self.rep_a).action_activate()
        # Another rep does not even see it.
        with self.assertRaises(AccessError):
            agreement.with_user(self.rep_b).read(["rebate_rate"])
        self.assertFalse(
            self.env["key_account.agreement"]
            .with_user(self.rep_b)
            .search([("id", "=", agreement.id)])
        )

    # Sealing and activation (R22, R23)
    def test_activation_needs_the_requirement_form(self):
        agreement = self._approved()
        agreement.with_user(self.head).action_sign()
        with self.assertRaises(UserError):
            agreement.with_user(self.cs_supervisor).action_activate()
        form = self._file(agreement, "requirement form.pdf")
        agreement.with_user(self.rep_a).requirement_form_ids = [Command.link(form.id)]
        agreement.with_user(self.cs_supervisor).action_activate()
        self.assertEqual(agreement.state, "active")

    def test_filed_papers_are_kept(self):
        """Past the draft, papers are added, never replaced or removed; the
        customer's sealed copy is fixed once reviewed."""
        agreement = self._approved()
        copy = self._file(agreement, "sealed by customer.pdf")
        agreement.with_user(self.rep_a).customer_sealed_ids = [Command.link(copy.id)]
        agreement.with_user(self.cs_supervisor).action_review_customer_copy()
        other = self._file(agreement, "another copy.pdf")
        with self.assertRaises(UserError):
            agreement.with_user(self.rep_a).customer_sealed_ids = [
                Command.set(other.ids)
            ]
        form = self._file(agreement, "requirement form.pdf")
        agreement.with_user(self.rep_a).requirement_form_ids = [Command.link(form.id)]
        with self.assertRaises(UserError):
            agreement.with_user(self.rep_a).requirement_form_ids = [Command.clear()]
        self.assertEqual(agreement.customer_sealed_ids, copy)
        self.assertEqual(agreement.requirement_form_ids, form)

    def test_customer_sealed_copy_reviewed_before_company_seal(self):
        agreement = self._approved()
        copy = self._file(agreement, "sealed by customer.pdf")
        sealed = self._file(agreement, "sealed.pdf", user=self.cs_supervisor)
        agreement.with_user(self.rep_a).customer_sealed_ids = [Command.link(copy.id)]
        agreement.with_user(self.cs_supervisor).sealed_pdf_ids = [
            Command.link(sealed.id)
        ]
        with self.assertRaises(UserError):
            agreement.with_user(self.cs_supervisor).action_record_company_seal()
        with self.assertRaises(AccessError):
            agreement.with_user(self.rep_a).action_review_customer_copy()
        agreement.with_user(self.cs_supervisor).action_review_customer_copy()
        agreement.with_user(self.cs_supervisor).action_record_company_seal()
        self.assertRecordValues(
            agreement,
            [{"company_sealed": True, "company_sealed_by_id": self.cs_supervisor.id}],
        )

    # Use on orders (R24, R25)
    def test_order_without_agreement_refused(self):
        order = self._order(amount=5000.0)
        self.assertFalse(order.key_account_agreement_id)
        self.assertTrue(order.key_account_agreement_blocks)
        self.assertIn("has no active agreement", order.key_account_agreement_note)
        # Said before the approvers are asked, not after every approval.
        with self.assertRaises(UserError) as err:
            order.with_user(self.rep_a).action_request_approval()
        self.assertIn("approval not requested", str(err.exception))
        self.assertIn("has no active agreement", str(err.exception))
        self.assertFalse(order.review_ids)
        with self.assertRaises(UserError) as err:
            order.with_user(self.rep_a)._key_account_check_agreement()
        self.assertIn("has no active agreement", str(err.exception))
        self.company.key_account_agreement_required = False
        self.assertFalse(order.key_account_agreement_note)
        order.with_user(self.rep_a).action_request_approval()
        self._approve(order, self.office_manager)
        self._approve(order, self.head)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def _activated(self, **vals):
        """An agreement approved, given its requirement form and activated,
        as customer support does."""
        agreement = self._approved(**vals)
        agreement.with_user(self.head).action_sign()
        form = self._file(agreement, "requirement form.pdf")
        agreement.with_user(self.rep_a).requirement_form_ids = [Command.link(form.id)]
        agreement.with_user(self.cs_supervisor).action_activate()
        self.assertEqual(agreement.state, "active")
        return agreement

    def test_quotation_takes_the_agreement_once_it_runs(self):
        waiting = self._order(amount=5000.0)
        # A quotation already under approval (requested while the company did
        # not ask for agreements) takes it too, and its approval restarts.
        self.company.key_account_agreement_required = False
        requested = self._order(amount=5000.0)
        requested.with_user(self.rep_a).action_request_approval()
        self._approve(requested, self.office_manager)
        self.company.key_account_agreement_required = True
        confirmed = self._order(amount=5000.0)
        self.company.key_account_agreement_required = False
        confirmed.with_user(self.rep_a).action_request_approval()
        self._approve(confirmed, self.office_manager)
        self._approve(confirmed, self.head)
        confirmed.with_user(self.rep_a).action_confirm()
        self.company.key_account_agreement_required = True
        self.assertFalse(waiting.key_account_agreement_id)
        agreement = self._activated(payment_term_id=self.term_45.id)
        self.assertEqual(waiting.key_account_agreement_id, agreement)
        self.assertEqual(waiting.payment_term_id, self.term_45)
        self.assertFalse(waiting.key_account_agreement_note)
        self.assertEqual(requested.key_account_agreement_id, agreement)
        self.assertEqual(requested.validation_status, "no", "approval restarted")
        self.assertFalse(
            confirmed.key_account_agreement_id, "a confirmed order keeps its terms"
        )
        waiting.with_user(self.rep_a).action_request_approval()
        self._approve(waiting, self.office_manager)
        self._approve(waiting, self.head)
        waiting.with_user(self.rep_a).action_confirm()
        self.assertEqual(waiting.state, "sale")

    def test_expiring_and_expired_agreement_on_the_quotation(self):
        today = fields.Date.today()
        agreement = self._active_agreement(
            self.customer,
            date_start=today - relativedelta(months=11, days=20),
        )
        self.company.key_account_agreement_notice_days = 30
        order = self._order(amount=5000.0)
        self.assertEqual(order.key_account_agreement_id, agreement)
        self.assertFalse(order.key_account_agreement_blocks)
        self.assertIn("ends on", order.key_account_agreement_note)
        self.company.key_account_agreement_notice_days = 5
        self.assertFalse(order.key_account_agreement_note)
        agreement.write(
            {
                "date_start": today - relativedelta(years=1),
                "date_end": today - relativedelta(days=1),
            }
        )
        self.env["key_account.agreement"]._cron_key_account_agreements()
        self.assertEqual(agreement.state, "expired")
        self.assertTrue(order.key_account_agreement_blocks)
        self.assertIn("expired", order.key_account_agreement_note)
        with self.assertRaises(UserError) as err:
            order.with_user(self.rep_a).action_request_approval()
        self.assertIn("expired", str(err.exception))
        # Its renewal, once running, replaces it on the quotation.
        renewal = self._activated(date_start=today)
        self.assertEqual(order.key_account_agreement_id, renewal)
        self.assertFalse(order.key_account_agreement_blocks)

    def test_order_takes_the_agreement_terms(self):
        prices = self._prices(120.0)
        agreement = self._active_agreement(
            self.customer,
            pricelist_id=prices.id,
            payment_term_id=self.term_45.id,
            rebate_rate=3.0,
        )
        order = (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.rep_a.id,
                    "team_id": self.team.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 10,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        self.assertRecordValues(
            order,
            [
                {
                    "key_account_agreement_id": agreement.id,
                    "pricelist_id": prices.id,
                    "payment_term_id": self.term_45.id,
                    "key_account_rebate_rate": 3.0,
                }
            ],
        )
        self.assertEqual(order.order_line.price_unit, 120.0)
        # Terms agreed in the agreement are not new deviations on the order.
        self.assertFalse(order.key_account_authority_note)
        order.with_user(self.rep_a).action_request_approval()
        self._approve(order, self.office_manager)
        self._approve(order, self.head)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn(order, agreement.order_ids)

    def test_agreed_prices_below_floor_are_the_order_floor(self):
        self._active_agreement(self.customer, pricelist_id=self._prices(95.0).id)
        order = self._order(amount=95.0)
        self.assertEqual(order.order_line._key_account_floor_price(), 95.0)
        self.assertFalse(order.key_account_authority_note)
        cheaper = self._order(amount=80.0)
        self.assertIn("below the floor", cheaper.key_account_authority_note)

    def test_expired_agreement_refused(self):
        agreement = self._active_agreement(self.customer)
        order = self._approved_order(amount=5000.0)
        self.assertEqual(order.key_account_agreement_id, agreement)
        today = fields.Date.today()
        agreement.write(
            {
                "date_start": today - relativedelta(years=1),
                "date_end": today - relativedelta(days=1),
            }
        )
        self.env["key_account.agreement"]._cron_key_account_agreements()
        self.assertEqual(agreement.state, "expired")
        with self.assertRaises(UserError) as err:
            order.with_user(self.rep_a).action_confirm()
        self.assertIn("expired", str(err.exception))
        # An expired agreement is not offered to new quotations.
        self.assertFalse(self._order(amount=5000.0).key_account_agreement_id)

    def _agreement_decision(self, user, agreement, decision, cause):
        """The agreement's decision dialog, opened and confirmed as ``user``
        (the dialog is opened by the agreement's rights-holder; the wizard is
        reachable over RPC by anyone, so it is created directly)."""
        wizard = (
            self.env["key_account.agreement.decision"]
            .with_user(user)
            .create(
                {"agreement_id": agreement.id, "decision": decision, "cause": cause}
            )
        )
        return wizard.action_confirm()

    def test_suspended_agreement_refused_until_resumed(self):
        agreement = self._active_agreement(self.customer)
        order = self._approved_order(amount=5000.0)
        with self.assertRaises(AccessError):
            agreement.with_user(self.rep_a).action_open_decision()
        with self.assertRaises(AccessError):
            self._agreement_decision(self.rep_a, agreement, "suspend", "results off")
        with self.assertRaises(UserError):
            self._agreement_decision(self.cs_supervisor, agreement, "suspend", "   ")
        self._agreement_decision(
            self.cs_supervisor, agreement, "suspend", "Actual CPA 45 % off the test"
        )
        self.assertEqual(agreement.state, "suspended")
        with self.assertRaises(UserError) as err:
            order.with_user(self.rep_a).action_confirm()
        self.assertIn("suspended", str(err.exception))
        with self.assertRaises(AccessError):
            agreement.with_user(self.cs_supervisor).action_open_decision()
        with self.assertRaises(AccessError):
            self._agreement_decision(self.cs_supervisor, agreement, "resume", "ok")
        with self.assertRaises(UserError):
            self._agreement_decision(self.head, agreement, "resume", "")
        self._agreement_decision(self.head, agreement, "resume", "Campaign retargeted")
        self.assertEqual(agreement.state, "active")
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_other_customers_agreement_refused(self):
        self._make_key_account(self.customer_b)
        other = self._active_agreement(self.customer_b, rebate_rate=4.0)
        self._active_agreement(self.customer)
        order = self._order(amount=5000.0)
        order.with_user(self.rep_a).key_account_agreement_id = other
        self.company.key_account_agreement_required = False
        self.assertIn("is not", order.key_account_agreement_note)
        with self.assertRaises(UserError) as err:
            order.with_user(self.rep_a).action_request_approval()
        self.assertIn("is not", str(err.exception))
        with self.assertRaises(UserError) as err:
            order.with_user(self.rep_a)._key_account_check_agreement()
        self.assertIn("is not", str(err.exception))

    def test_one_running_agreement_per_customer(self):
        self._active_agreement(self.customer)
        with self.assertRaises(ValidationError):
            self._active_agreement(self.customer)

    # Renewal (R24)
    def test_renewal_reminder_expiry_and_copy(self):
        today = fields.Date.today()
        agreement = self._active_agreement(
            self.customer,
            date_start=today - relativedelta(months=11),
            date_end=today + relativedelta(days=20),
            rebate_rate=4.0,
        )
        Agreement = self.env["key_account.agreement"]
        Agreement._cron_key_account_agreements()
        Agreement._cron_key_account_agreements()
        activity = agreement.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("key_account.mail_activity_key_account_renewal")
            )
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.rep_a)
        action = agreement.with_user(self.rep_a).action_renew()
        renewal = Agreement.browse(action["res_id"])
        self.assertRecordValues(
            renewal,
            [
                {
                    "state": "draft",
                    "previous_id": agreement.id,
                    "partner_id": self.customer.id,
                    "rebate_rate": 4.0,
                    "date_start": agreement.date_end + relativedelta(days=1),
                    "requester_id": self.rep_a.id,
                }
            ],
        )
        self.assertEqual(agreement.next_ids, renewal)
        self.assertNotEqual(renewal.name, agreement.name)

    # Printing (R20, R22)
    def _no_asset_server(self):
        """wkhtmltopdf fetches the report's styles from ``report.url``: point
        it to a closed local port so the PDF never waits on whatever server
        listens on the default one (the PDF is then unstyled)."""
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:9"
        )

    def test_pdf_renders_with_draft_watermark(self):
        self._no_asset_server()
        Report = self.env["ir.actions.report"]
        report = "key_account.action_report_agreement"
        draft = self._agreement(
            pricelist_id=self._prices(120.0).id, clauses="Delivery within 48 hours."
        )
        html = Report.with_user(self.rep_a)._render_qweb_html(report, draft.ids)[0]
        self.assertIn(b"NOT FOR SEALING", html)
        self.assertIn(b"Printing Paper", html)
        approved = self._approved(pricelist_id=self._prices(130.0).id)
        html = Report._render_qweb_html(report, approved.ids)[0]
        self.assertNotIn(b"NOT FOR SEALING", html)
        pdf = (
            Report.with_user(self.rep_a)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, approved.ids)[0]
        )
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_pdf_in_chinese(self):
        self._no_asset_server()
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search(
            [("name", "=", "key_account")]
        )._update_translations(["zh_CN"])
        self.customer.with_user(self.head).write(
            {"lang": "zh_CN", "name": "上海广告有限公司"}
        )
        agreement = self._agreement(
            pricelist_id=self._prices(120.0).id, clauses="四十八小时内交货。"
        )
        pdf = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("key_account.action_report_agreement", agreement.ids)[0]
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        html = self.env["ir.actions.report"]._render_qweb_html(
            "key_account.action_report_agreement", agreement.ids
        )[0]
        self.assertIn("大客户协议".encode(), html)
        self.assertIn("上海广告有限公司".encode(), html)

    # Performance-priced agreements (R25)
    def test_performance_deviation_suspends(self):
        agreement = self._active_agreement(
            self.customer,
            performance_priced=True,
            pricing_model="cpa",
            test_value=100.0,
        )
        Result = self.env["key_account.agreement.result"]
        with self.assertRaises(AccessError):
            Result.with_user(self.rep_a).create(
                {"agreement_id": agreement.id, "actual_value": 50.0}
            )
        within = Result.with_user(self.cs_supervisor).create(
            {"agreement_id": agreement.id, "month": "2025-05-14", "actual_value": 125}
        )
        self.assertRecordValues(
            within,
            [
                {
                    "month": fields.Date.to_date("2025-05-01"),
                    "deviation_percent": 25.0,
                    "suspended": False,
                }
            ],
        )
        self.assertEqual(agreement.state, "active")
        beyond = Result.with_user(self.cs_supervisor).create(
            {"agreement_id": agreement.id, "month": "2025-06-01", "actual_value": 60}
        )
        self.assertTrue(beyond.suspended)
        self.assertEqual(agreement.state, "suspended")
        self.assertIn("40.0 %", agreement.status_cause)
        with self.assertRaises(UserError):
            beyond.with_user(self.cs_supervisor).actual_value = 100
        decision = (
            self.env["key_account.agreement.decision"]
            .with_user(self.head)
            .create(
                {
                    "agreement_id": agreement.id,
                    "decision": "terminate",
                    "cause": "Customer stopped the campaign",
                }
            )
        )
        decision.action_confirm()
        self.assertRecordValues(
            agreement,
            [{"state": "terminated", "status_cause": "Customer stopped the campaign"}],
        )

    # Advance payment (R26)
    def test_advance_holds_the_delivery(self):
        self._active_agreement(self.customer, advance_percent=50.0)
        order = self._approved_order(amount=5000.0)
        self.assertEqual(order.key_account_advance_percent, 50.0)
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_a).key_account_advance_percent = 0.0
        order.with_user(self.rep_a).action_confirm()
        self._assert_delivery_waits_for_advance(order, 2500.0)
