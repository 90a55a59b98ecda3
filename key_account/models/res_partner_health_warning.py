# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import models

from ..tools import health_warning_reasons


class ResPartner(models.Model):
    """Early warnings of the account health (see ``res_partner_health``):
    an activity for the rep and the KA head of an account whose score is
    below the company's threshold or dropped by more than the set points
    since last month, naming the factors pulling it down."""

    _inherit = "res.partner"

    # === BUSINESS METHODS === #
    def _key_account_health_warn(self, results, previous, company, today):
        """An early-warning activity for the rep and the KA head of each
        account of the batch below the threshold or dropped by more than
        the set points since last month, naming the factors; none for a
        user who still has one open on the account."""
        activity_type = self.env.ref(
            "key_account.mail_activity_key_account_health", raise_if_not_found=False
        )
        if not activity_type:
            return
        head = company._key_account_head()
        warned = {}
        for partner in self:
            score = results[partner.id][0]
            reasons = health_warning_reasons(
                None if score is None else round(score),
                previous.get(partner.id),
                company.key_account_health_threshold,
                company.key_account_health_drop_points,
            )
            if reasons:
                warned[partner] = reasons
        if not warned:
            return
        Activity = self.env["mail.activity"]
        partners = self.browse([p.id for p in warned])
        busy = {
            (activity.res_id, activity.user_id.id)
            for activity in Activity.search_fetch(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id", "user_id"],
            )
        }
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for partner, reasons in warned.items():
            for user in partner.user_id | head:
                if (partner.id, user.id) in busy:
                    continue
                vals_list.append(
                    partner.with_context(lang=user.lang)._key_account_health_activity(
                        user, reasons, company, today, model_id, activity_type
                    )
                )
        # The activity is the warning: no assignment e-mail per activity
        # from a batched job (it would cost queries per account).
        Activity.with_context(mail_activity_quick_update=True).create(vals_list)

    def _key_account_health_activity(
        self, user, reasons, company, today, model_id, activity_type
    ):
        """Values of the early-warning activity of ``user`` on the account,
        in the user's language."""
        self.ensure_one()
        _ = self.env._
        lines = []
        if "below" in reasons:
            lines.append(
                _(
                    "Health score %(score)s/100, below the warning threshold "
                    "of %(threshold)s.",
                    score=self.key_account_health_score,
                    threshold="%g" % company.key_account_health_threshold,
                )
            )
        if "drop" in reasons:
            lines.append(
                _(
                    "Health score down %(points)s points since last month "
                    "(%(before)s → %(score)s).",
                    points=-self.key_account_health_trend,
                    before=self.key_account_health_previous,
                    score=self.key_account_health_score,
                )
            )
        factors = self._key_account_health_text(self.key_account_health_pulling)
        if factors:
            lines.append(_("Pulling it down:"))
            lines.extend(factors.splitlines())
        return {
            "res_model_id": model_id,
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "user_id": user.id,
            "date_deadline": today,
            "summary": _(
                "Account health %(score)s/100", score=self.key_account_health_score
            ),
            "note": Markup("<br/>").join(lines),
        }
