# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import hashlib
import json

from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare
from odoo.tools.misc import formatLang

from ..tools import (
    add_months,
    amount_band,
    compensation_limits,
    compensation_percent,
    highest_level,
    level_rank,
    month_start,
    monthly_volume,
    percent_below,
    volume_window,
)
from .key_account_authority_rule import LEVEL_SELECTION
from .key_account_guard_mixin import system_write

BANDS = [("1", "Band 1"), ("2", "Band 2"), ("3", "Band 3")]


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time.min)


# Order fields whose change restarts an approval (SPEC R12).
RESTART_FIELDS = {
    "partner_id",
    "order_line",
    "pricelist_id",
    "payment_term_id",
    "warehouse_id",
    "currency_id",
    "company_id",
    "key_account_rebate_rate",
    "key_account_commission_rate",
    "key_account_agreement_id",
    "key_account_advance_percent",
}
# Computed approval data nobody writes directly (RPC included).
PROTECTED_FIELDS = {
    "validation_status",
    "key_account_needs_approval",
    "key_account_amount",
    "key_account_amount_band",
    "key_account_office_manager_id",
    "key_account_authority_level",
    "key_account_approved_amount",
    "key_account_approved_band",
    "key_account_approved_level",
    "key_account_approval_snapshot",
}
# States a user creates an order in; every other state is reached through
# the order's own buttons (confirmation gate included).
CREATE_STATES = {None, False, "draft", "sent"}
# Who the order is for: fixed once a key-account order is confirmed.
CUSTOMER_FIELDS = {"partner_id", "partner_invoice_id", "partner_shipping_id"}
# Fields whose change leaves what was approved as it was.
SNAPSHOT_FREE_FIELDS = {
    "message_follower_ids",
    "message_main_attachment_id",
    "activity_ids",
    "state",
    "locked",
    "note",
    "client_order_ref",
    "key_account_compensation_evidence_ids",
    "key_account_compensation_reason",
}


class SaleOrder(models.Model):
    """Key-account approval of orders: amount band and authority matrix select
    the reviews (OCA tier validation); confirmation waits for them."""

    _inherit = "sale.order"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin. The core buttons keep their own checks; the
    # confirmation gate holds whatever the caller.
    _key_account_transitions = {
        "action_request_approval": (
            ("draft", "sent", "sale"),
            ("rep", "office_manager"),
        ),
        # Core buttons, core rights (accounting may write orders too).
        "action_confirm": (("draft", "sent"), ("rep", "office_manager", "billing")),
        "action_draft": (("cancel", "sent"), ("rep", "office_manager", "billing")),
        "action_quotation_sent": (("draft",), ("rep", "office_manager", "billing")),
        "action_key_account_credit_exception": (("draft", "sent"), ("rep",)),
        "action_view_key_account_complaints": (None, ("reader",)),
        "validate_tier": (None, ("reviewer",)),
        "reject_tier": (None, ("reviewer",)),
        "request_validation": ((), ()),
        "restart_validation": (("draft", "sent"), ("rep", "office_manager")),
    }

    # Fields
    key_account_needs_approval = fields.Boolean(
        string="Needs Key-Account Approval",
        compute="_compute_key_account_needs_approval",
        store=True,
        index=True,
    )
    key_account_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    key_account_amount = fields.Monetary(
        string="Contract Amount",
        currency_field="key_account_currency_id",
        compute="_compute_key_account_amount",
        store=True,
        help="Amount in company currency at the order date: selects the band.",
    )
    key_account_amount_band = fields.Selection(
        BANDS,
        string="Approval Band",
        compute="_compute_key_account_amount_band",
        store=True,
        index=True,
    )
    key_account_office_manager_id = fields.Many2one(
        "res.users",
        string="Office Manager",
        compute="_compute_key_account_office_manager_id",
        store=True,
        help="Leader of the order's sales team: signs band-1 orders.",
    )
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
    key_account_credit_note = fields.Text(
        string="Credit Hold",
        compute="_compute_key_account_credit_note",
        help="Why the customer's credit holds this quotation (SPEC R10).",
    )
    key_account_agreement_id = fields.Many2one(
        "key_account.agreement",
        string="Agreement",
        compute="_compute_key_account_agreement_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        domain="[('partner_id', 'parent_of', partner_id), ('state', '=', 'active')]",
        help="The customer's active agreement: the quotation takes its prices, "
        "payment term and rebate (SPEC R24).",
    )
    key_account_stock_note = fields.Text(
        string="Short Stock",
        compute="_compute_key_account_stock_note",
        help="Storable lines needing more than is free for the customer in "
        "the order's warehouse (SPEC R66).",
    )
    key_account_rebate_rate = fields.Float(
        string="Customer Rebate (%)",
        compute="_compute_key_account_rebate_rate",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Rebate promised to the customer on the amounts it pays.",
    )
    key_account_advance_percent = fields.Float(
        string="Advance Payment (%)",
        compute="_compute_key_account_advance_percent",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Share of the order paid before its goods are delivered (SPEC "
        "R26), from the customer's agreement.",
    )
    key_account_commission_rate = fields.Float(
        string="Special Commission Rate (%)",
        tracking=True,
        help="Leave empty to use the commission rules.",
    )
    key_account_approved_amount = fields.Monetary(
        string="Approved Amount",
        currency_field="key_account_currency_id",
        readonly=True,
        copy=False,
    )
    key_account_approved_band = fields.Selection(BANDS, readonly=True, copy=False)
    key_account_approval_snapshot = fields.Char(
        readonly=True,
        copy=False,
        help="Fingerprint of what the approvers were asked to approve: "
        "amounts, band, authority level, rates, customer, route and lines.",
    )
    key_account_approved_level = fields.Selection(
        LEVEL_SELECTION, readonly=True, copy=False
    )
    key_account_compensation_reason = fields.Text(
        string="Compensation Reason",
        copy=False,
        tracking=True,
        help="Why the customer is compensated: its dissatisfaction, or a loss "
        "the company caused (SPEC R35). Required to request approval or "
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
    key_account_review_history_ids = fields.One2many(
        "tier.review",
        "res_id",
        string="Approval History",
        domain=[("model", "=", "sale.order")],
        context={"active_test": False},
        readonly=True,
    )

    # Computes
    @api.depends("partner_id", "company_id")
    def _compute_key_account_agreement_id(self):
        quotations = self.filtered(lambda o: o.state in ("draft", "sent"))
        for company in quotations.company_id:
            orders = quotations.filtered(lambda o, c=company: o.company_id == c)
            current = self.env["key_account.agreement"]._key_account_current(
                orders.partner_id, company
            )
            for order in orders:
                order.key_account_agreement_id = current.get(
                    order.partner_id.commercial_partner_id, False
                )
        for order in self - quotations:
            order.key_account_agreement_id = order.key_account_agreement_id

    @api.depends("partner_id", "company_id", "key_account_agreement_id")
    def _compute_pricelist_id(self):
        res = super()._compute_pricelist_id()
        for order in self:
            pricelist = order.key_account_agreement_id.sudo().pricelist_id
            if order.state == "draft" and pricelist:
                order.pricelist_id = pricelist
        return res

    @api.depends("partner_id", "key_account_agreement_id")
    def _compute_payment_term_id(self):
        res = super()._compute_payment_term_id()
        for order in self:
            term = order.key_account_agreement_id.sudo().payment_term_id
            if term:
                order.payment_term_id = term
        return res

    @api.depends("key_account_agreement_id")
    def _compute_key_account_rebate_rate(self):
        for order in self:
            agreement = order.key_account_agreement_id
            order.key_account_rebate_rate = (
                agreement.sudo().rebate_rate
                if agreement
                else order.key_account_rebate_rate
            )

    @api.depends("key_account_agreement_id")
    def _compute_key_account_advance_percent(self):
        for order in self:
            agreement = order.key_account_agreement_id
            order.key_account_advance_percent = (
                agreement.sudo().advance_percent
                if agreement
                else order.key_account_advance_percent
            )

    @api.depends(
        "partner_id.commercial_partner_id.is_key_account",
        "company_id.key_account_approval_scope",
    )
    def _compute_key_account_needs_approval(self):
        for order in self:
            order.key_account_needs_approval = bool(
                order.partner_id.commercial_partner_id.is_key_account
                or order.company_id.key_account_approval_scope == "all"
            )

    @api.depends(
        "amount_total",
        "amount_untaxed",
        "currency_rate",
        "company_id.key_account_amount_basis",
    )
    def _compute_key_account_amount(self):
        for order in self:
            company = order.company_id
            amount = (
                order.amount_untaxed
                if company.key_account_amount_basis == "untaxed"
                else order.amount_total
            )
            if order.currency_rate:
                amount /= order.currency_rate
            order.key_account_amount = company.currency_id.round(amount)

    @api.depends(
        "key_account_amount",
        "company_id.key_account_band2_amount",
        "company_id.key_account_band3_amount",
    )
    def _compute_key_account_amount_band(self):
        for order in self:
            order.key_account_amount_band = str(
                amount_band(
                    max(order.key_account_amount, 0.0),
                    order.company_id._key_account_band_thresholds(),
                )
            )

    @api.depends("user_id.sale_team_id.user_id", "team_id.user_id")
    def _compute_key_account_office_manager_id(self):
        """The leader of the rep's own office: the rep does not choose his
        approver by moving the quotation to another team."""
        for order in self:
            order.key_account_office_manager_id = (
                order.user_id.sale_team_id.user_id or order.team_id.user_id
            )

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

    @api.depends_context("lang")
    @api.depends(
        "state",
        "warehouse_id",
        "partner_id",
        "order_line.product_id",
        "order_line.product_uom_qty",
        "order_line.product_uom",
    )
    def _compute_key_account_stock_note(self):
        for order in self:
            note = False
            if (
                order.state in self._state_from
                and order.partner_id.commercial_partner_id.is_key_account
            ):
                shortages = order._key_account_stock_shortages()
                note = shortages and order._key_account_shortage_text(shortages)
            order.key_account_stock_note = note or False

    @api.depends("partner_id")
    def _compute_warehouse_id(self):
        """A key-account quotation ships from the customer's office warehouse
        (SPEC R58), in the form as over RPC or import; a warehouse given
        explicitly is a deviation the approval covers (see
        ``_key_account_warehouse_finding``)."""
        res = super()._compute_warehouse_id()
        for order in self:
            if order.state not in ("draft", "sent") and order.ids:
                continue
            warehouse = order._key_account_office_warehouse()
            if warehouse:
                order.warehouse_id = warehouse
        return res

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

    @api.depends_context("lang")
    @api.depends(
        "partner_id", "key_account_amount", "state", "company_id", "amount_total"
    )
    def _compute_key_account_credit_note(self):
        for order in self:
            problems = []
            if order.state in self._state_from and order.id:
                problems, _over = order._key_account_credit_problems()
            order.key_account_credit_note = "\n".join(problems) or False

    # Constraints
    @api.constrains("key_account_advance_percent", "key_account_agreement_id")
    def _check_key_account_advance(self):
        for order in self:
            agreed = order.key_account_agreement_id.sudo().advance_percent
            if order.key_account_advance_percent < agreed or not (
                0 <= order.key_account_advance_percent <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "%(order)s: the advance payment is a percentage, at "
                        "least the %(agreed)s %% of its agreement.",
                        order=order.name,
                        agreed=agreed,
                    )
                )

    # CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self._key_account_is_system() and "default_state" in self.env.context:
            context = dict(self.env.context)
            context.pop("default_state")
            self = self.with_env(self.env(context=context))
        for vals in vals_list:
            self._key_account_check_protected(vals)
            if not self._key_account_is_system() and (
                vals.get("state") not in CREATE_STATES
            ):
                raise AccessError(
                    self.env._(
                        "An order is created as a quotation; it is confirmed with "
                        "its Confirm button."
                    )
                )
        orders = super().create(vals_list)
        orders._key_account_link_evidence()
        entered = orders.filtered(lambda o: o.state == "sale")
        if entered:
            entered._key_account_check_confirmable()
        return orders

    def write(self, vals):
        self._key_account_check_protected(vals)
        if (
            "state" in vals
            and not self._key_account_is_system()
            and not self._key_account_marks_sent(vals)
        ):
            if vals["state"] == "sale":
                # Say what is missing first, as the button would.
                self.filtered(
                    lambda o: o.state != "sale"
                )._key_account_check_confirmable()
            raise AccessError(
                self.env._(
                    "An order's status changes only through its buttons "
                    "(confirm, cancel, set to quotation)."
                )
            )
        if CUSTOMER_FIELDS & set(vals) and not self._key_account_is_system():
            self._key_account_check_customer_change(vals)
        watched = self.env["sale.order"]
        if RESTART_FIELDS & set(vals):
            watched = self.filtered("review_ids")
        snapshots = {}
        if set(vals) - PROTECTED_FIELDS - SNAPSHOT_FREE_FIELDS:
            snapshots = self._key_account_snapshots()
        res = super().write(vals)
        if "key_account_compensation_evidence_ids" in vals:
            self._key_account_link_evidence()
        if watched:
            watched._key_account_on_approval_change(self.env._("the order was changed"))
        (self - watched)._key_account_check_snapshots(
            snapshots, self.env._("the order was changed")
        )
        return res

    def _key_account_check_requester(self):
        """Approval is requested or withdrawn by the order's salesperson or
        the key-account staff above the reps, not by whoever may write the
        order (accounting, for instance)."""
        if self._key_account_is_system() or self.env.user.has_group(
            "key_account.group_key_account_supervisor"
        ):
            return
        if any(order.user_id != self.env.user for order in self):
            raise AccessError(
                self.env._(
                    "Only the order's salesperson or the key-account office "
                    "asks for or withdraws its approval."
                )
            )

    @api.model
    def _key_account_guarded_default(self, name):
        """No user records a default for the order's approval data or state
        (ir.default)."""
        return name in PROTECTED_FIELDS or name == "state"

    def _key_account_check_customer_change(self, vals):
        """A confirmed order does not move to or from a key account, nor
        change the addresses its approval covered: cancel it and quote
        again."""
        partners = self.env["res.partner"].browse(
            [vals[name] for name in CUSTOMER_FIELDS if vals.get(name)]
        )
        to_key_account = any(partners.commercial_partner_id.mapped("is_key_account"))
        for order in self.filtered(lambda o: o.state == "sale"):
            if order.key_account_needs_approval or to_key_account:
                raise UserError(
                    self.env._(
                        "%(order)s is confirmed: its customer and addresses no "
                        "longer change. Cancel it and create a new quotation.",
                        order=order.name,
                    )
                )

    def _key_account_marks_sent(self, vals):
        """Mailing a quotation marks it sent, as the user (core)."""
        return vals["state"] == "sent" and all(
            o.state in ("draft", "sent") for o in self
        )

    # Workflow: the core buttons write the state as the user.
    @api.model
    def _key_account_is_system(self):
        return self.env["key_account.guard.mixin"]._key_account_is_system()

    def action_confirm(self):
        with system_write():
            return super().action_confirm()

    def _action_cancel(self):
        with system_write():
            return self._key_account_action_cancel()

    def action_draft(self):
        with system_write():
            return super().action_draft()

    def action_quotation_sent(self):
        with system_write():
            return super().action_quotation_sent()

    def unlink(self):
        history = (
            self.env["tier.review"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [("model", "=", self._name), ("res_id", "in", self.ids)], limit=1
            )
        )
        if history:
            raise UserError(
                self.env._(
                    "Orders with an approval history cannot be deleted: cancel "
                    "them instead."
                )
            )
        return super().unlink()

    # tier.validation hooks
    def _key_account_owner_ids(self):
        return self.user_id

    def _tier_validation_check_state_on_write(self, vals):
        """Confirmation gate (SPEC R12): whatever the caller, its context and
        the state the order comes from, an order enters ``sale`` only with
        every approval it needs."""
        if vals.get("state") == "sale":
            self.filtered(lambda o: o.state != "sale")._key_account_check_confirmable()

    def _key_account_check_confirmable(self):
        for order in self:
            missing = order._key_account_missing_approvals()
            if missing:
                raise ValidationError(
                    self.env._(
                        "%(order)s cannot be confirmed before these "
                        "approvals:\n- %(missing)s",
                        order=order.name,
                        missing="\n- ".join(missing),
                    )
                )
            order._key_account_check_agreement()
            order._key_account_check_compensation()
            order._key_account_check_credit()
            order._key_account_check_stock()

    def _tier_validation_check_write_allowed(self, vals):
        """Orders are not locked under validation: a change restarts the
        approval instead (see ``write``)."""
        return

    def _tier_validation_check_write_remove_reviews(self, vals):
        """Cancelling or resetting an order keeps its reviews in the history."""
        for order in self:
            if order._allow_to_remove_reviews(vals) and order.review_ids:
                order._key_account_restart_approval(
                    self.env._("the order was cancelled or reset"), request=False
                )

    def _compute_hide_reviews(self):
        """A confirmed order whose approval restarted still shows its reviews
        and the approvers' buttons."""
        for order in self:
            order.hide_reviews = order.state == "cancel" or (
                order.state not in self._state_from
                and order.validation_status in ("no", "validated")
            )

    def _get_tier_validation_readonly_domain(self):
        return "validation_status == 'pending'"

    def _add_tier_validation_buttons(self, node, params):
        arch = self.env["ir.qweb"]._render(
            "key_account.sale_order_approval_buttons", params
        )
        return etree.fromstring(arch)

    def request_validation(self):
        """Compensation needs its reason and evidence before anyone is asked,
        and the route is chosen on the month's compensation as it is now.
        Requested through the order's button only."""
        self._key_account_check_requested_by_button()
        to_check = self.filtered(
            lambda o: (
                o.key_account_needs_approval
                and o._key_account_compensation_lines()
                and (
                    o.env.context.get("skip_check_state_condition")
                    or o.state in self._state_from
                )
            )
        )
        for order in to_check:
            order._key_account_check_compensation_documents()
        to_check._key_account_refresh_authority_level()
        reviews = super().request_validation()
        self.browse(set(reviews.mapped("res_id")))._key_account_store_snapshot()
        return reviews

    def _action_confirm(self):
        res = super()._action_confirm()
        self._key_account_recompute_compensation_quotations()
        return res

    def _key_account_action_cancel(self):
        confirmed = self.filtered(lambda o: o.state == "sale")
        res = super()._action_cancel()
        confirmed._key_account_recompute_compensation_quotations()
        return res

    def action_request_approval(self):
        """Request Approval button (and RPC entry point: returns True)."""
        self._key_account_check_requester()
        with system_write():
            self.request_validation()
        return True

    def restart_validation(self):
        """Withdraw the approval request; its reviews stay in the history."""
        for order in self:
            if order.state not in self._state_from:
                raise UserError(
                    self.env._("Only a quotation's approval request can be withdrawn.")
                )
            order.check_access("write")
            order._key_account_check_requester()
            order._key_account_restart_approval(
                self.env._("the request was withdrawn by %s", self.env.user.name),
                request=False,
            )

    def _validate_tier(self, tiers=False):
        res = super()._validate_tier(tiers)
        if self.validation_status == "validated":
            self._key_account_on_validated()
        return res

    def _create_invoices(self, grouped=False, final=False, date=None):
        self._key_account_check_invoiceable()
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _key_account_check_invoiceable(self):
        """A confirmed order whose approval restarted (or that never had the
        approvals it needs) is not invoiced, down payments included, before
        the approval (SPEC R12)."""
        waiting = self.filtered(
            lambda o: (
                (o.review_ids and o.validation_status not in ("validated", "no"))
                or (o.key_account_needs_approval and o._key_account_missing_approvals())
            )
        )
        if waiting:
            raise UserError(
                self.env._(
                    "%(orders)s cannot be invoiced while its approval is "
                    "pending: %(next)s.",
                    orders=", ".join(waiting.mapped("name")),
                    next=waiting[0].next_review or "-",
                )
            )

    def _prepare_invoice(self):
        """The invoice carries the approved commission and rebate rates and
        the customer's executive at invoicing time (SPEC R29, R33)."""
        vals = super()._prepare_invoice()
        vals.update(
            key_account_commission_rate=self.key_account_commission_rate,
            key_account_rebate_rate=self.key_account_rebate_rate,
            key_account_executive_id=(
                self.partner_id.commercial_partner_id.key_account_executive_id.id
            ),
        )
        return vals

    def action_key_account_credit_exception(self):
        """Ask the KA head (the general manager beyond) to release the
        customer's credit hold for this order."""
        self.ensure_one()
        problems, over = self._key_account_credit_problems()
        if not problems:
            raise UserError(
                self.env._("The customer's credit does not hold this order.")
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "key_account.exception.request",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_exception_type": "credit_over_limit",
                "default_partner_id": self.partner_id.commercial_partner_id.id,
                "default_requested_value": round(over, 2),
                "default_document_model": self._name,
                "default_document_id": self.id,
                "default_document_name": self.name,
                "default_company_id": self.company_id.id,
                "default_justification": "\n".join(problems),
            },
        }

    # Business methods
    def _key_account_confirmed_amounts(self):
        return {
            order.id: order.key_account_amount
            for order in self
            if order.state == "sale" and order.key_account_needs_approval
        }

    def _key_account_check_raised_amounts(self, before):
        """A confirmed order whose amount rises passes the credit check again."""
        rounding = self.env.company.currency_id.rounding
        for order in self.filtered(lambda o: o.id in before):
            if order.key_account_amount > before[order.id] + rounding:
                order._key_account_check_credit()

    def _key_account_credit_problems(self):
        """([reason], % over the limit) of the customer's credit for this
        order (SPEC R10): exposure over the limit, receivables in key
        monitoring, a credit level on hold."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        if not partner.is_key_account:
            return [], 0.0
        company = self.company_id
        currency = company.currency_id
        # Totals for the check only: the rep may not read accounting figures.
        credit = partner.with_company(company).sudo()
        receivable = credit.credit
        to_invoice = self._key_account_uninvoiced_amount()
        this_order = self.key_account_amount if self.state in self._state_from else 0.0
        exposure = receivable + to_invoice + this_order
        problems, over = [], 0.0
        limit = credit.credit_limit

        def money(amount):
            return formatLang(self.env, amount, currency_obj=currency)

        if limit > 0 and currency.compare_amounts(exposure, limit) > 0:
            over = (exposure - limit) / limit * 100.0
            problems.append(
                self.env._(
                    "Credit limit %(limit)s exceeded: exposure %(exposure)s "
                    "(receivables %(receivable)s, confirmed not invoiced "
                    "%(to_invoice)s, this order %(order)s).",
                    limit=money(limit),
                    exposure=money(exposure),
                    receivable=money(receivable),
                    to_invoice=money(to_invoice),
                    order=money(this_order),
                )
            )
        overdue = self._key_account_monitored_invoices()
        if overdue:
            problems.append(
                self.env._(
                    "Receivables in key monitoring (overdue more than %(n)s "
                    "%(unit)s): %(invoices)s.",
                    n=company.key_account_monitor_after,
                    unit=dict(
                        company._fields[
                            "key_account_aging_unit"
                        ]._description_selection(self.env)
                    )[company.key_account_aging_unit].lower(),
                    invoices=", ".join(overdue.mapped("name")),
                )
            )
        level = credit.key_account_credit_level_id
        if level.is_hold:
            problems.append(self.env._("The credit level %s holds orders.", level.name))
        return problems, over

    def _key_account_uninvoiced_amount(self):
        """Confirmed orders of the customer not invoiced yet, in company
        currency (whatever Odoo's own credit-limit setting says)."""
        self.ensure_one()
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    (
                        "partner_id.commercial_partner_id",
                        "=",
                        self.partner_id.commercial_partner_id.id,
                    ),
                    ("state", "=", "sale"),
                ]
            )
        )
        return sum(
            order.amount_to_invoice / (order.currency_rate or 1.0)
            for order in orders
            if order.amount_to_invoice > 0
        )

    def _key_account_monitored_invoices(self):
        """Open invoices of the customer past the key-monitoring level today."""
        self.ensure_one()
        company = self.company_id
        return self.partner_id._key_account_overdue_invoices(
            company,
            company.key_account_monitor_after,
            company.key_account_aging_unit,
        )

    def _key_account_check_credit(self):
        """Block (or warn about) an order the customer's credit holds, unless a
        credit exception for it was approved. Server-side, whatever the caller."""
        self.ensure_one()
        problems, over = self._key_account_credit_problems()
        if not problems:
            return
        if self.env["key_account.exception.request"]._key_account_is_approved(
            self, "credit_over_limit", round(over, 2)
        ):
            return
        message = self.env._(
            "%(order)s is held by the customer's credit:\n- %(problems)s",
            order=self.name,
            problems="\n- ".join(problems),
        )
        if self.company_id.key_account_credit_policy == "warn":
            self.sudo().message_post(body=message, subtype_xmlid="mail.mt_note")
            return
        raise UserError(
            message
            + "\n"
            + self.env._(
                "Ask for a credit exception from the order (Credit Exception "
                "button): the KA head decides, the general manager beyond "
                "his limit."
            )
        )

    def _key_account_advance_missing(self):
        """Advance still to be paid before delivery, in the order currency:
        the agreed share of the order minus what its posted customer
        invoices received (SPEC R26)."""
        self.ensure_one()
        if self.key_account_advance_percent <= 0:
            return 0.0
        due = self.amount_total * self.key_account_advance_percent / 100.0
        # Payment figures for the check only: the warehouse may not read them.
        invoices = self.sudo().invoice_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice"
        )
        paid = sum(
            invoice.amount_total - invoice.amount_residual for invoice in invoices
        )
        return max(self.currency_id.round(due - paid), 0.0)

    def _key_account_check_agreement(self):
        """A key-account order confirms only on the customer's running
        agreement when the company asks for one (SPEC R24, R25)."""
        self.ensure_one()
        company = self.company_id
        partner = self.partner_id.commercial_partner_id
        agreement = self.key_account_agreement_id.sudo()
        if agreement and agreement.partner_id.commercial_partner_id != partner:
            raise UserError(
                self.env._(
                    "%(order)s: the agreement %(agreement)s is not %(partner)s's.",
                    order=self.name,
                    agreement=agreement.name,
                    partner=partner.display_name,
                )
            )
        if not (company.key_account_agreement_required and partner.is_key_account):
            return
        date = self._key_account_order_date()
        if not agreement:
            raise UserError(
                self.env._(
                    "%(order)s cannot be confirmed: %(partner)s has no active "
                    "agreement. Key-account orders are confirmed on the "
                    "customer's active agreement.",
                    order=self.name,
                    partner=partner.display_name,
                )
            )
        if agreement.state == "suspended":
            raise UserError(
                self.env._(
                    "%(order)s cannot be confirmed: the agreement %(agreement)s "
                    "is suspended until the KA head resumes it (%(cause)s).",
                    order=self.name,
                    agreement=agreement.name,
                    cause=agreement.status_cause or "-",
                )
            )
        if agreement.state == "expired" or (
            agreement.state == "active" and agreement.date_end < date
        ):
            raise UserError(
                self.env._(
                    "%(order)s cannot be confirmed: the agreement %(agreement)s "
                    "expired on %(date)s. Renew it first.",
                    order=self.name,
                    agreement=agreement.name,
                    date=agreement.date_end,
                )
            )
        if not agreement._key_account_is_usable(date):
            raise UserError(
                self.env._(
                    "%(order)s cannot be confirmed: the agreement %(agreement)s "
                    "is not active on the order date.",
                    order=self.name,
                    agreement=agreement.name,
                )
            )

    @api.model
    def _key_account_check_protected(self, vals):
        if not self.env.su and PROTECTED_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "Approval data of an order is computed: %s cannot be set.",
                    ", ".join(sorted(PROTECTED_FIELDS & set(vals))),
                )
            )

    def _key_account_missing_approvals(self):
        """Readable list of what the order still needs before confirmation."""
        self.ensure_one()
        reviews = self.review_ids
        if reviews:
            return [
                self.env._(
                    "%(review)s (%(who)s): %(status)s",
                    review=review.name,
                    who=review.todo_by or "-",
                    status=review.display_status,
                )
                for review in reviews.sorted("sequence")
                if review.status != "approved"
            ]
        self.invalidate_recordset(["need_validation"])
        if self.state in self._state_from and not self.need_validation:
            return []
        if not self.key_account_needs_approval:
            return []
        definitions = (
            self.env["tier.definition"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("company_id", "in", [False, self.company_id.id]),
                ],
                order="sequence desc",
            )
        )
        return [
            self.env._("%s: not requested yet (click Request Approval)", d.name)
            for d in definitions
            if self.evaluate_tier(d)
        ]

    def _key_account_on_approval_change(self, reason):
        """Restart the approval of changed orders (SPEC R12). A quotation
        restarts on any change; a confirmed order when the change needs more
        than was approved, and asks for the new approvals at once."""
        for order in self:
            if order.state in self._state_from:
                order._key_account_restart_approval(reason, request=False)
            elif order.state == "sale" and order._key_account_exceeds_approval():
                order._key_account_restart_approval(reason, request=True)

    def _key_account_exceeds_approval(self):
        self.ensure_one()
        if not self.key_account_approved_band:
            return bool(self.review_ids)
        rounding = self.key_account_currency_id.rounding
        return (
            self.key_account_amount > self.key_account_approved_amount + rounding
            or int(self.key_account_amount_band) > int(self.key_account_approved_band)
            or level_rank(self.key_account_authority_level)
            > level_rank(self.key_account_approved_level)
        )

    def _key_account_snapshot(self):
        """Fingerprint of what an approval covers: amounts in company and
        order currency, band, authority level, rates, customer, approvers'
        route and every line as it will be delivered and invoiced."""
        self.ensure_one()
        lines = [
            (
                line.product_id.id,
                line.display_type or "",
                line.product_uom.id,
                round(line.product_uom_qty, 6),
                round(line.price_unit, 6),
                round(line.discount, 6),
                sorted(line.tax_id.ids),
                round(line.price_total, 2),
                line.key_account_is_compensation,
            )
            for line in self.order_line.sorted("id")
        ]
        data = [
            round(self.key_account_amount, 2),
            round(self.amount_total, 2),
            self.currency_id.id,
            self.key_account_amount_band,
            self.key_account_authority_level or "",
            round(self.key_account_rebate_rate, 6),
            round(self.key_account_commission_rate, 6),
            self.partner_id.commercial_partner_id.id,
            self.partner_invoice_id.id,
            self.partner_shipping_id.id,
            self.key_account_office_manager_id.id,
            self.payment_term_id.id,
            self.pricelist_id.id,
            lines,
        ]
        return hashlib.sha256(json.dumps(data).encode()).hexdigest()

    def _key_account_snapshots(self):
        """{order: fingerprint} of the orders under an approval, before a
        change."""
        return {
            order: order.key_account_approval_snapshot
            for order in self
            if order.key_account_approval_snapshot
        }

    def _key_account_check_snapshots(self, snapshots, reason):
        """Restart the approval of orders that no longer are what their
        approvers were asked to approve, whatever field changed it."""
        changed = self.browse(
            [
                order.id
                for order, snapshot in snapshots.items()
                if order.exists() and order._key_account_snapshot() != snapshot
            ]
        )
        quotations = changed.filtered(lambda o: o.state != "sale")
        if quotations:
            quotations._key_account_on_approval_change(reason)
        for order in changed - quotations:
            if order._key_account_exceeds_approval():
                order._key_account_on_approval_change(reason)
            else:
                # Still covered (e.g. a lower amount): approve what it is now.
                order._key_account_store_snapshot()

    def _key_account_store_snapshot(self):
        for order in self:
            order.sudo().key_account_approval_snapshot = order._key_account_snapshot()

    def _key_account_restart_approval(self, reason, request=False):
        """Archive the current reviews into the history and, if asked,
        request the approvals the order needs now."""
        self.ensure_one()
        reviews = self.review_ids
        if not reviews:
            return
        reviews._key_account_archive()
        self.sudo().write(
            {
                "key_account_approved_amount": 0.0,
                "key_account_approved_band": False,
                "key_account_approved_level": False,
                "key_account_approval_snapshot": False,
            }
        )
        self.invalidate_recordset(["review_ids", "need_validation"])
        self.message_post(
            body=self.env._(
                "Approval restarted: %(reason)s. Earlier reviews are kept in "
                "the approval history.",
                reason=reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        if request:
            with system_write():
                self.with_context(skip_check_state_condition=True).request_validation()

    def _key_account_on_validated(self):
        """Remember what was approved, and tell the rep."""
        self.ensure_one()
        self.sudo().write(
            {
                "key_account_approved_amount": self.key_account_amount,
                "key_account_approved_band": self.key_account_amount_band,
                "key_account_approved_level": self.key_account_authority_level,
            }
        )
        self.sudo().message_post(
            body=self.env._("Fully approved: the order can be confirmed."),
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.user_id.partner_id.ids,
        )

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

    # Business methods: compensation volume (SPEC R35)
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

    def _key_account_order_date(self):
        """Date that places the order in a calendar month (the order date, as
        the payment-term check reads it)."""
        self.ensure_one()
        return fields.Date.to_date(self.date_order) or fields.Date.context_today(self)

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

    def _key_account_customer_payment_term(self):
        """The payment term the customer is entitled to: its own, else its
        tier's."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        return (
            self.key_account_agreement_id.sudo().payment_term_id
            or partner.property_payment_term_id
            or partner.key_account_tier_id.payment_term_id
        )

    def _key_account_extra_term_days(self):
        self.ensure_one()
        if not self.payment_term_id:
            return 0
        date = fields.Date.to_date(self.date_order) or fields.Date.context_today(self)
        return self._key_account_term_days(
            self.payment_term_id, date
        ) - self._key_account_term_days(self._key_account_customer_payment_term(), date)

    @api.model
    def _key_account_term_days(self, term, date):
        """Days from ``date`` to the last due date of ``term`` (0: immediate)."""
        return max(
            [(line._get_due_date(date) - date).days for line in term.line_ids],
            default=0,
        )

    # Business methods: office warehouse (SPEC R58, R66)
    def _key_account_office_warehouse(self):
        """The customer's office warehouse when it ships this key-account
        order's company, else an empty recordset."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        warehouse = partner.is_key_account and partner.key_account_warehouse_id
        company = self.company_id or self.env.company
        if warehouse and warehouse.company_id == company:
            return warehouse
        return self.env["stock.warehouse"]

    def _key_account_warehouse_finding(self):
        """(level, explanation) when the order ships from another warehouse
        than the customer's office warehouse: the KA head decides (SPEC R58)."""
        self.ensure_one()
        office = self._key_account_office_warehouse()
        if not office or not self.warehouse_id or self.warehouse_id == office:
            return None
        return (
            "director",
            self.env._(
                "warehouse %(warehouse)s instead of the customer's office "
                "warehouse %(office)s",
                warehouse=self.warehouse_id.name,
                office=office.name,
            ),
        )

    @api.model
    def _key_account_held_qty(self, products, warehouse):
        """Held key-account stock of ``products`` in ``warehouse`` not yet
        reserved, in the products' units: {product id: {key account id:
        quantity}} (SPEC R64). One query whatever the number of products.
        As superuser: the quantity only, reps may not read the quants."""
        groups = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", products.ids),
                    ("location_id", "child_of", warehouse.lot_stock_id.id),
                    ("location_id.key_account_holder_id", "!=", False),
                ],
                ["product_id", "location_id"],
                ["quantity:sum", "reserved_quantity:sum"],
            )
        )
        held = {product.id: {} for product in products}
        for product, location, quantity, reserved in groups:
            holder = location.key_account_holder_id.id
            held[product.id][holder] = held[product.id].get(holder, 0.0) + (
                quantity - reserved
            )
        return held

    def _key_account_stock_shortages(self):
        """[(line number, line, needed, free)] of the storable lines needing
        more than is free for the customer in the order's warehouse stock
        location: the free stock less what is held for any key account, plus
        what is held for this customer (SPEC R64, R66). Lines of one product
        draw on its free quantity in order. Services and consumables are not
        checked."""
        self.ensure_one()
        warehouse = self.warehouse_id
        lines = self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )
        storable = lines.filtered(lambda line: line.product_id.is_storable)
        if not warehouse or not storable:
            return []
        products = storable.product_id
        free = self._key_account_free_quantities(products, warehouse)
        held = self._key_account_held_qty(products, warehouse)
        customer = self.partner_id.commercial_partner_id.id
        available = {
            product.id: free[product.id]
            - sum(held[product.id].values())
            + held[product.id].get(customer, 0.0)
            for product in products
        }
        rounding = {p.id: p.uom_id.rounding for p in products}
        shortages = []
        for index, line in enumerate(lines, 1):
            if line not in storable:
                continue
            product = line.product_id
            needed = line.product_uom._compute_quantity(
                line.product_uom_qty, product.uom_id
            )
            have = max(available[product.id], 0.0)
            if float_compare(needed, have, precision_rounding=rounding[product.id]) > 0:
                shortages.append((index, line, needed, have))
            available[product.id] -= needed
        return shortages

    @api.model
    def _key_account_free_quantities(self, products, warehouse):
        """{product id: free quantity in ``warehouse``'s stock location}, all
        products at once. As superuser: the quantity only, reps may not read
        the quants of every location."""
        products = products.sudo().with_context(
            location=warehouse.lot_stock_id.id, warehouse_id=False
        )
        return {product.id: product.free_qty for product in products}

    def _key_account_stock_policy(self):
        """Short-stock policy of the order: its customer's tier's, else the
        company's (SPEC R66)."""
        self.ensure_one()
        tier = self.partner_id.commercial_partner_id.key_account_tier_id
        return tier.stock_policy or self.company_id.key_account_stock_policy

    def _key_account_lock_stock(self):
        """Lock the quants the stock check reads, so that two orders
        confirmed at once cannot both count the last free or held units: the
        second waits for the first and is retried on its result (Odoo retries
        a transaction meeting a concurrent update)."""
        products = self.order_line.product_id.filtered("is_storable")
        if not products or not self.warehouse_id:
            return
        self.env.cr.execute(
            """
            SELECT quant.id FROM stock_quant quant
              JOIN stock_location location ON location.id = quant.location_id
             WHERE quant.product_id IN %s AND location.parent_path LIKE %s
               FOR NO KEY UPDATE OF quant
            """,
            (tuple(products.ids), f"{self.warehouse_id.lot_stock_id.parent_path}%"),
        )

    def _key_account_check_stock(self):
        """At confirmation of a key-account order (SPEC R66): per storable
        line, the quantity free for the customer in the order's warehouse.
        Short lines are noted on the order (the procurement then resupplies
        the office warehouse through its resupply route) or refuse the
        confirmation, as the company chose. Server-side, whatever the caller.

        Replenishment from a central warehouse: on the office warehouse set
        Inventory > Configuration > Warehouses > Resupply From (the central
        warehouse, ``resupply_wh_ids``); Odoo creates the route "Office:
        Supply Product from Central" (central stock → transit → office
        stock). Put that route on the products (or their category) with a
        reordering rule at the office, or with the Replenish on Order (MTO)
        route: the delivery's procurement then creates the inter-warehouse
        transfer from the central warehouse.
        """
        self.ensure_one()
        if not self.partner_id.commercial_partner_id.is_key_account:
            return
        policy = self._key_account_stock_policy()
        if policy == "block":
            self._key_account_lock_stock()
        shortages = self._key_account_stock_shortages()
        if not shortages:
            return
        message = self.env._(
            "%(order)s: not enough free stock in %(warehouse)s:\n- %(lines)s",
            order=self.name,
            warehouse=self.warehouse_id.name,
            lines=self._key_account_shortage_text(shortages, "\n- "),
        )
        if policy == "block":
            raise UserError(message)
        # The rep confirming may not post on orders he only reads.
        self.sudo().message_post(
            body=message
            + "\n"
            + self.env._("The order is confirmed; the missing goods are replenished."),
            subtype_xmlid="mail.mt_note",
        )

    def _key_account_shortage_text(self, shortages, separator="\n"):
        """Readable list of ``shortages`` (see ``_key_account_stock_shortages``)."""
        return separator.join(
            self.env._(
                "line %(index)s, %(product)s: %(needed)s %(uom)s needed, %(free)s free",
                index=index,
                product=line.product_id.display_name,
                needed=formatLang(self.env, needed, dp="Product Unit of Measure"),
                free=formatLang(self.env, free, dp="Product Unit of Measure"),
                uom=line.product_id.uom_id.name,
            )
            for index, line, needed, free in shortages
        )

    # Complaints about the order (SPEC R76)
    key_account_complaint_count = fields.Integer(
        compute="_compute_key_account_complaint_count",
        groups="key_account.group_key_account_rep",
    )

    def _compute_key_account_complaint_count(self):
        counts = dict(
            self.env["key_account.complaint"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.key_account_complaint_count = counts.get(order, 0)

    def action_view_key_account_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_complaint"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {
            "default_sale_order_id": self.id,
            "default_partner_id": self.partner_id.commercial_partner_id.id,
        }
        return action
