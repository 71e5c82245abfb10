#!/usr/bin/env bash
# Fusion and cut-off quality on a synthetic labelled library (pure: no database, about 20 s).
# The assumptions are in bench/search/Fusion/main.swift's header.
#   bench/search/fusion.sh [LIBRARY_SIZE]
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product afa-fusion-bench >&2
"$(swift build -c release --show-bin-path)/afa-fusion-bench" "${1:-20000}"
