# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import is_blank, rebate_penalty

# What the person recording an incident writes before reporting it.
DRAFT_FIELDS = (
    "partner_id",
    "responsible_id",
    "company_id",
    "date",
    "amount",
    "rebate_line_ids",
    "major_fault",
    "description",
)
# What the KA head writes while deciding (and only the KA head).
DECISION_FIELDS = ("major_fault", "decision_note")


class KeyAccountRebateIncident(models.Model):
    """A customer rebate withheld instead of passed on to the customer
    (SPEC R34): the amount withheld, the fine proposed (5 × that amount)
    and whether it is a major fault, for the KA head to decide. HR applies
    the sanction outside the system; the incident is its record.

    Supervisors and above record and read them (never the reps); the KA
    head alone decides. Incidents are never deleted."""

    _name = "key_account.rebate.incident"
    _description = "Withheld Customer Rebate"
    _inherit = [
        "key_account.guard.mixin",
        "key_account.sequence.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "date desc, id desc"
    _key_account_sequence = "key_account.rebate.incident"
    _key_account_user_fields = {
        "draft": DRAFT_FIELDS,
        "to_decide": DECISION_FIELDS,
        "*": (),
    }
    # action_report   draft      a supervisor (who recorded it) or above
    # action_confirm  to_decide  the KA head, never the person responsible
    # action_dismiss  to_decide  the KA head, with the reason
    _key_account_transitions = {
        "action_report": (("draft",), ("office_manager",)),
        "action_confirm": (("to_decide",), ("head",)),
        "action_dismiss": (("to_decide",), ("head",)),
    }

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
        help="The customer whose rebate was withheld.",
    )
    responsible_id = fields.Many2one(
        "res.users",
        string="Withheld By",
        required=True,
        index=True,
        tracking=True,
        help="The person who kept the rebate instead of passing it on.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        string="Found On",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    rebate_line_ids = fields.Many2many(
        "key_account.commission.line",
        string="Rebates Withheld",
        domain="[('kind', '=', 'rebate'), ('partner_id', '=', partner_id)]",
        help="The customer's accrued or paid rebates concerned, when known.",
    )
    amount = fields.Monetary(
        string="Amount Withheld",
        required=True,
        tracking=True,
        help="The rebate owed to the customer and not passed on.",
    )
    penalty_amount = fields.Monetary(
        string="Proposed Fine",
        compute="_compute_penalty_amount",
        store=True,
        help="Five times the amount withheld, proposed to HR, who applies it.",
    )
    major_fault = fields.Boolean(
        default=True,
        tracking=True,
        help="Withholding a customer's rebate is a major fault; the KA head "
        "may decide otherwise.",
    )
    description = fields.Text(
        string="What Happened",
        help="How the rebate was withheld and how it was found.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_decide", "To Decide"),
            ("confirmed", "Confirmed"),
            ("dismissed", "Dismissed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    decision_note = fields.Text(
        string="Decision",
        tracking=True,
        help="The KA head's decision and its reason; required to dismiss.",
    )
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decided_on = fields.Date(readonly=True, copy=False)

    # === COMPUTE METHODS === #
    @api.depends("amount")
    def _compute_penalty_amount(self):
        for incident in self:
            incident.penalty_amount = rebate_penalty(
                incident.amount, digits=incident.currency_id.decimal_places or 2
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("amount")
    def _check_amount(self):
        if any(incident.amount <= 0 for incident in self):
            raise ValidationError(
                self.env._("The amount withheld must be greater than zero.")
            )

    # === CRUD METHODS === #
    def _key_account_check_write(self, vals):
        """The decision fields are the KA head's alone."""
        res = super()._key_account_check_write(vals)
        if (
            set(vals) & set(DECISION_FIELDS)
            and any(incident.state == "to_decide" for incident in self)
            and not self._key_account_is_head()
        ):
            raise AccessError(
                self.env._("Only the KA head decides on a withheld rebate.")
            )
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Withheld rebates are kept on record."))

    # === ACTION METHODS === #
    def action_report(self):
        """Report the incident to the KA head, who decides."""
        if not self.env.user.has_group("key_account.group_key_account_supervisor"):
            raise AccessError(
                self.env._("Supervisors and above report withheld rebates.")
            )
        for incident in self:
            incident._key_account_check_transition(
                "action_report", self.env._("%s is already reported.", incident.name)
            )
            if is_blank(incident.description):
                raise UserError(
                    self.env._("Describe how the rebate was withheld and found.")
                )
            incident._key_account_system_write({"state": "to_decide"})
            head = incident.company_id._key_account_head()
            if head:
                incident.sudo().activity_schedule(
                    "key_account.mail_activity_key_account_rebate_incident",
                    user_id=head.id,
                    note=self.env._(
                        "%(amount)s withheld by %(user)s; proposed fine %(fine)s.",
                        amount=incident.currency_id.format(incident.amount),
                        user=incident.responsible_id.name,
                        fine=incident.currency_id.format(incident.penalty_amount),
                    ),
                )
        return True

    def action_confirm(self):
        """The KA head confirms the incident: HR is to apply the fine."""
        self._decide("confirmed")
        return True

    def action_dismiss(self):
        """The KA head dismisses the incident, saying why."""
        for incident in self:
            if is_blank(incident.decision_note):
                raise UserError(
                    self.env._("Write why the incident is dismissed (Decision).")
                )
        self._decide("dismissed")
        return True

    # === BUSINESS METHODS === #
    @api.model
    def _key_account_is_head(self):
        return self.env.su or self.env.user.has_group(
            "key_account.group_key_account_head"
        )

    def _decide(self, state):
        if not self._key_account_is_head():
            raise AccessError(
                self.env._("Only the KA head decides on a withheld rebate.")
            )
        today = fields.Date.context_today(self)
        for incident in self:
            if incident.state != "to_decide":
                raise UserError(
                    self.env._("%s is not waiting for a decision.", incident.name)
                )
            if incident.responsible_id == self.env.user:
                raise AccessError(
                    self.env._(
                        "%s is about you: another KA head decides.", incident.name
                    )
                )
            incident._key_account_system_write(
                {
                    "state": state,
                    "decided_by_id": self.env.uid,
                    "decided_on": today,
                }
            )
            incident.activity_ids.sudo().action_feedback(
                feedback=self._fields["state"].convert_to_export(state, self)
            )
