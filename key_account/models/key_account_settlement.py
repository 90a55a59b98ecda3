# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .key_account_authority_rule import LEVEL_SELECTION


class KeyAccountSettlement(models.Model):
    """A beneficiary's commission for a period (SPEC R36): the KA head
    approves it, never the beneficiary; accounting turns it into a vendor
    bill to pay and reconcile in Odoo. Accounting cancels it while its bill is
    unpaid: a draft bill is deleted, a posted one reversed. The bill itself is
    not deleted, reset or cancelled while the settlement is billed."""

    _name = "key_account.settlement"
    _description = "Key-Account Commission Settlement"
    _inherit = ["key_account.guard.mixin", "key_account.sequence.mixin", "mail.thread"]
    _key_account_sequence = "key_account.settlement"
    _order = "date_to desc, id desc"

    # Settlements are read-only to everyone: the actions below check who may
    # approve, bill or cancel and then write as the system, so no RPC write
    # can move a settlement or its lines. Who calls what, from which states:
    # action_approve     draft     the KA head (or a running delegation of
    #                              one), never the beneficiary; a rebate
    #                              payout the role its rate needs
    # action_create_bill approved  accounting, never the beneficiary
    # action_cancel      draft, approved, billed (bill unpaid)
    #                              accounting, never the beneficiary
    # action_view_bill   any       whoever reads the settlement
    _key_account_user_fields = {"*": ()}
    _key_account_create_fields = ()
    _key_account_transitions = {
        "action_approve": (("draft",), ("head", "director", "general_manager", "rep")),
        "action_create_bill": (("approved",), ("billing",)),
        "action_cancel": (("draft", "approved", "billed"), ("billing",)),
        "action_view_bill": (None, ("reader",)),
    }

    # === FIELDS === #
    kind = fields.Selection(
        [("commission", "Commission"), ("rebate", "Customer Rebate Payout")],
        required=True,
        default="commission",
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Beneficiary",
        readonly=True,
        index=True,
        help="The rep, account executive or KA head paid; empty on a "
        "customer's rebate payout.",
    )
    customer_id = fields.Many2one("res.partner", readonly=True, index="btree_not_null")
    partner_id = fields.Many2one(
        "res.partner",
        string="Pay To",
        required=True,
        readonly=True,
        help="The vendor of the bill: the beneficiary's contact, or for a "
        "rebate the customer or one of its contacts.",
    )
    required_level = fields.Selection(
        LEVEL_SELECTION,
        string="Approval Level",
        compute="_compute_required_level",
        store=True,
        help="Who approves: for a rebate payout, the role whose limit in the "
        "Authority Matrix covers the rebate rate; commission settlements are "
        "approved by the KA head.",
    )
    date_to = fields.Date(string="Up To", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many(
        "key_account.commission.line", "settlement_id", string="Lines", readonly=True
    )
    amount_total = fields.Monetary(
        string="Total", compute="_compute_amount_total", store=True
    )
    state = fields.Selection(
        [
            ("draft", "To Approve"),
            ("approved", "Approved"),
            ("billed", "Billed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    bill_id = fields.Many2one("account.move", readonly=True, copy=False)
    bill_state = fields.Selection(
        related="bill_id.state", string="Bill Status", tracking=False
    )
    bill_payment_state = fields.Selection(
        related="bill_id.payment_state", string="Bill Payment", tracking=False
    )

    # === COMPUTE METHODS === #
    @api.depends("kind", "line_ids.rate", "company_id")
    def _compute_required_level(self):
        for settlement in self:
            rule = (
                self.env["key_account.authority.rule"]
                ._rules_by_type(settlement.company_id)
                .get("rebate")
            )
            rate = max(settlement.line_ids.mapped("rate"), default=0.0)
            settlement.required_level = (
                rule._level(rate)
                if settlement.kind == "rebate" and rule
                else "director"
            )

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for settlement in self:
            settlement.amount_total = sum(settlement.line_ids.mapped("amount"))

    # === CRUD METHODS === #
    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if self.filtered(lambda s: s.state != "cancelled"):
            raise UserError(
                self.env._("Only cancelled commission settlements can be deleted.")
            )

    # === ACTION METHODS === #
    def action_approve(self):
        """The KA head approves commissions (SPEC R36), never the
        beneficiary; a rebate payout the role its rate needs (R34)."""
        for settlement in self:
            settlement._key_account_check_transition(
                "action_approve",
                self.env._("%s is not waiting for approval.", settlement.name),
            )
            settlement._check_not_beneficiary()
            if not settlement._may_approve():
                raise AccessError(
                    self.env._(
                        "%(name)s needs the approval of: %(level)s.",
                        name=settlement.name,
                        level=self._fields["required_level"].convert_to_export(
                            settlement.required_level, self
                        ),
                    )
                )
        self._key_account_system_write(
            {"state": "approved", "approved_by_id": self.env.uid}
        )
        for settlement in self.filtered(lambda s: s.kind == "commission"):
            head = settlement._head_approver()
            if head != self.env.user:
                # Settlements are read-only to users: the note is the system's.
                settlement.sudo().message_post(
                    body=self.env._(
                        "Approved by %(user)s on behalf of %(head)s.",
                        user=self.env.user.name,
                        head=head.name,
                    ),
                    author_id=self.env.user.partner_id.id,
                    subtype_xmlid="mail.mt_note",
                )
        return True

    def action_create_bill(self):
        """Accounting turns approved settlements into vendor bills."""
        self._check_accounting()
        for settlement in self:
            settlement._check_not_beneficiary()
            settlement._key_account_check_transition(
                "action_create_bill",
                self.env._(
                    "%s must be approved by the KA head before it is billed.",
                    settlement.name,
                ),
            )
            bill = self.env["account.move"].create(settlement._prepare_bill())
            settlement._key_account_system_write(
                {"state": "billed", "bill_id": bill.id}
            )
            settlement._set_lines_state("settled")
        return True

    def action_cancel(self):
        """Accounting cancels a settlement not paid yet: its lines are settled
        again later. A draft bill is deleted; a posted one is reversed by a
        credit note reconciled with it (the bill stays linked)."""
        self._check_accounting()
        for settlement in self:
            settlement._check_not_beneficiary()
            if settlement.state == "cancelled":
                raise UserError(self.env._("%s is already cancelled.", settlement.name))
            bill = settlement.bill_id
            if bill.state == "posted" and bill.payment_state != "not_paid":
                raise UserError(
                    self.env._(
                        "%s is paid (in part): its payment must be undone before "
                        "the settlement is cancelled.",
                        settlement.name,
                    )
                )
        drafts = self.bill_id.filtered(lambda bill: bill.state != "posted")
        posted = self.bill_id - drafts
        # Detached first: a bill of a billed settlement cannot be deleted or
        # reversed (account.move._key_account_check_settlement_bill).
        for settlement in self:
            settlement._key_account_system_write(
                {
                    "state": "cancelled",
                    "bill_id": False
                    if settlement.bill_id in drafts
                    else settlement.bill_id.id,
                }
            )
        drafts.unlink()
        if posted:
            posted._reverse_moves(
                [
                    {
                        "ref": self.env._("Cancellation of %s", bill.ref or bill.name),
                        "date": fields.Date.context_today(self),
                        "invoice_date": fields.Date.context_today(self),
                    }
                    for bill in posted
                ],
                cancel=True,
            )
        self._set_lines_state("to_settle", detach=True)
        return True

    @api.readonly
    def action_view_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.bill_id.id,
            "view_mode": "form",
        }

    # === BUSINESS METHODS === #
    def _may_approve(self):
        self.ensure_one()
        user = self.env.user
        if self.kind == "commission":
            return bool(self._head_approver())
        if self.required_level == "manager":
            return user.has_group("key_account.group_key_account_manager")
        if user.has_group("key_account.group_key_account_director"):
            return True
        return self.required_level == "rep" and self.customer_id.user_id == user

    def _head_approver(self):
        """The KA head in whose name the current user approves a commission
        settlement: the user, or the KA head whose running delegation for
        every approval step (none selected) the user holds. Never the
        beneficiary."""
        self.ensure_one()
        user = self.env.user
        head_group = self.env.ref("key_account.group_key_account_head")
        if user in head_group.users:
            return user
        delegations = self.env["key_account.delegation"]._running(
            head_group.users - self.user_id
        )
        return delegations.filtered(
            lambda d: d.delegate_id == user and not d.definition_ids
        )[:1].user_id

    def _check_not_beneficiary(self):
        """Separation of duties: a beneficiary never approves, bills or
        cancels their own settlement."""
        for settlement in self:
            if settlement.user_id and settlement.user_id == self.env.user:
                raise AccessError(
                    self.env._(
                        "%s is your own commission settlement: someone else "
                        "handles it.",
                        settlement.name,
                    )
                )

    def _bill_message(self):
        """Why the bills of these billed settlements stay as they are."""
        return self.env._(
            "%(bills)s is the bill of %(settlements)s: cancel the settlement "
            "first (a draft bill is then deleted, a posted one reversed).",
            bills=", ".join(self.bill_id.mapped("display_name")),
            settlements=", ".join(self.mapped("name")),
        )

    def _check_accounting(self):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._("Only accounting bills or cancels commission settlements.")
            )

    def _set_lines_state(self, state, detach=False):
        """Lines are system records nobody edits: only their settlement moves
        them between to settle and settled."""
        vals = {"state": state}
        if detach:
            vals["settlement_id"] = False
        self.line_ids.sudo().write(vals)

    def _prepare_bill(self):
        self.ensure_one()
        company = self.company_id
        if self.kind == "rebate":
            account = company._key_account_required_setting(
                "key_account_rebate_account_id", self.env._("bill rebate payouts")
            )
        else:
            account = company._key_account_required_setting(
                "key_account_commission_account_id",
                self.env._("bill commission settlements"),
            )
        return self.env["account.move"]._key_account_bill_vals(
            self.partner_id,
            company,
            self.name,
            self._bill_label(),
            account,
            self.amount_total,
            journal=company.key_account_settlement_journal_id,
        )

    def _bill_label(self):
        if self.kind == "rebate":
            return self.env._(
                "Rebate of %(customer)s up to %(date)s (%(name)s)",
                customer=self.customer_id.name,
                date=self.date_to,
                name=self.name,
            )
        return self.env._(
            "Commission up to %(date)s (%(name)s)", date=self.date_to, name=self.name
        )

    @api.model
    def _rebate_payout(self, lines, payee=None):
        """Payout requests of the accrued rebate ``lines``, one per customer,
        paid in full to the customer or ``payee``, one of its contacts (SPEC
        R34)."""
        lines = lines.filtered(
            lambda line: (
                line.kind == "rebate"
                and line.state == "to_settle"
                and not line.settlement_id
            )
        )
        if not lines:
            raise UserError(self.env._("Select accrued rebates not yet requested."))
        if payee and payee.commercial_partner_id != lines.partner_id:
            raise UserError(
                self.env._("A rebate is paid to the customer or one of its contacts.")
            )
        settlements = self.browse()
        for (company, customer), group in lines.grouped(
            lambda line: (line.company_id, line.partner_id)
        ).items():
            if company.currency_id.compare_amounts(sum(group.mapped("amount")), 0) <= 0:
                continue
            settlement = self.sudo().create(
                {
                    "kind": "rebate",
                    "customer_id": customer.id,
                    "partner_id": (payee or customer).id,
                    "date_to": max(group.mapped("date")),
                    "company_id": company.id,
                }
            )
            group.sudo().write({"settlement_id": settlement.id})
            settlements |= settlement.sudo(False)
        return settlements

    @api.model
    def _key_account_settle(self, date_to, companies=None):
        """Settlements of the commission lines to settle up to ``date_to``,
        one per beneficiary and company. Beneficiaries owed nothing overall
        keep their lines for the next period. Returns the settlements."""
        companies = companies or self.env.companies
        groups = (
            self.env["key_account.commission.line"]
            .sudo()
            ._read_group(
                [
                    ("state", "=", "to_settle"),
                    ("settlement_id", "=", False),
                    ("kind", "in", ("commission", "fixed")),
                    ("user_id", "!=", False),
                    ("date", "<=", date_to),
                    ("company_id", "in", companies.ids),
                ],
                ["company_id", "user_id"],
                ["amount:sum", "id:array_agg"],
            )
        )
        vals_list, line_ids = [], []
        for company, user, amount, ids in groups:
            if company.currency_id.compare_amounts(amount, 0.0) <= 0:
                continue
            vals_list.append(
                {
                    "user_id": user.id,
                    "partner_id": user.partner_id.id,
                    "date_to": date_to,
                    "company_id": company.id,
                }
            )
            line_ids.append(ids)
        settlements = self.sudo().create(vals_list).sudo(False)
        for settlement, ids in zip(settlements, line_ids, strict=True):
            self.env["key_account.commission.line"].browse(ids).sudo().write(
                {"settlement_id": settlement.id}
            )
        return settlements

    @api.model
    def _cron_key_account_settle(self):
        """Monthly: settle the previous month (SPEC R36)."""
        today = fields.Date.context_today(self)
        last_month_end = today.replace(day=1) - relativedelta(days=1)
        self._key_account_settle(last_month_end, self.env["res.company"].search([]))
