# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from datetime import timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, fields
from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase

REP = "key_account.group_key_account_rep"
SUPERVISOR = "key_account.group_key_account_supervisor"
DIRECTOR = "key_account.group_key_account_director"
MANAGER = "key_account.group_key_account_manager"
HEAD = "key_account.group_key_account_head"
DEPUTY_SD = "key_account.group_key_account_deputy_sales_director"
SD = "key_account.group_key_account_sales_director"
AE_MANAGER = "key_account.group_key_account_ae_manager"
CS_SUPERVISOR = "key_account.group_key_account_contract_reviewer"
# A delegation's signed authorization (SPEC R15).
SIGNED = base64.b64encode(b"%PDF-1.4 signed authorization")


def make_user(env, login, *groups, **vals):
    """An internal user ``login``, in the groups of the xml ids ``groups``
    too, with ``vals`` on top (name...)."""
    return new_test_user(
        env, login, groups=",".join(("base.group_user", *groups)), **vals
    )


def make_invoice(
    env, partner, amount, invoice_date, due_date=None, post=True, product=None, **vals
):
    """A customer invoice of ``partner``, created in ``env``: one untaxed
    line of ``amount`` (a service, or ``product``), posted unless ``post`` is
    False, with ``vals`` on top (rep, team, move type...)."""
    line = {"product_id": product.id} if product else {"name": "Service"}
    move = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": invoice_date,
            "invoice_date_due": due_date or invoice_date,
            "invoice_line_ids": [
                Command.create(
                    dict(line, quantity=1, price_unit=amount, tax_ids=[Command.clear()])
                )
            ],
            **vals,
        }
    )
    if post:
        move.action_post()
    return move


class KeyAccountCase(TransactionCase):
    """Users in the real groups, customers owned by reps, no demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        # The company's address: the sender of messages by users who have
        # none (see mail.thread._message_compute_author).
        cls.company.email = "office@acme-trading.example"
        # Agreements (SPEC R24) are tested in test_agreement; the other
        # features confirm key-account orders without one.
        cls.company.key_account_agreement_required = False
        # Signers on orders (SPEC R70) are tested in test_signer_order.
        cls.company.key_account_signer_policy = "none"
        cls.rep_a = cls._user("ka_rep_a", REP)
        cls.rep_b = cls._user("ka_rep_b", REP)
        cls.office_manager = cls._user("ka_office_mgr", SUPERVISOR)
        cls.head = cls._user("ka_test_head", DIRECTOR, HEAD)
        cls.deputy_sd = cls._user("ka_deputy_sd", DIRECTOR, DEPUTY_SD)
        cls.sd = cls._user("ka_sd", DIRECTOR, SD)
        cls.manager = cls._user("ka_manager", MANAGER)
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Shanghai Office",
                "user_id": cls.office_manager.id,
                "member_ids": [Command.set([cls.rep_a.id, cls.office_manager.id])],
            }
        )
        cls.team_b = cls.env["crm.team"].create(
            {"name": "Beijing Office", "member_ids": [Command.set([cls.rep_b.id])]}
        )
        cls.tier_a = cls.env.ref("key_account.tier_a")
        cls.tier_b = cls.env.ref("key_account.tier_b")
        cls.tier_c = cls.env.ref("key_account.tier_c")
        cls.level_good = cls.env.ref("key_account.credit_level_good")
        cls.level_watch = cls.env.ref("key_account.credit_level_watch")
        cls.term_30 = cls.env.ref("account.account_payment_term_30days")
        cls.customer = cls.env["res.partner"].create(
            {"name": "ACME Ltd", "is_company": True, "user_id": cls.rep_a.id}
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Beta Corp", "is_company": True, "user_id": cls.rep_b.id}
        )
        cls._drop_user_emails()

    def setUp(self):
        super().setUp()
        # Users a test class adds after this setup lose theirs too.
        self._drop_user_emails()

    @classmethod
    def _drop_user_emails(cls):
        """Many of the company's users have no e-mail address: every flow
        is tested with internal users who have none (OdooBot, which runs the
        scheduled actions, keeps its own)."""
        cls.env["res.users"].search(
            [("share", "=", False), ("id", "!=", SUPERUSER_ID), ("email", "!=", False)]
        ).partner_id.email = False

    # Helpers
    @classmethod
    def _user(cls, login, *groups, **vals):
        """An internal user ``login`` in ``groups`` too (see ``make_user``)."""
        return make_user(cls.env, login, *groups, **vals)

    @classmethod
    def _account(cls, name, code, setting=None, account_type="expense"):
        """An account (an expense one unless ``account_type``), set on the
        company as its ``setting`` field when given."""
        account = cls.env["account.account"].create(
            {"name": name, "code": code, "account_type": account_type}
        )
        if setting:
            cls.company[setting] = account
        return account

    @classmethod
    def _active_agreement(cls, partner, **vals):
        """A running agreement for ``partner`` (setup shortcut: as if
        reviewed, sealed and activated)."""
        values = {
            "partner_id": partner.id,
            "requester_id": partner.user_id.id or cls.env.uid,
            "state": "active",
        }
        values.update(vals)
        return cls.env["key_account.agreement"].create(values)

    @classmethod
    def _make_key_account(cls, partner, tier=None, **extra):
        """Designate directly (setup shortcut): written as the system, as an
        approved designation request applies it; nobody, directors
        included, writes these fields by hand."""
        vals = {
            "key_account_state": "key_account",
            "key_account_tier_id": (tier or cls.tier_b).id,
            "key_account_credit_level_id": cls.level_good.id,
            "key_account_since": fields.Date.today(),
        }
        vals.update(extra)
        partner.sudo().write(vals)
        return partner

    @classmethod
    def _principal(cls, partner):
        """The principal of ``partner``: a contact with a phone number,
        created once (setup shortcut)."""
        principal = partner.child_ids.filtered(lambda c: c.function == "Principal")
        return principal[:1] or cls.env["res.partner"].create(
            {
                "name": f"Principal of {partner.name}",
                "parent_id": partner.id,
                "function": "Principal",
                "phone": "+86 21 5555 0100",
            }
        )

    def _decide(self, record, user, method, comment):
        """Approve or reject as the UI does: through the comment wizard."""
        self.env["key_account.demo"]._demo_decide(record, user, method, comment)

    def _approve(self, record, user, comment="Agreed"):
        self._decide(record, user, "validate_tier", comment)

    def _reject(self, record, user, reason):
        self._decide(record, user, "reject_tier", reason)

    def _activities(self, partner, xmlid):
        """Activities of type ``key_account.<xmlid>`` on ``partner``."""
        activity_type = self.env.ref(f"key_account.{xmlid}")
        return partner.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )

    def _flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _tracked(self, partner, field_name):
        """Tracking values of ``field_name``, newest first (tracking is written
        at commit time, so run the pre-commit hooks first)."""
        self._flush_tracking()
        return partner.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == field_name
        ).sorted("id", reverse=True)

    @classmethod
    def _key_account_contact(cls, name):
        """Designate ``cls.customer`` and give it a contact named ``name``."""
        cls._make_key_account(cls.customer)
        return cls.env["res.partner"].create(
            {"name": name, "parent_id": cls.customer.id}
        )

    def _file(self, record, name, user=None):
        """A scanned file ``name`` attached to ``record`` by ``user`` (rep
        A)."""
        return (
            self.env["ir.attachment"]
            .with_user(user or self.rep_a)
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(b"%PDF-1.4 scan"),
                    "res_model": record._name,
                    "res_id": record.id,
                }
            )
        )

    def _attach(self, request, user=None):
        """Attach a file to every checklist line, as ``user``."""
        user = user or request.requester_id
        for line in request.document_ids:
            attachment = self._file(request, f"{line.document_type_id.name}.pdf", user)
            line.with_user(user).attachment_ids = [Command.link(attachment.id)]

    def _new_request(self, partner=None, user=None, **vals):
        user = user or self.rep_a
        values = {
            "kind": "designation",
            "partner_id": (partner or self.customer).id,
            "tier_id": self.tier_c.id,
            "rep_id": user.id,
            "credit_level_id": self.level_good.id,
            "credit_limit": 50000.0,
            "payment_term_id": self.term_30.id,
            "expected_amount": 80000.0,
            "funds_tie_up": "credit_terms",
            "evaluation": "Stable buyer, monthly orders.",
        }
        values.update(vals)
        if values["kind"] == "designation" and "principal_id" not in vals:
            partner = self.env["res.partner"].browse(values["partner_id"])
            values["principal_id"] = self._principal(partner).id
        return self.env["key_account.request"].with_user(user).create(values)

    def _submitted_request(self, partner=None, **vals):
        """Rep A's request, its checklist files attached, submitted."""
        request = self._new_request(partner=partner, **vals)
        self._attach(request)
        request.with_user(self.rep_a).action_submit()
        return request

    def _done_visit(self, user, partner, start):
        """A two-hour visit from ``start`` (UTC), registered by ``user`` the
        day before and reported after it, on time."""
        stop = start + timedelta(hours=2)
        with freeze_time(start - timedelta(days=1)):
            visit = (
                self.env["key_account.visit"]
                .with_user(user)
                .create(
                    {
                        "partner_id": partner.id,
                        "planned_start": start,
                        "planned_stop": stop,
                        "purpose": "Negotiate the 2026 renewal prices",
                    }
                )
            )
        with freeze_time(stop + timedelta(hours=1)):
            visit.write(
                {
                    "actual_start": start,
                    "actual_stop": stop,
                    "outcome": "<p>Needs 200 units.</p>",
                }
            )
            visit.action_done()
        return visit

    @classmethod
    def _invoice(
        cls, partner, amount, invoice_date, due_date=None, post=True, user=None, **vals
    ):
        """A customer invoice of one untaxed line, posted unless ``post`` is
        False; created by ``user`` (default: the test's environment), with
        ``vals`` on top (rep, team, move type...)."""
        env = cls.env(user=user, su=False) if user else cls.env
        return make_invoice(env, partner, amount, invoice_date, due_date, post, **vals)
