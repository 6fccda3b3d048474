#!/usr/bin/env bash
# Runs `spec-beam compare` on a remote Flink 1.15 cluster with DOCKER workers (the image of infra/docker/).
# spec-beam starts the Beam Flink job server locally (infra/flink/fetch-jobserver.sh's jar) with
# --flink-master HOST:PORT; the job server translates the pipeline and submits it to the JobManager's REST port;
# each TaskManager then starts the worker image with `docker run` and talks to it over the Fn API.
#
#   infra/flink/launch-remote.sh --flink-master HOST:PORT --image IMAGE [--dry-run] -- COMPARE_ARGS...
#   e.g. infra/flink/launch-remote.sh --flink-master jm.internal:8081 --image registry/spec-beam-worker:abc123 \
#          -- --config configs/examples/imagenet-dinov2-vs-clip.yaml --parallelism 8
#
# --dry-run prints the job request (environment, image, options) without starting anything. Everything after `--`
# goes to `spec-beam compare` unchanged (a config file, --set overrides, --parallelism, --out, ...).
# See infra/README.md for the cluster's requirements and what has not been verified.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MASTER=""
IMAGE=""
DRY=()
while [ $# -gt 0 ]; do
  case "$1" in
    --flink-master) MASTER="$2"; shift 2 ;;
    --flink-master=*) MASTER="${1#*=}"; shift ;;
    --image) IMAGE="$2"; shift 2 ;;
    --image=*) IMAGE="${1#*=}"; shift ;;
    --dry-run) DRY=(--dry-run); shift ;;
    --) shift; break ;;
    *) echo "launch-remote.sh: unknown argument '$1' (compare's own flags go after --)" >&2; exit 2 ;;
  esac
done
[ -n "$MASTER" ] || { echo "launch-remote.sh: --flink-master HOST:PORT is required (the JobManager's REST address)" >&2; exit 2; }
[ -n "$IMAGE" ] || { echo "launch-remote.sh: --image IMAGE is required (build it with infra/docker/Dockerfile)" >&2; exit 2; }
case "$MASTER" in
  *:[0-9]*) ;;
  *) echo "launch-remote.sh: --flink-master '$MASTER' is not HOST:PORT" >&2; exit 2 ;;
esac

if [ ${#DRY[@]} -eq 0 ]; then
  bash "$ROOT/infra/flink/fetch-jobserver.sh" >/dev/null
fi
[ -f "$ROOT/dist/pipelines/cli.js" ] || { echo "launch-remote.sh: $ROOT/dist is missing: run make build" >&2; exit 2; }

exec node "$ROOT/dist/pipelines/cli.js" compare \
  --runner flink --flink-master "$MASTER" --environment-type DOCKER --sdk-container-image "$IMAGE" \
  "${DRY[@]}" "$@"
