#!/usr/bin/env bash
# vigil proxy against direct connections and HAProxy 2.6 (Debian package, the usual Redis tcp-check recipe),
# same machine, interleaved rounds (the order rotates each round): redis-benchmark SET and GET, 50 clients,
# pipeline 1 and 16. Prints min / median / max of throughput, p50 and p99 latency per path, the ratios
# vigil proxy / HAProxy, and the latency each proxy adds over direct connections at the median.
# Usage: bench/proxy.sh [rounds]   (default 3; REQUESTS=100000 per run at pipeline 1 and REQUESTS_P16=10 times that
# at pipeline 16, so that a run lasts seconds there too, not a fifth of one; VIGIL or VIGIL_BIN=path skips the build;
# VIGIL_PROXY_ARGS="--io-threads 1" adds options to the proxy under test; VIGIL_BEFORE=path adds a second
# vigil proxy from that binary to the rotation, to compare two builds in one run)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
rounds=${1:-3}
requests=${REQUESTS:-100000}
requests_p16=${REQUESTS_P16:-$((requests * 10))}
vigil=$(vigil_binary)
command -v haproxy >/dev/null || { echo "haproxy is needed (apt-get install haproxy)" >&2; exit 1; }

master=$(free_port); replica=$(free_port)
start_redis "$master" "$bench_dir/master"
master_pid=$last_pid
mkdir -p "$bench_dir/replica"
start_bg "$bench_dir/replica/redis.log" redis-server --port "$replica" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$bench_dir/replica" --daemonize no --replicaof 127.0.0.1 "$master"
wait_ping "$replica"
sentinel=$(free_port)
start_sentinel "$bench_dir/sentinel" "$vigil" "$sentinel" "sentinel monitor mymaster 127.0.0.1 $master 1"
wait_ping "$sentinel"

proxy=$(free_port)
# shellcheck disable=SC2086 # VIGIL_PROXY_ARGS: extra options for the proxy under test, word-split on purpose
start_bg "$bench_dir/proxy.log" "$vigil" proxy --listen "127.0.0.1:$proxy" --sentinel "127.0.0.1:$sentinel" --master-name mymaster ${VIGIL_PROXY_ARGS:-}
proxy_pid=$last_pid
if [ -n "${VIGIL_BEFORE:-}" ]; then
    before_port=$(free_port)
    start_bg "$bench_dir/proxy-before.log" "$VIGIL_BEFORE" proxy --listen "127.0.0.1:$before_port" --sentinel "127.0.0.1:$sentinel" --master-name mymaster
    before_pid=$last_pid
fi

haproxy_port=$(free_port)
write_haproxy_cfg "$bench_dir/haproxy.cfg" "$haproxy_port" "$master" "$replica"
start_bg "$bench_dir/haproxy.log" haproxy -f "$bench_dir/haproxy.cfg" -db
haproxy_pid=$last_pid
wait_ping "$proxy" 20
wait_ping "$haproxy_port" 20
[ -z "${VIGIL_BEFORE:-}" ] || wait_ping "$before_port" 20

echo "vigil proxy vs direct vs HAProxy $(haproxy -v | awk 'NR==1 {print $3}') ($(machine_line))"
echo "redis-benchmark -c 50 -t set,get, -n $requests at -P 1 and $requests_p16 at -P 16, $rounds interleaved rounds"
results="$bench_dir/results.tsv"
: > "$results"
hz=$(clock_ticks_per_second)
run() { # who port pipeline pid-whose-CPU-to-count
    local before after cpu n=$requests
    [ "$3" = 1 ] || n=$requests_p16
    before=$(cpu_ticks "$4")
    nice -n 10 redis-benchmark -p "$2" -c 50 -n "$n" -P "$3" -t set,get --csv 2>/dev/null \
        | tr -d '"' | awk -F, -v who="$1" -v p="$3" 'NR>1 {print who "\t" p "\t" $1 "\t" $2 "\t" $5 "\t" $7}' > "$bench_dir/run.tsv"
    after=$(cpu_ticks "$4")
    # The path's CPU time (Redis for direct, the proxy otherwise) per 100,000 requests of the run (SET and GET).
    cpu=$(( (after - before) * 1000 * 100000 / hz / (2 * n) ))
    awk -v cpu="$cpu" '{print $0 "\t" cpu}' "$bench_dir/run.tsv" >> "$results"
}
order=(direct vigil haproxy)
[ -z "${VIGIL_BEFORE:-}" ] || order+=(before)
for pipeline in 1 16; do
    for round in $(seq 1 "$rounds"); do
        for i in $(seq 0 $(( ${#order[@]} - 1 ))); do
            who=${order[$(( (i + round) % ${#order[@]} ))]}
            case $who in
                direct) port=$master pid=$master_pid ;; vigil) port=$proxy pid=$proxy_pid ;;
                haproxy) port=$haproxy_port pid=$haproxy_pid ;; before) port=$before_port pid=$before_pid ;;
            esac
            run "$who" "$port" "$pipeline" "$pid"
        done
    done
done

python3 - "$results" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
data = {}
cpu = {}
for who, p, test, rps, p50, p99, ms in rows:
    data.setdefault((test, p, who), []).append((float(rps), float(p50), float(p99)))
    if test == "SET": cpu.setdefault((p, who), []).append(float(ms))
def three(xs, f): return "/".join(f(x) for x in (min(xs), statistics.median(xs), max(xs)))
fr = lambda v: f"{v:.0f}"
fl = lambda v: f"{v:.3f}"
print(f"{'test':<12}{'path':<9}{'req/s min/med/max':>26}{'p50 ms min/med/max':>24}{'p99 ms min/med/max':>24}")
for test in ("SET", "GET"):
    for p in ("1", "16"):
        med = {}
        for who in ("direct", "vigil", "haproxy", "before"):
            xs = data.get((test, p, who), [])
            if not xs: continue
            rps, p50, p99 = zip(*xs)
            med[who] = (statistics.median(rps), statistics.median(p50), statistics.median(p99))
            print(f"{test + ' -P ' + p:<12}{who:<9}{three(rps, fr):>26}{three(p50, fl):>24}{three(p99, fl):>24}")
        if {"direct", "vigil", "haproxy"} <= med.keys():
            d, v, h = med["direct"], med["vigil"], med["haproxy"]
            added_v, added_h = v[1] - d[1], h[1] - d[1]
            ok = v[0] >= h[0] and added_v <= added_h
            if test == "GET":
                cv, ch = statistics.median(cpu[(p, "vigil")]), statistics.median(cpu[(p, "haproxy")])
                print(f"{'':<12}proxy CPU per 100k requests (SET+GET, -P {p}), median: vigil {cv:.0f} ms, haproxy {ch:.0f} ms, ratio {cv / ch:.2f}")
            print(f"{'':<12}vigil/haproxy: throughput {v[0] / h[0]:.2f}, p50 {v[1] / h[1]:.2f}, p99 {v[2] / h[2]:.2f}; "
                  f"p50 added over direct: vigil {added_v:+.3f} ms, haproxy {added_h:+.3f} ms; target {'met' if ok else 'MISSED'}")
        if {"direct", "vigil", "before"} <= med.keys():
            d, v, b = med["direct"], med["vigil"], med["before"]
            line = f"{'':<12}vigil/before: throughput {v[0] / b[0]:.2f}, p50 added over direct: vigil {v[1] - d[1]:+.3f} ms, before {b[1] - d[1]:+.3f} ms"
            if test == "GET":
                cv, cb = statistics.median(cpu[(p, "vigil")]), statistics.median(cpu[(p, "before")])
                line += f"; proxy CPU per 100k requests: vigil {cv:.0f} ms, before {cb:.0f} ms, ratio {cv / cb:.2f}"
            print(line)
PY
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
