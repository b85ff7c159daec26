# Atlas du logement social — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050
# The territory: epci:<SIREN>, dep:<code>, reg:<code> or fr (EPCI=<SIREN> still names an EPCI).
TERRITORY ?= $(if $(EPCI),epci:$(EPCI),epci:200093201)
SEED ?= 2021
RAW := var/raw
WAREHOUSE := var/warehouse
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

DEMO_CODE := $(shell find data/demo data/reference data/sources/codes.py data/territory.py -name '*.py' -o -name 'communes_200093201.geojson')
PIPELINE_CODE := $(shell find data/pipeline data/sources data/catalog.py data/scope.py data/territory.py -name '*.py' 2>/dev/null)

.PHONY: run test data bench lint format install install-dev chromium clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(RAW)/.complete: $(DEMO_CODE) | $(VENV)/.installed
	$(PY) -m data.reference.extract --territory $(TERRITORY) --if-missing
	$(PY) -m data.demo --territory $(TERRITORY) --seed $(SEED) --out $(RAW)

$(WAREHOUSE)/manifest.json: $(RAW)/.complete $(PIPELINE_CODE) $(wildcard var/perimeters.json) | $(VENV)/.installed
	$(PY) -m data.pipeline build --raw $(RAW) --out $(WAREHOUSE)

data: $(VENV)/.installed
	$(PY) -m data.reference.extract --territory $(TERRITORY) --if-missing
	$(PY) -m data.demo --territory $(TERRITORY) --seed $(SEED) --out $(RAW)
	$(PY) -m data.pipeline build --raw $(RAW) --out $(WAREHOUSE)

run: $(VENV)/.installed $(WAREHOUSE)/manifest.json
	@ATLAS_ENV=demo $(PY) -m auth.demo_accounts
	@echo "Atlas du logement social (données de démonstration): http://$(HOST):$(PORT)/"
	ATLAS_ENV=demo HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn app:server --config gunicorn.conf.py \
		--bind $(HOST):$(PORT) --workers 2 --threads 4 --no-control-socket

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

test: $(VENV)/.installed-dev chromium $(WAREHOUSE)/manifest.json
	$(PY) -m pytest

bench: $(VENV)/.installed-dev $(WAREHOUSE)/manifest.json
	$(PY) -m bench.pipeline
	$(PY) -m bench.interactions
	$(PY) -m bench.felt

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var/raw var/warehouse var/warehouse.builds
