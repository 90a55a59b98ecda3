# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models

from ..tools import (
    activity_target,
    add_months,
    days_domain,
    percent,
    planned_visits,
    sales_score,
    working_days,
)

HEALTH_GROUP = "key_account.group_key_account_rep"
# Measures of the KPI report that are actuals (the others are targets).
ACTUALS = (
    "sales_amount",
    "invoiced_amount",
    "refund_amount",
    "writeoff_amount",
    "due_amount",
    "collected_amount",
    "new_account_count",
    "expense_amount",
)
TARGET_FIELDS = {
    "target_amount": "amount",
    "challenge_amount": "challenge_amount",
    "new_account_target": "new_account_target",
    "collection_target": "collection_amount",
    "expense_budget": "expense_budget",
}
# Which targets make up a period: the ones of exactly that period, else the
# months in it, else its quarters, else its year (never two kinds added up).
TARGET_PREFERENCE = ("month", "quarter", "year")


class KeyAccountKpi(models.AbstractModel):
    """The KPIs of reps over a period (SPEC R78, R79, R85), as plain dicts,
    for forms, digests and review reports.

    Everything is read with the caller's rights, so a rep's figures never
    include another rep's secret accounts (R86-R88); a system job reading
    every rep calls it as ``sudo()``."""

    _name = "key_account.kpi"
    _description = "Key-Account KPIs"

    # === BUSINESS METHODS === #
    # Actuals
    @api.model
    def _actuals(self, date_from, date_to, user=None, team=None, company=None):
        """{measure: sum} of the KPI report over the period, for a rep or a
        department (the rows the caller may read)."""
        domain = [
            ("date", ">=", date_from),
            ("date", "<=", date_to),
            ("source", "!=", "target"),
        ]
        if user:
            domain.append(("user_id", "=", user.id))
        if team:
            domain.append(("team_id", "=", team.id))
        if company:
            domain.append(("company_id", "=", company.id))
        groups = self.env["key_account.kpi.report"]._read_group(
            domain, [], [f"{name}:sum" for name in ACTUALS]
        )
        return dict(zip(ACTUALS, groups[0] if groups else (), strict=False))

    @api.model
    def _kpis(self, user_ids, date_from, date_to):
        """{user id: {kpi: value}} of the reps ``user_ids`` from
        ``date_from`` to ``date_to`` (dates, included).

        Amounts are in the company's currency; rates are percentages, None
        when there is nothing to measure against (no target, nothing due).
        Keys: sales (invoiced untaxed − credit notes − write-offs), invoiced,
        refunds, writeoffs, sales_target, challenge_target, sales_completion,
        challenge_completion, sales_score (R79); new_accounts,
        new_account_target, development_completion, accounts_at_start,
        accounts_lost, churn_rate, new_development_rate; contract_planned,
        contract_invoiced, contract_settlement; due, collected,
        collection_rate, collection_target, collection_completion; expenses,
        expense_budget, expense_control; file_completeness; valid_complaints;
        registration_rate; working_days, visits, visit_target, calls,
        call_target (R85); visits_planned (their submitted and reviewed
        visit plans starting in the period, R55), visit_plan_completion;
        health_average (mean health score of their scored key accounts, None
        without any), accounts_at_risk."""
        user_ids = list(user_ids)
        sources = self._kpi_sources(user_ids, date_from, date_to)
        return {user_id: self._kpi_values(user_id, sources) for user_id in user_ids}

    @api.model
    def _kpi_sources(self, user_ids, date_from, date_to):
        """What the KPIs are computed from, read once for all the reps
        ``user_ids``: {source: {user id: value}} (``days``: the working
        days of the period). Extend it together with ``_kpi_values``."""
        return {
            "actuals": self._actuals_by_user(user_ids, date_from, date_to),
            "targets": self._targets_by_user(user_ids, date_from, date_to),
            "contracts": self._contracts_by_user(user_ids, date_from, date_to),
            "churn": self._churn_by_user(user_ids, date_from, date_to),
            "files": self._file_completeness_by_user(user_ids),
            "complaints": self._valid_complaint_counts(user_ids, date_from, date_to),
            "registrations": self._registration_rates(user_ids, date_from, date_to),
            "visits": self._visit_counts(user_ids, date_from, date_to),
            "planned_visits": self._planned_visit_counts(user_ids, date_from, date_to),
            "calls": self._call_counts(user_ids, date_from, date_to),
            "health": self._health_by_user(user_ids),
            "days": working_days(date_from, date_to),
        }

    @api.model
    def _kpi_values(self, user_id, sources):
        """{kpi: value} of the rep ``user_id`` from ``sources``."""
        return {
            **self._kpi_sales_values(user_id, sources),
            **self._kpi_account_values(user_id, sources),
            **self._kpi_collection_values(user_id, sources),
            **self._kpi_activity_values(user_id, sources),
        }

    @api.model
    def _kpi_sales_values(self, user_id, sources):
        """Sales, targets and their completion (R78, R79)."""
        company = self.env.company
        done = sources["actuals"].get(user_id, {})
        aim = sources["targets"].get(user_id, {})
        sales = done.get("sales_amount", 0.0)
        completion = percent(sales, aim.get("target_amount"))
        planned, invoiced = sources["contracts"].get(user_id, (0.0, 0.0))
        return {
            "sales": sales,
            "invoiced": done.get("invoiced_amount", 0.0),
            "refunds": done.get("refund_amount", 0.0),
            "writeoffs": done.get("writeoff_amount", 0.0),
            "sales_target": aim.get("target_amount", 0.0),
            "challenge_target": aim.get("challenge_amount", 0.0),
            "sales_completion": completion,
            "challenge_completion": percent(sales, aim.get("challenge_amount")),
            "sales_score": sales_score(
                completion,
                company.key_account_kpi_sales_points,
                company.key_account_kpi_sales_step,
            ),
            "contract_planned": planned,
            "contract_invoiced": invoiced,
            "contract_settlement": percent(invoiced, planned),
        }

    @api.model
    def _kpi_account_values(self, user_id, sources):
        """New, kept and lost key accounts, their files, complaints and
        health (R78, R80)."""
        done = sources["actuals"].get(user_id, {})
        aim = sources["targets"].get(user_id, {})
        at_start, lost = sources["churn"].get(user_id, (0, 0))
        new_accounts = int(done.get("new_account_count", 0))
        health_average, at_risk = sources["health"].get(user_id, (None, 0))
        return {
            "new_accounts": new_accounts,
            "new_account_target": int(aim.get("new_account_target", 0)),
            "development_completion": percent(
                new_accounts, aim.get("new_account_target")
            ),
            "accounts_at_start": at_start,
            "accounts_lost": lost,
            "churn_rate": percent(lost, at_start),
            "new_development_rate": percent(new_accounts, at_start),
            "file_completeness": sources["files"].get(user_id),
            "valid_complaints": sources["complaints"].get(user_id, 0),
            "registration_rate": sources["registrations"].get(user_id),
            "health_average": health_average,
            "accounts_at_risk": at_risk,
        }

    @api.model
    def _kpi_collection_values(self, user_id, sources):
        """Collections and expenses against their targets (R78)."""
        done = sources["actuals"].get(user_id, {})
        aim = sources["targets"].get(user_id, {})
        collected = done.get("collected_amount", 0.0)
        expenses = done.get("expense_amount", 0.0)
        return {
            "due": done.get("due_amount", 0.0),
            "collected": collected,
            "collection_rate": percent(collected, done.get("due_amount")),
            "collection_target": aim.get("collection_target", 0.0),
            "collection_completion": percent(collected, aim.get("collection_target")),
            "expenses": expenses,
            "expense_budget": aim.get("expense_budget", 0.0),
            "expense_control": percent(expenses, aim.get("expense_budget")),
        }

    @api.model
    def _kpi_activity_values(self, user_id, sources):
        """Visits and calls against the daily targets (R85) and the visit
        plans (R55)."""
        company = self.env.company
        days = sources["days"]
        visits = sources["visits"].get(user_id, 0)
        planned = sources["planned_visits"].get(user_id, 0)
        return {
            "working_days": days,
            "visits": visits,
            "visit_target": activity_target(company.key_account_visits_per_day, days),
            "visits_planned": planned,
            "visit_plan_completion": percent(visits, planned),
            "calls": sources["calls"].get(user_id, 0),
            "call_target": activity_target(company.key_account_calls_per_day, days),
        }

    @api.model
    def _actuals_by_user(self, user_ids, date_from, date_to):
        groups = self.env["key_account.kpi.report"]._read_group(
            [
                ("user_id", "in", user_ids),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                ("source", "!=", "target"),
            ],
            ["user_id"],
            [f"{name}:sum" for name in ACTUALS],
        )
        return {
            user.id: dict(zip(ACTUALS, sums, strict=True)) for user, *sums in groups
        }

    @api.model
    def _targets_by_user(self, user_ids, date_from, date_to):
        """{user id: {target measure: amount}}: the targets within the period
        the caller may read, of one period type (TARGET_PREFERENCE)."""
        targets = self.env["key_account.target"].search(
            [
                ("user_id", "in", user_ids),
                ("date_from", ">=", date_from),
                ("date_to", "<=", date_to),
            ]
        )
        by_user = defaultdict(lambda: self.env["key_account.target"])
        for target in targets:
            by_user[target.user_id.id] |= target
        result = {}
        for user_id, user_targets in by_user.items():
            exact = user_targets.filtered(
                lambda t: t.date_from == date_from and t.date_to == date_to
            )
            chosen = exact
            for period_type in TARGET_PREFERENCE:
                if chosen:
                    break
                chosen = user_targets.filtered(
                    lambda t, p=period_type: t.period_type == p
                )
            result[user_id] = {
                measure: sum(chosen.mapped(field_name))
                for measure, field_name in TARGET_FIELDS.items()
            }
        return result

    @api.model
    def _contracts_by_user(self, user_ids, date_from, date_to):
        """{user id: (planned, invoiced)}: the untaxed amount of the orders
        confirmed in the period and what of it is invoiced (R78 contract
        settlement)."""
        groups = self.env["sale.order.line"]._read_group(
            [
                ("order_id.user_id", "in", user_ids),
                ("state", "=", "sale"),
                ("display_type", "=", False),
                *days_domain("order_id.date_order", date_from, date_to),
            ],
            ["salesman_id"],
            ["price_subtotal:sum", "untaxed_amount_invoiced:sum"],
        )
        return {user.id: (planned, invoiced) for user, planned, invoiced in groups}

    @api.model
    def _file_completeness_by_user(self, user_ids):
        """{user id: average file completeness (%) of their key accounts}."""
        groups = self.env["res.partner"]._read_group(
            [("user_id", "in", user_ids), ("is_key_account", "=", True)],
            ["user_id"],
            ["key_account_file_completeness:avg"],
        )
        return {user.id: average for user, average in groups}

    @api.model
    def _health_by_user(self, user_ids):
        """{user id: (mean health score, accounts at risk)} of their scored
        key accounts today (the daily health cron's figures), read with the
        caller's rights; empty for a reader outside the key-account groups."""
        if not (self.env.su or self.env.user.has_group(HEALTH_GROUP)):
            return {}
        groups = self.env["res.partner"]._read_group(
            [
                ("user_id", "in", user_ids),
                ("is_key_account", "=", True),
                ("parent_id", "=", False),
                ("key_account_health_band", "!=", False),
            ],
            ["user_id", "key_account_health_band"],
            ["__count", "key_account_health_score:sum"],
        )
        totals = defaultdict(lambda: [0, 0, 0])
        for user, band, count, score_sum in groups:
            total = totals[user.id]
            total[0] += count
            total[1] += score_sum or 0
            total[2] += count if band == "at_risk" else 0
        return {
            user_id: (points / count, at_risk)
            for user_id, (count, points, at_risk) in totals.items()
        }

    @api.model
    def _churn_by_user(self, user_ids, date_from, date_to):
        """{user id: (key accounts at the start, lost in the period)}.

        A key account is lost when revoked (approved revocation request)
        or after ``key_account_churn_months`` months without an invoice
        (counted from its last invoice, or its designation). It counts at the
        start when designated before the period and not lost yet."""
        months = self.env.company.key_account_churn_months
        partners = self.env["res.partner"].search(
            [
                ("user_id", "in", user_ids),
                ("parent_id", "=", False),
                ("key_account_since", "<", date_from),
                ("key_account_state", "in", ("key_account", "suspended")),
            ]
        )
        if not partners:
            return {}
        suspended = self._suspension_dates(partners)
        last_before, last_until = self._last_invoice_dates(partners, date_from, date_to)
        result = defaultdict(lambda: [0, 0])
        for partner in partners:
            since = partner.key_account_since
            stop = suspended.get(partner.id)
            if stop and stop < since:
                stop = None  # revoked before its designation again
            if stop and stop < date_from:
                continue
            if partner.key_account_state == "suspended" and not stop:
                continue  # suspended without a dated request: before the period
            if add_months(max(last_before.get(partner.id, since), since), months) < (
                date_from
            ):
                continue  # already without an invoice for too long
            counts = result[partner.user_id.id]
            counts[0] += 1
            inactive_from = add_months(
                max(last_until.get(partner.id, since), since), months
            )
            if (stop and stop <= date_to) or inactive_from <= date_to:
                counts[1] += 1
        return {user_id: tuple(counts) for user_id, counts in result.items()}

    def _suspension_dates(self, partners):
        """{partner id: date of its last approved revocation}. As the system:
        a rep reads only the requests he made, not the KA head's."""
        groups = (
            self.env["key_account.request"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("kind", "=", "suspension"),
                    ("state", "=", "approved"),
                ],
                ["partner_id"],
                ["write_date:max"],
            )
        )
        return {partner.id: moment.date() for partner, moment in groups}

    def _last_invoice_dates(self, partners, date_from, date_to):
        """({partner id: last invoice date before the period},
        {partner id: last invoice date until its end}). As the system: only
        the dates of customers the caller reads are taken, whoever invoiced."""
        moves = self.env["account.move"].sudo()
        result = []
        for domain in (
            [("invoice_date", "<", date_from)],
            [("invoice_date", "<=", date_to)],
        ):
            groups = moves._read_group(
                [
                    ("commercial_partner_id", "in", partners.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    *domain,
                ],
                ["commercial_partner_id"],
                ["invoice_date:max"],
            )
            result.append({partner.id: day for partner, day in groups})
        return tuple(result)

    # Hooks of other features
    @api.model
    def _valid_complaint_counts(self, user_ids, date_from, date_to):
        """{user id: complaints received (``date``) in the period on their
        customers (``rep_id``) that the supervisor marked valid}, read with
        the caller's rights."""
        groups = self.env["key_account.complaint"]._read_group(
            [
                ("rep_id", "in", user_ids),
                ("validity", "=", "valid"),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                *self._secret_guard(),
            ],
            ["rep_id"],
            ["__count"],
        )
        return {user.id: count for user, count in groups}

    @api.model
    def _registration_rates(self, user_ids, date_from, date_to):
        """{user id: % of the customer files created in the period on their
        customers that the office manager reviewed within the file entry
        limit (``key_account_file_entry_days`` working days, default 2)}
        (R78 registration rate). Reps without a new file in the period have
        no rate (None: nothing to measure). Read with the caller's rights."""
        groups = self.env["key_account.file.review"]._read_group(
            [
                ("rep_id", "in", user_ids),
                ("kind", "=", "new"),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                *self._secret_guard(),
            ],
            ["rep_id", "reviewed_in_time"],
            ["__count"],
        )
        created = defaultdict(int)
        in_time = defaultdict(int)
        for user, reviewed, count in groups:
            created[user.id] += count
            if reviewed:
                in_time[user.id] += count
        return {
            user_id: percent(in_time[user_id], total)
            for user_id, total in created.items()
        }

    @api.model
    def _visit_counts(self, user_ids, date_from, date_to):
        """{user id: visits they made in the period} (R85): done visits
        (reported after the visit) by their actual departure, on the rep's
        calendar day, read with the caller's rights."""
        Visit = self.env["key_account.visit"]
        # A day wider on each side: the day is the rep's, the field UTC.
        visits = Visit.search(
            [
                ("user_id", "in", user_ids),
                ("state", "=", "done"),
                (
                    "actual_start",
                    ">=",
                    fields.Datetime.to_datetime(
                        fields.Date.subtract(date_from, days=1)
                    ),
                ),
                (
                    "actual_start",
                    "<",
                    fields.Datetime.to_datetime(fields.Date.add(date_to, days=2)),
                ),
                *self._secret_guard(),
            ]
        )
        result = defaultdict(int)
        for visit in visits:
            if date_from <= visit._local(visit.actual_start).date() <= date_to:
                result[visit.user_id.id] += 1
        return dict(result)

    @api.model
    def _planned_visit_counts(self, user_ids, date_from, date_to):
        """{user id: visits planned} in their submitted and reviewed visit
        plans starting in the period (R55), a month planned weekly counted
        by its weekly plans (``planned_visits``); read with the caller's
        rights, without the customers of secret accounts he may not see."""
        groups = self.env["key_account.visit.plan.line"]._read_group(
            [
                ("plan_id.user_id", "in", user_ids),
                ("plan_id.state", "in", ("submitted", "reviewed")),
                ("plan_id.date_from", ">=", date_from),
                ("plan_id.date_from", "<=", date_to),
                *self._secret_guard(),
            ],
            ["plan_id"],
            ["planned_count:sum"],
        )
        plans = defaultdict(list)
        for plan, count in groups:
            plans[plan.user_id.id].append((plan.period_type, plan.date_from, count))
        return {user_id: planned_visits(rows) for user_id, rows in plans.items()}

    @api.model
    def _secret_guard(self):
        """Domain leaving out the records on secret accounts the caller
        neither owns nor serves, as the KPI report's record rules do (R88);
        empty for directors and system jobs."""
        user = self.env.user
        if self.env.su or user.has_group("key_account.group_key_account_director"):
            return []
        return [("partner_id", "not in", self._hidden_partner_ids())]

    @api.model
    def _hidden_partner_ids(self):
        """Ids of the secret accounts (and their contacts) the caller neither
        owns nor serves. As the system: the caller cannot read them, which
        is the point."""
        uid = self.env.uid
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            ._search(
                [
                    (
                        "commercial_partner_id.key_account_confidentiality",
                        "=",
                        "secret",
                    ),
                    ("commercial_partner_id.user_id", "!=", uid),
                    ("commercial_partner_id.key_account_executive_id", "!=", uid),
                ]
            )
        )

    @api.model
    def _call_counts(self, user_ids, date_from, date_to):
        """{user id: phone-call activities they marked done in the period}
        (R85): Odoo posts a message of the activity's type, authored by who
        did it, when an activity is done."""
        users = self.env["res.users"].browse(user_ids)
        by_partner = {user.partner_id.id: user.id for user in users}
        groups = self._done_activity_groups(
            list(by_partner), date_from, date_to, "phonecall"
        )
        return {by_partner[partner.id]: count for partner, count in groups}

    def _done_activity_groups(self, partner_ids, date_from, date_to, category):
        """[(author, count)] of the done activities of ``category``. As the
        system: messages are readable through their documents only, and only
        their count by author is returned."""
        return (
            self.env["mail.message"]
            .sudo()
            ._read_group(
                [
                    ("author_id", "in", partner_ids),
                    ("mail_activity_type_id.category", "=", category),
                    ("subtype_id", "=", self.env.ref("mail.mt_activities").id),
                    *days_domain("date", date_from, date_to),
                ],
                ["author_id"],
                ["__count"],
            )
        )
