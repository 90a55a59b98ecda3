# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import is_blank


class KeyAccountDocumentLeak(models.Model):
    """A suspected leak of a classified document (SPEC R88): what happened
    and the remedy, reported to the general manager (an activity). Read by
    whoever reported it, the KA head and the general manager; closed by
    them; never deleted."""

    _name = "key_account.document.leak"
    _description = "Suspected Leak of a Key-Account Document"
    _inherit = [
        "key_account.guard.mixin",
        "key_account.sequence.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "id desc"
    _key_account_sequence = "key_account.document.leak"
    _key_account_forced_fields = ("name", "reported_by_id", "reported_on")
    _key_account_user_fields = {"reported": ("remedy",), "*": ()}
    _key_account_create_fields = ("document_id", "description", "remedy")
    _key_account_transitions = {
        "action_close": (("reported",), ("head", "general_manager")),
    }

    # === FIELDS === #
    document_id = fields.Many2one(
        "key_account.document",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    partner_id = fields.Many2one(
        related="document_id.partner_id", store=True, string="Customer"
    )
    level = fields.Selection(related="document_id.level")
    description = fields.Text(
        string="What Happened",
        required=True,
        help="What suggests the document leaked: where it was seen, who had it.",
    )
    remedy = fields.Text(
        tracking=True,
        help="What is done to contain the leak and prevent another one.",
    )
    reported_by_id = fields.Many2one(
        "res.users",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    reported_on = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now
    )
    state = fields.Selection(
        [("reported", "Reported"), ("closed", "Closed")],
        default="reported",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    closed_on = fields.Date(readonly=True, copy=False)
    company_id = fields.Many2one(
        related="document_id.company_id", store=True, index=True
    )

    # === CONSTRAINT METHODS === #
    @api.constrains("description")
    def _check_description(self):
        if any(is_blank(leak.description) for leak in self):
            raise ValidationError(self.env._("Describe what suggests the leak."))

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                vals["reported_by_id"] = self.env.uid
                vals["reported_on"] = fields.Datetime.now()
        leaks = super().create(vals_list)
        leaks._notify_general_manager()
        return leaks

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Suspected leaks are kept on record."))

    # === ACTION METHODS === #
    def action_close(self):
        """The KA head or the general manager closes the case once the
        remedy is done."""
        if not (
            self.env.su
            or self.env.user.has_group("key_account.group_key_account_head")
            or self.env.user.has_group("key_account.group_key_account_manager")
        ):
            raise AccessError(
                self.env._("The KA head or the general manager closes a leak.")
            )
        for leak in self:
            leak._key_account_check_transition(
                "action_close", self.env._("%s is already closed.", leak.name)
            )
            if is_blank(leak.remedy):
                raise UserError(self.env._("Write the remedy before closing."))
            leak._key_account_system_write(
                {
                    "state": "closed",
                    "closed_by_id": self.env.uid,
                    "closed_on": fields.Date.context_today(self),
                }
            )
            leak.sudo().activity_ids.action_feedback(
                feedback=self.env._("Closed by %s.", self.env.user.name)
            )
        return True

    # === BUSINESS METHODS === #
    def _notify_general_manager(self):
        """The general manager is told at once (an activity; no e-mail
        address needed)."""
        for leak in self:
            manager = leak.company_id._key_account_general_manager()
            if not manager:
                continue
            # The reporter need not be able to schedule work for the
            # general manager: the activity is the system's.
            leak.sudo().activity_schedule(
                "key_account.mail_activity_key_account_document_leak",
                user_id=manager.id,
                note=self.env._(
                    "Suspected leak of %(document)s (%(level)s, %(customer)s) "
                    "reported by %(user)s.",
                    document=leak.document_id.sudo().display_name,
                    level=dict(
                        leak._fields["level"]._description_selection(self.env)
                    ).get(leak.document_id.sudo().level),
                    customer=leak.partner_id.sudo().display_name,
                    user=leak.reported_by_id.name,
                ),
            )
