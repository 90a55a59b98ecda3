# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import AccessError, UserError

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

# The technical keys stay those of the first versions: stored statuses and
# requests keep their meaning. ``suspended`` is the status a revocation
# leaves: the customer is no longer a key account; its file and history stay.
KEY_ACCOUNT_STATES = [
    ("prospect", "Prospect"),
    ("requested", "Requested"),
    ("key_account", "Key Account"),
    ("suspended", "Revoked"),
]

# Fields only an approved request changes, whoever asks, directors included
# (SPEC R3, R6, R8): the approval applies them as the system
# (``key_account.request._on_approved``). The status, tier and
# designation data on every customer, so nobody turns a prospect into a key
# account by hand; the credit profile on a key account.
REQUEST_ONLY = (
    "key_account_state",
    "key_account_tier_id",
    "key_account_since",
    "key_account_file_number",
)
REQUEST_ONLY_KEY_ACCOUNT = (
    "key_account_credit_level_id",
    "credit_limit",
    "use_partner_credit_limit",
    "property_payment_term_id",
)
# Fields only a KA director changes: nor does a rep raise his own
# compensation limit by calling his customer performance-priced (R35).
ALWAYS_GUARDED = (
    *REQUEST_ONLY,
    "key_account_performance_priced",
)
KEY_ACCOUNT_GUARDED = (
    *REQUEST_ONLY_KEY_ACCOUNT,
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
    """Key-account customer: shared guards of ``res.partner``.

    The concerns live in ``res_partner_<concern>.py``; this base holds the
    RPC transitions, the guarded fields checked on create and write, and the
    chatter log of the guarded fields (SPEC R3, R8, R72, R88, R89).
    """

    _inherit = "res.partner"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin. The partner's guarded fields are checked in
    # ``write`` (``_key_account_check_guarded``).
    _key_account_transitions = {
        "action_key_account_request": (None, ("rep", "office_manager")),
        "action_key_account_revoke": (None, ("rep", "office_manager")),
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

    # === CRUD METHODS === #
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
        key_accounts = (
            self.filtered("is_key_account") if "key_account_state" in vals else None
        )
        old_owners = (
            {p: p.user_id for p in self if p._key_account_is_customer()}
            if "user_id" in vals
            else {}
        )
        res = super().write(vals)
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

    # === BUSINESS METHODS === #
    @api.model
    def _key_account_is_director(self):
        return self.env.su or self.env.user.has_group(
            "key_account.group_key_account_director"
        )

    def _key_account_check_guarded(self, vals, partners=None):
        """Refuse the request-only fields to everyone (directors included)
        and the other guarded key-account fields to anyone below director.

        Checked server-side on create and write, so RPC callers cannot skip
        it; approved requests apply their changes as the system through
        ``key_account.request._on_approved``.
        """
        if self.env.su:
            return
        partners = partners if partners is not None else self.browse()
        key_accounts = any(
            p.is_key_account and p.commercial_partner_id == p for p in partners
        )
        touched = [
            name for name in ALWAYS_GUARDED if name in vals and (partners or vals[name])
        ]
        harmless_state = vals.get("key_account_state") in (False, "prospect") and all(
            p.key_account_state in (False, "prospect") for p in partners
        )
        if harmless_state and "key_account_state" in touched:
            touched.remove("key_account_state")
        if key_accounts:
            touched += [name for name in KEY_ACCOUNT_GUARDED if name in vals]
        request_only = [
            name
            for name in touched
            if name in REQUEST_ONLY or name in REQUEST_ONLY_KEY_ACCOUNT
        ]
        if request_only:
            raise AccessError(
                self.env._(
                    "%(fields)s change only through an approved key-account "
                    "request (designation, tier change, credit change or "
                    "revocation).",
                    fields=self._key_account_field_labels(request_only),
                )
            )
        if touched and not self._key_account_is_director():
            raise AccessError(
                self.env._(
                    "Only an approved key-account request or a key-account "
                    "director can change: %(fields)s.",
                    fields=self._key_account_field_labels(touched),
                )
            )

    @api.model
    def _key_account_field_labels(self, names):
        return ", ".join(
            self._fields[name].get_description(self.env)["string"] for name in names
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
            return field.convert_to_export(value, self)
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
