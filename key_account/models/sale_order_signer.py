# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_date

# States in which the order's signer is still chosen: a quotation.
SIGNER_STATES = ("draft", "sent")


class SaleOrder(models.Model):
    """The customer's authorized signer an order names (SPEC R70): chosen on
    the quotation, by default the customer's ordering signer; a key-account
    order confirms only with a signer valid on that day (a setting)."""

    _inherit = "sale.order"

    # === FIELDS === #
    key_account_signer_id = fields.Many2one(
        "key_account.signer",
        string="Authorized Signer",
        compute="_compute_key_account_signer_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        copy=False,
        ondelete="restrict",
        domain="[('partner_id', 'parent_of', partner_id), "
        "('state', 'in', ('valid', 'expiring'))]",
        help="The person at the customer who authorized this order. By default "
        "the customer's signer of orders; only signers valid today are offered.",
    )
    key_account_signer_shown = fields.Boolean(
        compute="_compute_key_account_signer_note"
    )
    key_account_signer_note = fields.Text(
        string="Signer Warning",
        compute="_compute_key_account_signer_note",
        help="Why the quotation could not be confirmed with its signer.",
    )

    # === COMPUTE METHODS === #
    @api.depends("partner_id", "company_id")
    def _compute_key_account_signer_id(self):
        """Quotations name the customer's ordering signer valid today (the
        only valid signer when none is marked); other orders keep theirs."""
        quotations = self.filtered(lambda o: o.state in SIGNER_STATES)
        partners = quotations.partner_id.commercial_partner_id
        signers = self.env["key_account.signer"]
        if partners:
            today = fields.Date.context_today(self)
            # Reading the default as superuser: whoever writes the quotation
            # (accounting too) gets the customer's signer, not its data.
            signers = signers.sudo().search(
                [
                    ("partner_id", "in", partners.ids),
                    ("date_from", "<=", today),
                    ("date_to", ">=", today),
                ],
                order="ordering_signer desc, date_to desc, id",
            )
        for order in quotations:
            partner = order.partner_id.commercial_partner_id
            mine = signers.filtered(lambda s, p=partner: s.partner_id == p)
            marked = mine.filtered("ordering_signer")
            default = marked[:1] or (mine if len(mine) == 1 else mine.browse())
            order.key_account_signer_id = default.sudo(False)
        for order in self - quotations:
            order.key_account_signer_id = order.key_account_signer_id

    @api.depends(
        "state",
        "partner_id",
        "payment_term_id",
        "date_order",
        "key_account_signer_id",
        "company_id.key_account_signer_policy",
        "partner_id.commercial_partner_id.is_key_account",
    )
    def _compute_key_account_signer_note(self):
        for order in self:
            partner = order.partner_id.commercial_partner_id
            order.key_account_signer_shown = bool(partner.is_key_account)
            problem = (
                order.state in SIGNER_STATES
                and partner
                and order._key_account_signer_problem()
            )
            order.key_account_signer_note = (
                self.env._("This quotation cannot be confirmed: %s", problem)
                if problem
                else False
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("key_account_signer_id", "partner_id")
    def _check_key_account_signer(self):
        for order in self:
            signer = order.key_account_signer_id.sudo()
            partner = order.partner_id.commercial_partner_id
            if signer and signer.partner_id != partner:
                raise ValidationError(
                    self.env._(
                        "%(signer)s is not an authorized signer of %(partner)s.",
                        signer=signer.contact_id.name,
                        partner=partner.display_name,
                    )
                )

    # === CRUD METHODS === #
    def write(self, vals):
        if "key_account_signer_id" in vals and not self._key_account_is_system():
            self._key_account_check_signer_change(vals["key_account_signer_id"])
        return super().write(vals)

    # === BUSINESS METHODS === #
    def _key_account_check_signer_change(self, signer_id):
        """The signer is chosen on the quotation: a confirmed or cancelled
        order keeps the one it was confirmed with, whoever writes it."""
        signer_id = signer_id or False
        locked = self.filtered(
            lambda o: (
                o.state not in SIGNER_STATES and o.key_account_signer_id.id != signer_id
            )
        )
        if locked:
            raise AccessError(
                self.env._(
                    "%(order)s is no longer a quotation: the authorized signer "
                    "it names no longer changes.",
                    order=locked[0].name,
                )
            )

    def _key_account_check_signer(self):
        """Confirmation refuses an order whose signer is missing, expired or
        not the customer's, when the company asks for one (SPEC R70)."""
        self.ensure_one()
        self._key_account_refuse_confirmation(self._key_account_signer_problem())

    def _key_account_needs_signer(self):
        """Whether the order must name a valid signer to be confirmed."""
        self.ensure_one()
        policy = self.company_id.key_account_signer_policy
        if not self.partner_id.commercial_partner_id.is_key_account or policy == "none":
            return False
        return policy == "all" or self._key_account_on_credit_terms()

    def _key_account_on_credit_terms(self):
        """The customer pays after delivery: the order's payment term, else
        the customer's, gives it days."""
        self.ensure_one()
        term = (
            self.payment_term_id
            or self.partner_id.commercial_partner_id.with_company(
                self.company_id
            ).property_payment_term_id
        )
        if not term:
            return False
        return self._key_account_term_days(term, self._key_account_order_date()) > 0

    def _key_account_signer_problem(self):
        """Why the order would not confirm with its signer (a sentence), or
        False. Validity is read on the day of confirmation (today)."""
        self.ensure_one()
        if not self._key_account_needs_signer():
            return False
        partner = self.partner_id.commercial_partner_id
        # The signer's validity only: whoever confirms (accounting too).
        signer = self.key_account_signer_id.sudo()
        today = fields.Date.context_today(self)
        if not signer:
            return self.env._(
                "No valid authorized signer. The order must name a signer "
                "%(partner)s authorized: choose one on the quotation, or "
                "record the customer's signer first.",
                partner=partner.display_name,
            )
        if signer._key_account_is_valid(partner, today):
            return False
        if signer.partner_id != partner or not signer.active:
            return self.env._(
                "No valid authorized signer: %(signer)s no longer signs for "
                "%(partner)s.",
                signer=signer.contact_id.name,
                partner=partner.display_name,
            )
        if signer.date_to < today:
            return self.env._(
                "No valid authorized signer: the authorization of %(signer)s "
                "ended on %(date)s. Record its renewal on the customer, or "
                "choose another signer.",
                signer=signer.contact_id.name,
                date=format_date(self.env, signer.date_to),
            )
        return self.env._(
            "No valid authorized signer: %(signer)s signs only from %(date)s.",
            signer=signer.contact_id.name,
            date=format_date(self.env, signer.date_from),
        )
