# airlock — build, test, demo and benchmark entry points.
# `make demo` and `make test` work on a fresh Debian 12 machine with Swift 6.3.

SHELL        := /bin/bash
SWIFT        ?= swift
DEB_PACKAGES := libssl-dev libsodium-dev libarchive-dev pkg-config
# Independent peers for the interop tests; optional: tests that need them skip without them.
TEST_PACKAGES := skopeo umoci
VENV         := .venv
PYTHON       := $(VENV)/bin/python
DEBUG_BIN    := .build/debug/airlock
RELEASE_BIN  := .build/release/airlock
SHARED       ?= $(abspath ../shared)
# Release builds link the Swift runtime and Foundation statically: airlock runs as many short
# processes (one verification each), and dynamic symbol binding was a third of their CPU time.
RELEASE_FLAGS := --static-swift-stdlib

.PHONY: all deps test-tools build release venv test unit-tests interop-tests conformance demo bench clean

all: build

## deps: install the Debian packages airlock links against (apt-get when root, else print the command).
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if ! python3 -m venv --help >/dev/null 2>&1; then missing="$$missing python3-venv"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "deps: missing Debian packages; run: sudo apt-get install -y$$missing" >&2; exit 1; \
	  fi; \
	fi

## test-tools: install the optional interop peers (skopeo, umoci) when root; else their tests skip.
test-tools:
	@missing=""; \
	for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "test-tools: installing$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null) \
	      || echo "test-tools: could not install$$missing; the tests that need them will skip"; \
	  else echo "test-tools: not root; tests that need$$missing will skip (sudo apt-get install -y$$missing)"; fi; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS)

## venv: the Python virtual environment of the interop tests (an independent implementation).
venv: $(VENV)/.ready
$(VENV)/.ready:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check cryptography pynacl
	touch $@

## test: everything CI runs.
test: deps venv unit-tests interop-tests conformance

unit-tests: deps
	$(SWIFT) build --build-tests
	AIRLOCK_PYTHON=$(abspath $(PYTHON)) $(SWIFT) test --skip-build --parallel

interop-tests: build venv test-tools
	@for t in Tests/interop/*.sh; do \
	  [ -e "$$t" ] || continue; \
	  echo "== $$t"; \
	  AIRLOCK=$(abspath $(DEBUG_BIN)) PYTHON=$(abspath $(PYTHON)) SHARED=$(SHARED) bash "$$t" || exit 1; \
	done

## conformance: the public sigstore-conformance bundle-verify cases (skipped without ../shared).
conformance: deps
	@if [ -x "$(SHARED)/conformance/run-bundle-verify" ] && [ -x Tests/conformance/airlock-conformance ]; then \
	  $(MAKE) --no-print-directory release && \
	  "$(SHARED)/conformance/run-bundle-verify" "$(abspath Tests/conformance/airlock-conformance)"; \
	else echo "conformance: skipped ($(SHARED)/conformance or the entry point is absent)"; fi

## demo: the main job on the embedded example in Fixtures/ with the key pair in keys-example/.
demo: build
	@bash Fixtures/demo.sh $(abspath $(DEBUG_BIN))

## bench: benchmarks printed as ratios against peers measured in the same run.
bench: release
	@for b in Tests/bench/*.sh; do [ -e "$$b" ] || continue; echo "== $$b"; AIRLOCK=$(abspath $(RELEASE_BIN)) SHARED=$(SHARED) bash "$$b" || exit 1; done

clean:
	rm -rf .build $(VENV)
