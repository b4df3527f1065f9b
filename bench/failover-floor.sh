#!/usr/bin/env bash
# Scenario 1c, failover at the floor: many rounds of one fault at down-after-milliseconds 1000 (Vigil alone by
# default), to see how close fault -> first +switch-master comes to down-after, and whether any round needed more
# than one election or failed over twice. Each round's sentinel logs are read for +try-failover, +elected-leader,
# -failover-abort-* and +switch-master.
# Usage: bench/failover-floor.sh [rounds] [faults]   (defaults 50, "kill sleep"); IMPLS="vigil redis-sentinel" adds
# the reference, interleaved.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/demo-rounds.sh
rounds=${1:-50}
faults=${2:-kill sleep}
down_after=1000
export IMPLS=${IMPLS:-vigil}
ensure_vigil_bin
out=${BENCH_OUT:-artifacts/bench/failover-floor-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
export RESULTS="$out/results.jsonl" LOGS="$out"
: > "$RESULTS"
for fault in $faults; do
    run_rounds "$fault-$down_after" "$rounds" --fault "$fault" --down-after "$down_after"
done
echo "failover floor, $rounds rounds per fault, down-after $down_after ms, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) at the end, $(date -u +%FT%TZ), binary $VIGIL_BIN (tree at $(git rev-parse --short HEAD))"
python3 bench/lib/floor_summary.py "$RESULTS" "$LOGS" "$down_after" $faults
echo "results and every run's timeline and sentinel logs: $out"
