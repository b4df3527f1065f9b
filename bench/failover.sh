#!/usr/bin/env bash
# Scenario 1, crash-failover: the master stops answering (DEBUG SLEEP) or dies (kill -9), with
# down-after-milliseconds 5000 and 1000; three sentinels (quorum 2), two replicas, a client writing
# continuously. Runs Vigil (NativeAOT) and redis-sentinel interleaved on the same `vigil demo` engine
# and prints min / median / max per figure and the ratio Vigil / reference.
# Usage: bench/failover.sh [rounds]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/demo-rounds.sh
rounds=${1:-3}
ensure_vigil_bin
out=${BENCH_OUT:-artifacts/bench/failover-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
export RESULTS="$out/results.jsonl" LOGS="$out"
: > "$RESULTS"
figures=(odownMs switchMasterFirstMs switchMasterLastMs failoverEndMs unavailableMs ackedLost)
for fault in sleep kill; do
    for down_after in 5000 1000; do
        run_rounds "$fault-$down_after" "$rounds" --fault "$fault" --down-after "$down_after"
    done
done
echo "crash-failover, $rounds rounds each, $(nproc) CPUs, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)"
for fault in sleep kill; do
    for down_after in 5000 1000; do
        python3 bench/lib/summarise.py "$RESULTS" "$fault-$down_after" "${figures[@]}"
        python3 - "$RESULTS" "$fault-$down_after" "$down_after" <<'PY'
import json, statistics, sys
path, label, down_after = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = [json.loads(l) for l in open(path) if json.loads(l)["label"] == label and json.loads(l)["converged"]]
v = [r["switchMasterFirstMs"] for r in runs if r["sentinel"] == "Vigil" and r["switchMasterFirstMs"] is not None]
r = [x["switchMasterFirstMs"] for x in runs if x["sentinel"] != "Vigil" and x["switchMasterFirstMs"] is not None]
if v and r:
    mv, mr = statistics.median(v), statistics.median(r)
    ok = mv < mr and mv <= down_after + 700
    print(f"  target: median fault -> +switch-master {mv:.0f} ms < reference {mr:.0f} ms and <= {down_after + 700} ms: {'met' if ok else 'MISSED'}")
PY
    done
done
echo "results and every run's timeline and sentinel logs: $out"
