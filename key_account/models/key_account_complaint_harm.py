# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import AccessError

from .key_account_complaint import KeyAccountComplaint


class KeyAccountComplaintHarm(models.Model):
    """An act harming the key-account relationship found on a complaint and
    the penalty the KA head proposes for it (SPEC R76): recorded by the KA
    head alone, through the wizard, and tracked."""

    _inherit = "key_account.complaint"
    _key_account_transitions = dict(
        KeyAccountComplaint._key_account_transitions,
        action_record_harm=(None, ("head",)),
    )

    # === FIELDS === #
    harm_act = fields.Text(
        string="Act Harming the Relationship",
        readonly=True,
        copy=False,
        tracking=True,
    )
    harm_user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        readonly=True,
        copy=False,
        tracking=True,
        help="The employee whose act harmed the relationship.",
    )
    penalty_proposal = fields.Text(
        string="Proposed Penalty", readonly=True, copy=False, tracking=True
    )
    penalty_amount = fields.Monetary(
        string="Proposed Fine",
        readonly=True,
        copy=False,
        tracking=True,
        currency_field="harm_currency_id",
    )
    harm_currency_id = fields.Many2one(related="company_id.currency_id")
    harm_recorded_by_id = fields.Many2one(
        "res.users", string="Recorded By", readonly=True, copy=False, tracking=True
    )
    harm_date = fields.Date(string="Recorded On", readonly=True, copy=False)

    # === ACTION METHODS === #
    def action_record_harm(self):
        """Open the form the KA head records the act and the penalty in."""
        self.ensure_one()
        self._check_head()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Harmful Act and Penalty"),
            "res_model": "key_account.complaint.harm.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_complaint_id": self.id,
                "default_harm_act": self.harm_act,
                "default_harm_user_id": self.harm_user_id.id,
                "default_penalty_proposal": self.penalty_proposal,
                "default_penalty_amount": self.penalty_amount,
            },
        }

    # === BUSINESS METHODS === #
    def _check_head(self):
        if self.env.su or self.env.user.has_group("key_account.group_key_account_head"):
            return
        raise AccessError(
            self.env._(
                "Only the KA head records acts harming a key-account relationship "
                "and proposes a penalty."
            )
        )

    def _record_harm(self, vals):
        """Write the act and the proposed penalty (as the KA head)."""
        self.ensure_one()
        self._check_head()
        self.check_access("read")
        self._key_account_system_write(
            dict(
                vals,
                harm_recorded_by_id=self.env.uid,
                harm_date=fields.Date.context_today(self),
            )
        )
        self.message_post(
            body=self.env._(
                "Act harming the relationship recorded by %(head)s; proposed "
                "penalty: %(penalty)s",
                head=self.env.user.name,
                penalty=vals.get("penalty_proposal") or "-",
            ),
            subtype_xmlid="mail.mt_note",
        )
