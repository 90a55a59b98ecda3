# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
import logging

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common_order import OrderApprovalCase

# The core groups that open the core forms, each alone (on top of the
# internal user), as plain Odoo gives them.
CORE_GROUPS = {
    "internal user": "base.group_user",
    "salesman": "base.group_user,sales_team.group_sale_salesman",
    "sales manager": "base.group_user,sales_team.group_sale_manager",
    "billing": "base.group_user,account.group_account_invoice",
    "accountant": "base.group_user,account.group_account_user",
    "stock user": "base.group_user,stock.group_stock_user",
}

_logger = logging.getLogger(__name__)

RELATIONAL = ("many2one", "one2many", "many2many")


def view_spec(node, fields_info, models):
    """The ``web_read`` specification the web client builds from a view:
    the fields of ``node``'s model, x2many fields with the fields of their
    inline sub-views, many2one fields with their display name."""
    spec = {}
    for child in node.iterchildren(tag=etree.Element):
        if child.tag != "field":
            for name, sub in view_spec(child, fields_info, models).items():
                spec.setdefault(name, {}).update(sub)
            continue
        info = fields_info.get(child.get("name"))
        if not info:
            continue
        sub = {}
        if info["type"] in RELATIONAL:
            co_fields = models.get(info["relation"], {}).get("fields", {})
            sub_spec = {"display_name": {}}
            if info["type"] != "many2one":
                for sub_view in child.iterchildren(tag=etree.Element):
                    sub_spec.update(view_spec(sub_view, co_fields, models))
            sub = {"fields": sub_spec}
        spec.setdefault(child.get("name"), {}).update(sub)
    return spec


@tagged("post_install", "-at_install")
class TestCoreForms(OrderApprovalCase):
    """Issue 19: every form and list of a core model the addon extends loads
    and reads, for every core group that opens it, on records holding data
    in the addon's fields: key_account adds no AccessError where plain Odoo
    has none. Generated: each core group x each core model and view."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env  # superuser: setup only
        today = fields.Date.today()
        cls.core_users = {
            name: new_test_user(env, f"ka_core_{name.replace(' ', '_')}", groups=groups)
            for name, groups in CORE_GROUPS.items()
        }
        # A key-account customer with its file, signers, dates, a contact
        # with sensitive information.
        cls.contact = env["res.partner"].create(
            {"name": "Mr Wang", "parent_id": cls.customer.id}
        )
        cls.customer.write(
            {
                "key_account_file_number": "KA-2026-019",
                "key_account_preferences": "Green tea, morning meetings.",
                "key_account_staff_count": 120,
                "key_account_decision_maker_id": cls.contact.id,
                "key_account_executive_id": cls.rep_b.id,
            }
        )
        env["key_account.signer"].create(
            {
                "partner_id": cls.customer.id,
                "contact_id": cls.contact.id,
                "scope": "Orders",
            }
        )
        env["key_account.partner.date"].create(
            {
                "partner_id": cls.customer.id,
                "contact_id": cls.contact.id,
                "kind": "birthday",
                "date": "1980-05-04",
            }
        )
        env["key_account.sensitive.info"].create(
            {"partner_id": cls.contact.id, "health": "Allergic to peanuts."}
        )
        # A confirmed key-account order, approved; its delivery.
        cls.order = cls._confirmed_order(cls.customer)
        cls.picking = cls.order.picking_ids[:1]
        # Plain Odoo shows a salesman his own documents only: make him the
        # salesperson (his documents, not a key-account rep's).
        salesman = cls.core_users["salesman"]
        cls.order.user_id = salesman
        # An overdue posted invoice with collection notes; a payment.
        cls.invoice = cls._invoice(
            cls.customer,
            1000.0,
            today - timedelta(days=120),
            today - timedelta(days=100),
            invoice_user_id=salesman.id,
        )
        env["key_account.collection.note"].create(
            {"invoice_id": cls.invoice.id, "note": "Promised payment next week."}
        )
        env["account.move"]._cron_key_account_aging()
        cls.payment = env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": cls.customer.id,
                "amount": 400.0,
            }
        )
        cls.payment.action_post()
        # The key_account rules, to judge what plain Odoo lets a user read.
        cls.key_account_rules = env["ir.rule"].browse(
            env["ir.model.data"]
            .search([("module", "=", "key_account"), ("model", "=", "ir.rule")])
            .mapped("res_id")
        )

    @classmethod
    def _confirmed_order(cls, partner):
        order = (
            cls.env["sale.order"]
            .with_user(cls.rep_a)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": cls.rep_a.id,
                    "team_id": cls.team.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 10,
                                "price_unit": 5000.0,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        order.with_user(cls.rep_a).action_request_approval()
        for reviewer in (cls.office_manager, cls.head):
            cls.env["key_account.demo"]._demo_decide(
                order, reviewer, "validate_tier", "Agreed"
            )
        order.with_user(cls.rep_a).action_confirm()
        return order.with_env(cls.env)

    # Helpers
    def _core_readable(self, record, user):
        """Whether plain Odoo's rules let ``user`` read ``record``: the
        record rules of key_account set aside for the check."""
        self.key_account_rules.active = False
        try:
            record.with_user(user).check_access("read")
            return True
        except AccessError:
            return False
        finally:
            self.key_account_rules.active = True

    def _cases(self, user):
        """(label, record, views) of each core form and list the addon
        extends: the default ones and the ones it inherits."""
        ref = self.env.ref

        def views(*xmlids):
            return [(False, "form"), (False, "list")] + [
                (ref(xmlid).id, ref(xmlid).type) for xmlid in xmlids
            ]

        return [
            ("customer", self.customer, views("base.view_partner_form")),
            ("contact", self.contact, views("base.view_partner_form")),
            (
                "order",
                self.order,
                views("sale.view_order_form", "sale.sale_order_tree"),
            ),
            (
                "invoice",
                self.invoice,
                views("account.view_move_form", "account.view_out_invoice_tree"),
            ),
            ("payment", self.payment, views()),
            ("delivery", self.picking, views("stock.view_picking_form")),
            (
                "delivery location",
                self.picking.location_id,
                views("stock.view_location_form"),
            ),
            (
                "own preferences",
                user,
                [(ref("base.view_users_form_simple_modif").id, "form")],
            ),
        ]

    def _open(self, record, user, views):
        """get_views then web_read of each view's fields, as ``user``."""
        record = record.with_user(user)
        for view_id, view_type in views:
            result = record.get_views([(view_id, view_type)])
            arch = etree.fromstring(result["views"][view_type]["arch"])
            models = result["models"]
            spec = view_spec(arch, models[record._name]["fields"], models)
            self.assertTrue(spec, f"no field in the {view_type} view")
            try:
                record.web_read(spec)
            except AccessError as error:
                # Name the fields that fail, one by one.
                failing = []
                for name, sub in spec.items():
                    try:
                        record.web_read({name: sub})
                    except AccessError:
                        failing.append(name)
                self.fail(
                    f"{user.login} cannot read the {view_type} view "
                    f"{view_id or '(default)'} of {record}: fields {failing}: {error}"
                )

    # Tests
    def test_data_in_the_addon_fields(self):
        """The records hold data in the addon's fields the forms show."""
        self.assertTrue(self.customer.key_account_signer_ids)
        self.assertTrue(self.customer.key_account_date_ids)
        self.assertTrue(self.contact.key_account_sensitive_ids)
        self.assertEqual(self.order.state, "sale")
        self.assertTrue(self.order.key_account_review_history_ids)
        self.assertTrue(self.picking)
        self.assertTrue(self.invoice.key_account_collection_note_ids)
        self.assertIn(
            self.invoice.key_account_aging_stage, ("monitor", "progress", "writeoff")
        )
        self.assertEqual(self.payment.state, "in_process")

    def test_core_groups_open_core_forms(self):
        opened = []
        for group, user in self.core_users.items():
            for label, record, views in self._cases(user):
                if not self._core_readable(record, user):
                    continue  # plain Odoo refuses it too
                with self.subTest(group=group, record=label):
                    try:
                        self._open(record, user, views)
                    except AccessError as error:
                        self.fail(f"{group} cannot open the {label}: {error}")
                    opened.append(f"{group}: {label}")
        # Every group opens at least its own preferences; accounting the
        # invoice, sales the order, stock the delivery.
        self.assertGreaterEqual(len(opened), 6 + 5 + 4 + 2)
        _logger.info("core forms opened: %s", ", ".join(opened))

    def test_collection_notes_for_accounting(self):
        """Accounting reads the notes of invoices in collection, billing
        writes new ones, nobody else loads them; none is rewritten."""
        note = self.invoice.key_account_collection_note_ids
        for group in ("billing", "accountant"):
            user = self.core_users[group]
            invoice = self.invoice.with_user(user)
            self.assertEqual(invoice.key_account_collection_note_ids, note)
            self.assertEqual(note.with_user(user).note, "Promised payment next week.")
        billing = self.core_users["billing"]
        new = (
            self.env["key_account.collection.note"]
            .with_user(billing)
            .create({"invoice_id": self.invoice.id, "note": "Called the buyer."})
        )
        self.assertEqual(new.user_id, billing)
        with self.assertRaises(UserError):
            new.with_user(billing).write({"note": "Rewritten"})
        readonly = new_test_user(
            self.env,
            "ka_core_readonly",
            groups="base.group_user,account.group_account_readonly",
        )
        self.assertEqual(len(note.with_user(readonly).read(["note"])), 1)
        with self.assertRaises(AccessError):
            self.env["key_account.collection.note"].with_user(readonly).create(
                {"invoice_id": self.invoice.id, "note": "Not mine to write."}
            )
        for group in ("internal user", "salesman", "stock user"):
            with self.assertRaises(AccessError):
                note.with_user(self.core_users[group]).read(["note"])
        # The salesman opens invoices: the form leaves the notes out.
        salesman = self.core_users["salesman"]
        form = self.env["account.move"].with_user(salesman).get_views([(False, "form")])
        self.assertNotIn(
            "key_account_collection_note_ids",
            form["models"]["account.move"]["fields"],
        )
        self.assertIn(
            "key_account_collection_note_ids",
            self.env["account.move"]
            .with_user(billing)
            .get_views([(False, "form")])["models"]["account.move"]["fields"],
        )


@tagged("post_install", "-at_install")
class TestCorePortal(HttpCase, OrderApprovalCase):
    """A portal user of a key-account customer opens his order and his
    invoice (with collection notes) through the portal routes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.portal = new_test_user(
            cls.env, "ka_core_portal", groups="base.group_portal"
        )
        cls.portal.partner_id.parent_id = cls.customer
        cls.order = TestCoreForms._confirmed_order.__func__(cls, cls.portal.partner_id)
        cls.invoice = cls._invoice(
            cls.portal.partner_id,
            1000.0,
            today - timedelta(days=120),
            today - timedelta(days=100),
            invoice_user_id=cls.rep_a.id,
        )
        cls.env["key_account.collection.note"].create(
            {"invoice_id": cls.invoice.id, "note": "Promised payment next week."}
        )

    def test_portal_order_and_invoice(self):
        self.authenticate("ka_core_portal", "ka_core_portal")
        for url, name in (
            ("/my/orders", self.order.name),
            (f"/my/orders/{self.order.id}", self.order.name),
            ("/my/invoices", self.invoice.name),
            (f"/my/invoices/{self.invoice.id}", self.invoice.name),
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertIn(name, response.text, url)
        # Another customer's order stays closed to him.
        other = self.env["sale.order"].create(
            {
                "partner_id": self.customer_b.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        response = self.url_open(f"/my/orders/{other.id}", allow_redirects=False)
        self.assertNotEqual(response.status_code, 200)


@tagged("post_install", "-at_install")
class TestCoreDefaults(OrderApprovalCase):
    """Issue 19: the settings that extend a key-account rule to ordinary
    customers are off by default; with them off, an ordinary customer's
    order, delivery, invoice and payment follow plain Odoo, with the core
    groups only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env  # superuser: setup only
        cls.salesman = new_test_user(
            env,
            "ka_core_salesman",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.billing = new_test_user(
            env,
            "ka_core_billing",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.stock_user = new_test_user(
            env, "ka_core_stock", groups="base.group_user,stock.group_stock_user"
        )
        cls.ordinary = env["res.partner"].create(
            {"name": "Walk-in Buyer", "is_company": True}
        )

    def _ordinary_order(self):
        return (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.ordinary.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 2,
                                "price_unit": 900000.0,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    def test_defaults_keep_core_behaviour(self):
        company_model = self.env["res.company"]
        self.assertEqual(
            company_model._fields["key_account_approval_scope"].default(company_model),
            "key_accounts",
        )
        self.assertEqual(self.company.key_account_approval_scope, "key_accounts")
        order = self._ordinary_order()
        self.assertFalse(order.key_account_needs_approval)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.review_ids)
        # The delivery, by the stock user.
        picking = order.picking_ids.with_user(self.stock_user)
        self.assertEqual(len(picking), 1)
        picking.move_ids.quantity = 2
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 2)
        # The invoice, by billing: posted and paid.
        invoice = order.with_user(self.billing)._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.env["account.payment.register"].with_user(self.billing).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("in_payment", "paid"))

    def test_approval_of_all_orders_is_a_setting(self):
        """'All orders' makes an ordinary order wait for approval; back to
        key-account orders only, the same order confirms as in plain Odoo."""
        self.company.key_account_approval_scope = "all"
        order = self._ordinary_order()
        self.assertTrue(order.key_account_needs_approval)
        with self.assertRaises(ValidationError):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.company.key_account_approval_scope = "key_accounts"
        self.assertFalse(order.key_account_needs_approval)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
