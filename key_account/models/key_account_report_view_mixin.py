# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models, tools
from odoo.tools import SQL


class KeyAccountReportViewMixin(models.AbstractModel):
    """A read-only report kept as a SQL view: the models using it set
    ``_auto = False`` and return the view's ``SELECT`` from ``_query``."""

    _name = "key_account.report.view.mixin"
    _description = "Key-Account Report View"

    def init(self):
        super().init()
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    def _query(self):
        """The view's ``SELECT``, an ``SQL`` object."""
        raise NotImplementedError
