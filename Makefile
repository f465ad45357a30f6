# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS ?= $(if $(wildcard ../shared/corpus),../shared/corpus,examples/corpus)
STORE ?= build/demo-store

.PHONY: demo test lint install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

demo: install
	@mkdir -p build
	$(BIN)/govkg build $(CORPUS) --store $(STORE)
	$(BIN)/govkg validate --store $(STORE)
	$(BIN)/govkg trace 1+3+N --store $(STORE)
	$(BIN)/govkg view --store $(STORE) --mechanism 1+3+N -o build/view-1+3+N.html
	$(BIN)/govkg view --store $(STORE) --all -o build/view-all.html
	@echo "HTML views written: build/view-1+3+N.html build/view-all.html (open them in a browser, no network needed)"

test: install-test
	$(BIN)/ruff check govkg tests bench
	$(BIN)/python -m pytest

clean:
	rm -rf build govkg-store
