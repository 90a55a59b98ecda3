# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import DIRECTOR, HEAD, REP, make_invoice

# Modules whose Chinese terms the tours' screens show.
ZH_MODULES = [
    "base",
    "web",
    "mail",
    "product",
    "sales_team",
    "sale",
    "account",
    "base_tier_validation",
    "key_account",
]


@tagged("post_install", "-at_install")
class TestRoleTours(HttpCase):
    """Issue 21: each role opens the app from the web client's root, lands
    on its work and does it, in English and in Chinese (the same tours: they
    find their way by menu XML ids, field and button names, never by English
    text). The data is made by the roles that make it in real life."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        env["res.lang"]._activate_lang("zh_CN")
        env["ir.module.module"]._load_module_terms(ZH_MODULES, ["zh_CN"])

        cls.rep = new_test_user(
            env, "ka_role_rep", groups=f"base.group_user,{REP}", name="Li Wei"
        )
        cls.head = new_test_user(
            env,
            "ka_role_head",
            groups=f"base.group_user,{DIRECTOR},{HEAD}",
            name="Zhang Min",
        )
        cls.director = new_test_user(
            env,
            "ka_role_director",
            groups=f"base.group_user,{DIRECTOR}",
            name="Wang Fang",
        )
        cls.accountant = new_test_user(
            env,
            "ka_role_accountant",
            groups="base.group_user,account.group_account_invoice",
            name="Chen Jing",
        )
        # The administrator's settings: who approves settlements, where
        # commission bills are booked.
        cls.company.key_account_head_user_id = cls.head
        cls.company.key_account_commission_account_id = env["account.account"].create(
            {"name": "Sales Commissions", "code": "660900", "account_type": "expense"}
        )
        env["key_account.commission.rule"].with_user(cls.head).create(
            {"name": "Default", "rate": 5.0}
        )
        cls.product = env["product.product"].create(
            {
                "name": "Laser Printer",
                "list_price": 10000.0,
                "taxes_id": [Command.clear()],
            }
        )
        today = fields.Date.today()
        tier_b = env.ref("key_account.tier_b")
        tier_c = env.ref("key_account.tier_c")
        cls.rep_customer = cls._key_account("Huadong Printing Co.", tier_b)
        cls.approve_customer = cls._key_account("Jinling Office Supplies", tier_b)
        cls.reject_customer = cls._key_account("Pearl River Stationery", tier_b)
        cls.billing_customer = cls._key_account("Beihai Logistics", tier_b)
        cls.overdue_customer = cls._key_account("Yangtze Paper Mills", tier_c)
        # Running agreements; the rep's ends within the renewal notice.
        for partner in cls.rep_customer | cls.approve_customer | cls.reject_customer:
            env["key_account.agreement"].create(
                {
                    "partner_id": partner.id,
                    "requester_id": cls.rep.id,
                    "state": "active",
                    "date_end": today
                    + relativedelta(days=20 if partner == cls.rep_customer else 200),
                }
            )

        # Rep: a quotation with a line discount above the rep's 10 % limit.
        cls.rep_order = cls._quotation(cls.rep_customer, discount=18.0)
        # Approver: two band-1 quotations waiting for the KA head.
        cls.approve_order = cls._quotation(cls.approve_customer)
        cls.reject_order = cls._quotation(cls.reject_customer)
        (cls.approve_order | cls.reject_order).with_user(
            cls.rep
        ).action_request_approval()

        # Accountant: last month's collection settled, approved by the KA
        # head and waiting for its bill; this month's invoice to collect.
        paid = cls._invoice(
            cls.billing_customer, 20000.0, today - relativedelta(days=10)
        )
        env["account.payment.register"].with_user(cls.accountant).with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({})._create_payments()
        wizard = (
            env["key_account.settlement.wizard"]
            .with_user(cls.accountant)
            .create({"date_to": today})
        )
        wizard.action_settle()
        cls.settlement = env["key_account.settlement"].search(
            [("user_id", "=", cls.rep.id)]
        )
        cls.settlement.with_user(cls.head).action_approve()
        cls.open_invoice = cls._invoice(cls.billing_customer, 10000.0, today)

        # Director: a large invoice 45 days overdue; the monthly check
        # suggests the customer's tier from its revenue.
        cls.overdue_invoice = cls._invoice(
            cls.overdue_customer,
            400000.0,
            today - relativedelta(days=75),
            due=today - relativedelta(days=45),
        )
        env["key_account.tier.suggestion"]._cron_suggest()

    # Setup helpers
    @classmethod
    def _key_account(cls, name, tier):
        """A customer of the rep, designated (setup shortcut: written as the
        system, as an approved designation request applies it)."""
        partner = cls.env["res.partner"].create(
            {"name": name, "is_company": True, "user_id": cls.rep.id}
        )
        partner.sudo().write(
            {
                "key_account_state": "key_account",
                "key_account_tier_id": tier.id,
                "key_account_credit_level_id": cls.env.ref(
                    "key_account.credit_level_good"
                ).id,
                "key_account_since": fields.Date.today(),
            }
        )
        return partner

    @classmethod
    def _quotation(cls, partner, discount=0.0):
        return (
            cls.env["sale.order"]
            .with_user(cls.rep)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 2,
                                "discount": discount,
                            }
                        )
                    ],
                }
            )
        )

    @classmethod
    def _invoice(cls, partner, amount, date, due=None):
        """A posted customer invoice of the rep's, made by the accountant."""
        return make_invoice(
            cls.env(user=cls.accountant, su=False),
            partner,
            amount,
            date,
            due,
            product=cls.product,
            invoice_user_id=cls.rep.id,
        )

    def _tour(self, user, lang, tour):
        user.lang = lang
        self.start_tour("/odoo", tour, login=user.login)

    # Rep
    def _rep_tour(self, lang):
        self.assertFalse(self.rep_order.review_ids)
        self._tour(self.rep, lang, "key_account_rep_tour")
        self.rep_order.invalidate_recordset()
        self.assertEqual(self.rep_order.validation_status, "pending")
        self.assertEqual(
            self.rep_order.review_ids.mapped("definition_id"),
            self.env.ref("key_account.tier_sale_ka_head"),
        )

    def test_rep_en(self):
        self._rep_tour("en_US")

    def test_rep_zh_cn(self):
        self._rep_tour("zh_CN")

    # Approver
    def _approver_tour(self, lang):
        self._tour(self.head, lang, "key_account_approver_tour")
        orders = self.approve_order | self.reject_order
        orders.invalidate_recordset()
        self.assertEqual(self.approve_order.validation_status, "validated")
        self.assertRecordValues(
            self.approve_order.review_ids,
            [{"status": "approved", "done_by": self.head.id, "comment": False}],
        )
        self.assertEqual(self.reject_order.validation_status, "rejected")
        self.assertRecordValues(
            self.reject_order.review_ids,
            [
                {
                    "status": "rejected",
                    "done_by": self.head.id,
                    "comment": "Discount beyond the agreement",
                }
            ],
        )

    def test_approver_en(self):
        self._approver_tour("en_US")

    def test_approver_zh_cn(self):
        self._approver_tour("zh_CN")

    # Accountant
    def _accountant_tour(self, lang):
        self.assertEqual(self.settlement.state, "approved")
        self._tour(self.accountant, lang, "key_account_accountant_tour")
        self.open_invoice.invalidate_recordset()
        self.assertIn(self.open_invoice.payment_state, ("paid", "in_payment"))
        lines = self.env["key_account.commission.line"].search(
            [("move_id", "=", self.open_invoice.id), ("kind", "=", "commission")]
        )
        self.assertRecordValues(
            lines,
            [{"user_id": self.rep.id, "amount": 500.0, "state": "to_settle"}],
        )
        self.settlement.invalidate_recordset()
        self.assertEqual(self.settlement.state, "billed")
        self.assertRecordValues(
            self.settlement.bill_id,
            [
                {
                    "move_type": "in_invoice",
                    "partner_id": self.rep.partner_id.id,
                    "amount_total": 1000.0,
                }
            ],
        )

    def test_accountant_en(self):
        self._accountant_tour("en_US")

    def test_accountant_zh_cn(self):
        self._accountant_tour("zh_CN")

    # Director
    def _director_tour(self, lang):
        suggestions = self.env["key_account.tier.suggestion"].search(
            [("partner_id", "in", (self.overdue_customer | self.billing_customer).ids)]
        )
        self.assertEqual(
            suggestions.mapped("tier_id"),
            self.env.ref("key_account.tier_a") | self.env.ref("key_account.tier_c"),
        )
        self._tour(self.director, lang, "key_account_director_tour")
        # Applying drafts a tier-change request for the rep to submit; the
        # tier changes once it is approved.
        requests = self.env["key_account.request"].search(
            [("partner_id", "in", (self.overdue_customer | self.billing_customer).ids)]
        )
        self.assertRecordValues(
            requests,
            [
                {
                    "partner_id": self.overdue_customer.id,
                    "kind": "tier_change",
                    "state": "draft",
                    "tier_id": self.env.ref("key_account.tier_a").id,
                    "requester_id": self.rep.id,
                }
            ],
        )
        self.overdue_customer.invalidate_recordset()
        self.assertEqual(
            self.overdue_customer.key_account_tier_id,
            self.env.ref("key_account.tier_c"),
        )
        self.assertEqual(
            self.billing_customer.key_account_tier_id,
            self.env.ref("key_account.tier_b"),
            "only the selected suggestion is applied",
        )

    def test_director_en(self):
        self._director_tour("en_US")

    def test_director_zh_cn(self):
        self._director_tour("zh_CN")
