# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Settings of the customer file's governance (SPEC R69, R71, R78): the
    entry limit of collected information, who receives reviewed changes,
    and the window of purchase frequency and revenue share."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_file_entry_days = fields.Integer(
        string="File Entry Within (Working Days)",
        default=2,
        help="Information on a key account is entered within these working "
        "days of learning it, and a new customer file is reviewed within them.",
    )
    key_account_file_late_policy = fields.Selection(
        [("flag", "Flag the Change"), ("refuse", "Refuse the Change")],
        string="Late Entry by a Rep",
        default="flag",
        required=True,
        help="Flag: the late change is saved and flagged in its review. "
        "Refuse: a rep cannot save it; his office manager or a director enters "
        "it (flagged late).",
    )
    key_account_file_marketing_user_ids = fields.Many2many(
        "res.users",
        "key_account_company_file_marketing_rel",
        "company_id",
        "user_id",
        string="Marketing (Users)",
        help="Receive each reviewed change of key customer data.",
    )
    key_account_file_marketing_group_id = fields.Many2one(
        "res.groups",
        string="Marketing (Group)",
        help="Its members receive each reviewed change of key customer data.",
    )
    key_account_file_supervisor_user_ids = fields.Many2many(
        "res.users",
        "key_account_company_file_supervisor_rel",
        "company_id",
        "user_id",
        string="Customer-Information Supervisors",
        help="Also receive each reviewed change (the customer-information "
        "supervisor). The rep's office manager always reviews it.",
    )
    key_account_file_window_months = fields.Integer(
        string="Purchase Statistics Over (Months)",
        default=12,
        help="Window of the purchase frequency and revenue share shown on the "
        "customer file.",
    )

    # === CONSTRAINT METHODS === #
    @api.constrains("key_account_file_entry_days", "key_account_file_window_months")
    def _check_key_account_file_settings(self):
        for company in self:
            if (
                company.key_account_file_entry_days < 0
                or company.key_account_file_window_months < 1
            ):
                raise ValidationError(
                    self.env._(
                        "The file entry limit cannot be negative and the "
                        "purchase statistics cover at least one month."
                    )
                )

    # === BUSINESS METHODS === #
    def _key_account_file_recipients(self):
        """Users who receive a reviewed change: marketing (users and group
        members) and the customer-information supervisors; active internal
        users only."""
        self.ensure_one()
        users = (
            self.key_account_file_marketing_user_ids
            | self.key_account_file_marketing_group_id.sudo().users
            | self.key_account_file_supervisor_user_ids
        )
        return users.filtered(lambda u: u.active and not u.share)
