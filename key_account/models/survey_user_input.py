# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        res = super()._mark_done()
        # The customer answering is a public user: the satisfaction records
        # they answer are updated as the system.
        satisfactions = (
            self.env["key_account.satisfaction"]
            .sudo()
            .search([("user_input_id", "in", self.ids), ("state", "=", "sent")])
        )
        if satisfactions:
            satisfactions._survey_answered(self.sudo())
        return res
