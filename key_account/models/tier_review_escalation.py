# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


class TierReview(models.Model):
    """Reminders of key-account reviews as activities, and escalation of
    reviews left pending (SPEC R19)."""

    _inherit = "tier.review"

    # === BUSINESS METHODS === #
    def _send_review_reminder(self):
        """Key-account reviews remind each reviewer with an activity."""
        mine = self.filtered(lambda r: r.model in self._key_account_models())
        res = super(TierReview, self - mine)._send_review_reminder()
        for review in mine:
            record = self.env[review.model].browse(review.res_id)
            if not record.exists():
                continue
            for user in review.reviewer_ids[:10]:
                record.activity_schedule(
                    act_type_xmlid=review._get_reminder_activity_type(),
                    note=review._notify_review_reminder_body(),
                    user_id=user.id,
                )
            review.last_reminder_date = fields.Datetime.now()
        return res

    def _notify_review_reminder_body(self):
        if self.key_account_pending_since:
            delay = (fields.Datetime.now() - self.key_account_pending_since).days
            return self.env._(
                "%(review)s has been waiting for your decision for %(days)s days.",
                review=self.name,
                days=delay,
            )
        return super()._notify_review_reminder_body()

    @api.model
    def _cron_key_account_escalate(self, batch_size=200):
        """Reviews pending longer than their step allows go to the next level."""
        now = fields.Datetime.now()
        definitions = self.env["tier.definition"].search(
            [
                ("model", "in", self._key_account_models()),
                ("key_account_escalation_days", ">", 0),
                ("key_account_escalate_group_id", "!=", False),
            ]
        )
        done = remaining = 0
        for definition in definitions:
            limit = fields.Datetime.subtract(
                now, days=definition.key_account_escalation_days
            )
            domain = [
                ("definition_id", "=", definition.id),
                ("status", "=", "pending"),
                ("key_account_escalated_group_id", "=", False),
                ("key_account_pending_since", "<=", limit),
            ]
            reviews = self.search(domain, limit=batch_size)
            reviews._key_account_escalate(definition.key_account_escalate_group_id)
            done += len(reviews)
            if len(reviews) == batch_size:
                remaining += self.search_count(domain)
        # Reviews left beyond a batch: the cron runner calls again.
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def _key_account_escalate(self, group):
        """Runs as the escalation cron (superuser)."""
        self.write(
            {
                "key_account_escalated_group_id": group.id,
                "key_account_escalated_date": fields.Datetime.now(),
            }
        )
        for review in self:
            record = self.env[review.model].browse(review.res_id)
            days = (fields.Datetime.now() - review.key_account_pending_since).days
            record.message_post(
                body=self.env._(
                    "%(review)s pending for %(days)s days: escalated to %(group)s.",
                    review=review.name,
                    days=days,
                    group=group.name,
                ),
                subtype_xmlid="mail.mt_note",
                partner_ids=group.users.partner_id.ids,
            )
