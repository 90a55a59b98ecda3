# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .key_account_guard_mixin import _SYSTEM_WRITE, system_write
from .key_account_health_snapshot import HEALTH_BANDS

# Fields only the health cron writes (as the system).
HEALTH_FIELDS = (
    "key_account_health_score",
    "key_account_health_band",
    "key_account_health_previous",
    "key_account_health_trend",
    "key_account_health_pulling",
    "key_account_health_date",
)
HEALTH_GROUP = "key_account.group_key_account_rep"


class ResPartner(models.Model):
    """Account health (0-100) of a key account: computed only by the daily
    health cron, in batches, from its orders, revenue, payments, overdue
    receivables, open complaints, last satisfaction score and visits; a
    score below the company's threshold, or a drop of more than the set
    points since last month, gives the rep and the KA head an early-warning
    activity naming the factors pulling it down. Reading never computes."""

    _inherit = "res.partner"

    # === FIELDS === #
    key_account_health_score = fields.Integer(
        string="Health Score",
        readonly=True,
        copy=False,
        aggregator="avg",
        groups=HEALTH_GROUP,
        help="0-100, from the weighted factors of the company's settings; "
        "computed every day by the health cron.",
    )
    key_account_health_band = fields.Selection(
        HEALTH_BANDS,
        string="Health",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=HEALTH_GROUP,
        help="At risk: below the company's warning threshold. Empty: not "
        "computed yet, or nothing to measure.",
    )
    key_account_health_previous = fields.Integer(
        string="Last Month's Health",
        readonly=True,
        copy=False,
        groups=HEALTH_GROUP,
    )
    key_account_health_trend = fields.Integer(
        string="Health Trend",
        readonly=True,
        copy=False,
        groups=HEALTH_GROUP,
        help="Points gained (or lost, negative) since last month's score.",
    )
    key_account_health_pulling = fields.Json(
        readonly=True, copy=False, groups=HEALTH_GROUP
    )
    key_account_health_factors = fields.Text(
        string="Pulling the Score Down",
        compute="_compute_key_account_health_factors",
        groups=HEALTH_GROUP,
    )
    key_account_health_date = fields.Date(
        string="Health Computed On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=HEALTH_GROUP,
    )
    key_account_health_snapshot_ids = fields.One2many(
        "key_account.health.snapshot",
        "partner_id",
        string="Health History",
        groups=HEALTH_GROUP,
    )

    # === COMPUTE METHODS === #
    @api.depends("key_account_health_pulling")
    @api.depends_context("lang")
    def _compute_key_account_health_factors(self):
        for partner in self:
            partner.key_account_health_factors = partner._key_account_health_text(
                partner.key_account_health_pulling
            )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._key_account_check_health_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._key_account_check_health_fields(vals)
        return super().write(vals)

    # === BUSINESS METHODS === #
    @api.model
    def _key_account_check_health_fields(self, vals):
        """The health fields are the cron's: nobody sets them by hand or
        over RPC, directors included."""
        if self.env.su or _SYSTEM_WRITE.get():
            return
        touched = [name for name in HEALTH_FIELDS if name in vals]
        if touched:
            raise AccessError(
                self.env._(
                    "The account health is computed by the daily health job; "
                    "it cannot be set by hand (%s).",
                    ", ".join(touched),
                )
            )

    @api.model
    def _key_account_health_labels(self):
        _ = self.env._
        return {
            "recency": _("Order recency"),
            "frequency": _("Order frequency"),
            "revenue": _("Revenue against target"),
            "payment": _("Days to pay"),
            "overdue": _("Overdue receivables"),
            "complaints": _("Open complaints"),
            "satisfaction": _("Satisfaction"),
            "visits": _("Visit gap"),
        }

    @api.model
    def _key_account_health_text(self, pulling):
        """One line per factor pulling the score down, in the reader's
        language."""
        labels = self._key_account_health_labels()
        return "\n".join(
            self.env._(
                "%(factor)s: %(score)s/100 (%(lost)s points lost)",
                factor=labels.get(factor, factor),
                score=round(score),
                lost="%.1f" % lost,
            )
            for factor, score, lost in pulling or ()
            if lost >= 0.05
        )

    # Cron
    @api.model
    def _cron_key_account_health(self, batch_size=None):
        """Daily: the health score of the key accounts not scored today, one
        batch per call with a constant number of queries; the cron runner
        calls again while ``_notify_progress`` reports work remaining. A
        re-run scores nothing twice a day and opens no second warning."""
        company = self.env.company
        today = fields.Date.context_today(self)
        batch_size = batch_size or company.key_account_health_batch
        domain = [
            ("is_key_account", "=", True),
            ("is_company", "=", True),
            ("parent_id", "=", False),
            "|",
            ("key_account_health_date", "=", False),
            ("key_account_health_date", "<", today),
        ]
        partners = self.search_fetch(
            domain,
            [
                "name",
                "user_id",
                "key_account_tier_id",
                "key_account_since",
                "key_account_last_visit_date",
                "key_account_satisfaction_score",
            ],
            limit=batch_size,
            order="id",
        )
        if not partners:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return 0
        results = partners._key_account_health_compute(company, today)
        previous = partners._key_account_health_store(results, company, today)
        partners._key_account_health_warn(results, previous, company, today)
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=remaining)
        return len(partners)

    def _key_account_health_store(self, results, company, today):
        """Scores on the partners and this month's snapshots (created or
        updated); the trend against last month's snapshot. Returns
        {partner id: last month's score}."""
        month = today.replace(day=1)
        last_month = month - relativedelta(months=1)
        Snapshot = self.env["key_account.health.snapshot"]
        snapshots = Snapshot.search_fetch(
            [("partner_id", "in", self.ids), ("month", "in", (last_month, month))],
            ["partner_id", "month", "score", "band"],
        )
        previous, current = {}, {}
        for snapshot in snapshots:
            if snapshot.month == month:
                current[snapshot.partner_id.id] = snapshot
            elif snapshot.band:
                previous[snapshot.partner_id.id] = snapshot.score
        threshold = company.key_account_health_threshold
        to_create = []
        with system_write():
            for partner in self:
                score, pulling = results[partner.id]
                rounded = None if score is None else round(score)
                band = (
                    False
                    if score is None
                    else "at_risk"
                    if score < threshold
                    else "healthy"
                )
                before = previous.get(partner.id)
                pulling = [[f, round(s, 1), round(lost, 2)] for f, s, lost in pulling]
                partner.write(
                    {
                        "key_account_health_score": rounded or 0,
                        "key_account_health_band": band,
                        "key_account_health_previous": before or 0,
                        "key_account_health_trend": (
                            rounded - before
                            if rounded is not None and before is not None
                            else 0
                        ),
                        "key_account_health_pulling": pulling,
                        "key_account_health_date": today,
                    }
                )
                vals = {
                    "user_id": partner.user_id.id,
                    "team_id": partner.user_id.sale_team_id.id,
                    "tier_id": partner.key_account_tier_id.id,
                    "date": today,
                    "score": rounded or 0,
                    "band": band,
                    "at_risk_count": int(band == "at_risk"),
                    "pulling": pulling,
                }
                if partner.id in current:
                    current[partner.id].write(vals)
                else:
                    to_create.append(
                        dict(
                            vals,
                            partner_id=partner.id,
                            company_id=company.id,
                            month=month,
                        )
                    )
        Snapshot.create(to_create)
        return previous
