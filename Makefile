# iadsim: the two commands are `make run` and `make test`; everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEED ?= 1
OUT ?= out/caracas
N ?= 200
# optional parts the venv installs: dev (tests, lint, benchmarks), cluster (Dask), web,
# notebook, fast (numba: the compiled tracker of the Kalman mode)
EXTRAS ?= dev,cluster,web,notebook,fast

.PHONY: run test bench lint venv clean vendor chromium tshark screenshots case-study

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=77'
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/iadsim run scenarios/caracas-2026-01-03.yaml --seed $(SEED) --out $(OUT)
	rm -rf $(OUT)-mc
	$(BIN)/iadsim mc scenarios/caracas-2026-01-03.yaml -n $(N) --workers 2 --seed $(SEED) --out $(OUT)-mc
	$(BIN)/iadsim report $(OUT) --scenario scenarios/caracas-2026-01-03.yaml --coverage-agl 60
	$(BIN)/iadsim report $(OUT)-mc

test: $(STAMP) chromium tshark
	IADSIM_REQUIRE_TSHARK=1 $(BIN)/python -m pytest -n 2

# the browser tests drive Debian's chromium (no browser download): install it when missing
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# the DIS and ASTERIX tests read our captures with Wireshark's dissectors: Debian's tshark,
# installed without the setuid dumpcap question
tshark:
	@command -v tshark >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  echo "wireshark-common wireshark-common/install-setuid boolean false" | $$SUDO debconf-set-selections; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq tshark; }

# refresh the vendored front-end files (milsymbol, Leaflet, Natural Earth land) from npm
vendor:
	tools/vendor_js.sh

# docs/report.png and docs/playback.png, from the browser tests' screenshots
screenshots: $(STAMP) chromium
	IADSIM_SCREENSHOTS=docs $(BIN)/python -m pytest -q -p no:xdist tests/web/test_browser.py

# regenerates docs/case-study.md, docs/vignettes.md, their figures and the README block
# (every number from the runs; measured 14.2 min from nothing on 2 quiet cores, ~0.14 s per
# Caracas replication, 215 per attribution subset for the 3-point target; QUICK=1: a reduced
# run; resumable: the runs are kept in out/case-study)
case-study: $(STAMP)
	$(BIN)/iadsim case-study --workers 2 --resume $(if $(QUICK),--quick,)

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info
