# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import propose_owner

# Duplicate keys listed weekly (SPEC R45): key field → conflict kind.
DUPLICATE_KEYS = (
    ("key_account_match_vat", "key_account_vat_key", "vat"),
    ("key_account_match_vat", "key_account_registry_key", "registry"),
    ("key_account_match_name", "key_account_name_key", "name"),
    ("key_account_match_phone", "key_account_phone_key", "phone"),
)


class KeyAccountOwnershipConflict(models.Model):
    """A potential ownership conflict between reps, found by the weekly
    check, with the owner the earliest logged contact proposes; the KA head
    decides (SPEC R45)."""

    _name = "key_account.ownership.conflict"
    _description = "Customer Ownership Conflict"
    _inherit = ["key_account.guard.mixin", "mail.thread"]
    _key_account_user_fields = {"open": ("winner_id", "decision_note")}
    # Conflicts are found by the daily check, never entered by hand.
    _key_account_create_fields = ()
    _key_account_transitions = {
        "action_decide": (("open",), ("head", "general_manager")),
        "action_dismiss": (("open",), ("head", "general_manager")),
    }
    _order = "state, date desc, id desc"

    # === FIELDS === #
    name = fields.Char(compute="_compute_name", store=True)
    kind = fields.Selection(
        [
            ("vat", "Same Tax ID"),
            ("registry", "Same Company Registry"),
            ("name", "Same Company Name"),
            ("phone", "Same Phone"),
            ("contact", "Contact With Another Rep's Customer"),
        ],
        required=True,
        readonly=True,
    )
    key = fields.Char(string="Matching Value", readonly=True)
    date = fields.Date(string="Found On", readonly=True, default=fields.Date.today)
    partner_ids = fields.Many2many(
        "res.partner", string="Customers", readonly=True, required=True
    )
    user_ids = fields.Many2many(
        "res.users",
        "key_account_conflict_user_rel",
        "conflict_id",
        "user_id",
        string="Reps",
        readonly=True,
    )
    proposed_user_id = fields.Many2one(
        "res.users",
        string="Proposed Owner",
        readonly=True,
        help="The rep with the earliest dated logged contact; without "
        "contacts, the one who recorded the customer first.",
    )
    first_contacts = fields.Text(readonly=True)
    winner_id = fields.Many2one(
        "res.users",
        string="Decided Owner",
        tracking=True,
        domain="[('id', 'in', user_ids)]",
    )
    state = fields.Selection(
        [("open", "Open"), ("decided", "Decided"), ("dismissed", "Dismissed")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    decision_note = fields.Text(string="Decision")
    decided_by_id = fields.Many2one("res.users", readonly=True)
    decided_date = fields.Datetime(readonly=True)
    fingerprint = fields.Char(required=True, readonly=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "fingerprint_uniq",
            "unique(fingerprint, company_id)",
            "This conflict is already listed.",
        )
    ]

    # === COMPUTE METHODS === #
    @api.depends("kind", "partner_ids")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for conflict in self:
            conflict.name = "%s: %s" % (
                kinds.get(conflict.kind, ""),
                ", ".join(conflict.partner_ids.mapped("name")),
            )

    # === ACTION METHODS === #
    def action_decide(self):
        """The KA head confirms an owner; customers owned by others move to
        them through the reassignment, recorded in the owner history."""
        self._check_decider()
        for conflict in self:
            conflict._key_account_check_transition(
                "action_decide", self.env._("This conflict is already closed.")
            )
            winner = conflict.winner_id or conflict.proposed_user_id
            if not winner:
                raise UserError(self.env._("Choose the owner."))
            partners = conflict.partner_ids
            partners._key_account_check_reassign_authority(winner)
            reason = conflict.decision_note or self.env._(
                "Ownership conflict decided: %s", conflict.name
            )
            partners._key_account_reassign(winner, reason, kind="conflict")
            conflict._key_account_system_write(
                {
                    "winner_id": winner.id,
                    "state": "decided",
                    "decided_by_id": self.env.uid,
                    "decided_date": fields.Datetime.now(),
                }
            )
        return True

    def action_dismiss(self):
        """No conflict after all (e.g. two different companies)."""
        self._check_decider()
        if any(not (c.decision_note or "").strip() for c in self):
            raise UserError(self.env._("Say why the conflict is dismissed."))
        self.filtered(lambda c: c.state == "open")._key_account_system_write(
            {
                "state": "dismissed",
                "decided_by_id": self.env.uid,
                "decided_date": fields.Datetime.now(),
            }
        )
        return True

    def _check_decider(self):
        user = self.env.user
        if not (
            self.env.su
            or user.has_group("key_account.group_key_account_head")
            or user.has_group("key_account.group_key_account_manager")
        ):
            raise AccessError(
                self.env._("Only the KA head decides ownership conflicts.")
            )

    # === BUSINESS METHODS === #
    @api.model
    def _cron_find_conflicts(self):
        """Weekly (SPEC R45, R83): customers sharing a tax ID, registry
        number, normalized name or phone under different owners, and reps
        logging contacts with another rep's customer. A constant number of
        queries; each conflict is listed once (its fingerprint is unique),
        so re-runs add only new ones."""
        company = self.env.company
        self.env.flush_all()
        found = self._get_duplicate_keys(company) + self._contact_intrusions(company)
        new = self._get_new_findings(company, found)
        if not new:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return self.browse()
        conflicts = self.create(self._prepare_conflict_vals_list(company, new))
        self.env["ir.cron"]._notify_progress(done=len(conflicts), remaining=0)
        return conflicts

    @api.model
    def _get_duplicate_keys(self, company):
        """``[(kind, key, partner ids, user ids)]``: the matching keys the
        company checks (``DUPLICATE_KEYS``) shared by customers of different
        owners; one query per key."""
        found = []
        for setting, field, kind in DUPLICATE_KEYS:
            if not company[setting]:
                continue
            self.env.cr.execute(
                SQL(
                    """
                    SELECT %(field)s, array_agg(id ORDER BY create_date, id),
                           array_agg(DISTINCT user_id)
                      FROM res_partner
                     WHERE active AND parent_id IS NULL AND is_company
                       AND user_id IS NOT NULL
                       AND %(field)s IS NOT NULL AND %(field)s != ''
                       AND (company_id IS NULL OR company_id = %(company)s)
                     GROUP BY %(field)s
                    HAVING COUNT(DISTINCT user_id) > 1
                    """,
                    field=SQL.identifier(field),
                    company=company.id,
                )
            )
            found += [
                (kind, key, pids, uids) for key, pids, uids in self.env.cr.fetchall()
            ]
        return found

    @api.model
    def _get_new_findings(self, company, found):
        """``{fingerprint: finding}`` of the findings not listed yet."""
        fingerprints = {
            self._fingerprint(kind, pids, uids): (kind, key, pids, uids)
            for kind, key, pids, uids in found
        }
        known = set(
            self.with_context(active_test=False)
            .search(
                [
                    ("fingerprint", "in", list(fingerprints)),
                    ("company_id", "=", company.id),
                ]
            )
            .mapped("fingerprint")
        )
        return {fp: v for fp, v in fingerprints.items() if fp not in known}

    @api.model
    def _prepare_conflict_vals_list(self, company, new):
        """The conflicts to create for the findings ``new``, each with the
        owner proposed from first contacts and record dates (R45)."""
        partner_ids = {pid for _k, _key, pids, _u in new.values() for pid in pids}
        contacts = self._first_contacts(partner_ids)
        created = self.env["res.partner"].sudo().browse(partner_ids)
        record_dates = {p.id: (p.user_id.id, p.create_date) for p in created}
        names = {
            user.id: user.name
            for user in self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .browse({uid for _k, _key, _p, uids in new.values() for uid in uids})
        }
        return [
            self._prepare_conflict_vals(
                company, fp, finding, contacts, record_dates, names
            )
            for fp, finding in new.items()
        ]

    @api.model
    def _prepare_conflict_vals(
        self, company, fingerprint, finding, contacts, record_dates, names
    ):
        kind, key, pids, uids = finding
        firsts = {}
        for uid in uids:
            dates = [contacts.get((pid, uid)) for pid in pids]
            dates = [d for d in dates if d]
            firsts[uid] = min(dates) if dates else None
        records = {}
        for pid in pids:
            uid, created_on = record_dates[pid]
            if uid in uids and (uid not in records or created_on < records[uid]):
                records[uid] = created_on
        return {
            "kind": kind,
            "key": key,
            "partner_ids": [Command.set(pids)],
            "user_ids": [Command.set(uids)],
            "proposed_user_id": propose_owner(firsts, records),
            "first_contacts": "\n".join(
                "%s: %s"
                % (
                    names[uid],
                    fields.Datetime.to_string(day) if day else "-",
                )
                for uid, day in sorted(firsts.items())
            ),
            "fingerprint": fingerprint,
            "company_id": company.id,
        }

    @api.model
    def _fingerprint(self, kind, partner_ids, user_ids):
        return "%s:%s:%s" % (
            kind,
            ",".join(str(i) for i in sorted(partner_ids)),
            ",".join(str(i) for i in sorted(user_ids)),
        )

    @api.model
    def _contacts_sql(self):
        """Logged contacts: (customer, user, date) of visits, of messages or
        done activities written by internal users, and of activities
        scheduled, on the customer or its contacts."""
        return SQL(
            """
            SELECT v.partner_id AS partner_id, v.user_id AS user_id,
                   COALESCE(v.actual_start, v.planned_start) AS date
              FROM key_account_visit v
             WHERE v.state != 'cancelled'
            UNION ALL
            SELECT c.commercial_partner_id, u.id, m.date
              FROM mail_message m
              JOIN res_partner c ON c.id = m.res_id
              JOIN res_users u ON u.partner_id = m.author_id AND NOT u.share
             WHERE m.model = 'res.partner'
               AND (m.message_type = 'comment' OR m.mail_activity_type_id IS NOT NULL)
            UNION ALL
            SELECT c.commercial_partner_id, a.create_uid, a.create_date
              FROM mail_activity a
              JOIN res_partner c ON c.id = a.res_id
             WHERE a.res_model = 'res.partner'
            """
        )

    @api.model
    def _contact_intrusions(self, company):
        """Reps (not office managers nor directors, nor the account
        executive) who logged contacts with a customer another rep owns."""
        rep = self.env.ref("key_account.group_key_account_rep")
        supervisor = self.env.ref("key_account.group_key_account_supervisor")
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id, ct.user_id
                  FROM (%(contacts)s) ct
                  JOIN res_partner p ON p.id = ct.partner_id
                 WHERE p.active AND p.is_company AND p.parent_id IS NULL
                   AND p.user_id IS NOT NULL
                   AND ct.user_id != p.user_id
                   AND ct.user_id IS DISTINCT FROM p.key_account_executive_id
                   AND (p.company_id IS NULL OR p.company_id = %(company)s)
                   AND ct.user_id IN (SELECT uid FROM res_groups_users_rel
                                       WHERE gid = %(rep)s)
                   AND ct.user_id NOT IN (SELECT uid FROM res_groups_users_rel
                                           WHERE gid = %(supervisor)s)
                 GROUP BY p.id, ct.user_id, p.user_id
                """,
                contacts=self._contacts_sql(),
                company=company.id,
                rep=rep.id,
                supervisor=supervisor.id,
            )
        )
        rows = self.env.cr.fetchall()
        owners = {
            p.id: p.user_id.id
            for p in self.env["res.partner"].sudo().browse({pid for pid, _u in rows})
        }
        return [("contact", False, [pid], [owners[pid], uid]) for pid, uid in rows]

    @api.model
    def _first_contacts(self, partner_ids):
        """{(customer id, user id): first logged contact}: one query."""
        if not partner_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT ct.partner_id, ct.user_id, MIN(ct.date)
                  FROM (%(contacts)s) ct
                 WHERE ct.partner_id = ANY(%(ids)s)
                 GROUP BY ct.partner_id, ct.user_id
                """,
                contacts=self._contacts_sql(),
                ids=list(partner_ids),
            )
        )
        result = defaultdict(lambda: None)
        for pid, uid, day in self.env.cr.fetchall():
            result[(pid, uid)] = day
        return result
