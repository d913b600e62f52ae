/** @odoo-module **/
// Online booking and self-service pages (clinic_portal): progressive enhancement only.
// The booking pages work without JavaScript; with it, the confirmation carries a reCAPTCHA token
// when the clinic configured Odoo's reCAPTCHA (Website settings), or Cloudflare Turnstile's answer
// when website_cf_turnstile is set up, which the server verifies (ir.http's captcha hook).

import publicWidget from "@web/legacy/js/public/public_widget";
import { ReCaptcha } from "@google_recaptcha/js/recaptcha";
import { session } from "@web/session";

publicWidget.registry.ClinicBookingForm = publicWidget.Widget.extend({
    selector: "form.o_clinic_booking_form",
    events: {
        submit: "_onSubmit",
    },

    init() {
        this._super(...arguments);
        this._recaptcha = new ReCaptcha();
    },

    async willStart() {
        if (session.recaptcha_public_key) {
            this._recaptcha.loadLibs();
        }
        return this._super(...arguments);
    },

    start() {
        if (session.turnstile_site_key && !this.el.querySelector(".cf-turnstile")) {
            // Turnstile draws its check here and adds its answer to the form as "turnstile_captcha".
            const widget = document.createElement("div");
            widget.className = "cf-turnstile mb-3";
            widget.dataset.sitekey = session.turnstile_site_key;
            widget.dataset.action = "clinic_booking";
            widget.dataset.responseFieldName = "turnstile_captcha";
            const script = document.createElement("script");
            script.src = "https://challenges.cloudflare.com/turnstile/v0/api.js";
            script.async = true;
            const button = this.el.querySelector("button[type='submit']");
            button.before(widget);
            this.el.append(script);
        }
        return this._super(...arguments);
    },

    async _onSubmit(ev) {
        const form = this.el;
        if (!session.recaptcha_public_key || form.dataset.clinicTokenAdded) {
            return; // no captcha configured (or token added): the browser submits the form
        }
        ev.preventDefault();
        const button = form.querySelector("button[type='submit']");
        if (button) {
            button.disabled = true;
        }
        const result = await this._recaptcha.getToken("clinic_booking");
        if (result.token) {
            const input = document.createElement("input");
            input.type = "hidden";
            input.name = "recaptcha_token_response";
            input.value = result.token;
            form.appendChild(input);
        }
        // Without a token the server refuses with a message; nothing typed is lost.
        form.dataset.clinicTokenAdded = "1";
        form.submit();
    },
});

export default publicWidget.registry.ClinicBookingForm;
