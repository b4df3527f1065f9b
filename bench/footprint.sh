#!/usr/bin/env bash
# Scenario 4: footprint while watching 1 and 50 masters, Vigil (NativeAOT) vs redis-sentinel.
# Both sentinels watch the same real redis-server masters (so they also see each other as peers, the same
# load for both), nobody queries them; over each window the script samples RSS, CPU seconds (scaled to a
# minute), threads and open file descriptors. The two run side by side, so every window measures both
# under the same machine load. Rounds are successive windows after a settling time.
# Usage: bench/footprint.sh [rounds] [window-seconds]   (default 3 rounds of 60 s; MASTERS="1 50")
# HTTP=1 also runs a third sentinel, Vigil with its HTTP endpoint on (vigil-http) and /metrics scraped every second
# by curl, and reports it against plain Vigil. Context switches are summed over the threads alive through the window (each wake-up counts one).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
rounds=${1:-3}
window=${2:-60}
settle=${SETTLE:-15}
vigil=$(vigil_binary)
reference=$(reference_binary)
hz=$(clock_ticks_per_second)

echo "Scenario 4: footprint ($(machine_line))"
echo "idle monitoring, real redis-server masters (no replicas), $rounds windows of ${window}s after ${settle}s settling"
for count in ${MASTERS:-1 50}; do
    start_masters "$count" "$bench_dir/masters-$count"
    vigil_port=$(free_port); start_sentinel "$bench_dir/vigil-$count" "$vigil" "$vigil_port" "${monitors[@]}"; vigil_pid=$last_pid
    ref_port=$(free_port); start_sentinel "$bench_dir/reference-$count" "$reference" "$ref_port" "${monitors[@]}"; ref_pid=$last_pid
    wait_ping "$vigil_port"; wait_ping "$ref_port"
    if [ "${HTTP:-0}" = 1 ]; then
        http_port=$(free_port)
        http_sentinel_port=$(free_port)
        start_sentinel "$bench_dir/vigil-http-$count" "$vigil" "$http_sentinel_port" "${monitors[@]}" "vigil-http 127.0.0.1:$http_port"
        http_pid=$last_pid
        wait_ping "$http_sentinel_port"
        ( while sleep 1; do curl -s -o /dev/null "http://127.0.0.1:$http_port/metrics" || true; done ) &
        scraper_pid=$!
    fi
    sleep "$settle"
    declare -A values=()
    for _ in $(seq 1 "$rounds"); do
        v0=$(cpu_ticks "$vigil_pid"); r0=$(cpu_ticks "$ref_pid")
        vs0=$(context_switches "$vigil_pid"); rs0=$(context_switches "$ref_pid")
        [ "${HTTP:-0}" = 1 ] && h0=$(cpu_ticks "$http_pid")
        sleep "$window"
        v1=$(cpu_ticks "$vigil_pid"); r1=$(cpu_ticks "$ref_pid")
        vs1=$(context_switches "$vigil_pid"); rs1=$(context_switches "$ref_pid")
        values[csw_v]+=" $(context_switch_rate "$vs0" "$vs1" "$window")"; values[csw_r]+=" $(context_switch_rate "$rs0" "$rs1" "$window")"
        if [ "${HTTP:-0}" = 1 ]; then
            h1=$(cpu_ticks "$http_pid")
            values[cpu_h]+=" $(python3 -c "print(($h1 - $h0) / $hz * 60 / $window)")"
            values[rss_h]+=" $(( $(rss_kb "$http_pid") / 1024 ))"
            values[thr_h]+=" $(thread_count "$http_pid")"
        fi
        values[cpu_v]+=" $(python3 -c "print(($v1 - $v0) / $hz * 60 / $window)")"
        values[cpu_r]+=" $(python3 -c "print(($r1 - $r0) / $hz * 60 / $window)")"
        values[rss_v]+=" $(( $(rss_kb "$vigil_pid") / 1024 ))"; values[rss_r]+=" $(( $(rss_kb "$ref_pid") / 1024 ))"
        values[thr_v]+=" $(thread_count "$vigil_pid")"; values[thr_r]+=" $(thread_count "$ref_pid")"
        values[fd_v]+=" $(fd_count "$vigil_pid")"; values[fd_r]+=" $(fd_count "$ref_pid")"
    done
    summarise "$count master(s): RSS" "MB" "${values[rss_v]}" "${values[rss_r]}"
    summarise "$count master(s): CPU per minute" "s/min" "${values[cpu_v]}" "${values[cpu_r]}"
    summarise "$count master(s): threads" "count" "${values[thr_v]}" "${values[thr_r]}"
    summarise "$count master(s): context switches" "per s" "${values[csw_v]}" "${values[csw_r]}"
    summarise "$count master(s): file descriptors" "count" "${values[fd_v]}" "${values[fd_r]}"
    if [ "${HTTP:-0}" = 1 ]; then
        echo "with the HTTP endpoint scraped every second (first column) against plain Vigil (second column):"
        summarise "$count master(s), Vigil+HTTP vs Vigil: RSS" "MB" "${values[rss_h]}" "${values[rss_v]}"
        summarise "$count master(s), Vigil+HTTP vs Vigil: CPU per minute" "s/min" "${values[cpu_h]}" "${values[cpu_v]}"
        summarise "$count master(s), Vigil+HTTP vs Vigil: threads" "count" "${values[thr_h]}" "${values[thr_v]}"
        kill "$scraper_pid" 2>/dev/null || true
        stop_pid "$http_pid"
    fi
    unset values
    stop_pid "$vigil_pid"; stop_pid "$ref_pid"
    for pid in "${master_pids[@]}"; do stop_pid "$pid"; done
done
