#!/usr/bin/env bash
# Scenario 4, as deployed: a group of sentinels of one kind per implementation, side by side.
# footprint.sh runs one Vigil beside one redis-sentinel as peers of each other, so each serves the other's
# traffic: redis-sentinel pings and greets its peers once per master record (50 PINGs a second at 50
# masters), Vigil once per peer link, so Vigil serves far more of that traffic than it causes. Here each
# implementation runs its own group of GROUP sentinels (default 3, quorum 2) over the same real redis-server
# masters, under names of its own (v0.. and r0..), so the groups never admit each other as peers. Both groups
# publish their hellos on the same masters, so every sentinel of either group receives the same hello traffic.
# Usage: bench/footprint-groups.sh [rounds] [window-seconds]   (default 3 windows of 60 s; MASTERS="1 50",
#        GROUP=3; HTTP=1 turns on the HTTP endpoint of the first Vigil, scraped every second, reported apart)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
rounds=${1:-3}
window=${2:-60}
settle=${SETTLE:-15}
group=${GROUP:-3}
vigil=$(vigil_binary)
reference=$(reference_binary)
hz=$(clock_ticks_per_second)

pids_vigil=() ports_vigil=() pids_reference=() ports_reference=()
# start_group <kind> <binary> <name prefix> <count> [extra line for the first]: sets pids_<kind> and ports_<kind>.
start_group() {
    local kind=$1 binary=$2 prefix=$3 count=$4 first_extra=${5:-} s port
    local -n pids=pids_$kind ports=ports_$kind
    pids=() ports=()
    for s in $(seq 1 "$group"); do
        port=$(free_port)
        local lines=()
        for line in "${monitors[@]}"; do lines+=("${line/monitor m/monitor $prefix}"); done
        [ "$s" = 1 ] && [ -n "$first_extra" ] && lines+=("$first_extra")
        start_sentinel "$bench_dir/$kind-$count-$s" "$binary" "$port" "${lines[@]}"
        pids+=("$last_pid"); ports+=("$port")
    done
    for port in "${ports[@]}"; do wait_ping "$port"; done
}

# Waits until every sentinel of a group lists every master with the whole group as its sentinels.
wait_group() { # <count> <ports...>
    local count=$1 port seen started=$SECONDS; shift
    while :; do
        seen=0
        for port in "$@"; do seen=$(( seen + $(redis-cli -p "$port" info sentinel | grep -c "sentinels=$group" || true) )); done
        [ "$seen" -ge $(( count * $# )) ] && return 0
        [ $((SECONDS - started)) -gt 120 ] && { echo "group did not form: $seen of $(( count * $# ))" >&2; return 1; }
        sleep 0.5
    done
}

# Mean over a list of pids of CPU seconds per minute between two tick samples.
mean_cpu() { # "<ticks before>" "<ticks after>"
    python3 -c "
b=[int(x) for x in '$1'.split()]; a=[int(x) for x in '$2'.split()]
print(sum((y-x) for x,y in zip(b,a)) / len(a) / $hz * 60 / $window)"
}
ticks() { local p out=(); for p in "$@"; do out+=("$(cpu_ticks "$p")"); done; echo "${out[*]}"; }
mean_rss_mb() { local p sum=0; for p in "$@"; do sum=$(( sum + $(rss_kb "$p") )); done; echo $(( sum / $# / 1024 )); }

echo "Scenario 4 in groups: footprint ($(machine_line))"
echo "idle monitoring, real redis-server masters (no replicas), a group of $group per implementation, $rounds windows of ${window}s after ${settle}s settling"
for count in ${MASTERS:-1 50}; do
    start_masters "$count" "$bench_dir/masters-$count"
    http_line=""; http_port=""
    if [ "${HTTP:-0}" = 1 ]; then http_port=$(free_port); http_line="vigil-http 127.0.0.1:$http_port"; fi
    start_group vigil "$vigil" v "$count" "$http_line"
    start_group reference "$reference" r "$count"
    wait_group "$count" "${ports_vigil[@]}"
    wait_group "$count" "${ports_reference[@]}"
    plain_vigils=("${pids_vigil[@]}")
    if [ -n "$http_port" ]; then
        plain_vigils=("${pids_vigil[@]:1}")
        ( while sleep 1; do curl -s -o /dev/null "http://127.0.0.1:$http_port/metrics" || true; done ) &
        scraper_pid=$!
    fi
    sleep "$settle"
    declare -A values=()
    for _ in $(seq 1 "$rounds"); do
        v0=$(ticks "${plain_vigils[@]}"); r0=$(ticks "${pids_reference[@]}"); h0=$(ticks "${pids_vigil[0]}")
        vs0=$(context_switches "${plain_vigils[0]}"); rs0=$(context_switches "${pids_reference[0]}")
        sleep "$window"
        v1=$(ticks "${plain_vigils[@]}"); r1=$(ticks "${pids_reference[@]}"); h1=$(ticks "${pids_vigil[0]}")
        vs1=$(context_switches "${plain_vigils[0]}"); rs1=$(context_switches "${pids_reference[0]}")
        values[cpu_v]+=" $(mean_cpu "$v0" "$v1")"; values[cpu_r]+=" $(mean_cpu "$r0" "$r1")"
        values[rss_v]+=" $(mean_rss_mb "${plain_vigils[@]}")"; values[rss_r]+=" $(mean_rss_mb "${pids_reference[@]}")"
        values[csw_v]+=" $(context_switch_rate "$vs0" "$vs1" "$window")"; values[csw_r]+=" $(context_switch_rate "$rs0" "$rs1" "$window")"
        values[thr_v]+=" $(thread_count "${plain_vigils[0]}")"; values[thr_r]+=" $(thread_count "${pids_reference[0]}")"
        if [ -n "$http_port" ]; then
            values[cpu_h]+=" $(mean_cpu "$h0" "$h1")"; values[rss_h]+=" $(mean_rss_mb "${pids_vigil[0]}")"
        fi
    done
    summarise "$count master(s): RSS (group mean)" "MB" "${values[rss_v]}" "${values[rss_r]}"
    summarise "$count master(s): CPU per minute (group mean)" "s/min" "${values[cpu_v]}" "${values[cpu_r]}"
    summarise "$count master(s): context switches (one)" "per s" "${values[csw_v]}" "${values[csw_r]}"
    summarise "$count master(s): threads (one)" "count" "${values[thr_v]}" "${values[thr_r]}"
    if [ -n "$http_port" ]; then
        echo "the Vigil with its HTTP endpoint scraped every second (first column) against redis-sentinel's group mean:"
        summarise "$count master(s), Vigil+HTTP: RSS" "MB" "${values[rss_h]}" "${values[rss_r]}"
        summarise "$count master(s), Vigil+HTTP: CPU per minute" "s/min" "${values[cpu_h]}" "${values[cpu_r]}"
        kill "$scraper_pid" 2>/dev/null || true
    fi
    unset values
    for pid in "${pids_vigil[@]}" "${pids_reference[@]}" "${master_pids[@]}"; do stop_pid "$pid"; done
done
