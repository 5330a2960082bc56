# Two commands: `make report` builds the whole report, `make test` runs the test suite.
# Both create .venv (python3 -m venv) and install the pinned, hash-checked dependencies first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_STAMP := $(VENV)/.installed-lab
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: report test lint lab data lock clean

# Notebooks whose inputs (notebook, code, data, parameters) are unchanged are reused from
# reports/.cache; the others run in parallel, one kernel per core.
report: $(STAMP)
	$(BIN)/python -m analysis build

test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lab: $(LAB_STAMP)
	$(BIN)/jupyter lab notebooks

data: $(STAMP)
	$(BIN)/python -m analysis data rebuild

# The package is made importable through a .pth file: no build backend to fetch.
$(STAMP): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()['purelib'], 'bilateral_trade_suite.pth').write_text(str(pathlib.Path.cwd()) + '\n')"
	touch $(STAMP)

# The notebooks are MyST Markdown (jupytext, set up in pyproject.toml's [tool.jupytext]):
# JupyterLab's overrides in the venv open .md files as notebooks on a double click.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
$(LAB_STAMP): $(STAMP) requirements-lab.lock
	$(PIP) install --require-hashes --no-deps -r requirements-lab.lock
	mkdir -p $(LAB_SETTINGS)
	printf '%s\n' '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}}}' > $(LAB_SETTINGS)/overrides.json
	touch $(LAB_STAMP)

# Maintainers only: re-pin every dependency after editing pyproject.toml (needs uv from PyPI).
lock:
	$(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet uv
	.lock-venv/bin/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes --no-header -q -o requirements.lock
	.lock-venv/bin/uv pip compile pyproject.toml --extra test --extra lab --universal --python-version 3.11 --generate-hashes --no-header -q -c requirements.lock -o requirements-lab.lock
	rm -rf .lock-venv

clean:
	rm -rf reports $(VENV)

# Benchmarks of the panel indicators (benchmarks/README.md): BACI-shaped panels, generated
# once into benchmarks/data/; more sizes with, say, make bench BENCH_ROWS="1000000 50000000".
BENCH_ROWS ?= 1000000 10000000
# The Ibis indicators on DuckDB against SQL, to 100 million rows (1.1 GB of Parquet, generated
# once), with Spark local at 1 million: about 40 minutes here.
ENGINE_ROWS ?= 1000000 10000000 100000000
SPARK_ROWS ?= 1000000
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench_data
	$(BIN)/python -m benchmarks.bench_build
	$(BIN)/python -m benchmarks.bench_readers
	$(BIN)/python -m benchmarks.bench_panel --rows $(BENCH_ROWS)
	$(BIN)/python -m benchmarks.bench_engines --rows $(ENGINE_ROWS) --spark-rows $(SPARK_ROWS)
