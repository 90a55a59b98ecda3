# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Separation of duties on customers and record rules, attacked as the
non-admin users would over RPC (SPEC R30, R46, R72, R86–R89)."""

import datetime

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import REP
from .common_order import OrderApprovalCase


@tagged("post_install", "-at_install")
class TestControlsAccess(OrderApprovalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_key_account(cls.customer_b)
        cls.contact = cls.env["res.partner"].create(
            {"name": "Mr Sun", "parent_id": cls.customer.id}
        )

    # Separation of duties on the customer
    def test_only_ka_head_classifies_secret(self):
        partner = self.customer.with_user(self.rep_a)
        with self.assertRaises(AccessError):
            partner.write({"key_account_confidentiality": "secret"})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.deputy_sd).write(
                {"key_account_confidentiality": "secret"}
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.rep_a).create(
                {
                    "name": "Hidden Co",
                    "is_company": True,
                    "key_account_confidentiality": "secret",
                }
            )
        # Below secret, the rep still classifies his customer.
        partner.write({"key_account_confidentiality": "confidential"})
        self.assertEqual(self.customer.key_account_confidentiality, "confidential")
        self.customer.with_user(self.head).key_account_confidentiality = "secret"
        self.assertEqual(self.customer.key_account_confidentiality, "secret")
        # Nor does the rep lift it.
        with self.assertRaises(AccessError):
            partner.write({"key_account_confidentiality": "normal"})
        self.assertEqual(self.customer.key_account_confidentiality, "secret")

    def test_rep_sets_but_never_replaces_the_executive(self):
        partner = self.customer.with_user(self.rep_a)
        partner.write({"key_account_executive_id": self.rep_b.id})
        self.assertEqual(self.customer.key_account_executive_id, self.rep_b)
        for user, value in (
            (self.rep_a, self.office_manager.id),
            (self.rep_a, False),
            (self.deputy_sd, self.office_manager.id),
        ):
            with self.subTest(user=user.login, value=value):
                with self.assertRaises(AccessError):
                    self.customer.with_user(user).write(
                        {"key_account_executive_id": value}
                    )
        self.assertEqual(self.customer.key_account_executive_id, self.rep_b)
        self.customer.with_user(
            self.head
        ).key_account_executive_id = self.office_manager
        self.assertEqual(self.customer.key_account_executive_id, self.office_manager)

    def test_rep_cannot_take_unowned_customer(self):
        unowned = self.env["res.partner"].create(
            {"name": "Campaign Lead Co", "is_company": True}
        )
        self.assertFalse(unowned.user_id)
        with self.assertRaises(AccessError):
            unowned.with_user(self.rep_a).write({"user_id": self.rep_a.id})
        # An office manager distributes only to his team.
        with self.assertRaises(AccessError):
            unowned.with_user(self.office_manager).write({"user_id": self.rep_b.id})
        self.assertFalse(unowned.user_id)
        unowned.with_user(self.office_manager).write({"user_id": self.rep_a.id})
        self.assertEqual(unowned.user_id, self.rep_a)
        other = self.env["res.partner"].create(
            {"name": "Fair Lead", "is_company": True}
        )
        other.with_user(self.head).write({"user_id": self.rep_b.id})
        self.assertEqual(other.user_id, self.rep_b)

    def test_toggling_company_does_not_open_another_reps_prospect(self):
        prospect = self.env["res.partner"].create(
            {"name": "Gamma Prospect", "is_company": True, "user_id": self.rep_b.id}
        )
        mine = prospect.with_user(self.rep_a)
        mine.write({"is_company": False})
        with self.assertRaises(AccessError):
            mine.write({"user_id": self.rep_a.id})
        with self.assertRaises(AccessError):
            mine.write({"user_id": False})
        self.assertEqual(prospect.user_id, self.rep_b)
        # A contact of his own customer may follow its company's owner.
        contact = self.env["res.partner"].create(
            {"name": "Ms Li", "parent_id": self.customer.id, "user_id": False}
        )
        contact.with_user(self.rep_a).write({"user_id": self.rep_a.id})
        self.assertEqual(contact.user_id, self.rep_a)

    def test_only_ka_head_archives_key_accounts(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.deputy_sd).action_archive()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.sd).write({"active": False})
        self.assertTrue(self.customer.active)
        # Contacts are still archived by their rep.
        self.contact.with_user(self.rep_a).action_archive()
        self.assertFalse(self.contact.active)
        self.customer.with_user(self.head).action_archive()
        self.assertFalse(self.customer.active)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.deputy_sd).action_unarchive()
        self.customer.with_user(self.head).action_unarchive()
        self.assertTrue(self.customer.active)

    def test_signers_are_archived_not_deleted(self):
        signer = (
            self.env["key_account.signer"]
            .with_user(self.rep_a)
            .create({"partner_id": self.customer.id, "contact_id": self.contact.id})
        )
        for user in (self.rep_a, self.deputy_sd, self.sd):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                signer.with_user(user).unlink()
        self.assertTrue(signer.exists())
        signer.with_user(self.rep_a).action_archive()
        self.assertFalse(signer.active)
        signer.with_user(self.head).unlink()
        self.assertFalse(signer.exists())

    # Record rules
    def test_office_manager_loses_secret_orders_and_analysis(self):
        order = self._order(1000.0)
        Order = self.env["sale.order"].with_user(self.office_manager)
        Line = self.env["sale.order.line"].with_user(self.office_manager)
        Report = self.env["sale.report"].with_user(self.office_manager)
        domain = [("partner_id", "=", self.customer.id)]
        self.assertEqual(Order.search(domain), order)
        self.assertEqual(Line.search([("order_id", "=", order.id)]), order.order_line)
        self.assertTrue(Report.search(domain))
        self.customer.with_user(self.head).key_account_confidentiality = "secret"
        self.assertFalse(Order.search(domain))
        self.assertFalse(Line.search([("order_id", "=", order.id)]))
        self.assertFalse(Report.search(domain))
        with self.assertRaises(AccessError):
            order.with_user(self.office_manager).read(["amount_total"])
        # The owner and directors still see them.
        self.assertEqual(
            self.env["sale.order"].with_user(self.rep_a).search(domain), order
        )
        self.assertTrue(self.env["sale.report"].with_user(self.rep_a).search(domain))
        self.assertEqual(
            self.env["sale.order"].with_user(self.head).search(domain), order
        )

    def test_request_documents_and_suggestions_stay_with_the_account(self):
        request = self._new_request(
            partner=self.customer_b, user=self.rep_b, kind="tier_change", reason="Grew"
        )
        doc_type = self.env["key_account.document.type"].create(
            {"name": "Business licence", "request_kind": "tier_change"}
        )
        document = self.env["key_account.request.document"].create(
            {"request_id": request.id, "document_type_id": doc_type.id}
        )
        suggestion = self.env["key_account.tier.suggestion"].create(
            {
                "partner_id": self.customer_b.id,
                "company_id": self.company.id,
                "revenue": 987654.0,
                "days_to_pay": 42.0,
            }
        )
        for record in (document, suggestion):
            Model = self.env[record._name]
            for user in (self.rep_a, self.office_manager):
                with self.subTest(model=record._name, user=user.login):
                    self.assertNotIn(record, Model.with_user(user).search([]))
                    with self.assertRaises(AccessError):
                        record.with_user(user).read(["company_id"])
            self.assertIn(record, Model.with_user(self.rep_b).search([]))
            self.assertIn(record, Model.with_user(self.head).search([]))
        self.assertEqual(suggestion.with_user(self.rep_b).revenue, 987654.0)

    def test_rep_reads_only_his_customers_deliveries(self):
        picking_type = self.env.ref("stock.picking_type_out")
        values = {
            "picking_type_id": picking_type.id,
            "location_id": picking_type.default_location_src_id.id,
            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
        }
        picking_b = self.env["stock.picking"].create(
            dict(values, partner_id=self.customer_b.id)
        )
        picking_a = self.env["stock.picking"].create(
            dict(values, partner_id=self.contact.id)
        )
        Picking = self.env["stock.picking"]
        mine = Picking.with_user(self.rep_a).search([])
        self.assertIn(picking_a, mine)
        self.assertNotIn(picking_b, mine)
        with self.assertRaises(AccessError):
            picking_b.with_user(self.rep_a).read(["name"])
        self.assertIn(picking_b, Picking.with_user(self.rep_b).search([]))
        self.assertIn(picking_b, Picking.with_user(self.head).search([]))
        # Stock users keep every transfer, reps among them included.
        clerk = new_test_user(
            self.env, "ka_stock_clerk", groups="base.group_user,stock.group_stock_user"
        )
        rep_clerk = new_test_user(
            self.env,
            "ka_rep_clerk",
            groups=f"base.group_user,stock.group_stock_user,{REP}",
        )
        for user in (clerk, rep_clerk):
            with self.subTest(user=user.login):
                found = Picking.with_user(user).search([])
                self.assertIn(picking_a, found)
                self.assertIn(picking_b, found)

    def test_executive_reads_what_he_serves(self):
        order = self._order(
            1000.0, user=self.rep_b, partner=self.customer_b, team_id=self.team_b.id
        )
        invoice = self._invoice(
            self.customer_b,
            500.0,
            fields.Date.today(),
            invoice_user_id=self.rep_b.id,
        )
        request = self._new_request(
            partner=self.customer_b, user=self.rep_b, kind="tier_change", reason="Grew"
        )
        visit = (
            self.env["key_account.visit"]
            .with_user(self.rep_b)
            .create(
                {
                    "partner_id": self.customer_b.id,
                    "planned_start": datetime.datetime(2030, 6, 3, 6, 0),
                    "planned_stop": datetime.datetime(2030, 6, 3, 8, 0),
                    "purpose": "Negotiate the 2031 renewal prices",
                }
            )
        )
        records = (order, order.order_line, invoice, request, visit)
        for record in records:
            with self.subTest(model=record._name), self.assertRaises(AccessError):
                record.with_user(self.rep_a).read(["display_name"])
        self.customer_b.with_user(self.head).key_account_executive_id = self.rep_a
        self.env.invalidate_all()
        for record in records:
            with self.subTest(model=record._name):
                self.assertTrue(record.with_user(self.rep_a).read(["display_name"]))
                found = self.env[record._name].with_user(self.rep_a).search([])
                self.assertTrue(record <= found)
        # Reading only: the owner keeps the changes.
        with self.assertRaises(AccessError):
            order.with_user(self.rep_a).write({"client_order_ref": "PO-1"})
        with self.assertRaises(AccessError):
            visit.with_user(self.rep_a).write({"purpose": "Taken over"})
        # Another rep still reads nothing.
        other = new_test_user(self.env, "ka_rep_c", groups=f"base.group_user,{REP}")
        with self.assertRaises(AccessError):
            order.with_user(other).read(["display_name"])

    def test_sensitive_notes_closed_while_switched_off(self):
        Info = self.env["key_account.sensitive.info"].with_user(self.rep_a)
        self.assertFalse(self.company.key_account_sensitive_enabled)
        with self.assertRaises(AccessError):
            Info.create({"partner_id": self.contact.id, "health": "Diabetic"})
        self.company.key_account_sensitive_enabled = True
        info = Info.create({"partner_id": self.contact.id, "health": "Diabetic"})
        self.assertEqual(info.health, "Diabetic")
        self.company.key_account_sensitive_enabled = False
        self.env.invalidate_all()
        self.assertFalse(Info.search([]))
        with self.assertRaises(AccessError):
            info.with_user(self.rep_a).read(["health"])
        with self.assertRaises(AccessError):
            info.with_user(self.head).read(["health"])
        self.assertFalse(self.contact.with_user(self.rep_a).key_account_sensitive_ids)

    # Core fields keep their groups
    def test_credit_limit_keeps_core_groups(self):
        field = self.env["res.partner"]._fields["credit_limit"]
        self.assertEqual(
            field.groups, "account.group_account_invoice,account.group_account_readonly"
        )
        shop = (
            self.env["res.partner"]
            .with_user(self.rep_a)
            .create({"name": "Small Shop", "is_company": True})
        )
        with self.assertRaises(AccessError):
            shop.write({"credit_limit": 5000.0})
        with self.assertRaises(AccessError):
            shop.read(["credit_limit"])
        # Nor does a director on a customer that is not a key account.
        with self.assertRaises(AccessError):
            shop.with_user(self.head).write({"credit_limit": 5000.0})
        accountant = new_test_user(
            self.env,
            "ka_test_accountant",
            groups="base.group_user,base.group_partner_manager,"
            "account.group_account_invoice",
        )
        shop.with_user(accountant).write({"credit_limit": 5000.0})
        self.assertEqual(shop.credit_limit, 5000.0)
        # The rep reads his key account's limit through the key-account field;
        # only an approved credit-change request sets it, not even a director.
        with self.assertRaises(AccessError):
            self.customer.with_user(self.head).write({"credit_limit": 80000.0})
        self.customer.sudo().write({"credit_limit": 80000.0})  # as the approval
        self.assertEqual(self.customer.credit_limit, 80000.0)
        self.env.invalidate_all()
        self.assertEqual(
            self.customer.with_user(self.rep_a).key_account_credit_limit, 80000.0
        )
        with self.assertRaises(AccessError):
            self.customer.with_user(self.rep_a).write({"credit_limit": 1.0})
