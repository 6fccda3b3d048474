#!/usr/bin/env bash
# PROCESS-environment worker command (runner.process_command): what the worker image's ENTRYPOINT does, without
# Docker. The runner starts it on a worker host with the Fn API container flags (--id, --provision_endpoint, ...);
# it runs the Beam boot program in the project directory, as the image does in its WORKDIR, so the boot's
# `npx apache-beam-worker` finds this project's node_modules (and node_modules/spec-beam -> ..).
#   SPEC_BEAM_HOME  the built project (default: the checkout holding this script)
#   SPEC_BEAM_BOOT  the boot binary (default: $SPEC_BEAM_HOME/.cache/beam-boot/boot, from infra/docker/build-boot.sh)
set -euo pipefail
HOME_DIR="${SPEC_BEAM_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
BOOT="${SPEC_BEAM_BOOT:-$HOME_DIR/.cache/beam-boot/boot}"
[ -x "$BOOT" ] || { echo "process-boot.sh: no boot binary at $BOOT (run infra/docker/build-boot.sh)" >&2; exit 1; }
[ -e "$HOME_DIR/node_modules/spec-beam" ] || { echo "process-boot.sh: $HOME_DIR/node_modules/spec-beam missing (make build links it)" >&2; exit 1; }
cd "$HOME_DIR"
# nothing is staged with runner.staging image: the worker must not reach for the npm registry
export npm_config_offline="${npm_config_offline:-true}" npm_config_update_notifier=false
# The boot program starts the Node worker as its child (npm exec -> sh -> node) and does not pass signals on: when
# the runner stops this command (SIGTERM), stop the boot's whole process group, or the workers outlive the job.
set -m
"$BOOT" "$@" &
BOOT_PID=$!
trap 'kill -TERM -- "-$BOOT_PID" 2>/dev/null || true' TERM INT HUP
# A runner killed outright (SIGKILL of a TaskManager, a lost node) sends nothing: watch the runner process that
# started us, and stop the workers when it is gone instead of leaving them to pid 1.
RUNNER_PID=$PPID
( while kill -0 "$RUNNER_PID" 2>/dev/null; do sleep 1; done; kill -TERM "$$" 2>/dev/null ) &
WATCH_PID=$!
status=0
wait "$BOOT_PID" || status=$?
kill "$WATCH_PID" 2>/dev/null || true
# the boot may be gone while its children are not (e.g. it failed): stop them either way
kill -TERM -- "-$BOOT_PID" 2>/dev/null || true
exit "$status"
