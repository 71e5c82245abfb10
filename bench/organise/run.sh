#!/usr/bin/env bash
# Media organisation benchmark (figures, not pass/fail), release build, on the embedded database:
#   1. clustering (pure, afa-organise-bench cluster): 100,000 synthetic 512-d unit vectors around 200
#      random centres with known labels, at two spreads (cosine to the centre about 0.93 and 0.89):
#      adjusted Rand index, share left unsorted, time of a full pass (median of 3), then the
#      incremental pass after 1,000 new vectors (assignment to the clusters found, then the density
#      pass over what is still unsorted);
#   2. duplicate look-up per new asset (the organise stage's `candidates`: pixel digest, hash bands,
#      HNSW) with 100,000 and then 1,000,000 stored hashes and 512-d vectors of one owner (median and
#      p95 of 200 look-ups); it must grow sub-linearly;
#   3. files moved per second by the placement task: 5,000 media placed (hard links), then moved to
#      a cluster's folder (renames), each move committed with its lineage event (median of 3).
#
#   bench/organise/run.sh                 (about 40 minutes on 2 cores, most of it loading 1M rows)
#   COUNT=100000 STORED="100000 1000000" AFA_BIN=… ORGANISE_BENCH_BIN=… bench/organise/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT="${COUNT:-100000}"
STORED="${STORED:-100000 1000000}"
MOVES="${MOVES:-5000}"
PORT="${PORT:-18431}"
if [[ -z "${AFA_BIN:-}" || -z "${ORGANISE_BENCH_BIN:-}" ]]; then
    swift build -c release --product afa >&2
    swift build -c release --product afa-organise-bench >&2
    BIN="$(swift build -c release --show-bin-path)"
    AFA_BIN="${AFA_BIN:-$BIN/afa}" ORGANISE_BENCH_BIN="${ORGANISE_BENCH_BIN:-$BIN/afa-organise-bench}"
fi
WORK="$(mktemp -d /tmp/afa-bench-organise-XXXXXX)"
chmod 755 "$WORK" # so the embedded cluster's account can keep it under $WORK/data/pg
export AFA_DATA="$WORK/data"
SERVER=""
cleanup() {
    if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    "$AFA_BIN" db stop >/dev/null 2>&1 || true
    [[ -f "$AFA_DATA/pg-location" ]] && rm -rf "$(cat "$AFA_DATA/pg-location")"
    rm -rf "$WORK"
}
trap cleanup EXIT
wait_for() {
    local seconds=$1 condition=$2 deadline
    deadline=$(($(date +%s) + seconds))
    until eval "$condition"; do
        (($(date +%s) < deadline)) || { echo "timed out after ${seconds}s: $condition" >&2; return 1; }
        sleep 0.2
    done
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "$(free -g | awk '/Mem:/ {print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== 1. clustering =="
for spread in 0.4 0.5; do "$ORGANISE_BENCH_BIN" cluster "$COUNT" "$spread"; done

# The catalog: an API-only `afa serve` creates and migrates the embedded database.
WORKER_THREADS=0 PORT=$PORT LOG_LEVEL=warning "$AFA_BIN" serve >>"$WORK/serve.log" 2>&1 &
SERVER=$!
wait_for 240 "kill -0 $SERVER 2>/dev/null && curl -sf 'http://127.0.0.1:$PORT/readyz' >/dev/null" \
    || { cat "$WORK/serve.log"; exit 1; }
PGPORT="$("$AFA_BIN" db status | sed -n 's/.*127\.0\.0\.1:\([0-9]*\) .*/\1/p')"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/afa?sslmode=disable"

echo "== 2. duplicate look-ups =="
for stored in $STORED; do "$ORGANISE_BENCH_BIN" lookup "$stored"; done

echo "== 3. files moved =="
"$ORGANISE_BENCH_BIN" moves "$MOVES" "$WORK/moves"
