from . import report_case_chart
