#!/usr/bin/env bash
# Search benchmark (figures, not pass/fail; issue #11), release build, on the embedded database.
# 512-d unit vectors around 1,000 random centres (uniform noise of length SPREAD, default 0.4: cosine
# to the centre about 0.93), one per asset of one owner, 10% / 1% / 0.1% of the assets tagged
# `frequent` / `rare` / `scarce` independently of the centre; queries drawn near random centres (never
# stored vectors); recall@10 against the exact neighbours (float cosine, computed with BLAS over the
# regenerated rows, checked against SQL's exact scan). At each of COUNTS stored vectors
# (afa-search-bench COUNT; loading is incremental, with COPY):
#   1. load time; HNSW build time and size, full-precision `vector` (built, its search measured, dropped)
#      and the service's partial halfvec index (catalog.embeddings.ensureIndex), pgvector's defaults
#      m 16 and ef_construction 64, with maintenance_work_mem MAINTENANCE_WORK_MEM (4GB);
#   2. top-10 search as the service runs it (ef_search, relaxed iterative scan, owner join): p50, p99 of
#      QUERIES (1000) after WARMUP (100), recall@10, for each ef_search in EF ("40 64 100 200");
#   3. the same with the 1% tag filter, the service query and the exact scan (materialised CTE), and for
#      comparison the relaxed order asked for 4 × 10 rows and the strict order; then 0.1%, 1%, 10% at
#      CROSSOVER_EF (100), CROSSOVER_QUERIES (200) each: where the exact scan wins;
#   4. queries per second with CLIENTS (8) connections for DURATION (10) seconds, unfiltered;
#   5. where an unfiltered search's time goes (parts timed alone, EXPLAIN ANALYZE);
#   6. (SECTIONS with `service`) the candidate read as MediaSearchRepository asks for it: LIMIT DEPTH
#      (200), the best 10 kept, unfiltered and under the 1% filter;
#   7. (SECTIONS with `e2e`) a typed query through MediaSearch itself, its text encoded by the
#      full-size ViT-B/32 in E2E_MODEL (random weights, written here when unset), once and cached,
#      against the service's candidate read alone timed right after an encoding.
# Every measurement prints the load average at its start: the machine may be shared.
#
#   bench/search/run.sh                      (about an hour on 2 cores, most of it at 1,000,000)
#   COUNTS=100000 AFA_BIN=… SEARCH_BENCH_BIN=… bench/search/run.sh
#   KEEP=/tmp/afa-search-data bench/search/run.sh     keeps (or reuses) the loaded database: measure
#       again without loading, e.g. KEEP=… COUNTS=1000000 SECTIONS="search filter qps" bench/search/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export COUNTS="${COUNTS:-100000 1000000}"
PORT="${PORT:-18432}"
if [[ -z "${AFA_BIN:-}" || -z "${SEARCH_BENCH_BIN:-}" ]]; then
    swift build -c release --product afa >&2
    swift build -c release --product afa-search-bench >&2
    BIN="$(swift build -c release --show-bin-path)"
    AFA_BIN="${AFA_BIN:-$BIN/afa}" SEARCH_BENCH_BIN="${SEARCH_BENCH_BIN:-$BIN/afa-search-bench}"
fi
WORK="$(mktemp -d /tmp/afa-bench-search-XXXXXX)"
chmod 755 "$WORK" # so the embedded cluster's account can keep it under $WORK/data/pg
if [[ -n "${KEEP:-}" ]]; then
    mkdir -p "$KEEP" && chmod 755 "$KEEP"
    export AFA_DATA="$(cd "$KEEP" && pwd)"
else
    export AFA_DATA="$WORK/data"
fi
SERVER=""
cleanup() {
    if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    "$AFA_BIN" db stop >/dev/null 2>&1 || true
    if [[ -z "${KEEP:-}" && -f "$AFA_DATA/pg-location" ]]; then rm -rf "$(cat "$AFA_DATA/pg-location")"; fi
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

# The catalog: an API-only `afa serve` creates and migrates the embedded database.
WORKER_THREADS=0 PORT=$PORT LOG_LEVEL=warning "$AFA_BIN" serve >>"$WORK/serve.log" 2>&1 &
SERVER=$!
wait_for 240 "kill -0 $SERVER 2>/dev/null && curl -sf 'http://127.0.0.1:$PORT/readyz' >/dev/null" \
    || { cat "$WORK/serve.log"; exit 1; }
PGPORT="$("$AFA_BIN" db status | sed -n 's/.*127\.0\.0\.1:\([0-9]*\) .*/\1/p')"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/afa?sslmode=disable"
echo "database: $("$AFA_BIN" db status)"

if [[ "${SECTIONS:-}" == *e2e* && -z "${E2E_MODEL:-}" ]]; then
    "$AFA_BIN" model random --like vit-b-32 --tokenizer Tests/CLIPTests/Fixtures/tiny "$WORK/vit-b-32" >&2
    export E2E_MODEL="$WORK/vit-b-32"
fi

for count in $COUNTS; do "$SEARCH_BENCH_BIN" "$count"; done
