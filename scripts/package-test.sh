#!/usr/bin/env bash
# Builds the .deb from the NativeAOT binary (scripts/aot-smoke.sh publishes it) and checks it without installing
# it: its metadata and contents (dpkg-deb -I / -c), the unit (systemd-analyze verify, when available, on a copy
# pointing at the extracted binary), that the extracted binary started as the unit starts it (Type=notify) sends
# READY=1 and serves /metrics from the packaged sentinel.conf, and (as root) that it starts from Debian's own
# /etc/redis/sentinel.conf, unchanged, as an operator's drop-in would point it there.
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
# The config stays read-only to the service: the state goes to /var/lib/vigil.
grep -q '^ReadWritePaths=-/etc/vigil' "$unit" && fail "the unit makes /etc/vigil writable"
grep -qx 'vigil-state-file /var/lib/vigil/sentinel.state.json' "$dir/root/etc/vigil/sentinel.conf" || fail "the packaged config keeps no state in /var/lib/vigil"
if command -v systemd-analyze >/dev/null; then
    # The binary is not installed: verify a copy that points at the extracted one.
    sed "s|/usr/bin/vigil|$dir/root/usr/bin/vigil|g" "$unit" > "$dir/vigil.service"
    systemd-analyze verify --man=no "$dir/vigil.service" || fail "systemd-analyze verify refused the unit"
fi

gzip -t "$dir/root/usr/share/man/man1/vigil.1.gz" || fail "man page"
"$dir/root/usr/bin/vigil" --version | grep -q '^Vigil v=' || fail "--version"
"$dir/root/usr/bin/vigil" --help | grep -q -- '--http' || fail "--help does not mention --http"

# A datagram listener standing in for systemd's $NOTIFY_SOCKET: prints each message, exits after READY=1 or 20 s.
notify_listener() { # socket-path output-file
    python3 - "$1" > "$2" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.5)
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    try:
        message = s.recv(4096).decode()
    except socket.timeout:
        continue
    print(message, end="", flush=True)
    if "READY=1" in message.split("\n"):
        break
PY
    listener=$!
    for _ in $(seq 1 50); do [ -S "$1" ] && return; sleep 0.1; done
    fail "the notify listener did not start"
}

# The packaged config, with only the port, its paths under /var/lib/vigil and the endpoint moved for the test, started
# with the unit's own arguments and a notify socket.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
http=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir "$dir/state"
# `dir` is checked where it is read (as redis-sentinel does): the packaged one exists only once installed.
sed "s|/var/lib/vigil|$dir/state|g" "$dir/root/etc/vigil/sentinel.conf" > "$dir/state/sentinel.conf"
grep -qx "dir $dir/state" "$dir/state/sentinel.conf" || fail "the packaged config has no 'dir /var/lib/vigil'"
exec_start=$(sed -n 's|^ExecStart=/usr/bin/vigil /etc/vigil/sentinel.conf ||p' "$unit")
notify_listener "$dir/notify.sock" "$dir/notify.log"
# shellcheck disable=SC2086 # the unit's arguments, split as systemd splits them
NOTIFY_SOCKET="$dir/notify.sock" "$dir/root/usr/bin/vigil" "$dir/state/sentinel.conf" $exec_start --port "$port" --http "127.0.0.1:$http" > "$dir/log" 2>&1 &
pid=$!
wait "$listener" || true
grep -qx 'READY=1' "$dir/notify.log" || { cat "$dir/log"; fail "no READY=1 on the notify socket (got: $(cat "$dir/notify.log"))"; }
metrics=$(curl -sf "http://127.0.0.1:$http/metrics" || true)
grep -q '^redis_sentinel_masters 1$' <<<"$metrics" || { cat "$dir/log"; fail "the packaged binary and config do not serve /metrics"; }
[ -f "$dir/state/sentinel.state.json" ] || { cat "$dir/log"; fail "no state in the packaged state path"; }
kill -TERM "$pid"
wait "$pid" || fail "the binary did not exit 0 on SIGTERM"
pid=""

# Debian's /etc/redis/sentinel.conf from the redis-sentinel package, unchanged (port 26379, daemonize yes, pidfile
# /run/sentinel/..., logfile /var/log/redis/..., dir /var/lib/redis), started as a drop-in pointing the unit at it
# would start it. In private network and mount namespaces, so that port 26379 and those paths are the test's own:
# /etc/redis, /var/lib/redis and /var/log/redis are bind-mounted copies, /run a fresh tmpfs.
debian_conf=/etc/redis/sentinel.conf
if [ "$(id -u)" != 0 ] || [ ! -f "$debian_conf" ]; then
    echo "package test: NOT checked: Debian's $debian_conf (needs root for namespaces and the redis-sentinel package)" >&2
else
    mkdir -p "$dir/debian/etc" "$dir/debian/lib" "$dir/debian/log"
    cp -p "$debian_conf" "$dir/debian/etc/sentinel.conf"
    chmod 0777 "$dir/debian/lib" "$dir/debian/log"
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare --net --mount --propagation private env BIN="$dir/root/usr/bin/vigil" ARGS="$exec_start" D="$dir/debian" bash -c '
        set -e
        ip link set lo up
        mount --bind "$D/etc" /etc/redis
        mount --bind "$D/lib" /var/lib/redis
        mount --bind "$D/log" /var/log/redis
        mount -t tmpfs tmpfs /run
        mkdir -p /run/sentinel   # RuntimeDirectory=sentinel in the drop-in, as in redis-sentinel.service
        NOTIFY_SOCKET=/run/notify.sock
        python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(\"/run/notify.sock\"); s.settimeout(20)
while True:
    m = s.recv(4096).decode(); print(m, end=\"\", flush=True)
    if \"READY=1\" in m.split(\"\\n\"): break
" > "$D/notify.log" 2>&1 &
        listener=$!
        for _ in $(seq 1 50); do [ -S /run/notify.sock ] && break; sleep 0.1; done
        NOTIFY_SOCKET=/run/notify.sock "$BIN" /etc/redis/sentinel.conf $ARGS > "$D/stdout" 2>&1 &
        pid=$!
        wait "$listener" || true
        status=0
        grep -qx READY=1 "$D/notify.log" || { echo "no READY=1: $(cat "$D/notify.log")"; status=1; }
        [ "$(redis-cli -p 26379 ping)" = PONG ] || { echo "no PONG on 26379"; status=1; }
        redis-cli -p 26379 sentinel get-master-addr-by-name mymaster | head -1 | grep -qx 127.0.0.1 || { echo "mymaster not monitored"; status=1; }
        [ "$(cat /run/sentinel/redis-sentinel.pid 2>/dev/null)" = "$pid" ] || { echo "pidfile /run/sentinel/redis-sentinel.pid does not hold $pid"; status=1; }
        [ -s /var/log/redis/redis-sentinel.log ] || { echo "nothing in /var/log/redis/redis-sentinel.log"; status=1; }
        [ -f /etc/redis/sentinel.conf.state.json ] || { echo "no state beside /etc/redis/sentinel.conf"; status=1; }
        kill -TERM "$pid"; wait "$pid" || { echo "exit status $? on SIGTERM"; status=1; }
        exit $status
    ' > "$dir/debian/result" 2>&1 || { cat "$dir/debian/result" "$dir/debian/log/redis-sentinel.log" 2>/dev/null; fail "Debian's $debian_conf does not start the packaged binary"; }
    cmp -s "$debian_conf" "$dir/debian/etc/sentinel.conf" || fail "Vigil changed Debian's sentinel.conf"
    echo "package test: Debian's $debian_conf starts the packaged binary unchanged (notify, pidfile, logfile, state beside it)"
fi

echo "package $deb: contents, unit and start-up checked ($(du -h "$deb" | cut -f1))"
