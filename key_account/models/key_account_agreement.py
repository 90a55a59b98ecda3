# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import format_date

from ..tools import highest_level, percent_below
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
PRICING_MODELS = [
    ("cpm", "CPM (Cost per Thousand)"),
    ("cps", "CPS (Cost per Sale)"),
    ("cpa", "CPA (Cost per Action)"),
]
# Files customer support adds to an approved or running agreement (R22, R23).
PAPER_FIELDS = {"requirement_form_ids", "customer_sealed_ids", "sealed_pdf_ids"}
# Exception types a deviation beyond the KA head's authority is requested as.
MATRIX_TYPES = ("payment_term", "rebate", "price_floor")


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
    _key_account_cancellable = ("draft", "submitted", "approved")
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
    floor_pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Price System (Floor)",
        compute="_compute_floor_pricelist_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        check_company=True,
        help="Settlement floor prices the agreement's prices are compared with.",
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
    performance_priced = fields.Boolean(
        string="Performance-Priced", tracking=True, help="CPM, CPS or CPA deal."
    )
    pricing_model = fields.Selection(PRICING_MODELS, tracking=True)
    performance_price = fields.Float(
        string="Unit Price",
        tracking=True,
        digits="Product Price",
        help="Price per sale (CPS), per action (CPA) or per thousand (CPM) "
        "agreed with the customer.",
    )
    test_volume = fields.Float(
        tracking=True,
        help="Sends (impressions) of the test campaign.",
    )
    test_conversions = fields.Float(
        string="Test Sales or Actions",
        tracking=True,
        help="Sales (CPS) or actions (CPA) the test campaign brought.",
    )
    test_value = fields.Float(
        string="Test CPM",
        compute="_compute_test_value",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        digits="Product Price",
        help="Price per thousand sends the test data gives: the unit price for "
        "a CPM deal; unit price x sales or actions / sends x 1,000 for CPS and "
        "CPA. It must fit the price system's CPM; the monthly actual results "
        "are compared with it, too large a deviation suspends the agreement.",
    )
    test_data_ids = fields.Many2many(
        "ir.attachment",
        "key_account_agreement_test_data_rel",
        "agreement_id",
        "attachment_id",
    )
    clauses = fields.Text(
        string="Non-Standard Clauses",
        help="Anything beyond the company template: the KA head reviews it.",
    )
    notes = fields.Text(string="Internal Notes")
    deviation_note = fields.Text(
        string="Deviations",
        compute="_compute_deviations",
        help="What departs from the price system and the customer's defaults.",
    )
    has_deviation = fields.Boolean(
        string="Deviates",
        compute="_compute_deviations",
        search="_search_has_deviation",
    )
    deviation_level = fields.Selection(
        [("rep", "Rep"), ("director", "KA Head"), ("manager", "General Manager")],
        string="Authority Needed",
        compute="_compute_deviations",
    )
    requirement_form_ids = fields.Many2many(
        "ir.attachment",
        "key_account_agreement_requirement_rel",
        "agreement_id",
        "attachment_id",
        string="Customer Requirement Form",
        copy=False,
        help="签订合同客户需求申请单: required before the agreement is active.",
    )
    customer_sealed_ids = fields.Many2many(
        "ir.attachment",
        "key_account_agreement_customer_sealed_rel",
        "agreement_id",
        "attachment_id",
        string="Copy Sealed by the Customer",
        copy=False,
    )
    signed_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True
    )
    signed_date = fields.Date(string="Signed On", readonly=True, copy=False)
    signing_authorization_id = fields.Many2one(
        "key_account.signing.authorization",
        string="Signed Under",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The KA head's written authorization the clerk signed under.",
    )
    signable_by_ids = fields.Many2many(
        "res.users",
        compute="_compute_signable_by_ids",
        search="_search_signable_by_ids",
        string="Clerks Authorized to Sign",
        help="Clerks whose running signing authorizations cover this approved "
        "agreement's customer: they read it to sign it (record rule).",
    )
    customer_copy_reviewed_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False
    )
    sealed_pdf_ids = fields.Many2many(
        "ir.attachment",
        "key_account_agreement_sealed_rel",
        "agreement_id",
        "attachment_id",
        string="Sealed Agreement",
        copy=False,
    )
    company_sealed = fields.Boolean(readonly=True, copy=False, tracking=True)
    company_sealed_by_id = fields.Many2one(
        "res.users", string="Seal Recorded By", readonly=True, copy=False
    )
    company_sealed_date = fields.Date(string="Sealed On", readonly=True, copy=False)
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

    @api.depends(
        "performance_priced",
        "pricing_model",
        "performance_price",
        "test_volume",
        "test_conversions",
    )
    def _compute_test_value(self):
        """The CPM the test data gives (SPEC R25); entered by hand when the
        unit price is not given."""
        for agreement in self:
            price = agreement.performance_price
            if not (agreement.performance_priced and price):
                agreement.test_value = agreement.test_value
            elif agreement.pricing_model == "cpm":
                agreement.test_value = price
            elif agreement.test_volume:
                agreement.test_value = (
                    price * agreement.test_conversions / agreement.test_volume * 1000
                )
            else:
                agreement.test_value = agreement.test_value

    @api.depends("state", "partner_id", "company_id")
    def _compute_signable_by_ids(self):
        today = fields.Date.context_today(self)
        running = (
            self.env["key_account.signing.authorization"]
            .sudo()
            .search(
                [
                    ("state", "=", "granted"),
                    ("date_from", "<=", today),
                    ("date_to", ">=", today),
                ]
            )
        )
        for agreement in self:
            partner = agreement.partner_id.commercial_partner_id
            agreement.signable_by_ids = (
                running.filtered(
                    lambda a, ag=agreement, p=partner: (
                        a.company_id == ag.company_id
                        and (not a.partner_ids or p in a.partner_ids)
                    )
                ).user_id
                if agreement.state == "approved"
                else False
            )

    def _search_signable_by_ids(self, operator, value):
        """Approved agreements the running signing authorizations of the
        users ``value`` cover: the clerk reads them to sign them."""
        if operator not in ("in", "=") or not value:
            raise UserError(self.env._("Unsupported search on the signing clerks."))
        ids = value if isinstance(value, (list, tuple)) else [value]
        Authorization = self.env["key_account.signing.authorization"]
        today = fields.Date.context_today(self)
        return expression.AND(
            [
                [("state", "=", "approved")],
                expression.OR(
                    [
                        Authorization._signable_partner_domain(user, today)
                        for user in self.env["res.users"].browse(ids)
                    ]
                ),
            ]
        )

    @api.depends("company_id")
    def _compute_floor_pricelist_id(self):
        for agreement in self:
            if not agreement.floor_pricelist_id:
                agreement.floor_pricelist_id = (
                    agreement.company_id or self.env.company
                ).key_account_floor_pricelist_id

    @api.depends_context("lang")
    @api.depends(
        "partner_id",
        "payment_term_id",
        "rebate_rate",
        "advance_percent",
        "clauses",
        "pricelist_id",
        "floor_pricelist_id",
        "date_start",
        "performance_priced",
        "test_value",
        "company_id.key_account_cpm_product_id",
    )
    def _compute_deviations(self):
        for agreement in self:
            findings = agreement._deviations()
            agreement.deviation_note = "\n".join(f["text"] for f in findings) or False
            agreement.has_deviation = bool(findings)
            agreement.deviation_level = highest_level([f["level"] for f in findings])

    def _search_has_deviation(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on deviations."))
        positive = (operator == "=") == value
        ids = self.search([]).filtered("has_deviation").ids
        return [("id", "in" if positive else "not in", ids)]

    # === CONSTRAINT METHODS === #
    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for agreement in self:
            if agreement.date_end < agreement.date_start:
                raise ValidationError(
                    self.env._("An agreement cannot end before it starts.")
                )

    @api.constrains("rebate_rate", "advance_percent", "test_value")
    def _check_percents(self):
        for agreement in self:
            if not (0 <= agreement.rebate_rate < 100) or not (
                0 <= agreement.advance_percent <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "Rebate and advance payment are percentages between 0 and 100."
                    )
                )
            if (
                min(
                    agreement.test_value,
                    agreement.performance_price,
                    agreement.test_volume,
                    agreement.test_conversions,
                )
                < 0
                or agreement.test_conversions > agreement.test_volume
            ):
                raise ValidationError(
                    self.env._(
                        "Test data and unit price cannot be negative, and a "
                        "test brings no more sales or actions than sends."
                    )
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

    def _performance_problems(self):
        """What a performance-priced agreement lacks before review (SPEC
        R25): its model, the test data file customer support reviews, the
        CPM derived from it and a price system to hold it against."""
        self.ensure_one()
        problems = []
        if not self.pricing_model:
            problems.append(self.env._("Choose the pricing model (CPM, CPS or CPA)."))
        if not self.test_data_ids:
            problems.append(
                self.env._(
                    "Attach the test data of the campaign: customer support "
                    "reviews it with the agreement."
                )
            )
        if not self.test_value:
            problems.append(
                self.env._(
                    "Give the CPM the test data gives (or the unit price and "
                    "the test volume and results it is derived from)."
                )
            )
        if not self._price_system_cpm():
            problems.append(
                self.env._(
                    "The price system gives no CPM to check the test CPM "
                    "against: set the CPM product in the settings and its "
                    "price in the price system."
                )
            )
        return problems

    def _price_system_cpm(self):
        """The price per thousand sends in the agreement's price system (its
        floor price list, the settings' CPM product), in company currency;
        0.0 without one."""
        self.ensure_one()
        company = self.company_id or self.env.company
        product = company.key_account_cpm_product_id
        floor = self.floor_pricelist_id
        if not (product and floor):
            return 0.0
        date = self.date_start or fields.Date.context_today(self)
        price = floor._get_product_price(product, 1.0, date=date)
        return floor.currency_id._convert(price, company.currency_id, company, date)

    def action_request_exceptions(self):
        """Draft exception requests for the deviations beyond the KA head's
        authority not covered yet; the rep completes and submits them."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("Only a draft agreement asks for exceptions."))
        Exception = self.env["key_account.exception.request"]
        requests = Exception
        for finding in self._uncovered_deviations():
            pending = Exception.search(
                [
                    ("document_model", "=", self._name),
                    ("document_id", "=", self.id),
                    ("exception_type", "=", finding["type"]),
                    ("state", "in", ("draft", "submitted")),
                ],
                limit=1,
            )
            requests |= pending or Exception._request_for(
                self,
                finding["type"],
                finding["value"],
                partner_id=self.partner_id.commercial_partner_id.id,
                company_id=self.company_id.id,
                justification=finding["text"],
            )
        if not requests:
            raise UserError(self.env._("No deviation needs an exception request."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "key_account.exception.request",
            "name": self.env._("Exception Requests"),
            "view_mode": "list,form",
            "domain": [("id", "in", requests.ids)],
        }

    def action_draft(self):
        """A rejected agreement goes back to draft for the rep to revise; its
        reviews stay in the history."""
        for agreement in self:
            if agreement.state != "rejected":
                raise UserError(self.env._("Only rejected agreements are revised."))
            agreement.check_access("write")
            agreement.review_ids._key_account_archive()
            agreement._set_state("draft", reject_reason=False)
        return True

    def action_review_customer_copy(self):
        """The CS supervisor checked the copy the customer sealed first (R22)."""
        self._check_reviewer()
        for agreement in self:
            if agreement.state not in ("approved", "active") or not (
                agreement.customer_sealed_ids
            ):
                raise UserError(
                    self.env._("Attach the copy the customer sealed first.")
                )
            agreement._key_account_system_write(
                {"customer_copy_reviewed_by_id": self.env.uid}
            )
            agreement.message_post(
                body=self.env._("Customer-sealed copy reviewed."),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_record_company_seal(self):
        """Head office sealed the finally reviewed version (R22)."""
        self._check_reviewer()
        for agreement in self:
            if agreement.state not in ("approved", "active"):
                raise UserError(
                    self.env._("Only the finally reviewed agreement is sealed.")
                )
            if agreement.customer_sealed_ids and not (
                agreement.customer_copy_reviewed_by_id
            ):
                raise UserError(
                    self.env._(
                        "The customer sealed first: review the customer's copy "
                        "before recording the company seal."
                    )
                )
            if not agreement.sealed_pdf_ids:
                raise UserError(self.env._("Attach the sealed agreement first."))
            agreement._key_account_system_write(
                {
                    "company_sealed": True,
                    "company_sealed_by_id": self.env.uid,
                    "company_sealed_date": fields.Date.context_today(self),
                }
            )
        return True

    def action_sign(self):
        """The company signs the approved agreement (R22): the KA head, or a
        KA clerk under the KA head's written authorization valid today,
        covering the customer (and the deviation, if any). The agreement
        records who signed, when, and under which authorization."""
        today = fields.Date.context_today(self)
        user = self.env.user
        is_head = self.env.su or user.has_group("key_account.group_key_account_head")
        Authorization = self.env["key_account.signing.authorization"]
        for agreement in self:
            if agreement.state != "approved":
                raise UserError(self.env._("Only the approved agreement is signed."))
            if agreement.signed_by_id:
                raise UserError(
                    self.env._(
                        "%(agreement)s was signed by %(user)s.",
                        agreement=agreement.name,
                        user=agreement.signed_by_id.name,
                    )
                )
            agreement.check_access("read")
            authorization = Authorization
            if not is_head:
                authorization = Authorization._find_for(user, agreement, today)
                if not authorization:
                    raise AccessError(
                        self.env._(
                            "%(agreement)s: the KA clerk signs only under the KA "
                            "head's written authorization valid on %(date)s and "
                            "covering this customer%(deviating)s; you hold none.",
                            agreement=agreement.name,
                            date=format_date(self.env, today),
                            deviating=self.env._(" and deviating agreements")
                            if agreement.has_deviation
                            else "",
                        )
                    )
            agreement._key_account_system_write(
                {
                    "signed_by_id": user.id,
                    "signed_date": today,
                    "signing_authorization_id": authorization.id,
                }
            )
            agreement.message_post(
                body=self.env._(
                    "Signed by %(user)s%(under)s.",
                    user=user.name,
                    under=self.env._(
                        " under the authorization %s", authorization.display_name
                    )
                    if authorization
                    else "",
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_activate(self):
        """The agreement runs once signed and the customer's requirement
        form is in (R22, R23)."""
        self._check_reviewer()
        for agreement in self:
            if agreement.state != "approved":
                raise UserError(self.env._("Only approved agreements are activated."))
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
        if self.state not in ("approved", "active", "expired", "suspended"):
            raise UserError(self.env._("Only agreed agreements are renewed."))
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
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        to_state
                    ],
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

    def _price_deviations(self):
        """[(product, agreed price, floor price, % below)] of the agreement's
        prices under the price system."""
        self.ensure_one()
        pricelist, floor = self.pricelist_id, self.floor_pricelist_id
        if not pricelist or not floor:
            return []
        products = pricelist.item_ids.product_id | (
            pricelist.item_ids.product_tmpl_id.product_variant_ids
        )
        result = []
        for product in products:
            price = pricelist._get_product_price(product, 1.0, date=self.date_start)
            floor_price = floor._get_product_price(product, 1.0, date=self.date_start)
            floor_price = floor.currency_id._convert(
                floor_price,
                pricelist.currency_id,
                self.company_id or self.env.company,
                self.date_start or fields.Date.today(),
            )
            below = percent_below(price, floor_price)
            if below > 0:
                result.append((product, price, floor_price, below))
        return result

    def _report_prices(self):
        """[(product, agreed unit price)] printed as the price system."""
        self.ensure_one()
        pricelist = self.pricelist_id
        products = pricelist.item_ids.product_id | (
            pricelist.item_ids.product_tmpl_id.product_variant_ids
        )
        return [
            (product, pricelist._get_product_price(product, 1.0, date=self.date_start))
            for product in products.sorted("display_name")
        ]

    def _deviations(self):
        """[{type, value, level, text}] of what departs from the price system
        and the customer's defaults (SPEC R20)."""
        self.ensure_one()
        if not self.partner_id:
            return []
        company = self.company_id or self.env.company
        rules = self.env["key_account.authority.rule"]._rules_by_type(company)
        findings = []

        def add(kind, value, text, rule=None):
            level = rule._level(value) if rule else "director"
            if rule and level == "rep":
                return
            if rule:
                text = rule._explain(text, value) or text
            findings.append(
                {"type": kind, "value": value, "level": level, "text": text}
            )

        date = self.date_start or fields.Date.context_today(self)
        if self.payment_term_id:
            Order = self.env["sale.order"]
            extra = Order._key_account_term_days(
                self.payment_term_id, date
            ) - Order._key_account_term_days(self._customer_term(), date)
            if extra > 0:
                add(
                    "payment_term",
                    extra,
                    self.env._("payment term longer than the customer's by"),
                    rules.get("payment_term"),
                )
        if self.rebate_rate > 0:
            add(
                "rebate",
                self.rebate_rate,
                self.env._("customer rebate"),
                rules.get("rebate"),
            )
        below = [(b[0].display_name, b[3]) for b in self._price_deviations()]
        if self.performance_priced and self.test_value:
            cpm = self._price_system_cpm()
            cpm_below = percent_below(self.test_value, cpm)
            if cpm_below > 0:
                below.append(
                    (
                        self.env._(
                            "test CPM %(test)s under %(cpm)s",
                            test=round(self.test_value, 2),
                            cpm=round(cpm, 2),
                        ),
                        cpm_below,
                    )
                )
        if below:
            worst = max(b[1] for b in below)
            products = ", ".join(b[0] for b in below)
            add(
                "price_floor",
                worst,
                self.env._("prices below the price system (%s) by", products),
                rules.get("price_floor"),
            )
        tier_advance = self.partner_id.commercial_partner_id.key_account_tier_id
        tier_advance = tier_advance.advance_percent
        if tier_advance and self.advance_percent < tier_advance:
            add(
                "other",
                tier_advance - self.advance_percent,
                self.env._(
                    "advance payment %(advance)s %% below the tier's %(tier)s %%",
                    advance=self.advance_percent,
                    tier=tier_advance,
                ),
            )
        if (self.clauses or "").strip():
            add("other", 0.0, self.env._("non-standard clauses"))
        return findings

    def _uncovered_deviations(self):
        """Deviations beyond the KA head's authority with no approved exception."""
        self.ensure_one()
        Exception = self.env["key_account.exception.request"]
        return [
            finding
            for finding in self._deviations()
            if finding["level"] == "manager"
            and finding["type"] in MATRIX_TYPES
            and not Exception._is_approved(self, finding["type"], finding["value"])
        ]

    # Crons
    @api.model
    def _cron_key_account_agreements(self, batch_size=500):
        """Daily: agreements past their end expire; the rep of an agreement
        ending within the company's notice gets a renewal activity."""
        today = fields.Date.context_today(self)
        ended = [("state", "in", ("active", "suspended")), ("date_end", "<", today)]
        expired = self.search(ended, limit=batch_size)
        for agreement in expired:
            agreement._set_state("expired")
        self.env["ir.cron"]._notify_progress(
            done=len(expired), remaining=self.search_count(ended)
        )
        candidates = self.search(
            [
                ("state", "=", "active"),
                ("renewal_reminded", "=", False),
                ("date_end", ">=", today),
            ],
            limit=batch_size,
        )
        activity_type = self.env.ref("key_account.mail_activity_key_account_renewal")
        due = candidates.filtered(
            lambda a: (
                a.date_end
                <= today
                + relativedelta(days=a.company_id.key_account_agreement_notice_days)
            )
        )
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
