# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import (
    add_months,
    compensation_limits,
    compensation_percent,
    level_rank,
    month_start,
    monthly_volume,
    volume_window,
)


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time.min)


class SaleOrder(models.Model):
    """Compensation volume (补量, SPEC R35): reason and evidence, and the
    month's compensation against the customer's monthly volume."""

    _inherit = "sale.order"

    # === FIELDS === #
    key_account_compensation_reason = fields.Text(
        string="Compensation Reason",
        copy=False,
        tracking=True,
        help="Why the customer is compensated: its dissatisfaction, or a loss "
        "the company caused. Required to request approval or "
        "confirm an order with compensation lines.",
    )
    key_account_compensation_evidence_ids = fields.Many2many(
        "ir.attachment",
        "key_account_sale_order_compensation_evidence_rel",
        "order_id",
        "attachment_id",
        string="Compensation Evidence",
        copy=False,
        help="Complaint, claim, photos or report showing the reason; at least "
        "one file is required for compensation lines.",
    )
    key_account_has_compensation = fields.Boolean(
        string="Gives Compensation",
        compute="_compute_key_account_has_compensation",
    )
    key_account_compensation_amount = fields.Monetary(
        string="Compensation This Month",
        currency_field="key_account_currency_id",
        compute="_compute_key_account_compensation_figures",
        help="Compensation lines of this order at list price, plus the "
        "compensation confirmed for the customer in the same calendar month.",
    )
    key_account_monthly_volume = fields.Monetary(
        string="Monthly Volume",
        currency_field="key_account_currency_id",
        compute="_compute_key_account_compensation_figures",
        help="The customer's average monthly invoiced untaxed amount (credit "
        "notes deducted) over the full calendar months before the order "
        "month set in the settings.",
    )
    key_account_compensation_percent = fields.Float(
        string="Compensation (% of Monthly Volume)",
        digits=(16, 2),
        compute="_compute_key_account_compensation_figures",
        help="0 when the customer has no invoicing history: the KA head decides.",
    )

    # === COMPUTE METHODS === #
    @api.depends("order_line.key_account_is_compensation")
    def _compute_key_account_has_compensation(self):
        for order in self:
            order.key_account_has_compensation = bool(
                order._key_account_compensation_lines()
            )

    @api.depends(
        "order_line.key_account_compensation_value",
        "date_order",
        "partner_id",
        "company_id.key_account_compensation_months",
    )
    def _compute_key_account_compensation_figures(self):
        figures = self._key_account_compensation_figures()
        for order in self:
            amount, volume = figures.get(order, (0.0, 0.0))
            order.key_account_compensation_amount = amount
            order.key_account_monthly_volume = volume
            order.key_account_compensation_percent = (
                amount and compensation_percent(amount, volume) or 0.0
            )

    # === BUSINESS METHODS === #
    def _action_confirm(self):
        res = super()._action_confirm()
        self._key_account_recompute_compensation_quotations()
        return res

    def _key_account_compensation_finding(self, rules, amount, volume):
        """(level, explanation) of ``amount`` of compensation against the
        monthly ``volume``, or None within the rep's authority."""
        self.ensure_one()
        rule = compensation_limits(
            self.partner_id.commercial_partner_id.key_account_performance_priced,
            rules.get("compensation"),
            rules.get("compensation_performance"),
        )
        if not rule or amount <= 0:
            return None
        percent = compensation_percent(amount, volume)
        if percent is None:
            worth = f"{amount:,.2f}"
            return (
                "director",
                self.env._(
                    "compensation worth %(amount)s without invoicing history to "
                    "measure it against: the KA head decides",
                    amount=worth,
                ),
            )
        shown_volume = f"{volume:,.2f}"
        text = rule._explain(
            self.env._("compensation"),
            percent,
            self.env._("of the monthly volume %s", shown_volume),
        )
        return text and (rule._level(percent), text) or None

    def _key_account_compensation_lines(self):
        return self.order_line.filtered(
            lambda line: line._key_account_counts_as_compensation()
        )

    def _key_account_month_key(self):
        """(company id, commercial customer id, first day of the order month)."""
        self.ensure_one()
        return (
            (self.company_id or self.env.company).id,
            self.partner_id.commercial_partner_id.id,
            month_start(self._key_account_order_date()),
        )

    def _key_account_compensation_figures(self):
        """{order: (compensation of the month, monthly volume)} of the orders
        with compensation lines, in company currency: the order's compensation
        lines at list price plus the compensation already confirmed for the
        same customer in the order's calendar month; the customer's average
        monthly invoiced volume before that month."""
        orders = self.filtered(
            lambda o: o.partner_id and o._key_account_compensation_lines()
        )
        if not orders:
            return {}
        confirmed = orders._key_account_confirmed_compensation()
        volumes = orders._key_account_monthly_volumes()
        return {
            order: (
                sum(
                    order._key_account_compensation_lines().mapped(
                        "key_account_compensation_value"
                    )
                )
                + confirmed[order],
                volumes[order],
            )
            for order in orders
        }

    def _key_account_confirmed_compensation(self):
        """{order: compensation confirmed on the customer's other orders in
        the order's calendar month}, one grouped query for all the orders."""
        keys = {order: order._key_account_month_key() for order in self}
        months = [key[2] for key in keys.values()]
        # Totals for the check only: the rep may not read other reps' orders.
        groups = (
            self.env["sale.order.line"]
            .sudo()
            ._read_group(
                [
                    ("key_account_is_compensation", "=", True),
                    ("state", "=", "sale"),
                    ("company_id", "in", list({key[0] for key in keys.values()})),
                    (
                        "order_partner_id",
                        "child_of",
                        list({key[1] for key in keys.values()}),
                    ),
                    ("order_id.date_order", ">=", _midnight(min(months))),
                    (
                        "order_id.date_order",
                        "<",
                        _midnight(add_months(max(months), 1)),
                    ),
                ],
                ["order_id"],
                ["key_account_compensation_value:sum"],
            )
        )
        totals = {}
        for order, amount in groups:
            totals.setdefault(order._key_account_month_key(), {})[order.id] = amount
        return {
            order: sum(
                amount
                for order_id, amount in totals.get(key, {}).items()
                if order_id != order._origin.id
            )
            for order, key in keys.items()
        }

    def _key_account_monthly_volumes(self):
        """{order: the customer's monthly volume before the order month}:
        posted invoices minus credit notes, untaxed, company currency,
        averaged over the company's number of full calendar months; one
        grouped query for all the orders."""
        windows = {
            order: volume_window(
                order._key_account_order_date(),
                (order.company_id or self.env.company).key_account_compensation_months,
            )
            for order in self
        }
        # Totals for the check only: the rep may not read the invoices.
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    (
                        "company_id",
                        "in",
                        list({(o.company_id or self.env.company).id for o in self}),
                    ),
                    (
                        "commercial_partner_id",
                        "in",
                        self.partner_id.commercial_partner_id.ids,
                    ),
                    ("invoice_date", ">=", min(w[0] for w in windows.values())),
                    ("invoice_date", "<", max(w[1] for w in windows.values())),
                ],
                ["company_id", "commercial_partner_id", "invoice_date:month"],
                ["amount_untaxed_signed:sum"],
            )
        )
        totals = {}
        for company, partner, month, amount in groups:
            totals.setdefault((company.id, partner.id), []).append((month, amount))
        result = {}
        for order, (start, end) in windows.items():
            company = order.company_id or self.env.company
            monthly = totals.get(
                (company.id, order.partner_id.commercial_partner_id.id), []
            )
            result[order] = company.currency_id.round(
                monthly_volume(
                    [amount for month, amount in monthly if start <= month < end],
                    company.key_account_compensation_months,
                )
            )
        return result

    def _key_account_check_compensation_documents(self):
        """Compensation only with its reason and evidence (SPEC R35)."""
        self.ensure_one()
        missing = []
        if not (self.key_account_compensation_reason or "").strip():
            missing.append(
                self.env._(
                    "the reason: the customer's dissatisfaction, or the loss "
                    "the company caused"
                )
            )
        # Presence only: a file just uploaded by someone else is not readable
        # by the user who confirms.
        if not self.sudo().key_account_compensation_evidence_ids:
            missing.append(self.env._("at least one evidence file"))
        if missing:
            raise ValidationError(
                self.env._(
                    "%(order)s gives compensation volume; give first:\n- %(missing)s",
                    order=self.name,
                    missing="\n- ".join(missing),
                )
            )

    def _key_account_check_compensation(self):
        """At confirmation: reason and evidence, and an approval that still
        covers the month's compensation (other orders confirmed since may
        have raised it)."""
        self.ensure_one()
        if not self._key_account_compensation_lines():
            return
        self._key_account_check_compensation_documents()
        if not self.key_account_approved_level:
            return
        self._key_account_refresh_authority_level()
        if level_rank(self.key_account_authority_level) > level_rank(
            self.key_account_approved_level
        ):
            raise ValidationError(
                self.env._(
                    "%(order)s cannot be confirmed: the compensation of the "
                    "month grew beyond what was approved:\n- %(note)s\nWithdraw "
                    "the approval request and request approval again.",
                    order=self.name,
                    note=self.key_account_authority_note,
                )
            )

    def _key_account_refresh_authority_level(self):
        """Recompute the authority of these orders now: compensation confirmed
        or cancelled on other orders changes the month's total."""
        if not self:
            return
        self.env.add_to_compute(self._fields["key_account_authority_level"], self)
        self.invalidate_recordset(
            [
                "key_account_authority_note",
                "key_account_compensation_amount",
                "key_account_monthly_volume",
                "key_account_compensation_percent",
            ]
        )

    def _key_account_recompute_compensation_quotations(self):
        """Confirming or cancelling compensation changes the month's total of
        the customer's open quotations with compensation."""
        givers = self.filtered(lambda o: o._key_account_compensation_lines())
        if not givers:
            return
        # Every such quotation, whoever owns it: only its stored level changes.
        quotations = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("state", "in", self._state_from),
                    ("key_account_needs_approval", "=", True),
                    ("order_line.key_account_is_compensation", "=", True),
                    (
                        "partner_id",
                        "child_of",
                        givers.partner_id.commercial_partner_id.ids,
                    ),
                    ("company_id", "in", givers.company_id.ids),
                    ("id", "not in", givers.ids),
                ]
            )
        )
        quotations._key_account_refresh_authority_level()

    def _key_account_link_evidence(self):
        """Files uploaded on an order not saved yet belong to no record, so
        only their uploader could open them: attach the uploader's own loose
        files to the order, for the reviewers."""
        for order in self:
            loose = order.key_account_compensation_evidence_ids.filtered(
                lambda a: (
                    not a.res_id
                    and a.res_model in (False, self._name)
                    and (a.create_uid == self.env.user or self.env.su)
                )
            )
            if loose:
                loose.write({"res_model": self._name, "res_id": order.id})
