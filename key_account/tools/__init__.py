"""Pure business maths of key_account: no Odoo import here.

Models call these functions; ``tests_pure`` tests them with plain pytest and
hypothesis.
"""

from .aging import (
    BUCKETS,
    STAGES,
    aging_bucket,
    bucket_bounds,
    cutoff_stage,
    ladder_cutoffs,
    ladder_stage,
    overdue_cutoff,
    overdue_more_than,
    rising_ranges,
    stage_rank,
)
from .authority import (
    LEVELS,
    authority_level,
    highest_level,
    level_rank,
    percent_below,
)
from .bands import BANDS, amount_band
from .checklist import missing_items
from .commission import (
    blended_rate,
    claim_window_open,
    commission_amount,
    cumulative_base,
    due_amounts,
    rebate_penalty,
    round_half_up,
    rule_score,
    shares,
    split,
)
from .compensation import (
    compensation_limits,
    compensation_percent,
    month_start,
    monthly_volume,
    volume_window,
)
from .completeness import completeness
from .customer_file import (
    entered_late,
    entry_deadline,
    per_month,
    share,
    window_start,
)
from .dates import (
    add_months,
    add_working_days,
    is_overdue_more_than,
    next_anniversary,
    reminder_is_due,
)
from .reports import (
    FREQUENCIES,
    due_reports,
    is_month_last_week,
    month_bounds,
    week_bounds,
)
from .relationship import (
    expense_ratio,
    needs_higher_approval,
    needs_recovery,
    over_tolerance,
    satisfaction_due,
    survey_score,
)
from .ownership import (
    distribute,
    email_domain,
    normalize_company_name,
    normalize_phone,
    normalize_vat,
    propose_owner,
)
from .kpi import (
    PERIOD_TYPES,
    activity_target,
    below_threshold,
    percent,
    period_bounds,
    sales_score,
    working_days,
)
from .signers import signer_state
from .text import is_blank
from .tiers import average_days_to_pay, suggest_tier, tier_move
from .visits import (
    deviates,
    is_vague,
    minutes_deadline,
    parse_words,
    previous_working_day,
    registration_state,
)

__all__ = [
    "entered_late",
    "entry_deadline",
    "per_month",
    "share",
    "window_start",
    "BUCKETS",
    "STAGES",
    "aging_bucket",
    "bucket_bounds",
    "cutoff_stage",
    "ladder_cutoffs",
    "ladder_stage",
    "overdue_cutoff",
    "overdue_more_than",
    "rising_ranges",
    "stage_rank",
    "LEVELS",
    "authority_level",
    "highest_level",
    "level_rank",
    "percent_below",
    "add_months",
    "add_working_days",
    "BANDS",
    "amount_band",
    "average_days_to_pay",
    "blended_rate",
    "claim_window_open",
    "commission_amount",
    "cumulative_base",
    "due_amounts",
    "rebate_penalty",
    "round_half_up",
    "rule_score",
    "shares",
    "split",
    "compensation_limits",
    "compensation_percent",
    "completeness",
    "is_overdue_more_than",
    "missing_items",
    "month_start",
    "monthly_volume",
    "next_anniversary",
    "reminder_is_due",
    "signer_state",
    "suggest_tier",
    "tier_move",
    "is_blank",
    "volume_window",
    "FREQUENCIES",
    "due_reports",
    "is_month_last_week",
    "month_bounds",
    "week_bounds",
    "expense_ratio",
    "needs_higher_approval",
    "needs_recovery",
    "over_tolerance",
    "satisfaction_due",
    "survey_score",
    "distribute",
    "email_domain",
    "normalize_company_name",
    "normalize_phone",
    "normalize_vat",
    "propose_owner",
    "deviates",
    "is_vague",
    "minutes_deadline",
    "parse_words",
    "previous_working_day",
    "registration_state",
    "PERIOD_TYPES",
    "activity_target",
    "below_threshold",
    "percent",
    "period_bounds",
    "sales_score",
    "working_days",
]
