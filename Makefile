# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make build   creates .venv, installs the pinned dependencies, builds the warehouse
#   make test    creates .venv, installs the pinned dependencies, runs the tests
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
export TOTALPLACE_MIRROR ?= ../shared/raw

.PHONY: build test install pull status dagster bench clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install: $(BIN)/.installed

build: install
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/totalplace build

pull: install
	$(BIN)/totalplace pull

status: install
	$(BIN)/totalplace status

test: install
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python benchmarks/run.py

dagster: install
	mkdir -p .dagster_home
	# runs from the UI write their own warehouse; `totalplace build` is the gated publish analysts read
	PATH=$(CURDIR)/$(BIN):$$PATH DAGSTER_HOME=$(CURDIR)/.dagster_home \
	  TOTALPLACE_WAREHOUSE=$${TOTALPLACE_DAGSTER_WAREHOUSE:-$(CURDIR)/warehouse/dagster.duckdb} $(BIN)/dagster dev

clean:
	rm -rf $(VENV) data warehouse dbt/target dbt/logs .dagster_home
