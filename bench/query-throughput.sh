#!/usr/bin/env bash
# Query throughput and idle footprint, Vigil (NativeAOT) vs redis-sentinel, in one run, interleaved.
# Usage: bench/query-throughput.sh [rounds]   (default 3 rounds; 50 clients; pipeline 1 and 16)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
requests=${REQUESTS:-200000}
dotnet publish src/Vigil/Vigil.csproj -c Release -o artifacts/aot -nologo -v quiet >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dir=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

master=$(free_port)
redis-server --port "$master" --bind 127.0.0.1 --save '' --daemonize no --logfile "$dir/master.log" & pids+=($!)
start_sentinel() { # name binary
    local port; port=$(free_port)
    mkdir -p "$dir/$1"
    printf 'port %s\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 %s 2\n' "$port" "$master" > "$dir/$1/sentinel.conf"
    "$2" "$dir/$1/sentinel.conf" > "$dir/$1/out.log" 2>&1 & pids+=($!)
    for _ in $(seq 1 100); do [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
    echo "$port $!"
}
read -r vigil_port vigil_pid < <(start_sentinel vigil "$PWD/artifacts/aot/vigil")
read -r ref_port ref_pid < <(start_sentinel reference /usr/bin/redis-sentinel)
sleep 3  # let both settle into idle monitoring before measuring footprint

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
threads() { awk '/Threads/ {print $2}' "/proc/$1/status"; }
echo "idle RSS: vigil $(rss_kb "$vigil_pid") kB ($(threads "$vigil_pid") threads), redis-sentinel $(rss_kb "$ref_pid") kB ($(threads "$ref_pid") threads)"

rps() { # port pipeline test-args...
    local port=$1 pipeline=$2; shift 2
    redis-benchmark -p "$port" -c 50 -n "$requests" -P "$pipeline" --csv "$@" 2>/dev/null | awk -F'","' 'NR==2 {gsub(/"/,"",$2); print $2}'
}
summarise() { # label values-vigil values-ref
    python3 - "$@" <<'PY'
import statistics, sys
label, mine, ref = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
m, r = statistics.median(mine), statistics.median(ref)
print(f"{label:<44} vigil min/med/max {min(mine):>9.0f} {m:>9.0f} {max(mine):>9.0f} | redis-sentinel {min(ref):>9.0f} {r:>9.0f} {max(ref):>9.0f} | ratio {m/r:.2f}")
PY
}
for pipeline in 1 16; do
    for test in "PING:-t ping_mbulk" "GET-MASTER-ADDR:sentinel get-master-addr-by-name mymaster"; do
        label=${test%%:*}; args=${test#*:}
        mine=""; ref=""
        for _ in $(seq 1 "$rounds"); do
            # shellcheck disable=SC2086
            mine="$mine $(rps "$vigil_port" "$pipeline" $args)"
            # shellcheck disable=SC2086
            ref="$ref $(rps "$ref_port" "$pipeline" $args)"
        done
        summarise "$label requests/s, 50 clients, pipeline $pipeline" "$mine" "$ref"
    done
done
