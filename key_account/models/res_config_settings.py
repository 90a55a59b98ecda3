# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    key_account_band2_amount = fields.Monetary(
        related="company_id.key_account_band2_amount", readonly=False
    )
    key_account_band3_amount = fields.Monetary(
        related="company_id.key_account_band3_amount", readonly=False
    )
    key_account_min_credit_level_id = fields.Many2one(
        related="company_id.key_account_min_credit_level_id", readonly=False
    )
    key_account_overdue_months = fields.Integer(
        related="company_id.key_account_overdue_months", readonly=False
    )
    key_account_report_days = fields.Integer(
        related="company_id.key_account_report_days", readonly=False
    )
    key_account_signer_months = fields.Integer(
        related="company_id.key_account_signer_months", readonly=False
    )
    key_account_signer_reminder_days = fields.Integer(
        related="company_id.key_account_signer_reminder_days", readonly=False
    )
    key_account_signer_policy = fields.Selection(
        related="company_id.key_account_signer_policy", readonly=False
    )
    key_account_sensitive_enabled = fields.Boolean(
        related="company_id.key_account_sensitive_enabled", readonly=False
    )
    key_account_document_level = fields.Selection(
        related="company_id.key_account_document_level", readonly=False
    )
    key_account_general_manager_id = fields.Many2one(
        related="company_id.key_account_general_manager_id", readonly=False
    )
    key_account_date_reminder_days = fields.Integer(
        related="company_id.key_account_date_reminder_days", readonly=False
    )
    key_account_file_entry_days = fields.Integer(
        related="company_id.key_account_file_entry_days", readonly=False
    )
    key_account_file_late_policy = fields.Selection(
        related="company_id.key_account_file_late_policy", readonly=False
    )
    key_account_file_marketing_user_ids = fields.Many2many(
        related="company_id.key_account_file_marketing_user_ids", readonly=False
    )
    key_account_file_marketing_group_id = fields.Many2one(
        related="company_id.key_account_file_marketing_group_id", readonly=False
    )
    key_account_file_supervisor_user_ids = fields.Many2many(
        related="company_id.key_account_file_supervisor_user_ids", readonly=False
    )
    key_account_file_window_months = fields.Integer(
        related="company_id.key_account_file_window_months", readonly=False
    )
    key_account_approval_scope = fields.Selection(
        related="company_id.key_account_approval_scope", readonly=False
    )
    key_account_amount_basis = fields.Selection(
        related="company_id.key_account_amount_basis", readonly=False
    )
    key_account_floor_pricelist_id = fields.Many2one(
        related="company_id.key_account_floor_pricelist_id", readonly=False
    )
    key_account_compensation_months = fields.Integer(
        related="company_id.key_account_compensation_months", readonly=False
    )
    key_account_delegation_same_level = fields.Boolean(
        related="company_id.key_account_delegation_same_level", readonly=False
    )
    key_account_delegation_authorization_required = fields.Boolean(
        related="company_id.key_account_delegation_authorization_required",
        readonly=False,
    )
    key_account_credit_policy = fields.Selection(
        related="company_id.key_account_credit_policy", readonly=False
    )
    key_account_aging_unit = fields.Selection(
        related="company_id.key_account_aging_unit", readonly=False
    )
    key_account_monitor_after = fields.Integer(
        related="company_id.key_account_monitor_after", readonly=False
    )
    key_account_progress_after = fields.Integer(
        related="company_id.key_account_progress_after", readonly=False
    )
    key_account_writeoff_after = fields.Integer(
        related="company_id.key_account_writeoff_after", readonly=False
    )
    key_account_head_user_id = fields.Many2one(
        related="company_id.key_account_head_user_id", readonly=False
    )
    key_account_clerk_id = fields.Many2one(
        related="company_id.key_account_clerk_id", readonly=False
    )
    key_account_investigation_days = fields.Integer(
        related="company_id.key_account_investigation_days", readonly=False
    )
    key_account_writeoff_journal_id = fields.Many2one(
        related="company_id.key_account_writeoff_journal_id", readonly=False
    )
    key_account_bad_debt_account_id = fields.Many2one(
        related="company_id.key_account_bad_debt_account_id", readonly=False
    )
    key_account_doubtful_account_id = fields.Many2one(
        related="company_id.key_account_doubtful_account_id", readonly=False
    )
    key_account_short_payment_account_id = fields.Many2one(
        related="company_id.key_account_short_payment_account_id", readonly=False
    )
    key_account_commission_base = fields.Selection(
        related="company_id.key_account_commission_base", readonly=False
    )
    key_account_executive_share = fields.Float(
        related="company_id.key_account_executive_share", readonly=False
    )
    key_account_allowance_rate = fields.Float(
        related="company_id.key_account_allowance_rate", readonly=False
    )
    key_account_director_rate = fields.Float(
        related="company_id.key_account_director_rate", readonly=False
    )
    key_account_commission_max_rate = fields.Float(
        related="company_id.key_account_commission_max_rate", readonly=False
    )
    key_account_writeoff_deducts_commission = fields.Boolean(
        related="company_id.key_account_writeoff_deducts_commission", readonly=False
    )
    key_account_settlement_journal_id = fields.Many2one(
        related="company_id.key_account_settlement_journal_id", readonly=False
    )
    key_account_commission_account_id = fields.Many2one(
        related="company_id.key_account_commission_account_id", readonly=False
    )
    key_account_rebate_account_id = fields.Many2one(
        related="company_id.key_account_rebate_account_id", readonly=False
    )
    key_account_expense_account_id = fields.Many2one(
        related="company_id.key_account_expense_account_id", readonly=False
    )
    key_account_claim_first_day = fields.Integer(
        related="company_id.key_account_claim_first_day", readonly=False
    )
    key_account_claim_last_day = fields.Integer(
        related="company_id.key_account_claim_last_day", readonly=False
    )
    key_account_executive_mobile_allowance = fields.Monetary(
        related="company_id.key_account_executive_mobile_allowance", readonly=False
    )
    key_account_department_expense_account_id = fields.Many2one(
        related="company_id.key_account_department_expense_account_id",
        readonly=False,
    )
    key_account_rebate_unpaid_days = fields.Integer(
        related="company_id.key_account_rebate_unpaid_days", readonly=False
    )
    key_account_agreement_required = fields.Boolean(
        related="company_id.key_account_agreement_required", readonly=False
    )
    key_account_agreement_months = fields.Integer(
        related="company_id.key_account_agreement_months", readonly=False
    )
    key_account_agreement_notice_days = fields.Integer(
        related="company_id.key_account_agreement_notice_days", readonly=False
    )
    key_account_performance_tolerance = fields.Float(
        related="company_id.key_account_performance_tolerance", readonly=False
    )
    key_account_cpm_product_id = fields.Many2one(
        related="company_id.key_account_cpm_product_id", readonly=False
    )
    key_account_project_advance_percent = fields.Float(
        related="company_id.key_account_project_advance_percent", readonly=False
    )
    key_account_stock_policy = fields.Selection(
        related="company_id.key_account_stock_policy", readonly=False
    )
    key_account_goods_waiting_days = fields.Integer(
        related="company_id.key_account_goods_waiting_days", readonly=False
    )
    key_account_acceptance_days = fields.Integer(
        related="company_id.key_account_acceptance_days", readonly=False
    )
    key_account_acceptance_unit = fields.Selection(
        related="company_id.key_account_acceptance_unit", readonly=False
    )
    key_account_stock_manager_id = fields.Many2one(
        related="company_id.key_account_stock_manager_id", readonly=False
    )
    key_account_goods_journal_id = fields.Many2one(
        related="company_id.key_account_goods_journal_id", readonly=False
    )
    key_account_goods_account_id = fields.Many2one(
        related="company_id.key_account_goods_account_id", readonly=False
    )
    key_account_goods_counterpart_account_id = fields.Many2one(
        related="company_id.key_account_goods_counterpart_account_id", readonly=False
    )
    key_account_report_weekday = fields.Selection(
        related="company_id.key_account_report_weekday", readonly=False
    )
    key_account_meeting_weekday = fields.Selection(
        related="company_id.key_account_meeting_weekday", readonly=False
    )
    key_account_entertainment_gm_amount = fields.Monetary(
        related="company_id.key_account_entertainment_gm_amount", readonly=False
    )
    key_account_gift_gm_amount = fields.Monetary(
        related="company_id.key_account_gift_gm_amount", readonly=False
    )
    key_account_gift_custodian_review = fields.Boolean(
        related="company_id.key_account_gift_custodian_review", readonly=False
    )
    key_account_actual_tolerance = fields.Float(
        related="company_id.key_account_actual_tolerance", readonly=False
    )
    key_account_satisfaction_survey_id = fields.Many2one(
        related="company_id.key_account_satisfaction_survey_id", readonly=False
    )
    key_account_satisfaction_threshold = fields.Float(
        related="company_id.key_account_satisfaction_threshold", readonly=False
    )
    key_account_complaint_response_days = fields.Integer(
        related="company_id.key_account_complaint_response_days", readonly=False
    )
    key_account_complaint_resolution_days = fields.Integer(
        related="company_id.key_account_complaint_resolution_days", readonly=False
    )
    key_account_match_vat = fields.Boolean(
        related="company_id.key_account_match_vat", readonly=False
    )
    key_account_match_name = fields.Boolean(
        related="company_id.key_account_match_name", readonly=False
    )
    key_account_match_phone = fields.Boolean(
        related="company_id.key_account_match_phone", readonly=False
    )
    key_account_match_email = fields.Boolean(
        related="company_id.key_account_match_email", readonly=False
    )
    key_account_contact_days = fields.Integer(
        related="company_id.key_account_contact_days", readonly=False
    )
    key_account_no_contact_action = fields.Selection(
        related="company_id.key_account_no_contact_action", readonly=False
    )
    key_account_visit_tolerance = fields.Integer(
        related="company_id.key_account_visit_tolerance", readonly=False
    )
    key_account_go_out_min_length = fields.Integer(
        related="company_id.key_account_go_out_min_length", readonly=False
    )
    key_account_go_out_generic_words = fields.Char(
        related="company_id.key_account_go_out_generic_words", readonly=False
    )
    key_account_go_out_cutoff = fields.Float(
        related="company_id.key_account_go_out_cutoff", readonly=False
    )
    key_account_go_out_approval = fields.Boolean(
        related="company_id.key_account_go_out_approval", readonly=False
    )
    key_account_minutes_days = fields.Integer(
        related="company_id.key_account_minutes_days", readonly=False
    )
    key_account_goods_booking = fields.Selection(
        related="company_id.key_account_goods_booking", readonly=False
    )
    key_account_oem_record_days = fields.Integer(
        related="company_id.key_account_oem_record_days", readonly=False
    )
    key_account_kpi_sales_points = fields.Float(
        related="company_id.key_account_kpi_sales_points", readonly=False
    )
    key_account_kpi_sales_step = fields.Float(
        related="company_id.key_account_kpi_sales_step", readonly=False
    )
    key_account_assessment_threshold = fields.Float(
        related="company_id.key_account_assessment_threshold", readonly=False
    )
    key_account_visits_per_day = fields.Float(
        related="company_id.key_account_visits_per_day", readonly=False
    )
    key_account_calls_per_day = fields.Float(
        related="company_id.key_account_calls_per_day", readonly=False
    )
    key_account_churn_months = fields.Integer(
        related="company_id.key_account_churn_months", readonly=False
    )
    key_account_health_weight_recency = fields.Float(
        related="company_id.key_account_health_weight_recency", readonly=False
    )
    key_account_health_weight_frequency = fields.Float(
        related="company_id.key_account_health_weight_frequency", readonly=False
    )
    key_account_health_weight_revenue = fields.Float(
        related="company_id.key_account_health_weight_revenue", readonly=False
    )
    key_account_health_weight_payment = fields.Float(
        related="company_id.key_account_health_weight_payment", readonly=False
    )
    key_account_health_weight_overdue = fields.Float(
        related="company_id.key_account_health_weight_overdue", readonly=False
    )
    key_account_health_weight_complaints = fields.Float(
        related="company_id.key_account_health_weight_complaints", readonly=False
    )
    key_account_health_weight_satisfaction = fields.Float(
        related="company_id.key_account_health_weight_satisfaction", readonly=False
    )
    key_account_health_weight_visits = fields.Float(
        related="company_id.key_account_health_weight_visits", readonly=False
    )
    key_account_health_threshold = fields.Float(
        related="company_id.key_account_health_threshold", readonly=False
    )
    key_account_health_drop_points = fields.Float(
        related="company_id.key_account_health_drop_points", readonly=False
    )
    key_account_health_batch = fields.Integer(
        related="company_id.key_account_health_batch", readonly=False
    )
