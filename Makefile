# clearleaf: build accessible editions of every document in source/.
# `make all` and `make test` set up the virtual environment on first use.

.DEFAULT_GOAL := help
PYTHON ?= python3
# One edition of every document: make html, make large-print, ... The names
# come from the registry (clearleaf/editions.py, which imports nothing else),
# so that a new edition is a target without editing this file. -S: no site
# packages to load, for a make that decides in milliseconds that nothing changed.
EDITIONS := $(shell $(PYTHON) -S -c 'from clearleaf.editions import EDITIONS; print(*EDITIONS)')
.DELETE_ON_ERROR:
.PHONY: help all $(EDITIONS) check watch bench test test-fast lint docx-reference weasyprint-ffi liblouis clean distclean

VENV ?= .venv
PY := $(VENV)/bin/python
# The environment is (re)installed when pyproject.toml changes. `SETUP=`
# (empty) uses an existing environment as it is.
STAMP := $(VENV)/.clearleaf-installed
SETUP ?= $(STAMP)
# Building installs what builds; the tests add their tools (pytest, the
# validators' Python parts, the type checker) on first use.
TEST_STAMP := $(VENV)/.clearleaf-test-installed
TEST_SETUP := $(if $(SETUP),$(TEST_STAMP))
# The validators the tests run (Nu Html Checker, axe-core, Ace by DAISY), pinned
# in package-lock.json; npm writes this file on every install.
NODE_STAMP := node_modules/.package-lock.json

OUT ?= build
# Every file below source/: the sources (source/**/*.md) and their images.
SOURCE_FILES := $(shell find source -type f 2>/dev/null)
# Everything an output depends on besides its source.
DEPENDS := $(wildcard clearleaf/*.py clearleaf/*/*.py clearleaf/styles/* clearleaf/styles/*/*) pyproject.toml
# Make decides in milliseconds that nothing changed; when something did, one
# run of the pipeline rebuilds just the documents it affects, in parallel.
# The stamp is dated: the first `make all` of a day runs the pipeline's own
# up-to-date check, which also notices a review date that has passed.
STAMP_ALL := $(OUT)/.clearleaf/make-all-$(shell date +%F)

help: ## Show this help
	@echo "Usage: make TARGET"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'
	@echo "  EDITION         One edition of every document: $(EDITIONS)"

all: $(STAMP_ALL) ## Build every document in every format into build/

$(STAMP_ALL): $(SOURCE_FILES) $(DEPENDS) | $(SETUP)
	$(PY) -m clearleaf build --quiet --out $(OUT)
	@mkdir -p $(@D) && rm -f $(@D)/make-all-* && touch $@

watch: $(SETUP) ## Rebuild whenever a source, image or style is saved
	$(PY) -m clearleaf watch --out $(OUT)

bench: $(SETUP) ## Run the benchmarks (minutes; writes bench/RESULTS.md)
	$(PY) bench/run.py

$(EDITIONS): $(SETUP)
	$(PY) -m clearleaf build --quiet --out $(OUT) --format $@

check: $(SETUP) ## Check every source for accessibility problems
	$(PY) -m clearleaf check

test: $(TEST_SETUP) $(NODE_STAMP) ## Run the test suite (needs Java, Chromium, pdftotext: see .ci/run)
	$(PY) -m pytest

test-fast: $(TEST_SETUP) ## The inner loop: every test but the validators', the property tests and the install
	$(PY) -m pytest -m "not validators and not hypothesis and not install"

lint: $(TEST_SETUP) ## Check style and types (ruff, and mypy --strict over clearleaf, tests, bench)
	$(PY) -m ruff check clearleaf tests bench
	$(PY) -m ruff format --check clearleaf tests bench
	$(PY) -m mypy

docx-reference: $(SETUP) ## Remake the Word edition's styles (styles/reference.docx) after upgrading pandoc
	$(PY) -c 'from clearleaf.formats import docx; docx.write_reference()'

weasyprint-ffi: $(SETUP) ## Recompile WeasyPrint's C declarations (after upgrading it)
	CLEARLEAF_WEASYPRINT_FFI=inline $(PY) -c 'from clearleaf.formats import weasyprint_ffi as f; f.generate()'

# The braille editions need liblouis and its tables, the audio editions
# espeak-ng, which PyPI does not have: installed from Debian when make runs as
# root, else the command to run.
liblouis: ## Install liblouis and espeak-ng for braille and audio (Debian; needs root)
	@if [ -d /usr/share/liblouis/tables ] && command -v lou_translate >/dev/null && command -v espeak-ng >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends liblouis-data liblouis-bin espeak-ng </dev/null \
	  || { apt-get update -qq </dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends liblouis-data liblouis-bin espeak-ng </dev/null; }; \
	else \
	  echo "Braille and audio need liblouis and espeak-ng: run  sudo apt-get install liblouis-data liblouis-bin espeak-ng" >&2; \
	  echo "(or build without them: clearleaf build --format ...)" >&2; \
	fi

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
	@$(MAKE) --no-print-directory liblouis
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --editable .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --editable '.[test]'
	touch $@
