# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import is_blank

# Key-account access groups, lowest first (SPEC §2).
ACCESS_GROUPS = (
    "key_account.group_key_account_rep",
    "key_account.group_key_account_supervisor",
    "key_account.group_key_account_director",
    "key_account.group_key_account_manager",
)


class KeyAccountDelegation(models.Model):
    """Written delegation of an absent approver (SPEC R15): within the dates,
    the delegate decides the reviews addressed to the absent person."""

    _name = "key_account.delegation"
    _description = "Approval Delegation"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"
    _rec_name = "user_id"

    # === FIELDS === #
    user_id = fields.Many2one(
        "res.users",
        string="Absent Approver",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        ondelete="cascade",
    )
    delegate_id = fields.Many2one(
        "res.users",
        string="Acting Approver",
        required=True,
        index=True,
        tracking=True,
        ondelete="cascade",
        domain="[('share', '=', False)]",
    )
    date_from = fields.Date(
        string="From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_to = fields.Date(string="To", required=True, tracking=True)
    reason = fields.Char(required=True, tracking=True)
    definition_ids = fields.Many2many(
        "tier.definition",
        string="Approval Steps",
        help="Steps the delegate may decide; leave empty for all of them.",
    )
    authorization = fields.Binary(
        string="Signed Authorization",
        attachment=True,
        help="The absent approver's signed authorization (delegation in writing).",
    )
    authorization_filename = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    authorization_required = fields.Boolean(
        related="company_id.key_account_delegation_authorization_required"
    )
    active = fields.Boolean(default=True, tracking=True)
    state = fields.Selection(
        [("planned", "Planned"), ("running", "Running"), ("ended", "Ended")],
        compute="_compute_state",
    )

    # === COMPUTE METHODS === #
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for delegation in self:
            if delegation.date_from and delegation.date_from > today:
                delegation.state = "planned"
            elif delegation.date_to and delegation.date_to < today:
                delegation.state = "ended"
            else:
                delegation.state = "running"

    # === CONSTRAINT METHODS === #
    @api.constrains("user_id", "delegate_id", "date_from", "date_to", "active")
    def _check_delegation(self):
        for delegation in self.filtered("active"):
            if delegation.date_to < delegation.date_from:
                raise ValidationError(
                    self.env._("A delegation cannot end before it starts.")
                )
            if delegation.user_id == delegation.delegate_id:
                raise ValidationError(self.env._("Nobody can delegate to themselves."))
            delegation._check_delegate_level()
            overlap = self.search_count(
                [
                    ("id", "!=", delegation.id),
                    ("user_id", "=", delegation.user_id.id),
                    ("date_from", "<=", delegation.date_to),
                    ("date_to", ">=", delegation.date_from),
                ],
                limit=1,
            )
            if overlap:
                raise ValidationError(
                    self.env._(
                        "%(user)s already has a delegation overlapping "
                        "%(start)s – %(end)s. End it or change the dates first.",
                        user=delegation.user_id.name,
                        start=delegation.date_from,
                        end=delegation.date_to,
                    )
                )

    def _check_delegate_level(self):
        """The delegate must hold the absent person's access level, when the
        company asks for it."""
        self.ensure_one()
        if not self.company_id.key_account_delegation_same_level:
            return
        for group in reversed(ACCESS_GROUPS):
            if self.user_id.has_group(group):
                if not self.delegate_id.has_group(group):
                    raise ValidationError(
                        self.env._(
                            "%(delegate)s does not have the access level "
                            "“%(group)s” of %(user)s and cannot act for them.",
                            delegate=self.delegate_id.name,
                            group=self.env.ref(group).name,
                            user=self.user_id.name,
                        )
                    )
                return

    @api.constrains("authorization", "active", "company_id")
    def _check_authorization(self):
        """R15: a delegation is in writing. Recorded or made active again
        without the signed authorization, it is refused (company setting)."""
        missing = self.filtered(lambda d: d.active and not d._is_authorized())
        if missing:
            raise ValidationError(
                self.env._(
                    "Attach the signed authorization of %(user)s to the "
                    "delegation: an approval is delegated in writing only.",
                    user=missing[0].user_id.name,
                )
            )

    def _is_authorized(self):
        """Whether the delegation carries the signed authorization the
        company asks for."""
        self.ensure_one()
        return bool(
            not self.company_id.key_account_delegation_authorization_required
            or self.with_context(bin_size=True).authorization
        )

    @api.constrains("reason")
    def _check_reason(self):
        if any(is_blank(record.reason) for record in self):
            raise ValidationError(
                self.env._(
                    "Write the reason for the delegation: blank text is no reason."
                )
            )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault("user_id", self.env.uid)
            self._check_may_delegate_for(vals["user_id"], vals.get("delegate_id"))
        delegations = super().create(vals_list)
        delegations._refresh_reviewers()
        return delegations

    def write(self, vals):
        for delegation in self:
            self._check_may_delegate_for(
                vals.get("user_id", delegation.user_id.id),
                vals.get("delegate_id", delegation.delegate_id.id),
            )
            if delegation.date_from <= fields.Date.context_today(self) and (
                {"user_id", "delegate_id", "date_from"} & set(vals)
            ):
                raise ValidationError(
                    self.env._(
                        "A delegation that has started keeps its people and "
                        "start date: end it and create a new one."
                    )
                )
        res = super().write(vals)
        self._refresh_reviewers()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_planned(self):
        today = fields.Date.context_today(self)
        if any(d.date_from <= today for d in self):
            raise ValidationError(
                self.env._(
                    "A delegation that has started is kept for the approval "
                    "history: archive it or change its end date instead."
                )
            )

    # === BUSINESS METHODS === #
    @api.model
    def _check_may_delegate_for(self, user_id, delegate_id=None):
        """Only the absent person, the KA head or the general manager records
        a delegation, and nobody names himself someone else's delegate."""
        if self.env.su or user_id == self.env.uid:
            return
        if not self.env["res.partner"]._key_account_is_head():
            raise AccessError(
                self.env._("You can only record a delegation of your own approvals.")
            )
        if delegate_id == self.env.uid:
            raise AccessError(
                self.env._("You cannot record yourself as someone else's delegate.")
            )

    @api.model
    def _running(self, users, date=None):
        """Delegations running on ``date`` (today) for ``users``; one recorded
        before the company asked for the signed authorization grants nothing
        until the authorization is attached."""
        date = date or fields.Date.context_today(self)
        return (
            self.sudo()
            .with_context(active_test=True)
            .search(
                [
                    ("user_id", "in", users.ids),
                    ("date_from", "<=", date),
                    ("date_to", ">=", date),
                ]
            )
            .filtered(lambda d: d._is_authorized())
        )

    def _covers(self, definition):
        self.ensure_one()
        return not self.definition_ids or definition in self.definition_ids

    @api.model
    def _refresh_reviewers(self):
        """Open reviews get or lose their delegates (also run daily, when
        delegations start and end)."""
        reviews = (
            self.env["tier.review"]
            .sudo()
            .search(
                [
                    ("status", "in", ("waiting", "pending")),
                    ("model", "in", self.env["tier.review"]._key_account_models()),
                ]
            )
        )
        self.env.add_to_compute(
            self.env["tier.review"]._fields["reviewer_ids"], reviews
        )
        reviews.flush_recordset(["reviewer_ids"])

    @api.model
    def _cron_refresh_reviewers(self):
        self._refresh_reviewers()
