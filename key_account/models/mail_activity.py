# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools import SQL


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _key_account_create_missing(self, activity_type, model, vals_by_res_id):
        """Activities of ``activity_type`` on the records of ``model`` that
        have none open yet: ``vals_by_res_id`` maps each record id to the rest
        of its values. Crons re-run without doubling them, two runs at once
        included (``_key_account_claim``). Returns the created activities."""
        if not vals_by_res_id:
            return self.browse()
        busy = set(
            self.search(
                [
                    ("res_model", "=", model),
                    ("res_id", "in", list(vals_by_res_id)),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ).mapped("res_id")
        )
        new = {
            res_id: vals
            for res_id, vals in vals_by_res_id.items()
            if res_id not in busy
        }
        self._key_account_claim(model, new)
        model_id = self.env["ir.model"]._get_id(model)
        return self.create(
            [
                dict(
                    vals,
                    res_model_id=model_id,
                    res_id=res_id,
                    activity_type_id=activity_type.id,
                )
                for res_id, vals in new.items()
            ]
        )

    @api.model
    def _key_account_claim(self, model, ids):
        """Claim the records ``ids`` of ``model`` for this transaction before
        creating what each may have only once (an open activity, an open
        investigation): an UPDATE of their rows that changes nothing.

        Two transactions doing the same at once (a scheduled action run
        twice, the scheduled action and a button) each see none created yet,
        as their snapshots predate the other's commit, and would both create
        one. Claimed, the second waits for the first and, the first
        committed, is rolled back (could not serialize access due to
        concurrent update: transactions are REPEATABLE READ); run again, it
        sees the first one's records. A row lock alone would not do: a
        transaction may lock a row another one only locked, and see nothing
        of what it created."""
        if not ids:
            return
        table = SQL.identifier(self.env[model]._table)
        self.env.cr.execute(
            SQL(
                """UPDATE %(table)s SET id = id
                    WHERE id IN (SELECT id FROM %(table)s WHERE id = ANY(%(ids)s)
                                  ORDER BY id FOR NO KEY UPDATE)""",
                table=table,
                ids=sorted(ids),
            )
        )
