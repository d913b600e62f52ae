import { registry } from "@web/core/registry";

/**
 * The front desk's day: switch location and back, check in a 30-minute card from its icons and
 * start the session, cancel from a card, drag a card, then the provider's week with another
 * provider picked, and a click on an empty spot to book there.
 * The data is made by TestFrontDeskTours.test_day_view_tour (tomorrow, times in UTC).
 */
registry.category("web_tour.tours").add("clinic_day_view", {
    steps: () => [
        {
            content: "The day view shows the first location's providers as columns",
            trigger: ".o_clinic_day_view .o_clinic_day_provider:contains('Day Provider')",
        },
        {
            content: "Go to tomorrow",
            trigger: ".o_clinic_day_view .o_clinic_day_next",
            run: "click",
        },
        {
            content: "Switch to the second location",
            trigger: ".o_clinic_day_view select.o_clinic_day_location",
            run: "selectByLabel Tour South",
        },
        {
            content: "Its provider and appointment are shown",
            trigger: ".o_clinic_day_card:contains('South Client')",
        },
        {
            trigger: ".o_clinic_day_view:not(:has(.o_clinic_day_provider:contains('Day Provider')))",
        },
        {
            content: "Back to the first location",
            trigger: ".o_clinic_day_view select.o_clinic_day_location",
            run: "selectByLabel Tour North",
        },
        {
            content: "A 30-minute card offers check-in as an icon",
            trigger: ".o_clinic_day_card.o_clinic_day_card_compact:contains('Day Client') .o_clinic_day_arrive",
            run: "click",
        },
        {
            content: "Checked in: the card now offers Start session",
            trigger: ".o_clinic_day_card.o_clinic_state_arrived:contains('Day Client') .o_clinic_day_start_session",
            run: "click",
        },
        {
            trigger: ".o_clinic_day_card.o_clinic_state_in_session:contains('Day Client') .o_clinic_day_done",
        },
        {
            content: "Cancel another appointment from its card",
            trigger: ".o_clinic_day_card:contains('Cancel Client') .o_clinic_day_cancel",
            run: "click",
        },
        {
            content: "The cancellation asks for a reason",
            trigger: ".modal .o_field_widget[name='reason_id'] input",
            run: "edit Client request",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Client request')",
            run: "click",
        },
        {
            trigger: ".modal button[name='action_cancel']",
            run: "click",
        },
        {
            content: "The cancelled card leaves the schedule",
            trigger: ".o_clinic_day_view:not(:has(.modal)):not(:has(.o_clinic_day_card:contains('Cancel Client')))",
        },
        {
            content: "Drag a card, grabbed in its middle, down its column (from 10:00 to 12:00)",
            trigger: ".o_clinic_day_card:contains('Move Client')",
            async run(helpers) {
                await helpers.drag_and_drop(".o_clinic_day_lane:has(.o_clinic_day_card:contains('Move Client'))", {
                    // 12:00 is 720 minutes at 1.2 px per minute from the top of the lane; the
                    // pointer holds the card in its middle (72 px for 60 minutes, more when the
                    // card's content is taller). Starts snap to the quarter hour: aim at the middle
                    // of 12:00's quarter (+7 px) so that a few pixels of scrolling during the drag
                    // do not change the result.
                    position: { top: 864 + helpers.anchor.getBoundingClientRect().height / 2 + 7 },
                    relative: true,
                });
            },
        },
        {
            content: "The card shows its new time",
            trigger: ".o_clinic_day_card:contains('Move Client'):contains('12:00–13:00')",
        },
        {
            content: "Switch to a provider's week",
            trigger: ".o_clinic_day_view .o_clinic_mode_week",
            run: "click",
        },
        {
            trigger: ".o_clinic_day_label:contains('Day Provider')",
        },
        {
            content: "Pick another provider for the week",
            trigger: ".o_clinic_day_view select.o_clinic_day_provider_select",
            run: "selectByLabel Second Provider",
        },
        {
            trigger: ".o_clinic_day_label:contains('Second Provider')",
        },
        {
            content: "The week shows that provider's appointment",
            trigger: ".o_clinic_day_card:contains('Move Client')",
        },
        {
            content: "Switch location in the week view: the week of that location's provider",
            trigger: ".o_clinic_day_view select.o_clinic_day_location",
            run: "selectByLabel Tour South",
        },
        {
            trigger: ".o_clinic_day_label:contains('South Provider')",
        },
        {
            trigger: ".o_clinic_day_card:contains('South Client')",
        },
        {
            trigger: ".o_clinic_day_view select.o_clinic_day_location",
            run: "selectByLabel Tour North",
        },
        {
            trigger: ".o_clinic_day_label:contains('Day Provider')",
        },
        {
            content: "Back to the day",
            trigger: ".o_clinic_day_view .o_clinic_mode_day",
            run: "click",
        },
        {
            content: "Click an empty spot (the middle of the day) to book there",
            trigger: ".o_clinic_day_lane:has(.o_clinic_day_card:contains('Day Client'))",
            run: "click",
        },
        {
            content: "The booking wizard opens for that provider, day and time",
            trigger: ".modal .o_field_widget[name='provider_id'] input:value('Day Provider')",
        },
        {
            trigger: ".modal .o_field_widget[name='from_time'] input:value('12:00')",
        },
        {
            content: "Choose the service: the free times start at the clicked time",
            trigger: ".modal .o_field_widget[name='service_id'] input",
            run: "edit Tour Physio",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Physio')",
            run: "click",
        },
        {
            trigger: ".modal .o_clinic_book_slot:first:contains('12:00')",
        },
        {
            content: "Close the wizard",
            trigger: ".modal .modal-footer button:contains('Close')",
            run: "click",
        },
        {
            trigger: ".o_clinic_day_view:not(:has(.modal))",
        },
    ],
});
