# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    key_account_band2_amount = fields.Monetary(
        string="Band 2 From",
        default=100000.0,
        help="Contract amount (company currency) from which band 2 applies.",
    )
    key_account_band3_amount = fields.Monetary(
        string="Band 3 From",
        default=300000.0,
        help="Contract amount (company currency) from which band 3 applies.",
    )
    key_account_approval_scope = fields.Selection(
        [
            ("key_accounts", "Key-Account Orders"),
            ("all", "All Orders"),
        ],
        string="Orders Needing Approval",
        default="key_accounts",
        required=True,
        help="Orders approved by amount band and authority matrix (SPEC R11).",
    )
    key_account_amount_basis = fields.Selection(
        [("total", "Total (Tax Included)"), ("untaxed", "Untaxed Amount")],
        string="Contract Amount",
        default="total",
        required=True,
        help="Amount of an order that selects its approval band.",
    )
    key_account_floor_pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Settlement Price List",
        help="Floor prices of the price system: selling below them needs the "
        "authority of the KA head or the general manager.",
    )
    key_account_agreement_required = fields.Boolean(
        string="Key-Account Orders Require an Active Agreement",
        default=True,
        help="A key-account order confirms only on the customer's active "
        "agreement, whose prices, terms and rebate it takes (SPEC R24).",
    )
    key_account_agreement_months = fields.Integer(
        string="Agreement Validity (Months)", default=12
    )
    key_account_agreement_notice_days = fields.Integer(
        string="Renewal Reminder (Days Before the End)", default=30
    )
    key_account_performance_tolerance = fields.Float(
        string="Performance Deviation Suspending (%)",
        default=30.0,
        help="Actual results of a performance-priced agreement further than "
        "this from its test result suspend it (SPEC R25).",
    )
    key_account_compensation_months = fields.Integer(
        string="Monthly Volume Over (Months)",
        default=3,
        help="The monthly volume that compensation is measured against is the "
        "customer's average monthly invoiced untaxed amount over this many "
        "full calendar months before the order month (SPEC R35).",
    )
    key_account_delegation_same_level = fields.Boolean(
        string="Delegates Must Hold the Role's Access Level",
        default=True,
        help="A delegate must have at least the key-account access level of "
        "the person they act for.",
    )
    key_account_credit_policy = fields.Selection(
        [("block", "Block Confirmation"), ("warn", "Warn Only")],
        string="Credit Hold",
        default="block",
        required=True,
        help="What happens when a key-account order exceeds the credit limit, "
        "has receivables long overdue or a credit level on hold (SPEC R10).",
    )
    key_account_aging_unit = fields.Selection(
        [("months", "Months"), ("days", "Days")],
        string="Overdue Ladder Unit",
        default="months",
        required=True,
    )
    key_account_monitor_after = fields.Integer(
        string="Key Monitoring After",
        default=2,
        help="Receivables overdue more than this are monitored and hold credit "
        "(SPEC R39).",
    )
    key_account_progress_after = fields.Integer(
        string="Weekly Collection Notes After",
        default=4,
        help="Receivables overdue more than this need a weekly collection note "
        "(SPEC R40).",
    )
    key_account_writeoff_after = fields.Integer(
        string="Write-Off Possible After",
        default=6,
        help="Receivables overdue more than this may be written off (SPEC R41).",
    )
    key_account_head_user_id = fields.Many2one(
        "res.users",
        string="KA Head for Notices",
        help="Receives the notices of overdue receivables and missing notes; "
        "empty: the first KA head.",
    )
    key_account_clerk_id = fields.Many2one(
        "res.users",
        string="KA Clerk",
        help="Investigates credit anomalies (SPEC R9); empty: the KA head.",
    )
    key_account_investigation_days = fields.Integer(
        string="Investigation Within (Working Days)", default=3
    )
    key_account_writeoff_journal_id = fields.Many2one(
        "account.journal",
        string="Write-Off Journal",
        domain="[('type', '=', 'general'), ('company_id', '=', id)]",
    )
    key_account_bad_debt_account_id = fields.Many2one(
        "account.account",
        string="Bad-Debt Expense Account",
        domain="[('deprecated', '=', False)]",
    )
    key_account_doubtful_account_id = fields.Many2one(
        "account.account",
        string="Doubtful-Debt Allowance Account",
        domain="[('deprecated', '=', False)]",
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
    key_account_suggestion_batch = fields.Integer(
        string="Tier Suggestion Batch Size",
        default=200,
    )
    # Commissions (SPEC R27-R36)
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
        domain="[('type', '=', 'purchase'), ('company_id', '=', id)]",
    )
    key_account_commission_account_id = fields.Many2one(
        "account.account",
        string="Commission Expense Account",
        domain="[('deprecated', '=', False)]",
    )
    key_account_expense_account_id = fields.Many2one(
        "account.account",
        string="Sales Expense Account",
        domain="[('deprecated', '=', False)]",
        help="Expense account of reimbursed expense claims.",
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
        help="Paid monthly to each account executive with their commission, "
        "charged to the KA department's expenses; 0 for none.",
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
        help="Expense account of customer rebate payouts.",
    )

    # Warehouse (SPEC R58-R66)
    key_account_stock_policy = fields.Selection(
        [("warn", "Confirm and Warn"), ("block", "Refuse Confirmation")],
        string="Short Stock at Confirmation",
        default="warn",
        required=True,
        help="When a key-account order needs more of a storable product than "
        "is free for the customer in its warehouse: confirm, note each short "
        "line on the order and let the replenishment (resupply from the "
        "central warehouse) run, or refuse the confirmation (SPEC R66).",
    )
    key_account_goods_waiting_days = fields.Integer(
        string="Goods Waiting at the Office After (Days)",
        default=7,
        help="Goods of a key-account order ready in the office warehouse for "
        "more than these days give the rep an activity (SPEC R62).",
    )
    key_account_acceptance_days = fields.Integer(
        string="Objection Window",
        default=3,
        help="Days the office may object to goods it received (SPEC R60).",
    )
    key_account_acceptance_unit = fields.Selection(
        [("calendar", "Calendar Days"), ("working", "Working Days")],
        string="Objection Window Unit",
        default="calendar",
        required=True,
    )
    key_account_stock_manager_id = fields.Many2one(
        "res.users",
        string="Sales Company Stock Manager",
        help="Resolves the offices' objections to goods received.",
    )
    key_account_goods_journal_id = fields.Many2one(
        "account.journal",
        string="Office Goods Journal",
        help="Journal of the entries booking accepted goods to the offices.",
    )
    key_account_goods_account_id = fields.Many2one(
        "account.account",
        string="Office Goods Account",
        domain="[('deprecated', '=', False)]",
        help="Debited with the cost of the goods an office accepted (办事处货款).",
    )
    key_account_goods_counterpart_account_id = fields.Many2one(
        "account.account",
        string="Goods Sent to Offices Account",
        domain="[('deprecated', '=', False)]",
        help="Credited with the cost of the goods an office accepted.",
    )
    # Scheduled reports (SPEC R81-R83)
    key_account_report_weekday = fields.Selection(
        WEEKDAYS,
        string="Weekly Report Reminder Day",
        default="4",
        help="Each rep gets the weekly report e-mail and reminder on this day.",
    )
    key_account_meeting_weekday = fields.Selection(
        WEEKDAYS,
        string="Weekly Meeting Day",
        default="0",
        help="The KA head gets the meeting pack of the previous week on this "
        "day, with the missing weekly reports.",
    )
    key_account_entertainment_gm_amount = fields.Monetary(
        string="Entertainment: General Manager Above",
        default=3000.0,
        help="Entertainment budgets (and reported actuals) above this amount "
        "also need the general manager (SPEC R56).",
    )
    key_account_gift_gm_amount = fields.Monetary(
        string="Gifts: General Manager Above",
        default=1000.0,
        help="Gift requests whose total value is above this amount also need "
        "the general manager (SPEC R57).",
    )
    key_account_gift_custodian_review = fields.Boolean(
        string="Gift Custodian Reviews Gifts",
        help="Gift requests go to the gift custodian after the KA head.",
    )
    key_account_actual_tolerance = fields.Float(
        string="Actual Costs Tolerance (%)",
        default=10.0,
        help="Reported entertainment costs above the budget by more than this "
        "need the approvals again (SPEC R56).",
    )
    key_account_satisfaction_survey_id = fields.Many2one(
        "survey.survey",
        string="Satisfaction Survey",
        help="Survey sent to key-account contacts at their tier's interval; "
        "empty: the survey shipped with Key Accounts.",
    )
    key_account_satisfaction_threshold = fields.Float(
        string="Dissatisfied At or Below",
        default=2.0,
        help="A satisfaction score (1-5) at or below this needs a recovery "
        "plan before closing (SPEC R74).",
    )
    key_account_complaint_response_days = fields.Integer(
        string="Complaint Response (Working Days)", default=1
    )
    key_account_complaint_resolution_days = fields.Integer(
        string="Complaint Resolution (Working Days)", default=5
    )

    # Customer ownership (SPEC R45, R47)
    key_account_match_vat = fields.Boolean(
        string="Match Tax ID and Registry Number", default=True
    )
    key_account_match_name = fields.Boolean(
        string="Match Company Name",
        default=True,
        help="Names compared without case, punctuation nor legal form "
        "(有限公司, Co., Ltd. …).",
    )
    key_account_match_phone = fields.Boolean(string="Match Phone", default=True)
    key_account_match_email = fields.Boolean(
        string="Match E-mail Domain",
        default=True,
        help="Company domains only: webmail (qq.com, 163.com, gmail.com …) "
        "never matches.",
    )
    key_account_contact_days = fields.Integer(
        string="First Contact Within (Days)",
        default=7,
        help="A newly assigned customer without a logged contact (visit, call, "
        "meeting or e-mail done) within this many days is flagged (SPEC R47).",
    )
    key_account_no_contact_action = fields.Selection(
        [
            ("propose", "Alert the Office Manager"),
            ("reassign", "Reassign Automatically"),
        ],
        string="Customer Not Contacted",
        default="propose",
        required=True,
    )
    key_account_ownership_batch = fields.Integer(
        string="Ownership Batch Size", default=200
    )
    # Visits and go-out register (SPEC R50–R55)
    key_account_visit_tolerance = fields.Integer(
        string="Visit Time Tolerance (Minutes)",
        default=30,
        help="Actual times further than this from the plan need a reason.",
    )
    key_account_go_out_min_length = fields.Integer(
        string="Purpose at Least (Characters)",
        default=4,
        help="Letters or digits a go-out purpose keeps once the generic words "
        "are removed (SPEC R51).",
    )
    key_account_go_out_generic_words = fields.Char(
        string="Generic Words",
        default="out, outside, going out, seeing a customer, see customer, "
        "customer, client, visit, visiting, meeting, business, "
        "外出, 出去, 见客户, 拜访, 拜访客户, 客户, 办事",
        help="Comma-separated words that do not make a purpose.",
    )
    key_account_go_out_cutoff = fields.Float(
        string="Direct Visits Registered By",
        default=18.0,
        help="Hour of the previous working day by which a visit going "
        "straight to the customer is registered (SPEC R52).",
    )
    key_account_go_out_approval = fields.Boolean(
        string="Office Manager Approves Go-Outs",
        help="Each registration is approved by the office manager before "
        "departure (SPEC R53).",
    )
    key_account_minutes_days = fields.Integer(
        string="Meeting Minutes Within (Working Days)", default=2
    )
    key_account_goods_booking = fields.Selection(
        [
            ("goods_account", "Office Goods Account"),
            ("office_receivable", "Office Receivable"),
        ],
        string="Book Accepted Office Goods To",
        default="goods_account",
        required=True,
        help="Office Goods Account: debit the office goods account. Office "
        "Receivable: debit the receivable account of the office warehouse's "
        "address (its partner), so the office owes the goods' cost; both "
        "against the Goods Sent to Offices account (SPEC R60).",
    )
    key_account_oem_record_days = fields.Integer(
        string="OEM Delivery Note Within (Working Days)",
        default=1,
        help="Working days after an OEM shipment to the office within which "
        "its delivery-note reference is recorded; later, only the stock "
        "manager records it and the receipt is flagged late (SPEC R61).",
    )

    @api.constrains("key_account_oem_record_days")
    def _check_key_account_oem_record_days(self):
        if any(company.key_account_oem_record_days < 0 for company in self):
            raise ValidationError(
                self.env._(
                    "The days to record an OEM delivery note cannot be negative."
                )
            )

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

    def _key_account_band_thresholds(self):
        self.ensure_one()
        return (self.key_account_band2_amount, self.key_account_band3_amount)

    @api.constrains(
        "key_account_entertainment_gm_amount",
        "key_account_gift_gm_amount",
        "key_account_actual_tolerance",
        "key_account_satisfaction_threshold",
        "key_account_complaint_response_days",
        "key_account_complaint_resolution_days",
    )
    def _check_key_account_relationship(self):
        for company in self:
            if (
                min(
                    company.key_account_entertainment_gm_amount,
                    company.key_account_gift_gm_amount,
                    company.key_account_actual_tolerance,
                    company.key_account_complaint_response_days,
                )
                < 0
                or not 0 <= company.key_account_satisfaction_threshold <= 5
                or company.key_account_complaint_resolution_days
                < company.key_account_complaint_response_days
            ):
                raise ValidationError(
                    self.env._(
                        "Relationship settings: amounts, tolerance and days "
                        "cannot be negative, the dissatisfaction threshold is "
                        "between 0 and 5 and the resolution delay cannot be "
                        "shorter than the response delay."
                    )
                )

    def _key_account_satisfaction_survey(self):
        self.ensure_one()
        return self.key_account_satisfaction_survey_id or self.env.ref(
            "key_account.survey_key_account_satisfaction", raise_if_not_found=False
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

    # Fields: KPIs (SPEC R79, R80, R85, R78 churn)
    key_account_kpi_sales_points = fields.Float(
        string="Sales Completion Points",
        default=25.0,
        help="Points of sales completion at 100 % in the assessment score.",
    )
    key_account_kpi_sales_step = fields.Float(
        string="Point Lost Per Shortfall (%)",
        default=5.0,
        help="One point is lost per full step below 100 % sales completion.",
    )
    key_account_assessment_threshold = fields.Float(
        string="Assessment Threshold",
        default=60.0,
        help="A quarterly score (out of 100) below it records a verbal warning.",
    )
    key_account_visits_per_day = fields.Float(
        string="Visits Per Working Day", default=1.0
    )
    key_account_calls_per_day = fields.Float(
        string="Calls Per Working Day",
        default=0.0,
        help="0: no call target.",
    )
    key_account_churn_months = fields.Integer(
        string="Lost After (Months Without Invoice)", default=12
    )

    @api.constrains(
        "key_account_kpi_sales_points",
        "key_account_kpi_sales_step",
        "key_account_assessment_threshold",
        "key_account_visits_per_day",
        "key_account_calls_per_day",
        "key_account_churn_months",
    )
    def _check_key_account_kpi_settings(self):
        for company in self:
            if (
                company.key_account_kpi_sales_step <= 0
                or company.key_account_churn_months < 1
                or min(
                    company.key_account_kpi_sales_points,
                    company.key_account_assessment_threshold,
                    company.key_account_visits_per_day,
                    company.key_account_calls_per_day,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "KPI settings cannot be negative; the scoring step and "
                        "the months before a key account counts as lost must be "
                        "positive."
                    )
                )
