# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression


class StockPicking(models.Model):
    """Key-account deliveries (SPEC R26, R59, R62, R63, R65): marked with the
    key account, released only for a confirmed and fully approved order whose
    agreed advance is paid, owed
    goods listed per key account, goods waiting at the office followed up."""

    _inherit = "stock.picking"
    # Public methods (RPC endpoints): states and roles, see
    # key_account.guard.mixin.
    _key_account_transitions = {
        "action_key_account_approve_release": (
            ("assigned", "confirmed", "waiting"),
            ("stock_manager",),
        ),
        "button_validate": (("assigned", "confirmed"), ("stock_user",)),
    }

    # === FIELDS === #
    key_account_partner_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        compute="_compute_key_account_partner_id",
        store=True,
        index="btree_not_null",
        help="The key account whose order this transfer carries.",
    )
    key_account_file_number = fields.Char(
        related="key_account_partner_id.key_account_file_number",
        string="Key-Account File Number",
    )
    key_account_waiting_notified = fields.Boolean(
        string="Rep Told of Goods Waiting",
        copy=False,
        readonly=True,
        help="The rep was given an activity for goods of this delivery waiting "
        "at the office.",
    )

    key_account_release_approved_by_id = fields.Many2one(
        "res.users",
        string="Release of Held Stock Approved By",
        copy=False,
        readonly=True,
        tracking=True,
        help="The stock manager who approved taking key-account held stock "
        "with this transfer.",
    )
    key_account_release_approved_on = fields.Datetime(
        string="Release Approved On", copy=False, readonly=True
    )
    key_account_takes_held_stock = fields.Boolean(
        string="Takes Held Stock",
        compute="_compute_key_account_takes_held_stock",
        help="The transfer moves goods out of a key account's hold location.",
    )

    # === COMPUTE METHODS === #
    @api.depends("move_ids.location_id", "move_line_ids.location_id")
    def _compute_key_account_takes_held_stock(self):
        for picking in self:
            locations = picking.move_ids.location_id | picking.move_line_ids.location_id
            picking.key_account_takes_held_stock = bool(locations.key_account_holder_id)

    @api.depends("sale_id.partner_id.commercial_partner_id.is_key_account")
    def _compute_key_account_partner_id(self):
        for picking in self:
            partner = picking.sale_id.partner_id.commercial_partner_id
            picking.key_account_partner_id = partner.filtered("is_key_account")

    # === CRUD METHODS === #
    def write(self, vals):
        self._key_account_check_release_approval(vals)
        return super().write(vals)

    # === ACTION METHODS === #
    def action_key_account_approve_release(self):
        """The stock manager approves taking the goods held for a key account
        with this transfer (SPEC R64); the approval is kept in the chatter."""
        if not self.env.user.has_group("stock.group_stock_manager"):
            raise AccessError(
                self.env._("Only a stock manager releases key-account held stock.")
            )
        for picking in self:
            if picking.state in ("done", "cancel"):
                raise UserError(self.env._("%s is done or cancelled.", picking.name))
            holders = (
                picking.move_ids.location_id | picking.move_line_ids.location_id
            ).key_account_holder_id
            if not holders:
                raise UserError(
                    self.env._(
                        "%s takes no goods from a key account's hold location.",
                        picking.name,
                    )
                )
            picking.write(
                {
                    "key_account_release_approved_by_id": self.env.uid,
                    "key_account_release_approved_on": fields.Datetime.now(),
                }
            )
            picking.message_post(
                body=self.env._(
                    "Release of the stock held for %(holders)s approved by %(user)s.",
                    holders=", ".join(holders.mapped("name")),
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def button_validate(self):
        self._key_account_check_release()
        return super().button_validate()

    def _action_done(self):
        """Whatever the caller (button, wizard, RPC), key-account goods leave
        only for a confirmed and fully approved order (SPEC R65)."""
        self._key_account_check_release()
        self._key_account_check_advance()
        res = super()._action_done()
        self.env["key_account.office.receipt"]._create_for(self)
        return res

    # === BUSINESS METHODS === #
    def _key_account_slip_copies(self):
        """Copies of the delivery slip (SPEC R65): a key-account delivery
        prints one for the customer, the warehouse and accounting; any other
        transfer one unlabelled copy."""
        self.ensure_one()
        if not self.key_account_partner_id:
            return [False]
        return [
            self.env._("Copy 1/3: Customer"),
            self.env._("Copy 2/3: Warehouse"),
            self.env._("Copy 3/3: Accounting"),
        ]

    def _key_account_check_release_approval(self, vals):
        """Only a stock manager approves a release, in their own name (RPC
        included); the tracked field keeps who and when."""
        if not {
            "key_account_release_approved_by_id",
            "key_account_release_approved_on",
        } & set(vals):
            return
        approver = vals.get("key_account_release_approved_by_id")
        if not self.env.user.has_group("stock.group_stock_manager") or approver not in (
            False,
            None,
            self.env.uid,
        ):
            raise AccessError(
                self.env._(
                    "Only a stock manager approves the release of key-account "
                    "held stock, in their own name."
                )
            )

    def _key_account_deliveries(self):
        return self.filtered(
            lambda p: (
                p.key_account_partner_id
                and p.picking_type_code == "outgoing"
                and p.sale_id
            )
        )

    def _key_account_check_release(self):
        """Refuse to ship key-account goods of an order not confirmed or not
        fully approved (an approval restarted after a change included).

        The order is read as superuser: a stock user validating the delivery
        may not read sales orders; only its state and approvals are read.
        """
        blocked = []
        for picking in self._key_account_deliveries():
            order = picking.sale_id.sudo()
            if order.state != "sale":
                blocked.append(
                    self.env._(
                        "%(picking)s: order %(order)s is not confirmed",
                        picking=picking.name,
                        order=order.name,
                    )
                )
                continue
            missing = order._key_account_missing_approvals()
            if missing:
                blocked.append(
                    self.env._(
                        "%(picking)s: order %(order)s still needs: %(missing)s",
                        picking=picking.name,
                        order=order.name,
                        missing="; ".join(missing),
                    )
                )
        if blocked:
            raise UserError(
                self.env._(
                    "Key-account goods leave only for a confirmed, fully "
                    "approved order:\n- %s",
                    "\n- ".join(blocked),
                )
            )

    def _key_account_check_advance(self):
        """Refuse to deliver goods of an order whose agreed advance is not
        paid, whoever validates (button, RPC, backorder wizard) (SPEC R26).
        The order is read as superuser for the reason above."""
        for picking in self.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.sale_id
        ):
            order = picking.sale_id.sudo()
            missing = order._key_account_advance_missing()
            if missing > 0:
                raise UserError(
                    self.env._(
                        "%(picking)s waits for the advance payment of "
                        "%(order)s: %(percent)s %% of the order, %(missing)s "
                        "still to be paid.",
                        picking=picking.name,
                        order=order.name,
                        percent=order.key_account_advance_percent,
                        missing=order.currency_id.format(missing),
                    )
                )

    @api.model
    def _key_account_goods_owed_domain(self):
        """Backorders of key-account deliveries still to ship (SPEC R63)."""
        return [
            ("key_account_partner_id", "!=", False),
            ("picking_type_code", "=", "outgoing"),
            ("location_dest_id.usage", "=", "customer"),
            ("backorder_id", "!=", False),
            ("state", "not in", ("done", "cancel")),
        ]

    @api.model
    def _cron_key_account_goods_waiting(self, batch_size=200):
        """Daily: goods of a key-account order ready in the office warehouse
        for more than their company's days give the rep one activity per
        delivery (SPEC R62). Idempotent (a delivery is flagged once told),
        one batch per call with a constant number of queries; the cron runner
        calls again while ``_notify_progress`` reports work remaining."""
        now = fields.Datetime.now()
        domain = [
            ("key_account_partner_id", "!=", False),
            ("picking_type_code", "=", "outgoing"),
            ("location_dest_id.usage", "=", "customer"),
            ("state", "=", "assigned"),
            ("key_account_waiting_notified", "=", False),
        ] + expression.OR(
            [
                [
                    ("company_id", "=", company.id),
                    # Reserved at the office since: the oldest reservation.
                    (
                        "move_line_ids.create_date",
                        "<",
                        now - timedelta(days=company.key_account_goods_waiting_days),
                    ),
                ]
                for company in self.env["res.company"].sudo().search([])
            ]
        )
        pickings = self.search_fetch(
            domain,
            ["name", "sale_id", "key_account_partner_id", "company_id"],
            limit=batch_size,
        )
        activity_type = self.env.ref(
            "key_account.mail_activity_key_account_goods_waiting"
        )
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        vals_list = []
        for picking in pickings:
            user = picking.sale_id.user_id or picking.key_account_partner_id.user_id
            if not user:
                continue
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": picking.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "summary": self.env._(
                        "Goods of %(order)s waiting at the office more than "
                        "%(days)s days",
                        order=picking.sale_id.name,
                        days=picking.company_id.key_account_goods_waiting_days,
                    ),
                    "date_deadline": today,
                }
            )
        self.env["mail.activity"].create(vals_list)
        pickings.write({"key_account_waiting_notified": True})
        remaining = self.search_count(domain) if len(pickings) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(pickings), remaining=remaining)
        return len(pickings)
