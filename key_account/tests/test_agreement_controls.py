# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from datetime import timedelta
from xmlrpc.client import Fault

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import DIRECTOR, HEAD, REP, SUPERVISOR, make_user
from .common_order import OrderApprovalCase
from .test_agreement import AgreementCase


class SigningCase(AgreementCase):
    """A KA clerk (supervisor access, in no sales team) and the KA head's
    authorizations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls._user("ka_agreement_clerk", SUPERVISOR)
        cls.today = fields.Date.today()

    def _scan(self, user, name="authorization.pdf"):
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(b"%PDF-1.4 signed"),
                    "res_model": "key_account.signing.authorization",
                    "res_id": 0,
                }
            )
        )

    def _authorization(self, user=None, **vals):
        user = user or self.head
        values = {
            "user_id": self.clerk.id,
            "date_from": self.today - timedelta(days=1),
            "date_to": self.today + timedelta(days=30),
            "scope": "Standard yearly agreements",
            "document_ids": [Command.set(self._scan(user).ids)],
        }
        values.update(vals)
        return (
            self.env["key_account.signing.authorization"].with_user(user).create(values)
        )


@tagged("post_install", "-at_install")
class TestAgreementSigning(SigningCase):
    """SPEC R22: the KA clerk signs agreements only under the KA head's
    written authorization valid on the day; the agreement records it."""

    def test_clerk_signs_only_under_a_valid_authorization(self):
        agreement = self._approved()
        # Without an authorization the clerk does not even see it.
        with self.assertRaises(AccessError):
            agreement.with_user(self.clerk).action_sign()
        self.assertFalse(
            self.env["key_account.agreement"]
            .with_user(self.clerk)
            .search([("id", "=", agreement.id)])
        )
        # The office manager reads it (his team's customer) but holds no
        # authorization: refused, saying why.
        with self.assertRaises(AccessError) as err:
            agreement.with_user(self.office_manager).action_sign()
        self.assertIn("written authorization valid on", str(err.exception))
        authorization = self._authorization()
        self.assertTrue(authorization.running)
        self.assertEqual(authorization.head_id, self.head)
        Agreement = self.env["key_account.agreement"].with_user(self.clerk)
        self.assertEqual(Agreement.search([("id", "=", agreement.id)]), agreement)
        agreement.with_user(self.clerk).action_sign()
        self.assertRecordValues(
            agreement,
            [
                {
                    "signed_by_id": self.clerk.id,
                    "signed_date": self.today,
                    "signing_authorization_id": authorization.id,
                }
            ],
        )
        self.assertEqual(authorization.agreement_ids, agreement)
        self.assertIn("under the authorization", agreement.message_ids[0].body)
        with self.assertRaises(UserError):
            agreement.with_user(self.clerk).action_sign()
        # Once signed, the clerk keeps reading what he signed.
        authorization.with_user(self.head).revoke_reason = "Left the department"
        authorization.with_user(self.head).action_revoke()
        self.assertEqual(Agreement.search([("id", "=", agreement.id)]), agreement)

    def test_authorization_out_of_dates_revoked_or_scope_refused(self):
        yesterday = self.today - timedelta(days=1)
        cases = {
            "ended": {
                "date_from": self.today - timedelta(days=30),
                "date_to": yesterday,
            },
            "not yet": {
                "date_from": self.today + timedelta(days=1),
                "date_to": self.today + timedelta(days=30),
            },
            "other customer": {"partner_ids": [Command.set(self.customer_b.ids)]},
        }
        agreement = self._approved()
        for label, vals in cases.items():
            with self.subTest(label):
                authorization = self._authorization(**vals)
                # Not covered: he neither reads nor signs it.
                with self.assertRaises(AccessError):
                    agreement.with_user(self.clerk).action_sign()
                # Never used: the KA head may delete it.
                authorization.with_user(self.head).unlink()
        authorization = self._authorization(
            partner_ids=[Command.set(self.customer.ids)]
        )
        with self.assertRaises(UserError):
            authorization.with_user(self.head).action_revoke()  # no reason
        authorization.with_user(self.head).revoke_reason = "Scope changes"
        authorization.with_user(self.head).action_revoke()
        self.assertRecordValues(
            authorization,
            [
                {
                    "state": "revoked",
                    "revoked_by_id": self.head.id,
                    "revoked_date": self.today,
                    "running": False,
                }
            ],
        )
        with self.assertRaises(AccessError):
            agreement.with_user(self.clerk).action_sign()
        self.assertFalse(agreement.signed_by_id)

    def test_deviating_agreement_needs_an_authorization_that_says_so(self):
        agreement = self._approved(rebate_rate=7.0)
        self.assertTrue(agreement.has_deviation)
        self._authorization()
        with self.assertRaises(AccessError) as err:
            agreement.with_user(self.clerk).action_sign()
        self.assertIn("deviating agreements", str(err.exception))
        wider = self._authorization(include_deviating=True)
        agreement.with_user(self.clerk).action_sign()
        self.assertEqual(agreement.signing_authorization_id, wider)

    def test_ka_head_signs_himself_and_activation_waits_for_the_signature(self):
        agreement = self._approved()
        form = self._file(agreement, "requirement form.pdf")
        agreement.with_user(self.rep_a).requirement_form_ids = [Command.link(form.id)]
        with self.assertRaises(UserError) as err:
            agreement.with_user(self.cs_supervisor).action_activate()
        self.assertIn("not signed yet", str(err.exception))
        # The rep and the customer-support supervisor do not sign.
        for user in (self.rep_a, self.cs_supervisor):
            with self.assertRaises(AccessError):
                agreement.with_user(user).action_sign()
        agreement.with_user(self.head).action_sign()
        self.assertRecordValues(
            agreement,
            [{"signed_by_id": self.head.id, "signing_authorization_id": False}],
        )
        agreement.with_user(self.cs_supervisor).action_activate()
        self.assertEqual(agreement.state, "active")
        # Signing is for the approved agreement only.
        draft = self._agreement()
        with self.assertRaises(UserError):
            draft.with_user(self.head).action_sign()

    def test_only_the_ka_head_grants_and_revokes(self):
        Authorization = self.env["key_account.signing.authorization"]
        for user in (self.clerk, self.cs_supervisor, self.office_manager, self.sd):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._authorization(user=user)
        with self.assertRaises(AccessError):
            self._authorization(user=self.rep_a)
        with self.assertRaises(ValidationError):
            self._authorization(document_ids=[Command.clear()])
        with self.assertRaises(ValidationError):
            self._authorization(user_id=self.rep_a.id)  # not a clerk
        with self.assertRaises(ValidationError):
            self._authorization(date_to=self.today - timedelta(days=5))
        authorization = self._authorization()
        # The head who granted it is the one who signed in, whatever is sent.
        other = self._authorization(head_id=self.sd.id)
        self.assertEqual(other.head_id, self.head)
        # The clerk reads his own, cannot change or revoke it.
        self.assertEqual(
            Authorization.with_user(self.clerk).search([]), authorization | other
        )
        with self.assertRaises(AccessError):
            authorization.with_user(self.clerk).write(
                {"date_to": self.today + timedelta(days=400)}
            )
        with self.assertRaises(AccessError):
            authorization.with_user(self.clerk).write({"revoke_reason": "x"})
        with self.assertRaises(AccessError):
            authorization.with_user(self.clerk).action_revoke()
        # Granted terms do not change: revoke and grant anew.
        with self.assertRaises(AccessError):
            authorization.with_user(self.head).write(
                {"date_to": self.today + timedelta(days=400)}
            )
        with self.assertRaises(AccessError):
            authorization.with_user(self.head).write({"state": "revoked"})
        # Reps see none; another supervisor none of the clerk's.
        with self.assertRaises(AccessError):
            Authorization.with_user(self.rep_a).search([])
        self.assertFalse(Authorization.with_user(self.office_manager).search([]))


@tagged("post_install", "-at_install")
class TestSigningAuthorizationRpc(HttpCase):
    """Over RPC, a clerk cannot authorize himself nor sign without it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = make_user(cls.env, "ka_rpc_clerk", SUPERVISOR)
        cls.head = make_user(cls.env, "ka_rpc_head", DIRECTOR, HEAD)
        rep = make_user(cls.env, "ka_rpc_agreement_rep", REP)
        customer = cls.env["res.partner"].create(
            {"name": "RPC Customer", "is_company": True, "user_id": rep.id}
        )
        # Setup shortcut: as if reviewed and approved.
        cls.agreement = cls.env["key_account.agreement"].create(
            {"partner_id": customer.id, "requester_id": rep.id, "state": "approved"}
        )
        cls.scan = cls.env["ir.attachment"].create(
            {"name": "self-made.pdf", "datas": base64.b64encode(b"%PDF-1.4")}
        )

    def _call(self, model, method, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.clerk.id, "ka_rpc_clerk", model, method, *args
        )

    def test_clerk_cannot_authorize_himself_over_rpc(self):
        today = fields.Date.today()
        vals = {
            "user_id": self.clerk.id,
            "date_from": fields.Date.to_string(today),
            "date_to": fields.Date.to_string(today + timedelta(days=30)),
            "document_ids": [(6, 0, self.scan.ids)],
        }
        with self.assertRaises(Fault) as err:
            self._call("key_account.signing.authorization", "create", [vals])
        self.assertIn("Only the KA head", err.exception.faultString)
        with self.assertRaises(Fault):
            self._call(
                "key_account.signing.authorization",
                "create",
                [dict(vals, head_id=self.head.id)],
            )
        with self.assertRaises(Fault):
            self._call("key_account.agreement", "action_sign", [[self.agreement.id]])
        with self.assertRaises(Fault):
            self._call(
                "key_account.agreement",
                "write",
                [[self.agreement.id], {"signed_by_id": self.clerk.id}],
            )
        self.assertFalse(
            self.env["key_account.signing.authorization"].search(
                [("user_id", "=", self.clerk.id)]
            )
        )
        self.agreement.invalidate_recordset()
        self.assertFalse(self.agreement.signed_by_id)


@tagged("post_install", "-at_install")
class TestLawyerExchange(SigningCase):
    """SPEC R22: the customer-support supervisor alone logs exchanges with
    the external lawyers; supervisors and above read them, reps cannot."""

    def test_log_of_exchanges_with_lawyers(self):
        firm = self.env["res.partner"].create(
            {"name": "King & Partners Law Firm", "is_company": True}
        )
        agreement = self._approved()
        Exchange = self.env["key_account.lawyer.exchange"]
        scan = (
            self.env["ir.attachment"]
            .with_user(self.cs_supervisor)
            .create(
                {
                    "name": "opinion.pdf",
                    "datas": base64.b64encode(b"%PDF-1.4 opinion"),
                    "res_model": "key_account.lawyer.exchange",
                    "res_id": 0,
                }
            )
        )
        exchange = Exchange.with_user(self.cs_supervisor).create(
            {
                "date": "2025-05-06",
                "lawyer_id": firm.id,
                "subject": "Exclusivity clause",
                "summary": "The clause holds if limited to the province.",
                "partner_id": self.customer.id,
                "agreement_id": agreement.id,
                "attachment_ids": [Command.set(scan.ids)],
                "user_id": self.head.id,
            }
        )
        self.assertEqual(exchange.user_id, self.cs_supervisor)
        scan.sudo().write({"res_id": exchange.id})
        # Nobody else records one, directors included.
        for user in (self.rep_a, self.office_manager, self.head, self.clerk):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Exchange.with_user(user).create(
                    {
                        "lawyer_id": firm.id,
                        "subject": "Other",
                        "summary": "Other",
                    }
                )
        with self.assertRaises(AccessError):
            exchange.with_user(self.head).write({"summary": "Changed"})
        # Reps: neither search nor read, nor its documents.
        with self.assertRaises(AccessError):
            Exchange.with_user(self.rep_a).search([])
        with self.assertRaises(AccessError):
            exchange.with_user(self.rep_a).read(["summary"])
        with self.assertRaises(AccessError):
            scan.with_user(self.rep_a).read(["datas"])
        # Supervisors and the KA head read it.
        for user in (self.office_manager, self.clerk, self.head, self.cs_supervisor):
            found = Exchange.with_user(user).search([("id", "=", exchange.id)])
            self.assertEqual(found, exchange, user.login)
            self.assertEqual(found.summary, exchange.summary)
        with self.assertRaises(ValidationError):
            Exchange.with_user(self.cs_supervisor).create(
                {
                    "lawyer_id": firm.id,
                    "subject": "Wrong customer",
                    "summary": "x",
                    "partner_id": self.customer_b.id,
                    "agreement_id": agreement.id,
                }
            )


@tagged("post_install", "-at_install")
class TestPerformancePricing(AgreementCase):
    """SPEC R25: a performance-priced agreement is submitted with its test
    data; the CPM the test gives is held against the price system's CPM."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cpm_product = cls.env["product.product"].create(
            {"name": "SMS sending, per 1,000", "type": "service", "list_price": 30.0}
        )
        cls.floor.item_ids = [
            Command.create(
                {
                    "applied_on": "0_product_variant",
                    "product_id": cls.cpm_product.id,
                    "compute_price": "fixed",
                    "fixed_price": 20.0,
                }
            )
        ]
        cls.company.key_account_cpm_product_id = cls.cpm_product

    def _cps(self, conversions, **vals):
        values = {
            "performance_priced": True,
            "pricing_model": "cps",
            "performance_price": 5.0,
            "test_volume": 10000.0,
            "test_conversions": conversions,
        }
        values.update(vals)
        return self._agreement(**values)

    def _attach_test_data(self, agreement):
        data = self._file(agreement, "test campaign.xlsx")
        agreement.with_user(self.rep_a).test_data_ids = [Command.link(data.id)]

    def test_test_data_required_and_cpm_within_the_price_system(self):
        agreement = self._cps(50.0)
        # 5.00 x 50 sales / 10,000 sends x 1,000
        self.assertAlmostEqual(agreement.test_value, 25.0)
        self.assertFalse(agreement.has_deviation)
        with self.assertRaises(UserError) as err:
            agreement.with_user(self.rep_a).action_submit()
        self.assertIn("Attach the test data", str(err.exception))
        self._attach_test_data(agreement)
        agreement.with_user(self.rep_a).action_submit()
        # Within the price system: customer support alone reviews it.
        self.assertIn(self.cs_supervisor, agreement.review_ids.reviewer_ids)
        self.assertNotIn(self.head, agreement.review_ids.reviewer_ids)
        self._approve(agreement, self.cs_supervisor)
        self.assertEqual(agreement.state, "approved")

    def test_cpm_below_the_price_system_is_flagged_or_refused(self):
        # 19 against 20: 5 % below, within the KA head's 10 %: flagged, the
        # KA head reviews it first.
        flagged = self._cps(38.0)
        self.assertAlmostEqual(flagged.test_value, 19.0)
        self.assertRecordValues(
            flagged, [{"has_deviation": True, "deviation_level": "director"}]
        )
        self.assertIn("test CPM 19.0 under 20.0", flagged.deviation_note)
        self._attach_test_data(flagged)
        flagged.with_user(self.rep_a).action_submit()
        self.assertIn(self.head, flagged.review_ids.reviewer_ids)
        # 15 against 20: 25 % below, beyond the KA head: an exception first.
        refused = self._cps(30.0)
        self._attach_test_data(refused)
        self.assertEqual(refused.deviation_level, "manager")
        with self.assertRaises(UserError) as err:
            refused.with_user(self.rep_a).action_submit()
        self.assertIn("approved exception request", str(err.exception))
        action = refused.with_user(self.rep_a).action_request_exceptions()
        request = self.env["key_account.exception.request"].browse(
            action["domain"][0][2]
        )
        self.assertRecordValues(
            request, [{"exception_type": "price_floor", "requested_value": 25.0}]
        )

    def test_cpm_deal_and_missing_price_system(self):
        agreement = self._agreement(
            performance_priced=True, pricing_model="cpm", performance_price=22.0
        )
        self.assertAlmostEqual(agreement.test_value, 22.0)
        self.assertFalse(agreement.has_deviation)
        self.company.key_account_cpm_product_id = False
        self._attach_test_data(agreement)
        with self.assertRaises(UserError) as err:
            agreement.with_user(self.rep_a).action_submit()
        self.assertIn("price system gives no CPM", str(err.exception))
        with self.assertRaises(ValidationError):
            self._cps(20000.0)  # more sales than sends


@tagged("post_install", "-at_install")
class TestProjectAdvance(OrderApprovalCase):
    """SPEC R26: project orders of customers that are not key accounts
    propose the company's advance (50 %); deliveries wait until it is paid;
    Odoo's online prepayment asks for the same share."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prospect = cls.env["res.partner"].create(
            {"name": "Creative Client Ltd", "is_company": True, "user_id": cls.rep_a.id}
        )

    def test_project_order_proposes_the_advance(self):
        company_model = self.env["res.company"]
        self.assertEqual(
            company_model._fields["key_account_project_advance_percent"].default(
                company_model
            ),
            50.0,
        )
        order = self._order(5000.0, partner=self.prospect, key_account_project=True)
        self.assertRecordValues(
            order,
            [{"key_account_advance_percent": 50.0, "prepayment_percent": 0.5}],
        )
        plain = self._order(5000.0, partner=self.prospect)
        self.assertEqual(plain.key_account_advance_percent, 0.0)
        # Ticking the box on the quotation proposes it; the rep may agree less.
        plain.with_user(self.rep_a).key_account_project = True
        self.assertEqual(plain.key_account_advance_percent, 50.0)
        plain.with_user(self.rep_a).key_account_advance_percent = 30.0
        self.assertEqual(plain.prepayment_percent, 0.3)
        # The company's rate; key accounts take their agreement's (none here).
        self.company.key_account_project_advance_percent = 40.0
        other = self._order(5000.0, partner=self.prospect, key_account_project=True)
        self.assertEqual(other.key_account_advance_percent, 40.0)
        key_account = self._order(5000.0, key_account_project=True)
        self.assertEqual(key_account.key_account_advance_percent, 0.0)
        with self.assertRaises(ValidationError):
            self.company.key_account_project_advance_percent = 150.0

    def test_project_delivery_waits_for_the_advance(self):
        order = self._order(5000.0, partner=self.prospect, key_account_project=True)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")
        # The confirmed order keeps its advance whatever the settings say.
        self.company.key_account_project_advance_percent = 10.0
        self.assertEqual(order.key_account_advance_percent, 50.0)
        self._assert_delivery_waits_for_advance(order, 2500.0)
