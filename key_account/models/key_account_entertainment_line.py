# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

CATEGORIES = [
    ("meeting", "Meeting"),
    ("meals", "Meals"),
    ("accommodation", "Accommodation"),
    ("transport", "Transport"),
    ("gifts", "Gifts"),
    ("other", "Other"),
]


class KeyAccountEntertainmentLine(models.Model):
    """One kind of cost of an entertainment: its budget, set on the draft
    request, and its actual amount, reported once approved."""

    _name = "key_account.entertainment.line"
    _description = "Key-Account Entertainment Cost"
    _order = "entertainment_id, sequence, id"

    # === FIELDS === #
    entertainment_id = fields.Many2one(
        "key_account.entertainment", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    category = fields.Selection(CATEGORIES, required=True, default="meals")
    description = fields.Char()
    budget = fields.Monetary()
    actual = fields.Monetary(copy=False)
    company_id = fields.Many2one(
        related="entertainment_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="entertainment_id.currency_id")

    # === CONSTRAINT METHODS === #
    @api.constrains("budget", "actual")
    def _check_amounts(self):
        if any(line.budget < 0 or line.actual < 0 for line in self):
            raise ValidationError(
                self.env._("Budgeted and actual costs cannot be negative.")
            )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if not self.env.su:
            for line in lines:
                state = line.entertainment_id.state
                if state == "approved" and not line.budget:
                    continue  # an unplanned cost, reported afterwards
                if state != "draft":
                    raise UserError(line._locked_message())
        return lines

    def write(self, vals):
        if not self.env.su and "entertainment_id" in vals:
            raise UserError(
                self.env._("A cost line stays on the entertainment it was entered on.")
            )
        if not self.env.su:
            report_only = set(vals) <= {"actual", "description"}
            for line in self:
                state = line.entertainment_id.state
                if state != "draft" and not (state == "approved" and report_only):
                    raise UserError(line._locked_message())
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for line in self:
            state = line.entertainment_id.state
            if state != "draft" and not (state == "approved" and not line.budget):
                raise UserError(line._locked_message())

    def _locked_message(self):
        return self.env._(
            "The budget of %s is approved: only actual costs can be reported.",
            self.entertainment_id.name,
        )
