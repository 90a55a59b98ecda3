/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";
import saleTourUtils from "@sale/js/tours/tour_utils";

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

// SPEC R11/R12: a band-2 quotation goes to the KA department, then the
// deputy sales director, before the rep can confirm it.
registry.category("web_tour.tours").add("key_account_order_request_tour", {
    url: "/odoo/action-sale.action_quotations_with_onboarding",
    steps: () => [
        ...saleTourUtils.createNewSalesOrder(),
        ...saleTourUtils.selectCustomer("Tour Trading Ltd"),
        ...saleTourUtils.addProduct("Tour Server Rack"),
        {
            content: "The list price fills the line",
            trigger: ".o_data_row .o_field_widget[name='price_unit'] input:value('250,000.00')",
        },
        {
            content: "Save the quotation",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Request the approval",
            trigger: ".o_form_saved button[name='action_request_approval']:contains('Request Approval')",
            run: "click",
        },
        {
            content: "The request can now be withdrawn, not repeated",
            trigger: "button[name='restart_validation']:contains('Withdraw Approval Request')",
        },
        {
            content: "Open the approval page",
            trigger: ".o_notebook .nav-link:contains('Approval')",
            run: "click",
        },
        {
            content: "Band 2 is shown",
            trigger: ".o_field_widget[name='key_account_amount_band']:contains('Band 2')",
        },
    ],
});

registry.category("web_tour.tours").add("key_account_order_approve_tour", {
    url: "/odoo/action-key_account.action_key_account_orders_to_approve",
    steps: () => [
        {
            content: "Open the order waiting for my approval",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Trading Ltd')",
            run: "click",
        },
        {
            content: "Approve",
            trigger: "button[name='validate_tier']",
            run: "click",
        },
        {
            content: "Approve without a comment (optional when approving)",
            trigger: ".modal button[name='add_comment']:contains('Approve')",
            run: "click",
        },
        {
            content: "My review is done",
            trigger: "body:not(:has(.modal)) .o_form_view:not(:has(button[name='validate_tier']))",
        },
    ],
});

registry.category("web_tour.tours").add("key_account_order_confirm_tour", {
    url: "/odoo/action-sale.action_quotations_with_onboarding",
    steps: () => [
        {
            content: "Open the approved quotation",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Trading Ltd')",
            run: "click",
        },
        {
            content: "Confirm it",
            trigger: "button[name='action_confirm']",
            run: "click",
        },
        {
            content: "It is a sales order",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Sales Order')",
        },
    ],
});

// SPEC R60, R63, R66: a key-account order short of stock confirms with its
// short line shown; the office delivers what it has (the rest is owed),
// receives the resupply and objects to part of it within the window.
registry.category("web_tour.tours").add("key_account_short_order_confirm_tour", {
    url: "/odoo/action-sale.action_quotations_with_onboarding",
    steps: () => [
        {
            content: "Open the approved quotation",
            trigger: ".o_data_row td.o_data_cell:contains('Tour Office Customer')",
            run: "click",
        },
        {
            content: "The short line is shown before confirming",
            trigger: "div[name='key_account_stock_alert']:contains('line 1, Tour Toner: 8.00 Units needed, 5.00 free')",
        },
        {
            content: "Confirm it",
            trigger: "button[name='action_confirm']",
            run: "click",
        },
        {
            content: "It is a sales order",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Sales Order')",
        },
        {
            content: "The short line is noted in the chatter",
            trigger: ".o-mail-Message-body:contains('The order is confirmed; the missing goods are replenished.')",
        },
    ],
});

registry.category("web_tour.tours").add("key_account_office_delivery_tour", {
    steps: () => [
        {
            content: "The delivery carries the key account",
            trigger: ".o_field_widget[name='key_account_partner_id']:contains('Tour Office Customer')",
        },
        {
            content: "Validate what the office has",
            trigger: ".o_form_view button[name='button_validate']",
            run: "click",
        },
        {
            content: "The rest is a backorder (goods owed)",
            trigger: ".modal button[name='process']",
            run: "click",
        },
        {
            content: "Delivered",
            trigger: "body:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
    ],
});

registry.category("web_tour.tours").add("key_account_office_receipt_tour", {
    steps: () => [
        {
            content: "Receive the resupply at the office",
            trigger: ".o_form_view button[name='button_validate']",
            run: "click",
        },
        {
            content: "Received",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
    ],
});

registry.category("web_tour.tours").add("key_account_office_objection_tour", {
    url: "/odoo/action-key_account.action_key_account_office_receipt",
    steps: () => [
        {
            content: "Open the batch received, open for objection",
            trigger: ".o_data_row:contains('Open for Objection') td.o_data_cell:contains('SHTO/IN/')",
            run: "click",
        },
        {
            content: "Add an objection",
            trigger: ".o_field_widget[name='objection_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='objection_ids'] .o_field_widget[name='product_id'] input",
            run: "edit Tour Toner",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Toner')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='objection_ids'] .o_field_widget[name='quantity'] input",
            run: "edit 2",
        },
        {
            trigger: ".o_field_widget[name='objection_ids'] .o_field_widget[name='reason'] textarea",
            run: "edit Two boxes crushed",
        },
        {
            content: "Object",
            trigger: "button[name='action_object']",
            run: "click",
        },
        {
            content: "The batch is in objection",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('In Objection')",
        },
    ],
});
