# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    """Commissions on collected amounts (SPEC R27-R33). The rep is
    Odoo's ``invoice_user_id``; rep and executive come from the invoice,
    never from the customer at payment time (R29)."""

    _inherit = "account.move"

    # === FIELDS === #
    key_account_executive_id = fields.Many2one(
        "res.users",
        string="Account Executive",
        compute="_compute_key_account_executive_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        tracking=True,
        help="Earns the account executive's share of the commission on what "
        "this invoice collects.",
    )
    key_account_commission_rate = fields.Float(
        string="Special Commission Rate (%)",
        digits=(16, 4),
        help="Approved on the order; empty: the commission rules apply.",
    )
    key_account_rebate_rate = fields.Float(
        string="Customer Rebate (%)",
        digits=(16, 4),
        help="Share of each payment of this invoice the customer earns back as a "
        "rebate, from its agreement; paid out on a rebate payout request.",
    )
    key_account_commission_line_ids = fields.One2many(
        "key_account.commission.line", "move_id", string="Commission Lines"
    )
    key_account_commission_count = fields.Integer(
        compute="_compute_key_account_commission_count",
        string="Commission Line Count",
    )

    # === COMPUTE METHODS === #
    @api.depends("partner_id")
    def _compute_key_account_executive_id(self):
        for move in self:
            if move.state == "draft" and move.is_sale_document(include_receipts=True):
                move.key_account_executive_id = (
                    move.partner_id.commercial_partner_id.key_account_executive_id
                )
            else:  # posted invoices keep their executive
                move.key_account_executive_id = move.key_account_executive_id

    def _compute_key_account_commission_count(self):
        counts = dict(
            self.env["key_account.commission.line"]._read_group(
                [("move_id", "in", self.ids)], ["move_id"], ["__count"]
            )
        )
        for move in self:
            move.key_account_commission_count = counts.get(move, 0)

    # === ACTION METHODS === #
    def action_key_account_commission_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_commission_line"
        )
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {"search_default_group_by_user": 1}
        return action

    # === BUSINESS METHODS === #
    def _key_account_check_commission_terms(self, vals, moves=None):
        """Commission and rebate rates come from the approved order; the
        executive is locked once the invoice is posted. Only accounting may
        change them, whatever the caller (R29, R33)."""
        if self.env.su or self.env.user.has_group("account.group_account_invoice"):
            return
        changed = [
            name
            for name in ("key_account_commission_rate", "key_account_rebate_rate")
            if name in vals
            and (
                any(m[name] != vals[name] for m in moves)
                if moves is not None
                else vals[name]
            )
        ]
        if (
            "key_account_executive_id" in vals
            and moves
            and any(
                m.state != "draft"
                and m.key_account_executive_id.id != vals["key_account_executive_id"]
                for m in moves
            )
        ):
            changed.append("key_account_executive_id")
        if changed:
            raise UserError(
                self.env._(
                    "Only accounting can change the commission terms of an "
                    "invoice: %s.",
                    ", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        for name in changed
                    ),
                )
            )
