# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class KeyAccountReportDigestPrint(models.AbstractModel):
    """Printing a scheduled report (the Monday meeting pack, SPEC R83):
    only a reader of the report prints it."""

    _name = "report.key_account.report_key_account_digest"
    _description = "Key-Account Scheduled Report (Print)"

    # === BUSINESS METHODS === #
    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["key_account.report.digest"].browse(docids)
        docs.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "key_account.report.digest",
            "docs": docs,
            "data": data,
        }
