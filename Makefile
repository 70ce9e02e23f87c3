# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make build   creates .venv, installs the pinned dependencies, builds the warehouse
#   make test    creates .venv, installs the pinned dependencies (and Chromium), runs both test tiers
# `make test-fast` runs the fast tier alone (no mirror, no full build); `make lint` is the lint gate.
# `make help` lists every target.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8888
# `make dagster PORT=...` sets the UI's port; its default is 3000 (PORT's default, 8888, is JupyterLab's)
DAGSTER_PORT = $(if $(filter command line environment,$(origin PORT)),$(PORT),3000)
export TOTALPLACE_MIRROR ?= ../shared/raw

.PHONY: help build test test-fast test-real test-durations lint conventions install chromium pull status dagster notebooks docs bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,notebooks,lint]'
	touch $@

install: $(BIN)/.installed  ## create .venv and install the pinned dependencies

chromium:  ## make sure headless Chromium is there for the report tests (Debian's package)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium (the report and screenshot tests render pages in it)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || { echo "could not install chromium with apt-get: install it (apt-get install chromium) and run make test again" >&2; exit 1; }; \
	  else \
	    echo "chromium is not installed and cannot be installed here (needs root and apt-get): install Debian's chromium package, then run make test again" >&2; exit 1; \
	  fi; }

build: install  ## pull, verify, parse, gate and build the warehouse; publish it if every gate passed
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/totalplace build

pull: install  ## land and verify every file of the manifest
	$(BIN)/totalplace pull

status: install  ## per file and sheet: header row, data rows, skipped and rejected rows
	$(BIN)/totalplace status

# both tiers run in TEST_WORKERS pytest-xdist workers (one per core here); the real-data tier gives each worker a
# test file at a time and its workers share one session build (tests/conftest.py). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: test-fast test-real  ## run both test tiers: the fast one, then the real-data one

test-fast: install  ## the fast tier: generated workbooks, dbt unit tests, CLI errors, rules; no mirror, no full build
	PATH=$(CURDIR)/$(BIN):$$PATH TOTALPLACE_MIRROR=$(CURDIR)/.no-mirror-in-the-fast-tier \
	  $(BIN)/python -m pytest -m "not realdata" -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-real: install chromium  ## the real-data tier: the published files from TOTALPLACE_MIRROR, full builds, UI, notebooks
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m pytest -m realdata -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder \
	  --durations=25 $(PYTEST_ARGS)

# the files' seconds of this run written to tests/durations.json, which orders them in the next (tests/conftest.py)
test-durations: install chromium  ## run both tiers and record how long each test file took (commit tests/durations.json)
	$(MAKE) test TOTALPLACE_TEST_DURATIONS=$(CURDIR)/tests/durations.json

lint: install  ## the lint gate: ruff (check and format) on Python, sqlfluff (duckdb, dbt templater) on the models
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd dbt && TOTALPLACE_WAREHOUSE=$(CURDIR)/dbt/target/lint.duckdb $(CURDIR)/$(BIN)/sqlfluff lint models tests \
	  --processes 2 --disable-progress-bar

conventions: install  ## dbt conventions (dbt-project-evaluator's rules) on the parsed project, exceptions in a seed
	$(BIN)/python -m dagster_project.dbt_conventions

notebooks: install  ## open the analysts' notebooks in JupyterLab on the project's kernel (HOST, PORT)
	cd notebooks && PATH=$(CURDIR)/$(BIN):$$PATH $(CURDIR)/$(BIN)/jupyter lab --ip=$(HOST) --port=$(PORT) --no-browser \
	  $(if $(filter 0,$(shell id -u)),--allow-root)

docs: install  ## write the auditors' site (dbt docs and gate results) to docs_site/
	$(BIN)/totalplace docs --out docs_site

bench: install  ## print build, re-run, mart, query and pandas-comparison figures
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python benchmarks/run.py

dagster: install  ## start the Dagster UI and daemon on the project's instance (HOST, PORT; default 127.0.0.1:3000)
	@PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m dagster_project.instance >/dev/null
	# the UI, `totalplace build` and the dagster CLI share DAGSTER_HOME=.dagster_home (runs, checks, metadata)
	# dagster_project/ui.py runs `dagster dev` in its own process group and stops all of it on SIGTERM/SIGINT
	PATH=$(CURDIR)/$(BIN):$$PATH DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/.dagster_home} \
	  PYTHONWARNINGS='ignore:Function `dev_command` is superseded' \
	  exec $(BIN)/python -m dagster_project.ui -h $(HOST) -p $(DAGSTER_PORT)

clean:  ## remove .venv, landed data, warehouses and dbt artefacts
	rm -rf $(VENV) data warehouse dbt/target dbt/logs .dagster_home
