import { registry } from "@web/core/registry";

/**
 * A visit under an insurer's authorization, at the front desk: the card shows what is left of the
 * plan, the client is checked in and the visit completed from the card, the appointment opened to
 * see who was charged what, then the completion undone as a correction (the charges are reversed).
 * The data is made by TestBillingTours.test_visit_tour (tomorrow, times in UTC).
 */
registry.category("web_tour.tours").add("clinic_billing_visit", {
    steps: () => [
        {
            content: "Go to tomorrow",
            trigger: ".o_clinic_day_view .o_clinic_day_next",
            run: "click",
        },
        {
            content: "The card shows the authorization's remaining visits",
            trigger: ".o_clinic_day_card:contains('Auth Client') .o_clinic_day_badges .badge:contains('Auth 2/3')",
        },
        {
            content: "Check the client in from the card",
            trigger: ".o_clinic_day_card:contains('Auth Client') .o_clinic_day_arrive",
            run: "click",
        },
        {
            content: "Complete the visit from the card",
            trigger: ".o_clinic_day_card.o_clinic_state_arrived:contains('Auth Client') .o_clinic_day_done",
            run: "click",
        },
        {
            content: "Open the completed appointment",
            trigger: ".o_clinic_day_card.o_clinic_state_done:contains('Auth Client')",
            run: "click",
        },
        {
            content: "Its billing: the insurer's and the client's shares",
            trigger: ".o_form_view .o_notebook a[name='billing']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='charge_ids'] .o_data_row:contains('Tour Insurance'):contains('72.00')",
        },
        {
            trigger: ".o_field_widget[name='charge_ids'] .o_data_row:contains('Auth Client'):contains('28.00')",
        },
        {
            content: "Completed by mistake: reset it",
            trigger: ".o_form_view button[name='action_reset_to_booked']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Back to booked, its charges reversed",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Booked')",
        },
        {
            trigger: ".o_field_widget[name='charge_ids'] .o_data_row:contains('Tour Insurance'):contains('Reversed')",
        },
    ],
});
