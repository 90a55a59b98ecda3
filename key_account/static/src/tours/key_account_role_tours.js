/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";

// Issue 21: each role opens the app from the web client's root and does its
// work. The tours run in English and in Chinese: steps find their way by
// menu XML ids, field and button names, and records by their data (customer
// names); the few labels checked are those of the user's language.
const LABELS = {
    "en-US": {
        ordersToApprove: "Orders to Approve",
        requestApproval: "Request Approval",
        kpis: "KPIs",
        keyAccounts: "Key Accounts",
        aging: "Receivables Aging",
        tierSuggestions: "Tier Suggestions",
        settlements: "Commission Settlements",
    },
    "zh-CN": {
        ordersToApprove: "待审批订单",
        requestApproval: "申请审批",
        kpis: "关键绩效指标 (KPI)",
        keyAccounts: "大客户",
        aging: "应收账款账龄分析",
        tierSuggestions: "等级建议",
        settlements: "佣金结算",
    },
};

function label(key) {
    const labels = LABELS[user.lang];
    if (!labels) {
        throw new Error(`No labels for the language ${user.lang}`);
    }
    return labels[key];
}

function title(key) {
    return {
        content: `The page is "${label(key)}"`,
        trigger: `.o_breadcrumb .o_last_breadcrumb_item:contains('${label(key)}')`,
    };
}

function openApp(xmlid) {
    return [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button:enabled",
            run: "click",
        },
        {
            content: `Open the app ${xmlid}`,
            trigger: `.o_app[data-menu-xmlid='${xmlid}']`,
            run: "click",
        },
    ];
}

// A menu of the current app: its section opens in the navbar, or under
// "More" when the navbar is too narrow for every section.
function openSection(section) {
    return [
        {
            content: `Open the section ${section}`,
            trigger: `.o_menu_sections:has(button[data-menu-xmlid='${section}'], .o_menu_sections_more)`,
            async run(helpers) {
                const button = document.querySelector(
                    `.o_menu_sections button[data-menu-xmlid='${section}']`
                );
                await helpers.click(button || ".o_menu_sections_more button");
            },
        },
    ];
}

function openMenu(section, item) {
    return [
        ...openSection(section),
        {
            content: `Open the menu ${item}`,
            trigger: `.dropdown-item[data-menu-xmlid='${item}']`,
            run: "click",
        },
    ];
}

const KEY_ACCOUNTS_APP = "key_account.menu_key_account_root";

// The rep lands on their key accounts, opens a quotation, sees what it
// needs and asks for approval.
registry.category("web_tour.tours").add("key_account_rep_tour", {
    steps: () => [
        ...openApp(KEY_ACCOUNTS_APP),
        {
            content: "Landed on My Key Accounts, with the rep's account",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('Huadong Printing Co.')",
        },
        ...openSection("key_account.menu_key_account_approvals"),
        {
            content: "A rep follows their orders in approval, approves none",
            trigger: ".dropdown-menu:has(.dropdown-item[data-menu-xmlid='key_account.menu_key_account_orders_pending']):not(:has([data-menu-xmlid='key_account.menu_key_account_orders_to_approve']))",
        },
        {
            content: "Close the menu",
            trigger: ".o_list_view",
            run: "press Escape",
        },
        {
            content: "Open the key account",
            trigger: ".o_data_row td[name='name']:contains('Huadong Printing Co.')",
            run: "click",
        },
        {
            content: "Open its quotations",
            trigger: ".o_form_view button[name='action_view_sale_order']",
            run: "click",
        },
        {
            content: "Open the quotation",
            trigger: ".o_data_row:contains('Huadong Printing Co.') td.o_data_cell",
            run: "click",
        },
        {
            content: "The agreement's coming end is shown before approval",
            trigger: ".o_form_view div[name='key_account_agreement_notice']:visible",
        },
        {
            content: "The authority banner names what needs approval",
            trigger: ".o_form_view div[name='key_account_authority_alert']:visible:contains('18')",
        },
        {
            content: "The discount column shows the line discount",
            trigger: ".o_field_widget[name='order_line'] th[data-name='discount']",
        },
        {
            trigger: ".o_field_widget[name='order_line'] .o_data_row td[name='discount']:contains('18')",
        },
        {
            content: "Request the approval",
            trigger: `.o_form_view button[name='action_request_approval']:contains('${label(
                "requestApproval"
            )}')`,
            run: "click",
        },
        {
            content: "The request can be withdrawn, not repeated",
            trigger: ".o_form_view:not(:has(button[name='action_request_approval'])) button[name='restart_validation']",
        },
    ],
});

// The KA head lands on the orders waiting for them: approves one without a
// comment, rejects another with its reason (blanks are no reason).
registry.category("web_tour.tours").add("key_account_approver_tour", {
    steps: () => [
        ...openApp(KEY_ACCOUNTS_APP),
        title("ordersToApprove"),
        {
            content: "Open the first order waiting",
            trigger: ".o_list_view .o_data_row:contains('Jinling Office Supplies') td.o_data_cell",
            run: "click",
        },
        {
            content: "Approve",
            trigger: ".o_form_view button[name='validate_tier']",
            run: "click",
        },
        {
            content: "No comment needed to approve",
            trigger: ".modal button.btn-success[name='add_comment']",
            run: "click",
        },
        {
            content: "My review is done",
            trigger: "body:not(:has(.modal)) .o_form_view:not(:has(button[name='validate_tier']))",
        },
        {
            content: "Back to the orders to approve",
            trigger: ".o_breadcrumb .breadcrumb-item:first-child a",
            run: "click",
        },
        {
            content: "The approved order left the list",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Jinling Office Supplies'))) .o_data_row:contains('Pearl River Stationery')",
        },
        {
            content: "Open the other one",
            trigger: ".o_data_row:contains('Pearl River Stationery') td.o_data_cell",
            run: "click",
        },
        {
            content: "Reject",
            trigger: ".o_form_view button[name='reject_tier']",
            run: "click",
        },
        {
            content: "Blanks are no reason",
            trigger: ".modal .o_field_widget[name='comment'] input",
            run: "edit    ",
        },
        {
            trigger: ".modal button.btn-danger[name='add_comment']",
            run: "click",
        },
        {
            content: "The reason is required",
            trigger: ".modal .o_field_widget[name='comment'].o_field_invalid",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name='comment'] input",
            run: "edit Discount beyond the agreement",
        },
        {
            trigger: ".modal button.btn-danger[name='add_comment']",
            run: "click",
        },
        {
            content: "Rejected",
            trigger: "body:not(:has(.modal)) .o_form_view:not(:has(button[name='reject_tier']))",
        },
    ],
});

// Accounting collects a key account's invoice (the commission lines follow
// the payment) and bills the commission settlement the KA head approved.
registry.category("web_tour.tours").add("key_account_accountant_tour", {
    steps: () => [
        ...openApp("account.menu_finance"),
        ...openMenu("account.menu_finance_receivables", "account.menu_action_move_out_invoice_type"),
        {
            content: "Open the key account's open invoice",
            trigger: ".o_list_view .o_data_row:contains('Beihai Logistics'):contains('10,000.00') td.o_data_cell",
            run: "click",
        },
        {
            content: "Register the payment",
            trigger: ".o_form_view button[name='action_register_payment']:visible",
            run: "click",
        },
        {
            trigger: ".modal button[name='action_create_payments']:visible",
            run: "click",
        },
        {
            content: "Open the commission lines the collection made",
            trigger: "body:not(:has(.modal)) .o_form_view button[name='action_key_account_commission_lines']",
            run: "click",
        },
        {
            content: "The rep's commission on the collected amount",
            trigger: ".o_list_view .o_group_header:contains('Li Wei')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='amount']:contains('500.00')",
        },
        ...openMenu("key_account.menu_account_key_account", "key_account.menu_account_key_account_settlements"),
        title("settlements"),
        {
            content: "Open the approved settlement",
            trigger: ".o_list_view .o_data_row:contains('Li Wei') td.o_data_cell",
            run: "click",
        },
        {
            content: "Bill it",
            trigger: ".o_form_view button[name='action_create_bill']",
            run: "click",
        },
        {
            content: "Billed: the bill is one click away",
            trigger: ".o_form_view:not(:has(button[name='action_create_bill'])) button[name='action_view_bill']",
        },
        ...openMenu("key_account.menu_account_key_account", "key_account.menu_account_key_account_aging"),
        title("aging"),
        {
            content: "The overdue key account is in the aging",
            trigger: ".o_pivot th:contains('Yangtze Paper Mills')",
        },
    ],
});

// The director lands on the KPI overview of key accounts, looks at the
// aging and requests the tier the monthly check suggests.
registry.category("web_tour.tours").add("key_account_director_tour", {
    steps: () => [
        ...openApp(KEY_ACCOUNTS_APP),
        title("kpis"),
        {
            content: "The overview shows key accounts",
            trigger: `.o_searchview_facet:contains('${label("keyAccounts")}')`,
        },
        {
            trigger: ".o_pivot .o_pivot_cell_value:not(:empty)",
        },
        ...openMenu("key_account.menu_key_account_receivables", "key_account.menu_key_account_aging"),
        title("aging"),
        {
            content: "The overdue key account",
            trigger: ".o_pivot th:contains('Yangtze Paper Mills')",
        },
        ...openMenu("key_account.menu_key_account_customers", "key_account.menu_key_account_suggestions"),
        title("tierSuggestions"),
        {
            content: "Select the suggestion for the overdue account",
            trigger: ".o_data_row:contains('Yangtze Paper Mills') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Request the suggested tier",
            trigger: "button[name='action_apply']",
            run: "click",
        },
        {
            content: "The tier-change request it drafted opens",
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input:value('Yangtze Paper Mills')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='kind'] select",
        },
        {
            content: "Back to the suggestions",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Applied: it leaves the pending suggestions",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Yangtze Paper Mills'))) .o_data_row:contains('Beihai Logistics')",
        },
    ],
});
