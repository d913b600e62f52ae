# Clinic suite for Odoo 18 Community. Every target bootstraps what it needs (.venv, PostgreSQL).
# Configuration: ODOO_PATH (Odoo 18 source, default /opt/odoo18), DB, PORT, DEMO_SIZE, DETACH=1;
# for make bench: SIZE=smoke, REBUILD=1, RUNS=N, BENCH_DB_PREFIX.
PYTHON ?= python3
CLINIC = $(PYTHON) scripts/clinic.py

.PHONY: demo stop test test-addon lint bench bootstrap check-deploy

demo:            ## build or update the clinic_demo database and serve it on http://localhost:8069
	@$(CLINIC) demo

stop:            ## stop a demo started with DETACH=1
	@$(CLINIC) stop

test:            ## every test, on fresh throw-away databases; ends with "N passed, N failed"
	@$(CLINIC) test

test-addon:      ## one addon's tests alone: make test-addon ADDON=clinic_scheduling
	@$(CLINIC) test $(ADDON)

lint:            ## ruff and pylint-odoo's mandatory checks on addons/
	@$(CLINIC) lint

bench:           ## benchmarks in bench/ (results in bench/results/); SIZE=smoke: quick run on a small clinic (CI)
	@$(CLINIC) bench

check-deploy:    ## check an Odoo configuration for a safe deployment: make check-deploy CONF=/etc/odoo/odoo.conf
	@$(CLINIC) check-deploy $(CONF)

bootstrap:       ## only create .venv and make sure PostgreSQL answers
	@$(CLINIC) bootstrap
