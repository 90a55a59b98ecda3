# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .key_account_authority_rule import EXCEPTION_TYPES, LEVEL_SELECTION

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
FREE_FIELDS = {
    "message_follower_ids",
    "message_main_attachment_id",
    "activity_ids",
}


class KeyAccountExceptionRequest(models.Model):
    """Exception request (申请, SPEC R16): a term beyond the rep's authority
    on any document (rebate payout, short payment, ...), decided by the KA
    head or the general manager under the authority matrix (R17)."""

    _name = "key_account.exception.request"
    _description = "Key-Account Exception Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "tier.validation"]
    _order = "id desc"

    _state_from = ["submitted"]
    _state_to = ["approved"]
    _cancel_state = "none"
    _tier_validation_manual_config = False

    # Fields
    name = fields.Char(
        string="Reference", required=True, copy=False, readonly=True, default="/"
    )
    state = fields.Selection(
        STATES, default="draft", required=True, copy=False, tracking=True, index=True
    )
    exception_type = fields.Selection(
        EXCEPTION_TYPES, string="Exception", required=True, tracking=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    document_model = fields.Char(index=True, readonly=True)
    document_id = fields.Many2oneReference(
        model_field="document_model",
        string="Document Record",
        index=True,
        readonly=True,
    )
    document_name = fields.Char(string="Document", readonly=True)
    requested_value = fields.Float(tracking=True)
    unit = fields.Selection(related="rule_id.unit")
    rule_id = fields.Many2one(
        "key_account.authority.rule",
        string="Authority Rule",
        compute="_compute_rule_id",
        store=True,
    )
    rep_limit = fields.Float(related="rule_id.rep_limit", string="Rep Limit")
    required_level = fields.Selection(
        LEVEL_SELECTION,
        string="Decided By",
        compute="_compute_required_level",
        store=True,
        index=True,
    )
    justification = fields.Text(required=True, tracking=True)
    notify_user_ids = fields.Many2many(
        "res.users",
        string="Also Notify",
        help="Account-executive manager or customer-support colleague to keep "
        "informed (SPEC R18).",
    )
    requester_id = fields.Many2one(
        "res.users",
        string="Requested By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    reject_reason = fields.Text(readonly=True, copy=False)

    # Computes
    @api.depends("exception_type", "company_id")
    def _compute_rule_id(self):
        Rule = self.env["key_account.authority.rule"]
        for request in self:
            rules = Rule._rules_by_type(request.company_id or self.env.company)
            request.rule_id = rules.get(request.exception_type)

    @api.depends("rule_id", "requested_value")
    def _compute_required_level(self):
        for request in self:
            request.required_level = (
                request.rule_id._level(request.requested_value)
                if request.rule_id
                else "director"
            )

    # CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su:
                vals["requester_id"] = self.env.uid
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code(
                        "key_account.exception.request"
                    )
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if "state" in vals:
                raise AccessError(
                    self.env._("Use the request's buttons to submit or cancel it.")
                )
            if set(vals) - FREE_FIELDS and any(r.state != "draft" for r in self):
                raise UserError(self.env._("Only draft exception requests can change."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(r.state != "draft" or r.review_ids for r in self):
            raise UserError(self.env._("Only draft exception requests can be deleted."))

    # Actions
    def action_submit(self):
        for request in self:
            if request.state != "draft":
                raise UserError(self.env._("Only draft requests can be submitted."))
            if self.env.user != request.requester_id and not self.env.su:
                raise AccessError(self.env._("Only the requester can submit it."))
            if request.required_level == "rep":
                raise UserError(
                    self.env._(
                        "%(value)s is within the rep's authority: no exception "
                        "request is needed.",
                        value=request.requested_value,
                    )
                )
            with self.env.cr.savepoint():
                request._set_state("submitted")
                if not request.request_validation():
                    raise UserError(
                        self.env._(
                            "No approval route applies to %s. Ask an "
                            "administrator to configure the tier definitions.",
                            request.name,
                        )
                    )
            request._notify_reviewers_and_colleagues()
        return True

    def action_cancel(self):
        for request in self:
            if request.state not in ("draft", "submitted"):
                raise UserError(self.env._("Only open requests can be cancelled."))
            if self.env.user != request.requester_id and not self.env.user.has_group(
                "key_account.group_key_account_director"
            ):
                raise AccessError(
                    self.env._("Only the requester or a director can cancel it.")
                )
            request.review_ids._key_account_archive()
            request._set_state("cancelled")
        return True

    # tier.validation hooks
    def _key_account_owner_ids(self):
        return self.requester_id

    def restart_validation(self):
        raise UserError(
            self.env._("Cancel the exception request and create a new one instead.")
        )

    def _validate_tier(self, tiers=False):
        res = super()._validate_tier(tiers)
        if self.validation_status == "validated" and self.state == "submitted":
            self._set_state("approved")
            self.message_post(
                body=self.env._("Exception approved."),
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.requester_id.partner_id.ids,
            )
        return res

    def _rejected_tier(self, tiers=False):
        res = super()._rejected_tier(tiers)
        if self.state == "submitted" and self.validation_status == "rejected":
            reason = self._key_account_rejection_reason()
            self._set_state("rejected", reject_reason=reason)
            self.message_post(
                body=self.env._("Exception rejected: %s", reason),
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.requester_id.partner_id.ids,
            )
        return res

    # Business methods
    def _notify_reviewers_and_colleagues(self):
        """R18: the customer-support supervisor follows every exception; the
        colleagues the rep named are informed."""
        self.ensure_one()
        reviewers = self.env.ref(
            "key_account.group_key_account_contract_reviewer"
        ).users
        partners = (reviewers | self.notify_user_ids).partner_id
        self.message_subscribe(partner_ids=partners.ids)
        self.message_post(
            body=self.env._(
                "Exception requested: %(type)s %(value)s (rep limit %(limit)s).",
                type=dict(
                    self._fields["exception_type"]._description_selection(self.env)
                )[self.exception_type],
                value=self.requested_value,
                limit=self.rep_limit,
            ),
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.notify_user_ids.partner_id.ids,
        )

    @api.model
    def _key_account_request_for(self, document, exception_type, value, **vals):
        """Draft exception request for ``document`` (later features call this)."""
        return self.create(
            dict(
                vals,
                exception_type=exception_type,
                requested_value=value,
                document_model=document._name,
                document_id=document.id,
                document_name=document.display_name,
            )
        )

    @api.model
    def _key_account_is_approved(self, document, exception_type, value):
        """Whether an approved exception covers ``value`` on ``document``."""
        return bool(
            self.sudo().search_count(
                [
                    ("document_model", "=", document._name),
                    ("document_id", "=", document.id),
                    ("exception_type", "=", exception_type),
                    ("state", "=", "approved"),
                    ("requested_value", ">=", value),
                ],
                limit=1,
            )
        )
