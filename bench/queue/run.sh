#!/usr/bin/env bash
# Queue benchmarks on the embedded database (figures, not pass/fail), each the median of RUNS:
#   1. jobs/s through claim → no-op stage → complete, with 1, 4 and 16 workers in one process
#      and with 2 worker processes of 4 (`afa-fixture-worker noop`: `afa worker` with a no-op stage)
#   2. small JSON documents/s over HTTP (one per request, 32 clients, the in-process workers on)
#      as a ratio to the disk's own limit for durable small writes, measured in the same run:
#      pgbench, one small jsonb row per transaction, 32 clients, on a scratch cluster; then how
#      many documents shared an ingest statement and jobs a completion, and the ingest alone
#   3. /healthz p50/p99 over 200 requests while CLIP occupies every compute thread
# Usage: bench/queue/run.sh [RUNS]   (JOBS=5000 jobs per throughput run)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-3}"
JOBS="${JOBS:-5000}"
bash scripts/setup.sh wrk >/dev/null
for product in afa afa-fixture-worker afa-compute-bench; do swift build -c release --product "$product" >/dev/null; done
BIN="$(swift build -c release --show-bin-path)"
PG="$PWD/.deps/postgres/bin"
WORK="$(mktemp -d /tmp/afa-bench-queue-XXXXXX)"
chmod 755 "$WORK"
export AFA_DATA="$WORK/data" LOG_LEVEL=warning
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    [[ -d "$WORK/pgbench" ]] && { runuser -u afa-postgres -- "$PG/pg_ctl" -D "$WORK/pgbench" -m immediate stop >/dev/null 2>&1 || true; }
    "$BIN/afa" db stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
sql() { PGOPTIONS="-c client_min_messages=warning" "$PG/psql" "$DATABASE_URL" -qAtX -c "$1"; }
wait_for() { for _ in $(seq 1 1200); do eval "$1" && return 0; sleep 0.05; done; echo "timed out: $1"; return 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
DATABASE_URL="$("$BIN/afa" db start | sed -n 's/.*DATABASE_URL=//p')"
export DATABASE_URL
"$BIN/afa" migrate >/dev/null

# One run: WORKERS workers in each of PROCESSES fixture processes drain JOBS queued no-op jobs.
drain() {
    local processes=$1 workers=$2 pids=()
    sql "TRUNCATE jobs, lineage, ingest_request_items, ingest_requests, assets CASCADE"
    for p in $(seq 1 "$processes"); do
        WORKER_THREADS=$workers JOB_POLL_MS=50 "$BIN/afa-fixture-worker" noop 2>"$WORK/worker$p.log" &
        pids+=($!)
        PIDS+=($!)
    done
    for p in $(seq 1 "$processes"); do wait_for "grep -q ready '$WORK/worker$p.log'"; done
    local start end
    start=$(date +%s.%N)
    sql "WITH a AS (
           INSERT INTO assets (id, kind, owner, sha256, size, media_type, storage_key, status)
           SELECT gen_random_uuid(), 'json', 'bench', sha256(int8send(g)), 2, 'application/json', 'raw/bench', 'stored'
           FROM generate_series(1, $JOBS) g RETURNING id)
         INSERT INTO jobs (asset_id, stage, version, state, max_attempts) SELECT id, 'noop', '1', 'queued', 5 FROM a;
         SELECT pg_notify('afa_jobs', '');" >/dev/null
    wait_for "[[ \$(sql \"SELECT count(*) FROM jobs WHERE state = 'done'\") == $JOBS ]]"
    end=$(date +%s.%N)
    for pid in "${pids[@]}"; do kill "$pid"; wait "$pid" || true; done
    awk -v s="$start" -v e="$end" -v n="$JOBS" 'BEGIN { printf "%.0f\n", n / (e - s) }'
}

echo "== jobs/s through claim → no-op stage → complete ($JOBS jobs a run) =="
for setting in "1 1" "1 4" "1 16" "2 4"; do
    set -- $setting
    for run in $(seq 1 "$RUNS"); do drain "$1" "$2"; done >"$WORK/drain-$1-$2"
    echo "$1 process(es) × $2 workers: $(median <"$WORK/drain-$1-$2") jobs/s  (runs: $(tr '\n' ' ' <"$WORK/drain-$1-$2"))"
done
sql "TRUNCATE jobs, lineage, ingest_request_items, ingest_requests, assets CASCADE"

echo "== the disk's limit: pgbench, one small jsonb insert per transaction, 32 clients, 10 s =="
mkdir -p "$WORK/pgbench" && chown afa-postgres "$WORK/pgbench"
runuser -u afa-postgres -- "$PG/initdb" -D "$WORK/pgbench" -U postgres -A trust >/dev/null
runuser -u afa-postgres -- "$PG/pg_ctl" -D "$WORK/pgbench" -o "-p 18501 -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" -w -l "$WORK/pgbench/log" start >/dev/null
"$PG/psql" -h 127.0.0.1 -p 18501 -U postgres -qc "CREATE TABLE docs (id bigserial PRIMARY KEY, doc jsonb NOT NULL)"
echo "INSERT INTO docs (doc) VALUES ('{\"sensor\":\"s-1\",\"reading\":42,\"ok\":true,\"tags\":[\"a\",\"b\"]}');" >"$WORK/insert.sql"
for run in $(seq 1 "$RUNS"); do
    "$PG/pgbench" -h 127.0.0.1 -p 18501 -U postgres -n -c 32 -j 2 -T 10 -f "$WORK/insert.sql" postgres 2>/dev/null \
        | awk '/^tps/ { printf "%.0f\n", $3 }'
done >"$WORK/pgbench.tps"
PGBENCH=$(median <"$WORK/pgbench.tps")
echo "pgbench: $PGBENCH inserts/s  (runs: $(tr '\n' ' ' <"$WORK/pgbench.tps"))"
runuser -u afa-postgres -- "$PG/pg_ctl" -D "$WORK/pgbench" -m fast stop >/dev/null

echo "== small JSON documents over HTTP, 4 in-process workers (wrk -t2 -c32 -d10s) =="
PORT=18402 WORKER_THREADS=4 "$BIN/afa" serve >"$WORK/serve.log" 2>&1 &
SERVER=$!
PIDS+=($SERVER)
wait_for "curl -sf http://127.0.0.1:18402/readyz >/dev/null"
export AFA_KEY="$(cat "$AFA_DATA/admin.key")"
# Idle: nothing running and nothing due (a periodic task waiting for its time is not work).
queue_idle() {
    [[ $(sql "SELECT count(*) FROM jobs WHERE state = 'processing' OR (state = 'queued' AND run_after <= now())") == 0 ]]
}
for run in $(seq 1 "$RUNS"); do
    wrk -t2 -c32 -d10s -s bench/ingest/documents.lua "http://127.0.0.1:18402" | sed -n 's/docs_per_second=\([0-9]*\).*/\1/p'
    wait_for queue_idle
done >"$WORK/docs"
kill "$SERVER"; wait "$SERVER" || true
DOCS=$(median <"$WORK/docs")
echo "documents: $DOCS docs/s  (runs: $(tr '\n' ' ' <"$WORK/docs"))"
awk -v d="$DOCS" -v p="$PGBENCH" 'BEGIN { printf "ratio to pgbench: %.2f (target ≥ 0.33)\n", d / p }'
# Where the time goes: rows written by one statement share its transaction id (xmin).
echo "shared statements: $(sql "SELECT round(count(*)::numeric / count(DISTINCT xmin::text), 1)
    FROM lineage WHERE action = 'ingest.accepted'") documents per ingest statement, $(sql "SELECT
    round(count(*)::numeric / count(DISTINCT xmin::text), 1) FROM jobs WHERE state = 'done'") jobs per completion"

echo "== the ingest alone: the same, no workers =="
sql "TRUNCATE jobs, lineage, ingest_request_items, ingest_requests, inline_blobs, assets CASCADE"
PORT=18403 WORKER_THREADS=0 "$BIN/afa" serve >"$WORK/serve-api.log" 2>&1 &
SERVER=$!
PIDS+=($SERVER)
wait_for "curl -sf http://127.0.0.1:18403/readyz >/dev/null"
for run in $(seq 1 "$RUNS"); do
    wrk -t2 -c32 -d10s -s bench/ingest/documents.lua "http://127.0.0.1:18403" | sed -n 's/docs_per_second=\([0-9]*\).*/\1/p'
done >"$WORK/docs-alone"
kill "$SERVER"; wait "$SERVER" || true
echo "documents, no workers: $(median <"$WORK/docs-alone") docs/s  (runs: $(tr '\n' ' ' <"$WORK/docs-alone"))"

echo "== /healthz over 200 requests while CLIP (random ViT-B/32) occupies every compute thread =="
CLIP_DIR="${CLIP_DIR:-/tmp/afa-bench-vit-b-32}"
[[ -f "$CLIP_DIR/model.safetensors" ]] \
    || "$BIN/afa" model random --like vit-b-32 --tokenizer Tests/CLIPTests/Fixtures/tiny "$CLIP_DIR" >/dev/null
for run in $(seq 1 "$RUNS"); do "$BIN/afa-compute-bench" "$CLIP_DIR" 200; done | tee "$WORK/health"
echo "median p99 under CLIP: $(grep 'CLIP on' "$WORK/health" | sed 's/.*p99=\([0-9.]*\).*/\1/' | median) ms (target < 50 ms)"
