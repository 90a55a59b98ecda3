# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The overdue stage is no longer stored on invoices: it follows from the
cutoffs of the ladder's last run, kept on the company."""

import datetime

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from odoo.addons.key_account.tools import ladder_cutoffs

CUTOFFS = (
    "key_account_ladder_monitor_cutoff",
    "key_account_ladder_progress_cutoff",
    "key_account_ladder_writeoff_cutoff",
)


def migrate(cr, version):
    if not column_exists(cr, "account_move", "key_account_aging_stage"):
        return
    # The companies the ladder ran for start from yesterday's cutoffs: the
    # next run notifies the due dates passing a level since, not the stages
    # already notified.
    for name in CUTOFFS:
        create_column(cr, "res_company", name, "date")
    cr.execute(
        SQL(
            """SELECT c.id, c.key_account_monitor_after,
                      c.key_account_progress_after, c.key_account_writeoff_after,
                      c.key_account_aging_unit
                 FROM res_company c
                WHERE EXISTS (SELECT FROM account_move m WHERE m.company_id = c.id
                                 AND m.key_account_aging_stage IS NOT NULL)"""
        )
    )
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    for company_id, *levels, unit in cr.fetchall():
        cutoffs = ladder_cutoffs(yesterday, levels, unit or "months")
        cr.execute(
            SQL(
                "UPDATE res_company SET %s WHERE id = %s",
                SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(name), cutoff)
                    for name, cutoff in zip(CUTOFFS, cutoffs, strict=True)
                ),
                company_id,
            )
        )
    # With the column go its indexes, the ladder's among them (rebuilt on
    # the due date alone).
    cr.execute(SQL("ALTER TABLE account_move DROP COLUMN key_account_aging_stage"))
