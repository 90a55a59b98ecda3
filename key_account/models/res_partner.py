# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from ..tools import (
    add_working_days,
    completeness,
    distribute,
    email_domain,
    normalize_company_name,
    normalize_phone,
    normalize_vat,
    overdue_more_than,
    satisfaction_due,
)

# Matching keys of a customer (SPEC R45): company setting → key field.
MATCH_KEYS = (
    ("key_account_match_vat", "key_account_vat_key"),
    ("key_account_match_vat", "key_account_registry_key"),
    ("key_account_match_name", "key_account_name_key"),
    ("key_account_match_phone", "key_account_phone_key"),
    ("key_account_match_email", "key_account_email_domain"),
)
MATCH_SOURCES = ("name", "vat", "company_registry", "phone", "email")
MATCH_SOURCE_KEYS = {
    "name": "key_account_name_key",
    "vat": "key_account_vat_key",
    "company_registry": "key_account_registry_key",
    "phone": "key_account_phone_key",
    "email": "key_account_email_domain",
}

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
    # Re-parenting a key account, or making it a person, would take it off
    # the key-account rules.
    "parent_id",
    "is_company",
)
# Untracked guarded fields whose changes are written to the chatter (R89);
# the others carry ``tracking=True``.
LOGGED_FIELDS = ("credit_limit", "property_payment_term_id", "active")


class ResPartner(models.Model):
    _inherit = "res.partner"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin. The partner's guarded fields are checked in
    # ``write`` (``_key_account_check_guarded``).
    _key_account_transitions = {
        "action_key_account_request": (None, ("rep", "office_manager")),
        "action_key_account_change_executive": (None, ("head",)),
        "action_key_account_reassign": (None, ("head", "office_manager")),
        "action_key_account_log_visit": (None, ("rep", "director")),
        "action_view_key_account_commissions": (None, ("reader",)),
        "action_view_key_account_requests": (None, ("reader",)),
        "action_view_key_account_agreements": (None, ("reader",)),
        "action_view_key_account_gifts": (None, ("reader",)),
        "action_view_key_account_entertainments": (None, ("reader",)),
        "action_view_key_account_complaints": (None, ("reader",)),
        "action_view_key_account_satisfactions": (None, ("reader",)),
        "action_view_key_account_visits": (None, ("reader",)),
    }

    # Key data of the customer file are tracked in the chatter (R69, R89).
    vat = fields.Char(tracking=True)
    company_registry = fields.Char(tracking=True)
    street = fields.Char(tracking=True)
    # Fields: designation
    # The core credit limit stays an accounting field; reps and KA staff read
    # it on the Key Account page through ``key_account_credit_limit``. On a key
    # account it is changed by an approved request or a KA director
    # (``_key_account_check_guarded``, ``_key_account_split_credit``).
    key_account_credit_limit = fields.Float(
        string="Key-Account Credit Limit",
        compute="_compute_key_account_credit_limit",
        compute_sudo=True,
        help="The customer's credit limit in the current company, as set by "
        "accounting or an approved key-account request (read-only here).",
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
        help="Normal and Confidential: the owner rep, the account executive, "
        "their office manager and directors see the customer. Secret: the "
        "office manager no longer sees it; only the KA head (or a manager) "
        "classifies a customer secret or lifts the classification, since the "
        "circulation list of secret files is approved by them.",
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

    # Fields: ownership (SPEC R44–R49)
    key_account_vat_key = fields.Char(
        compute="_compute_key_account_match_keys", store=True, index=True
    )
    key_account_registry_key = fields.Char(
        compute="_compute_key_account_match_keys", store=True, index=True
    )
    key_account_name_key = fields.Char(
        compute="_compute_key_account_match_keys", store=True, index=True
    )
    key_account_phone_key = fields.Char(
        compute="_compute_key_account_match_keys", store=True, index=True
    )
    key_account_email_domain = fields.Char(
        compute="_compute_key_account_match_keys", store=True, index=True
    )
    key_account_assigned_date = fields.Datetime(
        string="Assigned On", copy=False, readonly=True
    )
    key_account_contact_state = fields.Selection(
        [
            ("pending", "Awaiting First Contact"),
            ("contacted", "Contacted"),
            ("uncontacted", "Not Contacted in Time"),
        ],
        string="First Contact",
        copy=False,
        readonly=True,
        index=True,
    )
    key_account_owner_history_ids = fields.One2many(
        "key_account.ownership.history", "partner_id", string="Owner History"
    )
    # Fields: visits (SPEC R50–R55)
    key_account_visit_count = fields.Integer(compute="_compute_key_account_visit_count")
    key_account_last_visit_date = fields.Date(
        string="Last Visit", copy=False, readonly=True
    )
    key_account_visit_due_date = fields.Date(
        string="Next Visit Due",
        compute="_compute_key_account_visit_due_date",
        store=True,
        index=True,
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

    @api.depends("credit_limit")
    @api.depends_context("company")
    def _compute_key_account_credit_limit(self):
        for partner in self:
            partner.key_account_credit_limit = partner.credit_limit

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

    @api.depends(*MATCH_SOURCES, "is_company", "parent_id")
    def _compute_key_account_match_keys(self):
        for partner in self:
            own = partner.is_company and not partner.parent_id
            partner.key_account_vat_key = own and normalize_vat(partner.vat) or False
            partner.key_account_registry_key = (
                own and normalize_vat(partner.company_registry) or False
            )
            partner.key_account_name_key = (
                own and normalize_company_name(partner.name) or False
            )
            partner.key_account_phone_key = (
                own and normalize_phone(partner.phone) or False
            )
            partner.key_account_email_domain = (
                own and email_domain(partner.email) or False
            )

    def _compute_key_account_visit_count(self):
        counts = dict(
            self.env["key_account.visit"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.key_account_visit_count = counts.get(partner, 0)

    @api.depends(
        "is_key_account",
        "key_account_last_visit_date",
        "key_account_since",
        "key_account_tier_id.visit_interval_days",
    )
    def _compute_key_account_visit_due_date(self):
        for partner in self:
            interval = partner.key_account_tier_id.visit_interval_days
            base = partner.key_account_last_visit_date or partner.key_account_since
            if not (partner.is_key_account and interval and base):
                partner.key_account_visit_due_date = False
            else:
                partner.key_account_visit_due_date = base + relativedelta(days=interval)

    # CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._key_account_check_guarded(vals)
            if not self.env.su:
                self._key_account_check_head_fields(vals)
            self._key_account_default_owner(vals)
        partners = super().create(vals_list)
        owned = partners.filtered(lambda p: p.user_id and p._key_account_is_customer())
        if owned:
            if not self.env.su:
                owned._key_account_check_duplicates()
            owned._key_account_record_owners({}, self.env._("Recorded the customer"))
        return partners

    def write(self, vals):
        if not self.env.su:
            self._key_account_check_guarded(vals, self)
            self._key_account_check_head_fields(vals, self)
        if "key_account_executive_id" in vals:
            self._key_account_check_executive_change(vals["key_account_executive_id"])
        if "user_id" in vals:
            self._key_account_check_owner_change(vals["user_id"])
        tracked = self._key_account_snapshot(vals)
        vals, credit_vals = self._key_account_split_credit(vals)
        key_accounts = (
            self.filtered("is_key_account") if "key_account_state" in vals else None
        )
        old_owners = (
            {p: p.user_id for p in self if p._key_account_is_customer()}
            if "user_id" in vals
            else {}
        )
        res = super().write(vals)
        if credit_vals:
            super(ResPartner, self.sudo()).write(credit_vals)
        self._key_account_log_changes(tracked)
        if key_accounts is not None:
            (
                self.filtered("is_key_account") - key_accounts
            )._key_account_overdue_entered()
        if old_owners:
            changed = self.browse(
                [p.id for p, old in old_owners.items() if p.user_id != old]
            )
            changed._key_account_record_owners(
                old_owners,
                self.env.context.get("key_account_reason") or self.env._("Assigned"),
            )
        if not self.env.su and (
            "user_id" in vals or any(name in vals for name in MATCH_SOURCES)
        ):
            # Only the keys changed here: a pending conflict on another key
            # does not block editing the customer.
            key_fields = (
                None
                if "user_id" in vals
                else {MATCH_SOURCE_KEYS[name] for name in MATCH_SOURCES if name in vals}
            )
            self.filtered(
                lambda p: p.user_id and p._key_account_is_customer()
            )._key_account_check_duplicates(key_fields)
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

    @api.model
    def _key_account_guarded_default(self, name):
        """No user records a default (ir.default) for the guarded customer
        data: it would bypass the checks on create."""
        return name in (
            *ALWAYS_GUARDED,
            *KEY_ACCOUNT_GUARDED,
            "key_account_confidentiality",
            "key_account_executive_id",
        )

    @api.model
    def _key_account_is_head(self):
        """The KA head (or a manager, or the superuser): who classifies,
        archives and replaces account executives (SPEC R30, R72, R88, R89)."""
        user = self.env.user
        return (
            self.env.su
            or user.has_group("key_account.group_key_account_head")
            or user.has_group("key_account.group_key_account_manager")
        )

    def _key_account_check_head_fields(self, vals, partners=None):
        """Separation of duties on the customer (RPC included):

        - only the KA head classifies a customer secret or lifts the secret
          classification (SPEC R88): a rep cannot hide a customer from the
          office manager;
        - only the KA head archives or restores a key account or its file
          (SPEC R72).
        """
        if self._key_account_is_head():
            return
        partners = partners if partners is not None else self.browse()
        if "key_account_confidentiality" in vals:
            secret = vals["key_account_confidentiality"] == "secret"
            changed = (
                partners.filtered(
                    lambda p: (p.key_account_confidentiality == "secret") != secret
                )
                if partners
                else secret
            )
            if changed:
                raise AccessError(
                    self.env._(
                        "Only the KA head classifies a customer secret or lifts "
                        "the classification."
                    )
                )
        if "active" in vals:
            files = partners.filtered(
                lambda p: (
                    p.commercial_partner_id == p
                    and (p.is_key_account or p.key_account_file_number)
                    and p.active != bool(vals["active"])
                )
            )
            if files:
                raise AccessError(
                    self.env._(
                        "Only the KA head archives or restores a key account: %s.",
                        files[0].display_name,
                    )
                )

    def _key_account_split_credit(self, vals):
        """A key-account director sets the credit limit of a key account
        (SPEC R8) without the accounting group that guards the core field:
        ``(vals without it, {credit_limit: value})``, the latter written as
        superuser by ``write``. Anyone else keeps the core field's rule."""
        if (
            self.env.su
            or "credit_limit" not in vals
            or self._fields["credit_limit"].is_accessible(self.env)
            or not self._key_account_is_director()
        ):
            return vals, {}
        becomes_key = vals.get("key_account_state") in ("key_account", "suspended")
        if not (becomes_key or all(p.is_key_account for p in self)):
            return vals, {}
        vals = dict(vals)
        return vals, {"credit_limit": vals.pop("credit_limit")}

    def _key_account_check_executive_change(self, new_id):
        """SPEC R30: the rep decides whether an account executive co-serves
        the customer; once one is set, only the KA head replaces or removes
        them. Once they earned commission, the KA head gives a reason
        (``key_account_reason`` in the context), written to the chatter."""
        locked = self.filtered(
            lambda p: (
                p.key_account_executive_id and p.key_account_executive_id.id != new_id
            )
        )
        if not locked:
            return
        if not self._key_account_is_head():
            raise AccessError(
                self.env._(
                    "%s already has an account executive: only the KA head "
                    "replaces or removes them.",
                    locked[0].display_name,
                )
            )
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
        # As superuser: the credit limit is an accounting field.
        value = self.sudo()[name]
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

    def _key_account_overdue_entered(self):
        """New key accounts: their invoices already past a level of the
        overdue ladder are notified at once, as a run would have done. Read
        as superuser: whoever designates them may not read invoices."""
        self.env["account.move"].sudo().search(
            [
                ("commercial_partner_id", "in", self.ids),
                ("key_account_aging_stage", "not in", [False, "current"]),
            ]
        )._key_account_notify_entered()

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

    # Business methods: ownership (SPEC R44–R49)
    def _key_account_is_customer(self):
        """A customer company that has an owner of its own (not a contact)."""
        self.ensure_one()
        return self.is_company and not self.parent_id

    @api.model
    def _key_account_default_owner(self, vals):
        """A rep owns the customers they record (SPEC R45)."""
        if (
            not self.env.su
            and vals.get("is_company")
            and not vals.get("parent_id")
            and "user_id" not in vals
            and self.env.user.has_group("key_account.group_key_account_rep")
            and not self.env.user.share
        ):
            vals["user_id"] = self.env.uid

    def _key_account_duplicates(self, key_fields=None):
        """{partner: (match, key label)} for the customers of ``self`` that
        match an active customer owned by another user (first match wins).

        As superuser: a rep does not see the other reps' key accounts, yet
        must learn who recorded the customer first. Two queries per call."""
        result = {}
        if not self:
            return result
        company = self.env.company
        labels = self._key_account_match_labels()
        keys = [
            (field, labels[field])
            for setting, field in MATCH_KEYS
            if company[setting] and (key_fields is None or field in key_fields)
        ]
        if not keys:
            return result
        values = {field: set(self.mapped(field)) - {False, ""} for field, _l in keys}
        domain_parts = [[(field, "in", list(v))] for field, v in values.items() if v]
        if not domain_parts:
            return result
        candidates = (
            self.sudo()
            .with_context(active_test=True)
            .search_fetch(
                expression.AND(
                    [
                        [
                            ("id", "not in", self.ids),
                            ("parent_id", "=", False),
                            ("is_company", "=", True),
                            ("user_id", "!=", False),
                            ("user_id", "not in", self.user_id.ids),
                        ],
                        expression.OR(domain_parts),
                    ]
                ),
                [field for field, _l in keys] + ["user_id", "name", "create_date"],
                order="create_date, id",
            )
        )
        for partner in self:
            for other in candidates:
                if other.user_id == partner.user_id:
                    continue
                label = next(
                    (
                        label
                        for field, label in keys
                        if partner[field] and partner[field] == other[field]
                    ),
                    None,
                )
                if label:
                    result[partner] = (other, label)
                    break
        return result

    def _key_account_match_labels(self):
        return {
            "key_account_vat_key": self.env._("Tax ID"),
            "key_account_registry_key": self.env._("Company Registry"),
            "key_account_name_key": self.env._("Company Name"),
            "key_account_phone_key": self.env._("Phone"),
            "key_account_email_domain": self.env._("E-mail Domain"),
        }

    def _key_account_check_duplicates(self, key_fields=None):
        """The earliest record wins (SPEC R45): a customer matching another
        rep's customer is refused, naming that owner."""
        duplicates = self._key_account_duplicates(key_fields)
        if not duplicates:
            return
        partner, (other, label) = next(iter(duplicates.items()))
        raise ValidationError(
            self.env._(
                "%(customer)s matches %(other)s (same %(key)s), a customer "
                "recorded earlier by %(owner)s. The earlier record wins: ask "
                "%(owner)s or the KA head.",
                customer=partner.name,
                other=other.name,
                key=label,
                owner=other.user_id.name,
            )
        )

    def _key_account_check_owner_change(self, new_user_id):
        """Owners change only through the reassignment action, which records
        the reason (SPEC R49): writing ``user_id`` of a partner that has
        another owner is refused to every user, whatever the caller. Whether
        the partner is a company, a person or a contact does not matter, so
        toggling ``is_company`` or the parent does not open a way around.

        An unowned partner gets its owner from who distributes customers
        (SPEC R46): the KA head, a manager, or an office manager to a rep of
        a team they lead; a contact may follow its company's owner."""
        if self.env.su:
            return
        new_user_id = new_user_id or False
        moved = self.filtered(lambda p: p.user_id and p.user_id.id != new_user_id)
        if moved:
            raise AccessError(
                self.env._(
                    "%(customer)s is owned by %(owner)s: use the Reassign "
                    "action, which records the reason.",
                    customer=moved[0].display_name,
                    owner=moved[0].user_id.name,
                )
            )
        assigned = self.filtered(
            lambda p: (
                not p.user_id
                and new_user_id
                and not (
                    p.parent_id and p.commercial_partner_id.user_id.id == new_user_id
                )
            )
        )
        if assigned:
            assigned._key_account_check_distribution_authority(
                self.env["res.users"].browse(new_user_id)
            )

    def _key_account_check_distribution_authority(self, new_user):
        """SPEC R46: the KA head or a manager assigns an unowned customer to
        anyone; an office manager to a rep of a team they lead; a rep never
        takes one by himself."""
        if self._key_account_is_head():
            return
        user = self.env.user
        if user.has_group("key_account.group_key_account_supervisor"):
            teams = self.env["crm.team"].search([("user_id", "=", user.id)])
            if new_user in teams.member_ids | teams.user_id:
                return
        raise AccessError(
            self.env._(
                "%(customer)s has no owner: the KA head or the office manager "
                "assigns it (Distribute Customers).",
                customer=self[0].display_name,
            )
        )

    def _key_account_record_owners(self, old_owners, reason):
        """Owner history (never deleted) and the first-contact clock of a new
        owner (SPEC R47, R49). As superuser: nobody writes either by hand."""
        if not self:
            return
        kind = self.env.context.get("key_account_owner_kind") or "assign"
        now = fields.Datetime.now()
        self.env["key_account.ownership.history"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "old_user_id": old_owners.get(partner, self.env["res.users"]).id,
                    "new_user_id": partner.user_id.id,
                    "kind": kind,
                    "reason": reason,
                    "changed_by_id": self.env.uid,
                    "date": now,
                }
                for partner in self
            ]
        )
        owned = self.filtered("user_id")
        if owned:
            owned.sudo().write(
                {
                    "key_account_assigned_date": now,
                    "key_account_contact_state": "pending",
                }
            )

    def _key_account_check_reassign_authority(self, new_user):
        """R49: the KA head (or a manager) reassigns any customer; an office
        manager only between reps of a team they lead. The new owner is an
        active rep (R44)."""
        user = self.env.user
        if not (
            new_user.active
            and not new_user.share
            and new_user.has_group("key_account.group_key_account_rep")
        ):
            raise ValidationError(
                self.env._(
                    "%s is not an active key-account rep and cannot own customers.",
                    new_user.name,
                )
            )
        if self.env.su or user.has_group("key_account.group_key_account_head"):
            return
        if user.has_group("key_account.group_key_account_manager"):
            return
        if user.has_group("key_account.group_key_account_supervisor"):
            teams = self.env["crm.team"].search([("user_id", "=", user.id)])
            members = teams.member_ids | teams.user_id
            outsiders = self.filtered(
                lambda p: p.user_id and p.user_id.active and p.user_id not in members
            )
            if new_user in members and not outsiders:
                return
            raise AccessError(
                self.env._(
                    "An office manager reassigns customers only between the "
                    "reps of the teams they lead; ask the KA head."
                )
            )
        raise AccessError(
            self.env._("Only the KA head or an office manager reassigns customers.")
        )

    def _key_account_reassign(
        self, new_user, reason, kind="reassign", move_open_invoices=False, post=True
    ):
        """Move customers, their contacts and open quotations to ``new_user``
        (SPEC R48, R49). Posted invoices keep their rep and executive
        (commission follows the invoice); unpaid ones move only when asked.
        Callers check the authority first (``_key_account_check_reassign_
        authority``); the writes run as superuser because the owner field is
        closed to direct writes."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for the reassignment."))
        partners = self.filtered(lambda p: p.user_id != new_user)
        if not partners:
            return partners
        env = (
            self.sudo()
            .with_context(key_account_reason=reason, key_account_owner_kind=kind)
            .env
        )
        contacts = env["res.partner"].search(
            [
                ("commercial_partner_id", "in", partners.ids),
                ("id", "not in", partners.ids),
            ]
        )
        # Crons move customers in batches: the owner history is their record,
        # without one chatter message per customer.
        for partner in partners if post else ():
            partner.message_post(
                body=self.env._(
                    "Owner %(old)s replaced by %(new)s: %(reason)s",
                    old=partner.user_id.name or self.env._("none"),
                    new=new_user.name,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        partners.with_env(env).write({"user_id": new_user.id})
        contacts.write({"user_id": new_user.id})
        orders = env["sale.order"].search(
            [
                ("partner_id.commercial_partner_id", "in", partners.ids),
                ("state", "in", ("draft", "sent")),
            ]
        )
        orders.write({"user_id": new_user.id})
        invoice_domain = [
            ("commercial_partner_id", "in", partners.ids),
            ("move_type", "in", ("out_invoice", "out_refund")),
        ]
        state_domain = [("state", "=", "draft")]
        if move_open_invoices:
            state_domain = [
                "|",
                ("state", "=", "draft"),
                "&",
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        env["account.move"].search(invoice_domain + state_domain).write(
            {"invoice_user_id": new_user.id}
        )
        return partners

    @api.model
    def _key_account_available_reps(self, company=None):
        """Reps who may receive customers: active, in the company, not away;
        office managers and directors are not counted."""
        company = company or self.env.company
        rep = self.env.ref("key_account.group_key_account_rep")
        supervisor = self.env.ref("key_account.group_key_account_supervisor")
        return rep.users.filtered(
            lambda u: (
                u.active
                and not u.share
                and not u.key_account_away
                and company in u.company_ids
                and supervisor not in u.groups_id
            )
        )

    @api.model
    def _key_account_rep_loads(self, users, company=None):
        """{user: (customer count, trailing 12-month invoiced revenue)}: two
        grouped queries."""
        company = company or self.env.company
        Partner = self.env["res.partner"].sudo()
        counts = dict(
            Partner._read_group(
                [
                    ("user_id", "in", users.ids),
                    ("is_company", "=", True),
                    ("parent_id", "=", False),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        since = fields.Date.context_today(self) - relativedelta(months=12)
        revenue = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("invoice_user_id", "in", users.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">=", since),
                ],
                ["invoice_user_id"],
                ["amount_untaxed_signed:sum"],
            )
        )
        return {user: (counts.get(user, 0), revenue.get(user, 0.0)) for user in users}

    def _key_account_distribute(self, users, reason, kind="distribution", post=True):
        """Balanced assignment of ``self`` to ``users`` (SPEC R46, R48):
        {partner: user}. Callers check the authority."""
        loads = self._key_account_rep_loads(users)
        plan = distribute(list(self), loads, {p: p.user_id for p in self if p.user_id})
        by_user = {}
        for partner, user in plan.items():
            by_user.setdefault(user, self.browse())
            by_user[user] |= partner
        for user, partners in by_user.items():
            partners._key_account_reassign(user, reason, kind=kind, post=post)
        return plan

    @api.model
    def _key_account_contacted_after_assignment(self, partners):
        """Ids of ``partners`` whose owner logged a contact since the
        assignment: a visit, or a call, meeting or e-mail activity done
        (SPEC R47). One query."""
        if not partners:
            return set()
        self.env.flush_all()
        types = [
            self.env.ref(xmlid).id
            for xmlid in (
                "mail.mail_activity_data_call",
                "mail.mail_activity_data_meeting",
                "mail.mail_activity_data_email",
            )
        ]
        self.env.cr.execute(
            """
            SELECT p.id
              FROM res_partner p
             WHERE p.id = ANY(%(ids)s)
               AND (EXISTS (
                        SELECT 1 FROM key_account_visit v
                         WHERE v.partner_id = p.id
                           AND v.user_id = p.user_id
                           AND v.state = 'done'
                           AND v.actual_start >= p.key_account_assigned_date)
                    OR EXISTS (
                        SELECT 1
                          FROM mail_message m
                          JOIN res_partner c ON c.id = m.res_id
                          JOIN res_users u ON u.partner_id = m.author_id
                         WHERE m.model = 'res.partner'
                           AND c.commercial_partner_id = p.id
                           AND u.id = p.user_id
                           AND m.mail_activity_type_id = ANY(%(types)s)
                           AND m.date >= p.key_account_assigned_date))
            """,
            {"ids": partners.ids, "types": types},
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _cron_key_account_first_contact(self, batch_size=None):
        """Daily (SPEC R47): newly assigned customers without a logged contact
        within the configured days are flagged, then reassigned or proposed
        for reassignment to the office manager. One batch per call with a
        bounded number of queries; re-runs skip what is decided."""
        company = self.env.company
        batch_size = batch_size or company.key_account_ownership_batch
        cutoff = fields.Datetime.now() - relativedelta(
            days=company.key_account_contact_days
        )
        domain = [
            ("key_account_contact_state", "=", "pending"),
            ("key_account_assigned_date", "<=", cutoff),
            ("user_id", "!=", False),
            ("is_company", "=", True),
            ("parent_id", "=", False),
        ]
        partners = self.search_fetch(
            domain, ["user_id", "key_account_assigned_date"], limit=batch_size
        )
        contacted = self.browse(self._key_account_contacted_after_assignment(partners))
        late = partners - contacted
        contacted.write({"key_account_contact_state": "contacted"})
        late.write({"key_account_contact_state": "uncontacted"})
        if late:
            late._key_account_handle_uncontacted(company)
        remaining = self.search_count(domain) if partners else 0
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=remaining)
        return len(partners)

    def _key_account_handle_uncontacted(self, company):
        days = company.key_account_contact_days
        reason = self.env._("Not contacted within %s days", days)
        if company.key_account_no_contact_action == "reassign":
            reps = self._key_account_available_reps(company)
            if len(reps) > 1 or (reps and reps != self.user_id):
                self._key_account_distribute(
                    reps, reason, kind="no_contact", post=False
                )
                return
        activity_type = self.env.ref("key_account.mail_activity_key_account_no_contact")
        today = fields.Date.context_today(self)
        head = company._key_account_head()
        vals_by_partner = {}
        for partner in self:
            manager = partner.user_id.sale_team_id.user_id or head
            if manager:
                vals_by_partner[partner.id] = {
                    "user_id": manager.id,
                    "date_deadline": today,
                    "summary": reason,
                    "note": self.env._(
                        "%(owner)s has logged no contact with %(customer)s since "
                        "the assignment: reassign the customer if needed.",
                        owner=partner.user_id.name,
                        customer=partner.name,
                    ),
                }
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        )._key_account_create_missing(activity_type, "res.partner", vals_by_partner)

    # Business methods: visits (SPEC R55)
    @api.model
    def _cron_key_account_visit_due(self, batch_size=None):
        """Daily: key accounts whose tier interval since the last visit has
        passed give their owner a "Visit due" activity. One batch per call
        with a constant number of queries; customers with the activity open
        are skipped, so re-runs create nothing twice."""
        company = self.env.company
        batch_size = batch_size or company.key_account_ownership_batch
        activity_type = self.env.ref("key_account.mail_activity_key_account_visit_due")
        today = fields.Date.context_today(self)
        domain = [
            ("is_key_account", "=", True),
            ("is_company", "=", True),
            ("parent_id", "=", False),
            ("user_id", "!=", False),
            ("key_account_visit_due_date", "<=", today),
            ("activity_ids", "not any", [("activity_type_id", "=", activity_type.id)]),
        ]
        partners = self.search_fetch(
            domain,
            ["name", "user_id", "key_account_last_visit_date", "key_account_tier_id"],
            limit=batch_size,
        )
        vals_by_partner = {
            partner.id: {
                "user_id": partner.user_id.id,
                "date_deadline": today,
                "note": self.env._(
                    "Tier %(tier)s: visit every %(days)s days; last visit: %(last)s.",
                    tier=partner.key_account_tier_id.name,
                    days=partner.key_account_tier_id.visit_interval_days,
                    last=partner.key_account_last_visit_date or self.env._("none"),
                ),
            }
            for partner in partners
        }
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        )._key_account_create_missing(activity_type, "res.partner", vals_by_partner)
        remaining = self.search_count(domain) if partners else 0
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=remaining)
        return len(partners)

    # Actions: ownership and visits
    def action_key_account_reassign(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reassign Customers"),
            "res_model": "key_account.reassign.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids},
        }

    def action_view_key_account_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_visit"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_key_account_log_visit(self):
        """Quick "Log a Visit" from the customer: a new visit for it."""
        self.ensure_one()
        context = {"default_partner_id": self.commercial_partner_id.id}
        if self != self.commercial_partner_id:
            context["default_contact_ids"] = [self.id]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Visit"),
            "res_model": "key_account.visit",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }
