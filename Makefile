# `make` sets up .venv, regenerates the package, draws the figures and validates it;
# `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The library plus everything `make` and `make test` use: figures (Altair, vl-convert and a
# CJK font), database exports (sqlite-utils, DuckDB), Datasette, and the test tools.
EXTRAS := figures,export,browse,test,release

.PHONY: all build validate coverage candidates figures test check bench clean
all: build figures validate coverage candidates

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the project's requirements change; versions are pinned by constraints.txt
# so that the same inputs give the same bytes on every machine.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[$(EXTRAS)]"
	@touch $(STAMP)

build: $(STAMP)
	$(BIN)/ai-openness build

# Figures are drawn from the built tables.
figures: build
	$(BIN)/ai-openness figures

validate: $(STAMP)
	$(BIN)/ai-openness validate

coverage: $(STAMP)
	$(BIN)/ai-openness coverage

# Every open/closed sentence of the articles is quoted by a stance or set aside with a reason.
candidates: $(STAMP)
	$(BIN)/ai-openness candidates

check: $(STAMP)
	$(BIN)/ai-openness build --check
	$(BIN)/ai-openness figures --check

test: $(STAMP)
	$(BIN)/python -m pytest

# Synthetic packages up to a million stances; writes benchmarks/results.json (see
# benchmarks/RESULTS.md). About twenty minutes on two cores, 14 GB of memory at the top size.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[bench]"
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache dist benchmarks/out
