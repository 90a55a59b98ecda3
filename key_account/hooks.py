# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def post_init_hook(env):
    """Turn on Sales' *Discounts* setting, as its settings page would (the
    group implied by every internal user): the approval matrix weighs line
    discounts, and a rep must see the discount an approval names."""
    enable_line_discounts(env)


def enable_line_discounts(env):
    env.ref("base.group_user")._apply_group(env.ref("sale.group_discount_per_so_line"))
