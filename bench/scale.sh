#!/usr/bin/env bash
# Scenario 5: one group of sentinels watching 1,000 masters, Vigil (NativeAOT) vs redis-sentinel.
# One of the masters is real: a redis-server master with one redis-server replica (monitored as `real`). The
# others and their replicas are a fake fleet (bench/Vigil.Bench.Fake): one process that speaks real RESP over
# real loopback sockets on one port per instance (PING, INFO replication in Redis 7.0's format, pub/sub for the
# hello channel, REPLICAOF, MULTI/EXEC, CLIENT, CONFIG).
# Per round and per implementation: start the real group, the fleet and a group of sentinels, wait until every
# sentinel sees every master with its replica and its peers, measure each sentinel's CPU over a window, then
# freeze the real master with DEBUG SLEEP and time fault -> +switch-master; the same failover is also timed with
# the real group watched alone (no fleet).
# Usage: bench/scale.sh [rounds] [window-seconds]   (default 2 rounds, 60 s; MASTERS=1000 (the real one
#        included) SENTINELS=3 DOWN_AFTER=5000; VIGIL or VIGIL_BIN=path skips the build)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
rounds=${1:-2}
window=${2:-60}
masters=${MASTERS:-1000}
group=${SENTINELS:-3}
down_after=${DOWN_AFTER:-5000}
quorum=$(( group / 2 + 1 ))
vigil=$(vigil_binary)
reference=$(reference_binary)
dotnet build "$bench_root/bench/Vigil.Bench.Fake/Vigil.Bench.Fake.csproj" -c Release -o "$bench_root/artifacts/fake" -nologo -v quiet >"$bench_dir/fake-build.log" 2>&1 || { cat "$bench_dir/fake-build.log" >&2; exit 1; }
fleet_binary="$bench_root/artifacts/fake/vigil-fake-fleet"
hz=$(clock_ticks_per_second)
probe_timeout=90

# A base port below the ephemeral range with 2 x masters free ports after it.
pick_base_port() {
    python3 - "$1" <<'PY'
import random, socket, sys
need = int(sys.argv[1])
for _ in range(50):
    base = random.randrange(10000, 32000 - need)
    if base <= 26379 < base + need:  # the Debian sentinel's port, never ours to take
        continue
    socks = []
    try:
        for p in range(base, base + need):
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", p)); socks.append(s)
        print(base); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
}

# run_group <binary> <fake-masters> <measure:yes|no>: the real group, plus that many fake masters (none: no fleet);
# prints "discovery_s cpu_mean_pct cpu_max_pct rss_mb fleet_pct tilts odown_ms first_ms last_ms"
run_group() {
    local binary=$1 count=$2 measure=$3
    local base control fleet_pid= i s
    local attempt
    bench_pids=(); trap kill_started EXIT # run_group runs in a subshell
    rm -rf "$bench_dir/real"
    start_real_group "$bench_dir/real"
    local config=("sentinel monitor real 127.0.0.1 $real_master $quorum"
                  "sentinel down-after-milliseconds real $down_after"
                  "sentinel failover-timeout real 60000")
    if [ "$count" -gt 0 ]; then
        for attempt in 1 2 3 4 5; do # a port found free may be taken by the time the fleet binds it: pick again
            base=$(pick_base_port $((count * 2)))
            control=$(free_port)
            start_bg "$bench_dir/fleet.log" env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "$fleet_binary" \
                --base-port "$base" --masters "$count" --replicas 1 --control-port "$control"
            fleet_pid=$last_pid
            for _ in $(seq 1 300); do grep -q '^ready\|cannot listen' "$bench_dir/fleet.log" 2>/dev/null && break; sleep 0.1; done
            grep -q '^ready' "$bench_dir/fleet.log" && break
            stop_pid "$fleet_pid"
        done
        grep -q '^ready' "$bench_dir/fleet.log" || { cat "$bench_dir/fleet.log" >&2; return 1; }
    fi
    for i in $(seq 0 $((count - 1))); do
        config+=("sentinel monitor m$i 127.0.0.1 $((base + 2 * i)) $quorum"
                 "sentinel down-after-milliseconds m$i $down_after"
                 "sentinel failover-timeout m$i 60000")
    done
    local ports=() pids=()
    for s in $(seq 1 "$group"); do
        ports+=("$(free_port)")
        rm -rf "$bench_dir/s$s"
        start_sentinel "$bench_dir/s$s" "$binary" "${ports[-1]}" "${config[@]}"
        pids+=("$last_pid")
    done
    for s in "${ports[@]}"; do wait_ping "$s" 30; done
    local started=$SECONDS seen
    while :; do
        seen=0
        for s in "${ports[@]}"; do
            seen=$(( seen + $(redis-cli -p "$s" info sentinel | grep -c "slaves=1,sentinels=$group" || true) ))
        done
        [ "$seen" -ge $(((count + 1) * group)) ] && break
        [ $((SECONDS - started)) -gt 300 ] && { echo "not every sentinel saw every master ($seen of $(((count + 1) * group)))" >&2; break; }
        sleep 1
    done
    local discovery=$((SECONDS - started)) cpu_mean=-1 cpu_max=-1 rss=-1 fleet_cpu=-1 tilts=-1
    if [ "$measure" = yes ]; then
        sleep 5
        local before=() after=() f0=0 f1=0
        for s in "${pids[@]}"; do before+=("$(cpu_ticks "$s")"); done
        [ -z "$fleet_pid" ] || f0=$(cpu_ticks "$fleet_pid")
        local tilts_before tilts_after
        tilts_before=$(cat "$bench_dir"/s*/out.log | grep -c '+tilt' || true)
        sleep "$window"
        tilts_after=$(cat "$bench_dir"/s*/out.log | grep -c '+tilt' || true)
        tilts=$((tilts_after - tilts_before))
        for s in "${pids[@]}"; do after+=("$(cpu_ticks "$s")"); done
        [ -z "$fleet_pid" ] || f1=$(cpu_ticks "$fleet_pid")
        read -r cpu_mean cpu_max < <(python3 -c "
b=[int(x) for x in '${before[*]}'.split()]; a=[int(x) for x in '${after[*]}'.split()]
pct=[(y-x)/$hz/$window*100 for x,y in zip(b,a)]
print(f'{sum(pct)/len(pct):.2f} {max(pct):.2f}')")
        rss=$(( $(rss_kb "${pids[0]}") / 1024 ))
        fleet_cpu=$(python3 -c "print(f'{($f1-$f0)/$hz/$window*100:.1f}')")
    fi
    # The victim is the real master. It sleeps longer than the probe waits, so it cannot wake into the failover.
    local probe
    probe=$(python3 "$bench_root/bench/lib/failover_probe.py" "sleep:$real_master:$((probe_timeout + 30))" real \
        "$probe_timeout" "${ports[@]}") || probe="odown_ms=-1 switch_first_ms=-1 switch_last_ms=-1"
    for s in "${pids[@]}"; do stop_pid "$s"; done
    [ -z "$fleet_pid" ] || stop_pid "$fleet_pid"
    stop_pid "$real_master_pid" KILL
    stop_pid "$real_replica_pid"
    trap - EXIT
    echo "$discovery $cpu_mean $cpu_max $rss $fleet_cpu $tilts $(echo "$probe" | sed 's/[a-z_]*=//g')"
}

echo "Scenario 5: scale ($(machine_line))"
echo "$group sentinels (quorum $quorum) per implementation, $masters masters: $((masters - 1)) fake ones with one fake replica each and one redis-server master with a redis-server replica (the victim), down-after ${down_after} ms, $rounds interleaved rounds, CPU window ${window}s"
declare -A v=()
for round in $(seq 1 "$rounds"); do
    order="vigil reference"; [ $((round % 2)) -eq 0 ] && order="reference vigil"
    for who in $order; do
        binary=$vigil; [ "$who" = reference ] && binary=$reference
        read -r disc mean max rss fleet tilts odown first last < <(run_group "$binary" $((masters - 1)) yes)
        echo "  round $round $who: $masters masters: discovery ${disc}s, CPU mean ${mean}% max ${max}% of one core, RSS ${rss} MB, fleet ${fleet}%, +tilt events in the window ${tilts}; failover odown ${odown} ms, +switch-master first ${first} ms, last ${last} ms" >&2
        v[$who-disc]+=" $disc"; v[$who-mean]+=" $mean"; v[$who-max]+=" $max"; v[$who-rss]+=" $rss"
        v[$who-first]+=" $first"; v[$who-last]+=" $last"
        read -r _ _ _ _ _ _ odown1 first1 last1 < <(run_group "$binary" 0 no)
        echo "  round $round $who: the real master alone: failover odown ${odown1} ms, +switch-master first ${first1} ms, last ${last1} ms" >&2
        v[$who-first1]+=" $first1"; v[$who-last1]+=" $last1"
    done
done
summarise "$masters masters: CPU per sentinel (mean)" "% core" "${v[vigil-mean]}" "${v[reference-mean]}"
summarise "$masters masters: CPU per sentinel (busiest)" "% core" "${v[vigil-max]}" "${v[reference-max]}"
summarise "$masters masters: RSS of one sentinel" "MB" "${v[vigil-rss]}" "${v[reference-rss]}"
summarise "$masters masters: time until all seen" "s" "${v[vigil-disc]}" "${v[reference-disc]}"
summarise "$masters masters: freeze to +switch-master, first" "ms" "${v[vigil-first]}" "${v[reference-first]}"
summarise "$masters masters: freeze to +switch-master, last" "ms" "${v[vigil-last]}" "${v[reference-last]}"
summarise "watched alone: freeze to +switch-master, first" "ms" "${v[vigil-first1]}" "${v[reference-first1]}"
summarise "watched alone: freeze to +switch-master, last" "ms" "${v[vigil-last1]}" "${v[reference-last1]}"
python3 - "${v[vigil-first]}" "${v[vigil-first1]}" "${v[reference-first]}" "${v[reference-first1]}" <<'PY'
import statistics, sys
vm, v1, rm, r1 = (statistics.median(float(x) for x in a.split()) for a in sys.argv[1:5])
print(f"failover with the rest watched / watched alone (medians, first +switch-master): vigil {vm/v1:.2f}, redis-sentinel {rm/r1:.2f}")
PY
