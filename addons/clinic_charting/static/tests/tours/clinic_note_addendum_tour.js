import { registry } from "@web/core/registry";

/**
 * A provider corrects a signed note the documented way: an addendum, saved with the note.
 * The data is made by TestAddendumTour.
 */
registry.category("web_tour.tours").add("clinic_note_addendum", {
    steps: () => [
        {
            content: "The note is signed: its text is read-only",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Signed')",
        },
        {
            content: "Add an addendum",
            trigger: ".o_form_view .o_field_widget[name='addendum_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Write the correction",
            trigger: ".modal .o_field_widget[name='body'] .odoo-editor-editable",
            run: "editor Correction: pain 4/10, not 6/10.",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='addendum_ids'] .o_data_row:contains('Correction: pain 4/10')",
        },
        {
            content: "Save the note",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: no error, and the addendum is there",
            trigger: ".o_form_view .o_form_saved .o_field_widget[name='addendum_ids'] .o_data_row:contains('Correction: pain 4/10')",
        },
    ],
});
