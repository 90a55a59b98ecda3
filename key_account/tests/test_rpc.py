# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from xmlrpc.client import Fault

from odoo.tests import HttpCase, new_test_user, tagged

from .common import REP


@tagged("post_install", "-at_install")
class TestRpc(HttpCase):
    """What a rep's RPC client can and cannot do to a key account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(cls.env, "ka_rpc_rep", groups=f"base.group_user,{REP}")
        cls.other = new_test_user(
            cls.env, "ka_rpc_other", groups=f"base.group_user,{REP}"
        )
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
