import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("clinic_booking_wizard", {
    steps: () => [
        {
            content: "From the client's form, open the booking wizard",
            trigger: ".o_form_view button[name='action_clinic_book']",
            run: "click",
        },
        {
            content: "Choose the service",
            trigger: ".modal .o_field_widget[name='service_id'] input",
            run: "edit Tour Physio",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Physio')",
            run: "click",
        },
        {
            content: "The client's alert is shown before booking",
            trigger: ".modal .o_clinic_insight:contains('Tour alert: uses a cane')",
        },
        {
            content: "Today is full",
            trigger: ".modal .o_field_widget[name='slot_count']:contains('0')",
        },
        {
            content: "Page to the next day with free time",
            trigger: ".modal button[name='action_next_available']",
            run: "click",
        },
        {
            content: "Book the first free slot in one click",
            trigger: ".modal .o_clinic_booking_slots .o_data_row:first-child button.o_clinic_book_slot:enabled",
            run: "click",
        },
        {
            content: "The appointment is booked",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Booked')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input:value('Tour Client')",
        },
    ],
});
