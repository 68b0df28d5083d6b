# The README's two commands: `make run` starts the app, `make test` runs the checks.
# Each creates the virtual environment and installs what it needs on first use.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Versions pinned as tested (Streamlit's components v2 API draws the map): `make lock`.
LOCK := requirements.lock
# Leaflet served by the app itself, so maps draw in a venue with no internet.
LEAFLET := static/vendor/leaflet/leaflet.js
# The browser tab's icon, served by the app itself (Streamlit would ask Google's font server).
ICON := static/vendor/material-symbols/diversity_3.svg
# Noto fonts for Gurmukhi, Bengali, Arabic and Urdu (Nastaliq), served by the app (copied
# from Debian's fonts-noto-ui-core and fonts-noto-core), so those pages read offline.
FONTS := static/vendor/noto/NotoNastaliqUrdu-Regular.ttf
# ESLint for the map's browser side, from the npm registry, pinned in package-lock.json.
NODE_STAMP := node_modules/.installed
# What CI keeps after a run: the pytest report here, browser-failure screenshots beside it.
export ARP_ARTIFACTS_DIR ?= $(CURDIR)/build/ci-artifacts
# The marks `make test-fast` leaves out: no browser, no real-data build, no wheel install.
FAST := not browser and not real_data and not slow

.PHONY: run serve test test-fast lint lint-js typecheck format build-db snapshot bench lock \
	translations-extract translations-update translations-compile translations-check

$(STAMP): pyproject.toml $(LOCK)
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $(STAMP)

$(LEAFLET): | $(STAMP)
	@# From the npm registry, its hash checked; if that fails the map loads Leaflet's CDN.
	$(PYTHON) -m arp.leaflet static/vendor/leaflet \
		|| echo "Leaflet not fetched: maps will load it from its CDN, which needs internet" >&2

$(ICON): | $(STAMP)
	@# From the npm registry, its hash checked; if that fails the tab shows Streamlit's icon.
	$(PYTHON) -m arp.app_icon static/vendor/material-symbols \
		|| echo "App icon not fetched: the tab shows Streamlit's own icon" >&2

$(FONTS): | $(STAMP)
	$(PYTHON) -m arp.fonts static/vendor/noto \
		|| echo "Fonts not copied: those pages use the phone's own fonts" >&2

run: $(STAMP) $(LEAFLET) $(ICON) $(FONTS)
	$(VENV)/bin/arp app

# The participant pages' words (arp/locale/): extract the strings into messages.pot, bring
# every language's .po up to it (review fields kept), compile each to build/locale/ as a
# check (the app compiles the .po itself when it starts), and fail on any missing, stale
# or broken entry. After changing a participant page: make translations-update.
translations-extract: $(STAMP)
	$(PYTHON) -m arp.catalogues extract

translations-update: $(STAMP)
	$(PYTHON) -m arp.catalogues update

translations-compile: $(STAMP)
	$(PYTHON) -m arp.catalogues compile

translations-check: $(STAMP)
	$(PYTHON) -m arp.catalogues check

# The production recipe: Caddy in front of REPLICAS app processes (README: "Several replicas
# behind one address"), e.g. make serve REPLICAS=3 ARP_WORKSHOP_DB=postgresql://...
serve: $(STAMP) $(LEAFLET) $(FONTS)
	$(VENV)/bin/arp serve $(if $(REPLICAS),--replicas $(REPLICAS))

# pytest exits 5 when it collected no test: that is a broken suite, not a pass.
define pytest
	$(PYTHON) -m pytest $(1); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status
endef

test: $(STAMP) $(LEAFLET) $(ICON) $(FONTS) lint typecheck lint-js translations-check
	@mkdir -p $(ARP_ARTIFACTS_DIR) && rm -f $(ARP_ARTIFACTS_DIR)/browser-failure-*
	$(call pytest,--junitxml=$(ARP_ARTIFACTS_DIR)/pytest-report.xml $(PYTEST_ARGS))

test-fast: $(STAMP)
	$(call pytest,-m "$(FAST)" -q $(PYTEST_ARGS))

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# CI must lint the JavaScript; elsewhere a machine without npm skips it, saying so.
lint-js:
	@if command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(NODE_STAMP) && node_modules/.bin/eslint arp/; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "npm is missing: CI must lint arp/area_map.js (apt-get install npm)" >&2; exit 1; \
	else \
		echo "SKIPPED JavaScript lint: npm is not installed (CI runs it; apt-get install npm)" >&2; \
	fi

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

# After changing a dependency: install it into .venv, run make test, then pin what passed.
lock: $(STAMP)
	{ sed -n '/^#/p' $(LOCK); $(PYTHON) -m pip freeze --all --exclude-editable | grep -v '^pip=='; } \
		> $(LOCK).new && mv $(LOCK).new $(LOCK)
