# Two entry points for a fresh machine; each sets itself up in .venv first.
#   make run    build the graph from data/ and trace an example claim
#   make test   run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CLAIM  ?= bw-unloads-discs

.PHONY: run test readme clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

run: $(VENV)/.installed
	$(BIN)/lbpgraph build
	$(BIN)/lbpgraph trace $(CLAIM)
	@echo
	@echo "Outputs: build/graph.trig (the RDF dataset, TriG); build/traces.json, build/projection.pickle and build/manifest.json (cache)."
	@echo "Next: $(BIN)/lbpgraph query --list, $(BIN)/lbpgraph stats, $(BIN)/lbpgraph trace --help"

test: $(VENV)/.installed
	$(BIN)/python -m pytest

readme: $(VENV)/.installed
	$(BIN)/python -m lbpgraph.docs README.md

clean:
	rm -rf build .pytest_cache
