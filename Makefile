# Python beacon node for Ethereum 2.0 phase0 (spec v0.8.4).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPEC_TESTS_DIR ?= ../shared/spec-tests/v0.8.4/tests
export SPEC_TESTS_DIR

.PHONY: install test spec-tests bench run interop-js clean

$(STAMP): pyproject.toml
	bash scripts/system-deps.sh
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider

spec-tests: $(STAMP)
	$(BIN)/python -m spec_tests --config minimal

bench: $(STAMP)
	$(BIN)/python -m bench

run: $(STAMP)
	bash scripts/run-local.sh

interop-js: $(STAMP)
	bash scripts/interop-js.sh

clean:
	rm -rf $(VENV) build *.egg-info
