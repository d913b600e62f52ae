import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("clinic_portal_my_appointments", {
    url: "/my",
    steps: () => [
        {
            content: "Open my appointments from the portal home",
            trigger: "a[href='/my/appointments']",
            run: "click",
        },
        {
            content: "The upcoming appointment is listed",
            trigger: ".o_clinic_portal_appointments .o_clinic_portal_service:contains('Tour Physio')",
            run: "click",
        },
        {
            content: "Its page shows the provider and the location",
            trigger: ".o_clinic_portal_appointment:contains('Tour Provider'):contains('Tour Clinic')",
        },
    ],
});
