# Two commands: `make demo` and `make test`. Both bootstrap .venv from nothing, with every optional
# extra (`pip install alignlab` alone is the core: README, "Install").
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
REPORT ?= report
EXTRAS := all,test
# one pytest worker per core (pytest-xdist); tests/conftest.py keeps the tests that share an expensive
# fixture on one worker, so it is built once; the slowest tests are listed at the end
PYTEST_ARGS ?= -n auto --dist loadgroup --durations=15 -m "not validation"
# Python writes its bytecode caches (__pycache__, ignored by git) even where the environment says not to:
# every test process and worker otherwise compiles alignlab and re-rewrites the test modules anew
unexport PYTHONDONTWRITEBYTECODE
# the validation studies (tens of minutes: parameter recovery of the joint models): `make validate`
VALIDATE_ARGS ?= -n auto -m validation --durations=0

.PHONY: demo test validate clean system-packages

$(STAMP): pyproject.toml setup.py constraints.txt src/alignlab/steps/_fastsim.c src/alignlab/horizons/_lomax_interp.c
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[$(EXTRAS)]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/alignlab report --out $(REPORT)

test: $(STAMP) system-packages
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

validate: $(STAMP)
	$(BIN)/python -m pytest -q -s $(VALIDATE_ARGS)

# Two tests use Debian packages: the report's browser test (chromium) and the kernel test that runs
# the AVX-512 path through SIMDe's portable intrinsics (libsimde-dev). Install them when missing;
# failure is not fatal: those tests then skip and say why.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	test -f /usr/include/simde/x86/avx512.h || missing="$$missing libsimde-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian's$$missing for the browser and SIMD-emulation tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo -n ); \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get install -y -q $$missing >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q $$missing >/dev/null 2>&1; } || \
	  echo "warning: could not install$$missing; the tests that need them will be skipped"; \
	fi

clean:
	rm -rf $(VENV) $(REPORT) .pytest_cache .hypothesis
