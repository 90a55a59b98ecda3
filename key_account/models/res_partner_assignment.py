# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import distribute


class ResPartner(models.Model):
    """Customer assignment: reassignment, balanced distribution and the
    first-contact clock of a new owner (SPEC R46–R49)."""

    _inherit = "res.partner"

    # === FIELDS === #
    key_account_assigned_date = fields.Datetime(
        string="Assigned On", copy=False, readonly=True
    )
    key_account_contact_state = fields.Selection(
        [
            ("pending", "Awaiting First Contact"),
            ("contacted", "Contacted"),
            ("uncontacted", "Not Contacted in Time"),
        ],
        string="First Contact",
        copy=False,
        readonly=True,
        index=True,
    )

    # === ACTION METHODS === #
    def action_key_account_reassign(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reassign Customers"),
            "res_model": "key_account.reassign.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids},
        }

    # === BUSINESS METHODS === #
    def _key_account_check_reassign_authority(self, new_user):
        """R49: the KA head (or a manager) reassigns any customer; an office
        manager only between reps of a team they lead. The new owner is an
        active rep (R44)."""
        user = self.env.user
        if not (
            new_user.active
            and not new_user.share
            and new_user.has_group("key_account.group_key_account_rep")
        ):
            raise ValidationError(
                self.env._(
                    "%s is not an active key-account rep and cannot own customers.",
                    new_user.name,
                )
            )
        if self.env.su or user.has_group("key_account.group_key_account_head"):
            return
        if user.has_group("key_account.group_key_account_manager"):
            return
        if user.has_group("key_account.group_key_account_supervisor"):
            teams = self.env["crm.team"].search([("user_id", "=", user.id)])
            members = teams.member_ids | teams.user_id
            outsiders = self.filtered(
                lambda p: p.user_id and p.user_id.active and p.user_id not in members
            )
            if new_user in members and not outsiders:
                return
            raise AccessError(
                self.env._(
                    "An office manager reassigns customers only between the "
                    "reps of the teams they lead; ask the KA head."
                )
            )
        raise AccessError(
            self.env._("Only the KA head or an office manager reassigns customers.")
        )

    def _key_account_reassign(
        self, new_user, reason, kind="reassign", move_open_invoices=False, post=True
    ):
        """Move customers, their contacts and open quotations to ``new_user``
        (SPEC R48, R49). Posted invoices keep their rep and executive
        (commission follows the invoice); unpaid ones move only when asked.
        Callers check the authority first (``_key_account_check_reassign_
        authority``); the writes run as superuser because the owner field is
        closed to direct writes."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for the reassignment."))
        partners = self.filtered(lambda p: p.user_id != new_user)
        if not partners:
            return partners
        env = (
            self.sudo()
            .with_context(key_account_reason=reason, key_account_owner_kind=kind)
            .env
        )
        contacts = env["res.partner"].search(
            [
                ("commercial_partner_id", "in", partners.ids),
                ("id", "not in", partners.ids),
            ]
        )
        # Crons move customers in batches: the owner history is their record,
        # without one chatter message per customer.
        for partner in partners if post else ():
            partner.message_post(
                body=self.env._(
                    "Owner %(old)s replaced by %(new)s: %(reason)s",
                    old=partner.user_id.name or self.env._("none"),
                    new=new_user.name,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        partners.with_env(env).write({"user_id": new_user.id})
        contacts.write({"user_id": new_user.id})
        orders = env["sale.order"].search(
            [
                ("partner_id.commercial_partner_id", "in", partners.ids),
                ("state", "in", ("draft", "sent")),
            ]
        )
        orders.write({"user_id": new_user.id})
        invoice_domain = [
            ("commercial_partner_id", "in", partners.ids),
            ("move_type", "in", ("out_invoice", "out_refund")),
        ]
        state_domain = [("state", "=", "draft")]
        if move_open_invoices:
            state_domain = [
                "|",
                ("state", "=", "draft"),
                "&",
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        env["account.move"].search(invoice_domain + state_domain).write(
            {"invoice_user_id": new_user.id}
        )
        return partners

    @api.model
    def _key_account_available_reps(self, company=None):
        """Reps who may receive customers: active, in the company, not away;
        office managers and directors are not counted."""
        company = company or self.env.company
        rep = self.env.ref("key_account.group_key_account_rep")
        supervisor = self.env.ref("key_account.group_key_account_supervisor")
        return rep.users.filtered(
            lambda u: (
                u.active
                and not u.share
                and not u.key_account_away
                and company in u.company_ids
                and supervisor not in u.groups_id
            )
        )

    @api.model
    def _key_account_rep_loads(self, users, company=None):
        """{user: (customer count, trailing 12-month invoiced revenue)}: two
        grouped queries."""
        company = company or self.env.company
        Partner = self.env["res.partner"].sudo()
        counts = dict(
            Partner._read_group(
                [
                    ("user_id", "in", users.ids),
                    ("is_company", "=", True),
                    ("parent_id", "=", False),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        since = fields.Date.context_today(self) - relativedelta(months=12)
        revenue = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("invoice_user_id", "in", users.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">=", since),
                ],
                ["invoice_user_id"],
                ["amount_untaxed_signed:sum"],
            )
        )
        return {user: (counts.get(user, 0), revenue.get(user, 0.0)) for user in users}

    def _key_account_distribution_plan(self, users):
        """{partner: user}: ``self`` spread over ``users`` by their load
        (customers, revenue) and ability weight (SPEC R46)."""
        loads = self._key_account_rep_loads(users)
        weights = self.env["key_account.rep.ability"]._key_account_weights(
            users, self.env.company
        )
        return distribute(
            list(self), loads, {p: p.user_id for p in self if p.user_id}, weights
        )

    def _key_account_distribute(self, users, reason, kind="distribution", post=True):
        """Balanced assignment of ``self`` to ``users`` (SPEC R46, R48):
        {partner: user}. Callers check the authority."""
        plan = self._key_account_distribution_plan(users)
        by_user = {}
        for partner, user in plan.items():
            by_user.setdefault(user, self.browse())
            by_user[user] |= partner
        for user, partners in by_user.items():
            partners._key_account_reassign(user, reason, kind=kind, post=post)
        return plan

    @api.model
    def _key_account_contacted_after_assignment(self, partners):
        """Ids of ``partners`` whose owner logged a contact since the
        assignment: a visit, or a call, meeting or e-mail activity done
        (SPEC R47). One query."""
        if not partners:
            return set()
        self.env.flush_all()
        types = [
            self.env.ref(xmlid).id
            for xmlid in (
                "mail.mail_activity_data_call",
                "mail.mail_activity_data_meeting",
                "mail.mail_activity_data_email",
            )
        ]
        self.env.cr.execute(
            """
            SELECT p.id
              FROM res_partner p
             WHERE p.id = ANY(%(ids)s)
               AND (EXISTS (
                        SELECT 1 FROM key_account_visit v
                         WHERE v.partner_id = p.id
                           AND v.user_id = p.user_id
                           AND v.state = 'done'
                           AND v.actual_start >= p.key_account_assigned_date)
                    OR EXISTS (
                        SELECT 1
                          FROM mail_message m
                          JOIN res_partner c ON c.id = m.res_id
                          JOIN res_users u ON u.partner_id = m.author_id
                         WHERE m.model = 'res.partner'
                           AND c.commercial_partner_id = p.id
                           AND u.id = p.user_id
                           AND m.mail_activity_type_id = ANY(%(types)s)
                           AND m.date >= p.key_account_assigned_date))
            """,
            {"ids": partners.ids, "types": types},
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _cron_key_account_first_contact(self, batch_size=None):
        """Daily (SPEC R47): newly assigned customers without a logged contact
        within the configured days are flagged, then reassigned or proposed
        for reassignment to the office manager. One batch per call with a
        bounded number of queries; re-runs skip what is decided."""
        company = self.env.company
        batch_size = batch_size or company.key_account_ownership_batch
        cutoff = fields.Datetime.now() - relativedelta(
            days=company.key_account_contact_days
        )
        domain = [
            ("key_account_contact_state", "=", "pending"),
            ("key_account_assigned_date", "<=", cutoff),
            ("user_id", "!=", False),
            ("is_company", "=", True),
            ("parent_id", "=", False),
        ]
        partners = self.search_fetch(
            domain, ["user_id", "key_account_assigned_date"], limit=batch_size
        )
        contacted = self.browse(self._key_account_contacted_after_assignment(partners))
        late = partners - contacted
        contacted.write({"key_account_contact_state": "contacted"})
        late.write({"key_account_contact_state": "uncontacted"})
        if late:
            late._key_account_handle_uncontacted(company)
        remaining = self.search_count(domain) if partners else 0
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=remaining)
        return len(partners)

    def _key_account_handle_uncontacted(self, company):
        days = company.key_account_contact_days
        reason = self.env._("Not contacted within %s days", days)
        if company.key_account_no_contact_action == "reassign":
            reps = self._key_account_available_reps(company)
            if len(reps) > 1 or (reps and reps != self.user_id):
                self._key_account_distribute(
                    reps, reason, kind="no_contact", post=False
                )
                return
        activity_type = self.env.ref("key_account.mail_activity_key_account_no_contact")
        today = fields.Date.context_today(self)
        head = company._key_account_head()
        vals_by_partner = {}
        for partner in self:
            manager = partner.user_id._key_account_office_manager() or head
            if manager:
                vals_by_partner[partner.id] = {
                    "user_id": manager.id,
                    "date_deadline": today,
                    "summary": reason,
                    "note": self.env._(
                        "%(owner)s has logged no contact with %(customer)s since "
                        "the assignment: reassign the customer if needed.",
                        owner=partner.user_id.name,
                        customer=partner.name,
                    ),
                }
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        )._key_account_create_missing(activity_type, "res.partner", vals_by_partner)
