# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

REPORT_TYPE = "key_account.mail_activity_key_account_report"
REPORT_ACTION = "key_account.action_report_key_account_stock"


class MailActivity(models.Model):
    """The post-approval report (SPEC R4): marking the rep's "Report Stock
    and Owed Goods" activity done files the customer's stock and owed goods
    report with the message that closes it."""

    _inherit = "mail.activity"

    # === BUSINESS METHODS === #
    def _action_done(self, feedback=False, attachment_ids=None):
        self._key_account_attach_stock_reports()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def _key_account_attach_stock_reports(self):
        """Render the stock and owed goods report of each customer whose
        report activity is being done, attached to the activity: the done
        message takes the activity's files. Rendered as the system: the
        assignee may close an activity of a customer he cannot open."""
        activity_type = self.env.ref(REPORT_TYPE, raise_if_not_found=False)
        todo = self.filtered(
            lambda a: (
                activity_type
                and a.activity_type_id == activity_type
                and a.res_model == "res.partner"
                and a.res_id
            )
        )
        if not todo:
            return
        Report = self.env["ir.actions.report"].sudo()
        report = self.env.ref(REPORT_ACTION).sudo()
        vals_list = []
        for activity in todo:
            partner = self.env["res.partner"].sudo().browse(activity.res_id)
            content, kind = Report._render_qweb_pdf(REPORT_ACTION, partner.ids)
            vals_list.append(
                {
                    "name": f"{report.name} - {partner.name}.{kind}",
                    "raw": content,
                    "res_model": activity._name,
                    "res_id": activity.id,
                    "mimetype": "application/pdf" if kind == "pdf" else "text/html",
                }
            )
        self.env["ir.attachment"].sudo().create(vals_list)
