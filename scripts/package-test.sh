#!/usr/bin/env bash
# Builds the .deb from the NativeAOT binary (scripts/aot-smoke.sh publishes it) and checks it without installing
# it: its metadata and contents (dpkg-deb -I / -c), the unit (systemd-analyze verify, when available, on a copy
# pointing at the extracted binary), and that the extracted binary starts from the packaged sentinel.conf and
# serves /metrics.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-artifacts/aot/vigil}
deb=$(bash scripts/package-deb.sh --binary "$binary" --out artifacts/deb)
dir=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "package test: $*" >&2; exit 1; }

info=$(dpkg-deb -I "$deb")
grep -q '^ Package: vigil$' <<<"$info" || fail "no Package: vigil"
grep -q '^ Depends: adduser$' <<<"$info" || fail "no Depends: adduser"
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)" = /etc/vigil/sentinel.conf ] || fail "conffiles"
control=$(dpkg-deb --ctrl-tarfile "$deb" | tar -t)
for script in postinst prerm postrm; do grep -qx "./$script" <<<"$control" || fail "no $script"; done

contents=$(dpkg-deb -c "$deb")
expect() { grep -qE "$1" <<<"$contents" || fail "missing: $1"; }
expect '^-rwxr-xr-x root/root +[0-9]+ .* \./usr/bin/vigil$'
expect '^-rw-r--r-- root/root +[0-9]+ .* \./usr/lib/systemd/system/vigil\.service$'
expect '^-rw-r----- root/root +[0-9]+ .* \./etc/vigil/sentinel\.conf$'
expect '^-rw-r--r-- root/root +[0-9]+ .* \./usr/share/man/man1/vigil\.1\.gz$'

dpkg-deb -x "$deb" "$dir/root"
unit="$dir/root/usr/lib/systemd/system/vigil.service"
for line in 'Type=notify' 'User=vigil' 'ExecStart=/usr/bin/vigil /etc/vigil/sentinel.conf --supervised systemd --daemonize no' \
    'ProtectSystem=strict' 'ReadWritePaths=-/var/lib/vigil' 'MemoryDenyWriteExecute=true' 'NoExecPaths=/' \
    'ExecPaths=/usr/bin/vigil /usr/lib /lib' 'SystemCallFilter=@system-service' 'SystemCallFilter=~ @privileged @resources'; do
    grep -qxF "$line" "$unit" || fail "unit lacks: $line"
done
if command -v systemd-analyze >/dev/null; then
    # The binary is not installed: verify a copy that points at the extracted one.
    sed "s|/usr/bin/vigil|$dir/root/usr/bin/vigil|g" "$unit" > "$dir/vigil.service"
    systemd-analyze verify --man=no "$dir/vigil.service" || fail "systemd-analyze verify refused the unit"
fi

gzip -t "$dir/root/usr/share/man/man1/vigil.1.gz" || fail "man page"
"$dir/root/usr/bin/vigil" --version | grep -q '^Vigil v=' || fail "--version"
"$dir/root/usr/bin/vigil" --help | grep -q -- '--http' || fail "--help does not mention --http"

# The packaged config, with only the port, the working directory and the endpoint moved for the test.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
http=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir "$dir/state"
# `dir` is checked where it is read (as redis-sentinel does): the packaged one exists only once installed.
sed "s|^dir /var/lib/vigil$|dir $dir/state|" "$dir/root/etc/vigil/sentinel.conf" > "$dir/state/sentinel.conf"
grep -qx "dir $dir/state" "$dir/state/sentinel.conf" || fail "the packaged config has no 'dir /var/lib/vigil'"
"$dir/root/usr/bin/vigil" "$dir/state/sentinel.conf" --port "$port" --http "127.0.0.1:$http" > "$dir/log" 2>&1 &
pid=$!
metrics=""
for _ in $(seq 1 100); do
    metrics=$(curl -sf "http://127.0.0.1:$http/metrics" || true)
    [ -n "$metrics" ] && break
    sleep 0.1
done
grep -q '^redis_sentinel_masters 1$' <<<"$metrics" || { cat "$dir/log"; fail "the packaged binary and config do not serve /metrics"; }
kill -TERM "$pid"
wait "$pid" || fail "the binary did not exit 0 on SIGTERM"
pid=""
echo "package $deb: contents, unit and start-up checked ($(du -h "$deb" | cut -f1))"
