#!/usr/bin/env bash
# CLIP engine benchmark: builds afa in release mode, writes a random-weight ViT-B/32 checkpoint
# (speed does not depend on the weights) and runs `afa model bench` several times per setting,
# printing the median of each figure with the machine it ran on.
#
#   bench/clip/run.sh [RUNS]            (default 5 runs per setting)
#   AFA_BIN=path/to/afa bench/clip/run.sh   skip the build and use that binary
#   SECONDS_PER_RUN=10 PRECISIONS="float32 bfloat16 int8" BATCHES="16 1"
set -euo pipefail

cd "$(dirname "$0")/../.."
RUNS="${1:-5}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
PRECISIONS="${PRECISIONS:-float32 bfloat16 int8}"
BATCHES="${BATCHES:-16 1}"
MODEL_DIR="${MODEL_DIR:-${TMPDIR:-/tmp}/afa-bench-vit-b-32}"

if [[ -z "${AFA_BIN:-}" ]]; then
    swift build -c release --product afa >&2
    AFA_BIN="$(swift build -c release --show-bin-path)/afa"
fi

if [[ ! -f "$MODEL_DIR/model.safetensors" ]]; then
    "$AFA_BIN" model random --like vit-b-32 --tokenizer Tests/CLIPTests/Fixtures/tiny "$MODEL_DIR" >&2
fi

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset}, OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "model: random ViT-B/32 ($(du -m "$MODEL_DIR/model.safetensors" | cut -f1) MB float32 safetensors), $RUNS runs x ${SECONDS_PER_RUN}s each"
printf '%-9s %5s %12s %16s %14s %10s\n' precision batch "images/s" "CPU ms/image" "text ms" "VmHWM MB"
for precision in $PRECISIONS; do
    for batch in $BATCHES; do
        rates=() cpu=() text=() memory=()
        for _ in $(seq "$RUNS"); do
            output="$("$AFA_BIN" model bench "$MODEL_DIR" --batch "$batch" --seconds "$SECONDS_PER_RUN" --precision "$precision")"
            rates+=("$(sed -n 's/^images: *\([0-9.]*\) images\/s.*/\1/p' <<<"$output")")
            cpu+=("$(sed -n 's/.*, \([0-9.]*\) ms CPU per image.*/\1/p' <<<"$output")")
            text+=("$(sed -n 's/^text query: *\([0-9.]*\) ms median.*/\1/p' <<<"$output")")
            memory+=("$(sed -n 's/^peak memory: *\([0-9]*\) MB.*/\1/p' <<<"$output")")
        done
        printf '%-9s %5s %12s %16s %14s %10s\n' "$precision" "$batch" \
            "$(printf '%s\n' "${rates[@]}" | median)" "$(printf '%s\n' "${cpu[@]}" | median)" \
            "$(printf '%s\n' "${text[@]}" | median)" "$(printf '%s\n' "${memory[@]}" | median)"
    done
done
echo "(medians; CPU ms/image is process CPU time per image, which other load on the machine inflates less than wall time)"
