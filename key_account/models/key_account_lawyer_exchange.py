# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import is_blank


class KeyAccountLawyerExchange(models.Model):
    """The customer-support supervisor's log of exchanges with the company's
    external lawyers (SPEC R22; 客户支持主管作为公司唯一指定接口与律师接洽):
    she alone records them; supervisors and above read them, reps never."""

    _name = "key_account.lawyer.exchange"
    _description = "Exchange with External Lawyers"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _rec_name = "subject"
    _check_company_auto = True

    # === FIELDS === #
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    lawyer_id = fields.Many2one(
        "res.partner",
        string="Lawyer or Law Firm",
        required=True,
        index=True,
        tracking=True,
    )
    subject = fields.Char(required=True, tracking=True)
    summary = fields.Text(required=True)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "key_account_lawyer_exchange_attachment_rel",
        "exchange_id",
        "attachment_id",
        string="Documents",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index="btree_not_null",
        tracking=True,
        domain=[("is_company", "=", True)],
    )
    agreement_id = fields.Many2one(
        "key_account.agreement",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # === CONSTRAINT METHODS === #
    @api.constrains("subject", "summary", "agreement_id", "partner_id")
    def _check_exchange(self):
        for exchange in self:
            if is_blank(exchange.subject) or is_blank(exchange.summary):
                raise ValidationError(
                    self.env._("Write the subject and a summary of the exchange.")
                )
            # Customer support may not read every customer: compare as
            # superuser, the check only.
            agreement = exchange.sudo().agreement_id
            partner = exchange.sudo().partner_id
            if (
                agreement
                and partner
                and agreement.partner_id.commercial_partner_id
                != partner.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "The agreement %(agreement)s is not %(partner)s's.",
                        agreement=agreement.name,
                        partner=partner.display_name,
                    )
                )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        self._check_contract_reviewer()
        if not self.env.su:
            for vals in vals_list:
                vals["user_id"] = self.env.uid
        return super().create(vals_list)

    def write(self, vals):
        self._check_contract_reviewer()
        if "user_id" in vals and not self.env.su:
            raise AccessError(self.env._("Who recorded an exchange does not change."))
        return super().write(vals)

    # === BUSINESS METHODS === #
    @api.model
    def _check_contract_reviewer(self):
        """The customer-support supervisor is the company's only contact
        with its lawyers: she alone records the exchanges."""
        if not self.env.su and not self.env.user.has_group(
            "key_account.group_key_account_contract_reviewer"
        ):
            raise AccessError(
                self.env._(
                    "Only the customer-support supervisor records exchanges "
                    "with the external lawyers."
                )
            )
