# The user interface of spec-beam: `make demo` and `make test` work on a fresh machine in one command.
SHELL := /bin/bash
NATIVE := linalg/native/build/Release/spec_linalg.node

.PHONY: all deps sysdeps build native ts lint test demo bench clean

all: build

# Debian packages: OpenBLAS + LAPACKE headers for the native backend.
sysdeps:
	@if [ ! -f /usr/include/x86_64-linux-gnu/cblas.h ] && [ ! -f /usr/include/cblas.h ] || [ ! -f /usr/include/lapacke.h ]; then \
	  echo "installing libopenblas-dev liblapacke-dev"; \
	  (apt-get update -qq && apt-get install -y -qq libopenblas-dev liblapacke-dev) >/dev/null || \
	  echo "warning: could not install OpenBLAS/LAPACKE; the portable backend will be used"; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: sysdeps node_modules/.installed

$(NATIVE): linalg/native/binding.gyp $(wildcard linalg/native/src/*)
	cd linalg/native && ../../node_modules/.bin/node-gyp rebuild >/dev/null || echo "warning: native backend not built; the portable backend will be used"

native: deps $(NATIVE)

ts: deps
	npx tspc -p tsconfig.json

build: native ts

lint: deps
	npx eslint .

test: build lint
	npx mocha

demo: build
	node dist/pipelines/cli.js demo --out out/demo

bench: build
	node dist/bench/syrk.js

clean:
	rm -rf dist linalg/native/build out
