#!/usr/bin/env bash
# The same plain client (no Sentinel support: it knows one address and reconnects to it) writing through
# vigil proxy and through HAProxy 2.6 with the usual Redis recipe (tcp-check for role:master, check inter 1s),
# side by side during the same failover: DEBUG SLEEP 5 on the master, then (fresh group) kill -9 of it.
# Master + 2 replicas, three Vigil sentinels (NativeAOT), quorum 2, down-after-milliseconds 1000.
# Prints per path and fault: min / median / max of the longest write gap, acknowledged writes, and
# acknowledged writes not on the final master (lost, or acknowledged by a replaced master).
# Usage: bench/proxy-failover.sh [rounds]   (default 3; VIGIL or VIGIL_BIN=path skips the build)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
rounds=${1:-3}
vigil=$(vigil_binary)
command -v haproxy >/dev/null || { echo "haproxy is needed (apt-get install haproxy)" >&2; exit 1; }
results="$bench_dir/results.jsonl"
: > "$results"

one_round() { # fault round
    local fault=$1 dir="$bench_dir/$1-$2" pids_before=${#bench_pids[@]}
    mkdir -p "$dir"
    local master replica1 replica2 s proxy haproxy_port
    master=$(free_port); replica1=$(free_port); replica2=$(free_port)
    start_bg "$dir/master.log" redis-server --port "$master" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
        --daemonize no --enable-debug-command yes --repl-diskless-sync-delay 0
    local master_pid=$last_pid
    wait_ping "$master"
    for r in "$replica1" "$replica2"; do
        start_bg "$dir/replica-$r.log" redis-server --port "$r" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
            --daemonize no --enable-debug-command yes --repl-diskless-sync-delay 0 --replicaof 127.0.0.1 "$master"
        wait_ping "$r"
    done
    local sentinels=() args=()
    for i in 1 2 3; do
        s=$(free_port)
        start_sentinel "$dir/sentinel-$i" "$vigil" "$s" "sentinel monitor mymaster 127.0.0.1 $master 2" \
            "sentinel down-after-milliseconds mymaster 1000" "sentinel failover-timeout mymaster 10000"
        sentinels+=("$s"); args+=(--sentinel "127.0.0.1:$s")
    done
    for s in "${sentinels[@]}"; do wait_ping "$s"; done
    proxy=$(free_port)
    start_bg "$dir/proxy.log" "$vigil" proxy --listen "127.0.0.1:$proxy" --master-name mymaster "${args[@]}"
    haproxy_port=$(free_port)
    write_haproxy_cfg "$dir/haproxy.cfg" "$haproxy_port" "$master" "$replica1" "$replica2"
    start_bg "$dir/haproxy.log" haproxy -f "$dir/haproxy.cfg" -db
    wait_ping "$proxy" 20; wait_ping "$haproxy_port" 20
    sleep 3 # the sentinels discover each other and the replicas before the fault
    python3 "$bench_root/bench/lib/proxy_failover_probe.py" "$fault" "$master_pid" "$master" "${sentinels[0]}" \
        "vigil-proxy=$proxy" "haproxy=$haproxy_port" >> "$results"
    local i
    for i in $(seq "$pids_before" $(( ${#bench_pids[@]} - 1 ))); do stop_pid "${bench_pids[$i]}"; done
}

echo "plain client through vigil proxy and HAProxy during one failover ($(machine_line))"
for round in $(seq 1 "$rounds"); do
    for fault in sleep kill; do one_round "$fault" "$round"; done
done
python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def three(xs): return "/".join(str(round(x)) for x in (min(xs), statistics.median(xs), max(xs))) if xs else "-"
print(f"{'fault':<7}{'path':<13}{'longest write gap ms':>22}{'fault->switch ms':>18}{'acked':>18}{'acked but lost':>18}")
for fault in ("sleep", "kill"):
    for path in ("vigil-proxy", "haproxy"):
        rs = [r for r in runs if r["fault"] == fault and r["path"] == path and r["converged"]]
        print(f"{fault:<7}{path:<13}{three([r['gapMs'] for r in rs]):>22}{three([r['faultToSwitchMs'] for r in rs]):>18}"
              f"{three([r['acked'] for r in rs]):>18}{three([r['lost'] for r in rs]):>18}")
PY
