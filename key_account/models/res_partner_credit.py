# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools import add_working_days, overdue_more_than


class ResPartner(models.Model):
    """Credit of a key account: level, limit, settlement, overdue exposure
    and credit investigations (SPEC R7–R9, overdue ladder R38–R41)."""

    _inherit = "res.partner"

    # === FIELDS === #
    # The core credit limit stays an accounting field; reps and KA staff read
    # it on the Key Account page through ``key_account_credit_limit``. On a key
    # account only an approved request changes it (``_key_account_check_guarded``).
    key_account_credit_limit = fields.Float(
        string="Key-Account Credit Limit",
        compute="_compute_key_account_credit_limit",
        compute_sudo=True,
        help="The customer's credit limit in the current company, as set by "
        "accounting or an approved key-account request (read-only here).",
    )
    key_account_credit_level_id = fields.Many2one(
        "key_account.credit.level",
        string="Credit Level",
        tracking=True,
        ondelete="restrict",
        help="How far the company trusts the customer to pay (for example "
        "Excellent, Good, Watch, Hold). A level on hold stops the customer's "
        "orders from being confirmed. Changed only by an approved "
        "credit-change request.",
    )
    key_account_settlement_method = fields.Selection(
        [
            ("bank_transfer", "Bank Transfer"),
            ("acceptance_bill", "Acceptance Bill"),
            ("cheque", "Cheque"),
            ("cash", "Cash"),
            ("other", "Other"),
        ],
        string="Settlement Method",
        tracking=True,
    )

    # === COMPUTE METHODS === #
    @api.depends("credit_limit")
    @api.depends_context("company")
    def _compute_key_account_credit_limit(self):
        for partner in self:
            partner.key_account_credit_limit = partner.credit_limit

    # === BUSINESS METHODS === #
    def _key_account_open_investigation(self, reason):
        """R9: a credit anomaly opens an investigation for the KA clerk, due in
        N working days; one open investigation per customer at a time."""
        activity_type = self.env.ref(
            "key_account.mail_activity_key_account_investigation"
        )
        # Created in bulk by crons: the clerk sees them in the activity menu,
        # without one e-mail per customer.
        Activity = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
        )
        today = fields.Date.context_today(self)
        vals_by_partner = {}
        for partner in self:
            company = partner.company_id or self.env.company
            clerk = company._key_account_clerk()
            if clerk:
                vals_by_partner[partner.id] = {
                    "user_id": clerk.id,
                    "date_deadline": add_working_days(
                        today, company.key_account_investigation_days
                    ),
                    "note": reason,
                }
        # Each activity reads its customer's name: read them all at once.
        self.browse(list(vals_by_partner)).mapped("display_name")
        return Activity._key_account_create_missing(
            activity_type, "res.partner", vals_by_partner
        )

    def _key_account_overdue_entered(self):
        """New key accounts: their invoices already past a level of the
        overdue ladder are notified at once, as a run would have done. Read
        as superuser: whoever designates them may not read invoices."""
        self.env["account.move"].sudo().search(
            [
                ("commercial_partner_id", "in", self.ids),
                ("key_account_aging_stage", "not in", [False, "current"]),
            ]
        )._key_account_notify_entered()

    def _key_account_overdue_invoices(self, company, amount, unit="months"):
        """Open posted invoices of this customer in ``company`` more than
        ``amount`` months (or days) overdue today. Read as superuser: the
        checks that ask need the totals, not access to each invoice."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        invoices = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("commercial_partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                    ("invoice_date_due", "<", today),
                ]
            )
        )
        return invoices.filtered(
            lambda inv: overdue_more_than(inv.invoice_date_due, today, amount, unit)
        )
