# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, ValidationError


class ResCompany(models.Model):
    """Key-account settings of the company: designation, credit, customer
    file and confidentiality (SPEC R1-R10, R67-R72, R87). The settings of
    the other areas are in ``res_company_<area>``; the checks spanning
    several areas are here."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_min_credit_level_id = fields.Many2one(
        "key_account.credit.level",
        string="Minimum Credit Level for Designation",
    )
    key_account_overdue_months = fields.Integer(
        string="Overdue Months Blocking Designation",
        default=2,
    )
    key_account_report_days = fields.Integer(
        string="Post-Approval Report Within (Working Days)",
        default=3,
    )
    key_account_suggestion_batch = fields.Integer(
        string="Tier Suggestion Batch Size",
        default=200,
    )
    key_account_credit_policy = fields.Selection(
        [("block", "Block Confirmation"), ("warn", "Warn Only")],
        string="Credit Hold",
        default="block",
        required=True,
        help="What happens when a key-account order exceeds the credit limit, "
        "has receivables long overdue or a credit level on hold.",
    )
    key_account_head_user_id = fields.Many2one(
        "res.users",
        string="KA Head for Notices",
        help="Receives the department's notices: overdue receivables and missing "
        "collection notes, escalated complaints, unpaid rebates, the weekly "
        "meeting pack and the monthly report; empty: the first user with the KA "
        "head role.",
    )
    key_account_clerk_id = fields.Many2one(
        "res.users",
        string="KA Clerk",
        help="Investigates credit anomalies (an invoice passing into key "
        "monitoring, exposure above the credit limit, a write-off request) and "
        "receives the daily and monthly reports; empty: the KA head.",
    )
    key_account_signer_months = fields.Integer(
        string="Signer Validity (Months)",
        default=12,
    )
    key_account_signer_reminder_days = fields.Integer(
        string="Signer Renewal Reminder (Days Before)",
        default=30,
    )
    key_account_date_reminder_days = fields.Integer(
        string="Important Date Reminder (Days Before)",
        default=7,
    )
    key_account_sensitive_enabled = fields.Boolean(
        string="Sensitive Contact Information",
        help="Record health, physical features, home address and family events "
        "of key-account contacts, visible only to the rep, the account "
        "executive and directors.",
    )

    # === CONSTRAINT METHODS === #
    # These checks span several areas, whose fields are declared in
    # their own files.

    @api.constrains(
        "key_account_band2_amount",
        "key_account_band3_amount",
        "key_account_overdue_months",
        "key_account_report_days",
        "key_account_signer_months",
        "key_account_signer_reminder_days",
        "key_account_date_reminder_days",
        "key_account_suggestion_batch",
        "key_account_compensation_months",
        "key_account_agreement_months",
        "key_account_agreement_notice_days",
        "key_account_goods_waiting_days",
        "key_account_acceptance_days",
    )
    def _check_key_account_settings(self):
        for company in self:
            if not (
                0 < company.key_account_band2_amount < company.key_account_band3_amount
            ):
                raise ValidationError(
                    self.env._(
                        "The band thresholds must be positive and band 3 must "
                        "start above band 2."
                    )
                )
            if (
                min(
                    company.key_account_overdue_months,
                    company.key_account_report_days,
                    company.key_account_signer_reminder_days,
                    company.key_account_date_reminder_days,
                    company.key_account_agreement_notice_days,
                    company.key_account_acceptance_days,
                )
                < 0
                or min(
                    company.key_account_signer_months,
                    company.key_account_suggestion_batch,
                    company.key_account_compensation_months,
                    company.key_account_agreement_months,
                    company.key_account_goods_waiting_days,
                )
                < 1
            ):
                raise ValidationError(
                    self.env._(
                        "Key-account delays cannot be negative, and the signer "
                        "validity, the batch size, the months of the monthly "
                        "volume and the days goods may wait at the office "
                        "must be at least 1."
                    )
                )

    @api.constrains(
        "key_account_contact_days",
        "key_account_ownership_batch",
        "key_account_visit_tolerance",
        "key_account_go_out_min_length",
        "key_account_go_out_cutoff",
        "key_account_minutes_days",
    )
    def _check_key_account_relationships(self):
        for company in self:
            if (
                company.key_account_contact_days < 1
                or company.key_account_ownership_batch < 1
                or min(
                    company.key_account_visit_tolerance,
                    company.key_account_go_out_min_length,
                    company.key_account_minutes_days,
                )
                < 0
                or not 0 <= company.key_account_go_out_cutoff < 24
            ):
                raise ValidationError(
                    self.env._(
                        "The first-contact delay and the batch size must be at "
                        "least 1, visit delays cannot be negative and the "
                        "registration hour lies between 0:00 and 24:00."
                    )
                )

    # === BUSINESS METHODS === #
    def _key_account_head(self):
        """The KA head who receives notices."""
        self.ensure_one()
        return (
            self.key_account_head_user_id
            or self.env.ref("key_account.group_key_account_head").users[:1]
        )

    def _key_account_clerk(self):
        self.ensure_one()
        return self.key_account_clerk_id or self._key_account_head()

    def _key_account_required_setting(self, field_name, purpose):
        """The company's key-account setting ``field_name`` (a journal or an
        account a feature posts to). Blank: a ``RedirectWarning`` naming the
        setting, whose button opens the Key Accounts settings, as core
        Accounting does for a missing chart of accounts. ``purpose`` says,
        translated, what needs it ("bill commission settlements")."""
        self.ensure_one()
        value = self[field_name]
        if value:
            return value
        setting = self._fields[field_name]._description_string(self.env)
        raise RedirectWarning(
            self.env._(
                "To %(purpose)s, set “%(setting)s” in the Key Accounts "
                "settings of %(company)s first.",
                purpose=purpose,
                setting=setting,
                company=self.name,
            ),
            self.env.ref("key_account.action_key_account_settings").id,
            self.env._("Open the Key Accounts Settings"),
        )
