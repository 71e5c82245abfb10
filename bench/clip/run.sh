#!/usr/bin/env bash
# CLIP engine benchmark (issue #13): a random-weight ViT-B/32 (speed does not depend on the
# weights) through `afa model bench` at every instruction-set tier this machine can run (its own
# and AVX2, forced through ONEDNN_MAX_CPU_ISA / OPENBLAS_CORETYPE) and each precision, and through
# ONNX Runtime on the same checkpoint in the same run (bench/clip/ort.py: fp32 and its
# quantize_dynamic int8). Prints the median of RUNS runs of each figure, the ratios to ONNX
# Runtime, and the machine.
#
#   bench/clip/run.sh [RUNS]                 (default 3 runs per setting)
#   AFA_BIN=path/to/afa bench/clip/run.sh    skip the build and use that binary
#   SECONDS_PER_RUN=8 PRECISIONS="float32 int8 bfloat16" TIERS="native avx2" PEER=0 (skip ONNX Runtime)
#   BUSY=2                                   N CPU-bound processes beside every run: the cores as the
#                                            service shares them with libvips, ffmpeg and PostgreSQL
#
# ONNX Runtime has no switch to lower its tier, so its figures are always at the machine's own:
# on an AVX-512 machine the AVX2 rows are compared with a peer that uses AVX-512.
set -euo pipefail

cd "$(dirname "$0")/../.."
RUNS="${1:-3}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-8}"
PRECISIONS="${PRECISIONS:-float32 int8 bfloat16}"
TIERS="${TIERS:-native avx2}"
PEER="${PEER:-1}"
BUSY="${BUSY:-0}"
MODEL_DIR="${MODEL_DIR:-${TMPDIR:-/tmp}/afa-bench-vit-b-32}"
ORT_VENV=.deps/ort

if [[ -z "${AFA_BIN:-}" ]]; then
    swift build -c release --product afa >&2
    AFA_BIN="$(swift build -c release --show-bin-path)/afa"
fi
if [[ ! -f "$MODEL_DIR/model.safetensors" ]]; then
    "$AFA_BIN" model random --like vit-b-32 --tokenizer Tests/CLIPTests/Fixtures/tiny "$MODEL_DIR" >&2
fi
if [[ "$PEER" == 1 && ! -x "$ORT_VENV/bin/python" ]]; then
    python3 -m venv "$ORT_VENV"
    "$ORT_VENV/bin/pip" install -q onnxruntime==1.32.0 onnx==1.23.2 numpy safetensors >&2
fi

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"; }
declare -A figure

HOGS=()
trap '[[ ${#HOGS[@]} -gt 0 ]] && kill "${HOGS[@]}" 2>/dev/null || true' EXIT
for _ in $(seq 1 "$BUSY"); do
    sh -c 'while :; do :; done' &
    HOGS+=($!)
done

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "$(grep -m1 '^flags' /proc/cpuinfo | grep -o 'avx2\|avx512f\|avx512_vnni\|avx512_bf16\|amx_tile' | tr '\n' ' ')"
[[ "$BUSY" -gt 0 ]] && echo "beside every run: $BUSY CPU-bound processes (BUSY=$BUSY)"
echo "model:   random ViT-B/32 ($(du -m "$MODEL_DIR/model.safetensors" | cut -f1) MB float32), $RUNS runs x ${SECONDS_PER_RUN}s per batch size"

for run in $(seq "$RUNS"); do
    for tier in $TIERS; do
        isa=()
        [[ "$tier" != native ]] && isa=(--isa "$tier")
        for precision in $PRECISIONS; do
            json="$("$AFA_BIN" model bench "$MODEL_DIR" "${isa[@]}" --precision "$precision" --batch 16 --batch 1 \
                --seconds "$SECONDS_PER_RUN" --queries 100 --json)"
            key="$tier/$precision"
            figure[$key/tier]="$(field 'r["path"]' <<<"$json")"
            figure[$key/runs]="$(field 'r["precision"] + ("" if r["textPrecision"] == r["precision"] else ", text " + r["textPrecision"])' <<<"$json")"
            figure[$key/b16]+=" $(field '[i for i in r["images"] if i["batch"] == 16][0]["imagesPerSecond"]' <<<"$json")"
            figure[$key/b1]+=" $(field '[i for i in r["images"] if i["batch"] == 1][0]["imagesPerSecond"]' <<<"$json")"
            figure[$key/cpu]+=" $(field '[i for i in r["images"] if i["batch"] == 16][0]["cpuMillisecondsPerImage"]' <<<"$json")"
            figure[$key/p50]+=" $(field 'r["textMedianMilliseconds"]' <<<"$json")"
            figure[$key/p90]+=" $(field 'r["textP90Milliseconds"]' <<<"$json")"
            figure[$key/rss]+=" $(field 'r["peakMegabytes"]' <<<"$json")"
        done
    done
    if [[ "$PEER" == 1 ]]; then
        output="$("$ORT_VENV/bin/python" bench/clip/ort.py --model "$MODEL_DIR" --afa "$AFA_BIN" --runs 1 \
            --seconds "$SECONDS_PER_RUN" 2>/dev/null)"
        for mode in fp32 int8; do
            for batch in 16 1; do
                figure[ort/$mode/b$batch]+=" $(sed -n "s/^ort $mode batch $batch: \([0-9.]*\) images.*/\1/p" <<<"$output")"
            done
        done
        figure[ort/version]="$(head -1 <<<"$output" | cut -d, -f1)"
    fi
done

m() { tr ' ' '\n' <<<"${figure[$1]}" | sed '/^$/d' | median; }
printf '\n%-8s %-9s %-18s %-20s %9s %9s %11s %9s %9s %8s\n' tier precision "kernels" "runs as" "batch 16" "batch 1" \
    "CPU ms/img" "text p50" "text p90" "RSS MB"
for tier in $TIERS; do
    for precision in $PRECISIONS; do
        key="$tier/$precision"
        printf '%-8s %-9s %-18s %-20s %9.1f %9.1f %11.0f %9.2f %9.2f %8.0f\n' "$tier" "$precision" "${figure[$key/tier]}" \
            "${figure[$key/runs]}" "$(m "$key/b16")" "$(m "$key/b1")" "$(m "$key/cpu")" "$(m "$key/p50")" \
            "$(m "$key/p90")" "$(m "$key/rss")"
    done
done
if [[ "$PEER" == 1 ]]; then
    echo
    echo "${figure[ort/version]} (its own tier), images/s: fp32 batch 16 $(m ort/fp32/b16), batch 1 $(m ort/fp32/b1);" \
        "int8 batch 16 $(m ort/int8/b16), batch 1 $(m ort/int8/b1)"
    for tier in $TIERS; do
        for pair in "float32 fp32" "int8 int8"; do
            set -- $pair
            [[ " $PRECISIONS " == *" $1 "* ]] || continue
            printf 'afa %s %-7s / ORT %s: batch 16 %.2fx, batch 1 %.2fx\n' "$tier" "$1" "$2" \
                "$(awk "BEGIN { print $(m "$tier/$1/b16") / $(m "ort/$2/b16") }")" \
                "$(awk "BEGIN { print $(m "$tier/$1/b1") / $(m "ort/$2/b1") }")"
        done
    done
fi
echo "(medians; runs interleaved afa and ONNX Runtime; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
