#!/usr/bin/env bash
# Instructions per call of each server and per read of each codec case, counted by
# valgrind's callgrind: repeatable whatever else the machine runs.
#
#   bench/profile.sh [CALLS]        (default 2000 calls per server measurement)
#
# For each server and workload: the server runs under callgrind twice, answering 1 call
# and 1 + CALLS calls; the difference divided by CALLS is its cost per call. Profiles are
# kept in $OUT (default target dir /callgrind) for callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")"
CALLS=${1:-2000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --quiet
# The bare and the framework servers run from a build without the peers, as run.sh runs
# them (see the `peers` feature in Cargo.toml).
CARGO_TARGET_DIR=$CARGO_TARGET_DIR/solo cargo build --release --quiet --no-default-features
BIN=$CARGO_TARGET_DIR/release/rpc-bench
SOLO=$CARGO_TARGET_DIR/solo/release/rpc-bench
OUT=${OUT:-$CARGO_TARGET_DIR/callgrind}
mkdir -p "$OUT"

# Runs a server under callgrind, sends N calls, stops it (by PID); prints its Ir total.
server_ir() { # name workload calls cmd...
    local name=$1 workload=$2 calls=$3
    shift 3
    local tag="$OUT/$name.$workload.$calls"
    valgrind --tool=callgrind --callgrind-out-file="$tag.cg" "$@" >"$tag.out" 2>"$tag.err" &
    local pid=$!
    local port=""
    for _ in $(seq 300); do
        port=$(awk '/^LISTENING/{print $2}' "$tag.out" 2>/dev/null || true)
        [ -n "$port" ] && break
        sleep 0.1
    done
    if [ -z "$port" ]; then kill -TERM "$pid"; wait "$pid" || true; echo "no port for $name" >&2; return 1; fi
    if [ "$calls" -gt 0 ]; then
        "$BIN" load --port "$port" --workload "$workload" --calls "$calls" --conns 32 >/dev/null
    else
        "$BIN" load --port "$port" --workload "$workload" --calls 0 --conns 1 >/dev/null
    fi
    kill -TERM "$pid"
    wait "$pid" || true
    grep -o 'refs: *[0-9,]*' "$tag.err" | tr -d ', ' | cut -d: -f2
}

per_call() { # name workload cmd...
    local name=$1 workload=$2
    shift 2
    local a b
    a=$(server_ir "$name" "$workload" 0 "$@")
    b=$(server_ir "$name" "$workload" "$CALLS" "$@")
    echo $(( (b - a) / CALLS ))
}

echo "| workload | server | instructions per call | vs bare |"
echo "|---|---|---:|---:|"
for w in small medium; do
    bare=$(per_call bare "$w" "$SOLO" serve bare "$w")
    echo "| $w | bare hyper (fixed reply) | $bare | 1.00x |"
    for s in framework dxr; do
        bin=$SOLO
        [ "$s" = dxr ] && bin=$BIN
        n=$(per_call "$s" "$w" "$bin" serve "$s")
        echo "| $w | $s | $n | $(awk -v a="$n" -v b="$bare" 'BEGIN{printf "%.2fx", a/b}') |"
    done
done

echo
echo "| codec case (medium.xml) | instructions per read | vs walk |"
echo "|---|---:|---:|"
walk=""
for c in walk walk_042 ours_typed ours_value dxr_value dxr_typed; do
    a=$(valgrind --tool=callgrind --callgrind-out-file="$OUT/codec.$c.0.cg" "$BIN" codec-repeat "$c" medium 0 2>&1 | grep -o 'refs: *[0-9,]*' | tr -d ', ' | cut -d: -f2)
    b=$(valgrind --tool=callgrind --callgrind-out-file="$OUT/codec.$c.20.cg" "$BIN" codec-repeat "$c" medium 20 2>&1 | grep -o 'refs: *[0-9,]*' | tr -d ', ' | cut -d: -f2)
    n=$(( (b - a) / 20 ))
    [ -z "$walk" ] && walk=$n
    echo "| $c | $n | $(awk -v a="$n" -v b="$walk" 'BEGIN{printf "%.2fx", a/b}') |"
done
