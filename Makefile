# clearleaf: build accessible editions of every document in source/.
# `make all` and `make test` set up the virtual environment on first use.

.DEFAULT_GOAL := help
# One edition of every document: make html, make large-print, ...
EDITIONS := html pdf large-print print booklet epub txt
.DELETE_ON_ERROR:
.PHONY: help all $(EDITIONS) check test lint clean distclean

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The environment is (re)installed when pyproject.toml changes. `SETUP=`
# (empty) uses an existing environment as it is.
STAMP := $(VENV)/.clearleaf-installed
SETUP ?= $(STAMP)
# The validators the tests run (Nu Html Checker, axe-core, Ace by DAISY), pinned
# in package-lock.json; npm writes this file on every install.
NODE_STAMP := node_modules/.package-lock.json

OUT ?= build
SOURCES := $(wildcard source/*.md)
STEMS := $(patsubst source/%.md,%,$(SOURCES))
# One stamp per document: one run of the pipeline writes all its editions
# (web page, PDF leaflet, large print, print-shop PDF, booklet, EPUB, text)
# from one parse.
STAMPS := $(patsubst %,$(OUT)/.built/%,$(STEMS))
# Everything an output depends on besides its source.
DEPENDS := $(wildcard pipeline/*.py pipeline/*/*.py styles/* styles/*/*) pyproject.toml

help: ## Show this help
	@echo "Usage: make TARGET"
	@echo
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'
	@echo "  EDITION    One edition of every document: $(EDITIONS)"

all: $(STAMPS) ## Build every document in every format into build/

$(OUT)/.built/%: source/%.md $(DEPENDS) | $(SETUP)
	$(PY) -m pipeline build --quiet --out $(OUT) $<
	@mkdir -p $(@D) && touch $@

$(EDITIONS): $(SETUP)
	$(PY) -m pipeline build --quiet --out $(OUT) --format $@

check: $(SETUP) ## Check every source for accessibility problems
	$(PY) -m pipeline check

test: $(SETUP) $(NODE_STAMP) ## Run the test suite (needs Java, Chromium, pdftotext: see .ci/run)
	$(PY) -m pytest

lint: $(SETUP) ## Check style and types
	$(PY) -m ruff check pipeline tests
	$(PY) -m mypy

clean: ## Remove the built outputs
	rm -rf $(OUT)

distclean: clean ## Also remove the virtual environment
	rm -rf $(VENV)

# --ignore-scripts: vnu-jar's install step downloads a Java runtime it does not
# need (the jar is in the package); no browser is downloaded, the tests use the
# machine's Chromium.
$(NODE_STAMP): package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund
	touch $@

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --editable '.[test]'
	touch $@
