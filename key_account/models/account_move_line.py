# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import UserError

# What a bill line pays.
LINE_TERMS = {
    "price_unit",
    "quantity",
    "discount",
    "account_id",
    "partner_id",
    "tax_ids",
    "amount_currency",
    "debit",
    "credit",
    "balance",
    "product_id",
    "currency_id",
    "move_id",
}


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {"reconcile": (None, ("billing",))}

    # Lines of a bill a key-account document generated pay what it approved.
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            moves = self.env["account.move"].browse(
                {vals["move_id"] for vals in vals_list if vals.get("move_id")}
            )
            moves._key_account_check_bill_terms()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and LINE_TERMS & set(vals):
            self.move_id._key_account_check_bill_terms()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_key_account_bill(self):
        if not self.env.su:
            self.move_id._key_account_check_undo()
            self.move_id._key_account_check_bill_terms()

    def reconcile(self):
        self._key_account_check_writeoff()
        return super().reconcile()

    def _key_account_check_writeoff(self):
        """Settling a key-account invoice with a plain journal entry is a
        write-off: it needs an approved write-off request (SPEC R42)."""
        invoices = self.move_id.filtered(
            lambda m: (
                m.move_type == "out_invoice" and m.commercial_partner_id.is_key_account
            )
        )
        if not invoices:
            return
        entries = (self.move_id - invoices).filtered(lambda m: m.move_type == "entry")
        plain = entries.filtered(
            lambda m: (
                not m._key_account_settles_by_itself()
                and not (
                    m.reversed_entry_id
                    and m.reversed_entry_id._key_account_settles_by_itself()
                )
            )
        )
        if plain:
            raise UserError(
                self.env._(
                    "Writing off a key-account receivable (%(invoices)s) needs an "
                    "approved write-off request.",
                    invoices=", ".join(invoices.mapped("name")),
                )
            )
