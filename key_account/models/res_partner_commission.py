# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class ResPartner(models.Model):
    """Account executive and commissions of a customer (SPEC R30, R35)."""

    _inherit = "res.partner"

    # === FIELDS === #
    key_account_executive_id = fields.Many2one(
        "res.users",
        string="Account Executive",
        index=True,
        tracking=True,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("key_account.group_key_account_rep").id)
        ],
        help="Co-serves the rep's customer and earns its share of commission.",
    )
    key_account_performance_priced = fields.Boolean(
        string="Performance-Priced",
        tracking=True,
        help="Priced on results (CPM, CPS, CPA): the rep may grant more "
        "compensation volume than to a standard customer. Set by "
        "a key-account director.",
    )
    key_account_commission_count = fields.Integer(
        compute="_compute_key_account_commission_count"
    )
    key_account_executive_locked = fields.Boolean(
        compute="_compute_key_account_commission_count",
        help="The account executive earned commission: only the KA head "
        "changes them, with a reason.",
    )

    # === COMPUTE METHODS === #
    @api.depends_context("uid")
    def _compute_key_account_commission_count(self):
        lines = self.env["key_account.commission.line"]
        counts = dict(
            lines._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        earned = {
            (partner.id, user.id)
            for partner, user in lines.sudo()._read_group(
                [("partner_id", "in", self.ids), ("role", "=", "executive")],
                ["partner_id", "user_id"],
            )
        }
        for partner in self:
            partner.key_account_commission_count = counts.get(partner, 0)
            partner.key_account_executive_locked = (
                partner.id,
                partner.key_account_executive_id.id,
            ) in earned

    # === ACTION METHODS === #
    @api.readonly
    def action_view_key_account_commissions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_commission_line"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        return action

    def action_key_account_change_executive(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Account Executive"),
            "res_model": "key_account.executive.change",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    # === BUSINESS METHODS === #
    def _key_account_check_executive_change(self, new_id):
        """SPEC R30: the rep decides whether an account executive co-serves
        the customer; once one is set, only the KA head replaces or removes
        them. Once they earned commission, the KA head gives a reason
        (``key_account_reason`` in the context), written to the chatter."""
        locked = self.filtered(
            lambda p: (
                p.key_account_executive_id and p.key_account_executive_id.id != new_id
            )
        )
        if not locked:
            return
        if not self._key_account_is_head():
            raise AccessError(
                self.env._(
                    "%s already has an account executive: only the KA head "
                    "replaces or removes them.",
                    locked[0].display_name,
                )
            )
        earned = (
            self.env["key_account.commission.line"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", locked.commercial_partner_id.ids),
                    ("role", "=", "executive"),
                ],
                ["partner_id", "user_id"],
            )
        )
        earned = {(partner.id, user.id) for partner, user in earned}
        locked = locked.filtered(
            lambda p: (
                (p.commercial_partner_id.id, p.key_account_executive_id.id) in earned
            )
        )
        if not locked or self.env.su:
            return
        reason = (self.env.context.get("key_account_reason") or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Give the reason for changing the account executive of %s.",
                    locked[0].display_name,
                )
            )
        new = self.env["res.users"].browse(new_id)
        for partner in locked:
            partner.message_post(
                body=self.env._(
                    "Account executive %(old)s replaced by %(new)s: %(reason)s",
                    old=partner.key_account_executive_id.name,
                    new=new.name or self.env._("none"),
                    reason=reason,
                )
            )
