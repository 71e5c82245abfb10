#!/usr/bin/env bash
# S3 benchmarks against moto's S3 server on loopback (figures, not pass/fail), each the median of RUNS:
#   1. MiB/s of a 1 GiB upload through the service (POST /api/v1/ingest, staged, hashed, then sent
#      to the bucket in parts before the 202) as a ratio to boto3's `upload_file` of the same file
#      to the same server in the same run; the service's peak RSS during it
#   2. jobs/s with 1, 2 and 4 `afa worker` processes on one database and one bucket: documents
#      stored in S3 (INLINE_DOCUMENT_BYTES=0), each read back and hashed by its `verify` job
# Usage: bench/s3/run.sh [RUNS]   (SIZE_MIB=1024 for the upload, DOCS=2000 per jobs run,
#   SECTIONS="upload jobs" to run only some; S3_PART_SIZE_MB and S3_UPLOAD_CONCURRENCY reach the service)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-3}"
SIZE_MIB="${SIZE_MIB:-1024}"
DOCS="${DOCS:-2000}"
SECTIONS="${SECTIONS:-upload jobs}"
bash scripts/setup.sh >/dev/null
# SCRATCH: a build folder of its own (e.g. .build-release), so a release build can run beside debug ones.
SCRATCH="${SCRATCH:-.build}"
swift build -c release --scratch-path "$SCRATCH" --product afa >/dev/null
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
PG="$PWD/.deps/postgres/bin"
MOTO="$PWD/.deps/moto/bin"
WORK="$(mktemp -d /tmp/afa-bench-s3-XXXXXX)"
chmod 755 "$WORK"
export AFA_DATA="$WORK/data" LOG_LEVEL=warning
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
MOTO_PORT=18601
export S3_ENDPOINT="http://127.0.0.1:$MOTO_PORT" S3_FORCE_PATH_STYLE=true STORAGE_BACKEND=s3://afa-bench/blobs
PIDS=()
cleanup() {
    local status=$?
    if ((status != 0)); then
        for log in "$WORK"/*.log; do [[ -f "$log" ]] && { echo "--- $log"; tail -20 "$log"; }; done
    fi
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    "$BIN/afa" db stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
sql() { PGOPTIONS="-c client_min_messages=warning" "$PG/psql" "$DATABASE_URL" -qAtX -c "$1"; }
wait_for() { for _ in $(seq 1 6000); do eval "$1" && return 0; sleep 0.05; done; echo "timed out: $1"; return 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
"$MOTO/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
PIDS+=($!)
wait_for "curl -s -o /dev/null http://127.0.0.1:$MOTO_PORT/"
"$MOTO/python" - <<PY
import boto3
boto3.client("s3", endpoint_url="$S3_ENDPOINT").create_bucket(Bucket="afa-bench")
PY
DATABASE_URL="$("$BIN/afa" db start | sed -n 's/.*DATABASE_URL=//p')"
export DATABASE_URL
"$BIN/afa" migrate >/dev/null

if [[ " $SECTIONS " == *" upload "* ]]; then
echo "== a ${SIZE_MIB} MiB upload: through the service vs boto3 upload_file, same file, same server =="
PORT=18602 WORKER_THREADS=0 MAX_UPLOAD_BYTES=$(((SIZE_MIB + 64) << 20)) "$BIN/afa" serve >"$WORK/serve.log" 2>&1 &
SERVER=$!
PIDS+=($SERVER)
wait_for "curl -sf http://127.0.0.1:18602/readyz >/dev/null"
KEY="$(cat "$AFA_DATA/admin.key")"
for run in $(seq 1 "$RUNS"); do
    # A video as far as the ingest can tell (a real MP4's head; the service takes media and JSON),
    # with fresh bytes each run: the same content would be found in the bucket and not sent again.
    head_bytes=$(stat -c %s Tests/TestSupport/Fixtures/slideshow.mp4)
    { cat Tests/TestSupport/Fixtures/slideshow.mp4; head -c $(((SIZE_MIB << 20) - head_bytes)) /dev/urandom; } >"$WORK/upload.bin"
    start=$(date +%s.%N)
    curl -sf -o /dev/null -H "Authorization: Bearer $KEY" -F "files[]=@$WORK/upload.bin;type=video/mp4" http://127.0.0.1:18602/api/v1/ingest
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" -v m="$SIZE_MIB" 'BEGIN { printf "%.1f\n", m / (e - s) }' >>"$WORK/service.mibs"
    "$MOTO/python" - "$WORK/upload.bin" "$run" >>"$WORK/boto3.mibs" <<PY
import sys, time, boto3
client = boto3.client("s3", endpoint_url="$S3_ENDPOINT")
start = time.monotonic()
client.upload_file(sys.argv[1], "afa-bench", f"boto3/run-{sys.argv[2]}")
print(f"{$SIZE_MIB / (time.monotonic() - start):.1f}")
PY
done
SERVICE=$(median <"$WORK/service.mibs")
BOTO3=$(median <"$WORK/boto3.mibs")
echo "service: $SERVICE MiB/s  (runs: $(tr '\n' ' ' <"$WORK/service.mibs"))"
echo "boto3 upload_file: $BOTO3 MiB/s  (runs: $(tr '\n' ' ' <"$WORK/boto3.mibs"))"
awk -v a="$SERVICE" -v b="$BOTO3" 'BEGIN { printf "ratio service / boto3: %.2f\n", a / b }'
echo "service peak RSS: $(awk '/VmHWM/ { printf "%.0f MiB", $2 / 1024 }' /proc/$SERVER/status)"
kill "$SERVER"
wait "$SERVER" || true
fi
[[ " $SECTIONS " == *" jobs "* ]] || exit 0

echo "== jobs/s: $DOCS documents in S3, each verified (read back, hashed) by afa worker processes =="
PORT=18603 WORKER_THREADS=0 INLINE_DOCUMENT_BYTES=0 "$BIN/afa" serve >"$WORK/api.log" 2>&1 &
API=$!
PIDS+=($API)
wait_for "curl -sf http://127.0.0.1:18603/readyz >/dev/null"
drain() {
    local processes=$1 pids=() batch="$2"
    sql "TRUNCATE jobs, ingest_request_items, ingest_requests CASCADE" >/dev/null
    # Documents of this run only (their bytes differ), queued with no worker running.
    seq 1 "$DOCS" | awk -v b="$batch" 'BEGIN { printf "[" } { printf "%s{\"run\":\"%s\",\"n\":%d}", (NR > 1 ? "," : ""), b, $1 } END { print "]" }' >"$WORK/docs.json"
    curl -sf -o /dev/null -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" --data-binary "@$WORK/docs.json" http://127.0.0.1:18603/api/v1/ingest
    local start end finished
    start=$(date +%s.%N)
    for p in $(seq 1 "$processes"); do
        AFA_DATA="$WORK/worker$p" WORKER_THREADS=4 JOB_POLL_MS=50 INLINE_DOCUMENT_BYTES=0 "$BIN/afa" worker 2>"$WORK/worker$p.log" >&2 &
        pids+=($!)
        PIDS+=($!)
    done
    # Periodic tasks (the orphan sweep, the trash purge) wait queued for their next run: not counted.
    wait_for "[[ \$(sql \"SELECT count(*) FROM jobs WHERE state IN ('queued', 'processing') AND run_after <= now()\") == 0 ]]"
    end=$(date +%s.%N)
    finished=$(sql "SELECT count(*) FROM jobs WHERE state = 'done'")
    for pid in "${pids[@]}"; do kill "$pid"; wait "$pid" || true; done
    awk -v s="$start" -v e="$end" -v n="$finished" 'BEGIN { printf "%.0f\n", n / (e - s) }'
}
for processes in 1 2 4; do
    for run in $(seq 1 "$RUNS"); do drain "$processes" "$processes-$run"; done >"$WORK/jobs-$processes"
    echo "$processes worker process(es) × 4: $(median <"$WORK/jobs-$processes") jobs/s  (runs: $(tr '\n' ' ' <"$WORK/jobs-$processes"))"
done
echo "(the time includes each worker process's start: the catalog connection and the model lookup)"
