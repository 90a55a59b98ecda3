# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import (
    completeness,
    days_domain,
    entered_late,
    entry_deadline,
    per_month,
    share,
    window_start,
)


class ResPartner(models.Model):
    """Customer file: key data, completeness, signers, important dates,
    sensitive information and classification (SPEC R67–R72, R87, R88)."""

    _inherit = "res.partner"

    # === FIELDS === #
    # Key data of the customer file are tracked in the chatter (R69, R89).
    vat = fields.Char(tracking=True)
    company_registry = fields.Char(tracking=True)
    street = fields.Char(tracking=True)
    key_account_file_number = fields.Char(
        string="File Number", copy=False, index=True, readonly=True
    )
    key_account_confidentiality = fields.Selection(
        [
            ("normal", "Normal"),
            ("confidential", "Confidential"),
            ("secret", "Secret"),
        ],
        string="Confidentiality",
        default="normal",
        required=True,
        tracking=True,
        help="Who may see this customer. Normal and Confidential: its rep, the "
        "account executive, their office manager and the directors. Secret: "
        "the office manager no longer sees it. Only the KA head or a manager "
        "classifies a customer as Secret or lifts it, as they approve who "
        "reads secret files.",
    )
    key_account_preferences = fields.Text(string="Preferences")
    key_account_ownership_type = fields.Selection(
        [
            ("state", "State-Owned"),
            ("collective", "Collective"),
            ("private", "Private"),
            ("foreign", "Foreign-Invested"),
            ("joint", "Joint Venture"),
            ("other", "Other"),
        ],
        string="Ownership Type",
    )
    key_account_staff_count = fields.Integer(string="Staff")
    key_account_annual_revenue = fields.Monetary(
        string="Annual Revenue", currency_field="key_account_currency_id"
    )
    key_account_currency_id = fields.Many2one(
        "res.currency", compute="_compute_key_account_currency_id"
    )
    key_account_coverage = fields.Char(string="Coverage")
    key_account_main_results = fields.Text(string="Main Results")
    key_account_creditworthiness = fields.Text(string="Creditworthiness")
    key_account_decision_maker_id = fields.Many2one(
        "res.partner",
        string="Decision Maker",
        tracking=True,
        domain="[('parent_id', '=', id)]",
    )
    key_account_management_background = fields.Text(string="Management Background")
    key_account_file_completeness = fields.Float(
        string="File Completeness (%)",
        compute="_compute_key_account_file_completeness",
        store=True,
        aggregator="avg",
        help="Share of the customer-file items (Configuration > Customer File "
        "Items) filled in on this key account. It counts in the rep's KPIs.",
    )
    key_account_date_ids = fields.One2many(
        "key_account.partner.date", "partner_id", string="Important Dates"
    )
    key_account_signer_ids = fields.One2many(
        "key_account.signer", "partner_id", string="Authorized Signers"
    )
    key_account_sensitive_ids = fields.One2many(
        "key_account.sensitive.info", "partner_id", string="Sensitive Information"
    )
    key_account_sensitive_enabled = fields.Boolean(
        compute="_compute_key_account_sensitive_enabled"
    )
    # Given with a change of key data (R69); never stored on the partner:
    # each change records its own in its review.
    key_account_file_learned_date = fields.Date(
        string="Information Learned On",
        compute="_compute_key_account_file_learned_date",
        inverse="_inverse_key_account_file_learned_date",
        help="When changing key data (name, tax ID, registry, address, "
        "decision maker, settlement), the day you learned it; empty: today. "
        "It is entered within the working days of the settings, then "
        "reviewed by the office manager and handed to marketing.",
    )
    key_account_file_review_ids = fields.One2many(
        "key_account.file.review",
        "partner_id",
        string="File Reviews",
        groups="key_account.group_key_account_rep",
    )
    # Records kept (R71): over the window of the settings, computed on
    # read from aggregates, nothing stored.
    key_account_order_frequency = fields.Float(
        string="Orders per Month",
        compute="_compute_key_account_purchase_stats",
        digits=(16, 2),
        help="Confirmed sales orders per month over the statistics window.",
        groups="key_account.group_key_account_rep",
    )
    key_account_monthly_purchase = fields.Monetary(
        string="Monthly Purchases",
        currency_field="key_account_currency_id",
        compute="_compute_key_account_purchase_stats",
        help="Average sales (invoiced untaxed, less credit notes and "
        "write-offs) per month over the statistics window.",
        groups="key_account.group_key_account_rep",
    )
    key_account_revenue_share = fields.Float(
        string="Revenue Share (%)",
        compute="_compute_key_account_purchase_stats",
        digits=(16, 2),
        help="The customer's share of the company's key-account sales over "
        "the statistics window.",
        groups="key_account.group_key_account_rep",
    )
    key_account_stats_months = fields.Integer(
        string="Statistics Window (Months)",
        compute="_compute_key_account_purchase_stats",
        groups="key_account.group_key_account_rep",
    )

    # === COMPUTE METHODS === #
    @api.depends_context("company")
    def _compute_key_account_currency_id(self):
        for partner in self:
            partner.key_account_currency_id = self.env.company.currency_id

    @api.model
    def _key_account_file_fields(self):
        """Partner fields a file item may require (SPEC R67)."""
        return [
            "name",
            "company_registry",
            "vat",
            "street",
            "city",
            "phone",
            "email",
            "key_account_ownership_type",
            "key_account_staff_count",
            "key_account_annual_revenue",
            "key_account_coverage",
            "key_account_main_results",
            "key_account_creditworthiness",
            "key_account_decision_maker_id",
            "key_account_settlement_method",
            "key_account_management_background",
        ]

    @api.depends(lambda self: self._key_account_file_fields() + ["is_key_account"])
    def _compute_key_account_file_completeness(self):
        items = self.env["key_account.file.item"].sudo().search([("active", "=", True)])
        for partner in self:
            if not partner.is_key_account:
                partner.key_account_file_completeness = 0.0
                continue
            company = partner.company_id or self.env.company
            required = {
                item.field_name
                for item in items
                if not item.company_id or item.company_id == company
            }
            filled = {name for name in required if partner[name]}
            partner.key_account_file_completeness = completeness(filled, required)

    def _compute_key_account_file_learned_date(self):
        self.key_account_file_learned_date = False

    def _inverse_key_account_file_learned_date(self):
        """Read by ``write`` with the change it dates; nothing to store."""

    @api.depends_context("company")
    def _compute_key_account_purchase_stats(self):
        """Purchase frequency, monthly purchases and revenue share (R71) of
        key accounts over the window: aggregates read as the system (the
        company total covers customers the reader does not see; only the
        figures are shown, on customers he reads)."""
        company = self.env.company
        months = company.key_account_file_window_months
        today = fields.Date.context_today(self)
        start = window_start(today, months)
        accounts = self.filtered(
            lambda p: p.id and p.is_key_account and p.commercial_partner_id == p
        )
        orders, sales, total = {}, {}, 0.0
        if accounts:
            groups = (
                self.env["sale.order"]
                .sudo()
                ._read_group(
                    [
                        ("partner_id", "child_of", accounts.ids),
                        ("state", "=", "sale"),
                        ("company_id", "=", company.id),
                        *days_domain("date_order", start, today),
                    ],
                    ["partner_id"],
                    ["__count"],
                )
            )
            for customer, count in groups:
                key = customer.commercial_partner_id.id
                orders[key] = orders.get(key, 0) + count
            Report = self.env["key_account.kpi.report"].sudo()
            domain = [
                ("date", ">=", start),
                ("date", "<=", today),
                ("company_id", "=", company.id),
                ("source", "!=", "target"),
                ("is_key_account", "=", True),
            ]
            sales = {
                partner.id: amount
                for partner, amount in Report._read_group(
                    domain + [("partner_id", "in", accounts.ids)],
                    ["partner_id"],
                    ["sales_amount:sum"],
                )
            }
            [(total,)] = Report._read_group(domain, [], ["sales_amount:sum"])
        for partner in self:
            partner.key_account_stats_months = months
            amount = sales.get(partner.id, 0.0)
            partner.key_account_order_frequency = per_month(
                orders.get(partner.id, 0), months
            )
            partner.key_account_monthly_purchase = per_month(amount, months)
            partner.key_account_revenue_share = share(amount, total or 0.0)

    @api.depends_context("company")
    def _compute_key_account_sensitive_enabled(self):
        enabled = self.env["key_account.sensitive.info"]._enabled()
        for partner in self:
            partner.key_account_sensitive_enabled = enabled

    # === CRUD METHODS === #
    def write(self, vals):
        """Changes of key data on a key account are entered within the
        limit and reviewed (R69); a new file number opens the file's review
        (R78 registration rate)."""
        learned = vals.get("key_account_file_learned_date")
        changes = {}
        if not self.env.su:
            changes = self._key_account_file_snapshot(vals)
            if changes:
                self._key_account_check_entry(learned)
        new_files = (
            self.filtered(lambda p: not p.key_account_file_number)
            if vals.get("key_account_file_number")
            else self.browse()
        )
        res = super().write(vals)
        for partner, old in changes.items():
            partner._key_account_record_change(old, learned)
        for partner in new_files:
            self.env["key_account.file.review"]._record(
                partner, "new", partner.key_account_since or fields.Date.today()
            )
        return res

    # === BUSINESS METHODS === #
    @api.model
    def _key_account_file_key_fields(self):
        """Key data of a customer file (R69): its changes are reviewed."""
        return [
            "name",
            "vat",
            "company_registry",
            "street",
            "street2",
            "zip",
            "city",
            "state_id",
            "country_id",
            "key_account_decision_maker_id",
            "key_account_settlement_method",
        ]

    def _key_account_file_snapshot(self, vals):
        """{key account: {field: old display value}} of the key data
        ``vals`` changes on key accounts."""
        names = [name for name in self._key_account_file_key_fields() if name in vals]
        if not names:
            return {}
        result = {}
        for partner in self:
            if not (
                partner.is_key_account and partner.commercial_partner_id == partner
            ):
                continue
            old = {name: partner._key_account_display(name) for name in names}
            result[partner] = old
        return result

    @api.model
    def _key_account_check_entry(self, learned):
        """A learned-on date is not in the future; a rep enters it within
        the limit unless the company only flags late entries."""
        if not learned:
            return
        learned = fields.Date.to_date(learned)
        today = fields.Date.context_today(self)
        if learned > today:
            raise ValidationError(
                self.env._("The information cannot be learned in the future.")
            )
        company = self.env.company
        days = company.key_account_file_entry_days
        if (
            company.key_account_file_late_policy == "refuse"
            and entered_late(learned, today, days)
            and not self.env.user.has_group("key_account.group_key_account_supervisor")
        ):
            raise UserError(
                self.env._(
                    "Information learned on %(learned)s had to be entered by "
                    "%(deadline)s (%(days)s working days). Ask your office "
                    "manager to enter it.",
                    learned=learned,
                    deadline=entry_deadline(learned, days),
                    days=days,
                )
            )

    def _key_account_record_change(self, old_values, learned):
        """Record the change of key data for review, if any value moved."""
        self.ensure_one()
        lines = []
        for name, old in old_values.items():
            new = self._key_account_display(name)
            if new != old:
                label = self._fields[name].get_description(self.env)["string"]
                lines.append((name, label, old, new))
        if not lines:
            return
        body = Markup("<br/>").join(
            Markup("%s: %s → %s") % (label, old or "-", new or "-")
            for _name, label, old, new in lines
        )
        self.env["key_account.file.review"]._record(
            self,
            "change",
            fields.Date.to_date(learned)
            if learned
            else fields.Date.context_today(self),
            changes=body,
            field_names=",".join(name for name, *_rest in lines),
        )
