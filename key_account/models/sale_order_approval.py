# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import BANDS, amount_band, level_rank
from .key_account_authority_rule import LEVEL_SELECTION
from .key_account_guard_mixin import system_write


class SaleOrder(models.Model):
    """Key-account approval of orders: amount band and authority matrix select
    the reviews (OCA tier validation); confirmation waits for them."""

    _inherit = "sale.order"

    # === FIELDS === #
    key_account_needs_approval = fields.Boolean(
        string="Needs Key-Account Approval",
        compute="_compute_key_account_needs_approval",
        store=True,
        index=True,
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
        help="Set by the contract amount against the band thresholds in the "
        "Key Accounts settings; it selects the approval steps the quotation "
        "goes through. By default, band 1: office manager, then KA head; band "
        "2: KA head, then deputy sales director; band 3: KA head, deputy sales "
        "director, then sales director.",
    )
    key_account_office_manager_id = fields.Many2one(
        "res.users",
        string="Office Manager",
        compute="_compute_key_account_office_manager_id",
        store=True,
        help="Leader of the order's sales team: signs band-1 orders.",
    )
    key_account_approved_amount = fields.Monetary(
        string="Approved Amount",
        currency_field="key_account_currency_id",
        readonly=True,
        copy=False,
    )
    key_account_approved_band = fields.Selection(BANDS, readonly=True, copy=False)
    key_account_approved_level = fields.Selection(
        LEVEL_SELECTION, readonly=True, copy=False
    )
    key_account_can_withdraw = fields.Boolean(
        string="Can Withdraw the Approval Request",
        compute="_compute_key_account_can_withdraw",
    )
    key_account_review_history_ids = fields.One2many(
        "tier.review",
        "res_id",
        string="Approval History",
        domain=[("model", "=", "sale.order")],
        context={"active_test": False},
        readonly=True,
    )

    # === COMPUTE METHODS === #
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
                order.user_id._key_account_office_manager() or order.team_id.user_id
            )

    @api.depends_context("uid")
    @api.depends("state", "validation_status", "user_id", "review_ids.status")
    def _compute_key_account_can_withdraw(self):
        for order in self:
            order.key_account_can_withdraw = bool(
                order.review_ids and not order._key_account_withdraw_refusal()
            )

    def _compute_hide_reviews(self):
        """A confirmed order whose approval restarted still shows its reviews
        and the approvers' buttons."""
        for order in self:
            order.hide_reviews = order.state == "cancel" or (
                order.state not in self._state_from
                and order.validation_status in ("no", "validated")
            )

    # === ACTION METHODS === #
    def action_request_approval(self):
        """Request Approval button (and RPC entry point: returns True)."""
        self._key_account_check_requester()
        self._key_account_check_agreement_before_approval()
        with system_write():
            self.request_validation()
        return True

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

    def restart_validation(self):
        """Withdraw the approval request; its reviews stay in the history."""
        for order in self:
            order.check_access("write")
            if order._key_account_compensation_lines():
                order._key_account_refresh_authority_level()
            refusal = order._key_account_withdraw_refusal()
            if refusal:
                raise refusal
            order._key_account_restart_approval(
                self.env._("the request was withdrawn by %s", self.env.user.name),
                request=False,
            )

    # === BUSINESS METHODS === #
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

    def _key_account_withdraw_refusal(self):
        """Why the current user may not withdraw this order's approval
        request (an exception to raise), or None. The requester's side
        withdraws (the salesperson, whoever asked, the key-account office);
        the approvers decide instead, and a fully approved quotation has
        nothing left to withdraw (a change restarts its approval)."""
        self.ensure_one()
        user = self.env.user
        reviews = self.sudo().review_ids
        if self.state not in self._state_from:
            return UserError(
                self.env._("Only a quotation's approval request can be withdrawn.")
            )
        if self.validation_status == "validated" and not self._key_account_outgrown():
            return UserError(
                self.env._(
                    "%(order)s is fully approved: there is no request left to "
                    "withdraw. Changing it restarts its approval.",
                    order=self.display_name,
                )
            )
        if self._key_account_is_system():
            return None
        requester = user == self.user_id or user in reviews.requested_by
        if not requester and (
            user in reviews.reviewer_ids
            or not user.has_group("key_account.group_key_account_supervisor")
        ):
            return AccessError(
                self.env._(
                    "Only the order's salesperson, whoever asked for its "
                    "approval or the key-account office withdraws the request; "
                    "its approvers approve or reject it."
                )
            )
        return None

    def _key_account_outgrown(self):
        """Whether the order now needs a higher authority than the one that
        approved it (the month's compensation grew since)."""
        self.ensure_one()
        return bool(self.key_account_approved_level) and level_rank(
            self.key_account_authority_level
        ) > level_rank(self.key_account_approved_level)

    def _key_account_owner_ids(self):
        return self.user_id

    def _get_tier_validation_readonly_domain(self):
        return "validation_status == 'pending'"

    def _add_tier_validation_buttons(self, node, params):
        arch = self.env["ir.qweb"]._render(
            "key_account.sale_order_approval_buttons", params
        )
        return etree.fromstring(arch)

    def _add_tier_validation_reviews(self, node, params):
        """The Approval tab lists the reviews with their history: the
        engine's Reviews box would repeat it."""
        return etree.fromstring('<div><field name="review_ids" invisible="1"/></div>')

    def _validate_tier(self, tiers=False):
        res = super()._validate_tier(tiers)
        if self.validation_status == "validated":
            self._key_account_on_validated()
        return res

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
