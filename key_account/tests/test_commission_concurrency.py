# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import tagged
from odoo.tests.common import TransactionCase
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestCommissionConcurrency(TransactionCase):
    """Two payments reconciled with one invoice in two transactions at once:
    the second meets a serialization failure, Odoo replays it, and the
    replay adds its own lines only (no duplicate, not a cent lost)."""

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.company
            partner = env["res.partner"].create(
                {
                    "name": "Concurrent KA",
                    "is_company": True,
                    "key_account_state": "key_account",
                    "key_account_tier_id": env.ref("key_account.tier_b").id,
                    "key_account_since": fields.Date.today(),
                }
            )
            rule = env["key_account.commission.rule"].create(
                {"name": "Concurrency 5 %", "rate": 5.0, "company_id": company.id}
            )
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_user_id": env.ref("base.user_admin").id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": 1000.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            invoice.action_post()
            payments = env["account.payment"].create(
                [
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": partner.id,
                        "amount": amount,
                    }
                    for amount in (400.0, 600.0)
                ]
            )
            payments.action_post()
            self.ids = {
                "partner": partner.id,
                "rule": rule.id,
                "invoice": invoice.id,
                "payments": payments.move_id.ids,
            }
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self._clean)

    def _clean(self):
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            moves = env["account.move"].browse(
                [self.ids["invoice"], *self.ids["payments"]]
            )
            cr.execute(
                "DELETE FROM key_account_commission_line WHERE move_id = %s",
                [self.ids["invoice"]],
            )
            moves.line_ids.remove_move_reconcile()
            cr.execute(
                "DELETE FROM key_account_commission_line WHERE move_id = %s",
                [self.ids["invoice"]],
            )
            payments = moves.origin_payment_id
            payments.action_draft()
            payments.unlink()
            moves.exists().button_draft()
            moves.exists().with_context(force_delete=True).unlink()
            env["key_account.commission.rule"].browse(self.ids["rule"]).unlink()
            cr.execute("DELETE FROM res_partner WHERE id = %s", [self.ids["partner"]])
            cr.commit()  # pylint: disable=invalid-commit

    def _reconcile(self, env, payment_id):
        moves = env["account.move"].browse([self.ids["invoice"], payment_id])
        moves.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).reconcile()

    def test_concurrent_reconciliations(self):
        first, second = self.ids["payments"]
        cr1 = self.env.registry.cursor()
        cr2 = self.env.registry.cursor()
        self.addCleanup(cr1.close)
        self.addCleanup(cr2.close)
        env1 = api.Environment(cr1, SUPERUSER_ID, {})
        env2 = api.Environment(cr2, SUPERUSER_ID, {})
        # Both transactions start before either commits.
        cr1.execute("SELECT 1")
        cr2.execute("SELECT 1")
        self._reconcile(env1, first)
        cr1.commit()
        with (
            self.assertRaises(errors.SerializationFailure),
            mute_logger("odoo.sql_db"),
        ):
            self._reconcile(env2, second)
            env2.flush_all()
        cr2.rollback()
        # Odoo replays the failed request in a new transaction.
        with self.env.registry.cursor() as cr3:
            env3 = api.Environment(cr3, SUPERUSER_ID, {})
            self._reconcile(env3, second)
            lines = env3["key_account.commission.line"]
            partials = (
                env3["account.move"]
                .browse(self.ids["invoice"])
                .line_ids.matched_credit_ids
            )
            self.assertEqual(len(partials), 2)
            # Replaying generation again creates nothing.
            self.assertFalse(lines._generate(partials))
            cr3.commit()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            lines = env["key_account.commission.line"].search(
                [("move_id", "=", self.ids["invoice"])]
            )
            self.assertEqual(len(lines), 4)  # two allocations × commission, allowance
            self.assertEqual(
                sorted(
                    lines.filtered(lambda line: line.kind == "commission").mapped(
                        "amount"
                    )
                ),
                [20.0, 30.0],
            )
            self.assertEqual(len(set(lines.mapped("allocation_ref"))), 2)
