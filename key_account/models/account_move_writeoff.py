# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from .account_move import REVERSING


class AccountMove(models.Model):
    """Write-off entries of key-account receivables (SPEC R42)."""

    _inherit = "account.move"

    # === FIELDS === #
    # Set only by the approved write-off request's own methods (as the
    # system): an entry naming a request may settle key-account invoices.
    key_account_writeoff_id = fields.Many2one(
        "key_account.writeoff.request",
        string="Write-Off Request",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    # === BUSINESS METHODS === #
    def _key_account_check_links(self, vals, moves=None):
        """What proves a write-off is the approved request, never a field a
        user sets: the link to a write-off request is written by the
        request's own methods only (as the system), and an entry names the
        move it reverses only when ``_reverse_moves`` creates it (SPEC R42)."""
        if self.env.su:
            return

        def changed(name):
            if name not in vals:
                return False
            if moves is None:
                return bool(vals[name])
            return any(m[name].id != (vals[name] or False) for m in moves)

        if changed("key_account_writeoff_id"):
            raise AccessError(
                self.env._(
                    "A write-off entry is created by its approved write-off "
                    "request only."
                )
            )
        if changed("reversed_entry_id") and vals[
            "reversed_entry_id"
        ] not in self.env.cr.cache.get(REVERSING, ()):
            raise AccessError(
                self.env._("An entry reverses another only through the Reverse action.")
            )

    def _key_account_writeoff_proof(self):
        """The entries that may settle key-account invoices as a write-off:
        those the approved write-off request is posting (SPEC R42)."""
        return self.filtered(lambda m: m.key_account_writeoff_id.state == "approved")

    def _key_account_settles_by_itself(self):
        """Whether this entry may settle a key-account invoice: a payment, a
        bank statement line, or the entry of an approved write-off request
        (a plain entry, or the reversal of one, may not)."""
        self.ensure_one()
        return bool(
            self.origin_payment_id
            or self.statement_line_id
            or self._key_account_writeoff_proof()
        )

    def _key_account_check_writeoff_reversal(self):
        """A write-off entry is reversed once, by an accounting manager (who
        posts write-offs); its reversal is never reversed: that would write
        the receivable off again without a request."""
        entries = self.filtered("key_account_writeoff_id")
        reversals = self.filtered(lambda m: m.reversed_entry_id.key_account_writeoff_id)
        if not (entries or reversals):
            return
        if reversals or entries.reversal_move_ids:
            raise UserError(
                self.env._(
                    "A key-account write-off entry is reversed once, and its "
                    "reversal is never reversed: %(moves)s.",
                    moves=", ".join((entries | reversals).mapped("display_name")),
                )
            )
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                self.env._("Only accounting managers reverse write-off entries.")
            )
