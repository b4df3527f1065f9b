#!/usr/bin/env bash
# Where an idle Vigil's time goes: N real masters watched by Vigil beside redis-sentinel (as in scenario 4), then
# `perf record -g` of Vigil for a window; prints the top of `perf report` and the user/system split.
# Usage: bench/profile-idle.sh [masters] [seconds]   (VIGIL=path; the report is left in $PERF_OUT, default /tmp/vigil-idle.perf)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
count=${1:-50}
window=${2:-20}
vigil=$(vigil_binary)
reference=$(reference_binary)
out=${PERF_OUT:-/tmp/vigil-idle.perf}
start_masters "$count" "$bench_dir/masters"
vigil_port=$(free_port); start_sentinel "$bench_dir/vigil" "$vigil" "$vigil_port" "${monitors[@]}"; vigil_pid=$last_pid
ref_port=$(free_port); start_sentinel "$bench_dir/reference" "$reference" "$ref_port" "${monitors[@]}"
wait_ping "$vigil_port"; wait_ping "$ref_port"
sleep "${SETTLE:-15}"
read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$vigil_pid/stat")
perf record -q -g -o "$out" -p "$vigil_pid" -- sleep "$window" >/dev/null 2>&1
read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$vigil_pid/stat")
echo "Vigil, $count masters, ${window}s ($(machine_line)): user $((u1 - u0)) ticks, system $((s1 - s0)) ticks"
perf report -i "$out" --no-children --sort dso,sym --stdio 2>/dev/null | grep -v '^#' | grep '%' | head -${TOP:-40}
