#!/usr/bin/env bash
# Publishes the NativeAOT binary and checks that it starts, answers PING (plain and over TLS, with a
# throw-away certificate) and stops on SIGTERM; that `vigil proxy` in front of it forwards a PING to the
# master it monitors and also stops on SIGTERM; and that `vigil migrate` and `vigil migrate verify` run
# in it (JSON report included).
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/aot
dotnet publish src/Vigil/Vigil.csproj -c Release -o "$out" -nologo -v quiet
dir=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); tls_port=$(free_port); redis_port=$(free_port); proxy_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize no > "$dir/redis.txt" 2>&1 &
redis_pids=($!)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
printf 'port %s\nbind 127.0.0.1\ntls-port %s\ntls-cert-file %s\ntls-key-file %s\ntls-ca-cert-file %s\ntls-auth-clients no\nsentinel monitor mymaster 127.0.0.1 %s 1\n' \
    "$port" "$tls_port" "$dir/tls.crt" "$dir/tls.key" "$dir/tls.crt" "$redis_port" > "$dir/sentinel.conf"
"$out/vigil" "$dir/sentinel.conf" > "$dir/log.txt" 2>&1 &
pid=$!
proxy_pid=""
trap 'kill -9 $pid $proxy_pid "${redis_pids[@]}" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
    if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ]; then break; fi
    sleep 0.1
done
reply=$(redis-cli -p "$port" ping)
[ "$reply" = "PONG" ] || { echo "AOT binary did not answer PING: $reply"; cat "$dir/log.txt"; exit 1; }
tls_reply=$(redis-cli -p "$tls_port" --tls --cacert "$dir/tls.crt" ping)
[ "$tls_reply" = "PONG" ] || { echo "AOT binary did not answer PING over TLS: $tls_reply"; cat "$dir/log.txt"; exit 1; }

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
echo "AOT binary answered PING (plain, TLS, through vigil proxy) and exited cleanly; size $(du -h "$out/vigil" | cut -f1)"

# vigil migrate, end to end on two small redis-servers.
ports=()
for name in source target; do
    p=$(free_port)
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
