# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang


class SaleOrder(models.Model):
    """Credit hold of key-account orders (SPEC R10) and its exception."""

    _inherit = "sale.order"

    # === FIELDS === #
    key_account_credit_note = fields.Text(
        string="Credit Hold",
        compute="_compute_key_account_credit_note",
        help="Why the customer's credit holds this quotation.",
    )

    # === COMPUTE METHODS === #
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

    # === ACTION METHODS === #
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

    # === BUSINESS METHODS === #
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
                    unit=company._fields["key_account_aging_unit"]
                    .convert_to_export(company.key_account_aging_unit, company)
                    .lower(),
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
        partner = self.partner_id.commercial_partner_id
        return partner._key_account_uninvoiced_amounts(self.company_id)[partner.id]

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
        if self.env["key_account.exception.request"]._is_approved(
            self, "credit_over_limit", round(over, 2)
        ):
            self._key_account_exposure_exceeded(over)
            return
        message = self.env._(
            "%(order)s is held by the customer's credit:\n- %(problems)s",
            order=self.name,
            problems="\n- ".join(problems),
        )
        if self.company_id.key_account_credit_policy == "warn":
            self.sudo().message_post(body=message, subtype_xmlid="mail.mt_note")
            self._key_account_exposure_exceeded(over)
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

    def _key_account_exposure_exceeded(self, over):
        """The order goes through with the customer's exposure above its
        credit limit (``over`` % above it; a credit exception or the warn
        policy): the first time, the KA clerk investigates (SPEC R9)."""
        self.ensure_one()
        if over <= 0:
            return
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        currency = self.company_id.currency_id
        limit = partner.sudo().credit_limit
        reason = self.env._(
            "%(order)s confirmed with the exposure %(percent)s %% above the "
            "credit limit %(limit)s.",
            order=self.name,
            percent=round(over, 1),
            limit=currency.format(limit),
        )
        partner._key_account_exposure_crossed({partner.id}, {partner.id: reason})
