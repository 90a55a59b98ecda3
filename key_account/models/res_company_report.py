# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

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
    """Settings of the scheduled reports (SPEC R81-R83)."""

    _inherit = "res.company"

    # === FIELDS === #
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
