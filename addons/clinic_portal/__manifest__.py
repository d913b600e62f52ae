{
    "name": "Clinic Client Portal",
    "summary": "Clients see their upcoming and past clinic appointments on the website portal",
    "version": "18.0.1.0.0",
    "category": "Services/Clinic",
    "author": "Clinic Suite contributors",
    "website": "https://github.com/clinic-suite/clinic-suite",
    "license": "LGPL-3",
    "depends": ["clinic_scheduling", "clinic_billing", "clinic_charting", "website", "portal", "account_payment"],
    "data": [
        "security/ir.model.access.csv",
        "security/clinic_portal_rules.xml",
        "data/ir_cron_data.xml",
        "data/website_data.xml",
        "views/clinic_portal_templates.xml",
        "views/clinic_booking_templates.xml",
        "views/clinic_service_views.xml",
        "views/clinic_self_service_templates.xml",
        "views/clinic_package_portal_templates.xml",
        "views/product_template_views.xml",
    ],
    "demo": ["demo/clinic_portal_demo.xml", "demo/clinic_package_online_demo.xml"],
    "assets": {
        "web.assets_frontend": [
            "clinic_portal/static/src/scss/*.scss",
            "clinic_portal/static/src/js/*.js",
        ],
        "web.assets_tests": [
            "clinic_portal/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
