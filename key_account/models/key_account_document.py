# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import os

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .key_account_approval_mixin import TRANSITIONS

LEVELS = [
    ("internal", "Internal"),
    ("confidential", "Confidential"),
    ("secret", "Secret"),
]
# Levels whose every opening is a numbered distribution copy.
LOGGED_LEVELS = ("confidential", "secret")
STATES = [
    ("draft", "Draft"),
    ("submitted", "Circulation to Approve"),
    ("approved", "Circulation Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]
DRAFT_FIELDS = (
    "title",
    "partner_id",
    "level",
    "upload",
    "file_name",
    "circulation_user_ids",
    "description",
    "company_id",
)


class KeyAccountDocument(models.Model):
    """A classified document of a key account (SPEC R88).

    Internal documents are read by whoever may read the customer;
    confidential ones by its rep, its account executive, their office
    manager and the directors; secret ones by the circulation list the KA
    head and then the general manager approved (the approval engine), the
    KA head and the general manager. Record rules enforce the levels over
    RPC.

    The file is stored on the document (``file``), readable by nobody but
    the system: users get it only through the download route
    (``/key_account/document/<id>/download``, see ``action_open``), which
    checks the record rules as the user and numbers each copy of a
    confidential or secret document in the distribution log, read by the
    KA head and the general manager alone. The attachment's own routes
    (``/web/content``) refuse it, as the field is not the user's."""

    _name = "key_account.document"
    _description = "Key-Account Classified Document"
    _inherit = ["key_account.approval.mixin"]
    _order = "id desc"
    _key_account_sequence = "key_account.document"
    _key_account_user_fields = {"draft": DRAFT_FIELDS}
    _key_account_transitions = dict(
        TRANSITIONS,
        action_open=(None, ("reader",)),
        action_report_leak=(None, ("reader",)),
    )

    # === FIELDS === #
    title = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    level = fields.Selection(
        LEVELS,
        string="Classification",
        required=True,
        tracking=True,
        index=True,
        default=lambda self: self.env.company.key_account_document_level,
        help="Internal: whoever may read the customer. Confidential: its rep, "
        "its account executive, their office manager and the directors; each "
        "opening is a numbered copy. Secret: the circulation list approved by "
        "the KA head and the general manager; each opening is a numbered "
        "copy.",
    )
    state = fields.Selection(
        STATES, default="draft", required=True, copy=False, tracking=True, index=True
    )
    # The stored file: the system's alone (users download numbered copies).
    file = fields.Binary(
        string="Stored File", attachment=True, groups="base.group_system", copy=False
    )
    upload = fields.Binary(
        string="File",
        compute="_compute_upload",
        inverse="_inverse_upload",
        help="Upload the document; it is opened through the Open button.",
    )
    file_name = fields.Char(tracking=True)
    file_size = fields.Integer(readonly=True, copy=False)
    description = fields.Text(string="Notes")
    circulation_user_ids = fields.Many2many(
        "res.users",
        "key_account_document_circulation_rel",
        "document_id",
        "user_id",
        string="Circulation",
        domain="[('share', '=', False)]",
        help="Secret documents: who may open it once the KA head and the "
        "general manager approved the list.",
    )
    copy_count = fields.Integer(
        string="Copies Distributed", readonly=True, copy=False, default=0
    )
    access_ids = fields.One2many(
        "key_account.document.access",
        "document_id",
        string="Distribution Log",
        groups="key_account.group_key_account_head,"
        "key_account.group_key_account_manager",
    )
    leak_ids = fields.One2many(
        "key_account.document.leak", "document_id", string="Suspected Leaks"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # === COMPUTE METHODS === #
    def _compute_upload(self):
        self.upload = False

    def _inverse_upload(self):
        """The uploaded file goes to the system's field."""
        for document in self:
            if document.upload:
                size = len(base64.b64decode(document.upload))
                document.sudo().write({"file": document.upload, "file_size": size})

    # === CONSTRAINT METHODS === #
    @api.constrains("circulation_user_ids")
    def _check_circulation(self):
        for document in self:
            if document.circulation_user_ids.filtered("share"):
                raise ValidationError(
                    self.env._("Only internal users are on a circulation list.")
                )

    # === CRUD METHODS === #
    @api.ondelete(at_uninstall=False)
    def _unlink_except_distributed(self):
        if any(document.copy_count for document in self):
            raise UserError(
                self.env._(
                    "Copies of this document were distributed: it is kept with "
                    "its distribution log."
                )
            )

    def _key_account_files_editable(self, adding):
        """Nobody attaches files to a classified document by hand (its
        chatter would hand them out unnumbered): the file is its upload."""
        return False

    # === ACTION METHODS === #
    def action_open(self):
        """Open (download) the file: confidential and secret documents give
        a numbered copy, logged (see the download route)."""
        self.ensure_one()
        self.check_access("read")
        if not self.file_size:
            raise UserError(self.env._("%s has no file yet.", self.display_name))
        return {
            "type": "ir.actions.act_url",
            "url": f"/key_account/document/{self.id}/download",
            "target": "download",
        }

    def action_report_leak(self):
        """Record a suspected leak of this document for the general manager."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Suspected Leak"),
            "res_model": "key_account.document.leak",
            "view_mode": "form",
            "context": {"default_document_id": self.id},
        }

    # Approval hooks
    def _submission_problems(self):
        problems = []
        if self.level != "secret":
            problems.append(
                self.env._(
                    "Only secret documents have a circulation list to approve; "
                    "internal and confidential ones are read by their level."
                )
            )
        if not self.file_size:
            problems.append(self.env._("Upload the document first."))
        if not self.circulation_user_ids:
            problems.append(self.env._("Name who may read the document."))
        return problems

    def _on_approved(self):
        self.message_post(
            body=self.env._(
                "Circulation approved: %(users)s.",
                users=", ".join(self.circulation_user_ids.mapped("name")),
            ),
            subtype_xmlid="mail.mt_comment",
            partner_ids=(self.requester_id | self.circulation_user_ids).partner_id.ids,
        )

    def _key_account_locked_message(self):
        return self.env._(
            "The document changes only in draft: a secret document's "
            "circulation is approved as it stands."
        )

    # === BUSINESS METHODS === #
    def _key_account_distribute(self):
        """Hand the current user a copy of the file (the download route):
        the record rules decide as the user; a confidential or secret
        document numbers the copy in its distribution log. Returns the
        log entry (empty for internal documents)."""
        self.ensure_one()
        self.check_access("read")
        if not self.file_size:
            raise UserError(self.env._("%s has no file yet.", self.display_name))
        Access = self.env["key_account.document.access"]
        if self.level not in LOGGED_LEVELS:
            return Access
        # One row lock numbers the copies of a document one after another.
        self.env.cr.execute(
            SQL(
                "UPDATE key_account_document SET copy_count = "
                "COALESCE(copy_count, 0) + 1 WHERE id = %s RETURNING copy_count",
                self.id,
            )
        )
        number = self.env.cr.fetchone()[0]
        self.invalidate_recordset(["copy_count"])
        # The log is the system's: nobody writes it by hand.
        return Access.sudo().create(
            {
                "document_id": self.id,
                "user_id": self.env.uid,
                "copy_number": number,
                "level": self.level,
            }
        )

    def _key_account_copy_filename(self, access):
        """The file name of a copy, with its number when it is logged."""
        self.ensure_one()
        name = self.file_name or self.title or self.name
        if not access:
            return name
        stem, ext = os.path.splitext(name)
        return f"{stem} [{access.name.replace('/', '-')}]{ext}"
