#!/usr/bin/env bash
# Builds the Beam TypeScript SDK container's boot program (Go, github.com/apache/beam/sdks/v2/typescript/container at
# the SDK's version) into .cache/beam-boot/boot: the same program the Dockerfile installs as the image's entrypoint,
# used here for PROCESS workers (infra/docker/process-boot.sh) and by the tests. Needs Go >= 1.19 and the Go module
# proxy. Idempotent: prints the binary's path.
set -euo pipefail
BEAM_VERSION="${BEAM_VERSION:-2.49.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${SPEC_BEAM_BOOT_DIR:-$ROOT/.cache/beam-boot}"
BIN="$OUT/boot"
STAMP="$OUT/boot.version"
if [ -x "$BIN" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$BEAM_VERSION" ]; then
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null || { echo "build-boot.sh: go not found (Go >= 1.19 builds the Beam boot program)" >&2; exit 1; }
mkdir -p "$OUT/gobin"
# the package main's directory is named `container`, so that is the binary go install writes
GOBIN="$OUT/gobin" GOFLAGS=-mod=mod go install "github.com/apache/beam/sdks/v2/typescript/container@v${BEAM_VERSION}"
mv "$OUT/gobin/container" "$BIN"
rmdir "$OUT/gobin" 2>/dev/null || true
echo "$BEAM_VERSION" > "$STAMP"
echo "$BIN"
