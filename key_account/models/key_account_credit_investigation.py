# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

from ..tools import add_working_days, is_blank

TRIGGERS = [
    ("overdue", "Receivable in Key Monitoring"),
    ("over_limit", "Exposure Above the Credit Limit"),
    ("writeoff", "Write-Off Requested"),
    ("other", "Other"),
]
OUTCOMES = [
    ("kept", "Kept: No Change"),
    ("lowered", "Credit Limit Lowered"),
    ("hold", "Credit on Hold"),
]
# What the investigator writes while the investigation is open.
OPEN_FIELDS = ("findings", "outcome", "new_credit_limit", "new_credit_level_id")


class KeyAccountCreditInvestigation(models.Model):
    """A credit investigation of a key account (SPEC R7-R9).

    A credit anomaly (a receivable entering key monitoring, the exposure
    going above the credit limit, a write-off request) opens one for the KA
    clerk, due in the company's working days; one open investigation per
    customer and company at a time. The clerk records the findings and the
    outcome: the credit is kept, or the limit lowered, or the credit put on
    hold. A change never touches the customer here: concluding creates the
    credit-change request, in the clerk's name, submitted to its approval
    route (the KA head); the approved request changes the customer and
    notifies it. Investigations are never deleted."""

    _name = "key_account.credit.investigation"
    _description = "Key-Account Credit Investigation"
    _inherit = [
        "key_account.guard.mixin",
        "key_account.sequence.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "id desc"
    _key_account_sequence = "key_account.credit.investigation"
    _key_account_user_fields = {"open": OPEN_FIELDS, "*": ()}
    # A supervisor may open one by hand (the clerk investigates it).
    _key_account_create_fields = ("partner_id", "company_id", "reason", "findings")
    _key_account_forced_fields = (
        "name",
        "trigger",
        "investigator_id",
        "date_deadline",
    )
    # action_conclude  open  the investigator (the KA clerk) or a director
    _key_account_transitions = {
        "action_conclude": (("open",), ("office_manager", "director")),
        "action_view_request": (None, ("reader",)),
    }

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_key_account', '=', True), ('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    trigger = fields.Selection(
        TRIGGERS,
        string="Opened By",
        required=True,
        default="other",
        readonly=True,
        help="The credit anomaly that opened the investigation.",
    )
    reason = fields.Text(
        string="Anomaly", help="What was found when the investigation was opened."
    )
    investigator_id = fields.Many2one(
        "res.users",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        help="The KA clerk who investigates (Key Accounts settings).",
    )
    date_deadline = fields.Date(string="Due", readonly=True, index=True)
    state = fields.Selection(
        [("open", "Open"), ("concluded", "Concluded")],
        default="open",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    findings = fields.Text(
        tracking=True,
        help="What the investigation found: payment behaviour, the customer's "
        "situation, the people met. Sent with the credit-change request as the "
        "investigation report.",
    )
    outcome = fields.Selection(
        OUTCOMES,
        tracking=True,
        help="Kept: the credit stays as it is. Lowered: a credit-change request "
        "lowers the limit. On hold: a credit-change request puts the credit "
        "level on hold, so the customer's orders wait.",
    )
    current_credit_limit = fields.Monetary(compute="_compute_current_credit")
    current_credit_level_id = fields.Many2one(
        "key_account.credit.level",
        compute="_compute_current_credit",
    )
    new_credit_limit = fields.Monetary(
        help="The lower limit the credit-change request proposes.",
    )
    new_credit_level_id = fields.Many2one(
        "key_account.credit.level",
        help="Empty: the level stays. On hold, the hold level is proposed.",
    )
    request_id = fields.Many2one(
        "key_account.request",
        string="Credit-Change Request",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    request_state = fields.Selection(
        related="request_id.state", string="Change Status", tracking=False
    )
    concluded_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    concluded_on = fields.Datetime(readonly=True, copy=False)

    # === COMPUTE METHODS === #
    @api.depends("partner_id", "company_id")
    def _compute_current_credit(self):
        for investigation in self:
            # Read as superuser: the clerk may not read every customer.
            partner = investigation.partner_id.sudo().with_company(
                investigation.company_id or self.env.company
            )
            investigation.current_credit_limit = partner.credit_limit
            investigation.current_credit_level_id = partner.key_account_credit_level_id

    # === CONSTRAINT METHODS === #
    @api.constrains("new_credit_limit")
    def _check_new_credit_limit(self):
        if any(investigation.new_credit_limit < 0 for investigation in self):
            raise ValidationError(self.env._("A credit limit cannot be negative."))

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        today = fields.Date.context_today(self)
        system = self._key_account_is_system()
        for vals in vals_list:
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.company.id
            )
            if not system:
                # Opened by hand: the clerk investigates, in the usual delay.
                vals.update(trigger="other", investigator_id=False, date_deadline=False)
            if not vals.get("investigator_id"):
                vals["investigator_id"] = (
                    company._key_account_clerk() or self.env.user
                ).id
            if not vals.get("date_deadline"):
                vals["date_deadline"] = add_working_days(
                    today, company.key_account_investigation_days
                )
        investigations = super().create(vals_list)
        investigations._schedule_investigation()
        return investigations

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Credit investigations are kept."))

    # === ACTION METHODS === #
    def action_conclude(self):
        """The investigator records the outcome: kept closes the
        investigation; lowered or on hold creates the credit-change request
        and submits it to its approval route."""
        now = fields.Datetime.now()
        for investigation in self:
            investigation._key_account_check_transition(
                "action_conclude",
                self.env._("%s is already concluded.", investigation.name),
            )
            investigation._check_investigator()
            problems = investigation._conclusion_problems()
            if problems:
                raise UserError(
                    self.env._(
                        "%(investigation)s cannot be concluded:\n- %(problems)s",
                        investigation=investigation.name,
                        problems="\n- ".join(problems),
                    )
                )
            vals = {
                "state": "concluded",
                "concluded_by_id": self.env.uid,
                "concluded_on": now,
            }
            if investigation.outcome != "kept":
                vals["request_id"] = investigation._create_change_request().id
            investigation._key_account_system_write(vals)
            investigation.activity_ids.sudo().action_feedback(
                feedback=investigation._outcome_label()
            )
        return True

    @api.readonly
    def action_view_request(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "key_account.request",
            "res_id": self.request_id.id,
            "view_mode": "form",
        }

    # === BUSINESS METHODS === #
    @api.model
    def _key_account_open(self, partners, reasons, trigger):
        """Open an investigation for the KA clerk of each of ``partners``
        (commercial partners) that has none open in its company; ``reasons``
        is the anomaly, one text for all or {partner id: text}. A constant
        number of queries whatever the number of customers; crons re-run
        without doubling them, two at once included. Returns the
        investigations opened."""
        if not partners:
            return self.browse()
        Investigation = self.sudo()
        busy = {
            (partner.id, company.id)
            for partner, company in Investigation._read_group(
                [("partner_id", "in", partners.ids), ("state", "=", "open")],
                ["partner_id", "company_id"],
            )
        }
        vals_list = []
        for partner in partners:
            company = partner.company_id or self.env.company
            if (partner.id, company.id) in busy or not company._key_account_clerk():
                continue
            busy.add((partner.id, company.id))
            reason = reasons.get(partner.id) if isinstance(reasons, dict) else reasons
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "trigger": trigger,
                    "reason": reason,
                }
            )
        # One at a time even when two transactions open them at once (the
        # overdue ladder and the exposure check, a confirmation): see
        # mail.activity._key_account_claim.
        self.env["mail.activity"]._key_account_claim(
            "res.partner", [vals["partner_id"] for vals in vals_list]
        )
        # The system's records: no "created" note, the system not following.
        return Investigation.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        ).create(vals_list)

    def _schedule_investigation(self):
        """The investigator's to-do on each new investigation, due on its
        day. Created in bulk by crons: the clerk sees them in the activity
        menu, without one e-mail per customer."""
        activity_type = self.env.ref(
            "key_account.mail_activity_key_account_investigation"
        )
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": investigation.id,
                    "activity_type_id": activity_type.id,
                    "user_id": investigation.investigator_id.id,
                    "date_deadline": investigation.date_deadline,
                    "note": investigation.reason or False,
                }
                for investigation in self
            ]
        )

    def _check_investigator(self):
        self.ensure_one()
        user = self.env.user
        if user != self.investigator_id and not user.has_group(
            "key_account.group_key_account_director"
        ):
            raise AccessError(
                self.env._(
                    "Only the investigator (%(user)s) or a director concludes "
                    "%(investigation)s.",
                    user=self.investigator_id.name,
                    investigation=self.name,
                )
            )

    def _conclusion_problems(self):
        """Readable reasons why this investigation cannot be concluded."""
        self.ensure_one()
        problems = []
        if is_blank(self.findings):
            problems.append(self.env._("Write the findings of the investigation."))
        if not self.outcome:
            problems.append(
                self.env._("Choose the outcome: kept, limit lowered or on hold.")
            )
        currency = self.currency_id
        if self.outcome == "lowered" and not (
            currency.compare_amounts(self.new_credit_limit, 0) > 0
            and (
                currency.compare_amounts(
                    self.new_credit_limit, self.current_credit_limit
                )
                < 0
                or currency.is_zero(self.current_credit_limit)
            )
        ):
            problems.append(
                self.env._(
                    "Give a new credit limit below the current one (%s).",
                    self.currency_id.format(self.current_credit_limit),
                )
            )
        if self.outcome == "hold" and not self._hold_level():
            problems.append(
                self.env._(
                    "No credit level holds orders: ask an administrator to mark "
                    "one as a hold level."
                )
            )
        return problems

    def _hold_level(self):
        """The credit level that holds orders: the one chosen if it does,
        else the first hold level of the company."""
        self.ensure_one()
        if self.new_credit_level_id.is_hold:
            return self.new_credit_level_id
        return self.env["key_account.credit.level"].search(
            [
                ("is_hold", "=", True),
                ("company_id", "in", (self.company_id.id, False)),
            ],
            limit=1,
        )

    def _outcome_label(self):
        self.ensure_one()
        return self._fields["outcome"].convert_to_export(self.outcome, self)

    def _change_request_values(self):
        """The credit-change request of this investigation's outcome: the
        customer's present values, changed as the outcome says."""
        self.ensure_one()
        # Read as superuser: the clerk may not read every customer.
        partner = self.partner_id.sudo().with_company(self.company_id)
        level = partner.key_account_credit_level_id
        limit = partner.credit_limit
        if self.outcome == "hold":
            level = self._hold_level()
        else:
            level = self.new_credit_level_id or level
            limit = self.new_credit_limit
        return {
            "kind": "credit_change",
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "rep_id": partner.user_id.id,
            "executive_id": partner.key_account_executive_id.id,
            "credit_level_id": level.id,
            "credit_limit": limit,
            "payment_term_id": partner.property_payment_term_id.id,
            "reason": self.env._(
                "%(outcome)s (credit investigation %(investigation)s):\n%(findings)s",
                outcome=self._outcome_label(),
                investigation=self.name,
                findings=self.findings,
            ),
        }

    def _create_change_request(self):
        """Create and submit the credit-change request of the outcome, in
        the current user's name, with the investigation report in its
        checklist. As superuser: the clerk investigates every key account
        but reads only the customers of their own teams; the request is
        theirs and goes through its approval route like any other."""
        self.ensure_one()
        request = (
            self.env["key_account.request"]
            .sudo()
            .create(dict(self._change_request_values(), requester_id=self.env.uid))
        )
        report_lines = request.document_ids.filtered(
            lambda line: (
                line.document_type_id
                == self.env.ref("key_account.doc_credit_change_investigation")
            )
        )
        if report_lines:
            report_lines.attachment_ids = self._report_attachments(request)
        request.action_submit()
        return request

    def _report_attachments(self, request):
        """The investigation report filed with ``request``: the files
        attached to the investigation, else its findings as a dated text."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"].sudo()
        files = Attachment.search(
            [("res_model", "=", self._name), ("res_id", "=", self.id)]
        )
        target = {"res_model": request._name, "res_id": request.id}
        if files:
            return Attachment.browse([f.copy(target).id for f in files])
        report = "\n".join(
            [
                self.env._("Credit investigation %s", self.name),
                self.env._("Customer: %s", self.partner_id.sudo().display_name),
                self.env._(
                    "Date: %s",
                    format_date(self.env, fields.Date.context_today(self)),
                ),
                self.env._("Investigator: %s", self.env.user.name),
                self.env._(
                    "Opened by: %s",
                    self._fields["trigger"].convert_to_export(self.trigger, self),
                ),
                self.env._("Anomaly: %s", self.reason or ""),
                self.env._("Outcome: %s", self._outcome_label()),
                "",
                self.findings or "",
            ]
        )
        return Attachment.create(
            dict(
                target,
                name=f"{self.name.replace('/', '-')}.txt",
                mimetype="text/plain",
                datas=base64.b64encode(report.encode()),
            )
        )
