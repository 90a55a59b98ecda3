# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KeyAccountRepAbility(models.Model):
    """How much a rep can carry when new customers are distributed (SPEC
    R46): set by the directors, one weight per rep and company. A rep
    without one counts as 1."""

    _name = "key_account.rep.ability"
    _description = "Rep Ability"
    _inherit = ["mail.thread"]
    _order = "company_id, user_id"
    _rec_name = "user_id"

    # === FIELDS === #
    user_id = fields.Many2one(
        "res.users",
        string="Rep",
        required=True,
        index=True,
        ondelete="cascade",
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("key_account.group_key_account_rep").id),
            ("share", "=", False),
        ],
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    weight = fields.Float(
        string="Ability Weight",
        default=1.0,
        required=True,
        tracking=True,
        digits=(16, 2),
        help="How many new customers this rep takes compared with the others: "
        "a rep at 2 gets about twice as many as a rep at 1, a rep at 0.5 half "
        "as many. Reps without a weight count as 1.",
    )
    note = fields.Char(
        string="Reason",
        tracking=True,
        help="Why this rep carries more or less: experience, part time, a "
        "large account to settle in…",
    )

    _sql_constraints = [
        (
            "user_company_unique",
            "unique(user_id, company_id)",
            "A rep has one ability weight per company.",
        ),
    ]

    # === CONSTRAINT METHODS === #
    @api.constrains("weight")
    def _check_weight(self):
        if any(ability.weight <= 0 for ability in self):
            raise ValidationError(
                self.env._(
                    "The ability weight is above zero. To give a rep no new "
                    "customers, mark them away in their user preferences."
                )
            )

    # === BUSINESS METHODS === #
    @api.model
    def _key_account_weights(self, users, company):
        """{user: weight} of ``users`` in ``company`` (1 when not set). As
        superuser: the distribution runs for office managers and crons,
        who read the weights without editing them."""
        weights = dict.fromkeys(users, 1.0)
        for ability in self.sudo().search(
            [("user_id", "in", users.ids), ("company_id", "=", company.id)]
        ):
            weights[ability.user_id] = ability.weight
        return weights
