#!/usr/bin/env bash
# Fetches the Beam Flink 1.16 job server (shaded jar) into .cache/jars/ so that
# runs never depend on the SDK's own download logic. Idempotent: a present jar is kept.
set -euo pipefail

BEAM_VERSION="${BEAM_VERSION:-2.49.0}"
FLINK_VERSION="${FLINK_VERSION:-1.16}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT_DIR="${ROOT}/.cache/jars"
NAME="beam-runners-flink-${FLINK_VERSION}-job-server"
JAR="${OUT_DIR}/${NAME}-${BEAM_VERSION}.jar"

if [[ -s "${JAR}" ]]; then
  echo "${JAR}"
  exit 0
fi

command -v mvn >/dev/null || { echo "fetch-jobserver: mvn not found on PATH (apt-get install maven)" >&2; exit 1; }
mkdir -p "${OUT_DIR}"
mvn -q dependency:copy \
  -Dartifact="org.apache.beam:${NAME}:${BEAM_VERSION}:jar" \
  -DoutputDirectory="${OUT_DIR}" >&2

if [[ ! -s "${JAR}" ]]; then
  echo "fetch-jobserver: mvn finished but ${JAR} is missing" >&2
  exit 1
fi
echo "${JAR}"
