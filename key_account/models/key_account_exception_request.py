# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import is_blank
from .key_account_approval_mixin import REQUEST_STATES
from .key_account_authority_rule import EXCEPTION_TYPES, LEVEL_SELECTION


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
            "amount",
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
        REQUEST_STATES,
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
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
        string="Notify",
        compute="_compute_notify_user_ids",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('share', '=', False)]",
        help="Colleagues told of the request and of its decision. The "
        "customer-support supervisors (Contract Review role) are ticked by "
        "default, the account-executive managers (AE Manager role) too when "
        "an account executive serves the customer; untick or add colleagues.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        tracking=True,
        help="Short payments: the difference the customer left unpaid, written "
        "off once the exception is approved.",
    )
    writeoff_id = fields.Many2one(
        "key_account.writeoff.request",
        string="Write-Off",
        readonly=True,
        copy=False,
        help="The write-off of the short payment, posted on approval.",
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

    @api.depends("partner_id", "company_id")
    def _compute_notify_user_ids(self):
        for request in self:
            request.notify_user_ids = request._default_notify_users()

    def _default_notify_users(self):
        """R18: the customer-support supervisors, and the account-executive
        managers when an account executive serves the customer, of the
        request's company (never the requester)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        groups = self.env.ref("key_account.group_key_account_contract_reviewer")
        if self.partner_id.commercial_partner_id.key_account_executive_id:
            groups |= self.env.ref("key_account.group_key_account_ae_manager")
        return groups.sudo().users.filtered(
            lambda user: (
                not user.share
                and company in user.company_ids
                and user != (self.requester_id or self.env.user)
            )
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
        if self.exception_type == "short_payment":
            return self._short_payment_problems()
        if self.required_level == "rep":
            return [
                self.env._(
                    "%(value)s is within the rep's authority: no exception "
                    "request is needed.",
                    value=self.requested_value,
                )
            ]
        return []

    def _before_submit(self):
        if self.exception_type == "short_payment":
            # The authority follows the difference's share of the invoice,
            # not a figure the requester types (R17).
            self._key_account_system_write(
                {"requested_value": self._short_payment_percent()}
            )

    def _after_submit(self):
        self._notify_reviewers_and_colleagues()

    def _key_account_locked_message(self):
        return self.env._("Only draft exception requests can change.")

    # tier.validation hooks
    def _on_approved(self):
        self.message_post(
            body=self.env._("Exception approved."),
            subtype_xmlid="mail.mt_comment",
            partner_ids=self._key_account_decision_partners().ids,
        )
        self._notify_decision(self.env._("Exception approved."))
        if self.exception_type == "short_payment":
            self._write_off_short_payment()

    def _rejected_tier(self, tiers=False):
        res = super()._rejected_tier(tiers)
        if self.state == "rejected":
            self._notify_decision(
                self.env._("Exception rejected: %s", self.reject_reason)
            )
        return res

    def _key_account_decision_partners(self):
        """R18: the requester and the colleagues ticked to be notified hear
        of the decision (in their inbox and the chatter, no e-mail needed)."""
        return super()._key_account_decision_partners() | (
            self.notify_user_ids.partner_id
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
                type=self._fields["exception_type"].convert_to_export(
                    self.exception_type, self
                ),
                value=self.requested_value,
                limit=self.rep_limit,
            ),
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.notify_user_ids.partner_id.ids,
        )

    def _notify_decision(self, note):
        """R18: each colleague on the notify list gets an activity on the
        decided request, seen in Odoo whether or not he has an e-mail
        address. Scheduled as the system: the approver assigns colleagues
        who read the request as its followers (subscribed at submission)."""
        self.ensure_one()
        for user in self.notify_user_ids.filtered(lambda u: not u.share):
            self.sudo().activity_schedule(
                "key_account.mail_activity_key_account_exception_decided",
                user_id=user.id,
                summary=self.env._("%(name)s decided", name=self.name),
                note=note,
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

    # Short payments (R16, R17: "short payment written off")
    def _short_payment_invoice(self):
        """The customer invoice the short payment leaves open. Read as the
        system: the requester named it at creation (checked readable), the
        approver need not read invoices."""
        self.ensure_one()
        if self.document_model != "account.move" or not self.document_id:
            return self.env["account.move"]
        return self.env["account.move"].sudo().browse(self.document_id).exists()

    def _short_payment_percent(self):
        """The difference as a percentage of the invoice total (the unit of
        the authority matrix's short-payment row)."""
        total = abs(self._short_payment_invoice().amount_total_signed)
        return round(self.amount / total * 100.0, 4) if total else 0.0

    def _short_payment_problems(self):
        invoice = self._short_payment_invoice()
        if (
            not invoice
            or invoice.move_type != "out_invoice"
            or invoice.state != "posted"
        ):
            return [
                self.env._(
                    "A short payment names the posted customer invoice it "
                    "leaves open: request it when registering the payment."
                )
            ]
        problems = []
        if invoice.commercial_partner_id != self.partner_id.commercial_partner_id:
            problems.append(
                self.env._(
                    "%(invoice)s is not an invoice of %(customer)s.",
                    invoice=invoice.name,
                    customer=self.partner_id.display_name,
                )
            )
        residual = abs(invoice.amount_residual_signed)
        if self.currency_id.compare_amounts(self.amount, 0) <= 0 or (
            self.currency_id.compare_amounts(self.amount, residual) > 0
        ):
            problems.append(
                self.env._(
                    "The short payment must be positive and at most what "
                    "%(invoice)s still owes (%(residual)s).",
                    invoice=invoice.name,
                    residual=residual,
                )
            )
        return problems + self._short_payment_setting_problems(self.company_id)

    @api.model
    def _short_payment_setting_problems(self, company):
        """What the company lacks to write a short payment off once
        approved: said at the request, not at the approval."""
        return [
            self.env._(
                "Ask accounting to set “%(setting)s” in the Key Accounts "
                "settings: the short payment could not be written off once "
                "approved.",
                setting=company._fields[setting]._description_string(self.env),
            )
            for setting in (
                "key_account_writeoff_journal_id",
                "key_account_short_payment_account_id",
            )
            if not company[setting]
        ]

    def _write_off_short_payment(self):
        """The approved difference is written off by the write-off
        machinery (R42): a write-off request in the exception's name,
        approved by this decision, posts the entry, reconciles it with the
        invoice and books the negative revenue. The approver (KA head,
        general manager) need not be an accountant: the approval is the
        authorization, so the write-off is created and posted as the
        system."""
        self.ensure_one()
        invoice = self._short_payment_invoice()
        amount = min(self.amount, abs(invoice.amount_residual_signed))
        if self.currency_id.compare_amounts(amount, 0) <= 0:
            self.message_post(
                body=self.env._(
                    "%s is already paid: nothing is left to write off.",
                    invoice.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return
        writeoff = (
            self.env["key_account.writeoff.request"]
            .sudo()
            .create(self._prepare_short_payment_writeoff_vals(invoice, amount))
        )
        writeoff._post_writeoff()
        self._key_account_system_write({"writeoff_id": writeoff.id})
        self.message_post(
            body=self.env._(
                "Short payment of %(amount)s on %(invoice)s written off: %(writeoff)s.",
                amount=amount,
                invoice=invoice.name,
                writeoff=writeoff.name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _prepare_short_payment_writeoff_vals(self, invoice, amount):
        return {
            "state": "approved",
            "partner_id": invoice.commercial_partner_id.id,
            "invoice_ids": [Command.set(invoice.ids)],
            "amount": amount,
            "classification": "short_payment",
            "reason": self.justification,
            "requester_id": self.requester_id.id,
            "company_id": self.company_id.id,
            "exception_request_id": self.id,
        }
