# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter, defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from ..tools import stage_rank


class AccountMove(models.Model):
    """Notices of the overdue ladder (SPEC R39-R40): chatter lines, the
    rep's activities, the KA head's notice of a run, and the missing
    weekly collection notes."""

    _inherit = "account.move"

    # Customers listed by name in the KA head's notice of a ladder run.
    _key_account_notice_customers = 30

    # === BUSINESS METHODS === #
    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._key_account_notify_entered()
        return posted

    def _key_account_notify_entered(self):
        """Invoices entering the ladder above ``current`` without a run
        moving them there (posted long after their due date, their customer
        made a key account): notified at once, as a run would have."""
        rises = [
            {
                "id": move.id,
                "old": "current",
                "stage": move.key_account_aging_stage,
                "name": move.name,
                "invoice_date_due": move.invoice_date_due,
                "invoice_user_id": move.invoice_user_id.id,
                "company_id": move.company_id.id,
                "commercial_partner_id": move.commercial_partner_id.id,
            }
            for move in self
            if move.key_account_aging_stage not in (False, "current")
        ]
        self._key_account_notify_rises(rises)
        self._key_account_notify_heads(rises)

    @api.model
    def _key_account_notify_rises(self, rises):
        """Notices of the invoices whose stage rose (``rises``: dicts of
        ``_key_account_rises``), a constant number of queries for the
        whole batch: one chatter line per invoice; for the invoices entering
        key monitoring (from below it, whatever stage they reach), one rep
        activity per customer and rep on the oldest of them and credit
        investigations. The KA head's notice sums up the whole run
        (``_key_account_notify_heads``)."""
        if not rises:
            return
        labels = dict(
            self._fields["key_account_aging_stage"]._description_selection(self.env)
        )
        bodies = {
            rise["id"]: self.env._(
                "Overdue stage: %(stage)s (due %(due)s).",
                stage=labels[rise["stage"]],
                due=rise["invoice_date_due"],
            )
            for rise in rises
        }
        self._key_account_log_notes(bodies)
        monitor = stage_rank("monitor")
        entering = sorted(
            (
                rise
                for rise in rises
                if stage_rank(rise["old"]) < monitor <= stage_rank(rise["stage"])
            ),
            key=lambda rise: (rise["invoice_date_due"], rise["id"]),
        )
        self._key_account_monitor_activities(entering, bodies)
        self.env["res.partner"].browse(
            sorted({rise["commercial_partner_id"] for rise in entering})
        )._key_account_open_investigation(
            self.env._("A receivable entered key monitoring."), trigger="overdue"
        )

    @api.model
    def _key_account_notify_heads(self, rises):
        """One notice to each company's KA head for a run of the ladder (or a
        posting): per customer, how many receivables reached which stage
        (``rises``: dicts of ``_key_account_rises``), the highest stages
        first, at most ``_key_account_notice_customers`` customers. The
        chatter and the aging report give the invoices."""
        if not rises:
            return
        labels = dict(
            self._fields["key_account_aging_stage"]._description_selection(self.env)
        )
        counts = defaultdict(lambda: defaultdict(Counter))
        for rise in rises:
            counts[rise["company_id"]][rise["commercial_partner_id"]][
                rise["stage"]
            ] += 1
        for company in self.env["res.company"].browse(sorted(counts)):
            head = company._key_account_head()
            if not head:
                continue
            customers = sorted(
                counts[company.id].items(),
                key=lambda item: (
                    -max(map(stage_rank, item[1])),
                    -item[1].total(),
                    item[0],
                ),
            )
            shown = customers[: self._key_account_notice_customers]
            partners = self.env["res.partner"].sudo().browse([p for p, _s in shown])
            names = dict(
                zip(partners.ids, partners.mapped("display_name"), strict=True)
            )
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Reached an overdue stage today, by customer:"),
                Markup().join(
                    Markup("<li>%s: %s</li>")
                    % (
                        names[partner_id],
                        ", ".join(
                            self.env._(
                                "%(count)s × %(stage)s", count=n, stage=labels[stage]
                            )
                            for stage, n in sorted(
                                stages.items(), key=lambda item: stage_rank(item[0])
                            )
                        ),
                    )
                    for partner_id, stages in shown
                ),
            )
            if len(customers) > len(shown):
                body += Markup("<p>%s</p>") % self.env._(
                    "And %s more customers: see the receivables aging report.",
                    len(customers) - len(shown),
                )
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=head.partner_id.ids,
                subject=self.env._("Key-account receivables overdue"),
                body=body,
            )

    @api.model
    def _key_account_log_notes(self, bodies):
        """Log ``bodies`` ({invoice id: plain text}) as internal notes in the
        invoices' chatter: the messages ``_message_log_batch`` writes (no
        follower, no notification), in one INSERT. A first run of the overdue
        ladder logs a line on most open invoices at once; through the ORM each
        line costs a sanitised HTML body and a cache update, ten times the
        stage change itself."""
        if not bodies:
            return
        author_id, email_from = self._message_compute_author(raise_on_email=False)
        ids = list(bodies)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """INSERT INTO mail_message
                       (model, res_id, body, message_type, subtype_id, is_internal,
                        author_id, email_from, reply_to, message_id,
                        email_add_signature, date, create_uid, create_date,
                        write_uid, write_date)
                   SELECT 'account.move', t.res_id, t.body, 'notification', %s, TRUE,
                          %s, %s, %s, %s, FALSE, now() at time zone 'UTC', %s,
                          now() at time zone 'UTC', %s, now() at time zone 'UTC'
                     FROM unnest(%s::int[], %s::text[]) AS t(res_id, body)""",
                self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                author_id or None,
                email_from or None,
                self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
                generate_tracking_message_id("message-notify"),
                self.env.uid,
                self.env.uid,
                ids,
                [str(escape(bodies[res_id])) for res_id in ids],
            )
        )
        self.browse(ids).invalidate_recordset(["message_ids"])

    @api.model
    def _key_account_monitor_activities(self, entering, bodies):
        """One "collect" activity per customer and rep for the invoices
        entering key monitoring together (``entering``, oldest first), on the
        oldest; without one e-mail each (the KA head's notice lists them).
        None while the rep still has one open on another invoice of the
        customer: the chatter lines and the KA head's notice name the new
        ones. ``bodies``: the chatter line of each invoice."""
        if not entering:
            return
        monitor_type = self.env.ref("key_account.mail_activity_key_account_monitor")
        open_ones = self._key_account_open_monitor_activities(
            monitor_type, {rise["commercial_partner_id"] for rise in entering}
        )
        groups = {}
        for rise in entering:
            key = (
                rise["commercial_partner_id"],
                rise["invoice_user_id"] or self.env.uid,
            )
            if key not in open_ones:
                groups.setdefault(key, []).append(rise)
        if not groups:
            return
        today = fields.Date.context_today(self)
        res_model_id = self.env["ir.model"]._get_id("account.move")
        vals_list = []
        for (_partner, user_id), rises in groups.items():
            note = bodies[rises[0]["id"]]
            if len(rises) > 1:
                receivables = ", ".join(
                    f"{rise['name']} ({rise['invoice_date_due']})" for rise in rises
                )
                note = self.env._(
                    "Receivables of this customer entering key monitoring: %s",
                    receivables,
                )
            vals_list.append(
                {
                    "res_model_id": res_model_id,
                    "res_id": rises[0]["id"],
                    "activity_type_id": monitor_type.id,
                    "user_id": user_id,
                    "date_deadline": today,
                    "note": note,
                }
            )
        # Each activity reads its invoice's name: read them all at once.
        self.browse([vals["res_id"] for vals in vals_list]).mapped("display_name")
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(vals_list)

    @api.model
    def _key_account_open_monitor_activities(self, monitor_type, partner_ids):
        """(customer, user) pairs with an open "collect" activity on one of
        the customer's invoices, in one query."""
        self.flush_model(["commercial_partner_id"])
        self.env["mail.activity"].flush_model(
            ["res_model", "res_id", "activity_type_id", "user_id", "active"]
        )
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT m.commercial_partner_id, a.user_id
                     FROM mail_activity a
                     JOIN account_move m ON m.id = a.res_id
                    WHERE a.res_model = 'account.move' AND a.active
                      AND a.activity_type_id = %s
                      AND m.commercial_partner_id = ANY(%s)""",
                monitor_type.id,
                sorted(partner_ids),
            )
        )
        return set(self.env.cr.fetchall())

    @api.model
    def _cron_key_account_missing_notes(self):
        """Weekly, before the Monday meeting: receivables needing weekly
        collection notes without one in the last 7 days give the KA head an
        activity (SPEC R40)."""
        since = fields.Datetime.subtract(fields.Datetime.now(), days=7)
        moves = self.search(
            [
                ("key_account_aging_stage", "in", ("progress", "writeoff")),
                "|",
                ("key_account_progress_date", "=", False),
                ("key_account_progress_date", "<", since),
            ]
        )
        missing_type = self.env.ref(
            "key_account.mail_activity_key_account_missing_note"
        )
        today = fields.Date.context_today(self)
        self.env["mail.activity"]._key_account_create_missing(
            missing_type,
            "account.move",
            {
                move.id: {
                    "user_id": move.company_id._key_account_head().id,
                    "date_deadline": today,
                    "note": self.env._(
                        "No collection note this week from %s.",
                        move.invoice_user_id.name or "-",
                    ),
                }
                for move in moves
                if move.company_id._key_account_head()
            },
        )
