# Two commands: `make demo` and `make test`. Both bootstrap .venv from nothing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
REPORT ?= report

.PHONY: demo test clean browser

$(STAMP): pyproject.toml setup.py constraints.txt src/alignlab/steps/_fastsim.c
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/alignlab report --out $(REPORT)

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# The report's browser test needs Debian's chromium; install it when missing. Failure is not fatal:
# the test then skips and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the report's browser test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo -n ); \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q chromium >/dev/null 2>&1; } || \
	  echo "warning: could not install chromium; the browser test will be skipped"; }

clean:
	rm -rf $(VENV) $(REPORT) .pytest_cache .hypothesis
