#!/usr/bin/env bash
# The benchmark entry point: every scenario, Vigil (NativeAOT) against redis-sentinel in the same
# invocation, interleaved. Results with date, machine and commit go in bench/README.md.
# Usage: bench/run.sh [rounds]   (each scenario's default when omitted)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prereqs.sh
dotnet publish src/Vigil/Vigil.csproj -c Release -o artifacts/aot -nologo -v quiet >/dev/null
export VIGIL_BIN="$PWD/artifacts/aot/vigil"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit $(git rev-parse --short HEAD), $(date -u +%FT%TZ)"

# 1. crash-failover (DEBUG SLEEP and kill -9; down-after 5000 and 1000)
bash bench/failover.sh "$@"
# 2. planned switchover under continuous writes
bash bench/switchover.sh "$@"
# 3. query throughput (redis-benchmark, 50 clients, pipeline 1 and 16)
bash bench/query-throughput.sh "$@"
# 4. footprint (RSS, CPU per minute, threads, fds; 1 and 50 masters; side by side and in groups) and 5. scale (1,000 masters)
for scenario in bench/footprint.sh bench/footprint-groups.sh bench/scale.sh; do
    if [ -f "$scenario" ]; then bash "$scenario" "$@"; else echo "($scenario not present yet)"; fi
done
