# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
import contextvars

from odoo import api, models
from odoo.exceptions import AccessError, UserError

# Set while a model's own transition method writes system fields. A context
# variable, not a context key: an RPC caller sets any context key it likes,
# never this.
_SYSTEM_WRITE = contextvars.ContextVar("key_account_system_write", default=False)

# Fields any user who may write the record may also set: followers,
# activities and attachments, which carry no workflow decision.
FREE_FIELDS = frozenset(
    {
        "message_follower_ids",
        "message_main_attachment_id",
        "activity_ids",
        "message_ids",
        "website_message_ids",
        "activity_user_id",
        "activity_type_id",
        "activity_date_deadline",
        "activity_summary",
        "activity_exception_decoration",
    }
)


# Roles of the transition tables held through a group.
ROLE_GROUPS = {
    "office_manager": "key_account.group_key_account_supervisor",
    "director": "key_account.group_key_account_director",
    "head": "key_account.group_key_account_head",
    "general_manager": "key_account.group_key_account_manager",
    "contract_reviewer": "key_account.group_key_account_contract_reviewer",
    "custodian": "key_account.group_key_account_gift_custodian",
    "ae_manager": "key_account.group_key_account_ae_manager",
    "billing": "account.group_account_invoice",
    "accounting_manager": "account.group_account_manager",
    "stock_user": "stock.group_stock_user",
    "stock_manager": "stock.group_stock_manager",
}


def is_guarded(env, model_name):
    """Whether ``model_name`` names a key-account document on the guard
    (its files and chatter are its record)."""
    return (
        bool(model_name)
        and model_name in env
        and (hasattr(type(env[model_name]), "_key_account_files_editable"))
    )


@contextlib.contextmanager
def system_write():
    """Let the code inside write the guarded fields of key-account documents
    as the current user (access rights and record rules still apply)."""
    token = _SYSTEM_WRITE.set(True)
    try:
        yield
    finally:
        _SYSTEM_WRITE.reset(token)


class KeyAccountGuardMixin(models.AbstractModel):
    """Deny by default: a user sets only the fields the workflow lets him set
    in the record's state; the state, decisions, computed amounts and links
    to generated documents move only through the model's own methods.

    A model declares, per state, the fields a user may set
    (``_key_account_user_fields``; the key ``"*"`` serves every state not
    named, and models without a state), the fields a user may give at creation
    (``_key_account_create_fields``, by default those of the first state)
    and, in ``_key_account_transitions``, each public method with the states
    it starts from (which the method enforces through
    ``_key_account_check_transition``) and who may call it. The methods
    write through ``_key_account_system_write`` (or inside
    ``system_write()``). The generated access matrix
    (tests/test_controls_matrix.py) holds every model, field and public
    method to these declarations."""

    _name = "key_account.guard.mixin"
    _description = "Key-Account Guarded Workflow"

    _key_account_state_field = "state"
    _key_account_user_fields = {}
    _key_account_create_fields = None
    # Fields the model's own ``create`` sets whatever the caller gives
    # (reference, requester).
    _key_account_forced_fields = ()
    # The field ``create`` records the creating user in (the requester),
    # whatever the caller gives; only the superuser names another.
    _key_account_creator_field = None
    # {public method: (states it starts from or None for any, roles)}; the
    # roles are those of ``_key_account_user_roles``. Public methods that change
    # nothing (print, open a view) are declared with the role "reader".
    _key_account_transitions = {}

    # Declarations
    @api.model
    def _key_account_user_writable(self, state):
        """Fields a user may set on a record in ``state``."""
        fields = self._key_account_user_fields.get(state)
        if fields is None:
            fields = self._key_account_user_fields.get("*", ())
        return FREE_FIELDS | set(fields)

    @api.model
    def _key_account_user_creatable(self):
        if self._key_account_create_fields is not None:
            return FREE_FIELDS | set(self._key_account_create_fields)
        return self._key_account_user_writable(self._key_account_initial_state())

    @api.model
    def _key_account_initial_state(self):
        field = self._fields.get(self._key_account_state_field)
        if not field:
            return None
        # The field's own default: a ``default_state`` context key is the
        # caller's, not the workflow's.
        default = field.default(self) if field.default else None
        if default:
            return default
        selection = field._description_selection(self.env)
        return selection[0][0] if selection else None

    @api.model
    def _key_account_user_roles(self, record, user):
        """The roles ``user`` holds on ``record`` (any model), as the
        transition tables name them: the record's requester or rep, a
        reviewer whose turn it is, and the department and accounting
        groups."""
        record.ensure_one()
        roles = {"reader"}
        record = record.sudo()
        for role, field in (
            ("requester", "requester_id"),
            ("rep", "rep_id"),
            ("rep", "user_id"),
        ):
            if field in record._fields and record[field] == user:
                roles.add(role)
        if "review_ids" in record._fields and record.review_ids.filtered(
            lambda r: r.status == "pending" and user in r.reviewer_ids
        ):
            roles.add("reviewer")
        for role, group in ROLE_GROUPS.items():
            if user.has_group(group):
                roles.add(role)
        return roles

    @api.model
    def _key_account_guarded_default(self, name):
        """Whether a user may not record a default (ir.default) for field
        ``name``: the fields he may not give at creation."""
        return name in self._fields and name not in self._key_account_user_creatable()

    @api.model
    def _key_account_is_system(self):
        return self.env.su or _SYSTEM_WRITE.get()

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        if self._key_account_creator_field and not self.env.su:
            for vals in vals_list:
                vals[self._key_account_creator_field] = self.env.uid
        if not self._key_account_is_system():
            self = self._key_account_without_guarded_defaults()
            allowed = self._key_account_user_creatable()
            for vals in vals_list:
                self._key_account_check_create(vals, allowed)
                self._key_account_check_links(vals)
        return super().create(vals_list)

    def write(self, vals):
        if not self._key_account_is_system():
            self._key_account_check_write(vals)
            self._key_account_check_links(vals)
        return super().write(vals)

    # Guard
    def _key_account_system_write(self, vals):
        """The one privileged write: a transition method that has checked
        the caller's role and the record's state writes the system fields
        (state, decisions, links to generated documents) through this, as
        superuser since the actor (a reviewer, the stock manager) need not
        be allowed to edit the record itself."""
        return self.sudo().write(vals)

    def _key_account_check_transition(self, method, message):
        """Refuse ``method`` (a UserError saying ``message``) unless every
        record is in one of the states its entry in
        ``_key_account_transitions`` starts from (None: any state)."""
        starts = self._key_account_transitions[method][0]
        if starts is None:
            return
        state_field = self._key_account_state_field
        if any(state not in starts for state in self.mapped(state_field)):
            raise UserError(message)

    @api.model
    def _key_account_without_guarded_defaults(self):
        """Drop ``default_<field>`` context keys of fields a user may not set
        at creation: an RPC caller would otherwise create records in a later
        state through the context."""
        allowed = self._key_account_user_creatable()
        context = {
            key: value
            for key, value in self.env.context.items()
            if not (key.startswith("default_") and key[8:] in self._fields)
            or key[8:] in allowed
        }
        if len(context) == len(self.env.context):
            return self
        return self.with_env(self.env(context=context))

    @api.model
    def _key_account_check_create(self, vals, allowed):
        refused = [
            name
            for name in set(vals) - allowed - set(self._key_account_forced_fields)
            if name in self._fields
            and not self._key_account_is_default(name, vals[name])
        ]
        if refused:
            raise AccessError(self._key_account_refusal(refused, None))

    @api.model
    def _key_account_is_default(self, name, value):
        """Whether ``value`` is what the record gets anyway (forms send the
        defaults of visible fields): empty, or the field's default."""
        default = self.default_get([name]).get(name)
        if value == default:
            return True
        empty = not value or value in ([(6, 0, [])], [[6, 0, []]])
        return empty and not default

    def _key_account_check_write(self, vals):
        state_field = self._key_account_state_field
        has_state = state_field in self._fields
        for state in set(self.mapped(state_field)) if has_state else {None}:
            refused = [
                name
                for name in set(vals) - self._key_account_user_writable(state)
                if name in self._fields
            ]
            if not refused:
                continue
            initial = self._key_account_initial_state()
            if state != initial and set(refused) <= self._key_account_user_writable(
                initial
            ):
                # Fields of the first state, locked since: say what to do.
                raise UserError(self._key_account_locked_message())
            raise AccessError(self._key_account_refusal(refused, state))

    @api.model
    def _key_account_check_links(self, vals):
        """A user links a document only to records he may read: no request
        on another rep's customer, none that reads its figures through the
        document."""
        for name, value in vals.items():
            field = self._fields.get(name)
            if field and field.type == "many2one" and isinstance(value, int) and value:
                self.env[field.comodel_name].browse(value).check_access("read")

    def _key_account_files_editable(self, adding):
        """Whether a user may add (``adding``) or change and remove the
        files attached to this document: in its first state, and adding in a
        state that takes new many2many or binary fields (paper)."""
        self.ensure_one()
        state_field = self._key_account_state_field
        if state_field not in self._fields:
            return True
        state = self[state_field]
        if state == self._key_account_initial_state():
            return True
        if not adding:
            return False
        return any(
            self._fields[name].type in ("many2many", "binary")
            for name in self._key_account_user_writable(state)
            if name in self._fields and name not in FREE_FIELDS
        )

    def message_post(self, **kwargs):
        """Nobody posts on a key-account document in someone else's name."""
        author = kwargs.get("author_id")
        if (
            author
            and not self._key_account_is_system()
            and author != self.env.user.partner_id.id
        ):
            raise AccessError(
                self.env._("You post on a key-account document in your own name.")
            )
        return super().message_post(**kwargs)

    def _key_account_locked_message(self):
        return self.env._(
            "%(model)s: this document no longer changes in its state.",
            model=self._description,
        )

    @api.model
    def _key_account_refusal(self, names, state):
        labels = ", ".join(
            sorted(self._fields[name]._description_string(self.env) for name in names)
        )
        if state is None:
            return self.env._(
                "%(model)s: %(fields)s cannot be set by hand; the document's "
                "buttons set them.",
                model=self._description,
                fields=labels,
            )
        state_label = dict(
            self._fields[self._key_account_state_field]._description_selection(self.env)
        ).get(state, state)
        return self.env._(
            "%(model)s in state %(state)s: %(fields)s cannot be set by hand; "
            "the document's buttons set them.",
            model=self._description,
            state=state_label,
            fields=labels,
        )
