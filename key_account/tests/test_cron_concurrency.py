# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The scheduled actions run by two workers at once, or killed mid-run and
started again: the result is one run's.

Odoo runs one ``ir.cron`` job in one worker at a time: the worker holds a
row lock on the job (``ir.cron._acquire_one_job``, ``FOR NO KEY UPDATE SKIP
LOCKED``) while it runs, and "Run Manually" (``method_direct_trigger``)
takes the same lock with ``NOWAIT`` (``test_odoo_runs_a_job_once``). Nothing
holds that lock when the same method runs another way: another scheduled
action calling it (the mobile allowance has two), a button or a server
action doing the same work, a shell. These tests run each scheduled
action's method in two real transactions at once (two cursors in two
threads, both started before either commits), then once more as the next
scheduled run, and check the records made are those of one run. A worker
killed mid-run loses its uncommitted batch: the runs that follow do it, and
nothing of the committed batches again.

The data is committed (the other cursors read only committed rows) and
removed afterwards: every row inserted since the test started (id above the
table's sequence value at its start) is deleted, and the company's row is
put back as it was. Nothing is written through the test's own cursor: its
transaction would hold row locks the other cursors wait for."""

from contextlib import contextmanager
import datetime
import logging
import threading
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from psycopg2 import errors
from psycopg2.extras import Json

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase
from odoo.tools import SQL, mute_logger

from ..tools import week_bounds
from .common import DIRECTOR, HEAD, MANAGER, REP, SIGNED, SUPERVISOR

# The scheduled actions' context in these tests: notification e-mails are
# queued, not sent at the commit (no mail leaves a test anyway).
CRON_CONTEXT = {"mail_notify_force_send": False}
# What the second of two concurrent transactions meets when the first wrote
# the same rows (Odoo's transactions are REPEATABLE READ): it is rolled back
# and the next run does what is left.
CONCURRENCY_ERRORS = (
    errors.SerializationFailure,
    errors.DeadlockDetected,
    errors.LockNotAvailable,
    errors.UniqueViolation,
)
_logger = logging.getLogger(__name__)
SEQUENCES = """
    SELECT t.relname, COALESCE(pg_sequence_last_value(s.oid), 0)
      FROM pg_class s
      JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'a'
      JOIN pg_class t ON t.oid = d.refobjid
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
     WHERE s.relkind = 'S' AND a.attname = 'id' AND t.relkind = 'r'
"""


class Killed(Exception):
    """The worker died here: its transaction is rolled back."""


@tagged("post_install", "-at_install")
class TestCronConcurrency(TransactionCase):
    """Each key-account scheduled action, run twice at once and killed
    mid-run, does its work once."""

    # === SET-UP AND CLEAN-UP === #
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dbname = cls.cr.dbname
        cls.addClassCleanup(cls._restore, cls._marks())
        with cls._env() as env:
            cls.ids = cls._fixture(env)

    def setUp(self):
        super().setUp()
        self.addCleanup(self._restore, self._marks())

    @classmethod
    @contextmanager
    def _env(cls, commit=True):
        """A superuser environment on a new transaction, committed at the end
        (rolled back if ``commit`` is False or on an error)."""
        with cls.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})
            if commit:
                cr.commit()  # pylint: disable=invalid-commit
            else:
                cr.rollback()

    @classmethod
    def _marks(cls):
        """Where the database stands: each table's last id, the companies."""
        with cls._env(commit=False) as env:
            env.cr.execute(SEQUENCES)
            sequences = dict(env.cr.fetchall())
            env.cr.execute("SELECT * FROM res_company ORDER BY id")
            return sequences, env.cr.dictfetchall()

    @classmethod
    def _restore(cls, marks):
        """Back to ``marks``: the companies as they were; every row inserted
        since deleted, table by table, again while a row is still referenced
        by one left to delete."""
        sequences, companies = marks
        with cls._env() as env:
            cr = env.cr
            for company in companies:
                cr.execute(
                    SQL(
                        "UPDATE res_company SET %s WHERE id = %s",
                        SQL(", ").join(
                            SQL(
                                "%s = %s",
                                SQL.identifier(column),
                                Json(value) if isinstance(value, dict) else value,
                            )
                            for column, value in company.items()
                            if column != "id"
                        ),
                        company["id"],
                    )
                )
            cr.execute(SEQUENCES)
            tables = [t for t, last in cr.fetchall() if last > sequences.get(t, 0)]
            for _pass in range(len(tables)):
                left = []
                for table in tables:
                    try:
                        with cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                            cr.execute(
                                SQL(
                                    "DELETE FROM %s WHERE id > %s",
                                    SQL.identifier(table),
                                    sequences.get(table, 0),
                                )
                            )
                    except errors.ForeignKeyViolation:
                        left.append(table)
                if not left:
                    break
                tables = left
            else:
                raise AssertionError(f"rows left in {tables}")
            env.registry.clear_all_caches()

    @classmethod
    def _fixture(cls, env):
        """The company's users in their real groups (as ``KeyAccountCase``,
        without e-mail addresses), an office whose manager is the KA clerk,
        a product; committed."""
        company = env.company

        def user(login, groups):
            return new_test_user(
                env, login, groups=f"base.group_user,{groups}", email=False
            )

        rep_a = user("kacc_rep_a", REP)
        rep_b = user("kacc_rep_b", REP)
        office_manager = user("kacc_office_mgr", SUPERVISOR)
        head = user("kacc_head", f"{DIRECTOR},{HEAD}")
        acting = user("kacc_acting_head", f"{DIRECTOR},{HEAD}")
        manager = user("kacc_manager", MANAGER)
        accountant = user("kacc_accountant", "account.group_account_invoice")
        stock_manager = user("kacc_stock_manager", "stock.group_stock_manager")
        team = env["crm.team"].create(
            {
                "name": "Shanghai Office (cron)",
                "user_id": office_manager.id,
                "member_ids": [Command.set([rep_a.id, office_manager.id])],
            }
        )
        product = env["product.product"].create(
            {
                "name": "Printing Paper (cron)",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0,
                "standard_price": 7.0,
                "taxes_id": [Command.clear()],
            }
        )
        company.write(
            {
                # The sender of messages by users without an address.
                "email": "office@acme-trading.example",
                "key_account_agreement_required": False,
                "key_account_signer_policy": "none",
                "key_account_head_user_id": head.id,
                "key_account_clerk_id": office_manager.id,
            }
        )
        return {
            "rep_a": rep_a.id,
            "rep_b": rep_b.id,
            "office_manager": office_manager.id,
            "head": head.id,
            "acting": acting.id,
            "manager": manager.id,
            "accountant": accountant.id,
            "stock_manager": stock_manager.id,
            "team": team.id,
            "product": product.id,
        }

    # === RUNNING === #
    def _thread_env(self, cr):
        """A superuser environment on ``cr`` in another thread than the
        test's: the test runner holds the registries' lock, which
        ``Registry(dbname)`` would wait for, so the transaction is given the
        registry."""
        cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, CRON_CONTEXT)

    def _concurrently(self, run, other=None):
        """``run(env)`` and ``other(env)`` (default: ``run`` again) in two
        transactions at once, as two workers: both take their snapshot
        before either writes; each commits unless it meets the other's
        writes. Returns each one's outcome: "committed" or the concurrency
        error that rolled it back."""
        barrier = threading.Barrier(2, timeout=60)
        outcomes, failures = [None, None], []

        def worker(index, job):
            thread = threading.current_thread()
            thread.testing = True  # no e-mail leaves (ir.mail_server)
            thread.dbname = self.dbname
            try:
                with self.registry.cursor() as cr:
                    cr.execute("SELECT 1")  # the transaction's snapshot
                    barrier.wait()
                    env = self._thread_env(cr)
                    try:
                        job(env)
                        cr.commit()  # pylint: disable=invalid-commit
                        outcomes[index] = "committed"
                    except CONCURRENCY_ERRORS as error:
                        cr.rollback()
                        outcomes[index] = type(error).__name__
            except Exception as error:  # noqa: BLE001  (raised below)
                failures.append(error)

        threads = [
            threading.Thread(target=worker, args=(i, job))
            for i, job in enumerate((run, other or run))
        ]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        self.assertFalse(any(t.is_alive() for t in threads), "a worker hangs")
        if failures:
            raise failures[0]
        self.assertIn("committed", outcomes, "one of the two runs commits")
        _logger.info("%s: two runs at once: %s", self._testMethodName, outcomes)
        return outcomes

    def _once(self, run):
        """``run(env)`` in one transaction, committed: the next run."""
        with self._env() as env:
            return run(env(context=CRON_CONTEXT))

    def _batches(self, model, method, cron_xmlid, kill_at=None, **kwargs):
        """Call ``model.method(**kwargs)`` as ``ir.cron._run_job`` does: one
        transaction per call, committed, again while ``_notify_progress``
        reports records remaining. ``kill_at``: the worker dies after the
        work of that call (the n-th), before its commit; its job starts
        again. Returns the number of calls committed."""
        IrCron = self.registry["ir.cron"]
        notify_progress = IrCron._notify_progress
        calls = []

        def notify(cron, *, done, remaining, deactivate=False):
            calls.append(remaining)
            if len(calls) == kill_at:
                raise Killed()
            return notify_progress(
                cron, done=done, remaining=remaining, deactivate=deactivate
            )

        committed = 0
        with patch.object(IrCron, "_notify_progress", notify):
            for _call in range(50):
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    cron = env.ref(cron_xmlid)
                    progress = env["ir.cron.progress"].create({"cron_id": cron.id})
                    env = env(
                        context=dict(CRON_CONTEXT, ir_cron_progress_id=progress.id)
                    )
                    try:
                        getattr(env[model], method)(**kwargs)
                        env.flush_all()
                    except Killed:
                        cr.rollback()
                        continue
                    cr.commit()  # pylint: disable=invalid-commit
                    committed += 1
                    if not progress.remaining:
                        return committed
        raise AssertionError("the scheduled action never ends")

    def _killed_in_batches(self, prepare, check, model, method, cron_xmlid, calls=3):
        """Batches of one of ``model.method``, the worker killed at the
        second (see ``_batches``): ``calls`` calls committed (unchecked if
        None), then ``check(env, ids)`` (``ids`` as ``prepare(env, count=3)``
        returned them, committed) sees the work done once."""
        with self._env() as env:
            ids = prepare(env, count=3)
        committed = self._batches(model, method, cron_xmlid, kill_at=2, batch_size=1)
        if calls is not None:
            self.assertEqual(committed, calls, "each batch committed once")
        with self._env(commit=False) as env:
            check(env, ids)

    @contextmanager
    def _killed_after(self, model, method, calls=1):
        """The worker dies right after the ``calls``-th call of
        ``model.method`` returns."""
        Model = self.registry[model]
        original = getattr(Model, method)
        seen = []

        def dying(record, *args, **kwargs):
            result = original(record, *args, **kwargs)
            seen.append(1)
            if len(seen) == calls:
                raise Killed()
            return result

        with patch.object(Model, method, dying), self.assertRaises(Killed):
            yield

    def _killed_then_run(self, prepare, run, check, dies_in, rerun=None):
        """``run(env)`` killed right after its first call of ``dies_in``
        (model, method; see ``_killed_after``), then ``rerun`` (``run``) as
        the next run: ``check(env, ids)`` (``ids`` as ``prepare(env)``
        returned them, committed) sees the work done once."""
        with self._env() as env:
            ids = prepare(env)
        with self._killed_after(*dies_in):
            self._once(run)
        self._once(rerun or run)
        with self._env(commit=False) as env:
            check(env, ids)

    def _scenario(self, prepare, run, check, other=None):
        """Two runs at once, then the next run: after each,
        ``check(env, ids, outcomes)`` (``ids`` as ``prepare(env)`` returned
        them, committed) sees one run's work."""
        with self._env() as env:
            ids = prepare(env)
        outcomes = self._concurrently(run, other)
        with self._env(commit=False) as env:
            check(env, ids, outcomes)
        self._once(run)
        with self._env(commit=False) as env:
            check(env, ids, outcomes)

    # === DATA === #
    def _user(self, env, name):
        return env["res.users"].browse(self.ids[name])

    def _customers(self, env, count, rep="rep_a", tier="tier_b", days=0, **vals):
        """``count`` key accounts of ``rep`` designated ``days`` ago (setup
        shortcut: written as the system, as ``KeyAccountCase``)."""
        today = fields.Date.context_today(env["res.partner"])
        partners = (
            env["res.partner"]
            .with_user(self._user(env, rep))
            .create(
                [
                    {
                        "name": f"Cron Customer {rep} {index}",
                        "is_company": True,
                        "user_id": self.ids[rep],
                    }
                    for index in range(count)
                ]
            )
        )
        partners.sudo().write(
            {
                "key_account_state": "key_account",
                "key_account_tier_id": env.ref(f"key_account.{tier}").id,
                "key_account_credit_level_id": env.ref(
                    "key_account.credit_level_good"
                ).id,
                "key_account_since": today - datetime.timedelta(days=days),
                **vals,
            }
        )
        return partners.sudo(False).with_env(env)

    def _invoice(self, env, partner, amount, days_overdue=0, **vals):
        """A posted customer invoice of ``partner`` by the accountant, due
        ``days_overdue`` days ago."""
        today = fields.Date.context_today(partner)
        due = today - datetime.timedelta(days=days_overdue)
        move = (
            env["account.move"]
            .with_user(self._user(env, "accountant"))
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_user_id": partner.user_id.id,
                    "invoice_date": due - datetime.timedelta(days=30),
                    "invoice_payment_term_id": False,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.ids["product"],
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                    **vals,
                }
            )
        )
        move.action_post()
        return move

    def _pay(self, env, move, amount, days_ago=0):
        today = fields.Date.context_today(move)
        return (
            env["account.payment.register"]
            .with_user(self._user(env, "accountant"))
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(
                {
                    "amount": amount,
                    "payment_date": today - datetime.timedelta(days=days_ago),
                }
            )
            ._create_payments()
        )

    def _requested(self, env, partner, quantity, price):
        """Rep A's quotation for ``partner`` of ``quantity`` of the product
        at ``price``, its approval requested."""
        rep = self._user(env, "rep_a")
        order = (
            env["sale.order"]
            .with_user(rep)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": rep.id,
                    "team_id": self.ids["team"],
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.ids["product"],
                                "product_uom_qty": quantity,
                                "price_unit": price,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        order.with_user(rep).action_request_approval()
        return order

    def _approve(self, env, record, user, comment="Agreed"):
        """Approve as the UI does: through the comment wizard."""
        env["key_account.demo"]._demo_decide(record, user, "validate_tier", comment)

    @staticmethod
    def _count(env, model, domain, group_by):
        """{value of ``group_by``: number of records of ``model`` in
        ``domain``}, archived ones included."""
        return {
            (key.id if hasattr(key, "id") else key): count
            for key, count in env[model]
            .with_context(active_test=False)
            ._read_group(domain, [group_by], ["__count"])
        }

    def _activities(self, env, model, ids, xmlid):
        """{record id: its activities of ``key_account.<xmlid>``} (0 too)."""
        counts = self._count(
            env,
            "mail.activity",
            [
                ("res_model", "=", model),
                ("res_id", "in", ids),
                ("activity_type_id", "=", env.ref(f"key_account.{xmlid}").id),
            ],
            "res_id",
        )
        return {res_id: counts.get(res_id, 0) for res_id in ids}

    def assertOnce(self, counts, outcomes=None, expected=1):
        """Each record of ``counts`` ({id: count}) got ``expected``."""
        self.assertTrue(counts)
        self.assertEqual(
            counts, dict.fromkeys(counts, expected), f"two runs at once: {outcomes}"
        )

    # === ODOO'S OWN LOCK === #
    def test_odoo_runs_a_job_once(self):
        """Two cron workers never run one job at once, nor does "Run
        Manually" while a worker runs it, nor a worker while it is run
        manually: all take the job's row lock."""
        with self._env() as env:
            cron = env.ref("key_account.ir_cron_visit_due")
            cron._trigger()
            job_id = cron.id
        IrCron = self.registry["ir.cron"]
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            self.assertTrue(IrCron._acquire_one_job(cr1, job_id))
            self.assertIsNone(IrCron._acquire_one_job(cr2, job_id), "skipped")
            manual = api.Environment(cr2, SUPERUSER_ID, {})["ir.cron"].browse(job_id)
            with self.assertRaises(UserError), mute_logger("odoo.sql_db"):
                manual.method_direct_trigger()
            cr1.rollback()
            cr2.rollback()
            # Run Manually holds the job (the lock it takes first) until its
            # request ends: the workers skip it.
            manual._try_lock()
            self.assertIsNone(IrCron._acquire_one_job(cr1, job_id), "skipped")
            cr1.rollback()
            cr2.rollback()

    # === ACTIVITIES ONCE (claimed records) === #
    def _prepare_visit_due(self, env, count=3):
        interval = env.ref("key_account.tier_b").visit_interval_days
        return self._customers(env, count, days=interval + 5).ids

    def _check_visit_due(self, env, ids, outcomes=None):
        self.assertOnce(
            self._activities(
                env, "res.partner", ids, "mail_activity_key_account_visit_due"
            ),
            outcomes,
        )

    def test_visit_due(self):
        """Visits due by tier (R55): one "visit due" activity a customer."""
        self._scenario(
            self._prepare_visit_due,
            lambda env: env["res.partner"]._cron_key_account_visit_due(),
            self._check_visit_due,
        )

    def test_visit_due_killed(self):
        self._killed_in_batches(
            self._prepare_visit_due,
            self._check_visit_due,
            "res.partner",
            "_cron_key_account_visit_due",
            "key_account.ir_cron_visit_due",
        )

    def _prepare_missing_notes(self, env):
        customers = self._customers(env, 2)
        invoices = [self._invoice(env, partner, 1000.0, 150) for partner in customers]
        # The overdue ladder ran: the invoices need weekly collection notes.
        env["account.move"]._cron_key_account_aging()
        # The KA head follows them, they were sent (their portal link): the
        # runs have nothing else to write on them.
        head = self._user(env, "head")
        for invoice in invoices:
            invoice.message_subscribe(partner_ids=head.partner_id.ids)
            invoice._portal_ensure_token()
        return [invoice.id for invoice in invoices]

    def _check_missing_notes(self, env, ids, outcomes=None):
        self.assertOnce(
            self._activities(
                env, "account.move", ids, "mail_activity_key_account_missing_note"
            ),
            outcomes,
        )

    def test_missing_collection_notes(self):
        """Missing weekly collection notes (R40): one activity an invoice."""
        self._scenario(
            self._prepare_missing_notes,
            lambda env: env["account.move"]._cron_key_account_missing_notes(),
            self._check_missing_notes,
        )

    def test_missing_collection_notes_killed(self):
        self._killed_then_run(
            self._prepare_missing_notes,
            lambda env: env["account.move"]._cron_key_account_missing_notes(),
            self._check_missing_notes,
            ("mail.activity", "_key_account_create_missing"),
        )

    def _prepare_rebates(self, env):
        """Rebates accrued 90 days ago on collections, unpaid."""
        head = self._user(env, "head")
        env["key_account.commission.rule"].with_user(head).create(
            {"name": "Default (cron)", "rate": 5.0}
        )
        customers = self._customers(env, 2)
        # The KA head follows them: no new follower for both runs to add.
        customers.message_subscribe(partner_ids=head.partner_id.ids)
        for partner in customers:
            invoice = self._invoice(
                env, partner, 1000.0, 100, key_account_rebate_rate=3.0
            )
            self._pay(env, invoice, 1000.0, days_ago=90)
        return customers.ids

    def _check_rebates(self, env, ids, outcomes=None):
        self.assertOnce(
            self._activities(
                env, "res.partner", ids, "mail_activity_key_account_rebate_unpaid"
            ),
            outcomes,
        )

    def test_unpaid_rebates(self):
        """Unpaid rebates (R34): one activity for the KA head a customer."""
        self._scenario(
            self._prepare_rebates,
            lambda env: env[
                "key_account.commission.line"
            ]._cron_key_account_unpaid_rebates(),
            self._check_rebates,
        )

    def _prepare_complaints(self, env, count=2):
        """Complaints logged by the rep a month ago, never answered."""
        customers = self._customers(env, count)
        today = fields.Date.context_today(customers)
        env["key_account.complaint"].with_user(self._user(env, "rep_a")).create(
            [
                {
                    "partner_id": partner.id,
                    "channel": "phone",
                    "category": "delivery",
                    "description": "<p>Half of the paper arrived wet.</p>",
                    "date": today - datetime.timedelta(days=30),
                }
                for partner in customers
            ]
        )
        return (
            env["key_account.complaint"]
            .search([("partner_id", "in", customers.ids)])
            .ids
        )

    def _check_complaints(self, env, ids, outcomes=None):
        self.assertOnce(
            self._activities(
                env, "key_account.complaint", ids, "mail_activity_key_account_complaint"
            ),
            outcomes,
        )
        self.assertEqual(
            set(env["key_account.complaint"].browse(ids).mapped("escalated")), {True}
        )

    def test_complaint_escalation(self):
        """Overdue complaints (R76): one activity for the KA head each."""
        self._scenario(
            self._prepare_complaints,
            lambda env: env["key_account.complaint"]._cron_escalate(),
            self._check_complaints,
        )

    def test_complaint_escalation_killed(self):
        self._killed_in_batches(
            self._prepare_complaints,
            self._check_complaints,
            "key_account.complaint",
            "_cron_escalate",
            "key_account.ir_cron_complaint_escalation",
        )

    def _prepare_first_contact(self, env, count=2):
        """Customers the rep created ten days ago and never contacted."""
        rep = self._user(env, "rep_a")
        partners = (
            env["res.partner"]
            .with_user(rep)
            .create(
                [
                    {"name": f"Quiet {index} Ltd", "is_company": True}
                    for index in range(count)
                ]
            )
        )
        self.assertEqual(set(partners.mapped("key_account_contact_state")), {"pending"})
        env.flush_all()
        env.cr.execute(
            "UPDATE res_partner SET key_account_assigned_date = %s WHERE id = ANY(%s)",
            [fields.Datetime.now() - datetime.timedelta(days=10), partners.ids],
        )
        return partners.ids

    def _check_first_contact(self, env, ids, outcomes=None):
        partners = env["res.partner"].browse(ids)
        self.assertEqual(
            set(partners.mapped("key_account_contact_state")), {"uncontacted"}
        )
        self.assertOnce(
            self._activities(
                env, "res.partner", ids, "mail_activity_key_account_no_contact"
            ),
            outcomes,
        )

    def test_first_contact(self):
        """Customers not contacted after assignment (R47): flagged once, one
        activity for the office manager each."""
        self._scenario(
            self._prepare_first_contact,
            lambda env: env["res.partner"]._cron_key_account_first_contact(),
            self._check_first_contact,
        )

    def test_first_contact_killed(self):
        self._killed_in_batches(
            self._prepare_first_contact,
            self._check_first_contact,
            "res.partner",
            "_cron_key_account_first_contact",
            "key_account.ir_cron_first_contact",
        )

    # === CREDIT INVESTIGATIONS ONCE === #
    def _prepare_exposure(self, env):
        """Key accounts of a 1,000 credit limit with 5,000 invoiced."""
        customers = self._customers(env, 2, credit_limit=1000.0)
        for partner in customers:
            self._invoice(env, partner, 5000.0)
        return customers.ids

    def _check_investigations(self, env, ids, outcomes=None):
        counts = self._count(
            env,
            "key_account.credit.investigation",
            [("partner_id", "in", ids), ("state", "=", "open")],
            "partner_id",
        )
        self.assertOnce({i: counts.get(i, 0) for i in ids}, outcomes)

    def test_credit_exposure(self):
        """Exposure above the credit limit (R9): one investigation."""

        def check(env, ids, outcomes):
            self._check_investigations(env, ids, outcomes)
            partners = env["res.partner"].browse(ids)
            self.assertEqual(set(partners.mapped("key_account_over_limit")), {True})

        self._scenario(
            self._prepare_exposure,
            lambda env: env["res.partner"]._cron_key_account_credit_exposure(),
            check,
        )

    def test_credit_investigation_from_two_scheduled_actions(self):
        """A customer over its limit whose receivable enters key monitoring
        the same day: the exposure check and the overdue ladder, run at once
        by two workers, open one investigation between them."""

        def prepare(env):
            customers = self._customers(env, 2, credit_limit=1000.0)
            for partner in customers:
                self._invoice(env, partner, 5000.0, 70)
            return customers.ids

        self._scenario(
            prepare,
            lambda env: env["res.partner"]._cron_key_account_credit_exposure(),
            self._check_investigations,
            other=lambda env: env["account.move"]._cron_key_account_aging(),
        )

    # === OVERDUE LADDER === #
    def _prepare_aging(self, env):
        customers = self._customers(env, 2)
        invoices = [self._invoice(env, partner, 1000.0, 70) for partner in customers]
        return [invoice.id for invoice in invoices]

    def _check_aging(self, env, ids, outcomes=None):
        invoices = env["account.move"].browse(ids)
        self.assertEqual(set(invoices.mapped("key_account_aging_stage")), {"monitor"})
        self.assertOnce(
            {
                invoice.id: len(
                    invoice.message_ids.filtered(
                        lambda m: "Overdue stage" in str(m.body)
                    )
                )
                for invoice in invoices
            },
            outcomes,
        )
        self.assertOnce(
            self._activities(
                env, "account.move", ids, "mail_activity_key_account_monitor"
            ),
            outcomes,
        )
        self._check_investigations(env, invoices.commercial_partner_id.ids, outcomes)

    def test_overdue_ladder(self):
        """The overdue ladder (R38-R41): one chatter line an invoice, one
        "collect" activity and one investigation a customer."""
        self._scenario(
            self._prepare_aging,
            lambda env: env["account.move"]._cron_key_account_aging(),
            self._check_aging,
        )

    def test_overdue_ladder_killed(self):
        """Killed between two batches of notices: the run is one
        transaction, nothing of it stays; the next one does it all."""
        self._killed_then_run(
            self._prepare_aging,
            lambda env: env["account.move"]._cron_key_account_aging(batch_size=1),
            self._check_aging,
            ("account.move", "_key_account_notify_rises"),
            rerun=lambda env: env["account.move"]._cron_key_account_aging(),
        )

    # === MARKED RECORDS === #
    def _prepare_partner_dates(self, env):
        customers = self._customers(env, 2)
        today = fields.Date.context_today(customers)
        env["key_account.partner.date"].with_user(self._user(env, "rep_a")).create(
            [
                {
                    "partner_id": partner.id,
                    "kind": "founding",
                    "date": today.replace(year=today.year - 10)
                    + datetime.timedelta(days=3),
                }
                for partner in customers
            ]
        )
        return customers.ids

    def _check_partner_dates(self, env, ids, outcomes=None):
        self.assertOnce(
            self._activities(env, "res.partner", ids, "mail_activity_key_account_date"),
            outcomes,
        )

    def test_partner_date_reminders(self):
        """Important dates (R49): one reminder an occurrence."""
        self._scenario(
            self._prepare_partner_dates,
            lambda env: env["key_account.partner.date"]._cron_remind(),
            self._check_partner_dates,
        )

    def test_partner_date_reminders_killed(self):
        self._killed_then_run(
            self._prepare_partner_dates,
            lambda env: env["key_account.partner.date"]._cron_remind(),
            self._check_partner_dates,
            ("key_account.partner.date", "_schedule_reminder"),
        )

    def _prepare_signers(self, env):
        """Signers the rep recorded, their validity ending in ten days."""
        customers = self._customers(env, 2)
        today = fields.Date.context_today(customers)
        rep = self._user(env, "rep_a")
        for partner in customers:
            contact = env["res.partner"].create(
                {"name": f"Signer of {partner.name}", "parent_id": partner.id}
            )
            env["key_account.signer"].with_user(rep).create(
                {
                    "partner_id": partner.id,
                    "contact_id": contact.id,
                    "scope": "Purchase orders",
                    "date_from": today - relativedelta(months=11),
                    "date_to": today + datetime.timedelta(days=10),
                }
            )
        return customers.ids

    def _check_signers(self, env, ids, outcomes=None):
        self.assertOnce(
            self._activities(
                env, "res.partner", ids, "mail_activity_key_account_signer"
            ),
            outcomes,
        )

    def test_signer_renewal(self):
        """Authorized signers (R70): one renewal reminder a signer."""
        self._scenario(
            self._prepare_signers,
            lambda env: env["key_account.signer"]._cron_signer_state(),
            self._check_signers,
        )

    def _prepare_agreements(self, env, count=2):
        """Agreements (setup shortcut: running), one ended yesterday and
        ``count`` ending within the notice."""
        customers = self._customers(env, count + 1)
        today = fields.Date.context_today(customers)
        Agreement = env["key_account.agreement"]
        ended = Agreement.create(
            {
                "partner_id": customers[0].id,
                "requester_id": self.ids["rep_a"],
                "state": "active",
                "date_start": today - relativedelta(years=1),
                "date_end": today - datetime.timedelta(days=1),
            }
        )
        ending = Agreement.create(
            [
                {
                    "partner_id": partner.id,
                    "requester_id": self.ids["rep_a"],
                    "state": "active",
                    "date_start": today - relativedelta(months=11),
                    "date_end": today + datetime.timedelta(days=10),
                }
                for partner in customers[1:]
            ]
        )
        return ended.id, ending.ids

    def _check_agreements(self, env, ids, outcomes=None):
        ended, ending = ids
        self.assertEqual(env["key_account.agreement"].browse(ended).state, "expired")
        self.assertOnce(
            self._activities(
                env,
                "key_account.agreement",
                ending,
                "mail_activity_key_account_renewal",
            ),
            outcomes,
        )

    def test_agreements(self):
        """Agreements (R24): expired once, one renewal reminder each."""
        self._scenario(
            self._prepare_agreements,
            lambda env: env["key_account.agreement"]._cron_key_account_agreements(),
            self._check_agreements,
        )

    def test_agreements_killed(self):
        """Batches of one: the reminders left go on in the same job."""
        self._killed_in_batches(
            self._prepare_agreements,
            self._check_agreements,
            "key_account.agreement",
            "_cron_key_account_agreements",
            "key_account.ir_cron_agreement",
            calls=None,
        )

    def _prepare_escalation(self, env, count=2):
        """Orders the rep sent for approval six days ago, still pending."""
        orders = env["sale.order"]
        for partner in self._customers(env, count):
            orders |= self._requested(env, partner, 1, 250000.0)
        env.flush_all()
        env.cr.execute(
            """UPDATE tier_review SET key_account_pending_since = %s
                WHERE model = 'sale.order' AND res_id = ANY(%s)
                  AND status = 'pending'""",
            [fields.Datetime.now() - datetime.timedelta(days=6), orders.ids],
        )
        return orders.ids

    def _check_escalation(self, env, ids, outcomes=None):
        self.assertOnce(
            {
                order.id: len(
                    order.message_ids.filtered(lambda m: "escalated" in str(m.body))
                )
                for order in env["sale.order"].browse(ids)
            },
            outcomes,
        )

    def test_review_escalation(self):
        """Approvals pending too long (R19): escalated once."""
        self._scenario(
            self._prepare_escalation,
            lambda env: env["tier.review"]._cron_key_account_escalate(),
            self._check_escalation,
        )

    def test_review_escalation_killed(self):
        """Batches of one: the reviews left go on in the same job."""
        self._killed_in_batches(
            self._prepare_escalation,
            self._check_escalation,
            "tier.review",
            "_cron_key_account_escalate",
            "key_account.ir_cron_review_escalation",
        )

    def test_delegation_refresh(self):
        """Delegations (R15): the delegate reviews once."""

        def prepare(env):
            order_ids = self._prepare_escalation(env, count=1)
            head = self._user(env, "head")
            today = fields.Date.context_today(head)
            env["key_account.delegation"].with_user(head).create(
                {
                    "user_id": head.id,
                    "delegate_id": self.ids["acting"],
                    "date_from": today,
                    "date_to": today + datetime.timedelta(days=7),
                    "reason": "Business trip",
                    "authorization": SIGNED,
                }
            )
            return order_ids

        def check(env, ids, outcomes):
            reviews = env["tier.review"].search(
                [("model", "=", "sale.order"), ("res_id", "in", ids)]
            )
            self.assertIn(self.ids["acting"], reviews.reviewer_ids.ids, f"{outcomes}")

        self._scenario(
            prepare,
            lambda env: env["key_account.delegation"]._cron_refresh_reviewers(),
            check,
        )

    def _prepare_suggestions(self, env, count=2):
        return self._customers(env, count).ids

    def _check_suggestions(self, env, ids, outcomes=None):
        counts = self._count(
            env,
            "key_account.tier.suggestion",
            [("partner_id", "in", ids)],
            "partner_id",
        )
        self.assertOnce({i: counts.get(i, 0) for i in ids}, outcomes)

    def test_tier_suggestion(self):
        """Monthly tier suggestion (R7): one suggestion a key account."""
        self._scenario(
            self._prepare_suggestions,
            lambda env: env["key_account.tier.suggestion"]._cron_suggest(),
            self._check_suggestions,
        )

    def test_tier_suggestion_killed(self):
        self._killed_in_batches(
            self._prepare_suggestions,
            self._check_suggestions,
            "key_account.tier.suggestion",
            "_cron_suggest",
            "key_account.ir_cron_tier_suggestion",
        )

    def _prepare_surveys(self, env, count=2):
        """Tier A key accounts (a survey every 90 days) designated 100 days
        ago, whose buyer has an e-mail address."""
        customers = self._customers(env, count, tier="tier_a", days=100)
        for partner in customers:
            env["res.partner"].create(
                {
                    "name": f"Buyer of {partner.name}",
                    "parent_id": partner.id,
                    "email": f"buyer{partner.id}@customer.example",
                }
            )
        return customers.ids

    def _check_surveys(self, env, ids, outcomes=None):
        counts = self._count(
            env, "key_account.satisfaction", [("partner_id", "in", ids)], "partner_id"
        )
        self.assertOnce({i: counts.get(i, 0) for i in ids}, outcomes)
        inputs = (
            env["key_account.satisfaction"]
            .search([("partner_id", "in", ids)])
            .user_input_id
        )
        mails = self._count(
            env,
            "mail.mail",
            [("model", "=", "survey.user_input"), ("res_id", "in", inputs.ids)],
            "res_id",
        )
        self.assertOnce({i: mails.get(i, 0) for i in inputs.ids}, outcomes)

    def test_satisfaction_surveys(self):
        """Satisfaction surveys (R73): one survey, one invitation."""
        self._scenario(
            self._prepare_surveys,
            lambda env: env["key_account.satisfaction"]._cron_send_surveys(),
            self._check_surveys,
        )

    def test_satisfaction_surveys_killed(self):
        self._killed_in_batches(
            self._prepare_surveys,
            self._check_surveys,
            "key_account.satisfaction",
            "_cron_send_surveys",
            "key_account.ir_cron_satisfaction_surveys",
        )

    def _prepare_health(self, env, count=2):
        """Key accounts, the first with a critical complaint."""
        customers = self._customers(env, count)
        env["key_account.complaint"].with_user(self._user(env, "rep_a")).create(
            {
                "partner_id": customers[0].id,
                "channel": "phone",
                "category": "delivery",
                "severity": "3",
                "description": "<p>Half of the paper arrived wet.</p>",
            }
        )
        env.company.key_account_health_threshold = 90.0
        return customers.ids

    def _check_health(self, env, ids, outcomes=None):
        snapshots = self._count(
            env,
            "key_account.health.snapshot",
            [("partner_id", "in", ids)],
            "partner_id",
        )
        self.assertOnce({i: snapshots.get(i, 0) for i in ids}, outcomes)
        warnings = self._activities(
            env, "res.partner", ids[:1], "mail_activity_key_account_health"
        )
        self.assertOnce(warnings, outcomes, expected=2)  # the rep, the KA head

    def test_health(self):
        """Account health (daily): one score, snapshot and warning."""
        self._scenario(
            self._prepare_health,
            lambda env: env["res.partner"]._cron_key_account_health(),
            self._check_health,
        )

    def test_health_killed(self):
        self._killed_in_batches(
            self._prepare_health,
            self._check_health,
            "res.partner",
            "_cron_key_account_health",
            "key_account.ir_cron_health",
        )

    # === UNIQUE RECORDS === #
    def test_ownership_conflicts(self):
        """Ownership conflicts (R45): listed once (unique fingerprint)."""

        def prepare(env):
            mine = self._customers(env, 1)
            mine.with_user(self._user(env, "rep_a")).vat = "91310000MA1FL0CRON"
            # Recorded before the duplicate check existed.
            twin = env["res.partner"].create(
                {
                    "name": "Twin Trading (cron)",
                    "is_company": True,
                    "vat": mine.vat,
                    "user_id": self.ids["rep_b"],
                }
            )
            return (mine | twin).ids

        def check(env, ids, outcomes):
            conflicts = env["key_account.ownership.conflict"].search(
                [("partner_ids", "in", ids)]
            )
            self.assertEqual(len(conflicts), 1, outcomes)

        self._scenario(
            prepare,
            lambda env: env["key_account.ownership.conflict"]._cron_find_conflicts(),
            check,
        )

    def test_mobile_allowance_from_both_scheduled_actions(self):
        """Mobile allowances (R32): billed once a month, even by the two
        scheduled actions calling it at once (older databases keep the one
        on commission lines)."""

        def prepare(env):
            self._customers(env, 2, key_account_executive_id=self.ids["rep_b"])
            env.company.key_account_department_expense_account_id = env[
                "account.account"
            ].create(
                {
                    "name": "KA department expenses (cron)",
                    "code": "660990",
                    "account_type": "expense",
                }
            )
            return [self.ids["rep_b"]]

        def check(env, ids, outcomes):
            counts = self._count(
                env,
                "account.move",
                [("key_account_allowance_user_id", "in", ids)],
                "key_account_allowance_user_id",
            )
            self.assertOnce({i: counts.get(i, 0) for i in ids}, outcomes)

        self._scenario(
            prepare,
            lambda env: env["account.move"]._cron_key_account_mobile_allowance(),
            check,
            other=lambda env: env[
                "key_account.commission.line"
            ]._cron_key_account_mobile_allowance(),
        )

    def test_settlement(self):
        """Monthly settlements (R36): each line settled once."""

        def prepare(env):
            self._prepare_rebates(env)
            return [self.ids["rep_a"]]

        def check(env, ids, outcomes):
            settlements = env["key_account.settlement"].search([("user_id", "in", ids)])
            self.assertEqual(len(settlements), 1, outcomes)
            lines = env["key_account.commission.line"].search(
                [("user_id", "in", ids), ("kind", "=", "commission")]
            )
            self.assertEqual(lines.settlement_id, settlements)

        self._scenario(
            prepare,
            lambda env: env["key_account.settlement"]._cron_key_account_settle(),
            check,
        )

    def _prepare_digests(self, env):
        """Today's reports: the reps' weekly reports (on the company's
        report day) and the clerk's daily one."""
        self._customers(env, 1)
        today = fields.Date.context_today(env.user)
        weekday = int(env.company.key_account_report_weekday or 4)
        monday = week_bounds(today)[0]
        day = monday + datetime.timedelta(days=weekday)
        if day > today:
            day -= datetime.timedelta(days=7)
        return day

    def _check_digests(self, env, day, outcomes=None):
        domain = [
            ("user_id", "in", [self.ids["rep_a"], self.ids["rep_b"]]),
            ("kind", "=", "rep_weekly"),
            ("scheduled_date", "=", day),
        ]
        counts = self._count(env, "key_account.report.digest", domain, "user_id")
        self.assertOnce(counts, outcomes)
        self.assertEqual(len(counts), 2)
        digests = env["key_account.report.digest"].search(domain)
        self.assertNotIn("to_send", digests.mapped("state"))

    def test_report_digests(self):
        """Scheduled reports (R81-R83): one report a recipient and period,
        e-mailed once."""
        day = []
        self._scenario(
            lambda env: day.append(self._prepare_digests(env)) or day[0],
            lambda env: env["key_account.report.digest"]._cron_key_account_reports(
                today=day[0]
            ),
            self._check_digests,
        )

    def test_report_digests_killed(self):
        with self._env() as env:
            day = self._prepare_digests(env)
        self._batches(
            "key_account.report.digest",
            "_cron_key_account_reports",
            "key_account.ir_cron_report_digest",
            kill_at=2,
            today=day,
            batch_size=1,
        )
        with self._env(commit=False) as env:
            self._check_digests(env, day)

    # === WAREHOUSE === #
    def _office(self, env):
        """An office warehouse serving a key account, with the goods
        accounts of the company set."""
        stock_manager = self._user(env, "stock_manager")
        office = env["stock.warehouse"].create(
            {"name": "Shanghai KA Office (cron)", "code": "SHKC"}
        )
        customer = self._customers(env, 1)
        customer.with_user(self._user(env, "head")).key_account_warehouse_id = office
        journal = env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", env.company.id)], limit=1
        )
        Account = env["account.account"]
        env.company.write(
            {
                "key_account_goods_journal_id": journal.id,
                "key_account_goods_account_id": Account.create(
                    {
                        "name": "Office goods (cron)",
                        "code": "112291",
                        "account_type": "asset_current",
                    }
                ).id,
                "key_account_goods_counterpart_account_id": Account.create(
                    {
                        "name": "Goods sent (cron)",
                        "code": "112292",
                        "account_type": "asset_current",
                    }
                ).id,
                "key_account_stock_manager_id": stock_manager.id,
            }
        )
        return office, customer

    def _prepare_receipts(self, env, count=2):
        """OEM shipments the stock manager received at the office four days
        ago, nobody objecting."""
        office, _customer = self._office(env)
        stock_manager = self._user(env, "stock_manager")
        vendor = env["res.partner"].create({"name": "OEM Factory (cron)"})
        suppliers = env.ref("stock.stock_location_suppliers")
        pickings = env["stock.picking"]
        for index in range(count):
            picking = (
                env["stock.picking"]
                .with_user(stock_manager)
                .create(
                    {
                        "picking_type_id": office.in_type_id.id,
                        "partner_id": vendor.id,
                        "origin": f"OEM-DN-{index}",
                        "location_id": suppliers.id,
                        "location_dest_id": office.lot_stock_id.id,
                        "move_ids": [
                            Command.create(
                                {
                                    "name": "Paper",
                                    "product_id": self.ids["product"],
                                    "product_uom_qty": 10,
                                    "location_id": suppliers.id,
                                    "location_dest_id": office.lot_stock_id.id,
                                }
                            )
                        ],
                    }
                )
            )
            picking.action_confirm()
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            picking.button_validate()
            pickings |= picking
        receipts = env["key_account.office.receipt"].search(
            [("picking_id", "in", pickings.ids)]
        )
        self.assertEqual(len(receipts), count)
        receipts.sudo().date_received = fields.Datetime.now() - datetime.timedelta(
            days=4
        )
        return receipts.ids

    def _check_receipts(self, env, ids, outcomes=None):
        receipts = env["key_account.office.receipt"].browse(ids)
        self.assertEqual(set(receipts.mapped("state")), {"accepted"})
        moves = self._count(
            env,
            "account.move",
            [("journal_id", "=", env.company.key_account_goods_journal_id.id)],
            "ref",
        )
        self.assertOnce(moves, outcomes)
        self.assertEqual(sorted(moves), sorted(receipts.move_id.mapped("ref")))

    def test_office_receipts(self):
        """Goods received by the offices (R60): accepted and booked once."""
        self._scenario(
            self._prepare_receipts,
            lambda env: env["key_account.office.receipt"]._cron_accept(),
            self._check_receipts,
        )

    def test_office_receipts_killed(self):
        self._killed_in_batches(
            self._prepare_receipts,
            self._check_receipts,
            "key_account.office.receipt",
            "_cron_accept",
            "key_account.ir_cron_office_receipt_accept",
        )

    def _prepare_goods_waiting(self, env, count=2):
        """Key-account orders confirmed after their approval, reserved at
        the office ten days ago."""
        office, customer = self._office(env)
        rep = self._user(env, "rep_a")
        env["stock.quant"].with_user(
            self._user(env, "stock_manager")
        )._update_available_quantity(
            env["product.product"].browse(self.ids["product"]),
            office.lot_stock_id,
            100,
        )
        orders = env["sale.order"]
        for _index in range(count):
            order = self._requested(env, customer, 2, 100.0)
            self._approve(env, order, self._user(env, "office_manager"))
            self._approve(env, order, self._user(env, "head"))
            order.with_user(rep).action_confirm()
            orders |= order
        pickings = orders.picking_ids
        self.assertEqual(set(pickings.mapped("state")), {"assigned"})
        env.flush_all()
        env.cr.execute(
            "UPDATE stock_move_line SET create_date = %s WHERE picking_id = ANY(%s)",
            [fields.Datetime.now() - datetime.timedelta(days=10), pickings.ids],
        )
        return pickings.ids

    def _check_goods_waiting(self, env, ids, outcomes=None):
        self.assertOnce(
            self._activities(
                env, "stock.picking", ids, "mail_activity_key_account_goods_waiting"
            ),
            outcomes,
        )

    def test_goods_waiting(self):
        """Goods waiting at the office (R62): one activity a delivery."""
        self._scenario(
            self._prepare_goods_waiting,
            lambda env: env["stock.picking"]._cron_key_account_goods_waiting(),
            self._check_goods_waiting,
        )

    def test_goods_waiting_killed(self):
        self._killed_in_batches(
            self._prepare_goods_waiting,
            self._check_goods_waiting,
            "stock.picking",
            "_cron_key_account_goods_waiting",
            "key_account.ir_cron_goods_waiting",
        )
