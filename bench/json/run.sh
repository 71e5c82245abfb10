#!/usr/bin/env bash
# JSON collections benchmark (figures, not pass/fail), on the embedded database:
#   1. schema inference throughput on one core (afa-schema-bench: parse + statistics);
#   2. end-to-end ingest into an approved typed table: a seed batch of 1,000 NoBench documents to
#      `collection=bench`, its proposal approved, then DOCS more documents in requests of 1,000
#      with 1, 2 and 4 concurrent clients (the median of RUNS runs each; every 202 means the
#      documents are in the typed table; the count is checked at the end), with the queue's work
#      (verify, schema review) done meanwhile by one `afa worker` of default settings beside an
#      API-only `afa serve`; after each run the queue is drained. Target >= 20,000/s;
#   3. a range query selecting ~0.1% of TOTAL documents (`num` in a window of 1,000,000 out of
#      0...10^9), through the records API (median of 20 requests) and in SQL (EXPLAIN ANALYZE of
#      the statement the API runs), on the typed table and on a collection kept as JSONB
#      (`bench_jsonb`, proposal rejected, same kind of documents). Target < 10 ms;
#      the collections are grown to TOTAL / JSONB_TOTAL beside the worker, then queried on a quiet server;
#   4. where the time goes during (2): CPU seconds of the client, `afa serve`, `afa worker`, PostgreSQL;
#      a perf profile by thread and symbol; PostgreSQL wait events sampled; rows and WAL written
#      per document; mean time of the background jobs the documents cause.
#
#   bench/json/run.sh [RUNS]          (default 3; about 25 minutes on 2 cores)
#   DOCS=20000 TOTAL=1000000 JSONB_TOTAL=1000000 CLIENTS="1 2 4" AFA_BIN=… SCHEMA_BENCH_BIN=… bench/json/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-3}"
DOCS="${DOCS:-20000}"
TOTAL="${TOTAL:-1000000}"
JSONB_TOTAL="${JSONB_TOTAL:-$TOTAL}"
CLIENTS="${CLIENTS:-1 2 4}"
PORT="${PORT:-18430}"
URL="http://127.0.0.1:$PORT"
PG="${PG:-$PWD/.deps/postgres/bin}"
CLIENT=(python3 "$PWD/bench/json/nobench.py")
if [[ -z "${AFA_BIN:-}" || -z "${SCHEMA_BENCH_BIN:-}" ]]; then
    swift build -c release --product afa >&2
    swift build -c release --product afa-schema-bench >&2
    BIN="$(swift build -c release --show-bin-path)"
    AFA_BIN="${AFA_BIN:-$BIN/afa}" SCHEMA_BENCH_BIN="${SCHEMA_BENCH_BIN:-$BIN/afa-schema-bench}"
fi
WORK="$(mktemp -d /tmp/afa-bench-json-XXXXXX)"
chmod 755 "$WORK" # so the embedded cluster's account can keep it under $WORK/data/pg
export AFA_DATA="$WORK/data"
SERVER=""
WORKER=""
PERF=""
cleanup() {
    if [[ -n "$WORKER" ]]; then kill "$WORKER" 2>/dev/null || true; wait "$WORKER" 2>/dev/null || true; fi
    [[ -n "$PERF" ]] && { kill -INT "$PERF" 2>/dev/null || true; wait "$PERF" 2>/dev/null || true; }
    if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    "$AFA_BIN" db stop >/dev/null 2>&1 || true
    [[ -f "$AFA_DATA/pg-location" ]] && rm -rf "$(cat "$AFA_DATA/pg-location")"
    rm -rf "$WORK"
}
trap cleanup EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.1f\", $* }"; }
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p"; } # a key=value figure from a line
sql() { PGOPTIONS="-c client_min_messages=warning" "$PG/psql" "$DATABASE_URL" -qAtX -c "$1"; }
api() { curl -sf -H "Authorization: Bearer $KEY" "$@"; }
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
# Polls `condition` every `interval` (0.1) s until it holds or `seconds` have passed.
wait_for() {
    local seconds=$1 condition=$2 interval=${3:-0.1} deadline
    deadline=$(($(date +%s) + seconds))
    until eval "$condition"; do
        (($(date +%s) < deadline)) || { echo "timed out after ${seconds}s: $condition" >&2; return 1; }
        sleep "$interval"
    done
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "$(free -g | awk '/Mem:/ {print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "PostgreSQL $("$PG/postgres" --version | awk '{print $3}'), $(python3 --version)"

echo "== 1. schema inference (afa-schema-bench, one core) =="
"$SCHEMA_BENCH_BIN"

# The API node (WORKER_THREADS=0) and, beside it, one `afa worker` with the default WORKER
# settings: the same work the in-process workers of a plain `afa serve` would do, in a process
# that can be stopped without restarting the server and its embedded PostgreSQL. (Restarting
# `afa serve` on the same AFA_DATA failed twice in a row here: ConnectionPoolError
# connectionCreationCircuitBreakerTripped, the embedded PostgreSQL never started again.)
start_server() {
    echo "== afa serve (release, WORKER_THREADS=0, AFA_DATA=$AFA_DATA) + afa worker (default WORKER settings) =="
    WORKER_THREADS=0 PORT=$PORT LOG_LEVEL=warning "$AFA_BIN" serve >>"$WORK/serve.log" 2>&1 &
    SERVER=$!
    # Gives up at once if the server exits (its log says why).
    wait_for 240 "kill -0 $SERVER 2>/dev/null || { cat '$WORK/serve.log'; exit 1; }
        [[ -f '$AFA_DATA/admin.key' ]] && curl -sf '$URL/readyz' >/dev/null" || { cat "$WORK/serve.log"; exit 1; }
    KEY="$(cat "$AFA_DATA/admin.key")"
    local status
    status="$("$AFA_BIN" db status)"
    PGPORT="$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\) .*/\1/p' <<<"$status")"
    POSTMASTER="$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' <<<"$status")"
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/afa?sslmode=disable"
    LOG_LEVEL=warning "$AFA_BIN" worker >"$WORK/worker.log" 2>&1 &
    WORKER=$!
    PIDS="afa=$SERVER,worker=$WORKER,pg=$POSTMASTER"
    echo "afa serve pid $SERVER, afa worker pid $WORKER; $status"
}
stop_worker() {
    kill "$WORKER"
    wait "$WORKER" || true
    WORKER=""
    PIDS="afa=$SERVER,pg=$POSTMASTER"
}
start_server
echo "PostgreSQL settings: $(sql "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ' ' ORDER BY name)
    FROM pg_settings WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_wal_size',
    'work_mem', 'checkpoint_timeout', 'autovacuum', 'jit')")"

queue_busy() { # queued + processing jobs, from the server's metrics
    curl -sf "$URL/metrics" | awk '/^afa_jobs\{state="(queued|processing)"\}/ { busy += $2 } END { print busy + 0 }'
}
# Waits for the background jobs the documents caused (verify, schema review); prints seconds.
drain_queue() {
    local started
    started=$(now)
    wait_for 1800 '[[ $(queue_busy) == 0 ]]' 0.5 # each scrape counts the jobs table
    calc "$(now) - $started"
}
# Sends COUNT documents of SEED to COLLECTION with CLIENTS connections; prints the client's line.
send() {
    "${CLIENT[@]}" send "$URL" "$KEY" "$1" --seed "$2" --count "$3" --clients "$4" --pids "$PIDS"
}
documents() { api "$URL/api/v1/collections/$1" | json 'd["documents"]'; }
storage() { api "$URL/api/v1/collections/$1" | json 'd["storage"]'; }
open_proposal() {
    api "$URL/api/v1/proposals?kind=schema&state=open" |
        json "next((p['id'] for p in d['proposals'] if p['collection'] == '$1'), '')"
}
# Seeds a collection with 1,000 documents and waits for its storage proposal; prints the proposal id.
seed_and_propose() {
    send "$1" "$2" 1000 1 >"$WORK/seed-$1"
    wait_for 120 "[[ -n \"\$(open_proposal $1)\" ]]" >&2
    open_proposal "$1"
}

echo "== 2. end-to-end ingest into an approved typed table =="
started=$(now)
proposal="$(seed_and_propose bench 1)"
echo "seed: $(cat "$WORK/seed-bench"); proposal $proposal open after $(calc "$(now) - $started") s"
api "$URL/api/v1/proposals/$proposal" | json '"summary: " + d["summary"] + "\n" + "\n".join("  " + r["text"] for r in d["payload"].get("decision", {}).get("reasons", []))'
started=$(now)
api -X POST "$URL/api/v1/proposals/$proposal/approve" | json '"approved: state " + d["state"] + ", result " + json.dumps(d["result"])'
echo "approval took $(calc "$(now) - $started") s; storage is now $(storage bench)"
echo "typed table: $(sql "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position)
    FROM information_schema.columns WHERE table_schema = 'docs' AND table_name = 'bench'")"
echo "its indexes: $(sql "SELECT string_agg(indexname, ', ') FROM pg_indexes WHERE schemaname = 'docs' AND tablename = 'bench'")"
echo "(waiting for the seed's background jobs: $(drain_queue) s)"

# Runs are interleaved (1, 2, 4, 1, 2, 4, …) so the growing table weighs on each client count alike.
# Each run sends new documents (its own seed) and then waits for the queue to drain, so no run
# starts with another's background work.
sent=1000
for run in $(seq 1 "$RUNS"); do
    for clients in $CLIENTS; do
        line="$(send bench $((1000 + run * 10 + clients)) "$DOCS" "$clients")"
        sent=$((sent + DOCS))
        echo "run $run: $line drain_s=$(drain_queue)" | tee -a "$WORK/ingest-$clients"
    done
done
for clients in $CLIENTS; do
    echo "median, $clients client(s): $(field docs_per_second <"$WORK/ingest-$clients" | median) documents/s" \
        "(runs: $(field docs_per_second <"$WORK/ingest-$clients" | xargs | tr ' ' ,));" \
        "client CPU $(field client_cpu_s <"$WORK/ingest-$clients" | median) s, afa serve $(field afa_cpu_s <"$WORK/ingest-$clients" | median) s," \
        "afa worker $(field worker_cpu_s <"$WORK/ingest-$clients" | median) s," \
        "PostgreSQL $(field pg_cpu_s <"$WORK/ingest-$clients" | median) s per $DOCS documents" \
        "(other processes on the machine meanwhile: $(field other_cpu_s <"$WORK/ingest-$clients" | median) s);" \
        "then the background jobs $(field drain_s <"$WORK/ingest-$clients" | median) s" | tee -a "$WORK/summary"
done
echo "documents sent and accepted: $sent; GET /collections/bench says $(documents bench);" \
    "rows in docs.bench: $(sql 'SELECT count(*) FROM docs.bench')"

echo "== 4. where the time goes: one more run of $DOCS documents, 4 clients, profiled =="
# Rows inserted per table and WAL written, per document; wait events sampled every 0.1 s; a
# perf profile of every CPU (99 Hz) while the client sends.
sql "SELECT relname, n_tup_ins FROM pg_stat_all_tables WHERE n_tup_ins > 0" >"$WORK/ins-before"
wal_before="$(sql "SELECT wal_bytes FROM pg_stat_wal")"
printf '%s\n' "SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU') || ' | ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 70)
    FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()" \
    '\watch 0.1' >"$WORK/waits.sql"
PGOPTIONS="-c client_min_messages=warning" "$PG/psql" "$DATABASE_URL" -qAtX -f "$WORK/waits.sql" >"$WORK/waits" 2>/dev/null &
WATCH=$!
if command -v perf >/dev/null; then
    perf record -F 99 -a -o "$WORK/perf.data" >/dev/null 2>"$WORK/perf.log" &
    PERF=$!
fi
line="$(send bench 9999 "$DOCS" 4)"
sent=$((sent + DOCS))
[[ -n "$PERF" ]] && { kill -INT "$PERF"; wait "$PERF" || true; PERF=""; }
kill "$WATCH"; wait "$WATCH" 2>/dev/null || true
echo "profiled run: $line"
calc3() { awk "BEGIN { printf \"%.3f\", $* }"; }
echo "CPU seconds per 1,000 documents: client $(calc3 "1000 * $(field client_cpu_s <<<"$line") / $DOCS")," \
    "afa serve $(calc3 "1000 * $(field afa_cpu_s <<<"$line") / $DOCS"), afa worker $(calc3 "1000 * $(field worker_cpu_s <<<"$line") / $DOCS"), PostgreSQL $(calc3 "1000 * $(field pg_cpu_s <<<"$line") / $DOCS")" \
    "(wall $(calc3 "1000 * $(field seconds <<<"$line") / $DOCS") s, $(nproc) cores)"
echo "WAL written: $(sql "SELECT round(($(sql "SELECT wal_bytes FROM pg_stat_wal") - $wal_before) / $DOCS.0)") bytes per document"
echo "rows inserted per document, by table:"
sql "SELECT relname, n_tup_ins FROM pg_stat_all_tables WHERE n_tup_ins > 0" >"$WORK/ins-after"
awk -F'|' -v docs="$DOCS" 'NR == FNR { before[$1] = $2; next }
    { d = $2 - before[$1]; if (d > 0) printf "  %-28s %6.2f\n", $1, d / docs }' "$WORK/ins-before" "$WORK/ins-after" |
    sort -k2 -g -r
echo "PostgreSQL client backends sampled every 0.1 s while sending (share of samples, wait event | statement):"
awk NF "$WORK/waits" | sort | uniq -c | sort -rn >"$WORK/waits-counted"
awk 'NR <= 12' "$WORK/waits-counted" |
    awk -v n="$(awk NF "$WORK/waits" | wc -l)" '{ c = $1; $1 = ""; printf "  %5.1f%% %s\n", 100 * c / n, $0 }'
# Reports go to files first: `head` on a live pipe would stop perf with SIGPIPE (and pipefail).
perf_top() { # $1: lines, then perf report options
    local lines=$1
    shift
    perf report -i "$WORK/perf.data" --stdio "$@" >"$WORK/report" 2>/dev/null || true
    awk -v n="$lines" 'NF && !/^#/ && c++ < n' "$WORK/report" | "${DEMANGLE[@]}" | cut -c1-160
}
if [[ -f "$WORK/perf.data" ]]; then
    DEMANGLE=(cat)
    command -v swift >/dev/null && DEMANGLE=(swift demangle --simplified)
    echo "perf, every CPU while sending (99 Hz), by process (share of all samples, idle included):"
    perf report -i "$WORK/perf.data" --stdio --sort pid >"$WORK/by-thread" 2>/dev/null || true
    awk -v tasks="$(ls "/proc/$SERVER/task" | xargs)" -v wtasks="$(ls "/proc/$WORKER/task" | xargs)" '
        BEGIN { n = split(tasks, t, " "); for (i = 1; i <= n; i++) afa[t[i]] = 1
                n = split(wtasks, t, " "); for (i = 1; i <= n; i++) worker[t[i]] = 1 }
        /^#/ || NF < 2 { next }
        { share = $1; sub("%", "", share); split($2, p, ":"); tid = p[1]; comm = substr($2, length(tid) + 2)
          group = (tid in afa) ? "afa serve" : (tid in worker) ? "afa worker" \
              : comm ~ /^(TP-#|NIO-|oot\.default-qos|afa$)/ ? "afa (a thread gone by now)" \
              : comm == "postgres" ? "PostgreSQL (every backend and helper)" : comm == "swapper" ? "idle" : "other: " comm
          sum[group] += share }
        END { for (g in sum) printf "  %6.1f%%  %s\n", sum[g], g }' "$WORK/by-thread" | sort -rn | awk 'NR <= 8'
    echo "perf, by thread (top 14):"
    perf_top 14 --sort pid,comm
    echo "perf, afa serve by symbol (top 30):"
    perf_top 30 --pid "$SERVER" --sort dso,sym
    echo "perf, afa worker by symbol (top 15):"
    perf_top 15 --pid "$WORKER" --sort dso,sym
    echo "perf, PostgreSQL by symbol (top 20):"
    perf_top 20 --comms postgres --sort dso,sym
else
    echo "(perf is not installed: no profile)"
fi
echo "the run's background jobs drained in $(drain_queue) s; jobs so far (queued to last update):"
sql "SELECT stage || ' ' || state || ': ' || count(*) || ' jobs, mean ' || round(extract(epoch FROM avg(updated_at - created_at))::numeric, 2)
    || ' s from queued to done' FROM jobs GROUP BY stage, state ORDER BY count(*) DESC" | sed 's/^/  /'
echo "largest relations (bytes per document in docs.bench: $(sql "SELECT pg_total_relation_size('docs.bench') / count(*) FROM docs.bench")):"
sql "SELECT c.relname || ' ' || pg_size_pretty(pg_total_relation_size(c.oid)) FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 10" | sed 's/^/  /'

# Sends documents of a seed base to a collection until it holds `target`, 100,000 a request round;
# prints the rate.
grow() {
    local collection=$1 target=$2 seed=$3 first have chunk started count=0
    first="$(documents "$collection")"
    have=$first
    started=$(now)
    while ((have < target)); do
        chunk=$((target - have < 100000 ? target - have : 100000))
        send "$collection" $((seed + count)) "$chunk" 4 >>"$WORK/grow-$collection"
        have=$((have + chunk))
        count=$((count + 1))
    done
    echo "grew $collection from $first to $(documents "$collection") documents in $(calc "$(now) - $started") s," \
        "4 clients (documents/s per round of 100,000: $(field docs_per_second <"$WORK/grow-$collection" | xargs | tr ' ' ,))"
}

echo "== 3. range query over $TOTAL documents: num in a window of 1,000,000 (~0.1%) =="
# The JSONB twin first, while the workers run (its proposal comes from the review task).
started=$(now)
proposal="$(seed_and_propose bench_jsonb 2)"
api -X POST "$URL/api/v1/proposals/$proposal/reject" | json '"bench_jsonb: rejected, state " + d["state"] + ", result " + json.dumps(d["result"])'
echo "bench_jsonb storage is now $(storage bench_jsonb) ($(calc "$(now) - $started") s from its seed); its indexes:" \
    "$(sql "SELECT string_agg(indexdef, '; ') FROM pg_indexes WHERE schemaname = 'docs' AND tablename = 'bench_jsonb__jsonb'")"
echo "(background jobs: $(drain_queue) s)"
# Grown as users would, with the worker on: documents kept in the catalog are verified by their
# ingest, so the worker has only the collections' reviews to run. It is stopped before the
# queries, which run on a quiet server.
grow bench "$TOTAL" 50000 | tee -a "$WORK/summary"
grow bench_jsonb "$JSONB_TOTAL" 70000 | tee -a "$WORK/summary"
echo "(background jobs: $(drain_queue) s)"
stop_worker
echo "documents: bench: API $(documents bench), docs.bench $(sql 'SELECT count(*) FROM docs.bench');" \
    "bench_jsonb: API $(documents bench_jsonb), docs.bench_jsonb__jsonb $(sql 'SELECT count(*) FROM docs.bench_jsonb__jsonb');" \
    "jobs left queued: $(queue_busy)"
echo "statistics: $(sql "SELECT string_agg(relname || ' last autoanalyze ' || coalesce(last_autoanalyze::text, 'never'), '; ')
    FROM pg_stat_user_tables WHERE schemaname = 'docs'")"

# The statement the records API runs for filter[num]=gt:LO&filter[num]=lt:HI&limit=50
# (CollectionRecords/RecordSQL), prepared with the same parameter types.
typed_sql='SELECT page."asset id", a.storage_key, b.content, page.sort_value FROM (
        SELECT t."asset_id" AS "asset id", NULL::text AS sort_value, row_number() OVER (ORDER BY t."asset_id" ASC) AS position
        FROM docs."bench" t WHERE t."num" > $1::bigint AND t."num" < $2::bigint ORDER BY t."asset_id" ASC LIMIT $3
    ) page
    JOIN assets a ON a.id = page."asset id"
    LEFT JOIN inline_blobs b ON b.sha256 = a.sha256 AND a.storage_key LIKE '"'inline/%'"'
    ORDER BY page.position'
jsonb_sql='SELECT page."asset id", a.storage_key, b.content, page.sort_value FROM (
        SELECT t."asset_id" AS "asset id", NULL::text AS sort_value, row_number() OVER (ORDER BY t."asset_id" ASC) AS position
        FROM docs."bench_jsonb__jsonb" t
        WHERE (jsonb_typeof(t."doc" #> '"'{num}'"') = $1 AND t."doc" #> '"'{num}'"' > $2::jsonb)
          AND (jsonb_typeof(t."doc" #> '"'{num}'"') = $3 AND t."doc" #> '"'{num}'"' < $4::jsonb)
        ORDER BY t."asset_id" ASC LIMIT $5
    ) page
    JOIN assets a ON a.id = page."asset id"
    LEFT JOIN inline_blobs b ON b.sha256 = a.sha256 AND a.storage_key LIKE '"'inline/%'"'
    ORDER BY page.position'
explain() { # $1: statement, $2: parameter types, $3: arguments
    PGOPTIONS="-c client_min_messages=warning" "$PG/psql" "$DATABASE_URL" -qAtX \
        -c "PREPARE q($2) AS $1" -c "EXPLAIN (ANALYZE, BUFFERS) EXECUTE q($3)" | sed 's/^/  /'
}
sql_times() { # median execution time of 20 windows, from EXPLAIN ANALYZE; $1 statement, $2 types, $3 function of LO
    for i in $(seq 1 20); do
        lo=$(((i * 104729563) % 999000000))
        PGOPTIONS="-c client_min_messages=warning" "$PG/psql" "$DATABASE_URL" -qAtX -c "PREPARE q($2) AS $1" \
            -c "EXPLAIN (ANALYZE) EXECUTE q($($3 "$lo"))" | sed -n 's/Execution Time: \([0-9.]*\) ms/\1/p'
    done | median
}
typed_args() { echo "'$1', '$(($1 + 1000000))', 50"; }
jsonb_args() { echo "'number', '$1', 'number', '$(($1 + 1000000))', 50"; }

echo "-- typed table docs.bench --"
echo "typed, records API: $("${CLIENT[@]}" query "$URL" "$KEY" bench --width 1000000 --requests 20 --limit 50)" | tee -a "$WORK/summary"
echo "rows in the window 500,000,000…501,000,000: $(sql 'SELECT count(*) FROM docs.bench WHERE num > 500000000 AND num < 501000000')"
echo "EXPLAIN (ANALYZE, BUFFERS) of the API's statement:"
explain "$typed_sql" "text, text, bigint" "$(typed_args 500000000)"
echo "typed, SQL execution time, median of 20 windows: $(sql_times "$typed_sql" "text, text, bigint" typed_args) ms" | tee -a "$WORK/summary"

echo "-- JSONB form: collection bench_jsonb (its proposal rejected) --"
echo "JSONB, records API: $("${CLIENT[@]}" query "$URL" "$KEY" bench_jsonb --width 1000000 --requests 20 --limit 50)" | tee -a "$WORK/summary"
echo "EXPLAIN (ANALYZE, BUFFERS) of the API's statement:"
explain "$jsonb_sql" "text, text, text, text, bigint" "$(jsonb_args 500000000)"
echo "JSONB, SQL execution time, median of 20 windows: $(sql_times "$jsonb_sql" "text, text, text, text, bigint" jsonb_args) ms" | tee -a "$WORK/summary"

# docs/json.md: a collection kept as JSONB gets an expression B-tree index on each frequent path.
# If the rejection gave it none on num, measure also with the index it would have had (created
# here by hand, as the service's DDLWriter writes it, then ANALYZE for its statistics).
if [[ -z "$(sql "SELECT 1 FROM pg_indexes WHERE schemaname = 'docs' AND tablename = 'bench_jsonb__jsonb' AND indexdef LIKE '%#>%num%'")" ]]; then
    echo "-- JSONB form with an expression index on doc #> '{num}' created by hand (the rejection made none) --"
    started=$(now)
    sql "CREATE INDEX bench_jsonb_num_by_hand ON docs.bench_jsonb__jsonb ((doc #> '{num}')); ANALYZE docs.bench_jsonb__jsonb"
    echo "CREATE INDEX + ANALYZE: $(calc "$(now) - $started") s"
    echo "JSONB + hand-made index, records API: $("${CLIENT[@]}" query "$URL" "$KEY" bench_jsonb --width 1000000 --requests 20 --limit 50)" | tee -a "$WORK/summary"
    echo "EXPLAIN (ANALYZE, BUFFERS) of the API's statement:"
    explain "$jsonb_sql" "text, text, text, text, bigint" "$(jsonb_args 500000000)"
    echo "JSONB + hand-made index, SQL execution time, median of 20 windows: $(sql_times "$jsonb_sql" "text, text, text, text, bigint" jsonb_args) ms" | tee -a "$WORK/summary"
fi

echo "== summary ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')) =="
cat "$WORK/summary"
echo "afa serve log: $(wc -l <"$WORK/serve.log") lines (LOG_LEVEL=warning); the first 10:"
awk 'NR <= 10' "$WORK/serve.log" | cut -c1-300
