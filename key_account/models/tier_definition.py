# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class TierDefinition(models.Model):
    _inherit = "tier.definition"

    # === FIELDS === #
    key_account_review_type = fields.Selection(
        [
            ("individual", "A named person"),
            ("group", "A member of an approval role"),
            ("field", "The person named on the document"),
        ],
        string="Reviewer Type",
        compute="_compute_key_account_review_type",
        inverse="_inverse_key_account_review_type",
        readonly=False,
        help="Who decides this step.",
    )
    key_account_requester_signs = fields.Boolean(
        string="Signed When Requested by the Reviewer",
        help="When the person requesting the approval is this step's reviewer, "
        "the step counts as signed (an office manager's own order).",
    )
    key_account_escalation_days = fields.Integer(
        string="Escalate After (Days)",
        help="A review of this step pending longer than this is escalated to "
        "the group below (0 = never).",
    )
    key_account_escalate_group_id = fields.Many2one(
        "res.groups",
        string="Escalate To",
        help="Next level: its members may also decide an escalated review.",
    )

    # === COMPUTE METHODS === #
    @api.depends("review_type")
    def _compute_key_account_review_type(self):
        for definition in self:
            definition.key_account_review_type = definition.review_type

    def _inverse_key_account_review_type(self):
        for definition in self:
            if definition.key_account_review_type:
                definition.review_type = definition.key_account_review_type

    # === BUSINESS METHODS === #
    @api.model
    def _get_tier_validation_model_names(self):
        return super()._get_tier_validation_model_names() + [
            "key_account.request",
            "key_account.exception.request",
            "key_account.writeoff.request",
            "key_account.agreement",
            "key_account.document",
        ]

    def _get_review_needing_reminder(self):
        """Key-account steps remind only reviews whose turn has come, counted
        from the day they became pending."""
        self.ensure_one()
        if (
            not self.notify_reminder_delay
            or self.model not in self.env["tier.review"]._key_account_models()
        ):
            return super()._get_review_needing_reminder()
        limit = fields.Datetime.subtract(
            fields.Datetime.now(), days=self.notify_reminder_delay
        )
        return self.env["tier.review"].search(
            [
                ("definition_id", "=", self.id),
                ("status", "=", "pending"),
                ("key_account_pending_since", "<", limit),
                "|",
                ("last_reminder_date", "=", False),
                ("last_reminder_date", "<", limit),
            ],
            limit=50,
        )
