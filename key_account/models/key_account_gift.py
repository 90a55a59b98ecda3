# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import needs_higher_approval
from .key_account_approval_mixin import TRANSITIONS

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("given", "Handed Over"),
    ("billed", "Reimbursed"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]


class KeyAccountGift(models.Model):
    """A gift to a key-account contact (SPEC R57): requested with its
    recipient, quantity, value and purpose, approved by the KA head, the gift
    custodian (optional setting) and the general manager above the company's
    amount. Handed-over gifts make the customer's gift register and are drawn
    on the rep's expense allowance (R31)."""

    _name = "key_account.gift"
    _description = "Key-Account Gift"
    _inherit = ["key_account.approval.mixin", "key_account.relationship.cost"]
    _order = "date desc, id desc"
    _key_account_sequence = "key_account.gift"
    _key_account_charge_origin = "gift"
    _key_account_user_fields = {
        "draft": (
            "partner_id",
            "recipient_id",
            "gift",
            "product_id",
            "quantity",
            "unit_value",
            "purpose",
            "date",
            "company_id",
        )
    }
    _key_account_transitions = dict(
        TRANSITIONS,
        action_hand_over=(("approved",), ("requester", "rep", "custodian")),
        action_create_bill=(("given",), ("billing",)),
    )

    # === FIELDS === #
    state = fields.Selection(
        STATES, default="draft", required=True, copy=False, tracking=True, index=True
    )
    recipient_id = fields.Many2one(
        "res.partner",
        required=True,
        tracking=True,
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
    )
    gift = fields.Char(required=True, tracking=True)
    product_id = fields.Many2one("product.product")
    quantity = fields.Float(
        required=True, default=1.0, digits="Product Unit of Measure"
    )
    unit_value = fields.Monetary(required=True)
    total_value = fields.Monetary(
        string="Value", compute="_compute_total_value", store=True, tracking=True
    )
    purpose = fields.Text(required=True)
    date = fields.Date(
        string="Planned For", required=True, default=fields.Date.context_today
    )
    given_date = fields.Date(string="Handed Over On", readonly=True, copy=False)
    custodian_review = fields.Boolean(
        string="Gift Custodian Reviews",
        readonly=True,
        copy=False,
    )

    # === COMPUTE METHODS === #
    @api.depends("quantity", "unit_value")
    def _compute_total_value(self):
        for gift in self:
            gift.total_value = gift.currency_id.round(gift.quantity * gift.unit_value)

    # === CONSTRAINT METHODS === #
    @api.constrains("quantity", "unit_value")
    def _check_value(self):
        if any(gift.quantity <= 0 or gift.unit_value <= 0 for gift in self):
            raise ValidationError(
                self.env._("A gift's quantity and unit value must be positive.")
            )

    @api.constrains("partner_id", "recipient_id")
    def _check_recipient(self):
        for gift in self:
            customer = gift.partner_id.commercial_partner_id
            if gift.recipient_id.commercial_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "The recipient %(recipient)s is not a contact of %(customer)s.",
                        recipient=gift.recipient_id.display_name,
                        customer=customer.display_name,
                    )
                )

    # approval mixin hooks
    def _submission_problems(self):
        self.ensure_one()
        if not self.rep_id:
            return [
                self.env._("%s has no rep to charge.", self.partner_id.display_name)
            ]
        return []

    def _before_submit(self):
        company = self.company_id
        self._key_account_system_write(
            {
                "needs_gm": needs_higher_approval(
                    self.total_value, company.key_account_gift_gm_amount
                ),
                "custodian_review": company.key_account_gift_custodian_review,
            }
        )

    def _key_account_locked_message(self):
        return self.env._("Only draft gift requests can change.")

    # === ACTION METHODS === #
    def action_hand_over(self):
        """The approved gift was handed over: it enters the customer's
        register and its value is drawn on the rep's allowance."""
        custodian = self.env.user.has_group(
            "key_account.group_key_account_gift_custodian"
        )
        for gift in self:
            gift._key_account_check_transition(
                "action_hand_over", self.env._("Only approved gifts are handed over.")
            )
            if self.env.user not in gift.requester_id | gift.rep_id and not custodian:
                raise AccessError(
                    self.env._(
                        "Only the requester, the customer's rep or the gift "
                        "custodian records the hand-over."
                    )
                )
            gift._set_state("given", given_date=fields.Date.context_today(self))
            gift._charge(gift.total_value)
        return True

    def action_create_bill(self):
        for gift in self:
            gift._key_account_check_transition(
                "action_create_bill",
                self.env._("%s was not handed over yet.", gift.name),
            )
            gift._key_account_bill(
                gift.total_value,
                self.env._(
                    "%(name)s: %(gift)s for %(recipient)s",
                    name=gift.name,
                    gift=gift.gift,
                    recipient=gift.recipient_id.display_name,
                ),
            )
            gift._set_state("billed")
        return True
