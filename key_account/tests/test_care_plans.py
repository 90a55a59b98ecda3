# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Visit plans (R55), satisfaction campaigns and harmful acts on complaints
(R75, R76), monthly reports and the printed meeting pack (R82, R83)."""

import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import KeyAccountCase
from .test_report_digest import ReportCase

DT = datetime.datetime
D = datetime.date


@tagged("post_install", "-at_install")
class TestVisitPlan(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_key_account(cls.customer)
        cls.other = cls.env["res.partner"].create(
            {"name": "Gamma Ltd", "is_company": True, "user_id": cls.rep_a.id}
        )
        cls.Plan = cls.env["key_account.visit.plan"]

    def _plan(self, user=None, **vals):
        values = {
            "period_type": "week",
            "date_from": "2025-06-11",  # a Wednesday
            "line_ids": [
                Command.create({"partner_id": self.customer.id, "planned_count": 2}),
                Command.create({"partner_id": self.other.id, "planned_count": 1}),
            ],
        }
        values.update(vals)
        return self.Plan.with_user(user or self.rep_a).create(values)

    def _done_visit(self, day):
        """A visit of rep A to ACME on ``day``, registered the day before and
        reported done by the rep."""
        start = DT(day.year, day.month, day.day, 2, 0)
        with freeze_time(start - datetime.timedelta(days=1)):
            visit = (
                self.env["key_account.visit"]
                .with_user(self.rep_a)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "planned_start": start,
                        "planned_stop": start + datetime.timedelta(hours=2),
                        "purpose": "Negotiate the 2026 renewal prices",
                    }
                )
            )
        with freeze_time(start + datetime.timedelta(hours=3)):
            visit.write(
                {
                    "actual_start": start,
                    "actual_stop": start + datetime.timedelta(hours=2),
                    "outcome": "<p>Needs 200 units.</p>",
                }
            )
            visit.action_done()
        return visit

    def test_weekly_plan_submitted_reviewed_planned_vs_done(self):
        plan = self._plan()
        self.assertRecordValues(
            plan,
            [
                {
                    "user_id": self.rep_a.id,
                    "supervisor_id": self.office_manager.id,
                    "date_from": D(2025, 6, 9),
                    "date_to": D(2025, 6, 15),
                    "state": "draft",
                    "planned_total": 3,
                    "done_total": 0,
                }
            ],
        )
        # Done = visits done in the period; one outside it does not count.
        self._done_visit(D(2025, 6, 10))
        self._done_visit(D(2025, 6, 17))
        self.env.invalidate_all()
        acme = plan.line_ids.filtered(lambda line: line.partner_id == self.customer)
        self.assertEqual(acme.done_count, 1)
        self.assertEqual(plan.done_total, 1)
        self.assertAlmostEqual(plan.completion, 100.0 / 3)

        plan.action_submit()
        self.assertEqual(plan.state, "submitted")
        todo = plan.activity_ids.filtered(lambda a: a.user_id == self.office_manager)
        self.assertTrue(todo)
        # Submitted: the rep changes nothing, nor reviews his own plan.
        with self.assertRaises(UserError):
            plan.line_ids[0].planned_count = 5
        with self.assertRaises(UserError):
            plan.write({"note": "Later"})
        with self.assertRaises(AccessError):
            plan.review_note = "Fine by me"
        with self.assertRaises(AccessError):
            plan.action_review()
        with self.assertRaises(AccessError):
            plan.with_user(self.rep_b).action_review()
        manager_plan = plan.with_user(self.office_manager)
        with self.assertRaises(UserError):
            manager_plan.action_return()  # no comment
        manager_plan.review_note = "Visit Gamma twice: renewal due."
        manager_plan.action_return()
        self.assertEqual(plan.state, "draft")
        plan.line_ids.filtered(lambda line: line.partner_id == self.other).write(
            {"planned_count": 2}
        )
        plan.action_submit()
        manager_plan.action_review()
        self.assertRecordValues(
            plan,
            [
                {
                    "state": "reviewed",
                    "reviewer_id": self.office_manager.id,
                    "planned_total": 4,
                }
            ],
        )

    def test_monthly_plan_and_record_rules(self):
        plan = self._plan(period_type="month")
        self.assertEqual(
            (plan.date_from, plan.date_to), (D(2025, 6, 1), D(2025, 6, 30))
        )
        # Rep B reaches neither the plan nor its lines.
        Plan = self.Plan.with_user(self.rep_b)
        self.assertFalse(Plan.search([("id", "=", plan.id)]))
        with self.assertRaises(AccessError):
            plan.with_user(self.rep_b).read(["state"])
        self.assertFalse(
            self.env["key_account.visit.plan.line"]
            .with_user(self.rep_b)
            .search([("plan_id", "=", plan.id)])
        )
        # A rep plans only for himself; the state is the buttons'.
        mine = self._plan(
            user=self.rep_b, user_id=self.rep_a.id, date_from="2025-07-01", line_ids=[]
        )
        self.assertEqual(mine.user_id, self.rep_b)
        with self.assertRaises(AccessError):
            plan.write({"state": "reviewed"})
        with self.assertRaises(UserError):
            self._plan(line_ids=[]).action_submit()  # nothing planned
        # Visits are planned per customer company, not per contact.
        contact = self.env["res.partner"].create(
            {"name": "Li Na", "parent_id": self.customer.id}
        )
        with self.assertRaises(ValidationError):
            self._plan(
                date_from="2025-08-04",
                line_ids=[Command.create({"partner_id": contact.id})],
            )

    def test_kpis_show_planned_against_done(self):
        """R55: the KPIs count the visits the rep planned in his submitted
        plans of the period against the visits he made; a month planned
        weekly counts its weekly plans, not the monthly plan beside them; a
        draft plan counts nothing. The office manager reads the same."""
        june = (D(2025, 6, 1), D(2025, 6, 30))
        Kpi = self.env["key_account.kpi"]
        monthly = self._plan(period_type="month")
        monthly.line_ids.write({"planned_count": 10})
        monthly.action_submit()
        self._done_visit(D(2025, 6, 10))
        kpis = Kpi.with_user(self.rep_a)._kpis(self.rep_a.ids, *june)[self.rep_a.id]
        self.assertEqual(kpis["visits"], 1)
        self.assertEqual(kpis["visits_planned"], 20)
        self.assertEqual(kpis["visit_plan_completion"], 5.0)
        weekly = self._plan()  # 3 visits, week of 9 June
        self.assertEqual(
            Kpi.with_user(self.rep_a)._kpis(self.rep_a.ids, *june)[self.rep_a.id][
                "visits_planned"
            ],
            20,
        )
        weekly.action_submit()
        self._plan(date_from="2025-06-16").action_submit()  # 3 more
        for reader in (self.rep_a, self.office_manager):
            kpis = Kpi.with_user(reader)._kpis(self.rep_a.ids, *june)[self.rep_a.id]
            self.assertEqual(kpis["visits_planned"], 6)
            self.assertEqual(kpis["visit_plan_completion"], 100.0 / 6)
        # Another rep's KPIs count none of rep A's plans.
        self.assertEqual(
            Kpi.with_user(self.head)._kpis(self.rep_b.ids, *june)[self.rep_b.id][
                "visits_planned"
            ],
            0,
        )


@tagged("post_install", "-at_install")
class TestSatisfactionCampaign(KeyAccountCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.key_account_head_user_id = cls.head
        cls._make_key_account(cls.customer)
        cls._make_key_account(cls.customer_b)
        cls.Campaign = cls.env["key_account.satisfaction.campaign"]

    def _campaign(self):
        return self.Campaign.with_user(self.office_manager).create(
            {
                "title": "Second-half satisfaction survey",
                "kind": "return_visit",
                "method": "phone",
                "objective": "Delivery punctuality and service",
                "date_start": fields.Date.today(),
                "date_end": fields.Date.today() + datetime.timedelta(days=30),
                "staff_ids": [Command.set([self.rep_a.id, self.office_manager.id])],
                "partner_ids": [Command.set((self.customer | self.customer_b).ids)],
            }
        )

    def test_plan_approved_by_head_staff_results_report_archived(self):
        campaign = self._campaign()
        self.assertTrue(campaign.name.startswith("CMP/"))
        campaign.with_user(self.office_manager).action_submit()
        self.assertEqual(campaign.state, "submitted")
        self.assertEqual(
            campaign.review_ids.reviewer_ids,
            self.env.ref("key_account.group_key_account_head").users,
        )
        # Only the KA head decides; nobody launches before the approval.
        with self.assertRaises(AccessError):
            campaign.with_user(self.office_manager).validate_tier()
        with self.assertRaises(UserError):
            campaign.with_user(self.office_manager).action_launch()
        self._approve(campaign, self.head)
        self.assertEqual(campaign.state, "approved")

        self.assertEqual(len(campaign.sudo().partner_ids), 2, "partners stored")
        campaign.with_user(self.office_manager).action_launch()
        self.assertEqual(len(campaign.sudo().satisfaction_ids), 2, "created")
        self.assertEqual(campaign.state, "running")
        # Beta (rep B's, outside his team) goes to the office manager in
        # turn, who then reads that survey too.
        self.assertEqual(len(campaign.satisfaction_ids), 2)
        surveys = campaign.with_user(self.head).satisfaction_ids
        self.assertEqual(len(surveys), 2)
        by_partner = {s.partner_id: s for s in surveys}
        # ACME goes to its rep among the staff; Beta to the staff in turn.
        self.assertEqual(by_partner[self.customer].user_id, self.rep_a)
        self.assertIn(by_partner[self.customer_b].user_id, campaign.staff_ids)
        self.assertEqual(set(surveys.mapped("method")), {"phone"})
        # The staff rep reads the campaign he works on, not writes it.
        self.assertTrue(campaign.with_user(self.rep_a).title)
        with self.assertRaises(UserError):
            campaign.with_user(self.rep_a).results = "Forged"
        with self.assertRaises(AccessError):
            surveys.with_user(self.rep_a).campaign_id = False

        acme = by_partner[self.customer].with_user(self.rep_a)
        acme.write({"score": 4, "comments": "Deliveries on time."})
        acme.action_close()
        beta = by_partner[self.customer_b].sudo()
        beta.write({"score": 2, "comments": "Invoices late."})
        beta.write(
            {
                "recovery_owner_id": self.office_manager.id,
                "recovery_actions": "Monthly invoice check",
                "recovery_deadline": fields.Date.today(),
            }
        )
        beta.action_close()
        self.assertRecordValues(
            campaign,
            [
                {
                    "survey_count": 2,
                    "closed_count": 2,
                    "average_score": 3.0,
                    "dissatisfied_count": 1,
                }
            ],
        )
        organizer = campaign.with_user(self.office_manager)
        with self.assertRaises(UserError):
            organizer.action_submit_report()  # no results yet
        organizer.write(
            {
                "results": "Deliveries fine; invoicing late for Beta.",
                "improvements": "Invoice check before month end.",
                "report": "<p>Two customers reached, average 3.0.</p>",
            }
        )
        organizer.action_submit_report()
        self.assertEqual(campaign.state, "reported")
        with self.assertRaises(AccessError):
            organizer.action_review_report()
        with self.assertRaises(AccessError):
            organizer.write({"results": "Rewritten after the fact"})
        head = campaign.with_user(self.head)
        head.review_note = "Add the delivery figures."
        head.action_return_report()
        self.assertEqual(campaign.state, "running")
        organizer.action_submit_report()
        head.action_review_report()
        self.assertRecordValues(
            campaign,
            [
                {
                    "state": "done",
                    "report_reviewer_id": self.head.id,
                    "archived_date": fields.Date.today(),
                }
            ],
        )

    def test_rejected_plan_and_rep_access(self):
        campaign = self._campaign()
        with self.assertRaises(AccessError):
            self.Campaign.with_user(self.rep_a).create({"title": "Mine"})
        campaign.with_user(self.office_manager).action_submit()
        self._reject(campaign, self.head, "Too broad")
        self.assertEqual(campaign.state, "rejected")
        self.assertFalse(campaign.satisfaction_ids)
        self.assertFalse(
            self.Campaign.with_user(self.rep_b).search([("id", "=", campaign.id)])
        )


@tagged("post_install", "-at_install")
class TestComplaintHarm(KeyAccountCase):
    def test_head_records_harmful_act_and_penalty(self):
        self._make_key_account(self.customer)
        complaint = (
            self.env["key_account.complaint"]
            .with_user(self.rep_a)
            .create(
                {
                    "partner_id": self.customer.id,
                    "description": "<p>The rep insulted the buyer.</p>",
                    "category": "staff",
                }
            )
        )
        values = {
            "harm_act": "Insulted the buyer on the phone",
            "harm_user_id": self.rep_a.id,
            "penalty_proposal": "Written warning",
            "penalty_amount": 500.0,
        }
        # Nobody writes the fields by hand, the supervisor included.
        for user in (self.rep_a, self.office_manager, self.head):
            with self.assertRaises(AccessError):
                complaint.with_user(user).write(values)
        # Only the KA head opens and confirms the wizard.
        with self.assertRaises(AccessError):
            complaint.with_user(self.office_manager).action_record_harm()
        Wizard = self.env["key_account.complaint.harm.wizard"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.office_manager).create(
                dict(values, complaint_id=complaint.id)
            )
        deputy = Wizard.with_user(self.deputy_sd).create(
            dict(values, complaint_id=complaint.id)
        )
        with self.assertRaises(AccessError):
            deputy.action_confirm()
        action = complaint.with_user(self.head).action_record_harm()
        wizard = (
            Wizard.with_user(self.head).with_context(**action["context"]).create(values)
        )
        with self.assertRaises(ValidationError):
            Wizard.with_user(self.head).create(
                dict(values, complaint_id=complaint.id, harm_act="  ")
            )
        wizard.action_confirm()
        self.assertRecordValues(
            complaint,
            [
                {
                    "harm_act": "Insulted the buyer on the phone",
                    "harm_user_id": self.rep_a.id,
                    "penalty_proposal": "Written warning",
                    "penalty_amount": 500.0,
                    "harm_recorded_by_id": self.head.id,
                }
            ],
        )
        self.assertTrue(self._tracked(complaint.sudo(), "penalty_proposal"))
        tracked = self._tracked(complaint.sudo(), "penalty_amount")
        self.assertEqual(tracked[:1].new_value_float, 500.0)


@tagged("post_install", "-at_install")
class TestMonthlyReport(ReportCase):
    """The KA head's work report and plan to the general manager; the
    clerk's (office manager here) analysis; the printed meeting pack."""

    def _report(self, user, kind, **vals):
        values = {
            "kind": kind,
            "month": self.today,
            "work_summary": "Two designations, one renewal.",
        }
        values.update(vals)
        return self.env["key_account.monthly.report"].with_user(user).create(values)

    def test_head_report_to_gm_with_clerk_analysis(self):
        clerk = self._report(
            self.office_manager, "clerk", analysis="Collections at 90 % of due."
        )
        with self.assertRaises(AccessError):
            self._report(self.rep_a, "clerk")  # reps write no monthly report
        with self.assertRaises(ValidationError):
            self._report(self.office_manager, "head")
        clerk.with_user(self.office_manager).action_submit()
        head_report = self._report(self.head, "head")
        self.assertIn("Collections at 90 %", head_report.clerk_analysis)
        with self.assertRaises(UserError):
            head_report.with_user(self.head).action_submit()  # no plan
        head_report.with_user(self.head).next_month_plan = "Designate Delta Ltd."
        head_report.with_user(self.head).action_submit()
        self.assertIn(
            self.manager, head_report.activity_ids.user_id, "the GM reviews it"
        )
        with self.assertRaises(AccessError):
            head_report.with_user(self.head).action_review()  # own report
        with self.assertRaises(AccessError):
            head_report.with_user(self.office_manager).read(["work_summary"])
        head_report.with_user(self.manager).action_review()
        self.assertRecordValues(
            head_report, [{"state": "reviewed", "reviewer_id": self.manager.id}]
        )
        # The clerk's report goes to the KA head.
        self.assertIn(self.head, clerk.activity_ids.user_id)
        clerk.with_user(self.head).action_review()
        self.assertEqual(clerk.state, "reviewed")
        # The KA head's scheduled monthly report shows the clerk's analysis.
        first, last = self.today.replace(day=1), head_report.month_end
        digest = self.Digest.sudo().create(
            {
                "kind": "head_monthly",
                "user_id": self.head.id,
                "company_id": self.company.id,
                "date_from": first,
                "date_to": last,
            }
        )
        digest._key_account_compute()
        self.assertIn("Analysis", digest.body_html)
        self.assertIn("Collections at 90 %", digest.body_html)
        self.assertEqual(head_report.digest_id, digest)

    def test_meeting_pack_prints_as_pdf(self):
        self._business()
        pack = self._digest("meeting_pack", self.head)
        Report = self.env["ir.actions.report"].with_user(self.head)
        html, kind = Report._render_qweb_html(
            "key_account.report_key_account_digest", pack.ids
        )
        self.assertEqual(kind, "html")
        html = html.decode()
        self.assertIn("Monday Meeting Pack", html)
        self.assertIn(self.over_4.name, html)
        self.assertIn("Weekly reports missing", html)
        self.assertIn("Beta Corp", html)
        # Printable from the scheduled report (print menu).
        action = self.env.ref("key_account.action_report_key_account_digest")
        self.assertEqual(action.binding_model_id.model, "key_account.report.digest")
        # A rep cannot print the KA head's pack.
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.rep_a)._render_qweb_html(
                "key_account.report_key_account_digest", pack.ids
            )
