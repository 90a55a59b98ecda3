# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import is_blank

# What the office writes before submitting its explanation.
DRAFT_FIELDS = (
    "partner_id",
    "warehouse_id",
    "company_id",
    "explanation",
    "expected_date",
)


class KeyAccountStockHold(models.Model):
    """The office's written explanation of the stock it holds for a key
    account in its warehouse (SPEC R64): why the goods wait there instead of
    being delivered. The sales company (a stock manager, never whoever wrote
    it) accepts or refuses it.

    The goods themselves lie in the key account's hold location of the
    office warehouse (``stock.location.key_account_holder_id``), reserved
    for it whatever the explanation says. An accepted explanation takes
    them out of the office's own stock (the Office Stock report): they are
    the customer's goods waiting for delivery, not the office's. The office
    closes the explanation when the hold ends. One explanation in progress
    per key account and warehouse."""

    _name = "key_account.stock.hold"
    _description = "Held-Stock Explanation"
    _inherit = [
        "key_account.guard.mixin",
        "key_account.sequence.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "id desc"
    _key_account_sequence = "key_account.stock.hold"
    _key_account_user_fields = {
        "draft": DRAFT_FIELDS,
        "submitted": ("decision_note",),
        "*": (),
    }
    _key_account_forced_fields = ("name", "requester_id")
    _key_account_creator_field = "requester_id"
    # action_submit  draft      the office: the requester, the customer's
    #                           rep, the office manager, a stock user
    # action_accept  submitted  a stock manager (the sales company), never
    # action_refuse             the requester
    # action_close   accepted   the office or a stock manager
    # action_reset   refused    the office, to explain again
    _key_account_transitions = {
        "action_submit": (
            ("draft",),
            ("requester", "rep", "office_manager", "stock_user"),
        ),
        "action_accept": (("submitted",), ("stock_manager",)),
        "action_refuse": (("submitted",), ("stock_manager",)),
        "action_close": (
            ("accepted",),
            ("requester", "rep", "office_manager", "stock_manager"),
        ),
        "action_reset": (("refused",), ("requester", "rep", "office_manager")),
        "action_view_stock": (None, ("reader",)),
    }

    # === FIELDS === #
    partner_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_key_account', '=', True), ('is_company', '=', True)]",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Office Warehouse",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        help="The office warehouse holding the goods; by default the "
        "customer's key-account warehouse.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    location_id = fields.Many2one(
        "stock.location",
        string="Hold Location",
        compute="_compute_held",
        help="Where the goods held for the customer lie in the warehouse.",
    )
    explanation = fields.Text(
        tracking=True,
        help="Why the goods wait at the office instead of being delivered "
        "(for example: the customer's site is not ready, deliveries are called "
        "off by the customer).",
    )
    expected_date = fields.Date(
        string="Expected Delivery",
        help="When the office expects to deliver the goods held.",
    )
    requester_id = fields.Many2one(
        "res.users",
        string="Written By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        index=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("accepted", "Accepted"),
            ("refused", "Refused"),
            ("closed", "Closed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    decided_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True
    )
    decided_on = fields.Datetime(readonly=True, copy=False)
    decision_note = fields.Text(
        string="Sales Company Note",
        tracking=True,
        copy=False,
        help="The stock manager's remarks on the explanation; required to refuse it.",
    )
    held_qty = fields.Float(
        string="Quantity Held",
        compute="_compute_held",
        digits="Product Unit of Measure",
        help="Units held for the customer in the warehouse now, all products together.",
    )

    # === COMPUTE METHODS === #
    @api.depends("partner_id", "warehouse_id")
    def _compute_held(self):
        # Read as superuser: whoever writes the explanation may not read the
        # locations and quants of every warehouse.
        domain = [
            ("key_account_holder_id", "in", self.partner_id.ids),
            ("warehouse_id", "in", self.warehouse_id.ids),
        ]
        locations = self.env["stock.location"].sudo().search(domain)
        quantities = dict(
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [("location_id", "in", locations.ids)],
                ["location_id"],
                ["quantity:sum"],
            )
        )
        for hold in self:
            mine = locations.filtered(
                lambda loc, h=hold: (
                    loc.key_account_holder_id == h.partner_id
                    and loc.warehouse_id == h.warehouse_id
                )
            )
            hold.location_id = mine[:1]
            hold.held_qty = sum(quantities.get(loc, 0.0) for loc in mine)

    # === CONSTRAINT METHODS === #
    @api.constrains("partner_id", "warehouse_id", "state")
    def _check_one_in_progress(self):
        for hold in self.filtered(
            lambda h: h.state in ("draft", "submitted", "accepted")
        ):
            others = self.sudo().search_count(
                [
                    ("id", "!=", hold.id),
                    ("partner_id", "=", hold.partner_id.id),
                    ("warehouse_id", "=", hold.warehouse_id.id),
                    ("state", "in", ("draft", "submitted", "accepted")),
                ]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "%(customer)s already has an explanation in progress "
                        "for %(warehouse)s: complete or close that one.",
                        customer=hold.partner_id.display_name,
                        warehouse=hold.warehouse_id.name,
                    )
                )

    # === ONCHANGE METHODS === #
    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        warehouse = self.partner_id.key_account_warehouse_id
        if warehouse:
            self.warehouse_id = warehouse

    # === CRUD METHODS === #
    def _key_account_check_write(self, vals):
        """The sales company's note is the stock manager's alone."""
        res = super()._key_account_check_write(vals)
        if "decision_note" in vals and not self.env.user.has_group(
            "stock.group_stock_manager"
        ):
            raise AccessError(
                self.env._("Only the sales company (a stock manager) writes its note.")
            )
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(hold.state != "draft" for hold in self):
            raise UserError(
                self.env._("Only a draft explanation can be deleted; close it.")
            )

    # === ACTION METHODS === #
    def action_submit(self):
        """The office submits its written explanation to the sales company."""
        for hold in self:
            hold._key_account_check_transition(
                "action_submit", self.env._("%s is already submitted.", hold.name)
            )
            hold._check_office()
            if is_blank(hold.explanation):
                raise UserError(
                    self.env._("Write why the goods are held at the office.")
                )
            hold._key_account_system_write({"state": "submitted"})
            hold._notify_stock_manager()
        return True

    def action_accept(self):
        """The sales company accepts the explanation: the goods held leave
        the office's own stock."""
        self._decide("accepted")
        return True

    def action_refuse(self):
        """The sales company refuses the explanation, saying why in its
        note: the goods held stay in the office's own stock."""
        if any(is_blank(hold.decision_note) for hold in self):
            raise UserError(
                self.env._("Write why the explanation is refused (Sales Company Note).")
            )
        self._decide("refused")
        return True

    def action_close(self):
        """The hold ends (the goods were delivered or released)."""
        for hold in self:
            hold._key_account_check_transition(
                "action_close",
                self.env._("Only an accepted explanation can be closed."),
            )
            if not self.env.user.has_group("stock.group_stock_manager"):
                hold._check_office()
            hold._key_account_system_write({"state": "closed"})
        return True

    def action_reset(self):
        """Explain again after a refusal."""
        for hold in self:
            hold._key_account_check_transition(
                "action_reset",
                self.env._("Only a refused explanation is written again."),
            )
            hold._check_office()
            hold._key_account_system_write({"state": "draft", "decision_note": False})
        return True

    @api.readonly
    def action_view_stock(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Held Stock"),
            "res_model": "stock.quant",
            "view_mode": "list",
            "domain": [
                ("location_id.key_account_holder_id", "=", self.partner_id.id),
                ("location_id.warehouse_id", "=", self.warehouse_id.id),
            ],
            "context": {"create": False},
        }

    # === BUSINESS METHODS === #
    def _check_office(self):
        """The office of the key account: whoever wrote it, the customer's
        rep or account executive, a supervisor or a stock user reading it."""
        self.ensure_one()
        user = self.env.user
        partner = self.partner_id.sudo()
        if user in (
            self.requester_id | partner.user_id | partner.key_account_executive_id
        ) or user.has_group("key_account.group_key_account_supervisor"):
            return
        if user.has_group("stock.group_stock_user"):
            return
        raise AccessError(
            self.env._("Only the office holding the goods writes this explanation.")
        )

    def _decide(self, state):
        if not self.env.user.has_group("stock.group_stock_manager"):
            raise AccessError(
                self.env._(
                    "Only the sales company (a stock manager) accepts or refuses "
                    "an explanation of held stock."
                )
            )
        now = fields.Datetime.now()
        for hold in self:
            if hold.state != "submitted":
                raise UserError(
                    self.env._("%s is not waiting for a decision.", hold.name)
                )
            if hold.requester_id == self.env.user:
                raise AccessError(
                    self.env._(
                        "%s is your own explanation: another stock manager decides.",
                        hold.name,
                    )
                )
            hold._key_account_system_write(
                {"state": state, "decided_by_id": self.env.uid, "decided_on": now}
            )
            hold.activity_ids.sudo().action_feedback(
                feedback=self._fields["state"].convert_to_export(state, self)
            )

    def _notify_stock_manager(self):
        self.ensure_one()
        user = (
            self.company_id.key_account_stock_manager_id
            or (
                self.env.ref("stock.group_stock_manager").users.filtered(
                    lambda u: (
                        self.company_id in u.company_ids and u != self.requester_id
                    )
                )[:1]
            )
        )
        if user:
            self.sudo().activity_schedule(
                "key_account.mail_activity_key_account_stock_hold",
                user_id=user.id,
            )
