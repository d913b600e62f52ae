/** @odoo-module **/
// Online booking and self-service pages (clinic_portal): progressive enhancement only.
