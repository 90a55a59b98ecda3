# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date


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
    key_account_agreement_note = fields.Text(
        string="Agreement Warning",
        compute="_compute_key_account_agreement_note",
        help="Why the quotation could not be confirmed on the customer's "
        "agreement, or that its agreement ends soon.",
    )
    key_account_agreement_blocks = fields.Boolean(
        compute="_compute_key_account_agreement_note"
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
    key_account_project = fields.Boolean(
        string="Project Order",
        tracking=True,
        help="Project work for a customer that is not a key account, on a "
        "signed cooperation agreement: the advance of the settings (50 %) "
        "is proposed and its goods are delivered once it is paid.",
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

    @api.depends(
        "state",
        "partner_id",
        "company_id",
        "date_order",
        "company_id.key_account_agreement_required",
        "company_id.key_account_agreement_notice_days",
        "partner_id.commercial_partner_id.is_key_account",
        "key_account_agreement_id.state",
        "key_account_agreement_id.date_end",
    )
    def _compute_key_account_agreement_note(self):
        """Shown on the quotation before approval is requested: what
        confirmation would refuse, or the agreement's coming end."""
        today = fields.Date.context_today(self)
        for order in self:
            problem = notice = False
            if order.state in ("draft", "sent") and order.partner_id:
                problem = order._key_account_agreement_problem()
                agreement = order.key_account_agreement_id.sudo()
                notice_days = order.company_id.key_account_agreement_notice_days
                if (
                    not problem
                    and agreement.date_end
                    and (agreement.date_end - today).days <= notice_days
                ):
                    notice = self.env._(
                        "The agreement %(agreement)s ends on %(date)s: renew it "
                        "with the customer in time for the next orders.",
                        agreement=agreement.name,
                        date=format_date(self.env, agreement.date_end),
                    )
            order.key_account_agreement_blocks = bool(problem)
            order.key_account_agreement_note = (
                self.env._("This quotation cannot be confirmed: %s", problem)
                if problem
                else notice
            )

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

    @api.depends(
        "key_account_agreement_id",
        "key_account_project",
        "partner_id.commercial_partner_id.is_key_account",
    )
    def _compute_key_account_advance_percent(self):
        """The agreement's advance; on a project order of a customer that is
        not a key account, the company's (50 %, SPEC R26); a non-project order
        without agreement of such a customer, none; else what was entered.
        A confirmed order keeps the advance it was confirmed with."""
        for order in self:
            agreement = order.key_account_agreement_id
            is_key_account = order.partner_id.commercial_partner_id.is_key_account
            if order.state not in ("draft", "sent"):
                advance = order.key_account_advance_percent  # as confirmed
            elif agreement:
                advance = agreement.sudo().advance_percent
            elif is_key_account:
                advance = order.key_account_advance_percent
            elif order.key_account_project:
                advance = order.company_id.key_account_project_advance_percent
            else:
                advance = 0.0
            order.key_account_advance_percent = advance

    @api.depends("key_account_advance_percent")
    def _compute_prepayment_percent(self):
        """Odoo's prepayment asks the customer paying the quotation online
        for the agreed advance (SPEC R26)."""
        res = super()._compute_prepayment_percent()
        for order in self:
            if order.key_account_advance_percent > 0:
                order.prepayment_percent = order.key_account_advance_percent / 100.0
        return res

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
        self._key_account_refuse_confirmation(self._key_account_agreement_problem())

    def _key_account_check_agreement_before_approval(self):
        """Approval is not asked for a quotation its agreement would stop at
        confirmation: the rep hears it before the approvers work on it."""
        for order in self.filtered(lambda o: o.state in ("draft", "sent")):
            problem = order._key_account_agreement_problem()
            if problem:
                raise UserError(
                    self.env._(
                        "%(order)s: approval not requested, the order could not "
                        "be confirmed afterwards: %(problem)s",
                        order=order.name,
                        problem=problem,
                    )
                )

    def _key_account_agreement_problem(self):
        """Why the order would not confirm on its agreement (a sentence), or
        False."""
        self.ensure_one()
        company = self.company_id
        partner = self.partner_id.commercial_partner_id
        agreement = self.key_account_agreement_id.sudo()
        if agreement and agreement.partner_id.commercial_partner_id != partner:
            return self.env._(
                "the agreement %(agreement)s is not %(partner)s's.",
                agreement=agreement.name,
                partner=partner.display_name,
            )
        if not (company.key_account_agreement_required and partner.is_key_account):
            return False
        date = self._key_account_order_date()
        if not agreement:
            return self.env._(
                "%(partner)s has no active agreement. Key-account orders are "
                "confirmed on the customer's active agreement.",
                partner=partner.display_name,
            )
        if agreement.state == "suspended":
            return self.env._(
                "the agreement %(agreement)s is suspended until the KA head "
                "resumes it (%(cause)s).",
                agreement=agreement.name,
                cause=agreement.status_cause or "-",
            )
        if agreement.state == "expired" or (
            agreement.state == "active" and agreement.date_end < date
        ):
            return self.env._(
                "the agreement %(agreement)s expired on %(date)s. Renew it first.",
                agreement=agreement.name,
                date=format_date(self.env, agreement.date_end),
            )
        if not agreement._is_usable(date):
            return self.env._(
                "the agreement %(agreement)s is not active on the order date.",
                agreement=agreement.name,
            )
        return False

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
        # An advance paid online on the quotation (Odoo's prepayment) before
        # any invoice: the order's own transactions.
        paid = max(paid, self.sudo().amount_paid)
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
