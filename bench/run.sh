#!/usr/bin/env bash
# Builds the bench in release and runs the whole side-by-side comparison:
#   bench/run.sh [suite options]      e.g. bench/run.sh --secs 5 --rounds 2
# Options are those of `rpc-bench suite` (see src/main.rs). The report is printed and
# written to $CARGO_TARGET_DIR/bench-report.md.
#
# Cores: the load generator (this process and its clients) runs on core 0, every server
# on core 1 (`taskset`); with more cores, set LOAD_CORE / SERVER_CORE.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
LOAD_CORE=${LOAD_CORE:-0}
SERVER_CORE=${SERVER_CORE:-1}

command -v python3 >/dev/null || { echo "python3 is needed (the Python peer)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }
cargo build --release --quiet
# The bare and the framework servers run from a build without the peers (see the `peers`
# feature in Cargo.toml): built as a user of this framework builds them.
CARGO_TARGET_DIR=$CARGO_TARGET_DIR/solo cargo build --release --quiet --no-default-features
# 1,000 idle connections and the load generator's sockets need file descriptors.
ulimit -n 8192 2>/dev/null || true

REPORT=$CARGO_TARGET_DIR/bench-report.md
{
    echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "- rustc: $(rustc --version), python: $(python3 --version 2>&1)"
    echo "- load generator on core $LOAD_CORE, servers on core $SERVER_CORE"
    echo "- bare hyper and this framework served by a build without the peers' crates (\`--no-default-features\`)"
    echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$REPORT.head"
taskset -c "$LOAD_CORE" "$CARGO_TARGET_DIR/release/rpc-bench" suite --server-core "$SERVER_CORE" \
    --servers-bin "$CARGO_TARGET_DIR/solo/release/rpc-bench" --out "$REPORT.body" "$@" >/dev/null
{
    cat "$REPORT.head"
    echo "- load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
    cat "$REPORT.body"
} > "$REPORT"
rm -f "$REPORT.head" "$REPORT.body"
cat "$REPORT"
