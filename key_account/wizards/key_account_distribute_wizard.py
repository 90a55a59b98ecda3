# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import is_blank


class KeyAccountDistributeWizard(models.TransientModel):
    """Unassigned customers (campaign leads, orphans) spread over the reps by
    load — number of customers and trailing 12-month invoiced revenue — and
    by each rep's ability weight; reps marked away are skipped (SPEC R46,
    R48)."""

    _name = "key_account.distribute.wizard"
    _description = "Distribute Customers"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {
        "action_apply": (None, ("head", "office_manager", "general_manager"))
    }

    # === FIELDS === #
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        domain=[("is_company", "=", True), ("parent_id", "=", False)],
        default=lambda self: self._default_partners(),
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Reps",
        default=lambda self: self.env["res.partner"]._key_account_available_reps(),
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("key_account.group_key_account_rep").id),
            ("share", "=", False),
            ("key_account_away", "=", False),
        ],
    )
    line_ids = fields.One2many(
        "key_account.distribute.line", "wizard_id", compute="_compute_line_ids"
    )
    reason = fields.Text(
        required=True, default=lambda self: self.env._("Distribution of new customers.")
    )

    # === COMPUTE METHODS === #
    @api.depends("user_ids", "partner_ids")
    def _compute_line_ids(self):
        """Each rep's load, ability and the customers the distribution would
        give them (R46: the screen shows each rep's count)."""
        Partner = self.env["res.partner"]
        for wizard in self:
            users = wizard.user_ids.filtered(lambda u: not u.key_account_away)
            loads = Partner._key_account_rep_loads(users)
            weights = self.env["key_account.rep.ability"]._key_account_weights(
                users, self.env.company
            )
            partners = wizard.partner_ids.commercial_partner_id
            planned = {}
            for user in partners._key_account_distribution_plan(users).values():
                planned[user] = planned.get(user, 0) + 1
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "user_id": user.id,
                        "count": count,
                        "revenue": revenue,
                        "ability": weights[user],
                        "planned": planned.get(user, 0),
                    }
                )
                for user, (count, revenue) in loads.items()
            ]

    # === CONSTRAINT METHODS === #
    @api.constrains("reason")
    def _check_reason(self):
        if any(is_blank(record.reason) for record in self):
            raise ValidationError(
                self.env._(
                    "Write the reason for the distribution: blank text is no reason."
                )
            )

    # === ACTION METHODS === #
    def action_apply(self):
        self.ensure_one()
        users = self.user_ids.filtered(lambda u: not u.key_account_away)
        if not users:
            raise UserError(self.env._("Choose the reps who take the customers."))
        partners = self.partner_ids.commercial_partner_id
        for user in users:
            partners._key_account_check_reassign_authority(user)
        partners._key_account_distribute(users, self.reason)
        return True

    # === BUSINESS METHODS === #
    @api.model
    def _default_partners(self):
        """Selected customers, else the unowned ones and those of archived
        users (orphans)."""
        if self.env.context.get("active_model") == "res.partner":
            return self.env["res.partner"].browse(self.env.context.get("active_ids"))
        return self.env["res.partner"].search(
            [
                ("is_company", "=", True),
                ("parent_id", "=", False),
                "|",
                ("user_id", "=", False),
                ("user_id.active", "=", False),
            ],
            limit=500,
        )
