# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import UserError

# Transaction cache key: the moves ``_reverse_moves`` is reversing, whose
# reversals may name them in ``reversed_entry_id``.
REVERSING = "key_account_reversing_moves"
# What a generated bill pays: fixed by the document that approved it.
BILL_TERMS = {
    "partner_id",
    "commercial_partner_id",
    "partner_bank_id",
    "invoice_line_ids",
    "line_ids",
    "currency_id",
    "move_type",
    "company_id",
    "journal_id",
    "invoice_payment_term_id",
    "fiscal_position_id",
}


class AccountMove(models.Model):
    """Key-account invoices and bills: the guards shared by the concerns
    of ``account_move_<concern>`` (commissions, write-offs, generated
    bills, overdue ladder) and the public methods they declare."""

    _inherit = "account.move"

    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {
        "action_key_account_commission_lines": (None, ("reader",)),
        "button_draft": (None, ("billing",)),
        "button_cancel": (None, ("billing",)),
    }

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._key_account_check_commission_terms(vals)
            self._key_account_check_links(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._key_account_check_commission_terms(vals, self)
        self._key_account_check_links(vals, self)
        if BILL_TERMS & set(vals) and not self.env.su:
            self._key_account_check_bill_terms()
        if "state" in vals and not self.env.su:
            self.filtered(
                lambda m: m.state != vals["state"] and vals["state"] != "posted"
            )._key_account_check_undo()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_key_account_writeoff(self):
        self._key_account_check_undo()

    # === ACTION METHODS === #
    # Documents of key-account workflows, undone only through the workflow:
    # write-off entries (SPEC R42) by reversing them, their reversals never;
    # the bill of a billed settlement (R36) by cancelling the settlement.
    def button_draft(self):
        self._key_account_check_undo()
        return super().button_draft()

    def button_cancel(self):
        self._key_account_check_undo()
        return super().button_cancel()

    # === BUSINESS METHODS === #
    def _reverse_moves(self, default_values_list=None, cancel=False):
        bills = self._key_account_settlements()
        if bills:
            raise UserError(bills._bill_message())
        if not self.env.su:
            self._key_account_check_writeoff_reversal()
        reversing = self.env.cr.cache.setdefault(REVERSING, set())
        added = set(self.ids) - reversing
        reversing.update(added)
        try:
            reversals = super()._reverse_moves(default_values_list, cancel)
        finally:
            reversing.difference_update(added)
        for move, reversal in zip(self, reversals, strict=False):
            request = move.key_account_writeoff_id
            if request and request.move_id == move:
                request._on_reversed(reversal)
        return reversals

    def _key_account_check_undo(self):
        """Refuse to delete, reset or cancel a write-off entry (or its
        reversal) or the bill of a billed settlement."""
        writeoffs = self.filtered(
            lambda m: (
                m.key_account_writeoff_id or m.reversed_entry_id.key_account_writeoff_id
            )
        )
        if writeoffs:
            raise UserError(
                self.env._(
                    "A key-account write-off entry is undone only by reversing "
                    "it, and its reversal stays: %(moves)s.",
                    moves=", ".join(writeoffs.mapped("display_name")),
                )
            )
        settlements = self._key_account_settlements()
        if settlements:
            raise UserError(settlements._bill_message())
