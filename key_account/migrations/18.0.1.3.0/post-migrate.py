# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shipped records kept as ``noupdate`` take this version's changes when the
database still has them as shipped:

- designations and upgrades follow the amount bands, downgrades go to the KA
  head alone (the approval steps' domains);
- the business licence and the tax registration are two checklist
  documents (the new one is created by the data file; the old combined one
  is renamed, its translations reloaded from the addon's files).
"""

from odoo import SUPERUSER_ID, api

DOMAINS = {
    "tier_request_office_manager": (
        "[('kind', 'in', ['designation', 'tier_change']), ('amount_band', '=', "
        "'1'), ('office_manager_id', '!=', False)]",
        "[('follows_bands', '=', True), ('amount_band', '=', '1'), "
        "('office_manager_id', '!=', False)]",
    ),
    "tier_request_deputy_sd": (
        "[('kind', 'in', ['designation', 'tier_change']), ('amount_band', 'in', "
        "['2', '3'])]",
        "[('follows_bands', '=', True), ('amount_band', 'in', ['2', '3'])]",
    ),
    "tier_request_sd": (
        "[('kind', 'in', ['designation', 'tier_change']), ('amount_band', '=', '3')]",
        "[('follows_bands', '=', True), ('amount_band', '=', '3')]",
    ),
}
OLD_LICENCE = "Business Licence / Tax Registration"
NEW_LICENCE = "Business Licence"


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, (old, new) in DOMAINS.items():
        definition = env.ref(f"key_account.{xmlid}", raise_if_not_found=False)
        if definition and definition.definition_domain == old:
            definition.definition_domain = new
    licence = env.ref("key_account.doc_designation_licence", raise_if_not_found=False)
    if licence and licence.with_context(lang="en_US").name == OLD_LICENCE:
        # Only the English name: the other languages are filled from the
        # addon's translation files right after this script.
        cr.execute(
            "UPDATE key_account_document_type SET name = jsonb_build_object("
            "'en_US', %s::text) WHERE id = %s",
            (NEW_LICENCE, licence.id),
        )
        licence.invalidate_recordset(["name"])
