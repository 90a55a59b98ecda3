# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import DIRECTOR, HEAD, REP
from .common_order import OrderApprovalCase
from .test_receivables import WriteoffCase

APPROVER_MENUS = (
    "key_account.menu_key_account_orders_to_approve",
    "key_account.menu_key_account_requests_review",
    "key_account.menu_key_account_exceptions_review",
    "key_account.menu_key_account_delegations",
)


def landing(env, user):
    """The action the app's root menu opens for ``user``."""
    return (
        env["ir.actions.server"]
        .with_user(user)
        .browse(env.ref("key_account.action_key_account_home").id)
        .run()
    )


@tagged("post_install", "-at_install")
class TestHome(OrderApprovalCase):
    """Each role lands on its work; reps see no approver menus; rights sit
    in the user form's Sales section; every list says what it is for."""

    def _landing(self, user):
        return landing(self.env, user)

    def test_each_role_lands_on_its_work(self):
        rep_action = self._landing(self.rep_a)
        self.assertEqual(
            rep_action["id"],
            self.env.ref("key_account.action_key_account_my_partners").id,
        )
        self.assertEqual(
            self._landing(self.head)["id"],
            self.env.ref("key_account.action_key_account_kpi_report").id,
        )
        order = self._order(250000.0)
        order.with_user(self.rep_a).action_request_approval()
        self.assertEqual(
            self._landing(self.head)["id"],
            self.env.ref("key_account.action_key_account_orders_to_approve").id,
        )
        # The deputy's step comes after the head's: nothing waits for them yet.
        self.assertEqual(
            self._landing(self.deputy_sd)["id"],
            self.env.ref("key_account.action_key_account_kpi_report").id,
        )
        self._approve(order, self.head)
        self.assertEqual(
            self._landing(self.deputy_sd)["id"],
            self.env.ref("key_account.action_key_account_orders_to_approve").id,
        )
        self.assertEqual(
            self._landing(self.rep_a)["id"],
            self.env.ref("key_account.action_key_account_my_partners").id,
        )

    def test_my_key_accounts_lists_own_and_served_accounts(self):
        served = self.env["res.partner"].create(
            {"name": "Served Co", "is_company": True, "user_id": self.rep_b.id}
        )
        self._make_key_account(served, key_account_executive_id=self.rep_a.id)
        self._make_key_account(self.customer_b)
        action = self._landing(self.rep_a)
        partners = (
            self.env["res.partner"]
            .with_user(self.rep_a)
            .search(safe_eval(action["domain"], {"uid": self.rep_a.id}))
        )
        self.assertEqual(partners, self.customer | served)

    def test_reps_do_not_see_approver_menus(self):
        def visible(user):
            menus = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
            return {self.env.ref(xmlid).id in menus for xmlid in APPROVER_MENUS}

        self.assertEqual(visible(self.rep_a), {False})
        self.assertEqual(visible(self.head), {True})
        self.assertEqual(visible(self.office_manager), {True})
        reviewer = new_test_user(
            self.env,
            "ka_home_reviewer",
            groups=f"base.group_user,{REP},key_account.group_key_account_contract_reviewer",
        )
        self.assertEqual(visible(reviewer), {True})
        menus = self.env["ir.ui.menu"].with_user(self.rep_a).load_menus(debug=False)
        my_partners = self.env.ref("key_account.menu_key_account_my_partners")
        self.assertIn(my_partners.id, menus)

    def test_accounting_finds_its_key_account_work_in_invoicing(self):
        """The Key Accounts app is the sales side's; accounting finds the
        settlements to bill, the commissions, the write-offs and the aging
        in Invoicing, each a screen it may open."""
        accountant = new_test_user(
            self.env,
            "ka_home_accountant",
            groups="base.group_user,account.group_account_invoice",
        )
        section = self.env.ref("key_account.menu_account_key_account")
        menus = self.env["ir.ui.menu"].with_user(accountant).load_menus(debug=False)
        self.assertNotIn(self.env.ref("key_account.menu_key_account_root").id, menus)
        self.assertIn(section.id, menus)
        self.assertEqual(
            self.env.ref("account.menu_finance").id, menus[section.id]["app_id"]
        )
        self.assertEqual(set(menus[section.id]["children"]), set(section.child_id.ids))
        self.assertEqual(len(section.child_id), 9)
        for menu in section.child_id:
            with self.subTest(menu=menu.name):
                model = self.env[menu.action.res_model].with_user(accountant)
                model.check_access("create" if menu.action.target == "new" else "read")
                model.search([])
        for user in (self.rep_a, self.head):
            menus = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
            self.assertNotIn(section.id, menus)

    def test_rights_in_the_sales_section_without_developer_mode(self):
        arch = etree.fromstring(self.env.ref("base.user_groups_view").arch)

        def selection(group):
            """The visible selection field of the user form for ``group``."""
            return [
                node
                for node in arch.iter("field")
                if node.get("name", "").startswith("sel_groups_")
                and str(group.id) in node.get("name").split("_")[2:]
                and node.get("invisible") != "True"
            ]

        for group_xmlid in (DIRECTOR, HEAD):
            with self.subTest(group=group_xmlid):
                fields = selection(self.env.ref(group_xmlid))
                self.assertEqual(len(fields), 1)
                nodes = [fields[0], *fields[0].iterancestors()]
                self.assertEqual(
                    [n.get("groups") for n in nodes if n.get("groups")], []
                )
                self.assertEqual(fields[0].getparent().get("string"), "Sales")

    def test_every_list_has_its_help(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "key_account"), ("model", "=", "ir.actions.act_window")]
        )
        actions = self.env["ir.actions.act_window"].browse(data.mapped("res_id"))
        lists = actions.filtered(lambda a: a.target not in ("new", "inline"))
        self.assertGreater(len(lists), 30)
        missing = lists.filtered(lambda a: not (a.help or "").strip()).mapped("name")
        self.assertEqual(missing, [])


@tagged("post_install", "-at_install")
class TestKpiLabels(OrderApprovalCase):
    """Invoices posted by OdooBot (imports, crons) count for the account's
    owner, and the overview opens on key accounts."""

    def test_superuser_invoice_counts_for_owner(self):
        invoice = self._invoice(
            self.customer,
            700.0,
            "2025-06-10",
            invoice_user_id=self.env.ref("base.user_root").id,
        )
        self.env.flush_all()
        rows = (
            self.env["key_account.kpi.report"]
            .with_user(self.head)
            ._read_group(
                [("move_id", "=", invoice.id), ("source", "=", "invoice")],
                ["user_id"],
                ["sales_amount:sum"],
            )
        )
        self.assertEqual(rows, [(self.rep_a, 700.0)])

    def test_overview_defaults_to_key_accounts(self):
        action = (
            self.env["ir.actions.act_window"]
            .with_user(self.head)
            ._for_xml_id("key_account.action_key_account_kpi_report")
        )
        self.assertIn("'search_default_key_accounts': 1", action["context"])


@tagged("post_install", "-at_install")
class TestAccountingHome(WriteoffCase):
    """Accounting, without a key-account level, finds the write-offs waiting
    for its approval in Invoicing's Key Accounts menu; the KA head lands on
    them in the Key Accounts app."""

    def _lands_on(self, user, xmlid):
        self.assertEqual(landing(self.env, user)["id"], self.env.ref(xmlid).id)

    def test_write_offs_wait_in_each_approvers_place(self):
        menus = (
            self.env["ir.ui.menu"].with_user(self.accountant).load_menus(debug=False)
        )
        self.assertIn(
            self.env.ref("key_account.menu_account_key_account_writeoffs_review").id,
            menus,
        )
        self.assertNotIn(self.env.ref("key_account.menu_key_account_root").id, menus)
        rep_menus = self.env["ir.ui.menu"].with_user(self.rep_a).load_menus(debug=False)
        self.assertNotIn(
            self.env.ref("key_account.menu_key_account_writeoffs_review").id,
            rep_menus,
        )
        request = self._request(self.old, 50000.0)
        request.with_user(self.rep_a).action_submit()
        # The KA head decides first.
        self._lands_on(self.head, "key_account.action_key_account_writeoff_to_review")
        self._approve(request, self.head)
        self._lands_on(self.head, "key_account.action_key_account_kpi_report")
        self._lands_on(self.rep_a, "key_account.action_key_account_my_partners")
        queue = (
            self.env["ir.actions.act_window"]
            .with_user(self.accountant)
            ._for_xml_id("key_account.action_key_account_writeoff_to_review")
        )
        waiting = (
            self.env["key_account.writeoff.request"]
            .with_user(self.accountant)
            .search(safe_eval(queue["domain"]))
        )
        self.assertEqual(waiting, request)
