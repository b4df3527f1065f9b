#!/usr/bin/env bash
# Forged hellos: an attacker who can PUBLISH on a monitored master's __sentinel__:hello channel, but runs no
# sentinel, against three Vigils (NativeAOT) and against three redis-sentinels, in the same run. Each attack gets a
# fresh group (a master, two replicas, three sentinels, quorum 2, down-after 1000 ms); the forged hello is published
# three times, a second apart, then the master is killed with kill -9. Printed per attack and per side:
#   peers   - SENTINEL SENTINELS count on each of the three sentinels, and how many of the listed peers are real
#             (a real sentinel's run id at its real port)
#   failover - whether every sentinel names a new master within 30 s of the kill, and when the first one did
#   epoch    - the highest current epoch the three saved (state file for Vigil, sentinel.conf for the reference)
# Attacks: five invented sentinels at addresses where nothing listens; a real sentinel's identity with a current
# epoch of 9223372036854775806; a real sentinel's run id at another (dead) address; a real sentinel's address with a
# new run id.
# Usage: bench/hello-attack.sh
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
vigil=$(vigil_binary)
reference=$(reference_binary)
huge_epoch=9223372036854775806

cli() { redis-cli -p "$1" "${@:2}"; }

dead_port() { # a free port nobody listens on
    free_port
}

invented_id() { printf 'f0f0%036d' "$1"; }

# peers_of <sentinel-port>: one "runid:port" line per peer listed by SENTINEL SENTINELS (fields: name ip port runid flags ...)
peers_of() { cli "$1" sentinel sentinels mymaster | awk 'prev == "port" { p = $0 } prev == "runid" { r = $0 } prev == "flags" { print r ":" p } { prev = $0 }'; }

# hello <sentinel-port> <run-id> <current-epoch> <master-port>
hello() { echo "127.0.0.1,$1,$2,$3,mymaster,127.0.0.1,$4,0"; }

saved_epoch() { # side dir
    if [ "$1" = vigil ]; then
        python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["current-epoch"])' "$2/sentinel.conf.state.json" 2>/dev/null || echo 0
    else
        sed -n 's/^sentinel current-epoch //p' "$2/sentinel.conf" | head -1
    fi
}

run_attack() { # side binary attack
    local side=$1 binary=$2 attack=$3 dir="$bench_dir/$3-$1"
    local master_port replica_pids=() sentinel_ports=() sentinel_dirs=() i
    master_port=$(free_port); start_redis "$master_port" "$dir/master"; local master_pid=$last_pid
    for i in 1 2; do
        local rp; rp=$(free_port)
        mkdir -p "$dir/replica-$i"
        start_bg "$dir/replica-$i/redis.log" redis-server --port "$rp" --bind 127.0.0.1 --save '' --appendonly no \
            --dir "$dir/replica-$i" --replicaof 127.0.0.1 "$master_port"
        wait_ping "$rp"
    done
    for i in 1 2 3; do
        local sp; sp=$(free_port)
        start_sentinel "$dir/sentinel-$i" "$binary" "$sp" "sentinel monitor mymaster 127.0.0.1 $master_port 2" \
            "sentinel down-after-milliseconds mymaster 1000" "sentinel failover-timeout mymaster 6000"
        sentinel_ports+=("$sp"); sentinel_dirs+=("$dir/sentinel-$i")
    done
    for sp in "${sentinel_ports[@]}"; do wait_ping "$sp"; done
    local deadline=$((SECONDS + 30))
    until [ "$(for sp in "${sentinel_ports[@]}"; do peers_of "$sp" | wc -l; done | sort -u)" = 2 ]; do
        [ $SECONDS -lt $deadline ] || { echo "$side $attack: discovery did not complete" >&2; return 1; }
        sleep 0.2
    done
    local real_ids=() real_peers=() victim_id victim_port=${sentinel_ports[0]}
    for sp in "${sentinel_ports[@]}"; do real_ids+=("$(cli "$sp" sentinel myid)"); real_peers+=("${real_ids[-1]}:$sp"); done
    victim_id=${real_ids[0]}

    local payloads=()
    case $attack in
        invented) for i in 1 2 3 4 5; do payloads+=("$(hello "$(dead_port)" "$(invented_id "$i")" 0 "$master_port")"); done ;;
        huge-epoch) payloads+=("$(hello "$victim_port" "$victim_id" "$huge_epoch" "$master_port")") ;;
        borrowed-runid) payloads+=("$(hello "$(dead_port)" "$victim_id" 0 "$master_port")") ;;
        borrowed-address) payloads+=("$(hello "$victim_port" "$(invented_id 9)" 0 "$master_port")") ;;
    esac
    for _ in 1 2 3; do
        for p in "${payloads[@]}"; do cli "$master_port" publish __sentinel__:hello "$p" > /dev/null; done
        sleep 1
    done

    local counts=() real_listed=0 listed=0
    for sp in "${sentinel_ports[@]}"; do
        local ids; ids=$(peers_of "$sp")
        counts+=("$(echo -n "$ids" | grep -c . || true)")
        for id in $ids; do
            listed=$((listed + 1))
            printf '%s\n' "${real_peers[@]}" | grep -qx "$id" && real_listed=$((real_listed + 1))
        done
    done

    kill -9 "$master_pid"
    { wait "$master_pid"; } 2>/dev/null || true
    local killed_at=$SECONDS start_ns; start_ns=$(date +%s%N)
    local first_ms="" outcome="no (30 s)"
    while [ $((SECONDS - killed_at)) -lt 30 ]; do
        local moved=0
        for sp in "${sentinel_ports[@]}"; do
            local port; port=$(cli "$sp" sentinel get-master-addr-by-name mymaster | tail -1)
            if [ -n "$port" ] && [ "$port" != "$master_port" ]; then
                moved=$((moved + 1))
                [ -n "$first_ms" ] || first_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
            fi
        done
        if [ $moved = 3 ]; then outcome="yes, first after ${first_ms} ms"; break; fi
        sleep 0.1
    done
    sleep 1 # let the state files catch up with the failover's epoch
    local epoch=0 e
    for d in "${sentinel_dirs[@]}"; do
        e=$(saved_epoch "$side" "$d"); e=${e:-0}
        epoch=$(python3 -c "print(max($epoch, $e))")
    done
    printf '%-17s %-15s peers %-6s (%d of %d listed are real)  failed over: %-24s  epoch after: %s\n' \
        "$attack" "$side" "$(IFS=/; echo "${counts[*]}")" "$real_listed" "$listed" "$outcome" "$epoch"
    for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${bench_pids[@]}"; do { wait "$pid"; } 2>/dev/null || true; done
    bench_pids=()
}

echo "Forged hellos ($(machine_line))"
for attack in invented huge-epoch borrowed-runid borrowed-address; do
    run_attack vigil "$vigil" "$attack"
    run_attack redis-sentinel "$reference" "$attack"
done
