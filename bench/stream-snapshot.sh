#!/usr/bin/env bash
# The stream mode's snapshot alone, side by side: for each round and each variant, a fresh source with KEYS
# `DEBUG POPULATE` keys of 1,000 bytes and a fresh managed-like target (REPLICAOF, SLAVEOF, SYNC, PSYNC, CONFIG and
# DEBUG renamed away), then `vigil migrate --mode stream` with no writer. Prints per run the time to in-sync from the
# JSON report, Vigil's CPU (user + system) and peak RSS, and the target's CPU. Variants run interleaved, so a
# change of the machine's load falls on all of them alike.
# Usage: bench/stream-snapshot.sh KEYS ROUNDS "VIGIL [migrate options]" ["VIGIL [migrate options]" ...]
#   e.g. bench/stream-snapshot.sh 200000 3 "artifacts/aot/vigil --snapshot-connections 1" "artifacts/aot/vigil"
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$bench_root"
keys=$1 rounds=$2; shift 2
managed=(--rename-command REPLICAOF '' --rename-command SLAVEOF '' --rename-command SYNC '' --rename-command PSYNC ''
         --rename-command CONFIG '' --rename-command DEBUG '')
hz=$(clock_ticks_per_second)

run() { # variant: "binary [options]"
    local binary options dir src dst src_pid dst_pid before
    read -r binary options <<< "$1"
    dir=$(mktemp -d "$bench_dir/run.XXXXXX"); src=$(free_port); dst=$(free_port)
    start_bg "$dir/source.log" redis-server --port "$src" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
        --daemonize no --repl-diskless-sync-delay 0 --enable-debug-command yes; src_pid=$last_pid
    start_bg "$dir/target.log" redis-server --port "$dst" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
        --daemonize no "${managed[@]}"; dst_pid=$last_pid
    wait_ping "$src"; wait_ping "$dst"
    redis-cli -p "$src" debug populate "$keys" key 1000 > /dev/null
    before=$(cpu_ticks "$dst_pid")
    # shellcheck disable=SC2086  # options is a list
    /usr/bin/time -f "%U %S %M" -o "$dir/time" "$binary" migrate --source "127.0.0.1:$src" --target "127.0.0.1:$dst" \
        --mode stream $options --yes --json "$dir/report.json" --state-file "$dir/state.json" > "$dir/migrate.log" 2>&1
    python3 - "$dir/report.json" "$dir/time" "$(( $(cpu_ticks "$dst_pid") - before ))" "$hz" "$1" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); user, system, rss_kb = open(sys.argv[2]).read().split()[-3:]
print(f"  in sync {r['targets'][0]['inSyncSeconds']:6.2f} s   vigil cpu {float(user) + float(system):5.2f} s   "
      f"vigil rss {int(rss_kb) / 1024:6.1f} MB   target cpu {int(sys.argv[3]) / int(sys.argv[4]):5.2f} s   load {sys.argv[6]}   {sys.argv[5]}")
PY
    stop_pid "$src_pid"; stop_pid "$dst_pid"; rm -rf "$dir"
}

echo "stream-mode snapshot of $keys keys, $rounds round(s); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
    for variant in "$@"; do run "$variant"; done
done
