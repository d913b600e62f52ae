import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * The booking wizard's free slots as buttons, grouped by time (which providers are free at 9:00?)
 * or by provider (when is Maya free?). One click books the slot.
 *
 * The slot lines are recomputed by the server whenever a choice of the wizard changes, so they
 * are new records until the wizard is saved: booking saves the wizard first, then books the
 * saved line that holds the same start, provider and room (the server checks it again).
 */
export class ClinicSlotPicker extends Component {
    static template = "clinic_scheduling.SlotPicker";
    static props = { ...standardFieldProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.state = useState({ groupBy: "time", busy: false });
    }

    get lines() {
        return this.props.record.data[this.props.name].records;
    }

    get slots() {
        return this.lines.map((line) => ({
            key: line.id,
            start: line.data.start,
            time: line.data.time_label,
            label: line.data.label,
            providerId: line.data.provider_id && line.data.provider_id[0],
            provider: line.data.provider_id ? line.data.provider_id[1] : "",
            roomId: line.data.room_id && line.data.room_id[0],
            room: line.data.room_id ? line.data.room_id[1] : "",
        }));
    }

    get manyProviders() {
        return new Set(this.slots.map((slot) => slot.providerId)).size > 1;
    }

    /** One row per provider (when is Maya free?) rather than per time (who is free at 9:00?). */
    get byProvider() {
        return !this.manyProviders || this.state.groupBy === "provider";
    }

    /** Rows of the picker: [{key, title, slots: [{..., text}]}] in the order of the slots. */
    get groups() {
        const byProvider = this.byProvider;
        const groups = new Map();
        for (const slot of this.slots) {
            const key = byProvider ? slot.providerId : slot.time;
            if (!groups.has(key)) {
                groups.set(key, { key, title: byProvider ? slot.provider : slot.time, slots: [] });
            }
            let text = byProvider ? slot.time : slot.provider;
            if (slot.room) {
                text = `${text} · ${slot.room}`;
            }
            groups.get(key).slots.push({ ...slot, text });
        }
        return [...groups.values()];
    }

    sameSlot(line, slot) {
        return (
            line.data.start &&
            line.data.start.toMillis() === slot.start.toMillis() &&
            (line.data.provider_id && line.data.provider_id[0]) === slot.providerId &&
            ((line.data.room_id && line.data.room_id[0]) || false) === (slot.roomId || false)
        );
    }

    async book(slot) {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const record = this.props.record;
            if (!(await record.save())) {
                return;
            }
            const line = this.lines.find((line) => this.sameSlot(line, slot));
            if (!line) {
                this.notification.add(
                    _t("%s is no longer free: pick another time.", slot.label),
                    { type: "warning" }
                );
                return;
            }
            const action = await this.orm.call("clinic.booking.wizard.slot", "action_book", [[line.resId]]);
            await this.action.doAction(action);
        } finally {
            this.state.busy = false;
        }
    }
}

export const clinicSlotPicker = {
    component: ClinicSlotPicker,
    displayName: _t("Free slots"),
    supportedTypes: ["one2many"],
    relatedFields: [
        { name: "start", type: "datetime" },
        { name: "stop", type: "datetime" },
        { name: "provider_id", type: "many2one", relation: "clinic.provider" },
        { name: "room_id", type: "many2one", relation: "clinic.room" },
        { name: "location_id", type: "many2one", relation: "clinic.location" },
        { name: "time_label", type: "char" },
        { name: "label", type: "char" },
    ],
};

registry.category("fields").add("clinic_slot_picker", clinicSlotPicker);
