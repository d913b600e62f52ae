import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("clinic_portal_self_service", {
    steps: () => [
        {
            content: "The appointment's page offers to reschedule it",
            trigger: ".o_clinic_portal_appointment:contains('Tour Self Physio')",
        },
        {
            content: "Reschedule",
            trigger: "a.o_clinic_reschedule",
            run: "click",
        },
        {
            content: "Choose the first free time offered",
            trigger: ".o_clinic_day label.o_clinic_slot",
            run: "click",
        },
        {
            content: "Move the appointment",
            trigger: ".o_clinic_reschedule_submit",
            run: "click",
        },
        {
            content: "The move is confirmed",
            trigger: ".o_clinic_rescheduled",
        },
        {
            content: "Open the intake form to fill",
            trigger: ".o_clinic_forms a:contains('Tour Intake')",
            run: "click",
        },
        {
            content: "Save without answering the required question",
            trigger: ".o_clinic_form_save",
            run: "click",
        },
        {
            content: "The page says what is missing",
            trigger: ".o_clinic_form_error:contains('Please answer every required question')",
        },
        {
            content: "Answer it",
            trigger: ".o_clinic_form_answers input[aria-required='true']",
            run: "edit Pollen",
        },
        {
            content: "Save the answers",
            trigger: ".o_clinic_form_save",
            run: "click",
        },
        {
            content: "Open the signature dialog",
            trigger: "button.o_clinic_form_sign",
            run: "click",
        },
        {
            content: "Sign with the typed name",
            trigger: ".modal.show .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "The form is signed",
            trigger: ".o_clinic_form_signed",
        },
        {
            content: "Back to the appointment",
            trigger: "a.o_clinic_form_appointment",
            run: "click",
        },
        {
            content: "Say why",
            trigger: "textarea#clinic_cancel_note",
            run: "edit Sorry, I am travelling",
        },
        {
            content: "Cancel the appointment",
            trigger: ".o_clinic_cancel_submit",
            run: "click",
        },
        {
            content: "It is cancelled",
            trigger: ".alert-success:contains('Your appointment is cancelled')",
        },
    ],
});
