# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Settings of the overdue ladder of receivables, credit
    investigations and write-offs (SPEC R9, R38-R43)."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_aging_unit = fields.Selection(
        [("months", "Months"), ("days", "Days")],
        string="Overdue Ladder Unit",
        default="months",
        required=True,
    )
    key_account_monitor_after = fields.Integer(
        string="Key Monitoring After",
        default=2,
        help="Receivables overdue more than this (in the ladder's unit) are under "
        "key monitoring: the KA head is told and the customer's new orders "
        "are held for credit.",
    )
    key_account_progress_after = fields.Integer(
        string="Weekly Collection Notes After",
        default=4,
        help="Receivables overdue more than this (in the ladder's unit) need a "
        "collection note from the rep every week.",
    )
    key_account_writeoff_after = fields.Integer(
        string="Write-Off Possible After",
        default=6,
        help="Receivables overdue more than this (in the ladder's unit) may be "
        "proposed for write-off.",
    )
    key_account_investigation_days = fields.Integer(
        string="Investigation Within (Working Days)", default=3
    )
    key_account_writeoff_journal_id = fields.Many2one(
        "account.journal",
        string="Write-Off Journal",
        domain="[('type', '=', 'general'), ('company_id', '=', id)]",
        help="Miscellaneous journal of the write-off entries and of money "
        "recovered after a write-off. Required to post write-offs.",
    )
    key_account_bad_debt_account_id = fields.Many2one(
        "account.account",
        string="Bad-Debt Expense Account",
        domain="[('deprecated', '=', False)]",
        help="Debited by write-offs classified as bad debt. Required to post them.",
    )
    key_account_doubtful_account_id = fields.Many2one(
        "account.account",
        string="Doubtful-Debt Allowance Account",
        domain="[('deprecated', '=', False)]",
        help="Debited by write-offs classified as doubtful debt. Required to "
        "post them.",
    )
    key_account_short_payment_account_id = fields.Many2one(
        "account.account",
        string="Short-Payment Account",
        domain="[('deprecated', '=', False)]",
        help="Debited when the difference a key account left unpaid is written "
        "off after its short-payment exception was approved. Required to "
        "request such write-offs.",
    )
    key_account_aging_batch = fields.Integer(
        string="Overdue Ladder Batch Size", default=500
    )
    # Where the overdue ladder's last run left it: the latest due date of
    # each stage that day (``tools.ladder_cutoffs``). Invoices show their
    # stage by them, and the next run notifies the due dates passing them.
    key_account_ladder_monitor_cutoff = fields.Date(
        string="Key Monitoring Up To Due Date", readonly=True, copy=False
    )
    key_account_ladder_progress_cutoff = fields.Date(
        string="Weekly Collection Notes Up To Due Date", readonly=True, copy=False
    )
    key_account_ladder_writeoff_cutoff = fields.Date(
        string="Write-Off Possible Up To Due Date", readonly=True, copy=False
    )

    # === CONSTRAINT METHODS === #
    @api.constrains(
        "key_account_monitor_after",
        "key_account_progress_after",
        "key_account_writeoff_after",
        "key_account_investigation_days",
        "key_account_aging_batch",
    )
    def _check_key_account_ladder(self):
        for company in self:
            levels = company._key_account_ladder_levels()
            if not 0 < levels[0] < levels[1] < levels[2]:
                raise ValidationError(
                    self.env._(
                        "The overdue ladder levels must be positive and ascending."
                    )
                )
            if company.key_account_investigation_days < 0 or (
                company.key_account_aging_batch < 1
            ):
                raise ValidationError(
                    self.env._(
                        "The investigation delay cannot be negative and the "
                        "batch size must be at least 1."
                    )
                )

    # === BUSINESS METHODS === #
    def _key_account_ladder_levels(self):
        self.ensure_one()
        return (
            self.key_account_monitor_after,
            self.key_account_progress_after,
            self.key_account_writeoff_after,
        )

    def _key_account_ladder_cutoffs(self):
        """The cutoffs of the overdue ladder's last run (None: it never ran)."""
        self.ensure_one()
        cutoffs = (
            self.key_account_ladder_monitor_cutoff,
            self.key_account_ladder_progress_cutoff,
            self.key_account_ladder_writeoff_cutoff,
        )
        return cutoffs if all(cutoffs) else None

    def _key_account_set_ladder_cutoffs(self, cutoffs):
        """Keep ``cutoffs`` (a day's ``ladder_cutoffs``) as where the overdue
        ladder's last run left these companies."""
        self.write(
            {
                "key_account_ladder_monitor_cutoff": cutoffs[0],
                "key_account_ladder_progress_cutoff": cutoffs[1],
                "key_account_ladder_writeoff_cutoff": cutoffs[2],
            }
        )
