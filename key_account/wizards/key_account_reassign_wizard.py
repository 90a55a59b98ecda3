# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class KeyAccountReassignWizard(models.TransientModel):
    """The only way to change a customer's owner (SPEC R48, R49): the KA head,
    or an office manager within their teams, with a reason recorded in the
    owner history."""

    _name = "key_account.reassign.wizard"
    _description = "Reassign Customers"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {
        "action_apply": (None, ("head", "office_manager", "general_manager"))
    }

    # === FIELDS === #
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        domain=[("is_company", "=", True), ("parent_id", "=", False)],
    )
    user_id = fields.Many2one(
        "res.users",
        string="New Owner",
        required=True,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("key_account.group_key_account_rep").id),
            ("share", "=", False),
        ],
    )
    reason = fields.Text(required=True)
    move_open_invoices = fields.Boolean(
        string="Also Move Unpaid Invoices",
        help="Posted invoices keep their rep and account executive, so the "
        "commission follows them; tick to move the unpaid ones too. Open "
        "quotations and draft invoices always move.",
    )

    # === CRUD METHODS === #
    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if (
            "partner_ids" in fields_list
            and not res.get("partner_ids")
            and self.env.context.get("active_model") == "res.partner"
        ):
            res["partner_ids"] = [(6, 0, self.env.context.get("active_ids") or [])]
        return res

    # === ACTION METHODS === #
    def action_apply(self):
        self.ensure_one()
        partners = self.partner_ids.commercial_partner_id
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason for the reassignment."))
        partners._key_account_check_reassign_authority(self.user_id)
        partners._key_account_reassign(
            self.user_id,
            self.reason,
            kind="reassign",
            move_open_invoices=self.move_open_invoices,
        )
        return True
