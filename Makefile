# Two commands do everything: `make` builds output/, `make test` runs the tests.
# Both set up what is missing first: Debian packages, then the virtual environment.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all build check test setup system messages bench clean

all: build

build: setup
	$(BIN)/python build.py build

check: setup
	$(BIN)/python build.py check

test: setup
	$(BIN)/python -m pytest

setup: system $(VENV)/.installed
	@scripts/ensure-test-tools.sh

system:
	@scripts/ensure-system-packages.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Refresh the message catalogues after changing a template string.
messages: setup
	$(BIN)/pybabel extract -F babel.cfg -o locales/messages.pot templates
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d locales --statistics

bench: setup
	$(BIN)/python benchmarks/build_speed.py
	$(BIN)/python benchmarks/rebuild_speed.py

clean:
	rm -rf output $(VENV)
