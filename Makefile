# The user interface of spec-beam: `make demo` and `make test` work on a fresh machine in one command
# (Debian packages, npm packages and the build are installed on first use).
SHELL := /bin/bash
NATIVE := linalg/native/build/Release/spec_linalg.node
APT_INSTALL := apt-get install -y -qq --no-install-recommends
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps sysdeps testdeps build native ts lint test demo bench bench-flink clean

all: build

# OpenBLAS + LAPACKE headers for the native linear-algebra backend.
sysdeps:
	@if [ ! -f /usr/include/x86_64-linux-gnu/cblas.h ] && [ ! -f /usr/include/cblas.h ] || [ ! -f /usr/include/lapacke.h ]; then \
	  echo "[make] installing libopenblas-dev liblapacke-dev"; \
	  $(SUDO) apt-get update -qq && $(SUDO) $(APT_INSTALL) libopenblas-dev liblapacke-dev >/dev/null; \
	fi

# What only the tests need: headless Chromium (report test), a GCS-compatible server (storage tests), the Beam
# Flink job server jars (engine tests), Beam's worker boot program built from Go source (PROCESS-worker test), the Flink 1.15.0 runtime jars for the local multi-process cluster (test/flink-cluster.test.ts). `make test` then requires all of them (SPEC_BEAM_REQUIRE_SERVICES=1).
FAKE_GCS := $(HOME)/go/bin/fake-gcs-server
testdeps: sysdeps
	@if ! command -v chromium >/dev/null; then \
	  echo "[make] installing chromium"; \
	  $(SUDO) apt-get update -qq && $(SUDO) $(APT_INSTALL) chromium >/dev/null; \
	fi
	@if [ ! -x $(FAKE_GCS) ] && ! command -v fake-gcs-server >/dev/null; then \
	  echo "[make] building fake-gcs-server (Go module proxy)"; \
	  GOFLAGS=-mod=mod go install github.com/fsouza/fake-gcs-server@v1.56.1; \
	fi
	@bash infra/flink/fetch-jobserver.sh >/dev/null
	@bash infra/flink/cluster.sh fetch >/dev/null
	@bash infra/docker/build-boot.sh >/dev/null

# node_modules/spec-beam -> .. lets Beam workers `require("spec-beam/dist/...")` (beam-runtime/register.ts).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	ln -sfn .. node_modules/spec-beam
	@touch $@

deps: sysdeps node_modules/.installed

# node-gyp would download Node's headers (no network here): use the installed ones when present.
NODEDIR := $(shell [ -f /usr/include/node/node_api.h ] && echo --nodedir=/usr)

$(NATIVE): linalg/native/binding.gyp $(wildcard linalg/native/src/*)
	cd linalg/native && ../../node_modules/.bin/node-gyp rebuild $(NODEDIR) >/dev/null

native: deps $(NATIVE)

ts: deps
	npx tspc -p tsconfig.json

build: native ts

lint: deps
	npx eslint .

test: build testdeps lint
	PATH="$(HOME)/go/bin:$$PATH" SPEC_BEAM_REQUIRE_SERVICES=1 npx mocha 'dist/test/**/*.test.js'

demo: build
	node dist/pipelines/cli.js demo --out out/demo

# One JSON object per benchmark; BENCH_ARGS passes options, e.g. BENCH_ARGS="--imagenet" or "--n 100000 --rff 3000".
bench: build
	@node dist/bench/syrk.js
	@node dist/bench/pipeline.js $(BENCH_ARGS)

# A Flink job's fixed cost on a local multi-process cluster, with and without shipping the runner jars
# (infra/README.md, "The per-job upload"); needs the jars and boot program `make testdeps` fetches.
bench-flink: build testdeps
	@node dist/bench/flink-submit.js $(BENCH_ARGS)

clean:
	rm -rf dist linalg/native/build out
