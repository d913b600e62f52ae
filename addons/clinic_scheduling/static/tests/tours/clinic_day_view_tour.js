import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("clinic_day_view", {
    steps: () => [
        {
            content: "The day view shows the providers as columns",
            trigger: ".o_clinic_day_view .o_clinic_day_provider:contains('Day Provider')",
        },
        {
            content: "Go to the day of the appointment",
            trigger: ".o_clinic_day_view .o_clinic_day_next",
            run: "click",
        },
        {
            content: "The appointment is a card on the provider's column",
            trigger: ".o_clinic_day_card:contains('Day Client'):contains('Booked')",
        },
        {
            content: "Check the client in from the card",
            trigger: ".o_clinic_day_card:contains('Day Client') .o_clinic_day_arrive",
            run: "click",
        },
        {
            trigger: ".o_clinic_day_card.o_clinic_state_arrived:contains('Day Client')",
        },
        {
            content: "Switch to the provider's week",
            trigger: ".o_clinic_day_view .o_clinic_mode_week",
            run: "click",
        },
        {
            trigger: ".o_clinic_day_label:contains('Day Provider')",
        },
        {
            content: "The week shows the same appointment",
            trigger: ".o_clinic_day_card.o_clinic_state_arrived:contains('Day Client')",
        },
        {
            content: "Click an empty spot of the column to book there",
            trigger: ".o_clinic_day_lane",
            run: "click",
        },
        {
            content: "The booking wizard opens for that provider and day",
            trigger: ".modal .o_field_widget[name='provider_id'] input:value('Day Provider')",
        },
    ],
});
