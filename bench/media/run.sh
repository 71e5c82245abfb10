#!/usr/bin/env bash
# Media pipeline benchmark (issue #8): on 12-megapixel JPEGs (the fixture photos upscaled to
# 4000x3000 with a film grain seeded per file, so every file is new and about the size a camera
# writes) and a 1080p H.264 video, through a real `afa serve` with its in-process workers:
#   1. end-to-end images/s (upload, decode, metadata, thumbnails, hashes, CLIP embedding, tags,
#      catalog) with a random-weight ViT-B/32, against `afa model bench`'s own batch throughput
#      in the same run (target >= 70%);
#   2. images/s without a model (the media stage alone: thumbnails, hashes, CLIP input; target >= 40/s);
#   3. seconds of 1080p video processed per second of wall time (with the model);
#   4. peak RSS of the server (VmHWM), and where the time goes (mean seconds per stage).
#
#   bench/media/run.sh [RUNS]           (default 3; the median of each figure is printed)
#   AFA_BIN=path/to/afa IMAGES=24 VIDEO_SECONDS=60 JOB_CLAIM_BATCH=compute=8 bench/media/run.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
bash scripts/setup.sh libvips-tools >/dev/null # vipsthumbnail, for the floor (last section)
RUNS="${1:-3}"
IMAGES="${IMAGES:-24}"
VIDEO_SECONDS="${VIDEO_SECONDS:-60}"
MODEL_DIR="${MODEL_DIR:-${TMPDIR:-/tmp}/afa-bench-vit-b-32}"
PORT="${PORT:-18420}"
WORK="$(mktemp -d)"
SERVER=""
SERVERS=0
DATA=""
cleanup() {
    if [[ -n "$SERVER" ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    for data in "$WORK"/data-*; do
        [[ -d "$data" ]] || continue
        AFA_DATA="$data" "$AFA_BIN" db stop >/dev/null 2>&1 || true
        # The embedded cluster may live outside the data folder (see pg-location).
        [[ -f "$data/pg-location" ]] && rm -rf "$(cat "$data/pg-location")"
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -z "${AFA_BIN:-}" ]]; then
    swift build -c release --product afa >&2
    AFA_BIN="$(swift build -c release --show-bin-path)/afa"
fi
if [[ ! -f "$MODEL_DIR/model.safetensors" ]]; then
    "$AFA_BIN" model random --like vit-b-32 --tokenizer Tests/CLIPTests/Fixtures/tiny "$MODEL_DIR" >&2
fi

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.2f\", $* }"; }

PHOTOS=(Tests/TestSupport/Fixtures/astronaut.png Tests/TestSupport/Fixtures/chelsea.png
    Tests/TestSupport/Fixtures/coffee.png Tests/TestSupport/Fixtures/rocket.jpg)

# The JPEGs of one run: $1 names the run, so no two runs upload the same bytes (that would be a
# duplicate, accepted without any processing).
make_images() {
    local dir="$WORK/images-$1"
    mkdir -p "$dir"
    for i in $(seq 1 "$IMAGES"); do
        local seed=$(( ($1 * 1000 + i) % 65536 ))
        ffmpeg -v error -y -i "${PHOTOS[$((i % 4))]}" \
            -vf "scale=4000:3000:flags=bicubic,noise=alls=24:allf=u:all_seed=$seed,format=yuvj420p" \
            -q:v 2 -frames:v 1 "$dir/photo-$i.jpg"
    done
    echo "$dir"
}

# A 1080p H.264 slideshow of the photos with a cut every 5 s, different per run.
make_video() {
    local out="$WORK/video-$1.mp4" inputs=() filters="" count=$(( VIDEO_SECONDS / 5 ))
    for i in $(seq 0 $((count - 1))); do
        inputs+=(-loop 1 -t 5 -i "${PHOTOS[$((i % 4))]}")
        filters+="[$i:v]scale=1920:1080:force_original_aspect_ratio=decrease,pad=1920:1080:(ow-iw)/2:(oh-ih)/2,"
        filters+="noise=alls=6:allf=t:all_seed=$(( $1 * 100 + i )),setsar=1,fps=30[v$i];"
    done
    for i in $(seq 0 $((count - 1))); do filters+="[v$i]"; done
    filters+="concat=n=$count:v=1:a=0,format=yuv420p[out]"
    ffmpeg -v error -y "${inputs[@]}" -filter_complex "$filters" -map "[out]" -c:v libx264 -preset veryfast \
        -crf 23 "$out"
    echo "$out"
}

start_server() { # $1: EMBEDDING_MODEL value (empty for none)
    SERVERS=$((SERVERS + 1))
    DATA="$WORK/data-$SERVERS"
    AFA_DATA="$DATA" PORT=$PORT LOG_LEVEL=warning EMBEDDING_MODEL="$1" MODEL_DIR="$WORK/no-models" \
        "$AFA_BIN" serve >"$WORK/serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 240); do
        [[ -f "$DATA/admin.key" ]] && curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break
        sleep 0.25
    done
    [[ -f "$DATA/admin.key" ]] || { echo "server did not start:"; cat "$WORK/serve.log"; exit 1; }
    KEY="$(cat "$DATA/admin.key")"
}

stop_server() {
    kill "$SERVER"
    wait "$SERVER" || true
    SERVER=""
    AFA_DATA="$DATA" "$AFA_BIN" db stop >/dev/null 2>&1 || true
}

# Uploads the files in one request and waits until every item is processed; prints seconds.
process() {
    local args=() started job status
    for file in "$@"; do args+=(-F "files[]=@$file"); done
    started="$(now)"
    job="$(curl -sf -H "Authorization: Bearer $KEY" "${args[@]}" "http://127.0.0.1:$PORT/api/v1/ingest" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])')"
    while :; do
        status="$(curl -sf -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/api/v1/ingest/$job/status" |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
        [[ "$status" == done ]] && break
        [[ "$status" == partial || "$status" == failed ]] && { echo "job $job ended $status" >&2; exit 1; }
        sleep 0.1
    done
    calc "$(now) - $started"
}

# Mean seconds per stage so far, from the server's own metrics.
stage_times() {
    curl -sf "http://127.0.0.1:$PORT/metrics" | python3 -c '
import re, sys
sums, counts = {}, {}
for line in sys.stdin:
    m = re.match(r"afa_job_duration_seconds_(sum|count)\{(.*)\} ([0-9.e+-]+)", line)
    if not m or "outcome=\"done\"" not in m.group(2): continue
    stage = re.search(r"stage=\"([^\"]+)\"", m.group(2)).group(1)
    (sums if m.group(1) == "sum" else counts)[stage] = float(m.group(3))
print("  ".join(f"{s} {sums[s] / counts[s]:.3f} s" for s in sorted(sums) if counts.get(s)))'
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "$(free -g | awk '/Mem:/ {print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "workload: $IMAGES JPEGs of 4000x3000 per run, a ${VIDEO_SECONDS}s 1080p H.264 video per run, $RUNS runs," \
    "JOB_CLAIM_BATCH=${JOB_CLAIM_BATCH:-default}"

for run in $(seq 1 "$RUNS"); do make_images "$run" >/dev/null; make_video "$run" >/dev/null; done
for run in $(seq 1 "$RUNS"); do make_images "$((run + 100))" >/dev/null; done
echo "a photo: $(du -k "$WORK/images-1/photo-1.jpg" | cut -f1) KiB; the video: $(du -m "$WORK/video-1.mp4" | cut -f1) MB"

echo "== CLIP alone: afa model bench, batch 16 =="
bench_rates=()
for _ in $(seq 1 "$RUNS"); do
    bench_rates+=("$("$AFA_BIN" model bench "$MODEL_DIR" --batch 16 --seconds 10 --queries 1 |
        sed -n 's/^images: *\([0-9.]*\) images\/s.*/\1/p')")
done
clip_rate="$(printf '%s\n' "${bench_rates[@]}" | median)"
echo "afa model bench: $clip_rate images/s (runs: ${bench_rates[*]})"

echo "== end to end, with the model =="
start_server "$MODEL_DIR"
# Once per server and model: loading the weights, and the vocabulary's text embeddings (435 terms
# x 6 prompts, then kept in the catalog). Timed apart, not in the per-image figure.
echo "first use (model load + vocabulary embeddings): $(process "${PHOTOS[@]}") s"
rates=() videos=()
for run in $(seq 1 "$RUNS"); do
    seconds="$(process "$WORK/images-$run"/*.jpg)"
    rates+=("$(calc "$IMAGES / $seconds")")
    seconds="$(process "$WORK/video-$run.mp4")"
    videos+=("$(calc "$VIDEO_SECONDS / $seconds")")
done
echo "mean per stage: $(stage_times)"
peak="$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status")"
stop_server
e2e="$(printf '%s\n' "${rates[@]}" | median)"
echo "images end to end: $e2e images/s (runs: ${rates[*]}), $(calc "100 * $e2e / $clip_rate")% of afa model bench (target >= 70%)"
echo "1080p video: $(printf '%s\n' "${videos[@]}" | median) s of video per s (runs: ${videos[*]})"
echo "peak RSS of afa serve: $peak MB"

echo "== without a model: the media stage alone =="
start_server ""
rates=()
for run in $(seq 1 "$RUNS"); do
    seconds="$(process "$WORK/images-$((run + 100))"/*.jpg)"
    rates+=("$(calc "$IMAGES / $seconds")")
done
echo "mean per stage: $(stage_times)"
peak="$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status")"
stop_server
echo "thumbnails, no model: $(printf '%s\n' "${rates[@]}" | median) images/s (runs: ${rates[*]}; target >= 40/s), peak RSS $peak MB"

echo "== the floor: libvips' own thumbnailer on the same files, nothing else running =="
# What no pipeline can beat on this machine: vipsthumbnail (the command-line face of the libvips
# thumbnail call Immich uses), one single-threaded process per core, each over its share of the
# files. At 8 px it is the JPEG decode alone: shrink-on-load at 1/8 skips most of the inverse DCT,
# but not the Huffman decoding of 4.8 MB of entropy-coded data, which no scale skips and which
# one image cannot share between cores (these files have no restart markers). At 250 px it is the
# small thumbnail alone, at 1440 px the preview alone (libwebp's default effort).
thumbnail_rate() { # $1: vipsthumbnail size, $2: output suffix, $3: the run's image folder
    local out="$WORK/floor" cores started files
    cores="$(nproc)"
    mkdir -p "$out"
    mapfile -t files < <(ls "$3"/*.jpg)
    started="$(now)"
    for core in $(seq 0 $((cores - 1))); do
        local share=()
        for i in "${!files[@]}"; do ((i % cores == core)) && share+=("${files[$i]}"); done
        VIPS_CONCURRENCY=1 vipsthumbnail -s "$1" -o "$out/%s.$2" "${share[@]}" &
    done
    wait
    calc "${#files[@]} / ($(now) - $started)"
}
declare -A floors
for size in 8 250 1440; do
    rates=()
    for run in $(seq 1 "$RUNS"); do
        rates+=("$(thumbnail_rate "$size" "$([[ $size == 8 ]] && echo v || echo webp)" "$WORK/images-$((run + 100))")")
    done
    floors[$size]="$(printf '%s\n' "${rates[@]}" | median)"
    echo "vipsthumbnail -s $size, $(nproc) processes: ${floors[$size]} images/s (runs: ${rates[*]})"
done
echo "so: thumbnails can reach at most ${floors[8]} images/s here (the decode alone), and images end to end at most" \
    "$(calc "1 / (1 / ${floors[8]} + 1 / $clip_rate)") images/s ($(calc "100 / (1 + $clip_rate / ${floors[8]})")% of afa model bench):" \
    "the decode and CLIP's batch throughput, on the same cores, with nothing else"
