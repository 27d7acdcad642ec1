# Two commands for a newcomer: `make run` and `make test`. Both set up the venv first, once,
# from requirements.lock: the exact versions that passed, each checked by its hash.
# Another Python, in a venv of its own: make test PYTHON="env PYENV_VERSION=3.13.0 python3.13" VENV=.venv-3.13
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
PIP    := $(BIN)/python -m pip --disable-pip-version-check
# `make lock` runs uv from a venv of its own: the project's venv is built from the lock.
LOCK_VENV := .venv-lock
UV        := $(LOCK_VENV)/bin/uv

.PHONY: run test lint lock bench bench-smoke clean

# A changed lock (or pyproject.toml) builds the venv anew, so nothing of an older lock stays.
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ").")'
	@if [ -f $(VENV)/pyvenv.cfg ]; then rm -rf -- $(VENV); fi
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): install the package python3-venv (sudo apt-get install python3-venv)." >&2; exit 1; }
	$(PIP) install --quiet --require-hashes -r $(LOCK)
	@# setuptools prints a notice about editable installs on every install: not ours to show.
	PYTHONWARNINGS=ignore::UserWarning:setuptools.command.editable_wheel \
		$(PIP) install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/python -m compileall -q core storage ui >/dev/null
	$(BIN)/python main.py $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

# Refresh requirements.lock on purpose: `make lock` after changing pyproject.toml's ranges
# (pins that still fit stay), `make lock UPGRADE=1` to take the newest releases they allow.
# Then `make test` on both Pythons (.ci/run) before committing the new lock.
lock: $(UV)
	$(UV) pip compile --quiet --universal --generate-hashes --extra test --group build \
		$(if $(UPGRADE),--upgrade) --custom-compile-command "make lock" pyproject.toml -o $(LOCK)

$(UV):
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check 'uv>=0.9,<1'

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(ARGS)

bench-smoke: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks --quick --growth $(ARGS)

clean:
	rm -rf $(VENV) $(LOCK_VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
