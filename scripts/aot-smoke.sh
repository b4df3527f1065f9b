#!/usr/bin/env bash
# Publishes the NativeAOT binary and checks that it starts, answers PING and stops on SIGTERM; then that
# `vigil proxy` in front of it forwards a PING to the master it monitors and also stops on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/aot
dotnet publish src/Vigil/Vigil.csproj -c Release -o "$out" -nologo -v quiet
dir=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); redis_port=$(free_port); proxy_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize no > "$dir/redis.txt" 2>&1 &
redis_pid=$!
printf 'port %s\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 %s 1\n' "$port" "$redis_port" > "$dir/sentinel.conf"
"$out/vigil" "$dir/sentinel.conf" > "$dir/log.txt" 2>&1 &
pid=$!
proxy_pid=""
trap 'kill -9 $pid $redis_pid $proxy_pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
    if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ]; then break; fi
    sleep 0.1
done
reply=$(redis-cli -p "$port" ping)
[ "$reply" = "PONG" ] || { echo "AOT binary did not answer PING: $reply"; cat "$dir/log.txt"; exit 1; }
"$out/vigil" proxy --listen "127.0.0.1:$proxy_port" --sentinel "127.0.0.1:$port" --master-name mymaster > "$dir/proxy.txt" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 100); do
    if [ "$(redis-cli -p "$proxy_port" ping 2>/dev/null)" = "PONG" ]; then break; fi
    sleep 0.1
done
reply=$(redis-cli -p "$proxy_port" ping)
[ "$reply" = "PONG" ] || { echo "AOT vigil proxy did not forward PING: $reply"; cat "$dir/proxy.txt"; exit 1; }
kill -TERM "$proxy_pid"
wait "$proxy_pid"
kill -TERM "$pid"
wait "$pid"
kill -TERM "$redis_pid"
wait "$redis_pid" || true
echo "AOT binary answered PING (also through vigil proxy) and exited cleanly; size $(du -h "$out/vigil" | cut -f1)"
