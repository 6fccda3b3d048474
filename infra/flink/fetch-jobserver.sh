#!/usr/bin/env bash
# Puts a runnable Beam Flink job server into .cache/jars/ (git-ignored) and prints the launcher jar's path.
#
# The shaded org.apache.beam:beam-runners-flink-1.16-job-server:2.49.0 (and every other *-job-server jar)
# answers 404 on the Maven Central reachable here, so the server is assembled from the runner module
# beam-runners-flink-1.15:2.49.0 plus its dependencies (jobserver-pom.xml), and a manifest-only launcher jar
# makes `java -jar <launcher>` work (also as the SDK's flinkJobServerJar). Idempotent: an existing launcher
# whose classpath is complete is kept. Needs mvn and a JDK's `javac` and `jar` tools.
#
# Also builds .cache/jars/spec-beam-flink-staging.jar from staging/ (rebuilt when the source is newer): the
# pipeline-resources detector that lets a job skip uploading the job server's classpath to a cluster that has the
# runner jars installed (runner.stage_runner_jars: false; beam-runtime/flink-job-server.ts puts it on the classpath).
set -euo pipefail

BEAM_VERSION="${BEAM_VERSION:-2.49.0}"
FLINK_RUNNER="${FLINK_RUNNER:-1.15}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
JARS="${ROOT}/.cache/jars"
NAME="beam-runners-flink-${FLINK_RUNNER}-job-server-${BEAM_VERSION}"
LIB_REL="${NAME}-lib"
LIB="${JARS}/${LIB_REL}"
LAUNCHER="${JARS}/${NAME}.jar"
MAIN_CLASS="org.apache.beam.runners.flink.FlinkJobServerDriver"

complete() {
  [[ -s "${LAUNCHER}" && -s "${LIB}/.complete" ]] || return 1
  local jar
  while read -r jar; do [[ -s "${LIB}/${jar}" ]] || return 1; done < "${LIB}/.complete"
}

STAGING_JAR="${JARS}/spec-beam-flink-staging.jar"
STAGING_SRC="${HERE}/staging/dev/specbeam/flink/RunnerJarsOnCluster.java"

build_staging() {
  [[ -s "${STAGING_JAR}" && "${STAGING_JAR}" -nt "${STAGING_SRC}" ]] && return 0
  local javac="${JAVA_HOME:+${JAVA_HOME}/bin/}javac" jar="${JAVA_HOME:+${JAVA_HOME}/bin/}jar" tmp
  command -v "${javac}" >/dev/null || { echo "fetch-jobserver: '${javac}' not found (needs a JDK, e.g. openjdk-17-jdk-headless)" >&2; exit 1; }
  tmp="$(mktemp -d)"
  # the job server runs on Java 11+; the class only implements Beam's interface, so the runner lib is the classpath
  "${javac}" --release 11 -d "${tmp}/classes" -cp "${LIB}/*" "${STAGING_SRC}" >&2
  "${jar}" --create --file "${tmp}/staging.jar" -C "${tmp}/classes" . >&2
  mv "${tmp}/staging.jar" "${STAGING_JAR}"
  rm -rf "${tmp}"
}

if complete; then
  build_staging
  echo "${LAUNCHER}"
  exit 0
fi

command -v mvn >/dev/null || { echo "fetch-jobserver: mvn not found on PATH (apt-get install maven)" >&2; exit 1; }
JAR_TOOL="${JAVA_HOME:+${JAVA_HOME}/bin/}jar"
command -v "${JAR_TOOL}" >/dev/null || { echo "fetch-jobserver: '${JAR_TOOL}' not found (needs a JDK, e.g. openjdk-17-jdk-headless)" >&2; exit 1; }

mkdir -p "${LIB}"
rm -f "${LIB}/.complete"
echo "fetch-jobserver: resolving beam-runners-flink-${FLINK_RUNNER}:${BEAM_VERSION} and dependencies into ${LIB}" >&2
mvn -q -B -f "${HERE}/jobserver-pom.xml" \
  -Dbeam.version="${BEAM_VERSION}" -Dflink.runner="${FLINK_RUNNER}" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="${LIB}" >&2

RUNNER_JAR="beam-runners-flink-${FLINK_RUNNER}-${BEAM_VERSION}.jar"
[[ -s "${LIB}/${RUNNER_JAR}" ]] || { echo "fetch-jobserver: mvn finished but ${LIB}/${RUNNER_JAR} is missing" >&2; exit 1; }

# Manifest lines may hold at most 72 bytes; continuation lines start with one space.
TMP="$(mktemp -d)"
trap 'rm -rf "${TMP}"' EXIT
(cd "${LIB}" && ls -1 -- *.jar) > "${TMP}/jars"
{
  echo "Main-Class: ${MAIN_CLASS}"
  printf 'Class-Path:%s\n' "$(sed "s|^| ${LIB_REL}/|" "${TMP}/jars" | tr -d '\n')" | fold -b -w 71 | sed '1!s/^/ /'
} > "${TMP}/MANIFEST.MF"
"${JAR_TOOL}" --create --file "${TMP}/launcher.jar" --manifest "${TMP}/MANIFEST.MF"
mv "${TMP}/launcher.jar" "${LAUNCHER}"
cp "${TMP}/jars" "${LIB}/.complete"
build_staging
echo "${LAUNCHER}"
