import { Component, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useDraggable } from "@web/core/utils/draggable";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const PX_PER_MINUTE = 1.2;
// How the day view shows each state change the server offers on a card (DAY_VIEW_ACTIONS).
const CARD_ACTIONS = {
    action_arrive: { name: "arrive", label: _t("Arrived"), icon: "fa-sign-in" },
    action_no_show: { name: "no_show", label: _t("No-show"), icon: "fa-user-times" },
    action_cancel: { name: "cancel", label: _t("Cancel"), icon: "fa-times" },
    action_start_session: { name: "start_session", label: _t("Start session"), icon: "fa-play" },
    action_done: { name: "done", label: _t("Done"), icon: "fa-check" },
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
        this.pxPerMinute = PX_PER_MINUTE;
        this.onScheduleChanged = () => this.load();
        // Only the last request shows: going to tomorrow then switching location at once must not
        // end on the first answer (today's location put back).
        this.keepLast = new KeepLast();
        // Cards are dragged with pointer events (mouse, pen and touch screens alike); the card
        // follows the pointer and its top, where it is dropped, is the new start.
        this.rootRef = useRef("root");
        useDraggable({
            ref: this.rootRef,
            elements: ".o_clinic_day_card",
            ignore: "button",
            cursor: "grabbing",
            onDrop: ({ element, x, y }) => this.onCardDrop(element, x, y),
        });
        onWillStart(async () => {
            await this.load();
            this.busService.subscribe("clinic.schedule/changed", this.onScheduleChanged);
        });
        onWillUnmount(() => this.busService.unsubscribe("clinic.schedule/changed", this.onScheduleChanged));
    }

    async load() {
        this.state.data = await this.keepLast.add(
            this.orm.call("clinic.appointment", "get_day_view_data", [], {
                day: this.state.day,
                location_id: this.state.locationId,
                mode: this.state.mode,
                provider_id: this.state.providerId,
            })
        );
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

    onLocationChange(ev) {
        return this.show({ locationId: parseInt(ev.target.value, 10) });
    }

    onProviderChange(ev) {
        return this.show({ providerId: parseInt(ev.target.value, 10) });
    }

    minuteAt(ev, round = Math.round) {
        const column = ev.currentTarget.getBoundingClientRect();
        const minute = this.state.data.hours[0] * 60 + (ev.clientY - column.top) / PX_PER_MINUTE;
        return Math.max(0, round(minute / 15) * 15);
    }

    /** Cards shorter than this show their actions as icons on the first line. */
    isCompact(appointment) {
        return (appointment.end - appointment.start) * PX_PER_MINUTE < 60;
    }

    /** The state changes a card offers: the server says which, from the appointment's state. */
    cardActions(appointment) {
        return appointment.actions.map((method) => ({ method, ...CARD_ACTIONS[method] }));
    }

    get stateLabels() {
        return this.state.data.state_labels;
    }

    onCardAction(appointment, action) {
        if (action.method === "action_cancel") {
            return this.cancelAppointment(appointment);
        }
        return this.runAction(appointment, action.method);
    }

    /** Remember where a card was grabbed: its top lands where the pointer is released, minus that. */
    onLanePointerDown(ev) {
        const card = ev.target.closest(".o_clinic_day_card");
        this.pressedCard = card ? { grabY: ev.clientY - card.getBoundingClientRect().top } : null;
    }

    async onColumnClick(column, ev) {
        // A click that started on a card (a drag released over the lane) is not a click on an empty spot.
        if (this.pressedCard || ev.target.closest(".o_clinic_day_card")) {
            return;
        }
        // The clicked time, rounded down to the quarter hour: the wizard lists slots from there.
        const minute = Math.floor(this.minuteAt(ev, Math.floor) / 15) * 15;
        await this.action.doAction("clinic_scheduling.clinic_booking_wizard_action", {
            additionalContext: {
                default_provider_id: column.provider_id,
                default_location_id: this.state.locationId,
                default_day: column.day,
                default_from_time: Math.min(minute, 1439) / 60,
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

    /** Where a dragged card was dropped: the column under the pointer, the card's top as start. */
    async onCardDrop(element, x, y) {
        const appointment = this.state.data.appointments.find(
            (a) => a.id === parseInt(element.dataset.appointmentId, 10)
        );
        const lanes = [...this.rootRef.el.querySelectorAll(".o_clinic_day_lane")];
        const lane = lanes.find((l) => {
            const rect = l.getBoundingClientRect();
            return x >= rect.left && x < rect.right;
        });
        const column = lane && this.state.data.columns.find((c) => String(c.key) === lane.dataset.column);
        if (!appointment || !column) {
            return;
        }
        const grabY = this.pressedCard ? this.pressedCard.grabY : 0;
        const top = y - grabY - lane.getBoundingClientRect().top;
        const minute = this.state.data.hours[0] * 60 + top / PX_PER_MINUTE;
        try {
            await this.orm.call("clinic.appointment", "action_day_view_move", [
                [appointment.id], column.provider_id, column.day, Math.max(0, Math.round(minute / 15) * 15),
            ]);
            this.notification.add(_t("Appointment moved."), { type: "success" });
        } finally {
            await this.load();
        }
    }
}

registry.category("actions").add("clinic_day_view", ClinicDayView);
