# Access: the guard on every workflow, numbering, shared mixins (R86–R89)
from . import key_account_guard_mixin
from . import key_account_sequence_mixin
from . import key_account_customer_rep_mixin
from . import key_account_rep_mixin
from . import key_account_approval_mixin
from . import key_account_recovery_mixin
from . import key_account_reviewed_mixin
from . import key_account_report_view_mixin
from . import ir_default
from . import ir_attachment
from . import mail_message
from . import mail_thread
from . import mail_activity
from . import res_users
from . import res_users_home

# Settings, one file per area
from . import res_company
from . import res_company_approval
from . import res_company_agreement
from . import res_company_commission
from . import res_company_receivable
from . import res_company_ownership
from . import res_company_visit
from . import res_company_relationship
from . import res_company_warehouse
from . import res_company_report
from . import res_company_kpi
from . import res_company_health
from . import res_company_file
from . import res_company_signer
from . import res_company_document
from . import res_config_settings

# Designation, tiers, credit and the customer file (R1–R10, R67–R72, R87)
from . import key_account_tier
from . import key_account_credit_level
from . import key_account_document_type
from . import key_account_file_item
from . import res_partner
from . import res_partner_designation
from . import res_partner_credit
from . import res_partner_commission
from . import res_partner_file
from . import res_partner_ownership
from . import res_partner_assignment
from . import res_partner_care
from . import key_account_signer
from . import key_account_sensitive_info
from . import key_account_document
from . import key_account_document_access
from . import key_account_document_leak
from . import res_partner_document
from . import key_account_partner_date
from . import key_account_file_review
from . import key_account_request_document
from . import key_account_request
from . import key_account_tier_suggestion
from . import key_account_credit_investigation

# Approvals: authority matrix, exceptions, delegation, routes (R11–R19)
from . import key_account_authority_rule
from . import key_account_delegation
from . import key_account_exception_request
from . import tier_definition
from . import tier_review
from . import tier_review_delegation
from . import tier_review_escalation
from . import tier_review_labels
from . import tier_validation
from . import comment_wizard

# Orders: gate, approval, authority, credit, agreement, stock, invoicing
from . import sale_order
from . import sale_order_approval
from . import sale_order_approval_restart
from . import sale_order_authority
from . import sale_order_agreement
from . import sale_order_compensation
from . import sale_order_credit
from . import sale_order_stock
from . import sale_order_invoice
from . import sale_order_complaint
from . import sale_order_signer
from . import sale_order_line

# Agreements (R20–R26)
from . import key_account_agreement
from . import key_account_agreement_pricing
from . import key_account_agreement_signing
from . import key_account_agreement_result
from . import key_account_signing_authorization
from . import key_account_lawyer_exchange

# Commissions, rebates, claims and settlements (R27–R37)
from . import key_account_commission_rule
from . import key_account_commission_line
from . import key_account_settlement
from . import key_account_expense_claim
from . import key_account_rebate_incident
from . import account_partial_reconcile

# Receivables: overdue ladder, write-offs, negative revenue (R38–R43, R84)
from . import key_account_collection_note
from . import key_account_revenue_adjustment
from . import key_account_writeoff_request
from . import account_move
from . import account_move_commission
from . import account_move_writeoff
from . import account_move_bill
from . import account_move_mobile_allowance
from . import account_move_ladder
from . import account_move_ladder_notice
from . import account_move_line
from . import account_payment_register
from . import key_account_aging_report
from . import sale_report

# Warehouse: office stock, held stock, office receipts (R58–R66)
from . import stock_picking
from . import stock_move
from . import stock_move_line
from . import stock_location
from . import stock_quant
from . import key_account_office_receipt
from . import key_account_office_objection
from . import key_account_stock_hold
from . import key_account_office_stock

# Ownership (R44–R49)
from . import key_account_ownership_history
from . import key_account_ownership_conflict
from . import key_account_rep_ability

# Visits, entertainment and gifts (R50–R57)
from . import key_account_visit
from . import key_account_visit_plan
from . import key_account_visit_plan_line
from . import key_account_relationship_cost
from . import key_account_entertainment
from . import key_account_entertainment_line
from . import key_account_gift

# Satisfaction and complaints (R73–R76)
from . import key_account_satisfaction
from . import key_account_complaint
from . import key_account_complaint_harm
from . import key_account_satisfaction_campaign
from . import survey_user_input

# Reports, targets, KPIs and assessments (R77–R85)
from . import key_account_weekly_report
from . import key_account_report_digest
from . import key_account_monthly_report
from . import key_account_report_digest_print
from . import key_account_review_report
from . import key_account_stock_report
from . import mail_activity_stock_report
from . import key_account_target
from . import key_account_kpi_report
from . import key_account_kpi
from . import key_account_health_snapshot
from . import res_partner_health
from . import res_partner_health_factors
from . import res_partner_health_warning
from . import key_account_assessment

# Demo data taken through the workflows (demo/key_account_demo.xml)
from . import key_account_demo
