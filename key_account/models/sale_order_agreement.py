# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class SaleOrder(models.Model):
    """Terms of the order: the customer's agreement gives its prices, payment
    term, rebate and advance (SPEC R24-R26, R33); the special commission
    rate; the payment term the customer is entitled to."""

    _inherit = "sale.order"

    # === FIELDS === #
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
        "payment term and rebate.",
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
        help="Share of the order the customer pays before its goods are "
        "delivered, from the customer's agreement.",
    )
    key_account_commission_rate = fields.Float(
        string="Special Commission Rate (%)",
        tracking=True,
        help="Leave empty to use the commission rules.",
    )

    # === COMPUTE METHODS === #
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

    # === CONSTRAINT METHODS === #
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

    # === BUSINESS METHODS === #
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
        if not agreement._is_usable(date):
            raise UserError(
                self.env._(
                    "%(order)s cannot be confirmed: the agreement %(agreement)s "
                    "is not active on the order date.",
                    order=self.name,
                    agreement=agreement.name,
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
