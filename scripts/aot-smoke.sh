#!/usr/bin/env bash
# Publishes the NativeAOT binary and checks that it starts, answers PING and stops on SIGTERM, and that
# `vigil migrate` and `vigil migrate verify` run in it (JSON report included).
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/aot
dotnet publish src/Vigil/Vigil.csproj -c Release -o "$out" -nologo -v quiet
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'port %s\nbind 127.0.0.1\n' "$port" > "$dir/sentinel.conf"
"$out/vigil" "$dir/sentinel.conf" > "$dir/log.txt" 2>&1 &
pid=$!
redis_pids=()
trap 'kill -9 $pid "${redis_pids[@]}" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
    if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ]; then break; fi
    sleep 0.1
done
reply=$(redis-cli -p "$port" ping)
[ "$reply" = "PONG" ] || { echo "AOT binary did not answer PING: $reply"; cat "$dir/log.txt"; exit 1; }
kill -TERM "$pid"
wait "$pid"
echo "AOT binary answered PING and exited cleanly; size $(du -h "$out/vigil" | cut -f1)"

# vigil migrate, end to end on two small redis-servers.
ports=()
for name in source target; do
    p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$dir/$name"
    redis-server --port "$p" --bind 127.0.0.1 --save '' --dir "$dir/$name" --repl-diskless-sync-delay 0 > "$dir/$name/log.txt" 2>&1 &
    redis_pids+=($!)
    disown  # stopped by the EXIT trap; no job report
    ports+=("$p")
done
for p in "${ports[@]}"; do
    for _ in $(seq 1 100); do [ "$(redis-cli -p "$p" ping 2>/dev/null)" = "PONG" ] && break; sleep 0.1; done
done
redis-cli -p "${ports[0]}" eval "for i=1,500 do redis.call('set','k'..i,i); redis.call('hset','h'..(i%20),i,i) end return 1" 0 > /dev/null
"$out/vigil" migrate --source "127.0.0.1:${ports[0]}" --target "127.0.0.1:${ports[1]}" --yes --json "$dir/report.json" \
    --state-file "$dir/state.json" > "$dir/migrate.txt" 2>&1 || { echo "AOT vigil migrate failed"; cat "$dir/migrate.txt"; exit 1; }
grep -q '"result": "done"' "$dir/report.json" || { echo "AOT vigil migrate: no done report"; cat "$dir/report.json"; exit 1; }
"$out/vigil" migrate verify --source "127.0.0.1:${ports[1]}" --target "127.0.0.1:${ports[0]}" > "$dir/verify.txt" 2>&1 \
    || { echo "AOT vigil migrate verify failed"; cat "$dir/verify.txt"; exit 1; }
echo "AOT vigil migrate moved 520 keys and verify found no difference"

