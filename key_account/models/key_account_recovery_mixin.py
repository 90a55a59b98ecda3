# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import needs_recovery


class KeyAccountRecoveryMixin(models.AbstractModel):
    """A customer's score (1-5) and, when it is at or below the company's
    threshold, the recovery plan (owner, actions, deadline) it needs before
    closing (SPEC R74); closing with a plan notifies the KA head."""

    _name = "key_account.recovery.mixin"
    _description = "Key-Account Recovery Plan"

    # === FIELDS === #
    score = fields.Float(
        digits=(3, 1),
        tracking=True,
        aggregator="avg",
        help="The customer's satisfaction from 1 (very dissatisfied) to 5.",
    )
    needs_recovery = fields.Boolean(
        string="Needs a Recovery Plan",
        compute="_compute_needs_recovery",
        store=True,
        index=True,
    )
    recovery_owner_id = fields.Many2one("res.users", tracking=True)
    recovery_actions = fields.Text()
    recovery_deadline = fields.Date(tracking=True)

    # === COMPUTE METHODS === #
    @api.depends("score", "company_id.key_account_satisfaction_threshold")
    def _compute_needs_recovery(self):
        for record in self:
            record.needs_recovery = needs_recovery(
                record.score, record.company_id.key_account_satisfaction_threshold
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("score")
    def _check_score(self):
        if any(record.score and not 1 <= record.score <= 5 for record in self):
            raise ValidationError(self.env._("A score goes from 1 to 5."))

    # === BUSINESS METHODS === #
    def _recovery_problems(self):
        """Translated reasons the record cannot close for its recovery plan."""
        self.ensure_one()
        if not self.needs_recovery:
            return []
        if (
            self.recovery_owner_id
            and (self.recovery_actions or "").strip()
            and self.recovery_deadline
        ):
            return []
        return [
            self.env._(
                "A score of %(score)s needs a recovery plan (owner, actions, "
                "deadline) before closing.",
                score=self.score,
            )
        ]

    def _notify_recovery(self):
        """The KA head hears of every closed dissatisfaction with its plan."""
        for record in self.filtered("needs_recovery"):
            head = record.company_id._key_account_head()
            record.message_post(
                body=self.env._(
                    "Dissatisfied customer (score %(score)s): recovery by "
                    "%(owner)s before %(deadline)s: %(actions)s",
                    score=record.score,
                    owner=record.recovery_owner_id.name,
                    deadline=record.recovery_deadline,
                    actions=record.recovery_actions,
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=head.partner_id.ids,
            )
