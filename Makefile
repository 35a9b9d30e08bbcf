# lmindexer-ts — every target installs what it needs first (`make setup` is idempotent).
#   make figures   run every experiment (PRESET=small by default; PRESET=paper on a GPU; SMOKE=1; JOBS=N) → figures/
#   make test      typecheck + unit tests + headless execution of all notebooks in smoke mode
#   make unit      unit tests only (no notebooks)
SHELL := /bin/bash
PRESET ?= small
export PRESET
NODE_BIN := $(CURDIR)/node_modules/.bin
# Larger V8 semi-spaces: a training step makes many short-lived JS objects, and frequent scavenges on helper threads
# compete with the data-parallel replicas for the cores (docs/parallel-scaling.md; workers get the same size).
export NODE_OPTIONS := --max-semi-space-size=64 $(NODE_OPTIONS)
TEST_FILES ?= $(shell find test -name '*.test.ts' | sort)

.PHONY: setup setup-node setup-system test unit typecheck figures notebooks bench clean

setup: setup-node setup-system

setup-node: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

setup-system:
	@bash scripts/setup-system.sh

typecheck: setup-node
	$(NODE_BIN)/tsc --noEmit -p .

unit: setup-node
	node --import tsx --test --test-concurrency=1 $(TEST_FILES)

# The notebook test (test/notebooks/) executes every notebook headlessly in smoke mode when LMI_NOTEBOOKS=1,
# so one node:test summary closes the run.
test: setup typecheck
	LMI_NOTEBOOKS=1 node --import tsx --test --test-concurrency=1 $(TEST_FILES)

notebooks: setup
	bash scripts/run-notebooks.sh

# SMOKE=1: tiny sizes (minutes); JOBS=N: experiments computed at once (default one per core).
figures: setup
	$(NODE_BIN)/tsx src/cli.ts figures --preset $(PRESET) $(if $(filter 1,$(SMOKE)),--smoke,) $(if $(JOBS),--jobs $(JOBS),)

bench: setup
	$(NODE_BIN)/tsx bench/run.ts $(if $(QUICK),--quick,)

clean:
	rm -rf figures dist .cache
