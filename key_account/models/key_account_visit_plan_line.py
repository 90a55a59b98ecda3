# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

LINE_FIELDS = ("plan_id", "sequence", "partner_id", "planned_count", "purpose")


class KeyAccountVisitPlanLine(models.Model):
    """Visits a plan foresees for one customer, and those done."""

    _name = "key_account.visit.plan.line"
    _description = "Key-Account Visit Plan Line"
    _inherit = ["key_account.guard.mixin"]
    # Lines change with their plan, while it is a draft.
    _key_account_user_fields = {"draft": LINE_FIELDS}
    _key_account_transitions = {}
    _order = "plan_id, sequence, id"

    # === FIELDS === #
    plan_id = fields.Many2one(
        "key_account.visit.plan", required=True, index=True, ondelete="cascade"
    )
    state = fields.Selection(related="plan_id.state")
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        domain=[("is_company", "=", True)],
    )
    planned_count = fields.Integer(string="Visits Planned", default=1)
    purpose = fields.Char()
    done_count = fields.Integer(
        string="Visits Done", compute="_compute_done_count", compute_sudo=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)

    _sql_constraints = [
        (
            "planned_positive",
            "CHECK(planned_count >= 0)",
            "The number of planned visits cannot be negative.",
        ),
        (
            "partner_uniq",
            "unique(plan_id, partner_id)",
            "A customer appears once in a visit plan.",
        ),
    ]

    # === COMPUTE METHODS === #
    @api.depends("plan_id.user_id", "plan_id.date_from", "partner_id")
    def _compute_done_count(self):
        for plan in self.plan_id:
            done = plan._visits_done()
            for line in self.filtered(lambda x, p=plan: x.plan_id == p):
                line.done_count = done.get(line.partner_id.commercial_partner_id.id, 0)
        for line in self.filtered(lambda x: not x.plan_id):
            line.done_count = 0

    # === CONSTRAINT METHODS === #
    @api.constrains("partner_id")
    def _check_partner_is_customer(self):
        """Visits are planned per customer company, not per contact: the
        plan counts the visits done at the company."""
        for line in self:
            if line.partner_id != line.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Plan the visits to %(company)s, not to its contact "
                        "%(contact)s.",
                        company=line.partner_id.commercial_partner_id.display_name,
                        contact=line.partner_id.name,
                    )
                )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if not self._key_account_is_system() and any(
            line.plan_id.state != "draft" for line in lines
        ):
            raise UserError(self.env._("Only a draft visit plan takes new customers."))
        return lines

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if not self.env.su and any(line.plan_id.state != "draft" for line in self):
            raise UserError(self.env._("A submitted visit plan is kept as is."))
