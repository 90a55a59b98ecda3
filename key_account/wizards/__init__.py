from . import key_account_writeoff_recovery
