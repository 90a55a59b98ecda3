# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

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
    )
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

    # === COMPUTE METHODS === #
    @api.depends("key_account_state", "parent_id.is_key_account", "is_company")
    def _compute_is_key_account(self):
        for partner in self:
            if partner.parent_id and not partner.is_company:
                partner.is_key_account = partner.parent_id.is_key_account
            else:
                partner.is_key_account = partner.key_account_state in (
                    "key_account",
                    "suspended",
                )

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
    def action_view_key_account_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_request"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

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

    # === BUSINESS METHODS === #
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
        """A rejected or cancelled designation returns it to ``prospect``."""
        self.sudo().write({"key_account_state": "prospect"})
