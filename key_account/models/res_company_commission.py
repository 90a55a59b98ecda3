# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Settings of commissions, rebates, compensation volume, expense
    claims and settlements (SPEC R27-R37)."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_compensation_months = fields.Integer(
        string="Monthly Volume Over (Months)",
        default=3,
        help="The monthly volume that compensation is measured against is the "
        "customer's average monthly invoiced untaxed amount over this many "
        "full calendar months before the order month.",
    )
    key_account_commission_base = fields.Selection(
        [("untaxed", "Untaxed Share"), ("taxed", "Amount Collected")],
        string="Commission Base",
        default="untaxed",
        required=True,
        help="Untaxed share: collected × untaxed ÷ total of the invoice (tax "
        "is not revenue). Amount collected: taxes included.",
    )
    key_account_executive_share = fields.Float(
        string="Account Executive Share (%)",
        default=30.0,
        help="Share of each commission earned by the customer's account "
        "executive; the rep earns the rest (7:3 by default).",
    )
    key_account_allowance_rate = fields.Float(
        string="Expense Allowance (%)",
        default=2.0,
        help="Share of collected amounts accrued to the rep's expense account.",
    )
    key_account_director_rate = fields.Float(
        string="KA Head Commission (%)",
        help="Share of collected amounts earned by the KA head on every "
        "key-account collection; 0 for none.",
    )
    key_account_commission_max_rate = fields.Float(
        string="Highest Commission Rate (%)",
        default=10.0,
        help="Commission rules above this rate are refused.",
    )
    key_account_writeoff_deducts_commission = fields.Boolean(
        string="Write-Offs Deduct Commission",
        help="A written-off receivable deducts its commission rate × the "
        "written-off amount from the rep and the account executive.",
    )
    key_account_settlement_journal_id = fields.Many2one(
        "account.journal",
        string="Commission Bill Journal",
        help="Purchase journal of the commission bills and rebate payouts; "
        "empty: the company's default purchase journal.",
        domain="[('type', '=', 'purchase'), ('company_id', '=', id)]",
    )
    key_account_commission_account_id = fields.Many2one(
        "account.account",
        string="Commission Expense Account",
        domain="[('deprecated', '=', False)]",
        help="Expense account of the commission bills. Required to bill "
        "commission settlements.",
    )
    key_account_expense_account_id = fields.Many2one(
        "account.account",
        string="Sales Expense Account",
        domain="[('deprecated', '=', False)]",
        help="Expense account of reimbursed expense claims, entertainment and "
        "gifts. Required to reimburse them.",
    )
    key_account_claim_first_day = fields.Integer(string="Claims From Day", default=25)
    key_account_claim_last_day = fields.Integer(
        string="Claims Until Day",
        default=30,
        help="The month's last day in shorter months.",
    )
    key_account_executive_mobile_allowance = fields.Monetary(
        string="Executive Mobile Allowance",
        default=100.0,
        help="Paid each month to every account executive of a key account on a "
        "bill of its own, not with the commission, and charged to the KA "
        "department's expense account; 0 for none.",
    )
    key_account_department_expense_account_id = fields.Many2one(
        "account.account",
        string="KA Department Expense Account",
        domain="[('deprecated', '=', False)]",
        help="Expense account of the KA department, charged with the account "
        "executives' monthly mobile allowance. Required to bill it.",
    )
    key_account_rebate_unpaid_days = fields.Integer(
        string="Rebates Unpaid After (Days)",
        default=60,
        help="Accrued customer rebates still unpaid after these days are "
        "listed to the KA head.",
    )
    key_account_rebate_account_id = fields.Many2one(
        "account.account",
        string="Customer Rebate Account",
        domain="[('deprecated', '=', False)]",
        help="Expense account of customer rebate payouts. Required to bill them.",
    )

    # === CONSTRAINT METHODS === #
    @api.constrains(
        "key_account_executive_share",
        "key_account_allowance_rate",
        "key_account_director_rate",
        "key_account_commission_max_rate",
        "key_account_claim_first_day",
        "key_account_claim_last_day",
    )
    def _check_key_account_commission(self):
        for company in self:
            if not (
                1
                <= company.key_account_claim_first_day
                <= company.key_account_claim_last_day
                <= 31
            ):
                raise ValidationError(
                    self.env._(
                        "The claim window runs from one day of the month to a "
                        "later one, between the 1st and the 31st."
                    )
                )
            rates = (
                company.key_account_executive_share,
                company.key_account_allowance_rate,
                company.key_account_director_rate,
                company.key_account_commission_max_rate,
            )
            if min(rates) < 0 or max(rates) > 100:
                raise ValidationError(
                    self.env._(
                        "Commission shares and rates are percentages between 0 and 100."
                    )
                )
