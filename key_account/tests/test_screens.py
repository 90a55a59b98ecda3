# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from types import SimpleNamespace

from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.key_account.hooks import enable_line_discounts

from .common_order import OrderApprovalCase

NAME = re.compile(r"\b(?<!\.)([a-z_][a-z0-9_]*)\b")


@tagged("post_install", "-at_install")
class TestScreens(OrderApprovalCase):
    """What each role sees on the forms it works in: the view as the
    server sends it to that user, its conditions evaluated on real records."""

    def _arch(self, model, user, view_type="form"):
        views = self.env[model].with_user(user).get_views([(False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    @staticmethod
    def _values(record, expression):
        """The record's values of the names ``expression`` reads, as the web
        client has them (ids for relations)."""
        values = {}
        for name in NAME.findall(expression):
            if name in record._fields:
                value = record[name]
                if record._fields[name].relational:
                    value = (
                        value.ids
                        if record._fields[name].type.endswith("2many")
                        else value.id
                    )
                values[name] = value
        return values

    def _evaluates(self, node, attribute, record, parent=None):
        expression = node.get(attribute)
        if not expression:
            return False
        values = self._values(record, expression) if record else {}
        if parent is not None:
            values["parent"] = SimpleNamespace(
                **self._values(parent, expression.replace("parent.", ""))
            )
        return bool(safe_eval(expression, values))

    # Discounts (Sales setting) ------------------------------------------
    def test_reps_see_the_line_discount(self):
        """The approval banner names line discounts: the module turns on the
        Discounts setting on install, as Sales' settings page would."""
        group = self.env.ref("sale.group_discount_per_so_line")
        internal = self.env.ref("base.group_user")
        internal._remove_group(group)
        self.assertFalse(self.rep_a.has_group("sale.group_discount_per_so_line"))
        path = "//field[@name='order_line']/list/field[@name='discount']"
        self.assertFalse(self._arch("sale.order", self.rep_a).xpath(path))
        enable_line_discounts(self.env)
        self.assertIn(group, internal.implied_ids)
        self.assertTrue(self.rep_a.has_group("sale.group_discount_per_so_line"))
        self.assertTrue(self._arch("sale.order", self.rep_a).xpath(path))
        # Also for users created afterwards, and shown as set in the settings.
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.group_discount_per_so_line)

    # Compensation column --------------------------------------------------
    def test_compensation_column_only_on_key_account_quotations(self):
        self._make_key_account(self.customer)
        [column] = self._arch("sale.order", self.rep_a).xpath(
            "//field[@name='order_line']/list/field[@name='key_account_is_compensation']"
        )
        key_account_order = self._order(amount=100.0)
        ordinary = self.env["res.partner"].create(
            {"name": "Walk-in Customer", "user_id": self.rep_a.id}
        )
        ordinary_order = self._order(amount=100.0, partner=ordinary)
        self.assertFalse(
            self._evaluates(column, "column_invisible", None, key_account_order)
        )
        self.assertTrue(
            self._evaluates(column, "column_invisible", None, ordinary_order)
        )

    # Satisfaction button --------------------------------------------------
    def test_satisfaction_button_once_a_survey_is_scored(self):
        self._make_key_account(self.customer)
        [button] = self._arch("res.partner", self.rep_a).xpath(
            "//button[@name='action_view_key_account_satisfactions']"
        )
        self.assertTrue(self._evaluates(button, "invisible", self.customer))
        satisfaction = (
            self.env["key_account.satisfaction"]
            .with_user(self.rep_a)
            .create({"partner_id": self.customer.id, "method": "visit", "score": 4})
        )
        self.assertTrue(
            self._evaluates(button, "invisible", self.customer), "not scored yet"
        )
        satisfaction.action_close()
        self.assertEqual(self.customer.key_account_satisfaction_score, 4.0)
        self.assertFalse(self._evaluates(button, "invisible", self.customer))
