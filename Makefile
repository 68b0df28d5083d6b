# The README's two commands: `make run` starts the app, `make test` runs the checks.
# Each creates the virtual environment and installs what it needs on first use.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Leaflet served by the app itself, so maps draw in a venue with no internet.
LEAFLET_VERSION := 1.9.4
LEAFLET := static/vendor/leaflet/leaflet.js

.PHONY: run test lint format build-db snapshot bench

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(LEAFLET):
	@# From the npm registry; without npm the map falls back to Leaflet's CDN (online only).
	mkdir -p static/vendor
	cd static/vendor && (npm pack --silent leaflet@$(LEAFLET_VERSION) > /dev/null \
		&& tar xzf leaflet-$(LEAFLET_VERSION).tgz && rm -rf leaflet && mv package/dist leaflet \
		&& rm -rf package leaflet-$(LEAFLET_VERSION).tgz) \
		|| echo "npm unavailable: maps will load Leaflet from its CDN, which needs internet" >&2

run: $(STAMP) $(LEAFLET)
	$(VENV)/bin/arp app

test: $(STAMP) $(LEAFLET) lint
	@# pytest exits 5 when it collected no test: that is a broken suite, not a pass.
	$(PYTHON) -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

build-db: $(STAMP)
	$(VENV)/bin/arp build

# The bundled snapshot a fresh clone starts from (data/snapshot/), remade from the official
# files in ARP_SOURCE_DIR (default ../shared/data). Commit the folder it writes.
SNAPSHOT_BUILD_DB := data/snapshot-build.duckdb

snapshot: $(STAMP)
	$(VENV)/bin/arp build --source-dir "$(or $(ARP_SOURCE_DIR),../shared/data)" --db $(SNAPSHOT_BUILD_DB)
	$(VENV)/bin/arp snapshot --db $(SNAPSHOT_BUILD_DB) --out data/snapshot
	rm -f $(SNAPSHOT_BUILD_DB)

bench: $(STAMP)
	$(PYTHON) bench/build_time.py
