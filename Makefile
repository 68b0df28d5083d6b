# The README's two commands: `make run` starts the app, `make test` runs the checks.
# Each creates the virtual environment and installs what it needs on first use.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format build-db bench

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/arp app

test: $(STAMP) lint
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

bench: $(STAMP)
	$(PYTHON) bench/build_time.py
