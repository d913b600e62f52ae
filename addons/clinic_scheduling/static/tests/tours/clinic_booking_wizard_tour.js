import { registry } from "@web/core/registry";

const { DateTime } = luxon;

/**
 * A new client calls: the front desk creates them from the wizard's client picker (the client
 * form, with birth date and phone), finds today full, pages to the next free day, types another
 * day, picks a provider, and books in one click. Every edit is followed by a booking that works.
 * The data is made by TestFrontDeskTours.test_booking_wizard_tour (times in UTC).
 */
registry.category("web_tour.tours").add("clinic_booking_wizard", {
    steps: () => {
        const tomorrow = DateTime.utc().plus({ days: 1 }).toFormat("MM/dd/yyyy");
        const inTwoDays = DateTime.utc().plus({ days: 2 }).toFormat("MM/dd/yyyy");
        return [
            {
                content: "Clinic staff open Odoo on the day view",
                trigger: ".o_clinic_day_view .o_clinic_day_provider",
            },
            {
                content: "Open the booking wizard from the menu",
                trigger: ".o_main_navbar [data-menu-xmlid='clinic_scheduling.menu_clinic_book']",
                run: "click",
            },
            {
                content: "Type the new client's name",
                trigger: ".modal .o_field_widget[name='partner_id'] input",
                run: "edit Nadia Newclient",
            },
            {
                trigger: ".o-autocomplete--dropdown-item:contains('Create and edit')",
                run: "click",
            },
            {
                content: "The client form asks for what the clinic needs",
                trigger: ".modal .o_form_view .o_field_widget[name='birthdate'] input",
                run: "edit 04/12/1990",
            },
            {
                trigger: ".modal .o_form_view .o_field_widget[name='phone'] input",
                run: "edit 613-555-0199",
            },
            {
                trigger: ".modal .o_form_view .o_field_widget[name='name'] input:value('Nadia Newclient')",
            },
            {
                trigger: ".modal:has(.o_field_widget[name='birthdate']) .o_form_button_save",
                run: "click",
            },
            {
                content: "Back in the wizard with the new client",
                trigger: ".modal .o_field_widget[name='partner_id'] input:value('Nadia Newclient')",
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
                content: "Today is full",
                trigger: ".modal .o_clinic_slot_picker .o_clinic_no_slot",
            },
            {
                content: "Page to the next day with free time",
                trigger: ".modal button[name='action_next_available']",
                run: "click",
            },
            {
                trigger: `.modal .o_field_widget[name='day'] input:value('${tomorrow}')`,
            },
            {
                trigger: ".modal .o_clinic_book_slot",
            },
            {
                content: "Type another day",
                trigger: ".modal .o_field_widget[name='day'] input",
                run: `edit ${inTwoDays}`,
            },
            {
                content: "Any provider: the free times are grouped by time, naming who is free",
                trigger: ".modal .o_clinic_slot_group:first .o_clinic_book_slot:contains('Second Provider')",
            },
            {
                content: "Pick a provider",
                trigger: ".modal .o_field_widget[name='provider_id'] input",
                run: "edit Second Provider",
            },
            {
                trigger: ".o-autocomplete--dropdown-item:contains('Second Provider')",
                run: "click",
            },
            {
                content: "Book the first free time of that provider in one click",
                trigger: ".modal .o_clinic_slot_picker:not(:has(.o_clinic_slots_by_time)) .o_clinic_book_slot:first:contains('00:00')",
                run: "click",
            },
            {
                content: "The appointment is booked",
                trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Booked')",
            },
            {
                trigger: ".o_form_view .o_field_widget[name='provider_id'] input:value('Second Provider')",
            },
        ];
    },
});
