#!/usr/bin/env bash
# vigil migrate at size: a source with KEYS string keys of SIZE bytes (default 1,000,000 x 1,000 B, about
# 1 GB) plus keys of every other type, under a client that writes continuously, moved to two targets.
# Compared with a plain REPLICAOF of the same data to a fresh server (same settings, same writer).
# Prints the time to in-sync (plain REPLICAOF vs migrate's first target), the write pause at the cutover,
# the acknowledged writes lost, and the time of a full verify.
# With mode "stream" the target is "managed-like" (REPLICAOF, SLAVEOF, SYNC, PSYNC, CONFIG and DEBUG renamed
# away) and migrate runs in stream mode into it alone; Vigil's peak RSS during the run is printed as well.
# LOAD writes/s of pipelined SETs (bench/lib/load_writer.py, default 20000 in stream mode, 0 otherwise) run beside the
# acknowledged writer, for the baseline and for migrate alike; in stream mode migrate streams STREAM_SECONDS (default
# 15) in sync before its cutover (--stream-seconds) and the steady-state lag of that time is printed.
# Usage: bench/migrate.sh [keys] [value-bytes] [writes-per-second] [replicaof|stream]
#        (defaults 1000000 1000 1000 replicaof; LOAD=, STREAM_SECONDS=, KEEP_DIR=1 keeps logs;
#        MIGRATE_ARGS= adds options to migrate, e.g. MIGRATE_ARGS="--snapshot-connections 1")
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$bench_root"
keys=${1:-1000000}
size=${2:-1000}
rate=${3:-1000}
mode=${4:-replicaof}
if [ "$mode" = stream ]; then load=${LOAD:-20000}; else load=${LOAD:-0}; fi
hold=${STREAM_SECONDS:-15}
loads() { cut -d' ' -f1-3 /proc/loadavg; }
vigil=$(vigil_binary)
out=${BENCH_OUT:-artifacts/bench/migrate-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"

redis() { # port name [args...]: a server with the same replication settings for every run
    local port=$1 name=$2; shift 2
    mkdir -p "$bench_dir/$name"
    start_bg "$bench_dir/$name/redis.log" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
        --dir "$bench_dir/$name" --daemonize no --repl-diskless-sync-delay 0 --enable-debug-command yes "$@"
    wait_ping "$port"
}
managed=(--rename-command REPLICAOF '' --rename-command SLAVEOF '' --rename-command SYNC '' --rename-command PSYNC ''
         --rename-command CONFIG '' --rename-command DEBUG '')
info() { redis-cli -p "$1" info "$2" | tr -d '\r' | awk -F: -v k="$3" '$1==k {print $2}'; }
now() { date +%s.%N; }

src=$(free_port); plain=$(free_port); t1=$(free_port); t2=$(free_port)
redis "$src" source; redis "$plain" plain
echo "filling the source: $keys keys of $size bytes, and 60,000 lists, sets, sorted sets, hashes and streams"
redis-cli -p "$src" debug populate "$keys" key "$size" > /dev/null
redis-cli -p "$src" eval "for i=1,10000 do
  redis.call('rpush','list:'..i,'a',i,'b'); redis.call('sadd','set:'..i,'x',i); redis.call('zadd','zset:'..i,i,'m'..i)
  redis.call('hset','hash:'..i,'f',i,'g','v'); redis.call('xadd','stream:'..i,'1-1','f',i); redis.call('xgroup','create','stream:'..i,'g','0')
  redis.call('set','ttl:'..i,i,'PX',3600000) end return 1" 0 > /dev/null
used=$(info "$src" memory used_memory_human)
total=$(redis-cli -p "$src" dbsize)
echo "source: $total keys, used_memory $used"

load_pid=
start_load() { # the background load, if any, on the source
    [ "$load" -gt 0 ] || return 0
    start_bg "$out/load-$1.log" python3 bench/lib/load_writer.py "$src" load: "$load"; load_pid=$last_pid
}
stop_load() { [ -n "$load_pid" ] || return 0; kill -TERM "$load_pid"; wait "$load_pid" || true; cat "$out/load-$1.log"; load_pid=; }

# Baseline: a plain REPLICAOF of the same data under the same writer (and load).
load_before=$(loads)
start_load plain
start_bg "$out/plain-writer.log" python3 bench/lib/acked_writer.py write "$src" plain: "$out/plain-acked.txt" "$rate"; writer=$last_pid
sleep 1
start=$(now)
redis-cli -p "$plain" replicaof 127.0.0.1 "$src" > /dev/null
while :; do
    sleep 0.1
    # In sync: the full sync is over (link up, RDB loaded); from then on it streams the writes.
    [ "$(info "$plain" replication master_link_status)" = up ] && [ "$(info "$plain" persistence loading)" = 0 ] && break
done
plain_s=$(python3 -c "print(round($(now) - $start, 2))")
load_plain=$(loads)
kill -TERM $writer; wait $writer || true
stop_load plain
redis-cli -p "$plain" shutdown nosave > /dev/null 2>&1 || true
# The baseline writer's keys go, so migrate moves the same data the plain REPLICAOF did.
redis-cli -p "$src" --scan --pattern 'plain:*' | awk '{print "UNLINK " $0}' | redis-cli -p "$src" > /dev/null
echo "plain REPLICAOF: in sync after $plain_s s"

if [ "$mode" = stream ]; then
    redis "$t1" target1 "${managed[@]}"
    targets=(--target "127.0.0.1:$t1" --mode stream --stream-seconds "$hold")
else
    redis "$t1" target1; redis "$t2" target2
    targets=(--target "127.0.0.1:$t1" --target "127.0.0.1:$t2")
fi
start_load migrate
start_bg "$out/writer.log" python3 bench/lib/acked_writer.py write "$src" mig: "$out/acked.txt" "$rate"; writer=$last_pid
sleep 1
start=$(now)
"$vigil" migrate --source "127.0.0.1:$src" "${targets[@]}" ${MIGRATE_ARGS:-} --yes \
    --json "$out/report.json" --state-file "$out/state.json" > "$out/migrate.log" 2>&1 &
migrate_pid=$!
peak_kb=0
while kill -0 "$migrate_pid" 2>/dev/null; do
    # VmHWM is the process's peak RSS so far; read it until the process is gone.
    hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$migrate_pid/status" 2>/dev/null || echo 0)
    [ "${hwm:-0}" -gt "$peak_kb" ] && peak_kb=$hwm
    sleep 0.2
done
wait "$migrate_pid"
cat "$out/migrate.log"
migrate_s=$(python3 -c "print(round($(now) - $start, 2))")
load_migrate=$(loads)
sleep 1  # the writer sees READONLY (NOREPLICAS in stream mode) from the old source for a moment before it stops
kill -TERM $writer; wait $writer || true
stop_load migrate
cat "$out/writer.log"
read -r lost acked < <(python3 bench/lib/acked_writer.py check "$t1" mig: "$out/acked.txt")

start=$(now)
"$vigil" migrate verify --source "127.0.0.1:$t1" --target "127.0.0.1:$src" | tail -3 | tee "$out/verify.log"
verify_s=$(python3 -c "print(round($(now) - $start, 2))")

python3 - "$out/report.json" "$plain_s" "$migrate_s" "$lost" "$acked" "$verify_s" "$total" "$used" "$rate" "$mode" "$peak_kb" \
    "$load" "$load_before" "$load_plain" "$load_migrate" "$(loads)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
plain, total_s, lost, acked, verify_s, keys, used = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), sys.argv[7], sys.argv[8]
mode, peak_mb = sys.argv[10], int(sys.argv[11]) / 1024
first = r["targets"][0]["inSyncSeconds"]
pause = r["writePauseMs"]
layout = "1 managed-like target, stream mode" if mode == "stream" else "2 targets (chained)"
load, loads = int(sys.argv[12]), sys.argv[13:17]
print(f"\nmigrate, {keys} keys, used_memory {used}, {layout}, writer {sys.argv[9]} writes/s" + (f" + load {load} writes/s" if load else ""))
print(f"  load average: before {loads[0]}; at the baseline's in-sync {loads[1]}; at migrate's end {loads[2]}; after verify {loads[3]}")
print(f"  time to in-sync, plain REPLICAOF:            {plain:8.2f} s")
print(f"  time to in-sync, migrate first target:       {first:8.2f} s   ratio {first / plain:.2f}")
if mode != "stream":
    second = r["targets"][1]["inSyncSeconds"]
    print(f"  time to in-sync, migrate second target:      {second:8.2f} s   (it syncs from the first once that one is loaded)")
print(f"  vigil peak RSS (VmHWM) during the run:       {peak_mb:8.1f} MB")
print(f"  whole migrate run (preflight to done):       {total_s:8.2f} s")
if r.get("steadyLagSecondsMax") is not None:
    mx, mean = r["steadyLagSecondsMax"], r["steadyLagSecondsMean"]
    print(f"  steady-state lag while streaming in sync:    {mx:8.2f} s max, {mean:.2f} s mean, {r['steadyLagBytesMax']} bytes max (target < 1 s: {'met' if mx < 1 else 'MISSED'})")
print(f"  write pause at the cutover:                  {pause:8.1f} ms  (target < 100 ms: {'met' if pause < 100 else 'MISSED'})")
if r.get("pauseSteps"):
    print("    " + ", ".join(f"{s['step']} {s['atMs']:.1f} ms" for s in r["pauseSteps"]))
print(f"  acknowledged writes lost:                    {lost:8d}     of {acked} acknowledged (target 0: {'met' if lost == 0 else 'MISSED'})")
print(f"  full verify (every key, both directions):    {verify_s:8.2f} s")
PY
echo "report, logs and acknowledged writes: $out"
