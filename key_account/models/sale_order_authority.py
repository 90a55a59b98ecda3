# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools import highest_level, percent_below
from .key_account_authority_rule import LEVEL_SELECTION


class SaleOrder(models.Model):
    """Authority matrix (SPEC R17): each term of the order beyond the rep's
    authority, and who may grant it."""

    _inherit = "sale.order"

    # === FIELDS === #
    key_account_authority_level = fields.Selection(
        LEVEL_SELECTION,
        string="Authority Needed",
        compute="_compute_key_account_authority_level",
        store=True,
        index=True,
        help="Who may grant the order's terms under the authority matrix.",
    )
    key_account_authority_note = fields.Text(
        string="Beyond the Rep's Authority",
        compute="_compute_key_account_authority_note",
        help="Each term beyond the rep's authority, in the reader's language.",
    )

    # === COMPUTE METHODS === #
    AUTHORITY_DEPENDS = (
        "key_account_needs_approval",
        "order_line.discount",
        "order_line.price_unit",
        "order_line.product_uom_qty",
        "order_line.product_uom",
        "order_line.product_id",
        "order_line.display_type",
        "payment_term_id",
        "partner_id",
        "pricelist_id",
        "currency_id",
        "key_account_rebate_rate",
        "key_account_commission_rate",
        "key_account_agreement_id",
        "order_line.key_account_is_compensation",
        "date_order",
        "partner_id.commercial_partner_id.key_account_performance_priced",
        "company_id.key_account_compensation_months",
        "warehouse_id",
        "partner_id.commercial_partner_id.key_account_warehouse_id",
    )

    @api.depends(*AUTHORITY_DEPENDS)
    def _compute_key_account_authority_level(self):
        findings = self._key_account_all_findings()
        for order in self:
            order.key_account_authority_level = highest_level(
                [level for level, _text in findings[order]]
            )

    @api.depends(*AUTHORITY_DEPENDS)
    @api.depends_context("lang")
    def _compute_key_account_authority_note(self):
        findings = self._key_account_all_findings()
        for order in self:
            order.key_account_authority_note = (
                "\n".join(text for _level, text in findings[order]) or False
            )

    # === BUSINESS METHODS === #
    def _key_account_all_findings(self):
        """{order: [(level, explanation)]}, the matrix read once per company."""
        rules_by_company = {}
        result = {}
        compensation = self.filtered(
            "key_account_needs_approval"
        )._key_account_compensation_figures()
        for order in self:
            if not order.key_account_needs_approval:
                result[order] = []
                continue
            company = order.company_id or self.env.company
            if company.id not in rules_by_company:
                rules_by_company[company.id] = self.env[
                    "key_account.authority.rule"
                ]._rules_by_type(company)
            result[order] = order._key_account_authority_findings(
                rules_by_company[company.id],
                compensation=compensation.get(order, (0.0, 0.0)),
            )
        return result

    def _key_account_authority_findings(self, rules, compensation=None):
        """[(level, explanation)] for each term beyond the rep's authority.

        ``compensation``: (compensation of the month, monthly volume) when the
        caller computed them for several orders at once.
        """
        self.ensure_one()
        findings = []

        def check(rule_type, subject, value):
            rule = rules.get(rule_type)
            text = rule and value > 0 and rule._explain(subject, value)
            if text:
                findings.append((rule._level(value), text))

        lines = self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )
        free_value = 0.0
        for index, line in enumerate(lines, 1):
            if line.key_account_is_compensation:
                continue  # counted below, as compensation volume (R35)
            if line._key_account_is_free():
                free_value += line._key_account_list_value()
                continue
            check("discount", self.env._("line %s: discount", index), line.discount)
            floor = line._key_account_floor_price()
            if floor:
                price = line.price_unit * (1.0 - line.discount / 100.0)
                check(
                    "price_floor",
                    self.env._("line %s: price below the floor by", index),
                    percent_below(price, floor),
                )
        check("free_quantity", self.env._("free quantities worth"), free_value)
        check(
            "payment_term",
            self.env._("payment term longer than the customer's by"),
            self._key_account_extra_term_days(),
        )
        rebate = self.key_account_rebate_rate
        agreed = self.key_account_agreement_id.sudo()
        if agreed and rebate <= agreed.rebate_rate:
            rebate = 0.0  # approved with the agreement (SPEC R21)
        check("rebate", self.env._("customer rebate"), rebate)
        check(
            "commission",
            self.env._("special commission rate"),
            self.key_account_commission_rate,
        )
        if compensation is None:
            compensation = self._key_account_compensation_figures().get(
                self, (0.0, 0.0)
            )
        finding = self._key_account_compensation_finding(rules, *compensation)
        if finding:
            findings.append(finding)
        finding = self._key_account_warehouse_finding()
        if finding:
            findings.append(finding)
        return findings
