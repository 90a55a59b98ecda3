# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .res_partner import KEY_ACCOUNT_STATES


class ResPartner(models.Model):
    """Key-account designation: status, tier, requests and tier suggestions
    (SPEC R1–R6), with the warehouse and analytic account an approval sets
    (R3, R58, R59)."""

    _inherit = "res.partner"

    # === FIELDS === #
    key_account_state = fields.Selection(
        KEY_ACCOUNT_STATES,
        string="Key-Account Status",
        index=True,
        copy=False,
        tracking=True,
        help="Requested: a designation request waits for approval. Revoked: "
        "an approved revocation ended the key-account status; the customer "
        "is treated as any other customer, its file and history are kept and "
        "it may be designated again.",
    )
    # Only an active key account counts as one: a revoked customer leaves
    # the key-account rules, record rules, scheduled checks and KPIs.
    is_key_account = fields.Boolean(
        compute="_compute_is_key_account",
        store=True,
        index=True,
        recursive=True,
        string="Is a Key Account",
    )
    key_account_tier_id = fields.Many2one(
        "key_account.tier",
        string="Tier",
        index=True,
        copy=False,
        tracking=True,
        ondelete="restrict",
        help="Key-account class of the customer, set when its designation is "
        "approved. It gives the default credit limit, payment term and advance "
        "payment of its agreements, how often the rep visits and how often the "
        "satisfaction survey is sent. Changed only by an approved tier-change "
        "request.",
    )
    key_account_since = fields.Date(copy=False)
    key_account_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Key-Account Warehouse",
        tracking=True,
        help="The office warehouse this key account's orders ship from.",
    )
    key_account_analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Key-Account Analytic Account",
        tracking=True,
        help="Put on the invoice lines of this key account's orders, so its "
        "revenue is booked separately.",
    )
    key_account_request_ids = fields.One2many(
        "key_account.request", "partner_id", string="Key-Account Requests"
    )
    key_account_request_count = fields.Integer(
        compute="_compute_key_account_request_count"
    )
    key_account_agreement_count = fields.Integer(
        compute="_compute_key_account_agreement_count"
    )
    key_account_suggestion_ids = fields.One2many(
        "key_account.tier.suggestion", "partner_id", string="Tier Suggestions"
    )
    key_account_suggestion_date = fields.Date(
        string="Last Tier Suggestion", copy=False, readonly=True
    )
    key_account_report_deadline = fields.Date(
        string="Stock Report Due",
        compute="_compute_key_account_report_deadline",
        search="_search_key_account_report_deadline",
        help="After the designation the rep confirms the contacts and reports "
        "the office's stock for the customer and the goods owed to it by this "
        "date.",
    )
    key_account_report_overdue = fields.Boolean(
        string="Stock Report Overdue",
        compute="_compute_key_account_report_deadline",
        search="_search_key_account_report_overdue",
    )

    # === COMPUTE METHODS === #
    @api.depends("key_account_state", "parent_id.is_key_account", "is_company")
    def _compute_is_key_account(self):
        for partner in self:
            if partner.parent_id and not partner.is_company:
                partner.is_key_account = partner.parent_id.is_key_account
            else:
                partner.is_key_account = partner.key_account_state == "key_account"

    @api.depends("activity_ids.date_deadline", "activity_ids.activity_type_id")
    def _compute_key_account_report_deadline(self):
        deadlines = self._key_account_report_deadlines()
        today = fields.Date.context_today(self)
        for partner in self:
            deadline = deadlines.get(partner.id, False)
            partner.key_account_report_deadline = deadline
            partner.key_account_report_overdue = bool(deadline and deadline < today)

    def _search_key_account_report_deadline(self, operator, value):
        if operator in ("=", "!=") and not value:
            ids = self._key_account_report_activities().mapped("res_id")
            return [("id", "in" if operator == "!=" else "not in", ids)]
        if operator not in ("<", "<=", ">", ">=", "="):
            raise UserError(self.env._("Operation not supported"))
        activities = self._key_account_report_activities(
            [("date_deadline", operator, value)]
        )
        return [("id", "in", activities.mapped("res_id"))]

    def _search_key_account_report_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        activities = self._key_account_report_activities(
            [("date_deadline", "<", fields.Date.context_today(self))]
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", activities.mapped("res_id"))]

    def _compute_key_account_request_count(self):
        counts = dict(
            self.env["key_account.request"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.key_account_request_count = counts.get(partner, 0)

    def _compute_key_account_agreement_count(self):
        counts = dict(
            self.env["key_account.agreement"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.key_account_agreement_count = counts.get(partner, 0)

    # === ACTION METHODS === #
    @api.readonly
    def action_view_key_account_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_request"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    @api.readonly
    def action_view_key_account_agreements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_agreement"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_key_account_request(self):
        """Open the user's draft designation (or change) request for this
        customer, or a new one: a second click never starts a second draft."""
        self.ensure_one()
        partner = self.commercial_partner_id
        kind = "tier_change" if partner.is_key_account else "designation"
        action = {
            "type": "ir.actions.act_window",
            "res_model": "key_account.request",
            "view_mode": "form",
            "views": [(False, "form")],
        }
        draft = self._key_account_draft_request(kind)
        if draft:
            action["res_id"] = draft.id
        else:
            action["context"] = {
                "default_partner_id": partner.id,
                "default_kind": kind,
            }
        return action

    def action_key_account_revoke(self):
        """Open the user's draft revocation request for this key account, or
        a new one (SPEC R6)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        if not partner.is_key_account:
            raise UserError(
                self.env._("%s is not a key account.", partner.display_name)
            )
        action = {
            "type": "ir.actions.act_window",
            "res_model": "key_account.request",
            "view_mode": "form",
            "views": [(False, "form")],
        }
        draft = self._key_account_draft_request("suspension")
        if draft:
            action["res_id"] = draft.id
        else:
            action["context"] = {
                "default_partner_id": partner.id,
                "default_kind": "suspension",
            }
        return action

    # === BUSINESS METHODS === #
    def _key_account_report_activities(self, domain=None):
        """Open post-approval report activities (SPEC R4), as the system: the
        deadline of a customer the reader may read, whoever the rep is."""
        activity_type = self.env.ref(
            "key_account.mail_activity_key_account_report", raise_if_not_found=False
        )
        if not activity_type:
            return self.env["mail.activity"]
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("activity_type_id", "=", activity_type.id),
                    *(domain or []),
                ]
            )
        )

    def _key_account_report_deadlines(self):
        """{partner id: earliest deadline of its open report activity}."""
        deadlines = {}
        for activity in self._key_account_report_activities(
            [("res_id", "in", self.ids)]
        ):
            current = deadlines.get(activity.res_id)
            if not current or activity.date_deadline < current:
                deadlines[activity.res_id] = activity.date_deadline
        return deadlines

    def _key_account_draft_request(self, kind):
        """The current user's newest draft request of ``kind`` for this
        customer (as requester or proposed rep), if any."""
        self.ensure_one()
        uid = self.env.uid
        return self.env["key_account.request"].search(
            [
                ("partner_id", "=", self.commercial_partner_id.id),
                ("kind", "=", kind),
                ("state", "=", "draft"),
                ("company_id", "=", self.env.company.id),
                "|",
                ("requester_id", "=", uid),
                ("rep_id", "=", uid),
            ],
            limit=1,
        )

    def _key_account_mark_requested(self):
        """A submitted designation request marks the customer ``requested``.

        As superuser: the rep may submit but not set the status by hand.
        """
        self.sudo().write({"key_account_state": "requested"})

    def _key_account_unmark_requested(self):
        """A rejected or cancelled designation returns it to ``prospect``, or
        to revoked when it was a key account before."""
        for partner in self:
            partner.sudo().write(
                {
                    "key_account_state": "suspended"
                    if partner.key_account_since
                    else "prospect"
                }
            )
