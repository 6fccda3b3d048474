#!/usr/bin/env bash
# PROCESS-environment worker command (runner.process_command): what the worker image's ENTRYPOINT does, without
# Docker. The runner starts it on a worker host with the Fn API container flags (--id, --provision_endpoint, ...);
# it runs the Beam boot program in the project directory, as the image does in its WORKDIR, so the boot's
# `npx apache-beam-worker` finds this project's node_modules (and node_modules/spec-beam -> ..).
#   SPEC_BEAM_HOME  the built project (default: the checkout holding this script)
#   SPEC_BEAM_BOOT  the boot binary (default: $SPEC_BEAM_HOME/.cache/beam-boot/boot, from infra/docker/build-boot.sh)
set -euo pipefail
# the runner that started us (a TaskManager), read before anything else: see the watchdog below
RUNNER_PID=$PPID
SCRIPT_PID=$$
HOME_DIR="${SPEC_BEAM_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
BOOT="${SPEC_BEAM_BOOT:-$HOME_DIR/.cache/beam-boot/boot}"
[ -x "$BOOT" ] || { echo "process-boot.sh: no boot binary at $BOOT (run infra/docker/build-boot.sh)" >&2; exit 1; }
[ -e "$HOME_DIR/node_modules/spec-beam" ] || { echo "process-boot.sh: $HOME_DIR/node_modules/spec-beam missing (make build links it)" >&2; exit 1; }
cd "$HOME_DIR"
# nothing is staged with runner.staging image: the worker must not reach for the npm registry
export npm_config_offline="${npm_config_offline:-true}" npm_config_update_notifier=false
# The boot program starts the Node worker as its child (npm exec -> sh -> node) and does not pass signals on, and
# it may not exit on SIGTERM at all: stop the boot's whole process group, and kill it if it is still there a moment
# later (Beam's process manager SIGKILLs this script soon after its SIGTERM, and what is left then is orphaned).
# A runner killed outright (SIGKILL of a TaskManager, a lost node) sends nothing: a watchdog stops the workers when
# the runner, or this script, is gone instead of leaving them to pid 1. A runner that died while starting us
# (we were reparented before reading PPID) means there is nobody to work for.
if [ "$RUNNER_PID" -le 1 ]; then
  echo "process-boot.sh: the runner that started this worker is gone (parent pid $RUNNER_PID); not starting" >&2
  exit 1
fi
set -m
"$BOOT" "$@" &
BOOT_PID=$!
stop_boot() {
  kill -TERM -- "-$BOOT_PID" 2>/dev/null || return 0
  for _ in 1 2 3 4 5 6; do
    kill -0 -- "-$BOOT_PID" 2>/dev/null || return 0
    sleep 0.25
  done
  kill -KILL -- "-$BOOT_PID" 2>/dev/null || true
}
( while kill -0 "$RUNNER_PID" 2>/dev/null && kill -0 "$SCRIPT_PID" 2>/dev/null; do sleep 1; done; stop_boot ) &
WATCH_PID=$!
# Beam's Flink runner may keep a job's worker after the job (a task cancelled during a failover never releases it):
# stop it once the cluster's REST API says the job has ended (beam-runtime/flink-job-watch.ts; exits 0 only then)
JOB_WATCH="$HOME_DIR/dist/beam-runtime/flink-job-watch.js"
JOB_WATCH_PID=""
if [ -f "$JOB_WATCH" ]; then
  ( node "$JOB_WATCH" "$@" && stop_boot ) &
  JOB_WATCH_PID=$!
fi
stop_watchers() {
  kill "$WATCH_PID" 2>/dev/null || true
  [ -z "$JOB_WATCH_PID" ] || kill -- "-$JOB_WATCH_PID" 2>/dev/null || true
}
trap 'stop_boot; stop_watchers; exit 143' TERM INT HUP
status=0
wait "$BOOT_PID" || status=$?
stop_watchers
# the boot may be gone while its children are not (e.g. it failed): stop them either way
stop_boot
exit "$status"
