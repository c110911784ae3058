# Python beacon node for Ethereum 2.0 phase0 (spec v0.8.4).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPEC_TESTS_DIR ?= ../shared/spec-tests/v0.8.4/tests
export SPEC_TESTS_DIR

.PHONY: install capacity fuzz killtest soak test spec-tests bench run interop-js peers interop-2019 interop-2019-full pi-check testnet testnet-full clean

$(STAMP): pyproject.toml
	bash scripts/system-deps.sh
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

FUZZ_STAMP := $(VENV)/.fuzz-installed
FUZZ_RUNS ?= 1000000
export FUZZ_RUNS

$(FUZZ_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install -q -e '.[fuzz]'
	touch $(FUZZ_STAMP)

# Every fuzz target (fuzz/) for FUZZ_RUNS inputs each; per-target counts on stdout.
# FUZZ_MAX_TIME=S caps each target at S seconds (the count run is what gets printed);
# FUZZ_FROM=NAME resumes a run at that target.
fuzz: $(FUZZ_STAMP)
	$(BIN)/python -m fuzz --runs $(FUZZ_RUNS) $(if $(FUZZ_MAX_TIME),--max-time $(FUZZ_MAX_TIME)) $(if $(FUZZ_FROM),--from $(FUZZ_FROM))

test: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider

# Kill loop (scripts/killtest.py): a node with 64 validators SIGKILLed and restarted KILLS
# times in import, epoch transition, a LevelDB batch, signing or start-up; store, head and
# finality checked after restarts, double-sign audit at the end. Report in KILLTEST_OUT.
KILLS ?= 100
KILLTEST_OUT ?= killtest-report
killtest: $(STAMP)
	nice -n 10 $(BIN)/python scripts/killtest.py --kills $(KILLS) --out $(KILLTEST_OUT)

# Soak (scripts/soak.py): two nodes (A with 64 validators, B following) at 1 s slots for
# EPOCHS epochs; fails on RSS growth > 1 MB/100 epochs after warm-up or any FD growth.
# soak.csv and soak.png (matplotlib: the `soak` extra) in SOAK_OUT.
EPOCHS ?= 1000
SOAK_OUT ?= soak-report
SOAK_STAMP := $(VENV)/.soak-installed
$(SOAK_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install -q -e '.[soak]'
	touch $(SOAK_STAMP)

soak: $(SOAK_STAMP)
	nice -n 10 $(BIN)/python scripts/soak.py --epochs $(EPOCHS) --out $(SOAK_OUT)

# Validators one node carries (scripts/capacity.py): the largest of COUNTS at which a node
# at 6 s slots finalizes every epoch for 4 epochs, with its CPU share and RSS.
COUNTS ?= 1024,4096,10000,16384
capacity: $(STAMP)
	$(BIN)/python scripts/capacity.py --counts $(COUNTS)

spec-tests: $(STAMP)
	$(BIN)/python -m spec_tests --config minimal

bench: $(STAMP)
	$(BIN)/python -m bench

run: $(STAMP)
	bash scripts/run-local.sh

interop-js: $(STAMP)
	bash scripts/interop-js.sh

# The 2019 interop peers (Lodestar a740650, Trinity 019f8ea) built from ../shared into
# .peers/ with our patches; then the paired exercises (interop/run-2019.sh).
peers:
	bash interop/build-peers.sh all

interop-2019: $(STAMP)
	bash interop/run-2019.sh quick

interop-2019-full: $(STAMP)
	bash interop/run-2019.sh full interop-report-full

# Local testnets (beacon-node testnet): the quick set is exercises 1-5 at 1 s slots and the
# induced fork; the full set adds exercise 6 to epoch 128 with the bonus late joiner and
# the Beyond scenarios. Report in testnet-report/ (REPORT.md, report.html).
TESTNET_REPORT ?= testnet-report
testnet: $(STAMP)
	nice -n 10 $(BIN)/beacon-node testnet run quick --report $(TESTNET_REPORT)

testnet-full: $(STAMP)
	nice -n 10 $(BIN)/beacon-node testnet run full --report $(TESTNET_REPORT)

# Opt-in, needs root, 30-90 min the first time (the arm64 root is cached in .pi/): install
# and run on emulated 64-bit Arm (Raspberry Pi). See scripts/pi-check.sh.
pi-check: $(STAMP)
	nice -n 19 bash scripts/pi-check.sh

clean:
	rm -rf $(VENV) build *.egg-info
