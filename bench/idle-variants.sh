#!/usr/bin/env bash
# Idle CPU of several Vigil builds (or wrappers setting an environment) side by side with redis-sentinel, all watching
# the same N real masters (so all are peers of each other: each sentinel added is more hello traffic for every one).
# Per window: CPU seconds per minute, context switches per second (threads alive through the window) and RSS.
# Usage: bench/idle-variants.sh <binary>... (MASTERS=50 ROUNDS=3 WINDOW=30 SETTLE=15)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
count=${MASTERS:-50}
rounds=${ROUNDS:-3}
window=${WINDOW:-30}
reference=$(reference_binary)
hz=$(clock_ticks_per_second)
start_masters "$count" "$bench_dir/masters"
names=("redis-sentinel") pids=()
port=$(free_port); start_sentinel "$bench_dir/reference" "$reference" "$port" "${monitors[@]}"; pids+=("$last_pid"); wait_ping "$port"
i=0
for binary in "$@"; do
    port=$(free_port); start_sentinel "$bench_dir/vigil-$i" "$binary" "$port" "${monitors[@]}"; pids+=("$last_pid"); wait_ping "$port"
    names+=("$(basename "$(dirname "$binary")")"); i=$((i + 1))
done
sleep "${SETTLE:-15}"
echo "Idle, $count masters, ${#pids[@]} sentinels side by side, $rounds windows of ${window}s ($(machine_line))"
printf '%-24s %12s %14s %8s\n' process "CPU s/min" "switches/s" "RSS MB"
for round in $(seq 1 "$rounds"); do
    c0=() s0=()
    for pid in "${pids[@]}"; do c0+=("$(cpu_ticks "$pid")"); s0+=("$(context_switches "$pid")"); done
    sleep "$window"
    for k in "${!pids[@]}"; do
        c1=$(cpu_ticks "${pids[$k]}"); s1=$(context_switches "${pids[$k]}")
        printf '%-24s %12s %14s %8s\n' "${names[$k]}" "$(python3 -c "print(round(($c1 - ${c0[$k]}) / $hz * 60 / $window, 2))")" \
            "$(context_switch_rate "${s0[$k]}" "$s1" "$window")" "$(( $(rss_kb "${pids[$k]}") / 1024 ))"
    done
    echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
done
