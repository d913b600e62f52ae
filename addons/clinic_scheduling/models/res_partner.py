from odoo import api, fields, models
from odoo.tools import format_date

from ..tools import validation
from .clinic_appointment import ACTIVE_STATES, STAFF


class ResPartner(models.Model):
    _inherit = "res.partner"

    clinic_client = fields.Boolean(index=True, help="Has been booked at the clinic at least once.", groups=STAFF)
    birthdate = fields.Date(string="Date of Birth", groups=STAFF)
    clinic_no_messages = fields.Boolean(
        string="No Appointment Messages",
        help="The client does not want confirmations, reminders or other appointment messages.", groups=STAFF,
    )
    clinic_alert = fields.Text(
        string="Client Alert", help="Shown to staff whenever this client is booked or their appointment opened.",
        groups=STAFF,
    )
    clinic_appointment_ids = fields.One2many(
        "clinic.appointment", "partner_id", string="Appointment History", groups=STAFF,
    )
    clinic_case_ids = fields.One2many("clinic.case", "partner_id", string="Case Files", groups=STAFF)
    clinic_appointment_count = fields.Integer(string="Appointments", compute="_compute_clinic_stats", groups=STAFF)
    clinic_no_show_count = fields.Integer(string="No-Shows", compute="_compute_clinic_stats", groups=STAFF)
    clinic_late_cancel_count = fields.Integer(
        string="Late Cancellations", compute="_compute_clinic_stats", groups=STAFF,
    )
    clinic_no_show_rate = fields.Float(
        string="No-Show Rate", compute="_compute_clinic_stats",
        help="No-shows among the client's past appointments that were due to happen (done or no-show).",
        groups=STAFF,
    )
    clinic_last_visit = fields.Datetime(string="Last Visit", compute="_compute_clinic_stats", groups=STAFF)
    clinic_next_appointment = fields.Datetime(
        string="Next Appointment", compute="_compute_clinic_stats", groups=STAFF,
    )

    @api.constrains("clinic_alert")
    def _check_clinic_alert(self):
        for partner in self:
            validation.check_text(self.env, partner.clinic_alert, self._fields["clinic_alert"].string,
                                  validation.MAX_TEXT)

    @api.depends("birthdate", "phone", "mobile", "email")
    @api.depends_context("clinic_client_details")
    def _compute_display_name(self):
        """In the clinic's client pickers (context ``clinic_client_details``), two clients of the
        same name are told apart by their date of birth, else their phone or email."""
        super()._compute_display_name()
        # The details are staff-only fields: the context key only asks for them, it never shows
        # them to someone who may not read them.
        if not self.env.context.get("clinic_client_details") or not self.env.user.has_groups(STAFF):
            return
        for partner in self:
            if partner.is_company:
                continue
            detail = (format_date(self.env, partner.birthdate) if partner.birthdate
                      else partner.mobile or partner.phone or partner.email)
            if detail:
                partner.display_name = f"{partner.display_name} ({detail})"

    def _compute_clinic_stats(self):
        Appointment = self.env["clinic.appointment"]
        now = fields.Datetime.now()
        by_state = Appointment._read_group(
            [("partner_id", "in", self.ids)], ["partner_id", "state", "late_cancel"], ["__count"]
        )
        last_visits = dict(Appointment._read_group(
            [("partner_id", "in", self.ids), ("state", "=", "done")], ["partner_id"], ["start:max"]
        ))
        next_visits = dict(Appointment._read_group(
            [("partner_id", "in", self.ids), ("state", "in", ACTIVE_STATES), ("start", ">=", now)],
            ["partner_id"], ["start:min"],
        ))
        stats = {partner: {"total": 0, "no_show": 0, "late": 0, "done": 0} for partner in self}
        for partner, state, late_cancel, count in by_state:
            row = stats.setdefault(partner, {"total": 0, "no_show": 0, "late": 0, "done": 0})
            row["total"] += count
            if state == "no_show":
                row["no_show"] += count
            elif state == "done":
                row["done"] += count
            if late_cancel:
                row["late"] += count
        for partner in self:
            row = stats[partner]
            due = row["done"] + row["no_show"]
            partner.clinic_appointment_count = row["total"]
            partner.clinic_no_show_count = row["no_show"]
            partner.clinic_late_cancel_count = row["late"]
            partner.clinic_no_show_rate = row["no_show"] / due if due else 0.0
            partner.clinic_last_visit = last_visits.get(partner, False)
            partner.clinic_next_appointment = next_visits.get(partner, False)

    def action_view_clinic_appointments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_scheduling.clinic_appointment_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id, "search_default_upcoming": 0}
        return action

    def action_clinic_book(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_scheduling.clinic_booking_wizard_action")
        action["context"] = {"default_partner_id": self.id}
        return action
