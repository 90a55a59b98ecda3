# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from xmlrpc.client import Fault

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import DIRECTOR, HEAD, REP, make_user


@tagged("post_install", "-at_install")
class TestRpc(HttpCase):
    """What a rep's RPC client can and cannot do to a key account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = make_user(cls.env, "ka_rpc_rep", REP)
        cls.other = make_user(cls.env, "ka_rpc_other", REP)
        tier = cls.env.ref("key_account.tier_b")
        cls.mine, cls.theirs = cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "user_id": user.id,
                    "key_account_state": "key_account",
                    "key_account_tier_id": tier.id,
                    "credit_limit": 1000.0,
                }
                for name, user in (("Mine Ltd", cls.rep), ("Theirs Ltd", cls.other))
            ]
        )

    def _call(self, model, method, *args):
        uid = self.rep.id
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, "ka_rpc_rep", model, method, *args
        )

    def test_guarded_fields_refused_over_rpc(self):
        for vals in (
            {"credit_limit": 999999.0},
            {"key_account_tier_id": self.env.ref("key_account.tier_a").id},
            {"key_account_state": "suspended"},
        ):
            with self.subTest(vals=vals), self.assertRaises(Fault) as err:
                self._call("res.partner", "write", [[self.mine.id], vals])
            self.assertIn("approved key-account request", err.exception.faultString)
        self.mine.invalidate_recordset()
        self.assertEqual(self.mine.credit_limit, 1000.0)
        self.assertEqual(self.mine.key_account_state, "key_account")

    def test_other_reps_key_account_hidden_over_rpc(self):
        ids = self._call("res.partner", "search", [[("is_key_account", "=", True)]])
        self.assertIn(self.mine.id, ids)
        self.assertNotIn(self.theirs.id, ids)
        with self.assertRaises(Fault):
            self._call("res.partner", "read", [[self.theirs.id], ["name"]])

    def test_context_keys_grant_nothing(self):
        with self.assertRaises(Fault):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.rep.id,
                "ka_rpc_rep",
                "res.partner",
                "write",
                [[self.mine.id], {"credit_limit": 5.0}],
                {"context": {"skip_validation_check": True, "tracking_disable": True}},
            )


@tagged("post_install", "-at_install")
class TestOrderApprovalRpc(HttpCase):
    """A rep's RPC client cannot get round the order approvals (SPEC R12, R14)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Agreements (SPEC R24) are tested in test_agreement.
        cls.env.company.key_account_agreement_required = False
        cls.rep = make_user(cls.env, "ka_rpc_rep", REP)
        cls.head = make_user(cls.env, "ka_rpc_head", DIRECTOR, HEAD)
        partner = cls.env["res.partner"].create(
            {
                "name": "Mine Ltd",
                "is_company": True,
                "user_id": cls.rep.id,
                "key_account_state": "key_account",
                "key_account_tier_id": cls.env.ref("key_account.tier_b").id,
            }
        )
        product = cls.env["product.product"].create(
            {"name": "Rack", "taxes_id": [Command.clear()]}
        )
        cls.order = (
            cls.env["sale.order"]
            .with_user(cls.rep)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": cls.rep.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "price_unit": 250000.0,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    def _call(self, model, method, *args, user=None):
        user = user or self.rep
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, *args
        )

    def test_confirm_unapproved_refused(self):
        self._call("sale.order", "action_request_approval", [[self.order.id]])
        for method, args in (
            ("action_confirm", [[self.order.id]]),
            ("write", [[self.order.id], {"state": "sale"}]),
        ):
            with self.subTest(method=method), self.assertRaises(Fault) as err:
                self._call(
                    "sale.order",
                    method,
                    args,
                    {"context": {"skip_validation_check": True}},
                )
            self.assertIn("cannot be confirmed", err.exception.faultString)
        self.order.invalidate_recordset()
        self.assertEqual(self.order.state, "draft")

    def test_forged_review_refused(self):
        self._call("sale.order", "action_request_approval", [[self.order.id]])
        review = self.order.review_ids.sorted("sequence")[:1]
        for vals in ({"status": "approved"}, {"res_id": 0}):
            with self.subTest(vals=vals), self.assertRaises(Fault):
                self._call("tier.review", "write", [review.ids, vals])
        with self.assertRaises(Fault):
            self._call("tier.review", "unlink", [review.ids])
        with self.assertRaises(Fault):
            self._call(
                "sale.order",
                "write",
                [[self.order.id], {"key_account_amount_band": "1"}],
            )
        review.invalidate_recordset()
        self.assertEqual(review.status, "pending")

    def test_self_and_above_level_approval_refused(self):
        self._call("sale.order", "action_request_approval", [[self.order.id]])
        # Approving above one's level: the rep is no reviewer of the KA head step.
        with self.assertRaises(Fault):
            self._call("sale.order", "validate_tier", [[self.order.id]])
        wizard = self._call(
            "comment.wizard",
            "create",
            [
                {
                    "res_model": "sale.order",
                    "res_id": self.order.id,
                    "review_ids": [(6, 0, self.order.review_ids.ids)],
                    "validate_reject": "validate",
                    "comment": "self",
                }
            ],
        )
        with self.assertRaises(Fault):
            self._call("comment.wizard", "add_comment", [[wizard]])
        # The KA head's own order: no self-approval either.
        own = self.order.sudo().copy({"user_id": self.head.id})
        own.with_user(self.head).action_request_approval()
        wizard = self._call(
            "comment.wizard",
            "create",
            [
                {
                    "res_model": "sale.order",
                    "res_id": own.id,
                    "review_ids": [(6, 0, own.review_ids.ids)],
                    "validate_reject": "validate",
                    "comment": "mine",
                }
            ],
            user=self.head,
        )
        with self.assertRaises(Fault) as err:
            self._call("comment.wizard", "add_comment", [[wizard]], user=self.head)
        self.assertIn("your own", err.exception.faultString)
        self.assertFalse(own.review_ids.filtered(lambda r: r.status == "approved"))

    def test_edit_after_approval_restarts(self):
        self._call("sale.order", "action_request_approval", [[self.order.id]])
        self.order.review_ids.sudo().write({"status": "approved"})
        self.assertEqual(self.order.validation_status, "validated")
        line = self.order.order_line
        self._call("sale.order.line", "write", [line.ids, {"price_unit": 400000.0}])
        self.order.invalidate_recordset()
        self.assertEqual(self.order.validation_status, "no")
        with self.assertRaises(Fault):
            self._call("sale.order", "action_confirm", [[self.order.id]])
