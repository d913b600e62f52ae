{
    "name": "Clinic Charting",
    "summary": "SOAP chart notes per appointment: templates, signing that locks, addenda",
    "version": "18.0.1.0.0",
    "category": "Services/Clinic",
    "author": "Clinic Suite contributors",
    "website": "https://github.com/clinic-suite/clinic-suite",
    "license": "LGPL-3",
    "depends": ["clinic_scheduling", "mail"],
    "data": [
        "security/ir.model.access.csv",
        "security/clinic_charting_rules.xml",
        "views/clinic_note_template_views.xml",
        "views/clinic_note_views.xml",
        "views/clinic_appointment_views.xml",
        "views/clinic_charting_menus.xml",
    ],
    "demo": ["demo/clinic_charting_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "clinic_charting/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
