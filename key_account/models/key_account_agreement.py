# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from .key_account_approval_mixin import TRANSITIONS
from .key_account_guard_mixin import system_write

STATES = [
    ("draft", "Draft"),
    ("submitted", "In Review"),
    ("approved", "Approved"),
    ("active", "Active"),
    ("expired", "Expired"),
    ("suspended", "Suspended"),
    ("terminated", "Terminated"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
# Files customer support adds to an approved or running agreement (R22, R23).
PAPER_FIELDS = {"requirement_form_ids", "customer_sealed_ids", "sealed_pdf_ids"}


class KeyAccountAgreement(models.Model):
    """The yearly agreement with a key account (SPEC R20-R26): the price
    system it sells at, its payment term, rebate and advance; reviewed by the
    KA head when it deviates, then by the customer-support supervisor;
    sealed, activated with the customer's requirement form, renewed."""

    _name = "key_account.agreement"
    _description = "Key-Account Agreement"
    _inherit = ["key_account.approval.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _key_account_sequence = "key_account.agreement"
    _key_account_user_fields = {
        "draft": (
            "partner_id",
            "user_id",
            "company_id",
            "date_start",
            "date_end",
            "pricelist_id",
            "floor_pricelist_id",
            "payment_term_id",
            "rebate_rate",
            "advance_percent",
            "performance_priced",
            "pricing_model",
            "performance_price",
            "test_volume",
            "test_conversions",
            "test_value",
            "test_data_ids",
            "clauses",
            "notes",
        ),
        # Customer support adds the paper to an approved or running
        # agreement; its terms never change (renew instead).
        "approved": ("notes", *PAPER_FIELDS),
        "active": ("notes", "result_ids", *PAPER_FIELDS),
        "*": ("notes",),
    }
    _key_account_transitions = dict(
        TRANSITIONS,
        action_cancel=(("draft", "submitted", "approved"), ("requester", "director")),
        action_request_exceptions=(("draft",), ("requester", "rep")),
        action_draft=(("rejected",), ("requester", "rep")),
        action_review_customer_copy=(("approved", "active"), ("contract_reviewer",)),
        action_record_company_seal=(("approved", "active"), ("contract_reviewer",)),
        action_sign=(("approved",), ("head", "office_manager")),
        action_activate=(("approved",), ("contract_reviewer",)),
        action_open_decision=(("active", "suspended"), ("contract_reviewer", "head")),
        action_renew=(
            ("approved", "active", "expired", "suspended"),
            ("requester", "rep", "director"),
        ),
        action_print=(None, ("reader",)),
    )

    # === FIELDS === #
    state = fields.Selection(
        STATES, default="draft", required=True, copy=False, tracking=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_company", "=", True)],
    )
    user_id = fields.Many2one(
        "res.users",
        string="Rep",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_start = fields.Date(
        string="Start", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(
        string="End",
        compute="_compute_date_end",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        tracking=True,
        help="By default the agreement runs for the months set in the "
        "settings (12) from its start, the day before excluded.",
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Agreement Prices",
        tracking=True,
        check_company=True,
        help="The prices agreed with the customer; its orders take them.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term", tracking=True, check_company=True
    )
    rebate_rate = fields.Float(
        string="Customer Rebate (%)",
        tracking=True,
        help="Share of each payment the customer earns back as a rebate. Above the "
        "rep's limit in the Authority Matrix, the payout needs the KA head or "
        "the general manager.",
    )
    advance_percent = fields.Float(
        string="Advance Payment (%)",
        default=0.0,
        tracking=True,
        help="Share of each order the customer pays before its goods are "
        "delivered; usually 0 % for key accounts, which buy on credit.",
    )
    clauses = fields.Text(
        string="Non-Standard Clauses",
        help="Anything beyond the company template: the KA head reviews it.",
    )
    notes = fields.Text(string="Internal Notes")
    status_cause = fields.Text(
        string="Cause",
        readonly=True,
        copy=False,
        help="Why it was suspended, resumed or terminated.",
    )
    previous_id = fields.Many2one(
        "key_account.agreement", string="Renews", readonly=True, copy=False, index=True
    )
    next_ids = fields.One2many("key_account.agreement", "previous_id", "Renewals")
    renewal_reminded = fields.Boolean(readonly=True, copy=False)
    result_ids = fields.One2many(
        "key_account.agreement.result", "agreement_id", string="Monthly Results"
    )
    order_ids = fields.One2many(
        "sale.order", "key_account_agreement_id", string="Orders"
    )

    # === COMPUTE METHODS === #
    @api.depends("partner_id")
    def _compute_user_id(self):
        for agreement in self:
            agreement.user_id = (
                agreement.partner_id.commercial_partner_id.user_id or self.env.user
            )

    @api.depends("date_start", "company_id")
    def _compute_date_end(self):
        for agreement in self:
            months = (
                agreement.company_id or self.env.company
            ).key_account_agreement_months
            agreement.date_end = agreement.date_start and (
                agreement.date_start + relativedelta(months=months or 12, days=-1)
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for agreement in self:
            if agreement.date_end < agreement.date_start:
                raise ValidationError(
                    self.env._("An agreement cannot end before it starts.")
                )

    @api.constrains("state", "partner_id", "date_start", "date_end")
    def _check_one_active(self):
        for agreement in self.filtered(lambda a: a.state == "active"):
            overlap = self.search_count(
                [
                    ("id", "!=", agreement.id),
                    ("state", "in", ("active", "suspended")),
                    ("company_id", "=", agreement.company_id.id),
                    (
                        "partner_id.commercial_partner_id",
                        "=",
                        agreement.partner_id.commercial_partner_id.id,
                    ),
                    ("date_start", "<=", agreement.date_end),
                    ("date_end", ">=", agreement.date_start),
                ],
                limit=1,
            )
            if overlap:
                raise ValidationError(
                    self.env._(
                        "%(partner)s already has a running agreement for these dates.",
                        partner=agreement.partner_id.display_name,
                    )
                )

    # === CRUD METHODS === #
    def _may_change(self, changed):
        """Customer support adds the requirement form and the sealed copies to
        an approved or running agreement; its terms never change."""
        if self.state == "active" and changed <= {"result_ids"}:
            return True  # results are checked by their own model
        return self.state in ("approved", "active") and changed <= PAPER_FIELDS

    def write(self, vals):
        """Paper once filed stays: past the draft, files are added to the
        agreement, never replaced or removed, and the customer's sealed copy
        is fixed once reviewed."""
        paper = PAPER_FIELDS & set(vals)
        before = {}
        if paper and not self._key_account_is_system():
            if "customer_sealed_ids" in vals and any(
                self.mapped("customer_copy_reviewed_by_id")
            ):
                raise UserError(
                    self.env._(
                        "The customer's sealed copy was reviewed: it no longer changes."
                    )
                )
            before = {
                (agreement, name): set(agreement[name].ids)
                for agreement in self.filtered(lambda a: a.state != "draft")
                for name in paper
            }
        res = super().write(vals)
        for (agreement, name), ids in before.items():
            if not ids <= set(agreement[name].ids):
                raise UserError(
                    self.env._(
                        "%(agreement)s: filed papers are kept; add a new file "
                        "instead of replacing or removing one.",
                        agreement=agreement.name,
                    )
                )
        return res

    def _key_account_locked_message(self):
        return self.env._(
            "Only draft agreements can change: renew the agreement to agree on "
            "new terms."
        )

    def _key_account_owner_ids(self):
        return self.requester_id | self.user_id

    # === ACTION METHODS === #
    def _submission_problems(self):
        self.ensure_one()
        problems = []
        if self.performance_priced:
            problems.extend(self._performance_problems())
        for finding in self._uncovered_deviations():
            problems.append(
                self.env._(
                    "Beyond the KA head's authority, an approved exception "
                    "request is needed first: %s",
                    finding["text"],
                )
            )
        return problems

    def action_draft(self):
        """A rejected agreement goes back to draft for the rep to revise; its
        reviews stay in the history."""
        for agreement in self:
            agreement._key_account_check_transition(
                "action_draft", self.env._("Only rejected agreements are revised.")
            )
            agreement.check_access("write")
            agreement.review_ids._key_account_archive()
            agreement._set_state("draft", reject_reason=False)
        return True

    def action_activate(self):
        """The agreement runs once signed and the customer's requirement
        form is in (R22, R23)."""
        self._check_reviewer()
        for agreement in self:
            agreement._key_account_check_transition(
                "action_activate", self.env._("Only approved agreements are activated.")
            )
            if not agreement.signed_by_id:
                raise UserError(
                    self.env._(
                        "%s is not signed yet: the KA head, or a clerk under "
                        "the KA head's authorization, signs it first.",
                        agreement.name,
                    )
                )
            if not agreement.requirement_form_ids:
                raise UserError(
                    self.env._(
                        "%s cannot be active without the customer requirement "
                        "form (签订合同客户需求申请单).",
                        agreement.name,
                    )
                )
            if agreement.date_end < fields.Date.context_today(self):
                raise UserError(self.env._("%s has already ended.", agreement.name))
            agreement._set_state("active")
        self._attach_quotations()
        return True

    def action_open_decision(self):
        """The dialog that suspends, resumes or terminates the agreement with
        its cause (R25): customer support suspends, the KA head decides."""
        self.ensure_one()
        user = self.env.user
        if self.state == "active":
            allowed = user.has_group(
                "key_account.group_key_account_contract_reviewer"
            ) or user.has_group("key_account.group_key_account_head")
        elif self.state == "suspended":
            allowed = user.has_group("key_account.group_key_account_head")
        else:
            raise UserError(
                self.env._("Only running or suspended agreements are decided on.")
            )
        if not allowed:
            raise AccessError(
                self.env._(
                    "Customer support suspends an agreement; the KA head resumes "
                    "or terminates it."
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_agreement_decision"
        )
        action["context"] = {
            "default_agreement_id": self.id,
            "default_decision": "suspend" if self.state == "active" else "resume",
        }
        return action

    def _suspend(self, cause):
        """Stop the agreement's orders until the KA head decides (R25)."""
        if not (cause or "").strip():
            raise UserError(self.env._("Give the cause."))
        if not self.env.su and not (
            self.env.user.has_group("key_account.group_key_account_contract_reviewer")
            or self.env.user.has_group("key_account.group_key_account_head")
        ):
            raise AccessError(
                self.env._("Only customer support or the KA head suspends it.")
            )
        for agreement in self:
            if agreement.state != "active":
                raise UserError(self.env._("Only active agreements are suspended."))
            agreement._set_state("suspended", status_cause=cause)
            agreement.message_post(
                body=self.env._("Suspended: %s", cause),
                subtype_xmlid="mail.mt_comment",
                partner_ids=agreement.user_id.partner_id.ids,
            )
        return True

    def _resume(self, cause):
        self._check_head()
        self._decide(("suspended",), "active", cause)
        self._attach_quotations()
        return True

    def _terminate(self, cause):
        self._check_head()
        self._decide(("suspended", "active"), "terminated", cause)
        return True

    def action_renew(self):
        """A new draft with the same terms, starting the day after this one
        ends, linked to it."""
        self.ensure_one()
        self._key_account_check_transition(
            "action_renew", self.env._("Only agreed agreements are renewed.")
        )
        self.check_access("read")
        user = self.env.user
        if user not in self.requester_id | self.user_id and not user.has_group(
            "key_account.group_key_account_director"
        ):
            raise AccessError(
                self.env._("Only the agreement's rep or a director renews it.")
            )
        start = self.date_end + relativedelta(days=1)
        with system_write():
            renewal = self._renewal_copy(start)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": renewal.id,
            "view_mode": "form",
        }

    def _renewal_copy(self, start):
        return self.copy(
            {
                "previous_id": self.id,
                "date_start": start,
                "date_end": start
                + relativedelta(
                    months=self.company_id.key_account_agreement_months or 12,
                    days=-1,
                ),
                "requester_id": self.env.uid,
            }
        )

    def action_print(self):
        return self.env.ref("key_account.action_report_agreement").report_action(self)

    # tier.validation hooks
    def _on_approved(self):
        self.message_post(
            body=self.env._("Agreement approved: it can be printed for sealing."),
            subtype_xmlid="mail.mt_comment",
            partner_ids=(self.user_id | self.requester_id).partner_id.ids,
        )

    # === BUSINESS METHODS === #
    def _check_reviewer(self):
        if not self.env.su and not self.env.user.has_group(
            "key_account.group_key_account_contract_reviewer"
        ):
            raise AccessError(
                self.env._("Only the customer-support supervisor does this.")
            )

    def _check_head(self):
        if not self.env.su and not self.env.user.has_group(
            "key_account.group_key_account_head"
        ):
            raise AccessError(self.env._("Only the KA head decides this."))

    def _decide(self, from_states, to_state, cause):
        if not (cause or "").strip():
            raise UserError(self.env._("Give the cause."))
        for agreement in self:
            if agreement.state not in from_states:
                raise UserError(
                    self.env._("%s is not in a state for this.", agreement.name)
                )
            agreement._set_state(to_state, status_cause=cause)
            agreement.message_post(
                body=self.env._(
                    "%(state)s by %(user)s: %(cause)s",
                    state=self._fields["state"].convert_to_export(to_state, self),
                    user=self.env.user.name,
                    cause=cause,
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=agreement.user_id.partner_id.ids,
            )

    def _attach_quotations(self):
        """Quotations of the customer made while it had no running agreement
        (none yet, or only an expired one) take this one as soon as it runs,
        so they are not refused only at confirmation (SPEC R24). Their
        approval restarts: prices, terms and rebate may change with it.

        As superuser: the reviewer activating the agreement may not write
        the rep's quotations; the activation is the decision."""
        today = fields.Date.context_today(self)
        for agreement in self.filtered(lambda a: a._is_usable(today)):
            quotations = (
                self.env["sale.order"]
                .sudo()
                .search(
                    [
                        ("state", "in", ("draft", "sent")),
                        ("company_id", "=", agreement.company_id.id),
                        (
                            "partner_id.commercial_partner_id",
                            "=",
                            agreement.partner_id.commercial_partner_id.id,
                        ),
                        "|",
                        ("key_account_agreement_id", "=", False),
                        ("key_account_agreement_id.state", "=", "expired"),
                    ]
                )
            )
            if quotations:
                quotations.write({"key_account_agreement_id": agreement.id})

    def _is_usable(self, date=None):
        """Whether orders may be confirmed on the agreement on ``date``."""
        self.ensure_one()
        date = date or fields.Date.context_today(self)
        return self.state == "active" and self.date_start <= date <= self.date_end

    @api.model
    def _key_account_current(self, partners, company, date=None):
        """{commercial partner: its running agreement on ``date``}, one search."""
        date = date or fields.Date.context_today(self)
        # Orders of a rep may read the agreement their customer runs on.
        agreements = self.sudo().search(
            [
                ("state", "=", "active"),
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("date_start", "<=", date),
                ("date_end", ">=", date),
            ],
            order="date_start desc",
        )
        result = {}
        for agreement in agreements:
            result.setdefault(agreement.partner_id.commercial_partner_id, agreement)
        return {partner: agreement.sudo(False) for partner, agreement in result.items()}

    def _customer_term(self):
        """The payment term the customer has without the agreement."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        return (
            partner.property_payment_term_id
            or partner.key_account_tier_id.payment_term_id
        )

    # Crons
    @api.model
    def _cron_key_account_agreements(self, batch_size=500):
        """Daily: agreements past their end expire; the rep of an agreement
        ending within the company's notice gets a renewal activity. One batch
        of each per call; the cron runner calls again while
        ``_notify_progress`` reports some left."""
        today = fields.Date.context_today(self)
        ended = [("state", "in", ("active", "suspended")), ("date_end", "<", today)]
        expired = self.search(ended, limit=batch_size)
        for agreement in expired:
            agreement._set_state("expired")
        ending = [
            ("state", "=", "active"),
            ("renewal_reminded", "=", False),
            ("date_end", ">=", today),
        ] + expression.OR(
            [
                [
                    ("company_id", "=", company.id),
                    (
                        "date_end",
                        "<=",
                        today
                        + relativedelta(days=company.key_account_agreement_notice_days),
                    ),
                ]
                for company in self.env["res.company"].sudo().search([])
            ]
        )
        due = self.search(ending, limit=batch_size)
        activity_type = self.env.ref("key_account.mail_activity_key_account_renewal")
        for agreement in due:
            agreement.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=agreement.date_end,
                user_id=agreement.user_id.id,
                note=self.env._(
                    "%(name)s ends on %(date)s: renew it with the customer.",
                    name=agreement.name,
                    date=agreement.date_end,
                ),
            )
        due._key_account_system_write({"renewal_reminded": True})
        self.env["ir.cron"]._notify_progress(
            done=len(expired) + len(due),
            remaining=self.search_count(ended) + self.search_count(ending),
        )
