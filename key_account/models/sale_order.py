# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .key_account_guard_mixin import system_write

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
    "key_account_signer_id",
}


class SaleOrder(models.Model):
    """Key-account orders: who sets their state, customer and approval data,
    and the confirmation gate (SPEC R12) that every concern's check feeds.
    The module constants name fields of several concerns."""

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

    # === FIELDS === #
    key_account_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )

    # === CRUD METHODS === #
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

    # === ACTION METHODS === #
    # The core buttons write the state as the user.
    def action_confirm(self):
        with system_write():
            return super().action_confirm()

    def action_draft(self):
        with system_write():
            return super().action_draft()

    def action_quotation_sent(self):
        with system_write():
            return super().action_quotation_sent()

    # === BUSINESS METHODS === #
    def _key_account_refuse_confirmation(self, problem):
        """Stop the confirmation of the order with ``problem``, if any."""
        if problem:
            raise UserError(
                self.env._(
                    "%(order)s cannot be confirmed: %(problem)s",
                    order=self.name,
                    problem=problem,
                )
            )

    @api.model
    def _key_account_is_system(self):
        return self.env["key_account.guard.mixin"]._key_account_is_system()

    def _action_cancel(self):
        with system_write():
            return self._key_account_action_cancel()

    def _key_account_action_cancel(self):
        confirmed = self.filtered(lambda o: o.state == "sale")
        res = super()._action_cancel()
        confirmed._key_account_recompute_compensation_quotations()
        return res

    @api.model
    def _key_account_guarded_default(self, name):
        """No user records a default for the order's approval data or state
        (ir.default)."""
        return name in PROTECTED_FIELDS or name == "state"

    @api.model
    def _key_account_check_protected(self, vals):
        if not self.env.su and PROTECTED_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "Approval data of an order is computed: %s cannot be set.",
                    ", ".join(sorted(PROTECTED_FIELDS & set(vals))),
                )
            )

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
            order._key_account_check_signer()
            order._key_account_check_compensation()
            order._key_account_check_credit()
            order._key_account_check_stock()

    def _key_account_order_date(self):
        """Date that places the order in a calendar month (the order date, as
        the payment-term check reads it)."""
        self.ensure_one()
        return fields.Date.to_date(self.date_order) or fields.Date.context_today(self)
