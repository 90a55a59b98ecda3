# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import (
    add_working_days,
    completeness,
    overdue_more_than,
    satisfaction_due,
)

KEY_ACCOUNT_STATES = [
    ("prospect", "Prospect"),
    ("requested", "Requested"),
    ("key_account", "Key Account"),
    ("suspended", "Suspended"),
]

# Fields only an approved request or a KA director may change on a key
# account (SPEC R3, R6, R8). ``key_account_state`` and the tier are guarded on
# every partner, so nobody turns a prospect into a key account by hand; nor
# does a rep raise his own compensation limit by calling his customer
# performance-priced (R35).
ALWAYS_GUARDED = (
    "key_account_state",
    "key_account_tier_id",
    "key_account_since",
    "key_account_file_number",
    "key_account_performance_priced",
)
KEY_ACCOUNT_GUARDED = (
    "key_account_credit_level_id",
    "credit_limit",
    "use_partner_credit_limit",
    "property_payment_term_id",
    "active",
    "key_account_warehouse_id",
    "key_account_analytic_account_id",
)
# Untracked guarded fields whose changes are written to the chatter (R89);
# the others carry ``tracking=True``.
LOGGED_FIELDS = ("credit_limit", "property_payment_term_id", "active")


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Key data of the customer file are tracked in the chatter (R69, R89).
    vat = fields.Char(tracking=True)
    company_registry = fields.Char(tracking=True)
    street = fields.Char(tracking=True)
    # Fields: designation
    # Reps and KA staff read the credit limit on the Key Account page; who may
    # change it on a key account is decided by ``_key_account_check_guarded``.
    credit_limit = fields.Float(
        groups="account.group_account_invoice,account.group_account_readonly,"
        "key_account.group_key_account_rep"
    )
    key_account_state = fields.Selection(
        KEY_ACCOUNT_STATES,
        string="Key-Account Status",
        index=True,
        copy=False,
        tracking=True,
    )
    is_key_account = fields.Boolean(
        compute="_compute_is_key_account",
        store=True,
        index=True,
        recursive=True,
        string="Is a Key Account",
    )
    key_account_tier_id = fields.Many2one(
        "key_account.tier",
        string="Tier",
        index=True,
        copy=False,
        tracking=True,
        ondelete="restrict",
    )
    key_account_since = fields.Date(copy=False)
    key_account_file_number = fields.Char(
        string="File Number", copy=False, index=True, readonly=True
    )
    key_account_executive_id = fields.Many2one(
        "res.users",
        string="Account Executive",
        index=True,
        tracking=True,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("key_account.group_key_account_rep").id)
        ],
        help="Co-serves the rep's customer and earns its share of commission.",
    )
    key_account_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Key-Account Warehouse",
        tracking=True,
        help="The office warehouse this key account's orders ship from.",
    )
    key_account_analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Key-Account Analytic Account",
        tracking=True,
        help="Put on the invoice lines of this key account's orders, so its "
        "revenue is booked separately (SPEC R59).",
    )
    key_account_credit_level_id = fields.Many2one(
        "key_account.credit.level",
        string="Credit Level",
        tracking=True,
        ondelete="restrict",
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
    )
    key_account_settlement_method = fields.Selection(
        [
            ("bank_transfer", "Bank Transfer"),
            ("acceptance_bill", "Acceptance Bill"),
            ("cheque", "Cheque"),
            ("cash", "Cash"),
            ("other", "Other"),
        ],
        string="Settlement Method",
        tracking=True,
    )
    key_account_performance_priced = fields.Boolean(
        string="Performance-Priced",
        tracking=True,
        help="Priced on results (CPM, CPS, CPA): the rep may grant more "
        "compensation volume than to a standard customer (SPEC R35). Set by "
        "a key-account director.",
    )
    key_account_preferences = fields.Text(string="Preferences")
    # Fields: customer file (SPEC R67)
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
    )
    key_account_date_ids = fields.One2many(
        "key_account.partner.date", "partner_id", string="Important Dates"
    )
    key_account_signer_ids = fields.One2many(
        "key_account.signer", "partner_id", string="Authorized Signers"
    )
    key_account_request_ids = fields.One2many(
        "key_account.request", "partner_id", string="Key-Account Requests"
    )
    key_account_commission_count = fields.Integer(
        compute="_compute_key_account_commission_count"
    )
    key_account_executive_locked = fields.Boolean(
        compute="_compute_key_account_commission_count",
        help="The account executive earned commission: only the KA head "
        "changes them, with a reason.",
    )
    key_account_request_count = fields.Integer(
        compute="_compute_key_account_request_count"
    )
    key_account_agreement_count = fields.Integer(
        compute="_compute_key_account_agreement_count"
    )
    key_account_sensitive_ids = fields.One2many(
        "key_account.sensitive.info", "partner_id", string="Sensitive Information"
    )
    key_account_sensitive_enabled = fields.Boolean(
        compute="_compute_key_account_sensitive_enabled"
    )
    key_account_suggestion_ids = fields.One2many(
        "key_account.tier.suggestion", "partner_id", string="Tier Suggestions"
    )
    key_account_suggestion_date = fields.Date(
        string="Last Tier Suggestion", copy=False, readonly=True
    )

    # Computes
    @api.depends("key_account_state", "parent_id.is_key_account", "is_company")
    def _compute_is_key_account(self):
        for partner in self:
            if partner.parent_id and not partner.is_company:
                partner.is_key_account = partner.parent_id.is_key_account
            else:
                partner.is_key_account = partner.key_account_state in (
                    "key_account",
                    "suspended",
                )

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

    @api.depends_context("company")
    def _compute_key_account_sensitive_enabled(self):
        enabled = self.env["key_account.sensitive.info"]._enabled()
        for partner in self:
            partner.key_account_sensitive_enabled = enabled

    @api.depends_context("uid")
    def _compute_key_account_commission_count(self):
        lines = self.env["key_account.commission.line"]
        counts = dict(
            lines._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        earned = {
            (partner.id, user.id)
            for partner, user in lines.sudo()._read_group(
                [("partner_id", "in", self.ids), ("role", "=", "executive")],
                ["partner_id", "user_id"],
            )
        }
        for partner in self:
            partner.key_account_commission_count = counts.get(partner, 0)
            partner.key_account_executive_locked = (
                partner.id,
                partner.key_account_executive_id.id,
            ) in earned

    def _compute_key_account_request_count(self):
        counts = dict(
            self.env["key_account.request"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.key_account_request_count = counts.get(partner, 0)

    def _compute_key_account_agreement_count(self):
        counts = dict(
            self.env["key_account.agreement"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.key_account_agreement_count = counts.get(partner, 0)

    # CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._key_account_check_guarded(vals)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._key_account_check_guarded(vals, self)
        if "key_account_executive_id" in vals:
            self._key_account_check_executive_change(vals["key_account_executive_id"])
        tracked = self._key_account_snapshot(vals)
        res = super().write(vals)
        self._key_account_log_changes(tracked)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_key_account(self):
        if any(p.is_key_account or p.key_account_file_number for p in self):
            raise UserError(
                self.env._(
                    "Key accounts and their files cannot be deleted; a KA "
                    "director may archive them."
                )
            )

    # Business methods
    @api.model
    def _key_account_is_director(self):
        return self.env.su or self.env.user.has_group(
            "key_account.group_key_account_director"
        )

    def _key_account_check_guarded(self, vals, partners=None):
        """Refuse guarded key-account fields to anyone below director.

        Checked server-side on create and write, so RPC callers cannot skip
        it; approved requests apply their changes through
        ``key_account.request._apply_approval``.
        """
        if self._key_account_is_director():
            return
        partners = partners if partners is not None else self.browse()
        touched = [
            name for name in ALWAYS_GUARDED if name in vals and (partners or vals[name])
        ]
        harmless_state = vals.get("key_account_state") in (False, "prospect") and all(
            p.key_account_state in (False, "prospect") for p in partners
        )
        if harmless_state and "key_account_state" in touched:
            touched.remove("key_account_state")
        if any(p.is_key_account and p.commercial_partner_id == p for p in partners):
            touched += [name for name in KEY_ACCOUNT_GUARDED if name in vals]
        if touched:
            names = ", ".join(
                self._fields[f].get_description(self.env)["string"] for f in touched
            )
            raise AccessError(
                self.env._(
                    "Only an approved key-account request or a key-account "
                    "director can change: %(fields)s.",
                    fields=names,
                )
            )

    def _key_account_check_executive_change(self, new_id):
        """SPEC R30: once the account executive earned commission on a
        customer, only the KA head replaces or removes them, with a reason
        (``key_account_reason`` in the context) written to the chatter."""
        locked = self.filtered(
            lambda p: (
                p.key_account_executive_id and p.key_account_executive_id.id != new_id
            )
        )
        if not locked:
            return
        earned = (
            self.env["key_account.commission.line"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", locked.commercial_partner_id.ids),
                    ("role", "=", "executive"),
                ],
                ["partner_id", "user_id"],
            )
        )
        earned = {(partner.id, user.id) for partner, user in earned}
        locked = locked.filtered(
            lambda p: (
                (p.commercial_partner_id.id, p.key_account_executive_id.id) in earned
            )
        )
        if not locked or self.env.su:
            return
        user = self.env.user
        if not (
            user.has_group("key_account.group_key_account_head")
            or user.has_group("key_account.group_key_account_manager")
        ):
            raise AccessError(
                self.env._(
                    "The account executive of %s has earned commission: only "
                    "the KA head may replace or remove them.",
                    locked[0].display_name,
                )
            )
        reason = (self.env.context.get("key_account_reason") or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Give the reason for changing the account executive of %s.",
                    locked[0].display_name,
                )
            )
        new = self.env["res.users"].browse(new_id)
        for partner in locked:
            partner.message_post(
                body=self.env._(
                    "Account executive %(old)s replaced by %(new)s: %(reason)s",
                    old=partner.key_account_executive_id.name,
                    new=new.name or self.env._("none"),
                    reason=reason,
                )
            )

    def _key_account_snapshot(self, vals):
        """Old display values of logged fields about to change on key accounts."""
        names = [f for f in LOGGED_FIELDS if f in vals]
        if not names:
            return {}
        return {
            partner: {name: partner._key_account_display(name) for name in names}
            for partner in self
            if partner.is_key_account and partner.commercial_partner_id == partner
        }

    def _key_account_display(self, name):
        value = self[name]
        field = self._fields[name]
        if field.type == "many2one":
            return value.display_name or ""
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, "")
        return "" if value is False else str(value)

    def _key_account_log_changes(self, snapshot):
        """Post old → new values of guarded fields in the chatter (R8, R89)."""
        for partner, old_values in snapshot.items():
            lines = []
            for name, old in old_values.items():
                new = partner._key_account_display(name)
                if new != old:
                    label = partner._fields[name].get_description(self.env)["string"]
                    lines.append(f"{label}: {old or '-'} → {new or '-'}")
            if lines:
                partner.message_post(
                    body=Markup("%s<br/>%s")
                    % (
                        self.env._("Key-account data changed:"),
                        Markup("<br/>").join(lines),
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    def _key_account_mark_requested(self):
        """A submitted designation request marks the customer ``requested``.

        As superuser: the rep may submit but not set the status by hand.
        """
        self.sudo().write({"key_account_state": "requested"})

    def _key_account_unmark_requested(self):
        """A rejected or cancelled designation returns it to ``prospect``."""
        self.sudo().write({"key_account_state": "prospect"})

    # Actions
    def action_view_key_account_commissions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_commission_line"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        return action

    def action_key_account_change_executive(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Account Executive"),
            "res_model": "key_account.executive.change",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def action_view_key_account_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_request"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_key_account_agreements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_agreement"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_key_account_request(self):
        """Open a new designation (or change) request for this customer."""
        self.ensure_one()
        kind = "tier_change" if self.is_key_account else "designation"
        return {
            "type": "ir.actions.act_window",
            "res_model": "key_account.request",
            "view_mode": "form",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_kind": kind,
            },
        }

    def _key_account_open_investigation(self, reason):
        """R9: a credit anomaly opens an investigation for the KA clerk, due in
        N working days; one open investigation per customer at a time."""
        activity_type = self.env.ref(
            "key_account.mail_activity_key_account_investigation"
        )
        # Created in bulk by crons: the clerk sees them in the activity menu,
        # without one e-mail per customer.
        Activity = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
        )
        today = fields.Date.context_today(self)
        vals_by_partner = {}
        for partner in self:
            company = partner.company_id or self.env.company
            clerk = company._key_account_clerk()
            if clerk:
                vals_by_partner[partner.id] = {
                    "user_id": clerk.id,
                    "date_deadline": add_working_days(
                        today, company.key_account_investigation_days
                    ),
                    "note": reason,
                }
        # Each activity reads its customer's name: read them all at once.
        self.browse(list(vals_by_partner)).mapped("display_name")
        return Activity._key_account_create_missing(
            activity_type, "res.partner", vals_by_partner
        )

    def _key_account_overdue_invoices(self, company, amount, unit="months"):
        """Open posted invoices of this customer in ``company`` more than
        ``amount`` months (or days) overdue today. Read as superuser: the
        checks that ask need the totals, not access to each invoice."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        invoices = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("commercial_partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                    ("invoice_date_due", "<", today),
                ]
            )
        )
        return invoices.filtered(
            lambda inv: overdue_more_than(inv.invoice_date_due, today, amount, unit)
        )

    # Relationships: satisfaction, gifts, entertainment, complaints
    key_account_satisfaction_ids = fields.One2many(
        "key_account.satisfaction", "partner_id", string="Satisfaction History"
    )
    key_account_satisfaction_score = fields.Float(
        string="Last Satisfaction Score",
        digits=(3, 1),
        compute="_compute_key_account_satisfaction",
        store=True,
        aggregator="avg",
    )
    key_account_satisfaction_date = fields.Date(
        string="Last Satisfaction Survey",
        compute="_compute_key_account_satisfaction",
        store=True,
    )
    key_account_satisfaction_due = fields.Date(
        string="Next Satisfaction Survey",
        compute="_compute_key_account_satisfaction",
        store=True,
        index="btree_not_null",
        help="The tier's survey interval after the last satisfaction record "
        "(or after the designation).",
    )
    key_account_gift_count = fields.Integer(
        compute="_compute_key_account_relationship_counts",
        groups="key_account.group_key_account_rep",
    )
    key_account_entertainment_count = fields.Integer(
        compute="_compute_key_account_relationship_counts",
        groups="key_account.group_key_account_rep",
    )
    key_account_complaint_count = fields.Integer(
        compute="_compute_key_account_relationship_counts",
        groups="key_account.group_key_account_rep",
    )
    key_account_satisfaction_count = fields.Integer(
        compute="_compute_key_account_relationship_counts",
        groups="key_account.group_key_account_rep",
    )

    @api.depends(
        "key_account_satisfaction_ids.state",
        "key_account_satisfaction_ids.score",
        "key_account_satisfaction_ids.date",
        "key_account_since",
        "key_account_tier_id.survey_interval_days",
    )
    def _compute_key_account_satisfaction(self):
        for partner in self:
            records = partner.key_account_satisfaction_ids.filtered(
                lambda r: r.state != "cancelled"
            ).sorted(lambda r: (r.date, r.id), reverse=True)
            scored = records.filtered(lambda r: r.state == "done" and r.score)[:1]
            partner.key_account_satisfaction_score = scored.score
            partner.key_account_satisfaction_date = scored.date
            partner.key_account_satisfaction_due = satisfaction_due(
                records[:1].date,
                partner.key_account_since,
                partner.key_account_tier_id.survey_interval_days,
            )

    def _compute_key_account_relationship_counts(self):
        partners = self.filtered("is_company")
        counts = {}
        for model in (
            "key_account.gift",
            "key_account.entertainment",
            "key_account.complaint",
            "key_account.satisfaction",
        ):
            counts[model] = dict(
                self.env[model]._read_group(
                    [("partner_id", "in", partners.ids)], ["partner_id"], ["__count"]
                )
            )
        for partner in self:
            partner.key_account_gift_count = counts["key_account.gift"].get(partner, 0)
            partner.key_account_entertainment_count = counts[
                "key_account.entertainment"
            ].get(partner, 0)
            partner.key_account_complaint_count = counts["key_account.complaint"].get(
                partner, 0
            )
            partner.key_account_satisfaction_count = counts[
                "key_account.satisfaction"
            ].get(partner, 0)

    def _key_account_survey_recipient(self):
        """Who receives the satisfaction survey: the decision maker, else the
        customer itself, else its first contact with an email."""
        self.ensure_one()
        for candidate in (
            self.key_account_decision_maker_id,
            self,
            *self.child_ids.sorted("id"),
        ):
            if candidate.email:
                return candidate
        return self.browse()

    def _key_account_relationship_action(self, xmlid):
        self.ensure_one()
        partner = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action

    def action_view_key_account_gifts(self):
        return self._key_account_relationship_action(
            "key_account.action_key_account_gift"
        )

    def action_view_key_account_entertainments(self):
        return self._key_account_relationship_action(
            "key_account.action_key_account_entertainment"
        )

    def action_view_key_account_complaints(self):
        return self._key_account_relationship_action(
            "key_account.action_key_account_complaint"
        )

    def action_view_key_account_satisfactions(self):
        return self._key_account_relationship_action(
            "key_account.action_key_account_satisfaction"
        )
