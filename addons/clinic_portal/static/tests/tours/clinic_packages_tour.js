import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("clinic_portal_packages", {
    steps: () => [
        {
            content: "Open Prepaid packages from the portal home",
            trigger: ".o_portal_index_card a[href='/my/packages']",
            run: "click",
        },
        {
            content: "No package yet",
            trigger: ".o_clinic_my_packages:contains('You have no prepaid package yet')",
        },
        {
            content: "Buy the package the clinic sells online",
            trigger: ".o_clinic_package_offer:contains('Tour Five Physio') .o_clinic_package_buy",
            run: "click",
        },
        {
            content: "Odoo's payment dialog of the invoice opens, for the package's price",
            trigger: ".modal.show #o_payment_summary_amount_full:contains('350.00')",
        },
        {
            content: "It offers the clinic's payment provider",
            trigger: ".modal.show form#o_payment_form button[name='o_payment_submit_button']",
        },
    ],
});
