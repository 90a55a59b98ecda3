# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import html2plaintext

from ..tools import (
    deviates,
    is_vague,
    minutes_deadline,
    parse_words,
    registration_state,
)

# What the rep enters on a visit; registration, approval and minutes
# statuses, the calendar event and the reviewers are set by the actions.
REP_FIELDS = (
    "partner_id",
    "contact_ids",
    "user_id",
    "company_id",
    "direct",
    "planned_start",
    "planned_stop",
    "purpose",
    "actual_start",
    "actual_stop",
    "deviation_reason",
    "outcome",
    "next_step",
    "next_date",
    "minutes",
    "minutes_receipt_confirmed",
)
# Frozen once the planned departure passed: the registration compares them.
PLAN_FIELDS = ("partner_id", "user_id", "planned_start", "planned_stop", "direct")


class KeyAccountVisit(models.Model):
    """A customer visit and its go-out registration (去向登记, SPEC R50–R55).

    The visit record is the registration: the rep creates it before leaving,
    with the customer company, planned departure and return and purpose;
    the time it is created is the registration time. After the visit the
    rep records the actual times, the report and the meeting minutes."""

    _name = "key_account.visit"
    _description = "Customer Visit"
    _key_account_user_fields = {"planned": REP_FIELDS, "done": REP_FIELDS}
    _key_account_forced_fields = ("registered_at",)
    _key_account_transitions = {
        "action_done": (("planned",), ("rep", "director")),
        "action_cancel": (("planned",), ("rep", "director")),
        "action_approve": (("planned", "done"), ("office_manager",)),
        "action_refuse": (("planned", "done"), ("office_manager",)),
        "action_submit_minutes": (("done",), ("rep", "director")),
        "action_review_minutes": (("done",), ("office_manager",)),
    }
    _inherit = [
        "key_account.rep.mixin",
        "key_account.guard.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "planned_start desc, id desc"

    # === FIELDS === #
    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_company", "=", True)],
        help="The customer company; a person is recorded as a contact.",
    )
    contact_ids = fields.Many2many(
        "res.partner",
        string="Contacts",
        domain="[('parent_id', '=', partner_id)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="planned",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    direct = fields.Boolean(
        string="Straight from Home",
        help="The rep goes directly to the customer without coming to the "
        "office: register it by the cutoff of the previous working day.",
    )
    planned_start = fields.Datetime(
        string="Planned Departure",
        required=True,
        tracking=True,
        default=lambda self: self._default_start(),
    )
    planned_stop = fields.Datetime(
        string="Planned Return",
        required=True,
        tracking=True,
        default=lambda self: self._default_start() + datetime.timedelta(hours=2),
    )
    purpose = fields.Text(required=True, tracking=True)
    actual_start = fields.Datetime(string="Actual Departure", tracking=True)
    actual_stop = fields.Datetime(string="Actual Return", tracking=True)
    deviation_reason = fields.Text(
        string="Reason for Deviation",
        help="Required when the actual times differ from the plan by more "
        "than the tolerance.",
    )
    outcome = fields.Html(
        string="Report", help="Needs, objections, gifts given, agreements."
    )
    next_step = fields.Text()
    next_date = fields.Date(string="Next Appointment")
    calendar_event_id = fields.Many2one("calendar.event", readonly=True, copy=False)
    registered_at = fields.Datetime(string="Registered On", readonly=True, copy=False)
    registration_state = fields.Selection(
        [
            ("registered", "Registered"),
            ("late", "Registered Late"),
            ("unregistered", "Unregistered"),
        ],
        string="Registration",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    approval_state = fields.Selection(
        [
            ("not_required", "Not Required"),
            ("pending", "To Approve"),
            ("approved", "Approved"),
            ("refused", "Refused"),
        ],
        string="Approval",
        default="not_required",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    minutes = fields.Html(string="Meeting Minutes")
    minutes_state = fields.Selection(
        [
            ("none", "Not Due"),
            ("due", "Due"),
            ("submitted", "To Review"),
            ("reviewed", "Reviewed"),
        ],
        string="Minutes",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    minutes_deadline = fields.Date(string="Minutes Due", readonly=True, copy=False)
    minutes_submitted_date = fields.Datetime(readonly=True, copy=False)
    minutes_late = fields.Boolean(compute="_compute_minutes_late", store=True)
    minutes_reviewer_id = fields.Many2one(
        "res.users", string="Minutes Reviewed By", readonly=True, copy=False
    )
    minutes_review_date = fields.Datetime(readonly=True, copy=False)
    minutes_receipt_confirmed = fields.Boolean(
        string="Customer Confirmed Receipt", tracking=True
    )
    needs_deviation_reason = fields.Boolean(compute="_compute_needs_deviation_reason")

    _sql_constraints = [
        (
            "planned_order",
            "CHECK(planned_stop > planned_start)",
            "The planned return must come after the planned departure.",
        ),
        (
            "actual_order",
            "CHECK(actual_stop IS NULL OR actual_start IS NULL "
            "OR actual_stop > actual_start)",
            "The actual return must come after the actual departure.",
        ),
    ]

    @api.model
    def _default_start(self):
        """Next full hour."""
        now = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        return now + datetime.timedelta(hours=1)

    # === COMPUTE METHODS === #
    @api.depends("partner_id.name", "planned_start")
    def _compute_name(self):
        for visit in self:
            day = visit.planned_start and fields.Date.to_string(
                visit.planned_start.date()
            )
            visit.name = " – ".join(x for x in (visit.partner_id.name, day) if x)

    @api.depends("minutes_deadline", "minutes_submitted_date")
    def _compute_minutes_late(self):
        for visit in self:
            visit.minutes_late = bool(
                visit.minutes_deadline
                and visit.minutes_submitted_date
                and visit.minutes_submitted_date.date() > visit.minutes_deadline
            )

    @api.depends("planned_start", "planned_stop", "actual_start", "actual_stop")
    def _compute_needs_deviation_reason(self):
        for visit in self:
            visit.needs_deviation_reason = visit._deviates()

    # === CONSTRAINT METHODS === #
    @api.constrains("partner_id", "contact_ids")
    def _check_partner(self):
        for visit in self:
            partner = visit.partner_id
            if not partner.is_company or partner.parent_id:
                raise ValidationError(
                    self.env._(
                        "A visit is to a customer company: %s is not a "
                        "company. Choose its company and add the person as a "
                        "contact.",
                        partner.display_name,
                    )
                )
            strangers = visit.contact_ids.filtered(
                lambda c, partner=partner: c.commercial_partner_id != partner
            )
            if strangers:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(customer)s.",
                        contact=strangers[0].display_name,
                        customer=partner.display_name,
                    )
                )

    @api.constrains("purpose", "company_id")
    def _check_purpose(self):
        for visit in self:
            company = visit.company_id
            words = parse_words(company.key_account_go_out_generic_words)
            if is_vague(visit.purpose, words, company.key_account_go_out_min_length):
                raise ValidationError(
                    self.env._(
                        "The purpose “%s” is too vague: say what the visit is "
                        "for (e.g. negotiate the renewal prices, collect the "
                        "March invoice).",
                        (visit.purpose or "").strip(),
                    )
                )

    @api.constrains(
        "state",
        "planned_start",
        "planned_stop",
        "actual_start",
        "actual_stop",
        "deviation_reason",
    )
    def _check_deviation(self):
        for visit in self:
            if (
                visit.state == "done"
                and visit._deviates()
                and not (visit.deviation_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "The actual times differ from the plan by more than "
                        "%s minutes: give the reason for the deviation.",
                        visit.company_id.key_account_visit_tolerance,
                    )
                )

    # === ONCHANGE METHODS === #
    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        self.contact_ids = self.contact_ids.filtered(
            lambda c: c.commercial_partner_id == self.partner_id
        )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        Partner = self.env["res.partner"]
        for vals in vals_list:
            if not vals.get("partner_id"):
                raise ValidationError(
                    self.env._("Give the customer company you visit.")
                )
            self._normalize_partner(vals, Partner)
            vals["registered_at"] = (
                self.env.su and vals.get("registered_at")
            ) or fields.Datetime.now()
        visits = super().create(vals_list)
        visits._register_go_out()
        return visits

    def write(self, vals):
        if not self.env.su:
            self._check_plan_frozen(vals)
        if "partner_id" in vals:
            self._normalize_partner(vals, self.env["res.partner"])
        res = super().write(vals)
        if any(
            name in vals for name in ("planned_start", "planned_stop", "partner_id")
        ):
            self._sync_event()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_registered(self):
        if self.env.su:
            return
        if any(
            v.state != "planned"
            or v.registration_state != "registered"
            or v.planned_start <= fields.Datetime.now()
            for v in self
        ):
            raise UserError(
                self.env._(
                    "Only future planned visits registered in time can be "
                    "deleted; cancel the others."
                )
            )

    @api.model
    def _normalize_partner(self, vals, Partner):
        """A person of a company stands for the company, kept as a contact;
        a person without a company is refused by ``_check_partner``."""
        partner = Partner.browse(vals.get("partner_id") or [])
        if partner and partner.parent_id:
            vals["partner_id"] = partner.commercial_partner_id.id
            vals.setdefault("contact_ids", [])
            vals["contact_ids"] = list(vals["contact_ids"]) + [Command.link(partner.id)]

    def _check_plan_frozen(self, vals):
        if "user_id" in vals and any(
            v.approval_state != "not_required" and v.user_id.id != vals["user_id"]
            for v in self
        ):
            raise UserError(
                self.env._(
                    "The rep of a go-out under approval is fixed: cancel the "
                    "visit and register a new one."
                )
            )
        now = fields.Datetime.now()
        changed = [
            name
            for name in PLAN_FIELDS
            if name in vals
            and any(
                self._fields[name].convert_to_cache(vals[name], visit)
                != self._fields[name].convert_to_cache(visit[name], visit)
                for visit in self
            )
        ]
        if changed and any(
            v.state != "planned" or v.planned_start <= now for v in self
        ):
            raise UserError(
                self.env._(
                    "The registration cannot be changed after the planned "
                    "departure: record the actual times and the reason for the "
                    "deviation instead."
                )
            )

    # === ACTION METHODS === #
    def action_done(self):
        """The visit took place: actual times and report recorded, meeting
        minutes due (SPEC R54)."""
        for visit in self:
            visit._check_rep()
            visit._key_account_check_transition(
                "action_done", self.env._("Only planned visits can be reported.")
            )
            if visit.approval_state == "pending":
                raise UserError(
                    self.env._(
                        "This go-out still awaits the office manager's approval."
                    )
                )
            if visit.approval_state == "refused":
                raise UserError(self.env._("The office manager refused this go-out."))
            if not (visit.actual_start and visit.actual_stop):
                raise UserError(
                    self.env._("Record the actual departure and return times.")
                )
            if visit.actual_start > fields.Datetime.now():
                raise UserError(self.env._("A visit cannot be reported in advance."))
            if not visit._has_text(visit.outcome):
                raise UserError(
                    self.env._(
                        "Write the visit report: needs, objections, gifts, "
                        "next appointment."
                    )
                )
        for visit in self:
            company = visit.company_id
            deadline = minutes_deadline(
                visit._local(visit.actual_start).date(),
                company.key_account_minutes_days,
            )
            visit._key_account_system_write(
                {
                    "state": "done",
                    "minutes_state": "due",
                    "minutes_deadline": deadline,
                }
            )
            visit._schedule(
                "key_account.mail_activity_key_account_minutes",
                visit.user_id,
                deadline,
                self.env._("Write the meeting minutes and send them to the customer."),
            )
        self._after_visit()
        return True

    def action_cancel(self):
        for visit in self:
            visit._check_rep()
            visit._key_account_check_transition(
                "action_cancel", self.env._("Only planned visits can be cancelled.")
            )
        self._key_account_system_write({"state": "cancelled"})
        self.calendar_event_id.sudo().action_archive()
        self.activity_ids.sudo().unlink()
        return True

    def action_approve(self):
        """Office manager's approval before departure (SPEC R53)."""
        self._check_supervisor()
        if any(v.approval_state != "pending" for v in self):
            raise UserError(
                self.env._("Only go-outs awaiting approval can be approved.")
            )
        self._key_account_system_write(
            {"approval_state": "approved", "approved_by_id": self.env.uid}
        )
        self._close_activities("key_account.mail_activity_key_account_go_out_approval")
        return True

    def action_refuse(self):
        self._check_supervisor()
        if any(v.approval_state != "pending" for v in self):
            raise UserError(
                self.env._("Only go-outs awaiting approval can be refused.")
            )
        self._key_account_system_write(
            {
                "approval_state": "refused",
                "approved_by_id": self.env.uid,
                "state": "cancelled",
            }
        )
        self._close_activities("key_account.mail_activity_key_account_go_out_approval")
        self.calendar_event_id.sudo().action_archive()
        return True

    def action_submit_minutes(self):
        """The rep hands the minutes to the department manager (SPEC R54)."""
        for visit in self:
            visit._check_rep()
            if visit.minutes_state != "due":
                raise UserError(self.env._("No minutes are due on this visit."))
            if not visit._has_text(visit.minutes):
                raise UserError(self.env._("Write the meeting minutes first."))
        now = fields.Datetime.now()
        self._key_account_system_write(
            {"minutes_state": "submitted", "minutes_submitted_date": now}
        )
        self._close_activities("key_account.mail_activity_key_account_minutes")
        today = fields.Date.context_today(self)
        for visit in self:
            visit._schedule(
                "key_account.mail_activity_key_account_minutes_review",
                visit._reviewer(),
                today,
                self.env._("Review the meeting minutes of %s.", visit.name),
            )
        return True

    def action_review_minutes(self):
        self._check_supervisor()
        if any(v.minutes_state != "submitted" for v in self):
            raise UserError(self.env._("Only submitted minutes can be reviewed."))
        self._key_account_system_write(
            {
                "minutes_state": "reviewed",
                "minutes_reviewer_id": self.env.uid,
                "minutes_review_date": fields.Datetime.now(),
            }
        )
        self._close_activities("key_account.mail_activity_key_account_minutes_review")
        return True

    # === BUSINESS METHODS === #
    def _check_rep(self):
        self.ensure_one()
        if self.env.su or self.user_id == self.env.user:
            return
        if self.env.user.has_group("key_account.group_key_account_director"):
            return
        raise AccessError(
            self.env._("Only %s reports on this visit.", self.user_id.name)
        )

    def _check_supervisor(self):
        """The office manager of the rep's team, or a director; never the rep
        on their own visit."""
        user = self.env.user
        for visit in self:
            if self.env.su:
                continue
            if visit.user_id == user:
                raise AccessError(
                    self.env._("You cannot approve or review your own visit.")
                )
            if user.has_group("key_account.group_key_account_director"):
                continue
            if visit.supervisor_id != user:
                raise AccessError(
                    self.env._(
                        "Only the office manager of %s or a director may do this.",
                        visit.user_id.name,
                    )
                )

    def _reviewer(self):
        self.ensure_one()
        return self.supervisor_id or self.company_id._key_account_head()

    def _deviates(self):
        self.ensure_one()
        tolerance = self.company_id.key_account_visit_tolerance
        return deviates(self.planned_start, self.actual_start, tolerance) or deviates(
            self.planned_stop, self.actual_stop, tolerance
        )

    @api.model
    def _has_text(self, html):
        return bool(html and html2plaintext(html).strip())

    def _local(self, value):
        """``value`` (UTC, naive) in the rep's time zone, naive."""
        tz = pytz.timezone(self.user_id.tz or self.env.user.tz or "UTC")
        return pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None)

    def _register_go_out(self):
        """Registration status, calendar event, approval and the report of
        unregistered visits to the office manager (SPEC R50–R53)."""
        for visit in self:
            company = visit.company_id
            status = registration_state(
                visit._local(visit.registered_at),
                visit._local(visit.planned_start),
                visit.direct,
                company.key_account_go_out_cutoff,
            )
            vals = {"registration_state": status}
            if company.key_account_go_out_approval and status != "unregistered":
                vals["approval_state"] = "pending"
            visit._key_account_system_write(vals)
            if status == "unregistered":
                visit._schedule(
                    "key_account.mail_activity_key_account_unregistered_visit",
                    visit._reviewer(),
                    fields.Date.context_today(self),
                    self.env._(
                        "%(rep)s visited %(customer)s without registering the "
                        "go-out before leaving.",
                        rep=visit.user_id.name,
                        customer=visit.partner_id.name,
                    ),
                )
            elif vals.get("approval_state") == "pending":
                visit._schedule(
                    "key_account.mail_activity_key_account_go_out_approval",
                    visit._reviewer(),
                    visit._local(visit.planned_start).date(),
                    self.env._("Approve the go-out before the departure."),
                )
            if status != "unregistered":
                visit._sync_event()

    def _sync_event(self):
        """The rep's calendar shows the planned visit (no invitation sent:
        the rep is the only attendee)."""
        Event = (
            self.env["calendar.event"]
            .sudo()
            .with_context(
                no_mail_to_attendees=True, dont_notify=True, mail_create_nolog=True
            )
        )
        for visit in self.filtered(lambda v: v.state == "planned"):
            vals = {
                "name": self.env._("Visit: %s", visit.partner_id.name),
                "start": visit.planned_start,
                "stop": visit.planned_stop,
                "user_id": visit.user_id.id,
                "partner_ids": [Command.set(visit.user_id.partner_id.ids)],
                "description": visit.purpose,
                "res_model_id": self.env["ir.model"]._get_id(self._name),
                "res_id": visit.id,
            }
            if visit.calendar_event_id:
                visit.calendar_event_id.with_env(Event.env).write(vals)
            else:
                visit._key_account_system_write(
                    {"calendar_event_id": Event.create(vals).id}
                )

    def _schedule(self, xmlid, user, deadline, note):
        """One activity of the type for ``user`` on this visit. As superuser:
        the rep may not read their office manager's activities."""
        self.ensure_one()
        if not user:
            return
        activity_type = self.env.ref(xmlid)
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        )._key_account_create_missing(
            activity_type,
            self._name,
            {self.id: {"user_id": user.id, "date_deadline": deadline, "note": note}},
        )

    def _close_activities(self, xmlid):
        activity_type = self.env.ref(xmlid)
        self.activity_ids.sudo().filtered(
            lambda a: a.activity_type_id == activity_type
        ).action_feedback(feedback=self.env._("Done by %s", self.env.user.name))

    def _after_visit(self):
        """The customer's last visit date, and its "visit due" activity done.
        As superuser: the rep may visit a customer they do not own (the
        weekly conflict check lists it)."""
        due_type = self.env.ref("key_account.mail_activity_key_account_visit_due")
        for visit in self:
            partner = visit.partner_id.sudo()
            day = visit._local(visit.actual_start).date()
            if not partner.key_account_last_visit_date or (
                partner.key_account_last_visit_date < day
            ):
                partner.key_account_last_visit_date = day
            partner.activity_ids.filtered(
                lambda a: a.activity_type_id == due_type
            ).action_feedback(feedback=self.env._("Visited on %s", day))
