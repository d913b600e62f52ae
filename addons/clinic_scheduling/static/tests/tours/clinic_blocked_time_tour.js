import { registry } from "@web/core/registry";

const { DateTime } = luxon;

/**
 * The front desk blocks an hour of a provider who has an Odoo login (a team meeting), then finds
 * it in the list. The data is made by TestFrontDeskTours.test_blocked_time_tour.
 */
registry.category("web_tour.tours").add("clinic_blocked_time", {
    steps: () => {
        const day = DateTime.utc().plus({ days: 1 }).toFormat("MM/dd/yyyy");
        return [
            {
                trigger: ".o_list_view .o_list_button_add",
                run: "click",
            },
            {
                content: "Choose the provider (they log in to Odoo)",
                trigger: ".o_form_view .o_field_widget[name='resource_id'] input",
                run: "edit Day Provider",
            },
            {
                trigger: ".o-autocomplete--dropdown-item:contains('Day Provider')",
                run: "click",
            },
            {
                trigger: ".o_form_view .o_field_widget[name='name'] input",
                run: "edit Team meeting",
            },
            {
                trigger: ".o_form_view .o_field_widget[name='date_from'] input",
                run: `edit ${day} 14:00`,
            },
            {
                content: "Leave the start field",
                trigger: ".o_form_view .o_field_widget[name='name'] input",
                run: "click",
            },
            {
                content: "Odoo proposes the end of that day",
                trigger: `.o_form_view .o_field_widget[name='date_to'] input:value('${day} 23:59')`,
                run: `edit ${day} 15:00`,
            },
            {
                trigger: ".o_form_view .o_field_widget[name='name'] input",
                run: "click",
            },
            {
                trigger: `.o_form_view .o_field_widget[name='date_to'] input:value('${day} 15:00')`,
            },
            {
                content: "Save",
                trigger: ".o_form_view .o_form_button_save",
                run: "click",
            },
            {
                trigger: ".o_form_view .o_form_saved:has(.o_field_widget[name='name'] input:value('Team meeting'))",
            },
            {
                content: "Back to the list: the blocked time is there",
                trigger: ".o_breadcrumb .o_back_button a",
                run: "click",
            },
            {
                trigger: ".o_list_view .o_data_row:contains('Team meeting'):contains('Day Provider')",
            },
        ];
    },
});
