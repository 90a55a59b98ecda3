/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// SPEC R70: an approved key-account quotation on credit terms names one of
// the customer's valid signers before the rep confirms it.
registry.category("web_tour.tours").add("key_account_order_signer_tour", {
    url: "/odoo/action-sale.action_quotations_with_onboarding",
    steps: () => [
        {
            content: "Open the approved quotation",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Signer Ltd')",
            run: "click",
        },
        {
            content: "Without a signer the quotation cannot be confirmed",
            trigger: "div[name='key_account_signer_alert']:contains('No valid authorized signer')",
        },
        {
            content: "Open the customer's signers",
            trigger: ".o_field_widget[name='key_account_signer_id'] input",
            run: "click",
        },
        {
            content: "Only the valid signers are offered",
            trigger: ".o-autocomplete--dropdown-menu:has(a:contains('Chen Jie')):not(:has(a:contains('Wang Fang')))",
        },
        {
            content: "Pick the signer",
            trigger: ".o-autocomplete--dropdown-item a:contains('Li Na')",
            run: "click",
        },
        {
            content: "The warning is gone",
            trigger: ".o_form_view:not(:has(div[name='key_account_signer_alert']))",
        },
        {
            content: "Save the quotation",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Confirm it",
            trigger: ".o_form_saved button[name='action_confirm']",
            run: "click",
        },
        {
            content: "It is a sales order",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Sales Order')",
        },
        {
            content: "Its signer no longer changes",
            trigger: ".o_field_widget[name='key_account_signer_id'].o_readonly_modifier:contains('Li Na')",
        },
    ],
});
