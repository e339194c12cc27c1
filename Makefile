# ecombalance: `make report` (the main job) and `make test` (the tests). Both set up .venv first if needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
# torch is installed from TORCH_SPEC. The default takes the CPU wheel; for a CUDA build see README.md.
TORCH_SPEC ?= torch==2.13.0
PROFILE ?= quick
# optional extras installed by setup: spark (PySpark, for notebook 07's distributed engine)
EXTRAS ?= test,spark
# `make test` runs the tests in this many processes (pytest-xdist; a test file stays in one process)
TEST_WORKERS ?= 2
BIN := $(VENV)/bin
STAMP := $(VENV)/.ecombalance-installed

.PHONY: setup report test test-fast gpu-check lab clean distclean

setup: $(STAMP)

# torch and the package install in one resolve, so no dependency can swap the pinned torch for another build.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)" -e ".[$(EXTRAS)]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ecombalance)" >/dev/null
	@touch $(STAMP)

# `make report LANG=zh`: the Chinese edition (中文版) into reports/<profile>-zh. LANG is also the locale variable of
# the environment, so only a LANG given on make's command line picks the edition (as EDITION; `EDITION=zh` works
# too), and every recipe then runs with the locale C.UTF-8 rather than the locale "zh", which no system has.
ifeq ($(origin LANG),command line)
EDITION := $(LANG)
override LANG := C.UTF-8
else
EDITION ?= en
endif
REPORT_OUT = reports/$(PROFILE)$(if $(filter-out en,$(EDITION)),-$(EDITION))

report: $(STAMP)
	$(BIN)/ecombalance report --profile $(PROFILE) --lang $(EDITION) --out $(REPORT_OUT)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# the tests without the ones marked `slow` (notebook runs, Spark, DDP, the wheel, long training): the edit loop
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not slow"

# on a CUDA machine: fine-tuning speed benchmark + notebook 05 (full profile) -> benchmarks/results/gpu.json
gpu-check: $(STAMP)
	$(BIN)/python benchmarks/gpu_check.py $(GPU_CHECK_ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf reports .pytest_cache
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) lib/*.egg-info
