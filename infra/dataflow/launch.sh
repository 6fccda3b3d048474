#!/usr/bin/env bash
# Submits `spec-beam compare` to Google Cloud Dataflow. The TypeScript SDK has no Dataflow client of its own: it
# hands the portable job to Beam's *Python* Dataflow job service, which translates it and calls the Dataflow API.
# This script pins that service to apache-beam 2.49.0 (the TypeScript SDK's version) in a venv, starts it on a
# local port, submits the job to it (`--runner dataflow --job-endpoint localhost:PORT`) and stops it afterwards.
#
#   infra/dataflow/launch.sh --project P --region R --temp-location gs://BUCKET/tmp --image IMAGE [--dry-run] \
#       [--venv DIR] [--port N] -- COMPARE_ARGS...
#
# --dry-run prints the job request (environment, image, options) and starts nothing: no venv, no network.
# Credentials: the job service uses Application Default Credentials (gcloud auth application-default login, or
# GOOGLE_APPLICATION_CREDENTIALS). Everything after `--` goes to `spec-beam compare` unchanged.
# See infra/README.md: the TypeScript SDK is not on Dataflow's supported list; this path is dry-run tested only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BEAM_VERSION="${BEAM_VERSION:-2.49.0}"
VENV="${SPEC_BEAM_DATAFLOW_VENV:-$ROOT/.cache/dataflow-venv-$BEAM_VERSION}"
PORT=""
PROJECT=""
REGION=""
TEMP=""
IMAGE=""
DRY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --project) PROJECT="$2"; shift 2 ;;
    --region) REGION="$2"; shift 2 ;;
    --temp-location) TEMP="$2"; shift 2 ;;
    --image) IMAGE="$2"; shift 2 ;;
    --venv) VENV="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --dry-run) DRY=1; shift ;;
    --) shift; break ;;
    *) echo "launch.sh: unknown argument '$1' (compare's own flags go after --)" >&2; exit 2 ;;
  esac
done
MISSING=()
[ -n "$PROJECT" ] || MISSING+=(--project)
[ -n "$REGION" ] || MISSING+=(--region)
[ -n "$TEMP" ] || MISSING+=(--temp-location)
[ -n "$IMAGE" ] || MISSING+=(--image)
if [ ${#MISSING[@]} -gt 0 ]; then
  echo "launch.sh: missing ${MISSING[*]}" >&2
  exit 2
fi
case "$TEMP" in gs://*) ;; *) echo "launch.sh: --temp-location must be gs://... (got '$TEMP')" >&2; exit 2 ;; esac
[ -f "$ROOT/dist/pipelines/cli.js" ] || { echo "launch.sh: $ROOT/dist is missing: run make build" >&2; exit 2; }

COMPARE=(node "$ROOT/dist/pipelines/cli.js" compare --runner dataflow --project "$PROJECT" --region "$REGION"
  --temp-location "$TEMP" --sdk-container-image "$IMAGE")
if [ "$DRY" = 1 ]; then
  exec "${COMPARE[@]}" --dry-run "$@"
fi

# 1. the Python job service, pinned
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import apache_beam, sys; sys.exit(apache_beam.__version__ != '$BEAM_VERSION')" 2>/dev/null; then
  echo "[launch] creating $VENV with apache-beam[gcp]==$BEAM_VERSION" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q "apache-beam[gcp]==$BEAM_VERSION"
fi

# Without Application Default Credentials the 2.49.0 job service does not fail: it falls back to an interactive
# OAuth flow (apitools: "Your browser has been opened ...", a web server on :8080) and loops. Check first.
if ! "$VENV/bin/python" -c "import google.auth; google.auth.default()" >/dev/null 2>&1; then
  echo "launch.sh: no Google Application Default Credentials (run 'gcloud auth application-default login' or set" \
    "GOOGLE_APPLICATION_CREDENTIALS to a service-account key); the Dataflow job service would hang without them" >&2
  exit 2
fi

# 2. start it on a free port and wait until it accepts connections
if [ -z "$PORT" ]; then
  PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi
LOG="$(mktemp -t dataflow-job-service-XXXXXX.log)"
"$VENV/bin/python" -m apache_beam.runners.dataflow.dataflow_job_service --port "$PORT" >"$LOG" 2>&1 &
SERVICE_PID=$!
cleanup() { kill "$SERVICE_PID" 2>/dev/null || true; wait "$SERVICE_PID" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
    echo "launch.sh: the Dataflow job service exited; log $LOG:" >&2
    tail -30 "$LOG" >&2
    exit 1
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  sleep 0.5
done
echo "[launch] Dataflow job service (apache-beam $BEAM_VERSION) on localhost:$PORT, log $LOG" >&2

# 3. submit; the driver polls the job service until Dataflow reports a terminal state
set +e
"${COMPARE[@]}" --job-endpoint "localhost:$PORT" "$@"
STATUS=$?
set -e
if [ "$STATUS" != 0 ]; then
  echo "[launch] compare exited $STATUS; last lines of the job service log ($LOG):" >&2
  tail -20 "$LOG" >&2
fi
exit "$STATUS"
