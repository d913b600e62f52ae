import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const PX_PER_MINUTE = 1.2;
const STATE_LABELS = {
    booked: _t("Booked"),
    confirmed: _t("Confirmed"),
    arrived: _t("Arrived"),
    in_session: _t("In session"),
    done: _t("Done"),
    no_show: _t("No-show"),
};

/**
 * The front desk's day: providers as columns, a time grid in the location's time zone,
 * working hours shaded, blocked time and time off shown, appointments as cards with their state
 * actions. Click an empty spot to book there, drag a card to move it (the server validates),
 * and it refreshes by itself when anyone changes the schedule.
 */
export class ClinicDayView extends Component {
    static template = "clinic_scheduling.DayView";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.busService = this.env.services.bus_service;
        this.state = useState({ data: null, day: null, locationId: null, mode: "day", providerId: null });
        this.stateLabels = STATE_LABELS;
        this.pxPerMinute = PX_PER_MINUTE;
        this.onScheduleChanged = () => this.load();
        onWillStart(async () => {
            await this.load();
            this.busService.subscribe("clinic.schedule/changed", this.onScheduleChanged);
        });
        onWillUnmount(() => this.busService.unsubscribe("clinic.schedule/changed", this.onScheduleChanged));
    }

    async load() {
        this.state.data = await this.orm.call("clinic.appointment", "get_day_view_data", [], {
            day: this.state.day,
            location_id: this.state.locationId,
            mode: this.state.mode,
            provider_id: this.state.providerId,
        });
        this.state.day = this.state.data.day;
        this.state.locationId = this.state.data.location && this.state.data.location.id;
        this.state.providerId = this.state.data.provider_id;
    }

    get hours() {
        const [first, last] = this.state.data.hours;
        const hours = [];
        for (let hour = first; hour < last; hour++) {
            hours.push(hour);
        }
        return hours;
    }

    top(minute) {
        return (minute - this.state.data.hours[0] * 60) * PX_PER_MINUTE;
    }

    height(start, end) {
        return Math.max((end - start) * PX_PER_MINUTE, 14);
    }

    get gridHeight() {
        const [first, last] = this.state.data.hours;
        return (last - first) * 60 * PX_PER_MINUTE;
    }

    appointmentsOf(column) {
        return this.state.data.appointments.filter((a) => a.column === column.key);
    }

    shiftDay(days) {
        const step = this.state.mode === "week" ? days * 7 : days;
        const day = luxon.DateTime.fromISO(this.state.day).plus({ days: step });
        return this.show({ day: day.toISODate() });
    }

    /** Show another day, location, mode or provider: ``changes`` are merged into the state. */
    show(changes) {
        Object.assign(this.state, changes);
        return this.load();
    }

    minuteAt(ev) {
        const column = ev.currentTarget.getBoundingClientRect();
        const minute = this.state.data.hours[0] * 60 + (ev.clientY - column.top) / PX_PER_MINUTE;
        return Math.max(0, Math.round(minute / 15) * 15);
    }

    async onColumnClick(column, ev) {
        if (ev.target.closest(".o_clinic_day_card")) {
            return;
        }
        await this.action.doAction("clinic_scheduling.clinic_booking_wizard_action", {
            additionalContext: {
                default_provider_id: column.provider_id,
                default_location_id: this.state.locationId,
                default_day: column.day,
            },
            onClose: () => this.load(),
        });
    }

    openAppointment(appointment) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "clinic.appointment",
            res_id: appointment.id,
            views: [[false, "form"]],
        });
    }

    async runAction(appointment, method) {
        await this.orm.call("clinic.appointment", method, [[appointment.id]]);
        await this.load();
    }

    async cancelAppointment(appointment) {
        const action = await this.orm.call("clinic.appointment", "action_open_cancel_wizard", [[appointment.id]]);
        await this.action.doAction(action, { onClose: () => this.load() });
    }

    onDragStart(appointment, ev) {
        ev.dataTransfer.setData("text/plain", String(appointment.id));
        this.dragged = appointment;
        // Where the card was grabbed, so that its top (the start) lands where it is dropped.
        const card = ev.currentTarget.getBoundingClientRect();
        this.grabMinutes = Math.max(0, (ev.clientY - card.top) / PX_PER_MINUTE);
    }

    async onDrop(column, ev) {
        ev.preventDefault();
        const appointment = this.dragged;
        this.dragged = null;
        if (!appointment) {
            return;
        }
        const grabbed = Math.round((this.grabMinutes || 0) / 15) * 15;
        const minute = Math.max(0, this.minuteAt(ev) - grabbed);
        try {
            await this.orm.call("clinic.appointment", "action_day_view_move", [
                [appointment.id], column.provider_id, column.day, minute,
            ]);
            this.notification.add(_t("Appointment moved."), { type: "success" });
        } finally {
            await this.load();
        }
    }
}

registry.category("actions").add("clinic_day_view", ClinicDayView);
