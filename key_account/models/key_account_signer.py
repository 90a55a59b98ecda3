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
    _rec_name = "contact_id"

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
    ordering_signer = fields.Boolean(
        string="Signs Orders",
        tracking=True,
        help="New quotations of this customer name this signer. Ticking "
        "another signer of the customer takes the mark off this one.",
    )
    agreement_id = fields.Many2one(
        "key_account.agreement",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        domain="[('partner_id', '=', partner_id)]",
        help="The yearly agreement the customer authorized this signer "
        "with: the signer is valid as long as it runs.",
    )
    date_from = fields.Date(
        string="Valid From",
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    date_to = fields.Date(
        string="Valid To",
        compute="_compute_dates",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="By default the months of the settings from the start (12), or "
        "the end of its agreement.",
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
    @api.depends("agreement_id")
    def _compute_dates(self):
        """The agreement's period when one is chosen; else what was entered,
        by default from today for the validity months of the settings."""
        today = fields.Date.context_today(self)
        for signer in self:
            # The dates only: the signer's rep reads the agreement anyway.
            agreement = signer.agreement_id.sudo()
            if agreement:
                signer.date_from = agreement.date_start
                signer.date_to = agreement.date_end
                continue
            signer.date_from = signer.date_from or today
            months = (
                signer.partner_id.company_id or self.env.company
            ).key_account_signer_months
            signer.date_to = signer.date_to or (
                signer.date_from + relativedelta(months=months, days=-1)
            )

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
    @api.constrains("date_from", "date_to", "contact_id", "partner_id", "agreement_id")
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
            agreement = signer.agreement_id.sudo()
            if agreement and agreement.partner_id != signer.partner_id:
                raise ValidationError(
                    self.env._(
                        "The agreement %(agreement)s is not one of %(partner)s: "
                        "a signer is authorized under the customer's own "
                        "agreement.",
                        agreement=agreement.name,
                        partner=signer.partner_id.display_name,
                    )
                )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        signers = super().create(vals_list)
        signers.filtered("ordering_signer")._key_account_unmark_other_signers()
        return signers

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
        if {"date_to", "agreement_id"} & set(vals):
            vals = dict(vals, reminder_date=False)
        res = super().write(vals)
        if vals.get("ordering_signer"):
            self._key_account_unmark_other_signers()
        return res

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
    def _key_account_unmark_other_signers(self):
        """One signer of a customer signs its orders (SPEC R70): marking one
        takes the mark off the others."""
        if not self:
            return
        others = self.search(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("ordering_signer", "=", True),
                ("id", "not in", self.ids),
            ]
        )
        if others:
            others.write({"ordering_signer": False})

    def _key_account_is_valid(self, partner, day):
        """Whether this signer may sign for ``partner`` (a commercial
        partner) on ``day``: one of its active signers, within validity."""
        self.ensure_one()
        return (
            self.active
            and self.partner_id == partner
            and self.date_from <= day <= self.date_to
        )

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
