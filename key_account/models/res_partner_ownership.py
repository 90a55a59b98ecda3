# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression

from ..tools import email_domain, normalize_company_name, normalize_phone, normalize_vat
from .res_partner import MATCH_KEYS, MATCH_SOURCES


class ResPartner(models.Model):
    """Customer ownership: one owner, matching keys and the earliest record
    winning, owner changes and their history (SPEC R44–R46, R49)."""

    _inherit = "res.partner"

    # === FIELDS === #
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
    key_account_owner_history_ids = fields.One2many(
        "key_account.ownership.history", "partner_id", string="Owner History"
    )
    key_account_origin = fields.Selection(
        [
            ("rep", "Found by the Rep"),
            ("campaign", "Company Campaign"),
            ("other", "Other"),
        ],
        string="Origin",
        tracking=True,
        index=True,
        copy=False,
        help="Where the customer came from. Customers of company campaigns are "
        "given to a rep by the KA head or the office manager (Distribute "
        "Customers), balancing each rep's customers and ability; the rep who "
        "records one does not keep it.",
    )
    key_account_campaign_id = fields.Many2one(
        "utm.campaign",
        string="Campaign",
        tracking=True,
        copy=False,
        help="The company campaign the customer came from.",
    )

    # === COMPUTE METHODS === #
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

    # === CRUD METHODS === #
    def write(self, vals):
        if not self.env.su and {"key_account_origin", "key_account_campaign_id"} & set(
            vals
        ):
            self._key_account_check_origin_change(vals)
        self._key_account_check_active_reps(vals)
        return super().write(vals)

    # === BUSINESS METHODS === #
    def _key_account_is_customer(self):
        """A customer company that has an owner of its own (not a contact)."""
        self.ensure_one()
        return self.is_company and not self.parent_id

    @api.model
    def _key_account_default_owner(self, vals):
        """A rep owns the customers they record (SPEC R45), except those of
        company campaigns, which are distributed (SPEC R46); the owner and
        account executive given are active reps (SPEC R44)."""
        if vals.get("key_account_campaign_id") and not vals.get("key_account_origin"):
            vals["key_account_origin"] = "campaign"
        self._key_account_check_active_reps(vals)
        if vals.get("key_account_origin") == "campaign":
            if vals.get("user_id") and not self.env.su:
                user = self.env["res.users"].browse(vals["user_id"])
                if not self._key_account_may_assign(user):
                    raise AccessError(
                        self.env._(
                            "%(customer)s comes from a company campaign: the KA "
                            "head or the office manager gives it to a rep "
                            "(Distribute Customers).",
                            customer=vals.get("name") or "",
                        )
                    )
            return
        if (
            not self.env.su
            and vals.get("is_company")
            and not vals.get("parent_id")
            and "user_id" not in vals
            and self.env.user.has_group("key_account.group_key_account_rep")
            and not self.env.user.share
        ):
            vals["user_id"] = self.env.uid
            vals.setdefault("key_account_origin", "rep")

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

    @api.model
    def _key_account_may_assign(self, new_user):
        """SPEC R46: the KA head or a manager assigns an unowned customer to
        anyone; an office manager to a rep of a team they lead; a rep never
        takes one by himself."""
        if self._key_account_is_head():
            return True
        user = self.env.user
        if user.has_group("key_account.group_key_account_supervisor"):
            teams = self.env["crm.team"].search([("user_id", "=", user.id)])
            return new_user in teams.member_ids | teams.user_id
        return False

    def _key_account_check_distribution_authority(self, new_user):
        if self._key_account_may_assign(new_user):
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

    def _key_account_check_origin_change(self, vals):
        """Once recorded, a customer's origin is corrected by those who
        distribute customers (office manager, KA head): a rep does not turn
        a campaign customer into one he found."""
        user = self.env.user
        if user.has_group("key_account.group_key_account_supervisor"):
            return

        def corrected(partner):
            origin = vals.get("key_account_origin", partner.key_account_origin)
            campaign = vals.get(
                "key_account_campaign_id", partner.key_account_campaign_id.id
            )
            return bool(partner.key_account_origin) and (
                origin != partner.key_account_origin
                or (campaign or False) != partner.key_account_campaign_id.id
            )

        changed = self.filtered(corrected)
        if changed:
            raise AccessError(
                self.env._(
                    "Where %(customer)s came from is recorded: only the office "
                    "manager or the KA head corrects it.",
                    customer=changed[0].display_name,
                )
            )

    @api.model
    def _key_account_active_rep_problem(self, user):
        """Why ``user`` cannot own or serve a key account, or False: an
        archived user, a portal user or a user without the rep access."""
        if not user.active:
            return self.env._("%s is archived", user.name)
        if user.share or not user.has_group("key_account.group_key_account_rep"):
            return self.env._("%s has no key-account rep access", user.name)
        return False

    @api.model
    def _key_account_check_active_rep(self, user, role, customer):
        """Refuse ``user`` as the ``role`` of the key account ``customer`` (a
        name) unless he is an active rep (SPEC R44)."""
        problem = user and self._key_account_active_rep_problem(user)
        if problem:
            raise ValidationError(
                self.env._(
                    "%(problem)s: only an active rep can be the "
                    "%(role)s of the key account %(customer)s.",
                    problem=problem,
                    role=role,
                    customer=customer,
                )
            )

    def _key_account_check_active_reps(self, vals):
        """SPEC R44: the owner and the account executive of a key account are
        active reps, wherever they are set (designation, import, write,
        reassignment). ``self`` is empty on create. A suspended key account
        whose owner left can still be suspended or reassigned."""
        states = ("requested", "key_account", "suspended")
        targets = self if self else [None]
        for partner in targets:
            state = vals.get(
                "key_account_state", partner.key_account_state if partner else False
            )
            parent = vals.get("parent_id", partner.parent_id.id if partner else False)
            if state not in states or parent:
                continue
            designated = "key_account_state" in vals and state != "suspended"
            for field, role in (
                ("user_id", self.env._("owner")),
                ("key_account_executive_id", self.env._("account executive")),
            ):
                if field in vals:
                    user = self.env["res.users"].browse(vals[field] or [])
                elif designated and partner:
                    user = partner[field]
                else:
                    continue
                self._key_account_check_active_rep(
                    user,
                    role,
                    (partner.display_name if partner else "") or vals.get("name") or "",
                )
