from . import key_account_writeoff_recovery
from . import key_account_settlement_wizard
from . import key_account_executive_change
from . import key_account_rebate_payout
from . import key_account_agreement_decision
from . import key_account_review_wizard
