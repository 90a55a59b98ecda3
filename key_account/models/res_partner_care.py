# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..tools import satisfaction_due


class ResPartner(models.Model):
    """Customer care: visits (SPEC R50–R55), gifts and entertainment
    (R56, R57), satisfaction and complaints (R73–R76)."""

    _inherit = "res.partner"

    # === FIELDS === #
    # Visits (SPEC R50–R55)
    key_account_visit_count = fields.Integer(compute="_compute_key_account_visit_count")
    key_account_last_visit_date = fields.Date(
        string="Last Visit", copy=False, readonly=True
    )
    key_account_visit_due_date = fields.Date(
        string="Next Visit Due",
        compute="_compute_key_account_visit_due_date",
        store=True,
        index=True,
    )
    # Relationships: satisfaction, gifts, entertainment, complaints
    key_account_satisfaction_ids = fields.One2many(
        "key_account.satisfaction", "partner_id", string="Satisfaction History"
    )
    key_account_satisfaction_score = fields.Float(
        string="Last Satisfaction Score",
        digits=(3, 1),
        compute="_compute_key_account_satisfaction",
        store=True,
        aggregator="avg",
    )
    key_account_satisfaction_date = fields.Date(
        string="Last Satisfaction Survey",
        compute="_compute_key_account_satisfaction",
        store=True,
    )
    key_account_satisfaction_due = fields.Date(
        string="Next Satisfaction Survey",
        compute="_compute_key_account_satisfaction",
        store=True,
        index="btree_not_null",
        help="The tier's survey interval after the last satisfaction record "
        "(or after the designation).",
    )
    key_account_gift_count = fields.Integer(
        compute="_compute_key_account_relationship_counts",
        groups="key_account.group_key_account_rep",
    )
    key_account_entertainment_count = fields.Integer(
        compute="_compute_key_account_relationship_counts",
        groups="key_account.group_key_account_rep",
    )
    key_account_complaint_count = fields.Integer(
        compute="_compute_key_account_relationship_counts",
        groups="key_account.group_key_account_rep",
    )
    key_account_satisfaction_count = fields.Integer(
        compute="_compute_key_account_relationship_counts",
        groups="key_account.group_key_account_rep",
    )

    # === COMPUTE METHODS === #
    def _compute_key_account_visit_count(self):
        counts = dict(
            self.env["key_account.visit"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.key_account_visit_count = counts.get(partner, 0)

    @api.depends(
        "is_key_account",
        "key_account_last_visit_date",
        "key_account_since",
        "key_account_tier_id.visit_interval_days",
    )
    def _compute_key_account_visit_due_date(self):
        for partner in self:
            interval = partner.key_account_tier_id.visit_interval_days
            base = partner.key_account_last_visit_date or partner.key_account_since
            if not (partner.is_key_account and interval and base):
                partner.key_account_visit_due_date = False
            else:
                partner.key_account_visit_due_date = base + relativedelta(days=interval)

    @api.depends(
        "key_account_satisfaction_ids.state",
        "key_account_satisfaction_ids.score",
        "key_account_satisfaction_ids.date",
        "key_account_since",
        "key_account_tier_id.survey_interval_days",
    )
    def _compute_key_account_satisfaction(self):
        for partner in self:
            records = partner.key_account_satisfaction_ids.filtered(
                lambda r: r.state != "cancelled"
            ).sorted(lambda r: (r.date, r.id), reverse=True)
            scored = records.filtered(lambda r: r.state == "done" and r.score)[:1]
            partner.key_account_satisfaction_score = scored.score
            partner.key_account_satisfaction_date = scored.date
            partner.key_account_satisfaction_due = satisfaction_due(
                records[:1].date,
                partner.key_account_since,
                partner.key_account_tier_id.survey_interval_days,
            )

    def _compute_key_account_relationship_counts(self):
        partners = self.filtered("is_company")
        counts = {}
        for model in (
            "key_account.gift",
            "key_account.entertainment",
            "key_account.complaint",
            "key_account.satisfaction",
        ):
            counts[model] = dict(
                self.env[model]._read_group(
                    [("partner_id", "in", partners.ids)], ["partner_id"], ["__count"]
                )
            )
        for partner in self:
            partner.key_account_gift_count = counts["key_account.gift"].get(partner, 0)
            partner.key_account_entertainment_count = counts[
                "key_account.entertainment"
            ].get(partner, 0)
            partner.key_account_complaint_count = counts["key_account.complaint"].get(
                partner, 0
            )
            partner.key_account_satisfaction_count = counts[
                "key_account.satisfaction"
            ].get(partner, 0)

    # === ACTION METHODS === #
    @api.readonly
    def action_view_key_account_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.action_key_account_visit"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_key_account_log_visit(self):
        """Quick "Log a Visit" from the customer: a new visit for it."""
        self.ensure_one()
        context = {"default_partner_id": self.commercial_partner_id.id}
        if self != self.commercial_partner_id:
            context["default_contact_ids"] = [self.id]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Visit"),
            "res_model": "key_account.visit",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }

    @api.readonly
    def action_view_key_account_gifts(self):
        return self._key_account_relationship_action(
            "key_account.action_key_account_gift"
        )

    @api.readonly
    def action_view_key_account_entertainments(self):
        return self._key_account_relationship_action(
            "key_account.action_key_account_entertainment"
        )

    @api.readonly
    def action_view_key_account_complaints(self):
        return self._key_account_relationship_action(
            "key_account.action_key_account_complaint"
        )

    @api.readonly
    def action_view_key_account_satisfactions(self):
        return self._key_account_relationship_action(
            "key_account.action_key_account_satisfaction"
        )

    # === BUSINESS METHODS === #
    def _key_account_survey_recipient(self):
        """Who receives the satisfaction survey: the decision maker, else the
        customer itself, else its first contact with an email."""
        self.ensure_one()
        for candidate in (
            self.key_account_decision_maker_id,
            self,
            *self.child_ids.sorted("id"),
        ):
            if candidate.email:
                return candidate
        return self.browse()

    def _key_account_relationship_action(self, xmlid):
        self.ensure_one()
        partner = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action

    @api.model
    def _cron_key_account_visit_due(self, batch_size=None):
        """Daily: key accounts whose tier interval since the last visit has
        passed give their owner a "Visit due" activity. One batch per call
        with a constant number of queries; customers with the activity open
        are skipped, so re-runs create nothing twice."""
        company = self.env.company
        batch_size = batch_size or company.key_account_ownership_batch
        activity_type = self.env.ref("key_account.mail_activity_key_account_visit_due")
        today = fields.Date.context_today(self)
        domain = [
            ("is_key_account", "=", True),
            ("is_company", "=", True),
            ("parent_id", "=", False),
            ("user_id", "!=", False),
            ("key_account_visit_due_date", "<=", today),
            ("activity_ids", "not any", [("activity_type_id", "=", activity_type.id)]),
        ]
        partners = self.search_fetch(
            domain,
            ["name", "user_id", "key_account_last_visit_date", "key_account_tier_id"],
            limit=batch_size,
        )
        vals_by_partner = {
            partner.id: {
                "user_id": partner.user_id.id,
                "date_deadline": today,
                "note": self.env._(
                    "Tier %(tier)s: visit every %(days)s days; last visit: %(last)s.",
                    tier=partner.key_account_tier_id.name,
                    days=partner.key_account_tier_id.visit_interval_days,
                    last=partner.key_account_last_visit_date or self.env._("none"),
                ),
            }
            for partner in partners
        }
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        )._key_account_create_missing(activity_type, "res.partner", vals_by_partner)
        remaining = self.search_count(domain) if partners else 0
        self.env["ir.cron"]._notify_progress(done=len(partners), remaining=remaining)
        return len(partners)
