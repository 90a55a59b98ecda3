# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Settings of goods, warehouse and delivery acceptance (SPEC R58-R66)."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_stock_policy = fields.Selection(
        [("warn", "Confirm and Warn"), ("block", "Refuse Confirmation")],
        string="Short Stock at Confirmation",
        default="warn",
        required=True,
        help="When a key-account order needs more of a storable product than "
        "is free for the customer in its warehouse: confirm, note each short "
        "line on the order and let the replenishment (resupply from the "
        "central warehouse) run, or refuse the confirmation.",
    )
    key_account_goods_waiting_days = fields.Integer(
        string="Goods Waiting at the Office After (Days)",
        default=7,
        help="Goods of a key-account order ready in the office warehouse for "
        "more than these days give the rep an activity.",
    )
    key_account_acceptance_days = fields.Integer(
        string="Objection Window",
        default=3,
        help="Days the office may object to goods it received; without objection "
        "they are accepted and booked to the office.",
    )
    key_account_acceptance_unit = fields.Selection(
        [("calendar", "Calendar Days"), ("working", "Working Days")],
        string="Objection Window Unit",
        default="calendar",
        required=True,
    )
    key_account_stock_manager_id = fields.Many2one(
        "res.users",
        string="Sales Company Stock Manager",
        help="Resolves the offices' objections to goods received.",
    )
    key_account_goods_journal_id = fields.Many2one(
        "account.journal",
        string="Office Goods Journal",
        help="Journal of the entries booking accepted goods to the offices; "
        "while it or an account is empty, accepted goods are not booked.",
    )
    key_account_goods_account_id = fields.Many2one(
        "account.account",
        string="Office Goods Account",
        domain="[('deprecated', '=', False)]",
        help="Debited with the cost of the goods an office accepted (办事处货款).",
    )
    key_account_goods_counterpart_account_id = fields.Many2one(
        "account.account",
        string="Goods Sent to Offices Account",
        domain="[('deprecated', '=', False)]",
        help="Credited with the cost of the goods an office accepted.",
    )
    key_account_goods_booking = fields.Selection(
        [
            ("goods_account", "Office Goods Account"),
            ("office_receivable", "Office Receivable"),
        ],
        string="Book Accepted Office Goods To",
        default="goods_account",
        required=True,
        help="Office Goods Account: debit the office goods account. Office "
        "Receivable: debit the receivable account of the office warehouse's "
        "address (its partner), so the office owes the goods' cost; both "
        "against the Goods Sent to Offices account.",
    )
    key_account_oem_record_days = fields.Integer(
        string="OEM Delivery Note Within (Working Days)",
        default=1,
        help="Working days after an OEM shipment to the office within which "
        "its delivery-note reference is recorded; later, only the stock "
        "manager records it and the receipt is flagged late.",
    )

    # === CONSTRAINT METHODS === #
    @api.constrains("key_account_oem_record_days")
    def _check_key_account_oem_record_days(self):
        if any(company.key_account_oem_record_days < 0 for company in self):
            raise ValidationError(
                self.env._(
                    "The days to record an OEM delivery note cannot be negative."
                )
            )
