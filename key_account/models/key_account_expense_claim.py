# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import calendar

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import claim_window_open
from .key_account_approval_mixin import TRANSITIONS

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("billed", "Reimbursed"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
EXPENSE_TYPES = [
    ("entertainment", "Entertainment"),
    ("gift", "Gift"),
    ("transport", "Transport"),
    ("executive", "Account Executive Costs"),
    ("other", "Other"),
]


class KeyAccountExpenseClaim(models.Model):
    """An expense for a key account charged to the rep's expense allowance
    or personal commission account (SPEC R31, R32, R37). Submitted in the
    month's claim window; the account executive's claims need the rep's
    consent first; a claim above the balance needs the KA head."""

    _name = "key_account.expense.claim"
    _description = "Key-Account Expense Claim"
    _inherit = ["key_account.approval.mixin", "key_account.customer.rep.mixin"]
    _order = "id desc"
    _key_account_sequence = "key_account.expense.claim"
    _key_account_user_fields = {
        "draft": (
            "partner_id",
            "expense_type",
            "account",
            "date",
            "amount",
            "description",
            "receipt_ids",
            "company_id",
        )
    }
    _key_account_transitions = dict(
        TRANSITIONS,
        action_open_window=(None, ("head",)),
        action_create_bill=(("approved",), ("billing",)),
    )

    # === FIELDS === #
    state = fields.Selection(
        STATES, default="draft", required=True, copy=False, tracking=True, index=True
    )
    requester_id = fields.Many2one(string="Claimed By")
    rep_id = fields.Many2one(
        help="The customer's rep, whose account bears the expense."
    )
    is_executive_claim = fields.Boolean(
        compute="_compute_rep_id",
        store=True,
        help="Claimed by someone other than the rep: the rep consents first.",
    )
    office_manager_id = fields.Many2one(
        help="Leader of the rep's sales team: approves claims within balance."
    )
    expense_type = fields.Selection(
        EXPENSE_TYPES, string="Type", required=True, tracking=True
    )
    account = fields.Selection(
        [("allowance", "Expense Allowance"), ("commission", "Personal Commission")],
        string="Charged To",
        required=True,
        default="allowance",
        tracking=True,
    )
    date = fields.Date(
        string="Expense Date", required=True, default=fields.Date.context_today
    )
    amount = fields.Monetary(required=True, tracking=True)
    description = fields.Text(required=True)
    receipt_ids = fields.Many2many(
        "ir.attachment",
        "key_account_expense_claim_receipt_rel",
        "claim_id",
        "attachment_id",
        string="Receipts",
    )
    balance = fields.Monetary(
        string="Balance Before",
        readonly=True,
        copy=False,
        help="The charged account's balance when the claim was submitted.",
    )
    above_balance = fields.Boolean(readonly=True, copy=False, index=True)
    window_exception = fields.Boolean(
        string="Outside the Claim Window",
        readonly=True,
        copy=False,
        tracking=True,
        help="The KA head allowed this claim to be submitted outside the "
        "month's claim window.",
    )
    line_id = fields.Many2one(
        "key_account.commission.line", string="Charge", readonly=True, copy=False
    )
    bill_id = fields.Many2one("account.move", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # === COMPUTE METHODS === #
    @api.depends("partner_id", "requester_id")
    def _compute_rep_id(self):
        res = super()._compute_rep_id()
        for claim in self:
            claim.is_executive_claim = (
                bool(claim.rep_id) and claim.rep_id != claim.requester_id
            )
        return res

    # === CONSTRAINT METHODS === #
    @api.constrains("amount")
    def _check_amount(self):
        if any(claim.amount <= 0 for claim in self):
            raise ValidationError(self.env._("A claim's amount must be positive."))

    # === ACTION METHODS === #
    def _submission_problems(self):
        self.ensure_one()
        if not self.receipt_ids:
            return [self.env._("Attach the receipt before submitting.")]
        if not self.rep_id:
            return [
                self.env._("%s has no rep to charge.", self.partner_id.display_name)
            ]
        return self._window_problems()

    def _before_submit(self):
        balance = self._key_account_balance()
        self._key_account_system_write(
            {
                "balance": balance,
                "above_balance": self.currency_id.compare_amounts(self.amount, balance)
                > 0,
            }
        )

    def _key_account_locked_message(self):
        return self.env._("Only draft claims can change.")

    def action_open_window(self):
        """The KA head lets a claim be submitted outside the window (R37)."""
        if not self.env.user.has_group("key_account.group_key_account_head"):
            raise AccessError(
                self.env._("Only the KA head opens a claim outside the window.")
            )
        for claim in self:
            claim.sudo().window_exception = True
            claim.message_post(
                body=self.env._(
                    "%s allowed this claim outside the claim window.",
                    self.env.user.name,
                )
            )
        return True

    def action_create_bill(self):
        """Accounting reimburses the claimant with a vendor bill."""
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only accounting reimburses claims."))
        for claim in self:
            claim._key_account_check_transition(
                "action_create_bill",
                self.env._("%s is not approved for reimbursement.", claim.name),
            )
            bill = self.env["account.move"].create(claim._prepare_bill())
            claim._set_state("billed", bill_id=bill.id)
        return True

    # tier.validation hooks
    def _on_approved(self):
        self._charge()

    # === BUSINESS METHODS === #
    def _window_problems(self):
        """R37: claims are submitted in the month's claim window unless the
        KA head allowed this one."""
        company = self.company_id
        today = fields.Date.context_today(self)
        last_day = calendar.monthrange(today.year, today.month)[1]
        first, last = (
            company.key_account_claim_first_day,
            company.key_account_claim_last_day,
        )
        if self.window_exception or claim_window_open(today.day, last_day, first, last):
            return []
        return [
            self.env._(
                "Claims can be submitted from the %(first)sth to the "
                "%(last)sth of the month; ask the KA head for an exception.",
                first=first,
                last=min(last, last_day),
            )
        ]

    def _key_account_balance(self):
        """The charged account's balance: its lines to date (accruals less
        approved claims and, for commissions, what was settled)."""
        self.ensure_one()
        kind = "allowance" if self.account == "allowance" else "commission"
        domain = [
            ("user_id", "=", self.rep_id.id),
            ("kind", "=", kind),
            ("company_id", "=", self.company_id.id),
            ("state", "!=", "cancelled"),
        ]
        if kind == "commission":
            domain.append(("state", "=", "to_settle"))
        lines = self.env["key_account.commission.line"].sudo()
        return lines._read_group(domain, [], ["amount:sum"])[0][0]

    def _charge(self):
        """The approved claim is drawn on the rep's account: a negative line
        (system record, whoever approves)."""
        self.ensure_one()
        kind = "allowance" if self.account == "allowance" else "commission"
        line = self.env["key_account.commission.line"]._draw(
            self, "claim", self.amount, kind=kind, claim_id=self.id
        )
        self.sudo().line_id = line

    def _prepare_bill(self):
        self.ensure_one()
        account = self.company_id._key_account_required_setting(
            "key_account_expense_account_id", self.env._("reimburse expense claims")
        )
        return self.env["account.move"]._key_account_bill_vals(
            self.requester_id.partner_id,
            self.company_id,
            self.name,
            self.env._(
                "%(name)s: %(description)s",
                name=self.name,
                description=self.description,
            ),
            account,
            self.amount,
        )
