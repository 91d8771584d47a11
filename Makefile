# Two commands on a fresh machine: `make run` and `make test`. Everything else is set up here.
SHELL := /bin/bash
PYTHON ?= python3
# uv gives a lock file and a ~4 s sync; install it for this user when the machine lacks it.
UV := $(shell command -v uv 2>/dev/null || echo "$$(command -v $(PYTHON) || echo $(PYTHON)) -m uv")
export UV_PYTHON_DOWNLOADS := never
# Tests that build the wheel run the same uv the Makefile found (it may not be on PATH).
export KAPNOTES_UV := $(UV)

.PHONY: run test bench lint uv sync sync-dev check-os-libs wheel bundle bundle-smoke clean \
	practice-server practice-server-stop

uv:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || \
		$(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv

sync: uv
	@$(UV) sync --frozen --no-dev --quiet

sync-dev: uv
	@$(UV) sync --frozen --quiet

# Qt's xcb platform plugin needs system libraries (libxcb-cursor0 and a few more on a minimal
# install): name the packages to install instead of Qt's cryptic abort (scripts/qt_os_libs.py
# asks the plugin with ldd).
check-os-libs:
	@if [ "$$(uname -s)" = "Linux" ] && [ "$${QT_QPA_PLATFORM:-xcb}" = "xcb" ]; then \
		.venv/bin/python scripts/qt_os_libs.py || exit 1; \
	fi

run: sync check-os-libs
	@$(UV) run --frozen --no-dev kapnotes $(ARGS)

# One worker per core (pytest-xdist); the slow tests are handed out first (tests/conftest.py)
# and two at a time (--maxschedchunk 2), so they spread over the workers and run beside the
# rest (by default the first quarter of the suite goes to one worker in one batch, slow tests
# and all). PYTEST_ARGS="-n 0" runs in one process.
# The suite starts hundreds of Python processes (workers, the console entry, forked writers).
# Where the environment sets PYTHONDONTWRITEBYTECODE (this project's CI machines do), each one
# compiled every module it imported from source (~0.4 s a process, ~20 s of the whole run);
# the bytecode is written once, into .venv, and the source tree stays as clean as asked.
test: sync-dev
	@env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX="$(CURDIR)/.venv/pycache" \
		QT_QPA_PLATFORM=offscreen $(UV) run --frozen pytest -n auto --maxschedchunk 2 $(PYTEST_ARGS)

# ruff, the import contracts (layers, .importlinter; docs/ARCHITECTURE.md), types (mypy reads
# [tool.mypy] in pyproject.toml; zero errors), then dead code in the app: vulture reads
# [tool.vulture] in pyproject.toml; tests and bench count as callers, only kapnotes/ is
# reported (exit 3 is vulture's "found some").
lint: sync-dev
	@$(UV) run --frozen ruff check kapnotes tests bench
	@$(UV) run --frozen lint-imports --no-logo --no-cache
	@$(UV) run --frozen mypy
	@out="$$($(UV) run --frozen vulture 2>&1)"; rc=$$?; \
	if [ $$rc -ne 0 ] && [ $$rc -ne 3 ]; then echo "$$out"; exit $$rc; fi; \
	dead="$$(echo "$$out" | grep '^kapnotes/' || true)"; \
	if [ -n "$$dead" ]; then echo "$$dead"; \
		echo "Unused code in kapnotes/: remove it (a framework hook goes in vulture_whitelist.py)."; \
		exit 1; fi

# A local PostgreSQL practice server (issue 20; docs/PRACTICE-SERVER.md): TLS on 127.0.0.1,
# data in .practice-server/; prints the connection string. Tests use it through
# KAPNOTES_TEST_PRACTICE_DSN (or start it themselves, tests/practice/conftest.py).
practice-server:
	@bash scripts/practice_server.sh start

practice-server-stop:
	@bash scripts/practice_server.sh stop

bench: sync-dev
	@QT_QPA_PLATFORM=offscreen $(UV) run --frozen python -m bench $(ARGS)

wheel: uv
	@$(UV) build --wheel --out-dir dist

# One-folder app in dist/bundle/kapnotes (no Python needed on the target; docs/INSTALL.md).
# Its own environment, so a build never changes the .venv that `make test` uses.
BUNDLE_ENV := build/bundle-venv
bundle: uv
	@UV_PROJECT_ENVIRONMENT=$(BUNDLE_ENV) $(UV) sync --frozen --no-dev --group bundle --quiet
	@UV_PROJECT_ENVIRONMENT=$(BUNDLE_ENV) $(UV) run --frozen --no-sync pyinstaller \
		packaging/kapnotes.spec --noconfirm --log-level WARN \
		--distpath dist/bundle --workpath build/pyinstaller

# Starts the built bundle headless: demo vault, list, GUI opens it and exits 0 (~5 s).
bundle-smoke:
	@bash packaging/smoke_bundle.sh

clean:
	rm -rf .venv dist build .pytest_cache .ruff_cache
