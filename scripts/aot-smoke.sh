#!/usr/bin/env bash
# Publishes the NativeAOT binary and checks that it starts, answers PING and stops on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/aot
dotnet publish src/Vigil/Vigil.csproj -c Release -o "$out" -nologo -v quiet
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'port %s\nbind 127.0.0.1\n' "$port" > "$dir/sentinel.conf"
"$out/vigil" "$dir/sentinel.conf" > "$dir/log.txt" 2>&1 &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
    if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ]; then break; fi
    sleep 0.1
done
reply=$(redis-cli -p "$port" ping)
[ "$reply" = "PONG" ] || { echo "AOT binary did not answer PING: $reply"; cat "$dir/log.txt"; exit 1; }
kill -TERM "$pid"
wait "$pid"
echo "AOT binary answered PING and exited cleanly; size $(du -h "$out/vigil" | cut -f1)"
