# Two entry points for a fresh machine; each sets itself up in .venv first.
#   make run    build the graph from data/ and trace an example claim
#   make test   run every test (installs Debian's chromium for the browser tests)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CLAIM  ?= bw-unloads-discs

SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test readme clean chromium

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[view,test]"
	touch $@

run: $(VENV)/.installed
	$(BIN)/lbpgraph build
	$(BIN)/lbpgraph trace $(CLAIM)
	@echo
	@echo "Outputs: build/graph.trig (the RDF dataset, TriG); build/traces.json, build/projection.pickle and build/manifest.json (cache)."
	@echo "Next: $(BIN)/lbpgraph query --list, $(BIN)/lbpgraph stats, $(BIN)/lbpgraph trace --help"

# Debian's chromium drives the browser tests (Playwright uses it; it downloads no browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.installed chromium
	$(BIN)/python -m pytest

readme: $(VENV)/.installed
	$(BIN)/python -m lbpgraph.docs README.md

clean:
	rm -rf build .pytest_cache
