from . import key_account_document
