# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KeyAccountReviewWizard(models.TransientModel):
    """Asks the period of the key-account review PDF."""

    _name = "key_account.review.wizard"
    _description = "Print a Key-Account Review"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {"action_print": (None, ("reader",))}

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        default=lambda self: self._default_partner(),
        domain=[("is_key_account", "=", True)],
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: self._default_period()[0],
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: self._default_period()[1],
    )

    # === CONSTRAINT METHODS === #
    @api.constrains("date_from", "date_to")
    def _check_period(self):
        if any(w.date_from > w.date_to for w in self):
            raise ValidationError(self.env._("The period ends before it starts."))

    # === ACTION METHODS === #
    def action_print(self):
        self.ensure_one()
        return self.env.ref(
            "key_account.action_report_key_account_review"
        ).report_action(
            self.partner_id.commercial_partner_id,
            data={
                "date_from": fields.Date.to_string(self.date_from),
                "date_to": fields.Date.to_string(self.date_to),
            },
        )

    # === BUSINESS METHODS === #
    @api.model
    def _default_period(self):
        """The last full month, as the review is printed without a period."""
        return self.env[
            "report.key_account.report_key_account_review"
        ]._key_account_default_period()

    @api.model
    def _default_partner(self):
        if self.env.context.get("active_model") == "res.partner":
            return self.env.context.get("active_id")
        return False
