#!/usr/bin/env bash
# A local multi-process Flink 1.15.0 session cluster on 127.0.0.1: one JobManager
# (StandaloneSessionClusterEntrypoint) and N TaskManagers (TaskManagerRunner), each its own background JVM.
#
#   infra/flink/cluster.sh start [--taskmanagers N] [--slots S] [--rest-port P] [--no-runner-jars]
#                                (defaults N=2, S=2, P=8081)
#   infra/flink/cluster.sh status        exit 0: all recorded JVMs alive; 1: some dead; 3: no cluster recorded
#   infra/flink/cluster.sh stop          TERM, wait, KILL exactly the recorded pids; removes the pid file
#   infra/flink/cluster.sh fetch         only resolve the jars (start does it too)
#
# flink-dist is not on Maven Central, so the runtime modules and their dependencies are resolved through
# cluster-pom.xml into .cache/flink-cluster/lib/ (once; skipped when complete). The Flink version must equal the
# Beam job server's (beam-runners-flink-1.15:2.49.0 -> Flink 1.15.0); start checks .cache/jars/ when present.
# JVM memory flags and dynamic properties are computed the way Flink's bin/ scripts do (BashJavaUtils
# GET_JM_RESOURCE_PARAMS / GET_TM_RESOURCE_PARAMS); without them a TaskManager fails ("taskmanager.cpu.cores ...
# is not set").
#
# Cluster dir (env SPEC_BEAM_FLINK_CLUSTER_DIR, default .cache/flink-cluster/run/):
#   conf/ (flink-conf.yaml, log4j.properties)     written by start
#   log/<role>.log (Flink's log), log/<role>.out (JVM stdout/stderr); role = jobmanager, taskmanager-<i>
#   <role>/tmp (io.tmp.dirs, java.io.tmpdir), <role>/blob (blob.storage.directory), jobmanager/web (web.tmpdir)
#   cluster.pids ("<role> <pid>" lines), cluster.env (REST_PORT, RPC_PORT, TASKMANAGERS, SLOTS)
# start wipes log/ and the <role>/ dirs of the previous cluster in that dir.
#
# Runner jars: unless --no-runner-jars, every JVM's classpath also holds the Beam job server's jars (.cache/jars/,
# infra/flink/fetch-jobserver.sh) minus Flink's own modules, slf4j and any artifact lib/ already has, so a job
# submitted with runner.stage_runner_jars: false ships no jars: without this each job uploads the job server's
# ~154 MB classpath to the JobManager and every TaskManager keeps a copy in its blob cache until the job's blobs are
# cleaned up (blob.service.cleanup.interval, 60 s here instead of an hour). The JobManager needs them too: it
# instantiates Beam's input formats. The list is written to <cluster dir>/runner-jars.txt.
#
# Environment: SPEC_BEAM_FLINK_REST_PORT (default 8081; 0 = pick a free port), SPEC_BEAM_FLINK_JAVA_HOME
# (else Debian's Java 17, else JAVA_HOME, else java), SPEC_BEAM_FLINK_JM_MEMORY (1024m),
# SPEC_BEAM_FLINK_TM_MEMORY (2048m), SPEC_BEAM_FLINK_TM_OFFHEAP (task off-heap, 512m), SPEC_BEAM_FLINK_START_TIMEOUT (90 s), SPEC_BEAM_FLINK_STOP_TIMEOUT (30 s).
# Everything binds to 127.0.0.1.
set -euo pipefail

FLINK_VERSION="1.15.0"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
BASE="${ROOT}/.cache/flink-cluster"
LIB="${BASE}/lib"
DIR="${SPEC_BEAM_FLINK_CLUSTER_DIR:-${BASE}/run}"
CONF="${DIR}/conf"
PIDS="${DIR}/cluster.pids"
ENVF="${DIR}/cluster.env"
JM_CLASS="org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"
TM_CLASS="org.apache.flink.runtime.taskexecutor.TaskManagerRunner"
DEBIAN_JAVA17="/usr/lib/jvm/java-17-openjdk-amd64"

# Same as JAVA17_FLAGS in beam-runtime/flink-job-server.ts (the openings Flink documents for Java 17).
JAVA17_FLAGS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.math=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
)

say() { echo "flink-cluster: $*"; }
die() { echo "flink-cluster: $*" >&2; exit 1; }
usage_error() { echo "flink-cluster: $* (usage: cluster.sh start|stop|status|fetch [--taskmanagers N] [--slots S] [--rest-port P] [--no-runner-jars])" >&2; exit 2; }

# ---------------------------------------------------------------- arguments
[[ $# -ge 1 ]] || usage_error "missing command"
CMD="$1"; shift
case "${CMD}" in
  start|stop|status|fetch) ;;
  -h|--help|help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) usage_error "unknown command '${CMD}'" ;;
esac
NTM=2
SLOTS=2
RUNNER_JARS=1
REST_PORT="${SPEC_BEAM_FLINK_REST_PORT:-8081}"
need_value() { [[ $# -ge 2 && -n "$2" ]] || usage_error "$1 needs a value"; }
while [[ $# -gt 0 ]]; do
  [[ "${CMD}" == start ]] || usage_error "'${CMD}' takes no options (got '$1')"
  case "$1" in
    --taskmanagers) need_value "$@"; NTM="$2"; shift 2 ;;
    --taskmanagers=*) NTM="${1#*=}"; shift ;;
    --slots) need_value "$@"; SLOTS="$2"; shift 2 ;;
    --slots=*) SLOTS="${1#*=}"; shift ;;
    --rest-port) need_value "$@"; REST_PORT="$2"; shift 2 ;;
    --rest-port=*) REST_PORT="${1#*=}"; shift ;;
    --no-runner-jars) RUNNER_JARS=0; shift ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
[[ "${NTM}" =~ ^[1-9][0-9]*$ && "${NTM}" -le 32 ]] || usage_error "--taskmanagers must be an integer 1..32, got '${NTM}'"
[[ "${SLOTS}" =~ ^[1-9][0-9]*$ && "${SLOTS}" -le 64 ]] || usage_error "--slots must be an integer 1..64, got '${SLOTS}'"
[[ "${REST_PORT}" =~ ^[0-9]+$ && "${REST_PORT}" -le 65535 ]] || usage_error "REST port must be 0..65535, got '${REST_PORT}'"
JM_MEMORY="${SPEC_BEAM_FLINK_JM_MEMORY:-1024m}"
TM_MEMORY="${SPEC_BEAM_FLINK_TM_MEMORY:-2048m}"
TM_OFFHEAP="${SPEC_BEAM_FLINK_TM_OFFHEAP:-512m}"
START_TIMEOUT="${SPEC_BEAM_FLINK_START_TIMEOUT:-90}"
STOP_TIMEOUT="${SPEC_BEAM_FLINK_STOP_TIMEOUT:-30}"
[[ "${START_TIMEOUT}" =~ ^[0-9]+$ && "${STOP_TIMEOUT}" =~ ^[0-9]+$ ]] || usage_error "SPEC_BEAM_FLINK_START_TIMEOUT/STOP_TIMEOUT must be seconds"

# ---------------------------------------------------------------- helpers
java_bin() {
  local home="${SPEC_BEAM_FLINK_JAVA_HOME:-}"
  [[ -n "${home}" ]] || { [[ -x "${DEBIAN_JAVA17}/bin/java" ]] && home="${DEBIAN_JAVA17}"; } || true
  [[ -n "${home}" ]] || home="${JAVA_HOME:-}"
  if [[ -n "${home}" ]]; then echo "${home}/bin/java"; else echo java; fi
}

lib_complete() {
  [[ -s "${LIB}/.complete" ]] || return 1
  local jar
  while read -r jar; do [[ -s "${LIB}/${jar}" ]] || return 1; done < "${LIB}/.complete"
}

ensure_lib() {
  if lib_complete; then return 0; fi
  command -v mvn >/dev/null || die "mvn not found on PATH (apt-get install maven)"
  rm -rf "${LIB}"
  mkdir -p "${LIB}"
  echo "flink-cluster: resolving Flink ${FLINK_VERSION} runtime (cluster-pom.xml) into ${LIB}" >&2
  mvn -q -B -Dstyle.color=never -f "${HERE}/cluster-pom.xml" -Dflink.version="${FLINK_VERSION}" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="${LIB}" >&2 \
    || die "mvn dependency:copy-dependencies of ${HERE}/cluster-pom.xml failed"
  local want
  for want in flink-runtime flink-runtime-web flink-rpc-akka-loader flink-streaming-java flink-clients; do
    [[ -s "${LIB}/${want}-${FLINK_VERSION}.jar" ]] || die "mvn finished but ${LIB}/${want}-${FLINK_VERSION}.jar is missing"
  done
  (cd "${LIB}" && ls -1 -- *.jar) > "${LIB}/.complete"
}

# The job server's Flink (if it has been fetched) must be the cluster's.
check_jobserver_version() {
  local js
  js="$(ls "${ROOT}"/.cache/jars/*-lib/flink-runtime-[0-9]*.jar 2>/dev/null | head -n 1 || true)"
  [[ -n "${js}" ]] || return 0
  js="$(basename "${js}" .jar)"; js="${js#flink-runtime-}"
  [[ "${js}" == "${FLINK_VERSION}" ]] || die "the Beam job server in .cache/jars uses Flink ${js}, this cluster is Flink ${FLINK_VERSION}"
}

# A port is busy when something accepts on 127.0.0.1 or listens on it on any address.
port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
  command -v ss >/dev/null && ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
  return 1
}
free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    port_busy "${p}" || { echo "${p}"; return 0; }
  done
  die "could not find a free port on 127.0.0.1"
}

# pid is alive and is the JVM of this cluster dir (guards against pid reuse).
pid_ours() {
  local pid="$1" cmd
  [[ -r "/proc/${pid}/cmdline" ]] || return 1
  cmd="$(tr '\0' ' ' < "/proc/${pid}/cmdline" 2>/dev/null)" || return 1
  [[ "${cmd}" == *"--configDir ${CONF} "* && ( "${cmd}" == *"${JM_CLASS}"* || "${cmd}" == *"${TM_CLASS}"* ) ]]
}
pid_alive() { kill -0 "$1" 2>/dev/null && pid_ours "$1"; }

rest() { curl -sf --max-time 3 "http://127.0.0.1:${REST_PORT}$1"; }
json_num() { { grep -o "\"$1\":[0-9]*" || true; } | head -n 1 | cut -d: -f2; }

log_tail() {
  local role="$1" n="${2:-30}" f
  for f in "${DIR}/log/${role}.log" "${DIR}/log/${role}.out"; do
    [[ -s "${f}" ]] || continue
    echo "---- last ${n} lines of ${f}" >&2
    tail -n "${n}" "${f}" >&2
  done
}

# BashJavaUtils prints "BASH_JAVA_UTILS_EXEC_RESULT:<jvm params>" then "...:<dynamic configs>".
resource_params() {
  local what="$1" out results
  out="$("${JAVA}" -classpath "${LIB}/*" org.apache.flink.runtime.util.bash.BashJavaUtils "${what}" --configDir "${CONF}" 2>&1)" \
    || { echo "${out}" | tail -n 20 >&2; die "BashJavaUtils ${what} failed (conf ${CONF}/flink-conf.yaml)"; }
  results="$(echo "${out}" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  [[ "$(echo "${results}" | grep -c .)" -eq 2 ]] || { echo "${out}" | tail -n 20 >&2; die "BashJavaUtils ${what}: expected 2 result lines"; }
  echo "${results}"
}

load_env() {
  [[ -s "${ENVF}" ]] || return 1
  # shellcheck disable=SC1090
  source "${ENVF}"
}

# ---------------------------------------------------------------- stop
stop_pids() {  # stop_pids: TERM all recorded live pids (TaskManagers first), wait, KILL the rest
  [[ -s "${PIDS}" ]] || return 0
  local role pid live=() waited=0
  while read -r role pid; do
    [[ -n "${pid}" ]] || continue
    if pid_alive "${pid}"; then
      live+=("${pid}")
    elif kill -0 "${pid}" 2>/dev/null; then
      say "${role} pid ${pid} is now another process; not touching it"
    fi
  done < <(grep -v '^jobmanager ' "${PIDS}"; grep '^jobmanager ' "${PIDS}" || true)
  for pid in "${live[@]}"; do kill -TERM "${pid}" 2>/dev/null || true; done
  while :; do
    local still=()
    for pid in "${live[@]}"; do pid_alive "${pid}" && still+=("${pid}"); done
    [[ ${#still[@]} -gt 0 ]] || break
    if [[ ${waited} -ge $(( STOP_TIMEOUT * 5 )) ]]; then
      say "pids ${still[*]} still alive after ${STOP_TIMEOUT} s; sending KILL"
      for pid in "${still[@]}"; do kill -KILL "${pid}" 2>/dev/null || true; done
      sleep 0.5
      break
    fi
    sleep 0.2; waited=$(( waited + 1 ))
  done
  rm -f "${PIDS}"
}

cmd_stop() {
  if [[ ! -s "${PIDS}" ]]; then say "no cluster recorded in ${DIR}"; return 0; fi
  local pids; pids="$(awk '{print $2}' "${PIDS}" | tr '\n' ' ')"
  stop_pids
  say "stopped (pids ${pids% })"
}

# ---------------------------------------------------------------- status
cmd_status() {
  if [[ ! -s "${PIDS}" ]]; then say "no cluster recorded in ${DIR}"; exit 3; fi
  load_env || true
  local role pid dead=0 ov
  say "dir ${DIR}, REST http://127.0.0.1:${REST_PORT}"
  while read -r role pid; do
    if pid_alive "${pid}"; then echo "  ${role} pid ${pid} alive"; else echo "  ${role} pid ${pid} dead"; dead=$(( dead + 1 )); fi
  done < "${PIDS}"
  if ov="$(rest /overview)"; then
    echo "  overview: taskmanagers $(json_num taskmanagers <<<"${ov}"), slots-total $(json_num slots-total <<<"${ov}"), slots-available $(json_num slots-available <<<"${ov}"), jobs running $(json_num jobs-running <<<"${ov}") (finished $(json_num jobs-finished <<<"${ov}"), cancelled $(json_num jobs-cancelled <<<"${ov}"), failed $(json_num jobs-failed <<<"${ov}")), flink $(grep -o '"flink-version":"[^"]*"' <<<"${ov}" | cut -d'"' -f4)"
  else
    echo "  overview: REST API at 127.0.0.1:${REST_PORT} does not answer"
    dead=$(( dead + 1 ))
  fi
  [[ ${dead} -eq 0 ]] || exit 1
}

# ---------------------------------------------------------------- start
write_conf() {
  mkdir -p "${CONF}"
  cat > "${CONF}/flink-conf.yaml" <<EOF
# Written by infra/flink/cluster.sh start; rewritten on every start.
# Loopback only: every listener (JobManager RPC, blob server, REST, TaskManager RPC, shuffle, metrics) binds to
# 127.0.0.1 and advertises 127.0.0.1.
jobmanager.rpc.address: 127.0.0.1
jobmanager.bind-host: 127.0.0.1
jobmanager.rpc.port: ${RPC_PORT}
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: ${REST_PORT}
rest.bind-port: ${REST_PORT}

taskmanager.numberOfTaskSlots: ${SLOTS}
# spread a job's subtasks over all TaskManagers instead of filling the first one
cluster.evenly-spread-out-slots: true
jobmanager.memory.process.size: ${JM_MEMORY}
taskmanager.memory.process.size: ${TM_MEMORY}
# Beam's Fn API (gRPC/netty inside the Beam runner, i.e. user code to Flink) sends elements to the SDK workers
# through direct buffers, which count against task off-heap memory (Flink's default: 0). With the default a
# compare of 3000 rows x 4000 features (Gram tiles of 2 MiB, 8 MiB per grouped tile) failed with
# "OutOfMemoryError: Direct buffer memory". Managed memory (Flink's sorter for GroupByKey) gets 20% instead of 40%.
taskmanager.memory.task.off-heap.size: ${TM_OFFHEAP}
taskmanager.memory.managed.fraction: 0.2

# Failover tests: a killed TaskManager is declared lost after heartbeat.timeout (8 s; heartbeats every 2 s), and
# the job restarts up to 10 times 3 s apart, i.e. it keeps trying for ~30 s, well past the heartbeat timeout,
# so a restarted or surviving TaskManager can take the job over. A job that cannot get slots (e.g. not enough
# TaskManagers) fails after slot.request.timeout (20 s) instead of Flink's default 5 minutes.
# TaskManagers started together with the JobManager retry reaching its ResourceManager after this delay
# (default 10 s, which would add 10 s to every start)
cluster.registration.error-delay: 1000

heartbeat.interval: 2000
heartbeat.timeout: 8000
restart-strategy: fixed-delay
restart-strategy.fixed-delay.attempts: 10
restart-strategy.fixed-delay.delay: 3 s
slot.request.timeout: 20000
# With the runner jars installed (the default) Beam's classes are on the system classpath, and a job that still
# ships them must load them from there too, else the two copies collide (LinkageError: loader constraint violation
# in Beam's vendored grpc); Flink's default child-first otherwise (--no-runner-jars)
classloader.resolve-order: $([[ "${RUNNER_JARS}" -eq 1 ]] && echo parent-first || echo child-first)
# a finished job's blobs (its jars, when it ships any) leave the blob caches after at most a minute, not an hour
blob.service.cleanup.interval: 60

# Per-process scratch dirs (io.tmp.dirs, blob.storage.directory) are passed as -D on each JVM's command line
# (under ${DIR}/<role>/), so each TaskManager's blob cache can be inspected and removed.
web.tmpdir: ${DIR}/jobmanager/web
EOF
  cat > "${CONF}/log4j.properties" <<'EOF'
# Flink's default log4j.properties: one file per process, ${sys:log.file} set on each JVM's command line.
monitorInterval = 30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
logger.akka.name = akka
logger.akka.level = INFO
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = INFO
logger.shaded_zookeeper.name = org.apache.flink.shaded.zookeeper3
logger.shaded_zookeeper.level = INFO
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = OFF
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.filePattern = ${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 100MB
appender.main.policies.startup.type = OnStartupTriggeringPolicy
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = 10
EOF
}

# The classpath of every JVM: lib/ and (RUNNER_JARS=1) the runner jars that lib/ lacks, by artifact name (the text
# before "-<digit>"), so where both have an artifact Flink's version is the only one on the classpath.
JVM_CLASSPATH=""
runner_classpath() {
  JVM_CLASSPATH="${LIB}/*"
  [[ "${RUNNER_JARS}" -eq 1 ]] || { : > "${DIR}/runner-jars.txt"; return 0; }
  local jslib jar name
  jslib="$(ls -d "${ROOT}"/.cache/jars/*-lib 2>/dev/null | head -n 1 || true)"
  [[ -n "${jslib}" ]] || die "no Beam job server in .cache/jars to take the runner jars from: run infra/flink/fetch-jobserver.sh (or start with --no-runner-jars)"
  declare -A have=()
  for jar in "${LIB}"/*.jar; do name="$(basename "${jar}")"; have["${name%%-[0-9]*}"]=1; done
  : > "${DIR}/runner-jars.txt"
  for jar in "${jslib}"/*.jar; do
    name="$(basename "${jar}")"; name="${name%%-[0-9]*}"
    [[ "${name}" == flink-* || "${name}" == slf4j-* || -n "${have[${name}]:-}" ]] && continue
    echo "${jar}" >> "${DIR}/runner-jars.txt"
    JVM_CLASSPATH="${JVM_CLASSPATH}:${jar}"
  done
}

# launch ROLE CLASS "JVM PARAMS" "DYNAMIC CONFIGS" [extra program args...]: background JVM in its own session
launch() {
  local role="$1" class="$2" jvm="$3" dyn="$4"; shift 4
  local work="${DIR}/${role}"
  mkdir -p "${work}/tmp" "${work}/blob"
  local -a jvm_args dyn_args
  read -r -a jvm_args <<<"${jvm}"
  read -r -a dyn_args <<<"${dyn}"
  (cd "${work}" && FLINK_CONF_DIR="${CONF}" FLINK_PLUGINS_DIR="${DIR}/plugins" exec setsid nohup "${JAVA}" "${jvm_args[@]}" "${JAVA17_FLAGS[@]}" \
    -Djava.io.tmpdir="${work}/tmp" \
    -Dlog.file="${DIR}/log/${role}.log" \
    -Dlog4j.configuration="file:${CONF}/log4j.properties" \
    -Dlog4j.configurationFile="file:${CONF}/log4j.properties" \
    -classpath "${JVM_CLASSPATH}" "${class}" --configDir "${CONF}" "$@" "${dyn_args[@]}" \
    -D io.tmp.dirs="${work}/tmp" -D blob.storage.directory="${work}/blob" \
    </dev/null >"${DIR}/log/${role}.out" 2>&1) &
  echo "${role} $!" >> "${PIDS}"
}

cmd_start() {
  if [[ -s "${PIDS}" ]]; then
    local role pid alive=()
    while read -r role pid; do pid_alive "${pid}" && alive+=("${role}=${pid}"); done < "${PIDS}"
    if [[ ${#alive[@]} -gt 0 ]]; then
      die "a cluster is already running in ${DIR} (${alive[*]}); run 'infra/flink/cluster.sh stop' first"
    fi
    say "removing stale pid file ${PIDS} (no recorded JVM alive)"
    rm -f "${PIDS}"
  fi
  command -v curl >/dev/null || die "curl not found on PATH"
  JAVA="$(java_bin)"
  command -v "${JAVA}" >/dev/null || die "java not found ('${JAVA}'); set SPEC_BEAM_FLINK_JAVA_HOME"
  check_jobserver_version
  ensure_lib

  if [[ "${REST_PORT}" -eq 0 ]]; then
    REST_PORT="$(free_port)"
  elif port_busy "${REST_PORT}"; then
    die "REST port ${REST_PORT} on 127.0.0.1 is busy; choose another with --rest-port P or SPEC_BEAM_FLINK_REST_PORT=P (0 picks a free one)"
  fi
  RPC_PORT="$(free_port)"
  while [[ "${RPC_PORT}" -eq "${REST_PORT}" ]]; do RPC_PORT="$(free_port)"; done

  local t0; t0="$(date +%s.%N)"
  mkdir -p "${DIR}"
  rm -rf "${DIR}/log" "${DIR}/jobmanager" "${DIR}"/taskmanager-*
  mkdir -p "${DIR}/log" "${DIR}/jobmanager/web" "${DIR}/plugins"
  write_conf
  runner_classpath
  printf 'REST_PORT=%s\nRPC_PORT=%s\nTASKMANAGERS=%s\nSLOTS=%s\nRUNNER_JARS=%s\n' "${REST_PORT}" "${RPC_PORT}" "${NTM}" "${SLOTS}" "$(grep -c . "${DIR}/runner-jars.txt" || true)" > "${ENVF}"

  local jm tm jm_jvm jm_dyn tm_jvm tm_dyn
  jm="$(resource_params GET_JM_RESOURCE_PARAMS)"; jm_jvm="$(sed -n 1p <<<"${jm}")"; jm_dyn="$(sed -n 2p <<<"${jm}")"
  tm="$(resource_params GET_TM_RESOURCE_PARAMS)"; tm_jvm="$(sed -n 1p <<<"${tm}")"; tm_dyn="$(sed -n 2p <<<"${tm}")"

  : > "${PIDS}"
  launch jobmanager "${JM_CLASS}" "${jm_jvm}" "${jm_dyn}" --executionMode cluster
  local i
  for i in $(seq 1 "${NTM}"); do
    launch "taskmanager-${i}" "${TM_CLASS}" "${tm_jvm}" "${tm_dyn}" -D taskmanager.resource-id="taskmanager-${i}"
  done

  # Wait until the REST API lists N TaskManagers; any JVM exiting early fails the start.
  local deadline=$(( $(date +%s) + START_TIMEOUT )) tms=0 body
  while :; do
    while read -r role pid; do
      if ! pid_alive "${pid}"; then
        echo "flink-cluster: ${role} (pid ${pid}) exited during startup" >&2
        log_tail "${role}"
        stop_pids
        exit 1
      fi
    done < "${PIDS}"
    if body="$(rest /taskmanagers)"; then
      tms="$({ grep -o '"slotsNumber":' <<<"${body}" || true; } | wc -l)"
      [[ "${tms}" -ge "${NTM}" ]] && break
    fi
    if [[ "$(date +%s)" -ge "${deadline}" ]]; then
      if [[ -z "${body:-}" ]]; then
        echo "flink-cluster: the REST API at 127.0.0.1:${REST_PORT} did not answer within ${START_TIMEOUT} s" >&2
        log_tail jobmanager
      else
        echo "flink-cluster: only ${tms} of ${NTM} TaskManagers registered within ${START_TIMEOUT} s" >&2
        for i in $(seq 1 "${NTM}"); do
          grep -q "\"id\":\"taskmanager-${i}\"" <<<"${body}" || log_tail "taskmanager-${i}"
        done
      fi
      stop_pids
      exit 1
    fi
    sleep 0.5
  done
  local t1 jmpid tmpids ov slots
  t1="$(date +%s.%N)"
  jmpid="$(awk '$1 == "jobmanager" {print $2}' "${PIDS}")"
  tmpids="$(awk '$1 != "jobmanager" {print $2}' "${PIDS}" | tr '\n' ' ')"
  ov="$(rest /overview || true)"
  slots="$(json_num slots-total <<<"${ov}")"
  echo "http://127.0.0.1:${REST_PORT}"
  say "up at 127.0.0.1:${REST_PORT}, jobmanager pid ${jmpid}, taskmanagers pids ${tmpids% }, ${slots:-$(( NTM * SLOTS ))} slots ($(awk -v a="${t0}" -v b="${t1}" 'BEGIN{printf "%.1f", b-a}') s; dir ${DIR})"
}

case "${CMD}" in
  fetch) check_jobserver_version; ensure_lib; echo "${LIB}" ;;
  start) cmd_start ;;
  stop) load_env || true; cmd_stop ;;
  status) cmd_status ;;
esac
