# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
import logging

from odoo import api, fields, models
from odoo.tools import format_date

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    """The account executives' monthly mobile allowance (SPEC R32): a
    fixed amount billed to each executive every month and charged to the
    KA department's expense account, not paid as commission."""

    _inherit = "account.move"

    # === FIELDS === #
    key_account_allowance_user_id = fields.Many2one(
        "res.users",
        string="Mobile Allowance Of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The account executive whose monthly mobile allowance this bill pays.",
    )
    key_account_allowance_month = fields.Date(
        string="Mobile Allowance Month", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "key_account_allowance_unique",
            "unique(company_id, key_account_allowance_user_id, "
            "key_account_allowance_month)",
            "An account executive's mobile allowance is billed once a month.",
        ),
    ]

    # === BUSINESS METHODS === #
    @api.model
    def _cron_key_account_mobile_allowance(self):
        """Daily, acting once a month: each account executive of a key
        account gets a draft vendor bill of the company's mobile allowance,
        charged to the KA department's expense account, for accounting to
        post and pay. A bill once created for the month (even cancelled) is
        not made again; companies without the amount or the account bill
        nothing."""
        month = fields.Date.context_today(self).replace(day=1)
        executives = defaultdict(set)
        for company, user in (
            self.env["res.partner"]
            .sudo()
            ._read_group(
                [
                    ("is_key_account", "=", True),
                    ("key_account_executive_id", "!=", False),
                    ("key_account_executive_id.active", "=", True),
                ],
                ["company_id", "key_account_executive_id"],
            )
        ):
            executives[company or self.env.company].add(user)
        Move = self.sudo()
        billed = {
            (move.company_id.id, move.key_account_allowance_user_id.id)
            for move in Move.search([("key_account_allowance_month", "=", month)])
        }
        bills = Move.browse()
        for company, users in executives.items():
            users = sorted(
                (user for user in users if (company.id, user.id) not in billed),
                key=lambda user: user.id,
            )
            if not users or not company.key_account_executive_mobile_allowance:
                continue
            if not company.key_account_department_expense_account_id:
                _logger.warning(
                    "Mobile allowances of %s not billed: no KA department "
                    "expense account in the Key Accounts settings.",
                    company.name,
                )
                continue
            bills |= Move.with_company(company).create(
                [
                    self._key_account_allowance_vals(company, user, month)
                    for user in users
                ]
            )
        return bills

    @api.model
    def _key_account_allowance_vals(self, company, user, month):
        """The draft bill of ``user``'s mobile allowance for ``month`` in
        ``company``."""
        label = self.env._(
            "Mobile allowance %(month)s: %(user)s",
            month=format_date(self.env, month, date_format="MMMM y"),
            user=user.name,
        )
        vals = self._key_account_bill_vals(
            user.partner_id,
            company,
            label,
            label,
            company.key_account_department_expense_account_id,
            company.key_account_executive_mobile_allowance,
            journal=company.key_account_settlement_journal_id,
        )
        vals.update(
            key_account_allowance_user_id=user.id, key_account_allowance_month=month
        )
        return vals
