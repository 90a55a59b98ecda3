# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import format_date


class KeyAccountAgreementSigning(models.Model):
    """The agreement's paper (SPEC R22, R23): the customer's requirement form
    and sealed copy, their review, the company seal and the signature of
    the KA head, the office manager or a clerk under a signing
    authorization."""

    _inherit = "key_account.agreement"

    # === FIELDS === #
    requirement_form_ids = fields.Many2many(
        "ir.attachment",
        "key_account_agreement_requirement_rel",
        "agreement_id",
        "attachment_id",
        string="Customer Requirement Form",
        copy=False,
        help="签订合同客户需求申请单: required before the agreement is active.",
    )

    customer_sealed_ids = fields.Many2many(
        "ir.attachment",
        "key_account_agreement_customer_sealed_rel",
        "agreement_id",
        "attachment_id",
        string="Copy Sealed by the Customer",
        copy=False,
    )

    signed_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True
    )

    signed_date = fields.Date(string="Signed On", readonly=True, copy=False)

    signing_authorization_id = fields.Many2one(
        "key_account.signing.authorization",
        string="Signed Under",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The KA head's written authorization the clerk signed under.",
    )

    signable_by_ids = fields.Many2many(
        "res.users",
        compute="_compute_signable_by_ids",
        search="_search_signable_by_ids",
        string="Clerks Authorized to Sign",
        help="Clerks whose running signing authorizations cover this approved "
        "agreement's customer: they read it to sign it (record rule).",
    )

    customer_copy_reviewed_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False
    )

    sealed_pdf_ids = fields.Many2many(
        "ir.attachment",
        "key_account_agreement_sealed_rel",
        "agreement_id",
        "attachment_id",
        string="Sealed Agreement",
        copy=False,
    )

    company_sealed = fields.Boolean(readonly=True, copy=False, tracking=True)

    company_sealed_by_id = fields.Many2one(
        "res.users", string="Seal Recorded By", readonly=True, copy=False
    )

    company_sealed_date = fields.Date(string="Sealed On", readonly=True, copy=False)

    # === COMPUTE METHODS === #
    @api.depends("state", "partner_id", "company_id")
    def _compute_signable_by_ids(self):
        today = fields.Date.context_today(self)
        running = (
            self.env["key_account.signing.authorization"]
            .sudo()
            .search(
                [
                    ("state", "=", "granted"),
                    ("date_from", "<=", today),
                    ("date_to", ">=", today),
                ]
            )
        )
        for agreement in self:
            partner = agreement.partner_id.commercial_partner_id
            agreement.signable_by_ids = (
                running.filtered(
                    lambda a, ag=agreement, p=partner: (
                        a.company_id == ag.company_id
                        and (not a.partner_ids or p in a.partner_ids)
                    )
                ).user_id
                if agreement.state == "approved"
                else False
            )

    def _search_signable_by_ids(self, operator, value):
        """Approved agreements the running signing authorizations of the
        users ``value`` cover: the clerk reads them to sign them."""
        if operator not in ("in", "=") or not value:
            raise UserError(self.env._("Unsupported search on the signing clerks."))
        ids = value if isinstance(value, (list, tuple)) else [value]
        Authorization = self.env["key_account.signing.authorization"]
        today = fields.Date.context_today(self)
        return expression.AND(
            [
                [("state", "=", "approved")],
                expression.OR(
                    [
                        Authorization._signable_partner_domain(user, today)
                        for user in self.env["res.users"].browse(ids)
                    ]
                ),
            ]
        )

    # === ACTION METHODS === #
    def action_review_customer_copy(self):
        """The CS supervisor checked the copy the customer sealed first (R22)."""
        self._check_reviewer()
        for agreement in self:
            if agreement.state not in ("approved", "active") or not (
                agreement.customer_sealed_ids
            ):
                raise UserError(
                    self.env._("Attach the copy the customer sealed first.")
                )
            agreement._key_account_system_write(
                {"customer_copy_reviewed_by_id": self.env.uid}
            )
            agreement.message_post(
                body=self.env._("Customer-sealed copy reviewed."),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_record_company_seal(self):
        """Head office sealed the finally reviewed version (R22)."""
        self._check_reviewer()
        for agreement in self:
            agreement._key_account_check_transition(
                "action_record_company_seal",
                self.env._("Only the finally reviewed agreement is sealed."),
            )
            if agreement.customer_sealed_ids and not (
                agreement.customer_copy_reviewed_by_id
            ):
                raise UserError(
                    self.env._(
                        "The customer sealed first: review the customer's copy "
                        "before recording the company seal."
                    )
                )
            if not agreement.sealed_pdf_ids:
                raise UserError(self.env._("Attach the sealed agreement first."))
            agreement._key_account_system_write(
                {
                    "company_sealed": True,
                    "company_sealed_by_id": self.env.uid,
                    "company_sealed_date": fields.Date.context_today(self),
                }
            )
        return True

    def action_sign(self):
        """The company signs the approved agreement (R22): the KA head, or a
        KA clerk under the KA head's written authorization valid today,
        covering the customer (and the deviation, if any). The agreement
        records who signed, when, and under which authorization."""
        today = fields.Date.context_today(self)
        user = self.env.user
        is_head = self.env.su or user.has_group("key_account.group_key_account_head")
        Authorization = self.env["key_account.signing.authorization"]
        for agreement in self:
            agreement._key_account_check_transition(
                "action_sign", self.env._("Only the approved agreement is signed.")
            )
            if agreement.signed_by_id:
                raise UserError(
                    self.env._(
                        "%(agreement)s was signed by %(user)s.",
                        agreement=agreement.name,
                        user=agreement.signed_by_id.name,
                    )
                )
            agreement.check_access("read")
            authorization = Authorization
            if not is_head:
                authorization = Authorization._find_for(user, agreement, today)
                if not authorization:
                    raise AccessError(
                        self.env._(
                            "%(agreement)s: the KA clerk signs only under the KA "
                            "head's written authorization valid on %(date)s and "
                            "covering this customer%(deviating)s; you hold none.",
                            agreement=agreement.name,
                            date=format_date(self.env, today),
                            deviating=self.env._(" and deviating agreements")
                            if agreement.has_deviation
                            else "",
                        )
                    )
            agreement._key_account_system_write(
                {
                    "signed_by_id": user.id,
                    "signed_date": today,
                    "signing_authorization_id": authorization.id,
                }
            )
            agreement.message_post(
                body=self.env._(
                    "Signed by %(user)s%(under)s.",
                    user=user.name,
                    under=self.env._(
                        " under the authorization %s", authorization.display_name
                    )
                    if authorization
                    else "",
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True
