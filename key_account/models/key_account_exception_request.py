# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import is_blank
from .key_account_authority_rule import EXCEPTION_TYPES, LEVEL_SELECTION

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]


class KeyAccountExceptionRequest(models.Model):
    """Exception request (申请, SPEC R16): a term beyond the rep's authority
    on any document (rebate payout, short payment, ...), decided by the KA
    head or the general manager under the authority matrix (R17)."""

    _name = "key_account.exception.request"
    _description = "Key-Account Exception Request"
    _inherit = ["key_account.approval.mixin"]
    _order = "id desc"
    _key_account_sequence = "key_account.exception.request"
    # The document is named at creation (from its button) and checked to be
    # one the requester may read.
    _key_account_user_fields = {
        "draft": (
            "exception_type",
            "partner_id",
            "requested_value",
            "justification",
            "notify_user_ids",
            "company_id",
        )
    }
    _key_account_create_fields = _key_account_user_fields["draft"] + (
        "document_model",
        "document_id",
        "document_name",
    )

    # === FIELDS === #
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
        "informed.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # === COMPUTE METHODS === #
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

    # === CONSTRAINT METHODS === #
    @api.constrains("justification")
    def _check_justification(self):
        if any(is_blank(record.justification) for record in self):
            raise ValidationError(
                self.env._(
                    "Write the justification of the exception: blank text "
                    "is no justification."
                )
            )

    # === ACTION METHODS === #
    def _submission_problems(self):
        if self.required_level == "rep":
            return [
                self.env._(
                    "%(value)s is within the rep's authority: no exception "
                    "request is needed.",
                    value=self.requested_value,
                )
            ]
        return []

    def _after_submit(self):
        self._notify_reviewers_and_colleagues()

    def _key_account_locked_message(self):
        return self.env._("Only draft exception requests can change.")

    # tier.validation hooks
    def _on_approved(self):
        self.message_post(
            body=self.env._("Exception approved."),
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.requester_id.partner_id.ids,
        )

    # === BUSINESS METHODS === #
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
    def _request_for(self, document, exception_type, value, **vals):
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

    @api.model_create_multi
    def create(self, vals_list):
        if not self._key_account_is_system():
            for vals in vals_list:
                self._key_account_check_document(vals)
        return super().create(vals_list)

    @api.model
    def _key_account_check_document(self, vals):
        """A requester names only a document he may read, by its own name."""
        model = vals.get("document_model")
        if not model and not vals.get("document_id"):
            return
        if model not in self.env or not vals.get("document_id"):
            raise AccessError(self.env._("The exception names no valid document."))
        document = self.env[model].browse(vals["document_id"]).exists()
        if not document:
            raise AccessError(self.env._("The exception names no valid document."))
        document.check_access("read")
        vals["document_name"] = document.display_name

    @api.model
    def _is_approved(self, document, exception_type, value):
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
