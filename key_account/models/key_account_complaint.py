# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import add_working_days

CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("visit", "Visit"),
    ("letter", "Letter"),
    ("web", "Website"),
    ("other", "Other"),
]
CATEGORIES = [
    ("quality", "Product Quality"),
    ("delivery", "Delivery"),
    ("service", "Service"),
    ("billing", "Price and Billing"),
    ("staff", "Staff Conduct"),
    ("other", "Other"),
]
SEVERITIES = [
    ("0", "Low"),
    ("1", "Medium"),
    ("2", "High"),
    ("3", "Critical"),
]
STATES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("new", "in_progress")
# What the handler writes while the complaint is open; the rest (state,
# dates, validity, escalation, rep and supervisor) only the buttons write.
HANDLER_FIELDS = (
    "category",
    "channel",
    "contact_id",
    "customer_confirmed",
    "description",
    "picking_id",
    "sale_order_id",
    "severity",
    "user_id",
    "response",
    "response_deadline",
    "resolution",
    "resolution_deadline",
    "score",
    "recovery_actions",
    "recovery_deadline",
    "recovery_owner_id",
)


class KeyAccountComplaint(models.Model):
    """A customer complaint (SPEC R76): registered with its channel and
    category, reported at once to the rep's supervisor, handled by its owner
    within the response and resolution deadlines (working days), escalated
    to the KA head when overdue, confirmed by the customer, and marked valid
    or not by the supervisor (valid complaints count in KPIs)."""

    _name = "key_account.complaint"
    _description = "Key-Account Complaint"
    _inherit = [
        "key_account.guard.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "key_account.recovery.mixin",
        "key_account.sequence.mixin",
    ]
    _key_account_sequence = "key_account.complaint"
    _key_account_user_fields = {
        "new": ("partner_id", "date", "company_id", *HANDLER_FIELDS),
        "in_progress": HANDLER_FIELDS,
        "resolved": HANDLER_FIELDS,
    }
    _key_account_forced_fields = ("name",)
    _key_account_transitions = {
        "action_start": (("new",), ("rep", "office_manager")),
        "action_resolve": (OPEN_STATES, ("rep", "office_manager")),
        "action_close": (("resolved",), ("rep", "office_manager")),
        "action_reopen": (("resolved",), ("rep", "office_manager")),
        "action_cancel": (OPEN_STATES, ("office_manager",)),
        "action_mark_valid": (None, ("office_manager",)),
        "action_mark_invalid": (None, ("office_manager",)),
    }
    _order = "date desc, id desc"

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_company", "=", True)],
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Complainant",
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Order",
        index="btree_not_null",
        domain="[('partner_id.commercial_partner_id', '=', partner_id)]",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        index="btree_not_null",
        domain="[('sale_id', '=', sale_order_id)]",
    )
    date = fields.Date(
        string="Received On", required=True, default=fields.Date.context_today
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    category = fields.Selection(CATEGORIES, required=True, default="service")
    severity = fields.Selection(SEVERITIES, required=True, default="1", tracking=True)
    description = fields.Html(required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="Handles the complaint: by default the customer's rep.",
    )
    rep_id = fields.Many2one(
        "res.users",
        compute="_compute_rep_id",
        store=True,
        index=True,
    )
    supervisor_id = fields.Many2one(
        "res.users",
        compute="_compute_rep_id",
        store=True,
        index=True,
    )
    state = fields.Selection(
        STATES, default="new", required=True, copy=False, tracking=True, index=True
    )
    response_deadline = fields.Date(
        compute="_compute_deadlines", store=True, readonly=False, index=True
    )
    resolution_deadline = fields.Date(
        compute="_compute_deadlines", store=True, readonly=False, index=True
    )
    response = fields.Text(string="First Response")
    responded_date = fields.Date(readonly=True, copy=False)
    resolution = fields.Text()
    resolved_date = fields.Date(readonly=True, copy=False)
    closed_date = fields.Date(readonly=True, copy=False)
    customer_confirmed = fields.Boolean(
        string="Confirmed by the Customer", tracking=True, copy=False
    )
    validity = fields.Selection(
        [("pending", "To Assess"), ("valid", "Valid"), ("invalid", "Not Valid")],
        default="pending",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        help="Marked by the supervisor; valid complaints count in KPIs.",
    )
    validity_user_id = fields.Many2one(
        "res.users", string="Assessed By", readonly=True, copy=False
    )
    validity_date = fields.Date(string="Assessed On", readonly=True, copy=False)
    is_overdue = fields.Boolean(compute="_compute_is_overdue")
    escalated = fields.Boolean(readonly=True, copy=False, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # === COMPUTE METHODS === #
    @api.depends("partner_id")
    def _compute_user_id(self):
        for complaint in self:
            complaint.user_id = (
                complaint.partner_id.commercial_partner_id.user_id or self.env.user
            )

    @api.depends("partner_id")
    def _compute_rep_id(self):
        for complaint in self:
            rep = complaint.partner_id.commercial_partner_id.user_id
            complaint.rep_id = rep
            complaint.supervisor_id = rep._key_account_office_manager()

    @api.depends("date", "company_id")
    def _compute_deadlines(self):
        for complaint in self:
            company = complaint.company_id or self.env.company
            if not complaint.date:
                complaint.response_deadline = complaint.resolution_deadline = False
                continue
            complaint.response_deadline = add_working_days(
                complaint.date, company.key_account_complaint_response_days
            )
            complaint.resolution_deadline = add_working_days(
                complaint.date, company.key_account_complaint_resolution_days
            )

    @api.depends("state", "response_deadline", "resolution_deadline", "responded_date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for complaint in self:
            complaint.is_overdue = complaint._overdue(today)

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        complaints._report_to_supervisor()
        return complaints

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(
                self.env._("Complaints are never deleted: cancel them instead.")
            )

    # === ACTION METHODS === #
    def action_start(self):
        """The owner gives the first response."""
        for complaint in self:
            complaint._check_handler()
            complaint._key_account_check_transition(
                "action_start", self.env._("Only new complaints are taken up.")
            )
            if not (complaint.response or "").strip():
                raise UserError(self.env._("Write the first response to the customer."))
            complaint._key_account_system_write(
                {
                    "state": "in_progress",
                    "responded_date": fields.Date.context_today(self),
                }
            )
        return True

    def action_resolve(self):
        for complaint in self:
            complaint._check_handler()
            complaint._key_account_check_transition(
                "action_resolve", self.env._("Only open complaints are resolved.")
            )
            if not (complaint.resolution or "").strip():
                raise UserError(self.env._("Describe the resolution."))
            today = fields.Date.context_today(self)
            complaint._key_account_system_write(
                {
                    "state": "resolved",
                    "resolved_date": today,
                    "responded_date": complaint.responded_date or today,
                }
            )
        return True

    def action_close(self):
        """The customer confirmed the resolution; a low score needs a
        recovery plan first (R74)."""
        for complaint in self:
            complaint._check_handler()
            complaint._key_account_check_transition(
                "action_close", self.env._("Only resolved complaints are closed.")
            )
            problems = []
            if not complaint.customer_confirmed:
                problems.append(
                    self.env._("The customer has not confirmed the resolution.")
                )
            problems += complaint._recovery_problems()
            if problems:
                raise UserError("\n".join(problems))
            complaint._key_account_system_write(
                {"state": "closed", "closed_date": fields.Date.context_today(self)}
            )
            complaint._notify_recovery()
        return True

    def action_reopen(self):
        for complaint in self:
            complaint._check_handler()
            complaint._key_account_check_transition(
                "action_reopen", self.env._("Only resolved complaints are reopened.")
            )
            complaint._key_account_system_write({"state": "in_progress"})
        return True

    def action_cancel(self):
        for complaint in self:
            complaint._check_supervisor()
            complaint._key_account_check_transition(
                "action_cancel", self.env._("Only open complaints are cancelled.")
            )
            complaint._key_account_system_write({"state": "cancelled"})
        return True

    def action_mark_valid(self):
        return self._mark_validity("valid")

    def action_mark_invalid(self):
        return self._mark_validity("invalid")

    # === BUSINESS METHODS === #
    def _mark_validity(self, validity):
        for complaint in self:
            complaint._check_supervisor()
            if complaint.state == "cancelled":
                raise UserError(self.env._("A cancelled complaint is not assessed."))
            complaint._key_account_system_write(
                {
                    "validity": validity,
                    "validity_user_id": self.env.uid,
                    "validity_date": fields.Date.context_today(self),
                }
            )
        return True

    def _check_handler(self):
        """The owner, the customer's rep, their supervisor or a director
        handles the complaint."""
        self.ensure_one()
        user = self.env.user
        if (
            user in self.user_id | self.rep_id | self.supervisor_id
            or user.has_group("key_account.group_key_account_director")
            or self.env.su
        ):
            return
        raise AccessError(
            self.env._(
                "Only the owner, the rep or their supervisor handles %s.", self.name
            )
        )

    def _check_supervisor(self):
        """Validity is marked by the rep's supervisor (or a director)."""
        self.ensure_one()
        user = self.env.user
        if self.env.su or user.has_group("key_account.group_key_account_director"):
            return
        if user == self.supervisor_id and user.has_group(
            "key_account.group_key_account_supervisor"
        ):
            return
        raise AccessError(
            self.env._(
                "Only the rep's supervisor or a director assesses %s.", self.name
            )
        )

    def _report_to_supervisor(self):
        """R76: reported at once to the supervisor, who follows it."""
        for complaint in self:
            followers = (complaint.supervisor_id | complaint.user_id).partner_id
            complaint.message_subscribe(partner_ids=followers.ids)
            complaint.message_post(
                body=self.env._(
                    "New complaint from %(customer)s (%(category)s): respond by "
                    "%(response)s, resolve by %(resolution)s.",
                    customer=complaint.partner_id.display_name,
                    category=self._fields["category"].convert_to_export(
                        complaint.category, self
                    ),
                    response=complaint.response_deadline,
                    resolution=complaint.resolution_deadline,
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=complaint.supervisor_id.partner_id.ids,
            )

    def _overdue(self, today):
        self.ensure_one()
        if self.state not in OPEN_STATES:
            return False
        if self.resolution_deadline and today > self.resolution_deadline:
            return True
        return bool(
            not self.responded_date
            and self.response_deadline
            and today > self.response_deadline
        )

    @api.model
    def _overdue_domain(self, today):
        return [
            ("state", "in", OPEN_STATES),
            ("escalated", "=", False),
            "|",
            ("resolution_deadline", "<", today),
            "&",
            ("responded_date", "=", False),
            ("response_deadline", "<", today),
        ]

    @api.model
    def _cron_escalate(self, batch_size=200):
        """Daily: open complaints past their response or resolution deadline
        give the KA head one activity each (once: flagged and created through
        the once-only helper). One batch per call, a constant number of
        queries; the cron runner calls again while ``_notify_progress``
        reports work remaining."""
        today = fields.Date.context_today(self)
        domain = self._overdue_domain(today)
        complaints = self.search_fetch(
            domain, ["name", "partner_id", "company_id"], limit=batch_size
        )
        activity_type = self.env.ref("key_account.mail_activity_key_account_complaint")
        heads = {
            company: company._key_account_head() for company in complaints.company_id
        }
        vals_by_res_id = {
            complaint.id: {
                "user_id": heads[complaint.company_id].id,
                "date_deadline": today,
                "summary": self.env._(
                    "Complaint %(name)s of %(customer)s is overdue",
                    name=complaint.name,
                    customer=complaint.partner_id.display_name,
                ),
            }
            for complaint in complaints
            if heads[complaint.company_id]
        }
        self.env["mail.activity"]._key_account_create_missing(
            activity_type, self._name, vals_by_res_id
        )
        complaints._key_account_system_write({"escalated": True})
        remaining = self.search_count(domain) if len(complaints) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(complaints), remaining=remaining)
        return complaints
