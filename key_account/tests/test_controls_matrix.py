# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The access matrix generated from the registry: every guarded model, every
role, every field a user may not set, every public method."""

import json
import logging

from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.key_account_guard_mixin import ROLE_GROUPS
from .common_order import OrderApprovalCase

_logger = logging.getLogger(__name__)
GUARD = "key_account.guard.mixin"
OWN_MODULES = ("odoo.addons.key_account", "odoo.addons.base_tier_validation")
# AccessError and ValidationError are UserErrors.
REFUSED = UserError
# Sale order fields only the order's own methods set.
ORDER_SYSTEM_FIELDS = (
    "state",
    "key_account_approved_amount",
    "key_account_approved_band",
    "key_account_approved_level",
    "key_account_approval_snapshot",
    "key_account_amount",
    "key_account_amount_band",
    "key_account_authority_level",
    "key_account_office_manager_id",
    "validation_status",
)


@tagged("post_install", "-at_install")
class TestControlsMatrix(OrderApprovalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            "ka_matrix_accountant",
            groups="base.group_user,account.group_account_user",
        )
        cls.portal = new_test_user(
            cls.env, "ka_matrix_portal", groups="base.group_portal"
        )
        cls.roles = {
            "rep": cls.rep_a,
            "office manager": cls.office_manager,
            "director (KA head)": cls.head,
            "deputy sales director": cls.deputy_sd,
            "manager": cls.manager,
            "accountant": cls.accountant,
            "portal": cls.portal,
        }
        cls.models = [
            name
            for name, model in cls.env.registry.items()
            if not model._abstract
            and not model._transient
            and GUARD in cls._ancestors(model)
        ]

    @staticmethod
    def _ancestors(model_class):
        return {getattr(klass, "_name", None) for klass in model_class.__mro__}

    # Values
    def _value(self, model, field):
        """A value a user would not get by default, or None to skip."""
        today = fields.Date.today()
        default = model.default_get([field.name]).get(field.name)
        if field.type == "boolean":
            return not default
        if field.type in ("char", "text", "html"):
            return "forged"
        if field.type in ("integer", "float", "monetary"):
            return 12345
        if field.type == "date":
            return fields.Date.to_string(today)
        if field.type == "datetime":
            return fields.Datetime.to_string(fields.Datetime.now())
        if field.type == "selection":
            values = [
                v
                for v, _label in field._description_selection(self.env)
                if v != default
            ]
            return values[-1] if values else None
        if field.type in ("many2one", "many2many"):
            if isinstance(default, models.BaseModel):
                default = default.id
            record = self.env[field.comodel_name].search(
                [("id", "!=", default or 0)], limit=1
            )
        if field.type == "many2one":
            return record.id or None
        if field.type == "many2many":
            return [Command.set(record.ids)] if record else None
        if field.type == "many2one_reference":
            return 1
        return None  # one2many, binary, properties: through their own models

    def _attempts(self, model, allowed):
        """(field, value, role, user): every stored field outside
        ``allowed`` that has a value to try, as every role."""
        for field in self._system_fields(model, allowed):
            value = self._value(model, field)
            if value is None:
                continue
            for role, user in self.roles.items():
                yield field, value, role, user

    def _system_fields(self, model, allowed):
        return [
            field
            for name, field in model._fields.items()
            if field.store
            and not field.compute
            and not field.related
            and name not in allowed
            and name not in model._key_account_forced_fields
            and name not in models_magic()
        ]

    # Coverage
    def test_every_guarded_model_declares_its_workflow(self):
        """A model on the guard declares its user fields, and every public
        method it or the approval engine defines (RPC calls it) is a
        declared transition with its states and roles."""
        self.assertIn("key_account.request", self.models)
        self.assertIn("key_account.exception.request", self.models)
        orm = self._generic_api()
        roles = set(ROLE_GROUPS) | {"requester", "rep", "reviewer", "reader"}
        undeclared = []
        for name in self.models:
            model = self.env[name]
            # Read-only documents declare it too: {"*": ()}.
            self.assertTrue(
                model._key_account_user_fields,
                f"{name} declares no user-writable fields",
            )
            state_field = model._fields.get(model._key_account_state_field)
            states = (
                dict(state_field._description_selection(self.env))
                if state_field
                else {}
            )
            for state in model._key_account_user_fields:
                if state not in (None, "*"):
                    self.assertIn(state, states, f"{name}: unknown state {state}")
            for method, (starts, who) in model._key_account_transitions.items():
                self.assertTrue(
                    callable(getattr(model, method, None)), f"{name}.{method}"
                )
                self.assertLessEqual(set(who), roles, f"{name}.{method}")
                self.assertLessEqual(set(starts or ()), set(states), f"{name}.{method}")
            for attr in self._public_methods(model):
                if attr not in orm and attr not in model._key_account_transitions:
                    undeclared.append(f"{name}.{attr}")
        self.assertFalse(
            undeclared,
            "Public methods without a declared transition (RPC can call them): "
            + ", ".join(undeclared),
        )

    def test_every_public_method_of_the_addon_is_declared(self):
        """Core models the addon extends and its wizards too: a public method
        the addon adds or overrides is declared with its states and roles."""
        orm = self._generic_api()
        undeclared = []
        for name in self.env.registry:
            model = self.env[name]
            declared = getattr(type(model), "_key_account_transitions", {}) or {}
            for attr in self._public_methods(model, ("odoo.addons.key_account",)):
                if attr not in orm and attr not in declared:
                    undeclared.append(f"{name}.{attr}")
        self.assertFalse(
            undeclared,
            "Public methods without a declared transition (RPC can call them): "
            + ", ".join(sorted(undeclared)),
        )

    def test_every_numbered_document_is_numbered_by_its_sequence(self):
        """Each model numbered by the sequence mixin names a sequence that
        exists, and a document a user creates takes its number from it."""
        mixin = type(self.env["key_account.sequence.mixin"])
        numbered = [
            name
            for name in self.env.registry
            if name != mixin._name
            and not self.env[name]._abstract
            and issubclass(type(self.env[name]), mixin)
        ]
        self.assertGreater(len(numbered), 8)
        sequences = self.env["ir.sequence"].sudo()
        missing = [
            name
            for name in numbered
            if not sequences.search_count(
                [("code", "=", self.env[name]._key_account_sequence)]
            )
        ]
        self.assertFalse(missing, "Numbered without a sequence: %s" % missing)
        request = self._new_request(
            kind="credit_change", credit_limit=90000.0, reason="Volume grew"
        )
        self.assertTrue(request.name.startswith("KAR/"), request.name)

    def test_order_methods_succeed_only_as_declared(self):
        """The order's public methods, each role, in draft, sent, sale and
        cancel."""
        calls = allowed = 0
        wrong = []
        declared = type(self.env["sale.order"])._key_account_transitions
        for start in ("draft", "sale", "cancel"):
            for method, (starts, who) in declared.items():
                if who == ("reader",):
                    continue
                for role, user in self.roles.items():
                    order = self._order_in(start)
                    calls += 1
                    before = self._order_effects(order)
                    try:
                        with self.cr.savepoint():
                            getattr(order.with_user(user), method)()
                            order.env.flush_all()
                    except (UserError, TypeError):
                        continue
                    if self._order_effects(order) == before:
                        continue  # nothing happened (e.g. a no-op state)
                    allowed += 1
                    held = self.env["key_account.guard.mixin"]._key_account_user_roles(
                        order, user
                    )
                    if (starts is not None and start not in starts) or not (
                        held & set(who)
                    ):
                        wrong.append(f"{role} called {method} in {start}")
        _logger.info(
            "access matrix: %s order method calls, %s went through as declared",
            calls,
            allowed,
        )
        self.assertFalse(wrong, "\n".join(wrong))
        self.assertGreater(calls - allowed, allowed)

    def _order_effects(self, order):
        order.invalidate_recordset()
        reviews = (
            self.env["tier.review"]
            .with_context(active_test=False)
            .search([("model", "=", "sale.order"), ("res_id", "=", order.id)])
        )
        return (
            order.state,
            sorted(reviews.mapped(lambda r: (r.id, r.status, r.active))),
        )

    def _order_in(self, state):
        order = self._order(10000.0)
        if state == "draft":
            return order
        order.with_user(self.rep_a).action_request_approval()
        for approver in (self.office_manager, self.head):
            self._approve(order, approver)
        order.with_user(self.rep_a).action_confirm()
        if state == "cancel":
            order.with_user(self.rep_a)._action_cancel()
        self.assertEqual(order.state, state)
        return order

    def _generic_api(self):
        """The ORM's and the chatter's public API, which the guard and the
        models override without changing what it is (create, write,
        message_post...): every other public method is a transition."""
        return {
            name
            for model in ("base", "mail.thread")
            for name in dir(type(self.env[model]))
            if name[0] != "_"
        }

    @staticmethod
    def _public_methods(model, modules=OWN_MODULES):
        """Public methods the addon (or the approval engine) gives ``model``."""
        found = set()
        for klass in type(model).__mro__:
            module = getattr(klass, "__module__", "")
            if not module.startswith(modules):
                continue
            for attr, value in vars(klass).items():
                if not attr.startswith("_") and callable(value):
                    found.add(attr)
        return found

    def test_public_methods_succeed_only_as_declared(self):
        """Every declared transition called by every role in every state the
        exception request and the key-account request pass through: a call
        that goes through must be one the table allows, for that state and
        that role."""
        states = ("draft", "submitted", "approved", "rejected", "cancelled")
        calls = allowed = 0
        wrong = []
        for model, builder in (
            ("key_account.exception.request", self._exception_in),
            ("key_account.request", self._request_in),
        ):
            declared = self.env[model]._key_account_transitions
            for start in states:
                for method, (starts, who) in declared.items():
                    if who == ("reader",):
                        continue
                    for role, user in self.roles.items():
                        record = builder(start)
                        calls += 1
                        try:
                            with self.cr.savepoint():
                                getattr(record.with_user(user), method)()
                                record.env.flush_all()
                        except (UserError, TypeError):
                            continue
                        allowed += 1
                        held = self.env[
                            "key_account.guard.mixin"
                        ]._key_account_user_roles(record, user)
                        if (starts is not None and start not in starts) or not (
                            held & set(who)
                        ):
                            wrong.append(f"{role} called {model}.{method} in {start}")
        _logger.info(
            "access matrix: %s method calls, %s went through as declared",
            calls,
            allowed,
        )
        self.assertFalse(wrong, "\n".join(wrong))
        self.assertGreater(allowed, 0)
        self.assertGreater(calls - allowed, allowed)

    def _decide_until(self, record, state):
        """Approve (or reject once) the pending steps until ``state``."""
        while record.state == "submitted":
            reviewer = record.review_ids.filtered(lambda r: r.status == "pending")[
                :1
            ].reviewer_ids[:1]
            if state == "rejected":
                self._reject(record, reviewer, "Not now")
            else:
                self._approve(record, reviewer)
        self.assertEqual(record.state, state)
        return record

    def _request_in(self, state):
        request = self._new_request(
            kind="credit_change", credit_limit=90000.0, reason="Volume grew"
        )
        if state == "draft":
            return request
        if state == "cancelled":
            request.with_user(self.rep_a).action_cancel()
            return request
        self._attach(request)
        request.with_user(self.rep_a).action_submit()
        if state == "submitted":
            return request
        return self._decide_until(request, state)

    def _exception_in(self, state):
        request = self._exception_request()
        if state == "draft":
            return request
        if state == "cancelled":
            request.with_user(self.rep_a).action_cancel()
            return request
        request.with_user(self.rep_a).action_submit()
        if state == "submitted":
            return request
        return self._decide_until(request, state)

    def test_create_refuses_every_system_field_for_every_role(self):
        """Each role, each guarded model, each field a user may not give at
        creation (states, decisions, links, computed amounts): refused,
        whatever the context says."""
        tried = refused = 0
        leaks = []
        for name in self.models:
            model = self.env[name]
            allowed = model._key_account_user_creatable()
            for field, value, role, user in self._attempts(model, allowed):
                tried += 1
                try:
                    with self.cr.savepoint():
                        self.env[name].with_user(user).create({field.name: value})
                except REFUSED:
                    refused += 1
                    continue
                except Exception:  # noqa: BLE001 - e.g. a NOT NULL column
                    leaks.append(f"{role}: {name}.{field.name} reached the db")
                    continue
                leaks.append(f"{role}: {name}.{field.name} created")
        _logger.info(
            "access matrix: %s models x %s roles, %s create attempts, %s refused",
            len(self.models),
            len(self.roles),
            tried,
            refused,
        )
        self.assertFalse(leaks, "\n".join(leaks))
        self.assertGreaterEqual(tried, len(self.models) * len(self.roles) * 3)
        self.assertEqual(tried, refused)

    def test_context_defaults_do_not_set_system_fields(self):
        """``default_state`` and friends in an RPC context are dropped."""
        request = (
            self.env["key_account.exception.request"]
            .with_user(self.rep_a)
            .with_context(default_state="approved")
            .create(
                {
                    "exception_type": "rebate",
                    "partner_id": self.customer.id,
                    "requested_value": 40.0,
                    "justification": "Yearly volume",
                }
            )
        )
        self.assertEqual(request.state, "draft")
        order = (
            self.env["sale.order"]
            .with_user(self.rep_a)
            .with_context(default_state="sale")
            .create({"partner_id": self.customer.id, "user_id": self.rep_a.id})
        )
        self.assertEqual(order.state, "draft")

    def test_write_refuses_system_fields_in_every_state(self):
        """Exception requests and key-account requests in each of their
        states, each role: every field not declared writable in that state
        is refused; the requester's draft still takes its declared fields."""
        states = ("draft", "submitted", "approved", "rejected", "cancelled")
        tried = 0
        leaks = []
        for name, builder in (
            ("key_account.exception.request", self._exception_in),
            ("key_account.request", self._request_in),
        ):
            model = self.env[name]
            for state in states:
                record = builder(state)
                allowed = model._key_account_user_writable(state)
                for field, value, role, user in self._attempts(model, allowed):
                    tried += 1
                    try:
                        with self.cr.savepoint():
                            record.with_user(user).write({field.name: value})
                    except REFUSED:
                        continue
                    leaks.append(f"{role} wrote {name}.{field.name} in {state}")
        _logger.info("access matrix: %s write attempts, all refused", tried)
        self.assertFalse(leaks, "\n".join(leaks))
        self.assertGreater(tried, 500)
        request = self._exception_request()
        request.with_user(self.rep_a).write({"justification": "Volume 2027"})
        request.with_user(self.rep_a).action_submit()
        with self.assertRaises(UserError):
            request.with_user(self.rep_a).write({"justification": "Later"})

    # Reading
    def test_other_reps_data_is_out_of_reach(self):
        """Rep B, over search, read and read_group, reaches none of rep A's
        key-account order, its approval history, nor rep A's exception
        request; rep A and the reviewing office manager do."""
        order = self._order(10000.0)
        order.with_user(self.rep_a).action_request_approval()
        request = self._exception_in("draft")
        records = {
            "sale.order": order,
            "tier.review": order.review_ids,
            "key_account.exception.request": request,
        }
        for model, record in records.items():
            self.assertTrue(record, model)
            domain = [("id", "in", record.ids)]
            for user, expected in (
                (self.rep_b, 0),
                (self.rep_a, len(record)),
            ):
                Model = self.env[model].with_user(user)
                self.assertEqual(Model.search_count(domain), expected, model)
                groups = Model.read_group(domain, ["id:count"], [])
                self.assertEqual(groups[0]["__count"], expected, model)
            with self.assertRaises(AccessError, msg=model):
                record.with_user(self.rep_b).read(["display_name"])
        reviews = self.env["tier.review"].with_user(self.office_manager)
        self.assertEqual(
            reviews.search_count([("id", "in", order.review_ids.ids)]),
            len(order.review_ids),
        )

    # Sale orders
    def test_order_created_or_written_into_sale_is_refused(self):
        for role in ("rep", "office manager", "director (KA head)", "manager"):
            user = self.roles[role]
            with self.assertRaises(AccessError, msg=role), self.cr.savepoint():
                self._order(10000.0, user=user, state="sale")
            with self.assertRaises(AccessError, msg=role), self.cr.savepoint():
                self.env["sale.order"].with_user(user).create(
                    {
                        "partner_id": self.customer.id,
                        "state": "sale",
                        "user_id": self.rep_a.id,
                    }
                )
        order = self._order(10000.0)
        order.with_user(self.rep_a).action_cancel()
        for field in ORDER_SYSTEM_FIELDS:
            value = self._value(
                self.env["sale.order"], self.env["sale.order"]._fields[field]
            )
            if field == "state":
                value = "sale"
            for role, user in self.roles.items():
                with (
                    self.assertRaises(REFUSED, msg=f"{role} {field}"),
                    self.cr.savepoint(),
                ):
                    order.with_user(user).write({field: value})
        self.assertEqual(order.state, "cancel")
        # The way back is the button, and confirmation still needs approval.
        order.with_user(self.rep_a).action_draft()
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_a).action_confirm()

    def test_superuser_entry_into_sale_is_gated(self):
        """Even code creating an order straight into ``sale`` meets the gate."""
        with self.assertRaises(ValidationError):
            self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.rep_a.id,
                    "state": "sale",
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": 50000.0,
                            }
                        )
                    ],
                }
            )

    def test_change_after_approval_outside_the_restart_list_restarts(self):
        """Approved at 10,000 in band 1; a tax added to the line afterwards
        changes what would be confirmed: the approval restarts."""
        order = self._order(10000.0)
        order.with_user(self.rep_a).action_request_approval()
        for approver in (self.office_manager, self.head):
            self._approve(order, approver)
        self.assertEqual(order.validation_status, "validated")
        tax = self.env["account.tax"].create({"name": "Matrix 500 %", "amount": 500.0})
        order.order_line.with_user(self.rep_a).write({"tax_id": [Command.set(tax.ids)]})
        self.assertNotEqual(order.validation_status, "validated")
        with self.assertRaises(ValidationError):
            order.with_user(self.rep_a).action_confirm()

    def test_confirmed_order_not_invoiced_while_its_approval_restarts(self):
        order = self._order(10000.0)
        order.with_user(self.rep_a).action_request_approval()
        for approver in (self.office_manager, self.head):
            self._approve(order, approver)
        order.with_user(self.rep_a).action_confirm()
        self.assertEqual(order.state, "sale")
        order.order_line.with_user(self.rep_a).write({"price_unit": 400000.0})
        self.assertIn(order.validation_status, ("waiting", "pending"))
        with self.assertRaisesRegex(UserError, "approval is pending"):
            order._create_invoices()

    def test_office_manager_signature_follows_the_rep_not_the_team(self):
        """Moving the quotation to a team without leader keeps the rep's
        office manager on the route."""
        leaderless = self.env["crm.team"].create({"name": "No Leader"})
        order = self._order(10000.0)
        order.with_user(self.rep_a).write({"team_id": leaderless.id})
        self.assertEqual(order.key_account_office_manager_id, self.office_manager)
        order.with_user(self.rep_a).action_request_approval()
        self.assertIn(
            self.office_manager, order.review_ids.reviewer_ids, "band-1 signature kept"
        )


def models_magic():
    return {"id", "create_uid", "create_date", "write_uid", "write_date"}


@tagged("post_install", "-at_install")
class TestControlsJsonRpc(HttpCase):
    """The same refusals over real HTTP, as a rep's browser session."""

    def test_rep_cannot_create_a_confirmed_order_over_json_rpc(self):
        rep = new_test_user(
            self.env,
            "ka_jsonrpc_rep",
            password="ka_jsonrpc_rep",
            groups="base.group_user,key_account.group_key_account_rep",
        )
        customer = self.env["res.partner"].create(
            {"name": "JSON Customer", "is_company": True, "user_id": rep.id}
        )
        self.authenticate("ka_jsonrpc_rep", "ka_jsonrpc_rep")
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "sale.order",
                "method": "create",
                "args": [{"partner_id": customer.id, "state": "sale"}],
                "kwargs": {},
            },
        }
        response = self.url_open(
            "/web/dataset/call_kw/sale.order/create",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        self.assertIn("error", body)
        self.assertEqual(body["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertFalse(
            self.env["sale.order"].search([("partner_id", "=", customer.id)])
        )
        payload["params"]["args"] = [{"partner_id": customer.id}]
        ok = self.url_open(
            "/web/dataset/call_kw/sale.order/create",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        ).json()
        self.assertIn("result", ok, ok.get("error"))
        self.assertEqual(rep, self.env["sale.order"].browse(ok["result"]).user_id)
