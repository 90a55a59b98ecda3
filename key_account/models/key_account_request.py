# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import clean_context, format_date

from ..tools import BANDS, add_working_days, amount_band, missing_items
from .key_account_approval_mixin import REQUEST_STATES, TRANSITIONS
from .key_account_document_type import REQUEST_KINDS
from .key_account_guard_mixin import system_write

# What a requester writes on a draft request; past the draft, nothing.
DRAFT_FIELDS = (
    "kind",
    "partner_id",
    "company_id",
    "expected_amount",
    "funds_tie_up",
    "tier_id",
    "rep_id",
    "executive_id",
    "credit_level_id",
    "credit_limit",
    "payment_term_id",
    "warehouse_id",
    "evaluation",
    "reason",
    "document_ids",
    "principal_id",
    "contact_ids",
)
# What the reviewer whose turn it is sets on a submitted designation: the
# approver chooses the tier (SPEC R5).
REVIEWER_FIELDS = ("tier_id",)
TIER_MOVES = [
    ("new", "First Tier"),
    ("up", "Upgrade"),
    ("down", "Downgrade"),
    ("same", "Same Tier"),
]


class KeyAccountRequest(models.Model):
    _name = "key_account.request"
    _description = "Key Account Request"
    _inherit = ["key_account.approval.mixin"]
    _order = "id desc"
    _key_account_sequence = "key_account.request"
    _key_account_user_fields = {"draft": DRAFT_FIELDS}
    _key_account_transitions = dict(
        TRANSITIONS,
        action_resubmit=(("rejected", "cancelled"), ("requester", "rep", "director")),
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
    kind = fields.Selection(
        REQUEST_KINDS, required=True, default="designation", tracking=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # Proposed values
    tier_id = fields.Many2one(
        "key_account.tier",
        string="Proposed Tier",
        check_company=True,
        tracking=True,
        help="Key-account class the customer gets on approval: it gives the "
        "default credit limit, payment term and advance payment, the visit "
        "frequency, the satisfaction survey interval and the compensation "
        "limits. On a designation the approver whose turn it is may choose "
        "another tier before approving.",
    )
    suggested_tier_id = fields.Many2one(
        "key_account.tier",
        compute="_compute_suggested_tier_id",
        help="The tier whose minimum annual amount the expected contract "
        "amount reaches (Configuration > Tiers).",
    )
    previous_tier_id = fields.Many2one(
        "key_account.tier",
        string="Tier When Submitted",
        readonly=True,
        copy=False,
        help="The customer's tier when the request was submitted.",
    )
    tier_move = fields.Selection(
        TIER_MOVES,
        compute="_compute_tier_move",
        store=True,
        help="Upgrade: approved along the amount bands like a designation. "
        "Downgrade: the KA head decides alone.",
    )
    follows_bands = fields.Boolean(
        string="Follows the Amount Bands",
        compute="_compute_tier_move",
        store=True,
        help="Designations and upgrades are approved along the amount bands "
        "of the expected contract amount; downgrades, credit changes and "
        "revocations by the KA head alone.",
    )
    principal_id = fields.Many2one(
        "res.partner",
        tracking=True,
        help="The customer's principal or decision maker, a contact of the "
        "customer with a phone number or e-mail address. On approval the "
        "customer file names this person as its decision maker.",
    )
    contact_ids = fields.Many2many(
        "res.partner",
        "key_account_request_contact_rel",
        "request_id",
        "partner_id",
        string="Other Contacts",
        help="Other people of the customer the key-account team deals with.",
    )
    rep_id = fields.Many2one(
        "res.users",
        tracking=True,
        default=lambda self: self.env.user,
    )
    executive_id = fields.Many2one(
        "res.users", string="Account Executive", tracking=True
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Key-Account Warehouse", check_company=True
    )
    credit_level_id = fields.Many2one(
        "key_account.credit.level",
        tracking=True,
        help="How far the company trusts the customer to pay; a level on hold "
        "stops its orders from being confirmed.",
    )
    credit_limit = fields.Monetary(tracking=True)
    payment_term_id = fields.Many2one("account.payment.term", tracking=True)
    expected_amount = fields.Monetary(
        string="Expected Contract Amount",
        tracking=True,
        help="Yearly contract amount in company currency; selects the approval band.",
    )
    funds_tie_up = fields.Selection(
        [
            ("credit_terms", "Credit Terms"),
            ("held_stock", "Stock Held for the Customer"),
            ("both", "Credit Terms and Held Stock"),
        ],
        string="Funds Tied Up",
        help="How the business ties up company funds (required to designate).",
    )
    evaluation = fields.Text(string="Office Evaluation")
    reason = fields.Text(tracking=True)
    document_ids = fields.One2many(
        "key_account.request.document", "request_id", string="Documents"
    )
    checklist_type_ids = fields.Many2many(
        "key_account.document.type",
        string="Documents to Provide",
        compute="_compute_checklist_type_ids",
        help="The documents this kind of request asks for. The checklist to "
        "attach them to appears once the request is saved.",
    )
    previous_request_id = fields.Many2one(
        "key_account.request", string="Resubmission Of", readonly=True, copy=False
    )
    # Computed
    amount_band = fields.Selection(
        BANDS,
        string="Approval Band",
        help="Set by the expected contract amount against the band thresholds "
        "in the Key Accounts settings; it selects the approval steps of the "
        "request.",
        compute="_compute_amount_band",
        store=True,
        index=True,
    )
    office_manager_id = fields.Many2one(
        "res.users",
        compute="_compute_office_manager_id",
        store=True,
        help="Leader of the rep's sales team: signs band-1 requests.",
    )
    partner_has_invoices = fields.Boolean(compute="_compute_partner_history")
    amount_owed = fields.Monetary(compute="_compute_partner_history")
    past_business = fields.Monetary(
        compute="_compute_partner_history", string="Invoiced (All Time)"
    )
    current_tier_id = fields.Many2one(
        related="partner_id.key_account_tier_id", string="Current Tier"
    )
    current_credit_level_id = fields.Many2one(
        related="partner_id.key_account_credit_level_id", string="Current Credit Level"
    )

    @api.depends("expected_amount", "company_id")
    def _compute_amount_band(self):
        for request in self:
            company = request.company_id or self.env.company
            band = amount_band(
                max(request.expected_amount, 0.0),
                company._key_account_band_thresholds(),
            )
            request.amount_band = str(band)

    @api.depends("expected_amount", "company_id")
    def _compute_suggested_tier_id(self):
        Tier = self.env["key_account.tier"]
        for request in self:
            request.suggested_tier_id = Tier._suggest_for_amount(
                request.expected_amount, request.company_id or self.env.company
            )

    @api.depends(
        "kind",
        "state",
        "tier_id",
        "previous_tier_id",
        "partner_id.key_account_tier_id",
    )
    def _compute_tier_move(self):
        for request in self:
            move = False
            if request.kind == "tier_change":
                current = (
                    request.partner_id.key_account_tier_id
                    if request.state == "draft"
                    else request.previous_tier_id
                )
                move = request.tier_id._move_from(current) or False
            request.tier_move = move
            request.follows_bands = request.kind == "designation" or (
                request.kind == "tier_change" and move != "down"
            )

    @api.depends("kind", "company_id")
    def _compute_checklist_type_ids(self):
        # Shown before the first save without creating checklist lines: lines
        # made in the form would make an untouched new request worth saving.
        types = self._checklist_types()
        for request in self:
            request.checklist_type_ids = types.filtered(
                lambda t, r=request: r._wants_document_type(t)
            )

    @api.depends("rep_id.sale_team_id.user_id")
    def _compute_office_manager_id(self):
        for request in self:
            request.office_manager_id = request.rep_id._key_account_office_manager()

    @api.depends("partner_id", "company_id")
    def _compute_partner_history(self):
        # Totals only, for the request file, read as superuser: the requester
        # may not read every invoice of a customer that is not yet theirs.
        domain = [
            ("commercial_partner_id", "in", self.partner_id.commercial_partner_id.ids)
        ]
        totals = {
            (partner.id, company.id): (count, signed, residual)
            for partner, company, count, signed, residual in self.env["account.move"]
            .sudo()
            ._read_group(
                domain + self._customer_invoice_domain(),
                groupby=["commercial_partner_id", "company_id"],
                aggregates=[
                    "__count",
                    "amount_total_signed:sum",
                    "amount_residual_signed:sum",
                ],
            )
        }
        for request in self:
            key = (
                request.partner_id.commercial_partner_id.id,
                (request.company_id or self.env.company).id,
            )
            count, signed, residual = totals.get(key, (0, 0.0, 0.0))
            request.partner_has_invoices = bool(count)
            request.past_business = signed or 0.0
            request.amount_owed = residual or 0.0

    @api.model
    def _customer_invoice_domain(self):
        """Posted customer invoices and credit notes."""
        return [
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
        ]

    # === CONSTRAINT METHODS === #
    @api.constrains("rep_id", "executive_id", "kind")
    def _check_active_reps(self):
        """The rep and account executive a designation gives the customer are
        active reps (SPEC R44): said on the request, before anyone approves
        it."""
        Partner = self.env["res.partner"]
        for request in self.filtered(lambda r: r.kind == "designation"):
            for user, role in (
                (request.rep_id, self.env._("rep")),
                (request.executive_id, self.env._("account executive")),
            ):
                Partner._key_account_check_active_rep(
                    user, role, request.partner_id.display_name or ""
                )

    # === ONCHANGE METHODS === #
    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        partner = self.partner_id
        if not partner:
            return
        self.rep_id = partner.user_id or self.rep_id
        self.executive_id = partner.key_account_executive_id
        self.warehouse_id = partner.key_account_warehouse_id
        self.credit_level_id = partner.key_account_credit_level_id
        self.payment_term_id = partner.property_payment_term_id
        self.credit_limit = partner.key_account_credit_limit
        if partner.key_account_tier_id:
            self.tier_id = partner.key_account_tier_id
        self.principal_id = partner.key_account_decision_maker_id

    @api.onchange("expected_amount")
    def _onchange_expected_amount(self):
        """A designation proposes the suggested tier once an amount is
        given; the rep and the approver may choose another."""
        if self.kind == "designation" and self.expected_amount > 0:
            self.tier_id = self.suggested_tier_id or self.tier_id

    @api.onchange("tier_id")
    def _onchange_tier_id(self):
        if self.tier_id and self.kind == "designation":
            self.credit_limit = self.credit_limit or self.tier_id.credit_limit
            self.payment_term_id = self.payment_term_id or self.tier_id.payment_term_id

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        requests._sync_document_lines()
        return requests

    def write(self, vals):
        res = super().write(vals)
        if "kind" in vals or "partner_id" in vals:
            self._sync_document_lines()
        return res

    def _key_account_check_write(self, vals):
        """The reviewer whose turn it is chooses the tier of a submitted
        designation (SPEC R5); everything else as the guard declares."""
        if set(vals) <= set(REVIEWER_FIELDS) and self._key_account_reviewer_turn():
            return
        return super()._key_account_check_write(vals)

    # === ACTION METHODS === #
    def action_resubmit(self):
        """Copy a rejected or cancelled request into a new draft."""
        self.ensure_one()
        self._key_account_check_transition(
            "action_resubmit",
            self.env._("Only rejected or cancelled requests can be resubmitted."),
        )
        self.check_access("write")
        user = self.env.user
        if user not in self.requester_id | self.rep_id and not user.has_group(
            "key_account.group_key_account_director"
        ):
            raise AccessError(
                self.env._("Only the requester, the rep or a director resubmits it.")
            )
        with system_write():
            new = self.copy(
                {
                    "previous_request_id": self.id,
                    "requester_id": self.env.uid,
                }
            )
        new.document_ids._copy_files_from(self.document_ids)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
        }

    # tier.validation hooks
    def _key_account_owner_ids(self):
        return self.requester_id | self.rep_id

    @api.model
    def _get_under_validation_exceptions(self):
        """The approver chooses the tier during the review (the guard lets
        only the reviewer whose turn it is, on a designation)."""
        return super()._get_under_validation_exceptions() + list(REVIEWER_FIELDS)

    # === BUSINESS METHODS === #
    def _key_account_reviewer_turn(self):
        """Whether the current user is a reviewer whose turn it is on each
        of these submitted designations."""
        user = self.env.user
        return bool(self) and all(
            request.kind == "designation"
            and request.state == "submitted"
            and request.sudo().review_ids.filtered(
                lambda r: r.status == "pending" and user in r.reviewer_ids
            )
            for request in self
        )

    def _check_owner_or_director(self):
        self.ensure_one()
        if self.env.uid not in (self.requester_id.id, self.rep_id.id) and not (
            self.env["res.partner"]._key_account_is_director()
        ):
            raise AccessError(
                self.env._("Only the requester or a director can do this.")
            )

    # approval hooks (key_account.approval.mixin)
    def _check_submitter(self):
        self._check_owner_or_director()

    def _check_canceller(self):
        self._check_owner_or_director()

    def _submission_error(self, problems):
        return self.env._(
            "%(request)s cannot be submitted:\n- %(problems)s",
            request=self.name,
            problems="\n- ".join(problems),
        )

    def _before_submit(self):
        if self.kind == "designation":
            self.partner_id._key_account_mark_requested()
        # The route is chosen on the tier the customer has now; the request
        # keeps it for its history.
        self._key_account_system_write(
            {"previous_tier_id": self.partner_id.key_account_tier_id.id}
        )

    def _after_submit(self):
        self.message_post(
            body=self.env._("Submitted for approval."), subtype_xmlid="mail.mt_note"
        )

    def _on_rejected(self):
        self._restore_partner_state()

    def _on_cancelled(self):
        self._restore_partner_state()

    def _submission_problems(self):
        """Human-readable reasons why this request cannot be submitted."""
        self.ensure_one()
        problems = []
        partner = self.partner_id
        required = self.document_ids.filtered("required")
        missing = missing_items(
            [line.document_type_id.name for line in required],
            [line.document_type_id.name for line in required if line.provided],
        )
        if missing:
            problems.append(self.env._("Missing documents: %s", ", ".join(missing)))
        if self.kind == "designation":
            if partner.is_key_account or partner.key_account_state == "requested":
                problems.append(
                    self.env._(
                        "%s is already a key account or under request.",
                        partner.display_name,
                    )
                )
            problems += self._eligibility_problems()
            problems += self._contact_problems()
        elif not partner.is_key_account:
            problems.append(
                self.env._("%s is not a key account.", partner.display_name)
            )
        if self.kind in ("designation", "tier_change") and not self.tier_id:
            problems.append(self.env._("Choose the proposed tier."))
        if (
            self.kind == "tier_change"
            and self.tier_id
            and self.tier_id == partner.key_account_tier_id
        ):
            problems.append(
                self.env._(
                    "%(customer)s already has the tier %(tier)s.",
                    customer=partner.display_name,
                    tier=self.tier_id.name,
                )
            )
        if self.kind != "designation" and not (self.reason or "").strip():
            problems.append(self.env._("Give the reason for the change."))
        if self.credit_limit < 0 or self.expected_amount < 0:
            problems.append(self.env._("Amounts cannot be negative."))
        return problems

    def _eligibility_problems(self):
        """SPEC R1: funds tied up, credit level, nothing long overdue."""
        self.ensure_one()
        problems = []
        company = self.company_id
        if not self.funds_tie_up:
            problems.append(
                self.env._(
                    "Say how the business ties up company funds (credit terms "
                    "or stock held for the customer)."
                )
            )
        minimum = company.key_account_min_credit_level_id
        if not self.credit_level_id:
            problems.append(self.env._("Choose the customer's credit level."))
        elif not self.credit_level_id._meets(minimum):
            problems.append(
                self.env._(
                    "Credit level %(level)s is below the minimum %(minimum)s.",
                    level=self.credit_level_id.name,
                    minimum=minimum.name,
                )
            )
        overdue = self._overdue_invoices()
        if overdue:
            problems.append(
                self.env._(
                    "Receivables more than %(months)s months overdue: %(invoices)s",
                    months=company.key_account_overdue_months,
                    invoices=", ".join(overdue.mapped("name")),
                )
            )
        return problems

    def _contact_problems(self):
        """The principal and the other contacts are people of the customer;
        the principal can be reached (SPEC R2)."""
        self.ensure_one()
        problems = []
        customer = self.partner_id.commercial_partner_id
        principal = self.principal_id
        if not principal:
            problems.append(
                self.env._(
                    "Name the customer's principal (decision maker) among its contacts."
                )
            )
        elif not (principal.phone or principal.mobile or principal.email):
            problems.append(
                self.env._(
                    "Give a phone number or e-mail address of the principal %s.",
                    principal.name,
                )
            )
        strangers = (principal | self.contact_ids).filtered(
            lambda c: c == customer or c.commercial_partner_id != customer
        )
        if strangers:
            problems.append(
                self.env._(
                    "%(contacts)s: not contacts of %(customer)s.",
                    contacts=", ".join(strangers.mapped("display_name")),
                    customer=customer.display_name,
                )
            )
        return problems

    def _overdue_invoices(self):
        """Open invoices more than N months overdue."""
        self.ensure_one()
        return self.partner_id._key_account_overdue_invoices(
            self.company_id, self.company_id.key_account_overdue_months
        )

    def _checklist_types(self):
        """Active document types of the requests' kinds."""
        return self.env["key_account.document.type"].search(
            [("request_kind", "in", self.mapped("kind"))]
        )

    def _wants_document_type(self, doc_type):
        """Whether this request's checklist lists ``doc_type``."""
        self.ensure_one()
        company = self.company_id or self.env.company
        return doc_type.request_kind == self.kind and (
            not doc_type.company_id or doc_type.company_id == company
        )

    def _sync_document_lines(self):
        """Create the checklist lines of the request's kind (draft only)."""
        types = self._checklist_types()
        for request in self.filtered(lambda r: r.state == "draft"):
            wanted = types.filtered(request._wants_document_type)
            stale = request.document_ids.filtered(
                lambda line, w=wanted: line.document_type_id not in w
            )
            stale.unlink()
            have = request.document_ids.document_type_id
            request.document_ids = [
                fields.Command.create({"document_type_id": doc_type.id})
                for doc_type in wanted - have
            ]
            request.document_ids._compute_required()

    def _restore_partner_state(self):
        for request in self.filtered(lambda r: r.kind == "designation"):
            partner = request.partner_id
            if partner.key_account_state == "requested":
                partner._key_account_unmark_requested()

    def _partner_values(self):
        """Values the approved request writes on the customer."""
        self.ensure_one()
        vals = {}
        if self.kind == "designation":
            vals.update(
                key_account_state="key_account",
                key_account_since=fields.Date.context_today(self),
                user_id=self.rep_id.id,
                key_account_executive_id=self.executive_id.id,
                key_account_warehouse_id=self.warehouse_id.id,
            )
            if not self.partner_id.key_account_file_number:
                vals["key_account_file_number"] = self.env["ir.sequence"].next_by_code(
                    "key_account.file"
                )
            if self.principal_id:
                vals["key_account_decision_maker_id"] = self.principal_id.id
        if self.kind == "suspension":
            # A revocation ends the status; only key accounts have a tier.
            vals.update(key_account_state="suspended", key_account_tier_id=False)
        if self.kind in ("designation", "tier_change") and self.tier_id:
            vals["key_account_tier_id"] = self.tier_id.id
            vals["key_account_performance_priced"] = (
                self.tier_id.compensation_class == "performance"
            )
        if self.kind in ("designation", "credit_change", "tier_change"):
            if self.credit_level_id:
                vals["key_account_credit_level_id"] = self.credit_level_id.id
            if self.payment_term_id:
                vals["property_payment_term_id"] = self.payment_term_id.id
            if self.credit_limit or self.kind != "tier_change":
                vals["credit_limit"] = self.credit_limit
        return vals

    def _on_approved(self):
        """Apply the approved request to the customer (R3, R6, R8)."""
        self.ensure_one()
        partner = self.partner_id.with_company(self.company_id)
        # The approval itself is the authority to change the guarded fields:
        # the approver may lack write access to a customer of another team.
        partner.sudo().write(self._partner_values())
        self.message_post(
            body=self.env._("Approved and applied to %s.", partner.display_name),
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.requester_id.partner_id.ids,
        )
        partner.sudo().message_post(
            body=self.env._(
                "%(kind)s %(request)s approved.",
                kind=self._fields["kind"].convert_to_export(self.kind, self),
                request=self.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        if self.kind == "designation":
            self._schedule_post_approval_report()
        if self.kind == "credit_change":
            self._notify_credit_change()

    def _notify_credit_change(self):
        """Tell the customer of its approved credit change (R8), from the
        company's template in the customer's language; the message stays
        in the request's history. A customer without an e-mail address is
        told another way: a note on the request says so."""
        self.ensure_one()
        template = self.env.ref(
            "key_account.mail_template_credit_change", raise_if_not_found=False
        )
        customer = self.partner_id.sudo()
        if not template:
            return
        if not customer.email:
            self.message_post(
                body=self.env._(
                    "%s has no e-mail address: the credit change notice was not "
                    "sent. Tell the customer another way.",
                    customer.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return
        # The company's notice (its sender is the template's), without the
        # approval dialog's context (its defaults are the review's).
        with system_write():
            self.with_context(clean_context(self.env.context)).message_post_with_source(
                template,
                email_layout_xmlid="mail.mail_notification_light",
                subtype_xmlid="mail.mt_comment",
            )

    def _schedule_post_approval_report(self):
        """R4: the rep reports stock and owed goods within N working days."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        deadline = add_working_days(today, self.company_id.key_account_report_days)
        self.partner_id.sudo().activity_schedule(
            "key_account.mail_activity_key_account_report",
            date_deadline=deadline,
            user_id=(self.rep_id or self.requester_id).id,
            note=self.env._(
                "Confirm the contacts and report the office's stock for this "
                "customer and the goods owed to it (deadline %s).",
                format_date(self.env, deadline),
            ),
        )

    def _key_account_locked_message(self):
        return self.env._(
            "Only draft requests can be changed. Cancel this one and create a new "
            "request instead."
        )
