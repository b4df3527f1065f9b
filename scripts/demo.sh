#!/usr/bin/env bash
# The main job: builds Vigil and runs it on an embedded local topology (a real redis-server master
# and replica on free loopback ports, in a temp dir), shows what the sentinel sees, then cleans up.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prereqs.sh
dotnet build src/Vigil/Vigil.csproj -c Release -nologo -v quiet

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dir=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT INT TERM

master=$(free_port); replica=$(free_port); sentinel=$(free_port)
redis-server --port "$master" --bind 127.0.0.1 --save '' --dir "$dir" --logfile "$dir/master.log" --daemonize no & pids+=($!)
redis-server --port "$replica" --bind 127.0.0.1 --save '' --dir "$dir" --logfile "$dir/replica.log" --daemonize no --replicaof 127.0.0.1 "$master" & pids+=($!)
printf 'port %s\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 %s 1\nsentinel down-after-milliseconds mymaster 5000\n' "$sentinel" "$master" > "$dir/sentinel.conf"
dotnet src/Vigil/bin/Release/net10.0/vigil.dll "$dir/sentinel.conf" > "$dir/vigil.log" & pids+=($!)

for _ in $(seq 1 100); do [ "$(redis-cli -p "$sentinel" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
# Wait (at most 20 s) until Vigil has read the master's INFO and discovered the replica.
for _ in $(seq 1 200); do redis-cli -p "$sentinel" info sentinel 2>/dev/null | grep -q "slaves=1" && break; sleep 0.1; done
echo "Vigil is watching mymaster on 127.0.0.1:$master (sentinel port $sentinel)."
echo "--- redis-cli -p $sentinel info sentinel"
redis-cli -p "$sentinel" info sentinel
echo "--- redis-cli -p $sentinel sentinel get-master-addr-by-name mymaster"
redis-cli -p "$sentinel" sentinel get-master-addr-by-name mymaster || true
echo "--- Vigil's log"
cat "$dir/vigil.log"
