# `make` sets up .venv, regenerates the package, draws the figures and validates it;
# `make test` runs the tests. CI (.ci/run and .github/workflows/validate.yml) runs
# `make install`, `make validate`, `make check` and `make test`, in that order.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# What `make` uses: the library, the command's tools (pydantic, polars, OpenCC, jieba...) and
# the figures (Altair, vl-convert and a CJK font).
EXTRAS := tools,figures
# What `make check`, `make test` and `make release-check` add: database exports (sqlite-utils,
# DuckDB), Datasette, the test tools, the linters, what a release needs (hatchling,
# mlcroissant) and Dask's `distributed` (the per-source stage on a cluster). Only `bench` is
# left out.
TEST_EXTRAS := $(EXTRAS),export,browse,test,release,lint,distributed
# The tests a change of sources/ or codings/ can break (CONTRIBUTING.md, section 4), in one
# process: they take seconds, less than starting two workers that each collect every test.
DATA_TESTS := -m data -n 0
# --format of `make validate`; the workflow asks for GitHub annotations.
VALIDATE_FORMAT ?= text

.PHONY: all install venv FORCE build validate coverage candidates figures test test-data check release-check bench clean

# `all` runs the steps of the targets build, figures, validate, coverage and candidates, in
# that order, in one process (python -m ai_openness.commands.steps): each prints and exits as its
# target does, and the first that fails stops make. Importing the libraries once instead of
# five times halves the time of `make`. tests/test_makefile.py holds the two to each other.
# -P: the current directory is not put on the module path (as with .venv/bin/ai-openness).
all: $(STAMP)
	$(BIN)/python -P -m ai_openness.commands.steps build figures "validate --format $(VALIDATE_FORMAT)" coverage candidates

# .venv is made with $(PYTHON), which must be Python 3.11 or newer. A .venv whose python does
# not run, or is not the interpreter $(PYTHON) names (left by an earlier `make PYTHON=...`), is
# removed and made again, so a failed or mistaken run never leaves `make` stuck. The check runs
# every time; $(VENV)/.python changes only when .venv is made, which then reinstalls.
venv: $(VENV)/.python

$(VENV)/.python: FORCE
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "make: ai-openness needs Python 3.11 or newer, but PYTHON=$(PYTHON) is" \
	       "$$($(PYTHON) --version 2>/dev/null || echo 'not a working Python')." >&2; \
	  echo "      Run: make PYTHON=python3.11 (or a newer python). $(VENV) was left as it was." >&2; \
	  exit 1; }
	@want=$$($(PYTHON) -c 'import sys; print(sys.version)'); \
	have=$$($(BIN)/python -c 'import sys; print(sys.version)' 2>/dev/null || true); \
	if [ "$$want" != "$$have" ]; then \
	  if [ -e $(VENV) ]; then echo "make: $(VENV) was not made with $(PYTHON) (or is broken); making it again."; fi; \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && echo "$$want" > $@; \
	elif [ ! -e $@ ]; then echo "$$want" > $@; fi

FORCE:

# Reinstall when the project's requirements change or .venv was made again; versions are
# pinned by constraints.txt so that the same inputs give the same bytes on every machine.
$(STAMP): pyproject.toml constraints.txt $(VENV)/.python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[$(EXTRAS)]"
	@touch $(STAMP)

# The test tools come on top, the first time `make check`, `make test` or `make install` needs them.
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[$(TEST_EXTRAS)]"
	@touch $(TEST_STAMP)

install: $(STAMP) $(TEST_STAMP)

build: $(STAMP)
	$(BIN)/ai-openness build

# Figures are drawn from the built tables.
figures: build
	$(BIN)/ai-openness figures

validate: $(STAMP)
	$(BIN)/ai-openness validate --format $(VALIDATE_FORMAT)

coverage: $(STAMP)
	$(BIN)/ai-openness coverage

# Every open/closed sentence of the articles is quoted by a stance or set aside with a reason.
candidates: $(STAMP)
	$(BIN)/ai-openness candidates

# The generated files are current, the code is linted and formatted (ruff), the layers run
# one way (import-linter: [tool.importlinter] in pyproject.toml) and src/ is typed (mypy --strict).
check: $(TEST_STAMP)
	$(BIN)/ai-openness build --check
	$(BIN)/ai-openness figures --check
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports
	$(BIN)/mypy

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

# The tests a change of sources/ or codings/ can break: the package's own data, licences,
# second coding, retired ids, dates and sweep (each such module is marked `data`).
test-data: $(TEST_STAMP)
	$(BIN)/python -m pytest $(DATA_TESTS)

# Everything the release workflow (.github/workflows/release.yml) runs but the upload: cut the
# release again in a scratch clone of HEAD, refuse any difference from what is committed when it
# is the recorded version, check the archives as a data user would, and copy the files to
# upload (and the release notes, CHANGES.md) to RELEASE_OUT. The working tree is not touched.
RELEASE_VERSION ?=
RELEASE_OUT ?= dist/release-check
release-check: $(TEST_STAMP)
	$(BIN)/python scripts/release_check.py $(RELEASE_VERSION) --out $(RELEASE_OUT)

# Synthetic packages up to a million stances, then `make` itself; writes benchmarks/results.json
# and rewrites benchmarks/RESULTS.md from it. The build at the top size holds its rows in memory
# (many gigabytes) and runs several times (the package, its next version, the release).
bench: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[bench]"
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/incremental.py --sizes 10k 100k 1m
	$(BIN)/python benchmarks/report.py --write

clean:
	rm -rf $(VENV) .pytest_cache dist benchmarks/out
