import { registry } from "@web/core/registry";

/**
 * Online booking (/book) by a visitor who is not signed in: every choice is a click on a link,
 * the details are typed in labelled fields, the service's consent is read and agreed to (its box
 * ticked through its label), the booking is confirmed with the form's button.
 */
function noSidewaysScroll() {
    // On a phone, nothing of the page is wider than the screen.
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
        throw new Error(
            `The page is ${document.documentElement.scrollWidth}px wide on a ${window.innerWidth}px screen`
        );
    }
}

function bookingSteps(name, email) {
    return [
        {
            content: "Choose the location",
            trigger: ".o_clinic_booking_locations a:contains('Tour Booking Clinic')",
            run: "click",
        },
        {
            content: "Choose the service",
            trigger: ".o_clinic_booking_services a:contains('Tour Booking Physio')",
            run: "click",
        },
        {
            content: "Let the clinic choose the provider",
            trigger: ".o_clinic_booking_providers a.o_clinic_booking_any",
            run: "click",
        },
        {
            content: "The next available dates are shown, the first one chosen",
            trigger: ".o_clinic_booking_days a[aria-current='date']",
            run: noSidewaysScroll,
        },
        {
            content: "Choose the first free time",
            trigger: ".o_clinic_booking_slots a.o_clinic_booking_slot:contains('Tour Provider')",
            run: "click",
        },
        {
            content: "Confirm without details: the form says what is missing",
            trigger: "button.o_clinic_booking_confirm",
            run: "click",
        },
        {
            content: "The name is asked for",
            trigger: "#o_clinic_booking_name.is-invalid",
        },
        {
            content: "The consent is asked for too",
            trigger: ".o_clinic_booking_consent input[type='checkbox'][name='consent_ids'].is-invalid",
        },
        {
            content: "Type the name",
            trigger: "label[for='o_clinic_booking_name']:contains('Full name') ~ input#o_clinic_booking_name",
            run: `edit ${name}`,
        },
        {
            content: "Type the email",
            trigger: "label[for='o_clinic_booking_email'] ~ input#o_clinic_booking_email",
            run: `edit ${email}`,
        },
        {
            content: "Type the phone number",
            trigger: "label[for='o_clinic_booking_phone'] ~ input#o_clinic_booking_phone",
            run: "edit +1 416 555 0177",
        },
        {
            content: "Type the date of birth",
            trigger: "label[for='o_clinic_booking_birthdate'] ~ input#o_clinic_booking_birthdate",
            run: "edit 1984-05-06",
        },
        {
            content: "The form fits the screen",
            trigger: "button.o_clinic_booking_confirm",
            run: noSidewaysScroll,
        },
        {
            content: "Confirm without agreeing to the consent",
            trigger: "button.o_clinic_booking_confirm",
            run: "click",
        },
        {
            // On the new page: the details are right now, only the consent is left to agree to.
            content: "The message is next to the consent's box, the details typed are kept",
            trigger:
                ".o_clinic_booking_form:not(:has(.form-control.is-invalid)) " +
                ".o_clinic_booking_consent .invalid-feedback:contains('tick the box to agree')",
            run: () => {
                if (document.querySelector("#o_clinic_booking_email").value !== email) {
                    throw new Error("The email typed was lost");
                }
                noSidewaysScroll();
            },
        },
        {
            content: "The consent's text is there to read",
            trigger: ".o_clinic_booking_consent_text:contains('Needles may leave a small bruise')",
        },
        {
            content: "Agree: tick the box through its label",
            trigger: "label.form-check-label:contains('I have read and agree to Tour needling consent')",
            run: "click",
        },
        {
            content: "The box is ticked",
            trigger: ".o_clinic_booking_consent input[name='consent_ids']:checked",
        },
        {
            content: "Confirm the booking",
            trigger: "button.o_clinic_booking_confirm",
            run: "click",
        },
        {
            content: "The forms are still to be signed after booking",
            trigger: ".o_clinic_booking_forms:contains('each consent form is signed')",
        },
        {
            content: "The appointment is booked, with its calendar file",
            trigger: ".o_clinic_booking_done:contains('Tour Booking Physio'):contains('Tour Provider') a.o_clinic_booking_ics",
            run: noSidewaysScroll,
        },
    ];
}

registry.category("web_tour.tours").add("clinic_booking_new_client", {
    url: "/",
    steps: () => [
        {
            content: "The website's menu leads to booking",
            trigger: "header a[href='/book']:contains('Book online')",
            run: "click",
        },
        ...bookingSteps("Robin Tourclient", "robin.tour@example.com"),
    ],
});

registry.category("web_tour.tours").add("clinic_booking_new_client_phone", {
    url: "/book",
    steps: () => [
        {
            content: "The page is laid out on a phone's screen",
            trigger: ".o_clinic_booking_locations",
            run() {
                if (window.innerWidth > 400) {
                    throw new Error(`The page is laid out ${window.innerWidth}px wide, not on a phone`);
                }
            },
        },
        ...bookingSteps("Sasha Phoneclient", "sasha.phone@example.com"),
    ],
});
