# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class StockPicking(models.Model):
    """Key-account deliveries (SPEC R26, R59, R62, R63, R65): marked with the
    key account, released only for a confirmed and fully approved order whose
    agreed advance is paid, owed
    goods listed per key account, goods waiting at the office followed up."""

    _inherit = "stock.picking"

    # Fields
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
        "at the office (SPEC R62).",
    )

    # Computes
    @api.depends("sale_id.partner_id.commercial_partner_id.is_key_account")
    def _compute_key_account_partner_id(self):
        for picking in self:
            partner = picking.sale_id.partner_id.commercial_partner_id
            picking.key_account_partner_id = partner.filtered("is_key_account")

    # Actions
    def button_validate(self):
        self._key_account_check_release()
        return super().button_validate()

    def _action_done(self):
        """Whatever the caller (button, wizard, RPC), key-account goods leave
        only for a confirmed and fully approved order (SPEC R65)."""
        self._key_account_check_release()
        self._key_account_check_advance()
        res = super()._action_done()
        self.env["key_account.office.receipt"]._key_account_create_for(self)
        return res

    # Business methods
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
