#!/usr/bin/env bash
# Query throughput over TLS, Vigil (NativeAOT) vs redis-sentinel, in one run, interleaved rounds: the
# counterpart of scenario 3 (bench/query-throughput.sh) on each sentinel's tls-port, with a throw-away
# certificate made by openssl. redis-benchmark --tls, 50 clients, pipeline 1 and 16: PING and
# SENTINEL GET-MASTER-ADDR-BY-NAME. Prints min / median / max requests per second and the server's CPU time
# per 100,000 requests, with the ratio Vigil / reference of the medians.
# Usage: bench/tls-throughput.sh [rounds]   (default 5; REQUESTS=200000 per run; VIGIL or VIGIL_BIN=path skips the build)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
rounds=${1:-5}
requests=${REQUESTS:-200000}
vigil=$(vigil_binary)
reference=$(reference_binary)

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -keyout "$bench_dir/tls.key" -out "$bench_dir/tls.crt" 2>/dev/null
master=$(free_port)
start_redis "$master" "$bench_dir/master"
tls_lines() { # tls-port
    printf '%s\n' "tls-port $1" "tls-cert-file $bench_dir/tls.crt" "tls-key-file $bench_dir/tls.key" \
        "tls-ca-cert-file $bench_dir/tls.crt" "tls-auth-clients no"
}
monitor="sentinel monitor mymaster 127.0.0.1 $master 2"
vigil_port=$(free_port); vigil_tls=$(free_port)
mapfile -t vigil_lines < <(tls_lines "$vigil_tls")
start_sentinel "$bench_dir/vigil" "$vigil" "$vigil_port" "$monitor" "${vigil_lines[@]}"; vigil_pid=$last_pid
ref_port=$(free_port); ref_tls=$(free_port)
mapfile -t ref_lines < <(tls_lines "$ref_tls")
start_sentinel "$bench_dir/reference" "$reference" "$ref_port" "$monitor" "${ref_lines[@]}"; ref_pid=$last_pid
wait_ping "$vigil_port"; wait_ping "$ref_port"
sleep 2

echo "TLS query throughput ($(machine_line))"
echo "redis-benchmark --tls -c 50 -n $requests, $rounds interleaved rounds (the order alternates each round)"
hz=$(clock_ticks_per_second)
run() { # tls-port pid pipeline args... -> "rps cpu_ms_per_100k"
    local port=$1 pid=$2 pipeline=$3; shift 3
    local before after rps
    before=$(cpu_ticks "$pid")
    rps=$(redis-benchmark -p "$port" --tls --cacert "$bench_dir/tls.crt" -c 50 -n "$requests" -P "$pipeline" --csv "$@" 2>/dev/null \
        | awk -F'","' 'NR==2 {gsub(/"/,"",$2); print $2}')
    after=$(cpu_ticks "$pid")
    echo "$rps $(( (after - before) * 1000 * 100000 / hz / requests ))"
}
for pipeline in 1 16; do
    for test in "PING:-t ping_mbulk" "GET-MASTER-ADDR-BY-NAME:sentinel get-master-addr-by-name mymaster"; do
        label=${test%%:*}; args=${test#*:}
        mine_rps=""; ref_rps=""; mine_cpu=""; ref_cpu=""
        for round in $(seq 1 "$rounds"); do
            order="vigil reference"; [ $((round % 2)) -eq 0 ] && order="reference vigil"
            for who in $order; do
                # shellcheck disable=SC2086
                if [ "$who" = vigil ]; then read -r rps cpu < <(run "$vigil_tls" "$vigil_pid" "$pipeline" $args); mine_rps="$mine_rps $rps"; mine_cpu="$mine_cpu $cpu"
                else read -r rps cpu < <(run "$ref_tls" "$ref_pid" "$pipeline" $args); ref_rps="$ref_rps $rps"; ref_cpu="$ref_cpu $cpu"; fi
            done
        done
        summarise "TLS $label, pipeline $pipeline" "req/s" "$mine_rps" "$ref_rps"
        summarise "TLS $label, pipeline $pipeline: server CPU" "ms/100k" "$mine_cpu" "$ref_cpu"
    done
done
