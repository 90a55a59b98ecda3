# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools import next_anniversary, reminder_is_due


class KeyAccountPartnerDate(models.Model):
    _name = "key_account.partner.date"
    _description = "Key Account Important Date"
    _order = "partner_id, date, id"

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    contact_id = fields.Many2one(
        "res.partner",
        domain="[('parent_id', '=', partner_id)]",
    )
    kind = fields.Selection(
        [
            ("birthday", "Birthday"),
            ("wedding", "Wedding Anniversary"),
            ("founding", "Company Founding Day"),
            ("other", "Other"),
        ],
        required=True,
        default="birthday",
    )
    name = fields.Char(string="Description")
    date = fields.Date(required=True)
    reminder_days = fields.Integer(
        string="Remind (Days Before)",
        default=lambda self: self.env.company.key_account_date_reminder_days,
    )
    next_date = fields.Date(compute="_compute_next_date", string="Next Occurrence")
    reminded_occurrence = fields.Date(
        copy=False,
        readonly=True,
        help="Occurrence for which the last reminder was scheduled.",
    )
    company_id = fields.Many2one(
        related="partner_id.company_id", store=True, index=True
    )

    _sql_constraints = [
        (
            "reminder_days_positive",
            "CHECK(reminder_days >= 0)",
            "Reminder days cannot be negative.",
        )
    ]

    # === COMPUTE METHODS === #
    def _compute_next_date(self):
        today = fields.Date.context_today(self)
        for record in self:
            record.next_date = record.date and next_anniversary(record.date, today)

    # === BUSINESS METHODS === #
    @api.model
    def _cron_remind(self):
        """Schedule one activity per occurrence for the rep (idempotent)."""
        today = fields.Date.context_today(self)
        for record in self.search([("date", "!=", False)]):
            occurrence = next_anniversary(record.date, today)
            if record.reminded_occurrence == occurrence:
                continue
            if not reminder_is_due(record.date, today, record.reminder_days):
                continue
            record._schedule_reminder(occurrence)
            record.reminded_occurrence = occurrence

    def _schedule_reminder(self, occurrence):
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        user = partner.user_id or partner.key_account_executive_id
        if not user:
            return
        kind = self._fields["kind"].convert_to_export(self.kind, self)
        who = self.contact_id.name or partner.name
        partner.activity_schedule(
            "key_account.mail_activity_key_account_date",
            date_deadline=occurrence,
            summary=f"{kind}: {who} ({self.name or occurrence})",
            user_id=user.id,
        )
