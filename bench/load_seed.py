"""The data set of ``bench/load``, written through the ORM into a fresh
database: users per role (password = login), sales teams, customers,
products, and invoices already collected last month or overdue, so that the
scheduled actions triggered during the load have work.

    load_seed.py --database DB [--key-account] -- ODOO_OPTION...

With ``--key-account`` the database has key_account: the customers are key
accounts (tier B, half of them with an account executive), a 5 % commission
rule, the settings a load needs (no agreement nor signer required, claims
accepted all month) and the key_account scheduled actions postponed by a day,
so that only the load triggers them. Without, the same users in Odoo's own
sales and accounting groups, the same customers, products and invoices.

``ROLES`` and ``login`` are imported by ``locustfile.py`` (no Odoo there).
"""

import argparse
import datetime
import sys

# Odoo users of each role; the locust users of a role share them in turn.
ROLES = {"rep": 12, "office_manager": 3, "director": 3, "accountant": 3}
# Customers a rep orders for; customers with overdue invoices (kept apart:
# their receivables hold the credit of a key account).
CUSTOMERS_PER_REP = 4
PRODUCTS = 10
COMMISSION_RATE = 5.0

GROUPS = {
    True: {
        "rep": ["key_account.group_key_account_rep"],
        "office_manager": ["key_account.group_key_account_supervisor"],
        "director": [
            "key_account.group_key_account_director",
            "key_account.group_key_account_head",
        ],
        "accountant": [
            "account.group_account_manager",
            "sales_team.group_sale_salesman_all_leads",
        ],
    },
    False: {
        "rep": ["sales_team.group_sale_salesman"],
        "office_manager": ["sales_team.group_sale_salesman_all_leads"],
        "director": ["sales_team.group_sale_manager"],
        "accountant": [
            "account.group_account_manager",
            "sales_team.group_sale_salesman_all_leads",
        ],
    },
}


def login(role, number):
    """Login (and password) of the ``number``-th user (from 1) of ``role``."""
    return f"load_{role}_{number:02d}"


def _users(env, key_account):
    users = {}
    for role, count in ROLES.items():
        groups = [env.ref("base.group_user").id] + [
            env.ref(xmlid).id for xmlid in GROUPS[key_account][role]
        ]
        users[role] = env["res.users"].create(
            [
                {
                    "name": login(role, n).replace("_", " ").title(),
                    "login": login(role, n),
                    "password": login(role, n),
                    "groups_id": [(6, 0, groups)],
                }
                for n in range(1, count + 1)
            ]
        )
    return users


def _teams(env, users):
    """One team per office manager, the reps shared out between them."""
    managers = users["office_manager"]
    env["crm.team"].create(
        [
            {
                "name": f"Load Office {index + 1}",
                "user_id": manager.id,
                "member_ids": [
                    (6, 0, (users["rep"][index :: len(managers)] | manager).ids)
                ],
            }
            for index, manager in enumerate(managers)
        ]
    )


def _customers(env, users, key_account):
    reps = users["rep"]
    vals = []
    for index, rep in enumerate(reps):
        for n in range(CUSTOMERS_PER_REP + 1):
            name = "Load Overdue" if n == CUSTOMERS_PER_REP else "Load Customer"
            vals.append(
                {
                    "name": f"{name} {index + 1:02d}-{n + 1}",
                    "is_company": True,
                    "user_id": rep.id,
                }
            )
    partners = env["res.partner"].create(vals)
    if key_account:
        tier = env.ref("key_account.tier_b")
        level = env.ref("key_account.credit_level_good")
        for index, partner in enumerate(partners):
            partner.write(
                {
                    "key_account_state": "key_account",
                    "key_account_tier_id": tier.id,
                    "key_account_credit_level_id": level.id,
                    "key_account_since": datetime.date.today(),
                }
            )
            if index % 2:  # an account executive: another rep
                partner.key_account_executive_id = reps[
                    (index // (CUSTOMERS_PER_REP + 1) + 1) % len(reps)
                ]
    return partners


def _invoice(env, partner, rep, products, invoice_date, due_date):
    move = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_user_id": rep.id,
            "invoice_date": invoice_date,
            "invoice_date_due": due_date,
            "invoice_line_ids": [
                (0, 0, {"product_id": product.id, "quantity": 3})
                for product in products
            ],
        }
    )
    move.action_post()
    return move


def _invoices(env, partners, products):
    """Per rep: an invoice collected last month (its commission lines wait
    for the monthly settlement) and two overdue invoices."""
    today = datetime.date.today()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    for partner in partners:
        rep = partner.user_id
        if partner.name.startswith("Load Overdue"):
            for days in (100, 40):
                due = today - datetime.timedelta(days=days)
                _invoice(env, partner, rep, products[:2], due, due)
        elif partner.name.endswith("-1"):
            move = _invoice(
                env, partner, rep, products[2:4], last_month.replace(day=1), last_month
            )
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids
            ).create({"payment_date": last_month})._create_payments()


def _key_account_settings(env, users):
    company = env.company
    expense = env["account.account"].create(
        {"name": "Commissions", "code": "660900", "account_type": "expense"}
    )
    company.write(
        {
            # Agreements and signers have their own tests; the load confirms
            # key-account orders without them.
            "key_account_agreement_required": False,
            "key_account_signer_policy": "none",
            # Expense claims submitted any day of the month.
            "key_account_claim_first_day": 1,
            "key_account_claim_last_day": 31,
            "key_account_head_user_id": users["director"][0].id,
            "key_account_commission_account_id": expense.id,
            "key_account_expense_account_id": expense.id,
        }
    )
    env["key_account.commission.rule"].create(
        {"name": "Default", "rate": COMMISSION_RATE}
    )
    # The load triggers the scheduled actions it exercises; none of the
    # others runs in its window.
    crons = (
        env["ir.model.data"]
        .search([("module", "=", "key_account"), ("model", "=", "ir.cron")])
        .mapped("res_id")
    )
    env["ir.cron"].browse(crons).write(
        {"nextcall": datetime.datetime.now() + datetime.timedelta(days=1)}
    )


def seed(env, key_account):
    users = _users(env, key_account)
    _teams(env, users)
    partners = _customers(env, users, key_account)
    products = env["product.product"].create(
        [
            {
                "name": f"Load Product {n + 1:02d}",
                "type": "consu",
                "invoice_policy": "order",
                "list_price": 100.0 * (n + 1),
            }
            for n in range(PRODUCTS)
        ]
    )
    if key_account:
        _key_account_settings(env, users)
    _invoices(env, partners, products)
    # Users without e-mail address, as most of the company's (the chatter
    # then sends nothing).
    env["res.users"].search([("login", "like", "load_")]).partner_id.email = False


def main():
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--key-account", action="store_true")
    args = parser.parse_args(argv[:split])

    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(argv[split + 1 :])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        seed(api.Environment(cr, SUPERUSER_ID, {}), args.key_account)


if __name__ == "__main__":
    main()
