/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// SPEC R50: the rep registers a visit from the customer's form before leaving.
registry.category("web_tour.tours").add("key_account_log_visit_tour", {
    url: "/odoo/action-key_account.action_key_account_partners",
    steps: () => [
        {
            content: "Open the rep's key account",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Visit Trading Ltd')",
            run: "click",
        },
        {
            content: "No visit yet",
            trigger: "button[name='action_view_key_account_visits'] .o_stat_value:contains('0')",
        },
        {
            content: "Open the Key Account page",
            trigger: ".o_notebook .nav-link:contains('Key Account')",
            run: "click",
        },
        {
            content: "Log a visit",
            trigger: "button[name='action_key_account_log_visit']:contains('Log a Visit')",
            run: "click",
        },
        {
            content: "The visit is for the customer",
            trigger: ".o_field_widget[name='partner_id'] input:value('Tour Visit Trading Ltd')",
        },
        {
            content: "Say why",
            trigger: ".o_field_widget[name='purpose'] textarea",
            run: "edit Negotiate the 2026 renewal prices",
        },
        {
            content: "Register the go-out",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Registered before departure",
            trigger: ".o_form_saved .o_field_widget[name='registration_state']:contains('Registered')",
        },
        {
            content: "Back to the customer",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Tour Visit Trading Ltd')",
            run: "click",
        },
        {
            content: "The visit is counted",
            trigger: "button[name='action_view_key_account_visits'] .o_stat_value:contains('1')",
        },
    ],
});
