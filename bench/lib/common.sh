# Shared by bench/query-throughput.sh, bench/footprint.sh and bench/scale.sh (source it).
# Every process started through start_bg is killed on exit; every port is a free loopback port.

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench_dir=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
bench_pids=()
bench_cleanup() {
    local pid
    for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -n "${KEEP_DIR:-}" ] || rm -rf "$bench_dir"
}
# For a function run in a subshell (its start_bg list is its own): `bench_pids=(); trap kill_started EXIT` at its
# top and `trap - EXIT` once it has stopped everything, so a failure half-way leaves nothing running. KILL, since
# a redis-server inside DEBUG SLEEP would handle TERM only when it wakes.
kill_started() {
    local pid
    for pid in "${bench_pids[@]}"; do kill -s KILL "$pid" 2>/dev/null || true; done
    for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# The NativeAOT binary: $VIGIL or $VIGIL_BIN if set (bench/run.sh builds it once), else published here.
vigil_binary() {
    local given=${VIGIL:-${VIGIL_BIN:-}}
    if [ -n "$given" ]; then echo "$given"; return; fi
    dotnet publish "$bench_root/src/Vigil/Vigil.csproj" -c Release -o "$bench_root/artifacts/aot" -nologo -v quiet >&2
    echo "$bench_root/artifacts/aot/vigil"
}
reference_binary() { command -v redis-sentinel; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_bg <log> <command...>: runs in the background and is killed on exit; $last_pid is its pid.
start_bg() { local log=$1; shift; "$@" >"$log" 2>&1 & bench_pids+=($!); last_pid=$!; }

stop_pid() { # pid [signal]; a redis-server inside DEBUG SLEEP handles TERM only when it wakes: give it KILL
    kill -s "${2:-TERM}" "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
}

wait_ping() { # port [seconds]
    local i
    for i in $(seq 1 $(( ${2:-10} * 10 ))); do
        [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ] && return 0
        sleep 0.1
    done
    echo "no PONG from port $1" >&2; return 1
}

start_redis() { # port dir [redis-server options...]
    mkdir -p "$2"
    start_bg "$2/redis.log" redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no --dir "$2" --daemonize no "${@:3}"
    wait_ping "$1"
}

wait_in_sync() { # replica-port [seconds]
    local i
    for i in $(seq 1 $(( ${2:-30} * 10 ))); do
        redis-cli -p "$1" info replication 2>/dev/null | grep -q '^master_link_status:up' && return 0
        sleep 0.1
    done
    echo "replica on port $1 not in sync with its master" >&2; return 1
}

# start_real_group <dir>: a redis-server master and one replica in sync with it, both accepting DEBUG (Redis 7
# refuses it otherwise) so the master can be frozen; sets $real_master $real_replica (ports) and
# $real_master_pid $real_replica_pid (call it directly, not in $(...)).
start_real_group() {
    real_master=$(free_port); real_replica=$(free_port)
    start_redis "$real_master" "$1/master" --enable-debug-command yes --repl-diskless-sync-delay 0
    real_master_pid=$last_pid
    start_redis "$real_replica" "$1/replica" --enable-debug-command yes --repl-diskless-sync-delay 0 \
        --replicaof 127.0.0.1 "$real_master"
    real_replica_pid=$last_pid
    wait_in_sync "$real_replica"
}

# start_masters <count> <dir>: that many redis-server masters (no replicas) under <dir>/0, <dir>/1...; sets
# $monitors (one `sentinel monitor mN` line each, quorum 2) and $master_pids.
start_masters() {
    monitors=() master_pids=()
    local i port
    for i in $(seq 0 $(($1 - 1))); do
        port=$(free_port)
        start_redis "$port" "$2/$i"
        master_pids+=("$last_pid")
        monitors+=("sentinel monitor m$i 127.0.0.1 $port 2")
    done
}

# start_sentinel <dir> <binary> <port> <config lines...>: sets $last_pid (call it directly, not in $(...)).
start_sentinel() {
    local dir=$1 binary=$2 port=$3; shift 3
    mkdir -p "$dir"
    { printf 'port %s\nbind 127.0.0.1\ndir %s\n' "$port" "$dir"; printf '%s\n' "$@"; } > "$dir/sentinel.conf"
    start_bg "$dir/out.log" "$binary" "$dir/sentinel.conf"
    last_pid=$!
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }           # user + system, in clock ticks
clock_ticks_per_second() { getconf CLK_TCK; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
thread_count() { awk '/^Threads/ {print $2}' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" | wc -l; }
# Context switches per thread, "tid count" lines (each sleep and wake-up of a thread counts one).
context_switches() {
    local t
    for t in /proc/"$1"/task/*; do
        awk -v tid="${t##*/}" '/ctxt_switches/ {n += $2} END {print tid, n}' "$t/status" 2>/dev/null || true
    done
}
# Context switches per second between two context_switches samples, over the threads alive in both.
context_switch_rate() { # <before> <after> <seconds>
    python3 -c "
import sys
a = dict(l.split() for l in sys.argv[1].splitlines() if l.strip())
b = dict(l.split() for l in sys.argv[2].splitlines() if l.strip())
print(round(sum(int(b[t]) - int(a[t]) for t in a if t in b) / float(sys.argv[3])))" "$1" "$2" "$3"
}

# summarise <label> <unit> "<vigil values>" "<reference values>": min / median / max and the ratio of medians.
summarise() {
    python3 - "$@" <<'PY'
import statistics, sys
label, unit, mine, ref = sys.argv[1], sys.argv[2], [float(x) for x in sys.argv[3].split()], [float(x) for x in sys.argv[4].split()]
def fmt(v): return f"{v:.0f}" if abs(v) >= 100 else f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"
def three(xs): return "/".join(fmt(x) for x in (min(xs), statistics.median(xs), max(xs)))
m, r = statistics.median(mine), statistics.median(ref)
ratio = f"{m / r:.2f}" if r else "n/a"
print(f"{label:<46} {unit:<10} vigil {three(mine):>22} | redis-sentinel {three(ref):>22} | ratio {ratio}  (n={len(mine)})")
PY
}

machine_line() {
    echo "date $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cpus, $(lscpu | sed -n 's/^Model name: *//p' | head -1); load $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$bench_root" rev-parse --short HEAD 2>/dev/null || echo '?')"
}

# HAProxy as operators put it in front of Redis: a tcp-check that forwards only to the node answering
# role:master. write_haproxy_cfg FILE LISTEN_PORT REDIS_PORT...
write_haproxy_cfg() {
    local file=$1 listen=$2 i=1 port
    shift 2
    {
        cat <<CFG
global
    maxconn 4096
defaults
    mode tcp
    timeout connect 3s
    timeout client 1h
    timeout server 1h
frontend redis
    bind 127.0.0.1:$listen
    default_backend redis_master
backend redis_master
    option tcp-check
    tcp-check connect
    tcp-check send PING\r\n
    tcp-check expect string +PONG
    tcp-check send info\ replication\r\n
    tcp-check expect string role:master
    tcp-check send QUIT\r\n
    tcp-check expect string +OK
CFG
        for port in "$@"; do
            echo "    server redis$i 127.0.0.1:$port check inter 1s"
            i=$((i + 1))
        done
    } > "$file"
}
