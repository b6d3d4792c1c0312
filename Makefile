# `make test` and `make demo` work on a fresh clone: they create .venv when it is missing and install into it.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: test demo bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-demo: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[sandbox]'
	touch $@

test: $(VENV)/.installed-test
	$(PY) -m pytest

# Until the wizard and its demo exist (issues 3-5), the demo is a dry run on the bundled sample service.
demo: $(VENV)/.installed-demo
	$(VENV)/bin/brik-onboard plan --repo BrikByte-Studios/example-node-api \
	    --checkout assets/demo/example-node-api --tags "v0.1.0, sha-\$${{ github.sha }}"

bench: $(VENV)/.installed-test
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
