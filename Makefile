# Two entry points for a fresh machine; each sets itself up in .venv first.
#   make run    build the graph from data/ and trace an example claim
#   make test   run every test (installs Debian's chromium and Virtuoso for the browser and SPARQL server tests)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CLAIM  ?= bw-unloads-discs

SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test docs readme clean chromium virtuoso

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[view,export,test]"
	touch $@

run: $(VENV)/.installed
	$(BIN)/lbpgraph build
	$(BIN)/lbpgraph trace $(CLAIM)
	@echo
	@echo "Outputs: build/graph.trig (the RDF dataset, TriG); build/traces.json, build/search.json, build/projection.pickle and build/manifest.json (cache)."
	@echo "Next: $(BIN)/lbpgraph query --list, $(BIN)/lbpgraph stats, $(BIN)/lbpgraph trace --help"

# Debian's chromium drives the browser tests (Playwright uses it; it downloads no browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# Debian's Virtuoso binaries run a private server for the SPARQL store tests (tests/virtuoso.py).
# Only the -bin package: the virtuoso-opensource package would also start a system-wide server.
virtuoso:
	@{ command -v virtuoso-t && command -v isql-vt; } >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
		virtuoso-opensource-7-bin >/dev/null; }

test: $(VENV)/.installed chromium virtuoso
	$(BIN)/python -m pytest

# The generated sections of docs/reference/*.md (commands, vocabulary, values, rules, named queries).
docs: $(VENV)/.installed
	$(BIN)/python -m lbpgraph.docs

readme: docs

clean:
	rm -rf build .pytest_cache
