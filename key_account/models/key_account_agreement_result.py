# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class KeyAccountAgreementResult(models.Model):
    """Actual result of a performance-priced agreement for one month,
    recorded by customer support (SPEC R25). A deviation from the test result
    beyond the company's tolerance suspends the agreement until the KA head
    resumes or terminates it."""

    _name = "key_account.agreement.result"
    _description = "Key-Account Agreement Monthly Result"
    _order = "month desc, id desc"

    # === FIELDS === #
    agreement_id = fields.Many2one(
        "key_account.agreement",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("performance_priced", "=", True)],
    )
    company_id = fields.Many2one(related="agreement_id.company_id", store=True)
    month = fields.Date(required=True, default=fields.Date.context_today)
    actual_value = fields.Float(string="Actual Result", required=True)
    test_value = fields.Float(
        string="Test Result", readonly=True, help="The agreement's, when recorded."
    )
    deviation_percent = fields.Float(
        string="Deviation (%)",
        compute="_compute_deviation_percent",
        store=True,
        digits=(16, 2),
    )
    suspended = fields.Boolean(
        string="Suspended the Agreement", readonly=True, copy=False
    )
    note = fields.Text()

    _sql_constraints = [
        (
            "agreement_month_unique",
            "unique(agreement_id, month)",
            "The agreement already has a result for this month.",
        ),
    ]

    # === COMPUTE METHODS === #
    @api.depends("actual_value", "test_value")
    def _compute_deviation_percent(self):
        for result in self:
            result.deviation_percent = (
                abs(result.actual_value - result.test_value) / result.test_value * 100
                if result.test_value
                else 0.0
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("actual_value")
    def _check_actual_value(self):
        if any(result.actual_value < 0 for result in self):
            raise ValidationError(self.env._("A result cannot be negative."))

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group(
            "key_account.group_key_account_contract_reviewer"
        ):
            raise AccessError(self.env._("Customer support records the results."))
        agreements = self.env["key_account.agreement"].browse(
            [vals["agreement_id"] for vals in vals_list if vals.get("agreement_id")]
        )
        for vals in vals_list:
            agreement = agreements.filtered(lambda a, v=vals: a.id == v["agreement_id"])
            if not agreement.performance_priced or agreement.state != "active":
                raise UserError(
                    self.env._(
                        "Results are recorded on active performance-priced agreements."
                    )
                )
            vals["month"] = fields.Date.to_date(vals.get("month")) or (
                fields.Date.context_today(self)
            )
            vals["month"] = vals["month"].replace(day=1)
            vals["test_value"] = agreement.test_value
        results = super().create(vals_list)
        results._suspend_on_deviation()
        return results

    def write(self, vals):
        if not self.env.su:
            raise UserError(
                self.env._("A recorded result does not change: record a note.")
            )
        return super().write(vals)

    # === BUSINESS METHODS === #
    def _suspend_on_deviation(self):
        for result in self:
            agreement = result.agreement_id
            tolerance = agreement.company_id.key_account_performance_tolerance
            if result.deviation_percent > tolerance and agreement.state == "active":
                agreement._suspend(
                    self.env._(
                        "%(month)s: actual %(actual)s against the test "
                        "%(test)s, %(deviation).1f %% off (tolerance "
                        "%(tolerance)s %%).",
                        month=result.month.strftime("%Y-%m"),
                        actual=result.actual_value,
                        test=result.test_value,
                        deviation=result.deviation_percent,
                        tolerance=tolerance,
                    )
                )
                result.sudo().suspended = True
