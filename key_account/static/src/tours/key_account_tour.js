/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("key_account_change_request_tour", {
    url: "/odoo/action-key_account.action_key_account_partners",
    steps: () => [
        {
            content: "Open the rep's key account",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Trading Ltd')",
            run: "click",
        },
        {
            content: "Open the Key Account page",
            trigger: ".o_notebook .nav-link:contains('Key Account')",
            run: "click",
        },
        {
            content: "The tier is shown",
            trigger: ".o_field_widget[name='key_account_tier_id']:contains('B – Core')",
        },
        {
            content: "Request a change",
            trigger: "button[name='action_key_account_request']:contains('Request a Change')",
            run: "click",
        },
        {
            content: "The request is prefilled with the customer",
            trigger: ".o_field_widget[name='partner_id'] input:value('Tour Trading Ltd')",
        },
        {
            content: "Explain the change",
            trigger: ".o_notebook .nav-link:contains('Evaluation and Reason')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='reason'] textarea",
            run: "edit Revenue doubled this year",
        },
        {
            content: "Save the request",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved with a reference",
            trigger: ".o_form_saved .o_field_widget[name='name']:contains('KAR/')",
        },
    ],
});
