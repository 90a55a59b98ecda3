# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    """Settings of visits and the go-out register (SPEC R50-R55)."""

    _inherit = "res.company"

    # === FIELDS === #
    key_account_visit_tolerance = fields.Integer(
        string="Visit Time Tolerance (Minutes)",
        default=30,
        help="Actual times further than this from the plan need a reason.",
    )
    key_account_go_out_min_length = fields.Integer(
        string="Purpose at Least (Characters)",
        default=4,
        help="A go-out purpose must keep at least this many letters or digits "
        'once the generic words below are removed, so "visit customer" '
        "alone is refused.",
    )
    key_account_go_out_generic_words = fields.Char(
        string="Generic Words",
        default="out, outside, going out, seeing a customer, see customer, "
        "customer, client, visit, visiting, meeting, business, "
        "外出, 出去, 见客户, 拜访, 拜访客户, 客户, 办事",
        help="Comma-separated words that do not make a purpose.",
    )
    key_account_go_out_cutoff = fields.Float(
        string="Direct Visits Registered By",
        default=18.0,
        help="Hour of the previous working day by which a visit going "
        "straight to the customer is registered.",
    )
    key_account_go_out_approval = fields.Boolean(
        string="Office Manager Approves Go-Outs",
        help="Each registration is approved by the office manager before departure.",
    )
    key_account_minutes_days = fields.Integer(
        string="Meeting Minutes Within (Working Days)", default=2
    )
