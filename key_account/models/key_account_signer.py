# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import signer_state


class KeyAccountSigner(models.Model):
    _name = "key_account.signer"
    _description = "Key Account Authorized Signer"
    _inherit = ["mail.thread"]
    _order = "partner_id, date_to desc, id"

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        ondelete="restrict",
        domain="[('is_company', '=', True)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Signer",
        required=True,
        ondelete="restrict",
        domain="[('parent_id', '=', partner_id)]",
        tracking=True,
    )
    scope = fields.Char(tracking=True, help="What the signer may sign for.")
    date_from = fields.Date(
        string="Valid From", required=True, default=fields.Date.context_today
    )
    date_to = fields.Date(
        string="Valid To",
        required=True,
        tracking=True,
        default=lambda self: (
            fields.Date.context_today(self)
            + relativedelta(months=self.env.company.key_account_signer_months, days=-1)
        ),
    )
    state = fields.Selection(
        [
            ("future", "Not Yet Valid"),
            ("valid", "Valid"),
            ("expiring", "Expiring"),
            ("expired", "Expired"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
    )
    reminder_date = fields.Date(
        string="Renewal Reminder Sent", copy=False, readonly=True
    )
    company_id = fields.Many2one(
        related="partner_id.company_id", store=True, index=True
    )
    active = fields.Boolean(default=True)

    # === COMPUTE METHODS === #
    @api.depends("date_from", "date_to")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for signer in self:
            if not (signer.date_from and signer.date_to):
                signer.state = "valid"
                continue
            signer.state = signer_state(
                signer.date_from,
                signer.date_to,
                today,
                signer._reminder_days(),
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("date_from", "date_to", "contact_id", "partner_id")
    def _check_signer(self):
        for signer in self:
            if signer.date_to < signer.date_from:
                raise ValidationError(
                    self.env._("A signer's validity cannot end before it starts.")
                )
            if signer.contact_id.commercial_partner_id != signer.partner_id:
                raise ValidationError(
                    self.env._(
                        "The signer %(contact)s is not a contact of %(partner)s.",
                        contact=signer.contact_id.display_name,
                        partner=signer.partner_id.display_name,
                    )
                )

    # === CRUD METHODS === #
    def write(self, vals):
        if {"partner_id", "contact_id"} & set(vals) and not self.env[
            "res.partner"
        ]._key_account_is_head():
            raise AccessError(
                self.env._(
                    "An authorized signer stays on the customer and contact it "
                    "was authorized for: archive it and record a new one."
                )
            )
        if "date_to" in vals:
            vals = dict(vals, reminder_date=False)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_head(self):
        """Signers are history (SPEC R89): they are archived, not deleted;
        only the KA head deletes one (a record entered by mistake)."""
        if not self.env["res.partner"]._key_account_is_head():
            raise AccessError(
                self.env._(
                    "Authorized signers are kept as history: archive the signer "
                    "instead; only the KA head deletes one."
                )
            )

    # === BUSINESS METHODS === #
    def _reminder_days(self):
        company = self.company_id or self.env.company
        return company.key_account_signer_reminder_days

    @api.model
    def _cron_signer_state(self):
        """Refresh states and remind reps before expiry (idempotent)."""
        today = fields.Date.context_today(self)
        stale = self.search(
            [
                ("state", "!=", "expired"),
                "|",
                ("date_to", "<", today),
                ("state", "in", ("future", "valid")),
            ]
        )
        self.env.add_to_compute(self._fields["state"], stale)
        stale.flush_recordset(["state"])
        for signer in self.search(
            [("state", "=", "expiring"), ("reminder_date", "=", False)]
        ):
            signer._schedule_renewal_reminder()
            signer.reminder_date = today

    def _schedule_renewal_reminder(self):
        self.ensure_one()
        user = self.partner_id.user_id or self.partner_id.key_account_executive_id
        if not user:
            return
        self.partner_id.activity_schedule(
            "key_account.mail_activity_key_account_signer",
            date_deadline=self.date_to,
            summary=self.env._(
                "Renew authorized signer %(signer)s (valid to %(date)s)",
                signer=self.contact_id.name,
                date=self.date_to,
            ),
            user_id=user.id,
        )
