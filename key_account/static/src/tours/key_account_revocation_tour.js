/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// The rep asks from the customer's form to end its key-account status.
registry.category("web_tour.tours").add("key_account_revocation_request_tour", {
    steps: () => [
        {
            content: "Open the Key Account page",
            trigger: ".o_notebook .nav-link:contains('Key Account')",
            run: "click",
        },
        {
            content: "Request the revocation",
            trigger: "button[name='action_key_account_revoke']:contains('Request Revocation')",
            run: "click",
        },
        {
            content: "A request for the customer opens",
            trigger: ".o_field_widget[name='partner_id'] input:value('Tour Revoked Ltd')",
        },
        {
            content: "Give the reason",
            trigger: ".o_notebook .nav-link:contains('Evaluation and Reason')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='reason'] textarea",
            run: "edit Stopped ordering after the merger",
        },
        {
            content: "Submit it",
            trigger: "button[name='action_submit']",
            run: "click",
        },
        {
            content: "Submitted for approval",
            trigger: ".o_form_saved .o_statusbar_status .o_arrow_button_current:contains('Submitted')",
        },
    ],
});

// The KA head decides it from the requests waiting for him.
registry.category("web_tour.tours").add("key_account_revocation_approve_tour", {
    url: "/odoo/action-key_account.action_key_account_request_to_review",
    steps: () => [
        {
            content: "Open the revocation waiting for my approval",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Revoked Ltd')",
            run: "click",
        },
        {
            content: "Approve",
            trigger: "button[name='validate_tier']",
            run: "click",
        },
        {
            content: "Confirm the approval (a comment is optional)",
            trigger: ".modal button[name='add_comment']:contains('Approve')",
            run: "click",
        },
        {
            content: "Approved and applied",
            trigger: "body:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('Approved')",
        },
    ],
});
