import { registry } from "@web/core/registry";

/**
 * A provider charts a visit from its appointment: opens the note, writes in a section, records a
 * pain score, signs (the note is saved and locked), then corrects it the documented way with an
 * addendum and saves. The data is made by TestNoteTour.
 */
registry.category("web_tour.tours").add("clinic_note_from_appointment", {
    steps: () => [
        {
            content: "Open the visit's chart note",
            trigger: ".o_form_view button[name='action_open_note']",
            run: "click",
        },
        {
            content: "The note starts from the SOAP template",
            trigger: ".o_form_view .o_field_widget[name='section_ids'] .o_data_row:contains('Subjective')",
        },
        {
            content: "Edit the Assessment section",
            trigger: ".o_field_widget[name='section_ids'] .o_data_row:contains('Assessment') td[name='body']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='section_ids'] .o_selected_row td[name='body'] .odoo-editor-editable",
            run: "editor Lumbar flexion 80%, improving.",
        },
        {
            content: "Record a pain score",
            trigger: ".o_field_widget[name='measure_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='measure_ids'] .o_selected_row .o_field_widget[name='measure_id'] input",
            run: "edit Pain",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Pain (NPRS)')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='measure_ids'] .o_selected_row .o_field_widget[name='value'] input",
            run: "edit 3",
        },
        {
            content: "Sign",
            trigger: ".o_form_view .o_form_statusbar button[name='action_sign']",
            run: "click",
        },
        {
            content: "Confirm: once signed the note is locked",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The note is signed",
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
            run: "editor Correction: pain 4/10, not 3/10.",
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
