#!/usr/bin/env bash
# Where the memory goes (scenario 4e): one real redis-server master, redis-sentinel and each given Vigil binary
# watching it side by side; each Vigil runs twice, endpoint off and endpoint on with /metrics fetched every second.
# After WAIT seconds (default 25) prints RSS, file-backed and anonymous memory from /proc/<pid>/smaps_rollup.
# RSS is not CPU-sensitive, so this can run on a busy machine.
# Usage: bench/rss.sh <vigil binary> [<vigil binary> ...]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
wait_s=${WAIT:-25}
reference=$(reference_binary)
[ $# -gt 0 ] || set -- "$(vigil_binary)"

master_port=$(free_port)
start_redis "$master_port" "$bench_dir/master"
monitor="sentinel monitor m0 127.0.0.1 $master_port 2"
names=() pids=() scrapers=()
add() { names+=("$1"); pids+=("$last_pid"); }

port=$(free_port); start_sentinel "$bench_dir/reference" "$reference" "$port" "$monitor"; wait_ping "$port"; add "redis-sentinel"
i=0
for binary in "$@"; do
    label="$(basename "$(dirname "$binary")")/$(basename "$binary") ($(( $(stat -c %s "$binary") / 1024 )) KB)"
    port=$(free_port); start_sentinel "$bench_dir/off-$i" "$binary" "$port" "$monitor"; wait_ping "$port"; add "$label, endpoint off"
    port=$(free_port); http_port=$(free_port)
    start_sentinel "$bench_dir/on-$i" "$binary" "$port" "$monitor" "vigil-http 127.0.0.1:$http_port"; wait_ping "$port"
    add "$label, endpoint on, scraped 1/s"
    ( while sleep 1; do curl -s -o /dev/null "http://127.0.0.1:$http_port/metrics" || true; done ) &
    scrapers+=($!); bench_pids+=($!)
    i=$((i + 1))
done
sleep "$wait_s"
echo "RSS after ${wait_s}s, one master ($(machine_line))"
printf '%-70s %8s %8s %8s\n' process "RSS MB" "file MB" "anon MB"
for k in "${!pids[@]}"; do
    awk -v name="${names[$k]}" '
        /^Rss:/ {rss=$2} /^Anonymous:/ {anon=$2}
        END {printf "%-70s %8.1f %8.1f %8.1f\n", name, rss/1024, (rss-anon)/1024, anon/1024}' "/proc/${pids[$k]}/smaps_rollup"
done
for pid in "${scrapers[@]}"; do kill "$pid" 2>/dev/null || true; done
