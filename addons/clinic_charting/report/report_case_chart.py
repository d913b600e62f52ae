from odoo import api, models


class ReportCaseChart(models.AbstractModel):
    """The case chart PDF: the signed notes (with addenda and scores) and the signed forms of a
    case, for a referral letter or an insurer's request. What the reader may not read is left
    out (their record rules); every note printed is logged."""

    _name = "report.clinic_charting.report_case_chart"
    _description = "Case Chart"

    @api.model
    def _get_report_values(self, docids, data=None):
        cases = self.env["clinic.case"].browse(docids)
        cases.check_access("read")
        self.env["clinic.note"].check_access("read")
        notes = self.env["clinic.note"].search(
            [("case_id", "in", cases.ids), ("state", "!=", "draft")], order="date, id")
        self.env["clinic.chart.access"]._log(notes, "print")
        return {
            "doc_ids": cases.ids,
            "doc_model": "clinic.case",
            "docs": cases,
            "notes_by_case": {case.id: notes.filtered(lambda note, case=case: note.case_id == case) for case in cases},
            "forms_by_case": self._forms_by_case(cases),
        }

    def _forms_by_case(self, cases):
        """The client's signed intake and consent forms (they are the client's, not one case's)."""
        forms = self.env["clinic.form"]
        if forms.has_access("read"):
            forms = forms.search([("partner_id", "in", cases.partner_id.ids), ("state", "=", "signed")],
                                 order="signed_at, id")
        return {case.id: forms.filtered(lambda form, case=case: form.partner_id == case.partner_id) for case in cases}
