# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

# What booked the revenue: a write-off (negative), the reversal of a
# write-off (positive) or money recovered after it (positive).
ADJUSTMENT_KINDS = [
    ("writeoff", "Write-Off"),
    ("reversal", "Write-Off Reversed"),
    ("recovery", "Recovery"),
]


class KeyAccountRevenueAdjustment(models.Model):
    """Revenue booked outside invoices (SPEC R43, R84): a write-off is
    negative revenue of the invoice's rep and sales team in the posting month;
    reversing it books the opposite."""

    _name = "key_account.revenue.adjustment"
    _description = "Key-Account Revenue Adjustment"
    _order = "date desc, id desc"

    date = fields.Date(required=True, index=True, readonly=True)
    kind = fields.Selection(
        ADJUSTMENT_KINDS,
        required=True,
        default="writeoff",
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    user_id = fields.Many2one("res.users", string="Rep", index=True, readonly=True)
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index=True, readonly=True
    )
    invoice_id = fields.Many2one("account.move", readonly=True)
    writeoff_id = fields.Many2one(
        "key_account.writeoff.request", index=True, readonly=True
    )
    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(readonly=True)
