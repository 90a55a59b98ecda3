# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Databases installed before the install hook turned on Sales' *Discounts*
setting get it on upgrade: reps see the line discount an approval names."""

from odoo import SUPERUSER_ID, api

from odoo.addons.key_account.hooks import enable_line_discounts


def migrate(cr, version):
    enable_line_discounts(api.Environment(cr, SUPERUSER_ID, {}))
