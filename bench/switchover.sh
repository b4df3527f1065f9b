#!/usr/bin/env bash
# Scenario 2, planned switchover: SENTINEL FAILOVER while a client writes continuously. Runs Vigil
# (NativeAOT) and redis-sentinel interleaved on the same `vigil demo` engine and prints min / median /
# max per figure and the ratio Vigil / reference.
# Usage: bench/switchover.sh [rounds]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/demo-rounds.sh
rounds=${1:-5}
ensure_vigil_bin
out=${BENCH_OUT:-artifacts/bench/switchover-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
export RESULTS="$out/results.jsonl" LOGS="$out"
: > "$RESULTS"
run_rounds switchover "$rounds" --fault switchover --down-after 5000
echo "planned switchover, $rounds rounds, $(nproc) CPUs, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)"
python3 bench/lib/summarise.py "$RESULTS" switchover switchMasterFirstMs switchMasterLastMs failoverEndMs unavailableMs ackedLost writesAcked
python3 - "$RESULTS" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
v = [r for r in runs if r["sentinel"] == "Vigil" and r["converged"]]
if v:
    lost = sum(r["ackedLost"] or 0 for r in v)
    unavailable = statistics.median(r["unavailableMs"] for r in v if r["unavailableMs"] is not None)
    ok = lost == 0 and unavailable < 200
    print(f"  target: Vigil acknowledged writes lost {lost} (0), median unavailability {unavailable:.0f} ms (< 200): {'met' if ok else 'MISSED'}")
PY
echo "results and every run's timeline and sentinel logs: $out"
