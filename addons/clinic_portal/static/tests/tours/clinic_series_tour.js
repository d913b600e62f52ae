import { registry } from "@web/core/registry";

/** Fails the tour when the page is wider than the screen (checked on the phone-sized run too). */
function fitsTheScreen() {
    const width = document.documentElement.scrollWidth;
    if (width > window.innerWidth + 1) {
        throw new Error(`The page is ${width}px wide on a ${window.innerWidth}px screen`);
    }
}

registry.category("web_tour.tours").add("clinic_portal_series", {
    steps: () => [
        {
            content: "The appointment's page offers to repeat it",
            trigger: ".o_clinic_portal_appointment:contains('Tour Series Physio')",
        },
        {
            content: "Repeat weekly",
            trigger: "a.o_clinic_repeat",
            run: "click",
        },
        {
            content: "The preview lists four free dates",
            trigger: ".o_clinic_repeat_preview:has(li.o_clinic_repeat_free:nth-child(4))",
            run: fitsTheScreen,
        },
        {
            content: "Leave out the second date",
            trigger: ".o_clinic_repeat_preview li:nth-child(2) input[name='keep']:checked",
            run: "click",
        },
        {
            content: "Book the dates still ticked",
            trigger: ".o_clinic_repeat_preview li:nth-child(2) input[name='keep']:not(:checked)",
        },
        {
            content: "Confirm",
            trigger: ".o_clinic_repeat_submit",
            run: "click",
        },
        {
            content: "The booked visits are listed",
            trigger: ".o_clinic_repeat_booked_list:has(li.o_clinic_repeat_visit:nth-child(3))",
            run: fitsTheScreen,
        },
        {
            content: "And only them",
            trigger: ".o_clinic_repeat_booked:contains('3 more visit(s) booked')",
        },
    ],
});
