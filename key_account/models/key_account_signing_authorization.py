# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

from ..tools import is_blank

# What the KA head sets when granting; nothing changes afterwards but the
# reason of a revocation.
GRANT_FIELDS = (
    "user_id",
    "date_from",
    "date_to",
    "partner_ids",
    "include_deviating",
    "scope",
    "document_ids",
    "company_id",
)


class KeyAccountSigningAuthorization(models.Model):
    """The KA head's written authorization for a KA clerk to sign key-account
    agreements on the company's behalf (SPEC R22, R15; 通过大客户部部长授权,
    签订大客户合作协议): the clerk, the dates, the customers and whether
    deviating agreements are included, the signed authorization itself.
    Granted and revoked by the KA head only; an agreement records the
    authorization its clerk signed under."""

    _name = "key_account.signing.authorization"
    _description = "Agreement Signing Authorization"
    _inherit = ["key_account.guard.mixin", "mail.thread"]
    _order = "date_from desc, id desc"
    _check_company_auto = True
    _key_account_create_fields = GRANT_FIELDS
    _key_account_forced_fields = ("head_id",)
    _key_account_user_fields = {
        # The reason is written before the revocation button is pressed.
        "granted": ("revoke_reason",),
        "revoked": (),
    }
    _key_account_transitions = {
        "action_revoke": (("granted",), ("head",)),
    }

    # === FIELDS === #
    state = fields.Selection(
        [("granted", "Granted"), ("revoked", "Revoked")],
        default="granted",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    head_id = fields.Many2one(
        "res.users",
        string="Granted By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Authorized Clerk",
        required=True,
        index=True,
        tracking=True,
        domain=lambda self: [
            ("share", "=", False),
            (
                "groups_id",
                "in",
                self.env.ref("key_account.group_key_account_supervisor").ids,
            ),
        ],
        help="The KA clerk who may sign agreements under this authorization.",
    )
    date_from = fields.Date(
        string="Valid From",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_to = fields.Date(string="Valid To", required=True, tracking=True)
    partner_ids = fields.Many2many(
        "res.partner",
        "key_account_signing_authorization_partner_rel",
        "authorization_id",
        "partner_id",
        string="Key Accounts",
        domain=[("is_company", "=", True)],
        help="Customers whose agreements the clerk may sign; empty for every "
        "key account.",
    )
    include_deviating = fields.Boolean(
        string="Deviating Agreements Too",
        tracking=True,
        help="Without it, the clerk signs only agreements within the price "
        "system and the customer's defaults; the KA head signs the others.",
    )
    scope = fields.Text(help="What the written authorization says the clerk signs.")
    document_ids = fields.Many2many(
        "ir.attachment",
        "key_account_signing_authorization_document_rel",
        "authorization_id",
        "attachment_id",
        string="Signed Authorization",
        help="The written authorization the KA head signed (scan).",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    revoke_reason = fields.Text(string="Reason for Revocation", tracking=True)
    revoked_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    revoked_date = fields.Date(string="Revoked On", readonly=True, copy=False)
    agreement_ids = fields.One2many(
        "key_account.agreement",
        "signing_authorization_id",
        string="Signed Agreements",
        readonly=True,
    )
    running = fields.Boolean(
        compute="_compute_running",
        help="Granted and within its dates today.",
    )

    # === COMPUTE METHODS === #
    @api.depends("user_id", "date_from", "date_to")
    def _compute_display_name(self):
        for authorization in self:
            authorization.display_name = self.env._(
                "%(clerk)s, %(start)s – %(end)s",
                clerk=authorization.user_id.name or "",
                start=format_date(self.env, authorization.date_from),
                end=format_date(self.env, authorization.date_to),
            )

    @api.depends("state", "date_from", "date_to")
    def _compute_running(self):
        today = fields.Date.context_today(self)
        for authorization in self:
            authorization.running = authorization._is_valid_on(today)

    # === CONSTRAINT METHODS === #
    @api.constrains("date_from", "date_to", "user_id", "document_ids", "head_id")
    def _check_authorization(self):
        clerk_group = "key_account.group_key_account_supervisor"
        for authorization in self:
            if authorization.date_to < authorization.date_from:
                raise ValidationError(
                    self.env._("An authorization cannot end before it starts.")
                )
            if not authorization.document_ids:
                raise ValidationError(
                    self.env._("Attach the written authorization the KA head signed.")
                )
            if authorization.user_id == authorization.head_id:
                raise ValidationError(self.env._("Nobody authorizes himself to sign."))
            if not authorization.user_id.has_group(clerk_group):
                raise ValidationError(
                    self.env._(
                        "%s is not a key-account clerk (supervisor access) and "
                        "cannot be authorized to sign agreements.",
                        authorization.user_id.name,
                    )
                )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        self._check_head()
        if not self.env.su:
            for vals in vals_list:
                vals["head_id"] = self.env.uid
        authorizations = super().create(vals_list)
        authorizations._invalidate_signable()
        for authorization in authorizations:
            authorization.message_post(
                body=self.env._(
                    "%(head)s authorized %(clerk)s to sign key-account "
                    "agreements from %(start)s to %(end)s.",
                    head=authorization.head_id.name,
                    clerk=authorization.user_id.name,
                    start=format_date(self.env, authorization.date_from),
                    end=format_date(self.env, authorization.date_to),
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=authorization.user_id.partner_id.ids,
            )
        return authorizations

    def write(self, vals):
        self._check_head()
        res = super().write(vals)
        self._invalidate_signable()
        return res

    def unlink(self):
        res = super().unlink()
        self._invalidate_signable()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_never_used(self):
        """Authorizations are the record of who could sign: revoked, never
        deleted once an agreement was signed under it."""
        self._check_head()
        if self.sudo().agreement_ids:
            raise UserError(
                self.env._(
                    "Agreements were signed under this authorization: revoke "
                    "it instead of deleting it."
                )
            )

    # === ACTION METHODS === #
    def action_revoke(self):
        """The KA head withdraws the authorization with a reason; agreements
        already signed under it keep it."""
        self._check_head()
        for authorization in self:
            authorization._key_account_check_transition(
                "action_revoke", self.env._("Only a granted authorization is revoked.")
            )
            if is_blank(authorization.revoke_reason):
                raise UserError(self.env._("Write the reason for the revocation."))
            authorization._key_account_system_write(
                {
                    "state": "revoked",
                    "revoked_by_id": self.env.uid,
                    "revoked_date": fields.Date.context_today(self),
                }
            )
            authorization.message_post(
                body=self.env._(
                    "Revoked by %(head)s: %(reason)s",
                    head=self.env.user.name,
                    reason=authorization.revoke_reason,
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=authorization.user_id.partner_id.ids,
            )
        return True

    # === BUSINESS METHODS === #
    @api.model
    def _check_head(self):
        if not self.env.su and not self.env.user.has_group(
            "key_account.group_key_account_head"
        ):
            raise AccessError(
                self.env._(
                    "Only the KA head grants, changes or revokes an "
                    "authorization to sign agreements."
                )
            )

    def _invalidate_signable(self):
        """Who may read an approved agreement to sign it changes with the
        authorizations."""
        self.env["key_account.agreement"].invalidate_model(["signable_by_ids"])

    def _is_valid_on(self, day):
        self.ensure_one()
        return (
            self.state == "granted"
            and bool(self.date_from and self.date_to)
            and self.date_from <= day <= self.date_to
        )

    def _covers(self, agreement):
        """Whether the authorization covers ``agreement``'s customer and,
        when it deviates, deviating agreements."""
        self.ensure_one()
        partner = agreement.partner_id.commercial_partner_id
        return (not self.partner_ids or partner in self.partner_ids) and (
            self.include_deviating or not agreement.has_deviation
        )

    @api.model
    def _find_for(self, user, agreement, day):
        """The authorization ``user`` signs ``agreement`` under on ``day``,
        or an empty recordset. Read as superuser: the clerk may sign under
        it, the check is this method."""
        candidates = self.sudo().search(
            [
                ("state", "=", "granted"),
                ("user_id", "=", user.id),
                ("company_id", "=", agreement.company_id.id),
                ("date_from", "<=", day),
                ("date_to", ">=", day),
            ]
        )
        return candidates.filtered(lambda a: a._covers(agreement))[:1]

    @api.model
    def _signable_partner_domain(self, user, day):
        """Domain on agreements the running authorizations of ``user`` let
        him sign (customers only; the deviation is checked when signing)."""
        running = self.sudo().search(
            [
                ("state", "=", "granted"),
                ("user_id", "=", user.id),
                ("date_from", "<=", day),
                ("date_to", ">=", day),
            ]
        )
        if not running:
            return [("id", "=", 0)]
        if any(not a.partner_ids for a in running):
            return [("company_id", "in", running.company_id.ids)]
        return [("partner_id", "child_of", running.partner_ids.ids)]
