/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

const openRequest = [
    {
        content: "Open the Key Account page",
        trigger: ".o_notebook .nav-link:contains('Key Account')",
        run: "click",
    },
    {
        content: "Request the designation",
        trigger: "button[name='action_key_account_request']:contains('Request Key-Account Designation')",
        run: "click",
    },
];
const backToCustomer = {
    content: "Back to the customer",
    trigger: ".o_breadcrumb .breadcrumb-item a:contains('Tour Prospect Ltd')",
    run: "click",
};

// Issue 21: leaving an untouched request saves nothing; a second click
// reopens the draft instead of starting another one.
registry.category("web_tour.tours").add("key_account_designation_request_tour", {
    steps: () => [
        ...openRequest,
        {
            content: "The checklist shows before the first save",
            trigger: ".o_field_widget[name='checklist_type_ids'] .o_data_row:contains('Key-Account Application Form')",
        },
        backToCustomer,
        {
            content: "Back on the customer, no dialog asked to discard anything",
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name='name'] input:value('Tour Prospect Ltd')",
        },
        ...openRequest,
        {
            content: "Choose the proposed tier",
            trigger: ".o_field_widget[name='tier_id'] input",
            run: "edit C",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('C')",
            run: "click",
        },
        {
            content: "Save the draft",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the checklist lines replace the preview",
            trigger: ".o_form_saved .o_field_widget[name='document_ids'] .o_data_row",
        },
        backToCustomer,
        ...openRequest,
        {
            content: "The same draft opens again",
            trigger: ".o_form_saved .o_field_widget[name='name']:contains('KAR/')",
        },
    ],
});
