# Two commands do everything: `make` builds output/, `make test` runs the tests.
# Both set up what is missing first: Debian packages, then the virtual environment.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all build check test audit setup system messages bench lock clean

all: build

build: setup
	$(BIN)/python build.py build

check: setup
	$(BIN)/python build.py check

test: setup
	$(BIN)/python -m pytest

# Lighthouse on the built site (scores, and reports in build/audit/): not part of `make test`,
# its performance score depends on how busy the machine is.
audit: build
	@scripts/ensure-audit-tools.sh
	$(BIN)/python scripts/audit.py output/site

setup: system $(VENV)/.installed
	@scripts/ensure-test-tools.sh

system:
	@scripts/ensure-system-packages.sh

# The packages come from the lock file, the project itself without dependencies of its own.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Re-resolve the dependencies of pyproject.toml (newest versions allowed) into requirements.lock,
# in a scratch environment so that the project's own is left as it is.
lock:
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet --upgrade pip
	build/lock-venv/bin/pip install --quiet '.[test]'
	{ sed -n '/^#/p' requirements.lock; build/lock-venv/bin/pip freeze --exclude rapporteur; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf build/lock-venv

# Refresh the message catalogues after changing a template string.
messages: setup
	$(BIN)/pybabel extract -F babel.cfg -o locales/messages.pot templates
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d locales --statistics

bench: setup
	$(BIN)/python benchmarks/build_speed.py
	$(BIN)/python benchmarks/rebuild_speed.py
	$(BIN)/python benchmarks/docx_speed.py

clean:
	rm -rf output $(VENV)
