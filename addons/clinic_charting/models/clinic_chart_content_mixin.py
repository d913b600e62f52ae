from odoo import models


class ClinicChartContentMixin(models.AbstractModel):
    """Clinical content whose every read is logged in the chart access log: the notes, their
    sections, measures and addenda. Reads through RPC (forms, lists, ``read``) go through
    ``_read_format``; exports through ``export_data``; the case chart PDF logs its own prints."""

    _name = "clinic.chart.content.mixin"
    _description = "Chart content (logged reads)"

    # Fields of a record whose reading shows clinical content (``None``: any field does).
    _chart_content_fields = None

    def _chart_notes(self):
        """The notes whose content these records show."""
        raise NotImplementedError

    # Reading clinical content writes the access log: the RPC reads of these models run in a
    # read-write transaction (``_readonly`` is what ``@api.readonly`` sets, read by the web client's
    # call_kw route to pick a read-only cursor; without this a read would fail on a replica and be
    # retried on the primary).
    def read(self, fields=None, load="_classic_read"):
        return super().read(fields=fields, load=load)

    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **read_kwargs):
        return super().search_read(domain=domain, fields=fields, offset=offset, limit=limit, order=order,
                                   **read_kwargs)

    def web_read(self, specification):
        return super().web_read(specification)

    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, count_limit=None):
        return super().web_search_read(domain, specification, offset=offset, limit=limit, order=order,
                                       count_limit=count_limit)

    read._readonly = search_read._readonly = web_read._readonly = web_search_read._readonly = False

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        content = self._chart_content_fields
        if result and (content is None or content.intersection(fnames)):
            read = self.browse([values["id"] for values in result if isinstance(values["id"], int)])
            self.env["clinic.chart.access"]._log(read._chart_notes(), "read")
        return result

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        self.env["clinic.chart.access"]._log(self._chart_notes(), "export")
        return result
