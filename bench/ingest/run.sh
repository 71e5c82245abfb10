#!/usr/bin/env bash
# Ingest benchmarks on the embedded database (figures, not pass/fail):
#   1. small JSON documents accepted per second over HTTP (wrk, one document per request)
#   2. 1 MiB files per second and MiB/s (curl, 4 uploads in flight)
#   3. peak RSS of `afa serve` while one 1 GiB upload streams in
# Each figure is the median of RUNS runs. Usage: bench/ingest/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-3}"
bash scripts/setup.sh wrk >/dev/null
swift build -c release --product afa >/dev/null
AFA="$PWD/.build/release/afa"
WORK="$(mktemp -d /tmp/afa-bench-XXXXXX)"
PORT=18400
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

start_server() {
    AFA_DATA="$WORK/data" PORT=$PORT LOG_LEVEL=warning "$AFA" serve >"$WORK/serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && return; sleep 0.25; done
    echo "server did not start:"; cat "$WORK/serve.log"; exit 1
}

stop_server() { kill "$SERVER"; wait "$SERVER" || true; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"

queue_idle() {
    curl -sf "http://127.0.0.1:$PORT/metrics" \
        | awk '/^afa_jobs\{state="(queued|processing)"\}/ { busy += $2 } END { exit busy > 0 }'
}

# Acceptance alone (WORKER_THREADS=0: an API node), then with the default 4 in-process workers
# verifying every document as it comes; each run of the second starts from an empty queue.
for workers in 0 4; do
    export WORKER_THREADS=$workers
    start_server
    export AFA_KEY="$(cat "$WORK/data/admin.key")"
    echo "== small JSON documents over HTTP, WORKER_THREADS=$workers (wrk -t2 -c32 -d10s) =="
    for run in $(seq 1 "$RUNS"); do
        wrk -t2 -c32 -d10s -s bench/ingest/documents.lua "http://127.0.0.1:$PORT" | grep docs_per_second \
            | tee -a "$WORK/docs$workers"
        if ((workers > 0)); then for _ in $(seq 1 600); do queue_idle && break; sleep 0.5; done; fi
    done
    echo "median docs/s (WORKER_THREADS=$workers): $(sed 's/docs_per_second=\([0-9]*\).*/\1/' "$WORK/docs$workers" | median)"
    stop_server
done
unset WORKER_THREADS
start_server

echo "== 1 MiB files (200 per run, 4 in flight) =="
for run in $(seq 1 "$RUNS"); do
    mkdir -p "$WORK/files$run"
    for i in $(seq 1 200); do head -c 1048576 /dev/urandom >"$WORK/files$run/$i.bin"; done
    # Random bytes are not an accepted media type: give each file a PNG signature.
    for f in "$WORK/files$run"/*.bin; do printf '\x89PNG\r\n\x1a\n' | dd of="$f" conv=notrunc status=none; done
    start=$(date +%s.%N)
    ls "$WORK/files$run"/*.bin | xargs -P 4 -I{} curl -sf -o /dev/null -H "Authorization: Bearer $AFA_KEY" \
        -F "files[]=@{}" "http://127.0.0.1:$PORT/api/v1/ingest"
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { t = e - s; printf "files_per_second=%.1f mib_per_second=%.1f\n", 200 / t, 200 / t }' \
        | tee -a "$WORK/files"
done
echo "median files/s (= MiB/s): $(sed 's/files_per_second=\([0-9.]*\).*/\1/' "$WORK/files" | median)"
stop_server

echo "== peak RSS of afa serve during one 1 GiB upload =="
head -c $((1024 * 1024 * 1024)) /dev/urandom >"$WORK/big.bin"
# An MP4 'ftyp' box up front, so the upload is accepted as a video.
printf '\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isommp41' | dd of="$WORK/big.bin" conv=notrunc status=none
for run in $(seq 1 "$RUNS"); do
    start_server
    before=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)
    curl -sf -o /dev/null -H "Authorization: Bearer $AFA_KEY" -F "files[]=@$WORK/big.bin" \
        "http://127.0.0.1:$PORT/api/v1/ingest"
    peak=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)
    echo "peak_rss_mib=$((peak / 1024)) (at start: $((before / 1024)))" | tee -a "$WORK/rss"
    stop_server
    rm -rf "$WORK/data/blobs"
done
echo "median peak RSS MiB: $(sed 's/peak_rss_mib=\([0-9]*\).*/\1/' "$WORK/rss" | median)"
