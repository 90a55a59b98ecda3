# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import add_working_days


class KeyAccountOfficeReceipt(models.Model):
    """Goods received by a key-account office warehouse (SPEC R60, R61): an
    inter-warehouse transfer from the sales company or an OEM shipment with
    its delivery-note reference. The office may object within the window;
    without objection the batch is accepted and booked to the office's goods
    account or the office's receivable (company setting); an objection keeps
    it unbooked until the stock manager resolves it.

    An OEM shipment's delivery-note reference (the receipt's Source Document,
    or typed here) is recorded within the company's working days after the
    shipment (1 by default); later only the stock manager records it and the
    receipt is flagged late. Without its delivery note an OEM shipment is
    neither accepted nor booked."""

    _name = "key_account.office.receipt"
    _description = "Goods Received by a Key-Account Office"
    _inherit = ["key_account.guard.mixin", "mail.thread", "mail.activity.mixin"]
    # The office records its objections (and the OEM's shipment) while the
    # receipt is open; receipts come from the deliveries, never by hand.
    _key_account_user_fields = {
        "open": ("objection_ids", "oem_reference", "oem_shipped_date")
    }
    _key_account_create_fields = ()
    _key_account_transitions = {
        "action_object": (("open",), ("rep", "office_manager", "stock_user")),
        "action_resolve": (("objection",), ("stock_manager",)),
    }
    _order = "date_received desc, id desc"

    # === FIELDS === #
    name = fields.Char(related="picking_id.name", store=True)
    picking_id = fields.Many2one(
        "stock.picking", string="Receipt", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Office Warehouse", required=True, readonly=True
    )
    source = fields.Selection(
        [("transfer", "Transfer from the Sales Company"), ("oem", "OEM Shipment")],
        required=True,
        readonly=True,
    )
    oem_reference = fields.Char(
        string="OEM Delivery Note",
        tracking=True,
        help="Reference of the OEM's delivery note.",
    )
    date_received = fields.Datetime(required=True, readonly=True)
    oem_shipped_date = fields.Date(
        string="OEM Shipped On",
        tracking=True,
        help="Day the OEM shipped the goods to the office; the delivery note "
        "is due within the company's working days after it.",
    )
    oem_record_deadline = fields.Date(
        string="Delivery Note Due",
        compute="_compute_oem_record_deadline",
        store=True,
        index=True,
    )
    oem_recorded_on = fields.Datetime(
        string="Delivery Note Recorded On", readonly=True, copy=False
    )
    oem_late = fields.Boolean(
        string="Delivery Note Recorded Late",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    deadline = fields.Date(
        string="Objections Until",
        compute="_compute_deadline",
        store=True,
        index=True,
        help="Last day the office may object; the batch is accepted the day after.",
    )
    state = fields.Selection(
        [
            ("open", "Open for Objection"),
            ("objection", "In Objection"),
            ("accepted", "Accepted"),
        ],
        default="open",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    objection_ids = fields.One2many(
        "key_account.office.objection", "receipt_id", string="Objections"
    )
    amount = fields.Monetary(
        string="Value Booked",
        currency_field="currency_id",
        readonly=True,
        copy=False,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_id = fields.Many2one(
        "account.move", string="Goods Entry", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "picking_unique",
            "unique(picking_id)",
            "A receipt is accepted once.",
        )
    ]

    # === COMPUTE METHODS === #
    @api.depends(
        "date_received",
        "company_id.key_account_acceptance_days",
        "company_id.key_account_acceptance_unit",
    )
    def _compute_deadline(self):
        for receipt in self:
            if not receipt.date_received:
                receipt.deadline = False
                continue
            company = receipt.company_id
            day = fields.Date.to_date(receipt.date_received)
            days = company.key_account_acceptance_days
            if company.key_account_acceptance_unit == "working":
                receipt.deadline = add_working_days(day, days)
            else:
                receipt.deadline = day + timedelta(days=days)

    @api.depends("source", "oem_shipped_date", "company_id.key_account_oem_record_days")
    def _compute_oem_record_deadline(self):
        for receipt in self:
            receipt.oem_record_deadline = (
                receipt.source == "oem"
                and receipt.oem_shipped_date
                and add_working_days(
                    receipt.oem_shipped_date,
                    receipt.company_id.key_account_oem_record_days,
                )
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("oem_shipped_date")
    def _check_oem_shipped_date(self):
        for receipt in self:
            if receipt.oem_shipped_date and receipt.oem_shipped_date > (
                fields.Date.to_date(receipt.date_received)
            ):
                raise ValidationError(
                    self.env._(
                        "The OEM ships the goods before the office receives them."
                    )
                )

    # === CRUD METHODS === #
    def write(self, vals):
        if "oem_reference" in vals or "oem_shipped_date" in vals:
            self._check_oem_record(vals)
        recording = (
            self.filtered(lambda r: r.source == "oem" and not r.oem_reference)
            if (vals.get("oem_reference") or "").strip()
            else self.browse()
        )
        res = super().write(vals)
        if recording:
            recording._oem_recorded()
        return res

    # === ACTION METHODS === #
    def action_object(self):
        """The office objects within the window: the batch stays unbooked and
        the stock manager is asked to resolve it."""
        today = fields.Date.context_today(self)
        for receipt in self:
            receipt._key_account_check_transition(
                "action_object",
                self.env._("Only a receipt open for objection can be objected to."),
            )
            if today > receipt.deadline:
                raise UserError(
                    self.env._(
                        "The objection window of %(receipt)s closed on %(deadline)s.",
                        receipt=receipt.name,
                        deadline=receipt.deadline,
                    )
                )
            if not receipt.objection_ids:
                raise UserError(
                    self.env._(
                        "Give the product, quantity and reason of the objection."
                    )
                )
            receipt._key_account_system_write({"state": "objection"})
            receipt._notify_stock_manager()
        return True

    def action_resolve(self):
        """The stock manager resolved the objection: the batch is accepted and
        booked, the objected quantities left out."""
        if not self.env.user.has_group("stock.group_stock_manager"):
            raise UserError(self.env._("Only a stock manager resolves objections."))
        for receipt in self:
            receipt._key_account_check_transition(
                "action_resolve", self.env._("This receipt is not in objection.")
            )
            if receipt.source == "oem" and not receipt.oem_reference:
                raise UserError(
                    self.env._(
                        "Record the OEM's delivery-note reference of %s first.",
                        receipt.name,
                    )
                )
        self._key_account_accept()
        return True

    # === BUSINESS METHODS === #
    @api.model
    def _create_for(self, pickings):
        """One batch per done receipt of a key-account office warehouse."""
        pickings = pickings.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "incoming"
        )
        if not pickings:
            return self
        warehouses = pickings.picking_type_id.warehouse_id
        offices = {
            warehouse.id
            for [warehouse] in self.env["res.partner"]
            .sudo()
            ._read_group(
                [("key_account_warehouse_id", "in", warehouses.ids)],
                ["key_account_warehouse_id"],
            )
        }
        existing = set(
            self.sudo().search([("picking_id", "in", pickings.ids)]).picking_id.ids
        )
        vals_list = [
            {
                "picking_id": picking.id,
                "company_id": picking.company_id.id,
                "warehouse_id": picking.picking_type_id.warehouse_id.id,
                "source": "transfer"
                if picking.location_id.usage == "transit"
                else "oem",
                "oem_reference": picking.location_id.usage != "transit"
                and picking.origin,
                "oem_recorded_on": picking.location_id.usage != "transit"
                and picking.origin
                and fields.Datetime.now(),
                "oem_shipped_date": picking.location_id.usage != "transit"
                and fields.Date.context_today(
                    self, picking.date_done or fields.Datetime.now()
                ),
                "date_received": picking.date_done or fields.Datetime.now(),
            }
            for picking in pickings
            if picking.picking_type_id.warehouse_id.id in offices
            and picking.id not in existing
        ]
        # As superuser: the stock user receiving need not manage the batches.
        return self.sudo().create(vals_list)

    def _check_oem_record(self, vals):
        """Past its due day, an OEM delivery note is recorded by the stock
        manager only (SPEC R61); a recorded shipment keeps its shipping day."""
        if self.env.user.has_group("stock.group_stock_manager"):
            return
        today = fields.Date.context_today(self)
        for receipt in self.filtered(lambda r: r.source == "oem"):
            if "oem_shipped_date" in vals and receipt.oem_reference:
                raise UserError(
                    self.env._(
                        "%s: the shipping day of a recorded OEM shipment is "
                        "changed by the stock manager only.",
                        receipt.name,
                    )
                )
            if (
                "oem_reference" in vals
                and not receipt.oem_reference
                and receipt.oem_record_deadline
                and today > receipt.oem_record_deadline
            ):
                raise UserError(
                    self.env._(
                        "%(receipt)s: the OEM delivery note was due by "
                        "%(deadline)s; only the stock manager records it now.",
                        receipt=receipt.name,
                        deadline=receipt.oem_record_deadline,
                    )
                )

    def _oem_recorded(self):
        """Stamp the recording of the delivery notes; a late one is flagged
        and noted in the chatter."""
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        for receipt in self:
            late = bool(
                receipt.oem_record_deadline and today > receipt.oem_record_deadline
            )
            receipt._key_account_system_write(
                {"oem_recorded_on": now, "oem_late": late}
            )
            if late:
                receipt.message_post(
                    body=self.env._(
                        "OEM delivery note recorded late by %(user)s (due by "
                        "%(deadline)s).",
                        user=self.env.user.name,
                        deadline=receipt.oem_record_deadline,
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    def _notify_stock_manager(self):
        self.ensure_one()
        user = self.company_id.key_account_stock_manager_id or self.create_uid
        self.activity_schedule(
            "key_account.mail_activity_key_account_objection",
            user_id=user.id,
            summary=self.env._("Resolve the office's objection to %s", self.name),
        )

    def _key_account_value(self):
        """Value of the goods received less the objected quantities, at cost."""
        self.ensure_one()
        objected = {}
        for line in self.objection_ids:
            objected[line.product_id] = (
                objected.get(line.product_id, 0.0) + line.quantity
            )
        value = 0.0
        for move in self.picking_id.move_ids.filtered(lambda m: m.state == "done"):
            quantity = move.product_uom._compute_quantity(
                move.quantity, move.product_id.uom_id
            )
            kept = max(quantity - objected.pop(move.product_id, 0.0), 0.0)
            value += kept * move.product_id.standard_price
        return self.company_id.currency_id.round(value)

    def _key_account_accept(self):
        """Accept and book to the office's goods account (SPEC R60)."""
        for receipt in self:
            amount = receipt._key_account_value()
            move = receipt._key_account_book(amount)
            receipt._key_account_system_write(
                {"state": "accepted", "amount": amount, "move_id": move.id}
            )
            receipt.activity_ids.sudo().action_done()

    def _key_account_book(self, amount):
        """A posted entry debiting the office's goods account, or the
        receivable of the office (its warehouse's address), as the company
        chose, against the sales company's counterpart, when the company set
        the journal and the accounts (else nothing is booked). As superuser:
        the stock manager resolving an objection need not be an accountant."""
        self.ensure_one()
        company = self.company_id
        journal = company.key_account_goods_journal_id
        credit = company.key_account_goods_counterpart_account_id
        office = self.env["res.partner"]
        if company.key_account_goods_booking == "office_receivable":
            office = self.warehouse_id.sudo().partner_id.commercial_partner_id
            debit = office.with_company(company).property_account_receivable_id
        else:
            debit = company.key_account_goods_account_id
        if not (amount and journal and debit and credit):
            return self.env["account.move"]
        label = self.env._("Goods accepted by %s", self.warehouse_id.name)
        move = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "company_id": company.id,
                    "date": fields.Date.context_today(self),
                    "ref": " ".join(filter(None, [self.name, self.oem_reference])),
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": debit.id,
                                "partner_id": office.id,
                                "debit": amount,
                            }
                        ),
                        Command.create(
                            {"name": label, "account_id": credit.id, "credit": amount}
                        ),
                    ],
                }
            )
        )
        move.action_post()
        return move

    @api.model
    def _cron_accept(self, batch_size=200):
        """Daily: accept the batches whose objection window closed without
        objection. Idempotent (open batches only), one batch per call; the
        cron runner calls again while ``_notify_progress`` reports work
        remaining."""
        domain = [
            ("state", "=", "open"),
            ("deadline", "<", fields.Date.context_today(self)),
            "|",
            ("source", "!=", "oem"),
            ("oem_reference", "!=", False),
        ]
        receipts = self.search(domain, limit=batch_size)
        receipts._key_account_accept()
        remaining = self.search_count(domain) if len(receipts) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(receipts), remaining=remaining)
        return len(receipts)
