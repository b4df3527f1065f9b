#!/usr/bin/env bash
# Split brain under real partitions: three boxes on loopback addresses 127.0.0.2-4, each a redis-server
# and a sentinel bound there (bind-source-addr too), the master's box cut off with nftables.
#   example2: the master's box cut for 15 s, a writer on that box writing to the master every 5 ms;
#   tencut:   ten 3-second cuts of the current master's box, 5 s apart.
# down-after-milliseconds 2000, quorum 2. Vigil (NativeAOT) and redis-sentinel run interleaved, same run.
# Needs root (nftables). Usage: bench/partition.sh [rounds] [scenarios...]   (default 3, example2 tencut)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; shift || true
scenarios=("${@:-example2}")
[ $# -gt 0 ] || scenarios=(example2 tencut)
[ "$(id -u)" -eq 0 ] || { echo "bench/partition.sh needs root (nftables rules)" >&2; exit 1; }
command -v nft >/dev/null || { echo "nft is missing: run scripts/install-prereqs.sh" >&2; exit 1; }
if [ -z "${VIGIL_BIN:-}" ]; then
    dotnet publish src/Vigil/Vigil.csproj -c Release -o artifacts/aot -nologo -v quiet >/dev/null
    VIGIL_BIN="$PWD/artifacts/aot/vigil"
fi
out=${BENCH_OUT:-artifacts/bench/partition-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"
for scenario in "${scenarios[@]}"; do
    for round in $(seq 1 "$rounds"); do
        for binary in "$VIGIL_BIN" "$(command -v redis-sentinel)"; do
            dir="$out/$scenario-$(basename "$binary")-$round"
            mkdir -p "$dir"
            if ! python3 bench/lib/partition_run.py --sentinel-binary "$binary" --scenario "$scenario" \
                    --dir "$dir" --label "$scenario" >> "$results" 2> "$dir/error.txt"; then
                echo "  $scenario $(basename "$binary") round $round failed: $(tail -n 1 "$dir/error.txt")" >&2
            fi
        done
    done
done
echo "partition, $rounds rounds each, $(nproc) CPUs, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)"
python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
figures = {
    "example2": ["ackedTotal", "ackedLost", "lostAfterFence", "ackedByOldAfterPromotion", "twoMastersMs",
                 "fenceAfterCutMs", "promotedAfterCutMs", "majorityUnavailableMs", "demotedAfterHealMs"],
    "tencut": ["failovers", "ackedTotal", "ackedLost", "damped", "fences"],
}
def three(xs):
    xs = [x for x in xs if x is not None]
    if not xs: return "-"
    return "/".join(str(round(v)) for v in (min(xs), statistics.median(xs), max(xs)))
for scenario, names in figures.items():
    mine = [r for r in runs if r["scenario"] == scenario and r["sentinel"] == "vigil"]
    ref = [r for r in runs if r["scenario"] == scenario and r["sentinel"] != "vigil"]
    if not mine and not ref: continue
    print(f"{scenario}: min/median/max (n = {len(mine)} Vigil, {len(ref)} redis-sentinel)")
    for name in names:
        print(f"  {name:<26} vigil {three([r.get(name) for r in mine]):>20} | redis-sentinel {three([r.get(name) for r in ref]):>20}")
PY
echo "results and every run's logs: $out"
