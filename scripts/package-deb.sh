#!/usr/bin/env bash
# Builds a Debian package of Vigil: the NativeAOT binary at /usr/bin/vigil, vigil.service (in the style of Debian's
# redis-sentinel.service), /etc/vigil/sentinel.conf, the man page and the user vigil (created on install).
#   scripts/package-deb.sh [--binary PATH] [--out DIR]
# Without --binary it publishes the binary first (dotnet publish, NativeAOT). Prints the path of the .deb.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=""
out=artifacts/deb
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        *) echo "usage: $0 [--binary PATH] [--out DIR]" >&2; exit 1 ;;
    esac
done
if [ -z "$binary" ]; then
    dotnet publish src/Vigil/Vigil.csproj -c Release -o artifacts/aot -nologo -v quiet >&2
    binary=artifacts/aot/vigil
fi
[ -x "$binary" ] || { echo "no executable at $binary" >&2; exit 1; }

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)
arch=$(dpkg --print-architecture)
root=$(mktemp -d)
chmod 0755 "$root"
trap 'rm -rf "$root"' EXIT

install -D -m 0755 "$binary" "$root/usr/bin/vigil"
strip --strip-unneeded "$root/usr/bin/vigil" 2>/dev/null || true
install -D -m 0644 packaging/debian/vigil.service "$root/usr/lib/systemd/system/vigil.service"
install -D -m 0640 packaging/debian/sentinel.conf "$root/etc/vigil/sentinel.conf"
install -d -m 0755 "$root/usr/share/man/man1" "$root/usr/share/doc/vigil"
gzip -9n < docs/vigil.1 > "$root/usr/share/man/man1/vigil.1.gz"
chmod 0644 "$root/usr/share/man/man1/vigil.1.gz"
install -m 0644 README.md "$root/usr/share/doc/vigil/README.md"
install -m 0644 config/sentinel.sample.conf "$root/usr/share/doc/vigil/sentinel.sample.conf"

install -d -m 0755 "$root/DEBIAN"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
echo /etc/vigil/sentinel.conf > "$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: vigil
Version: $version
Architecture: $arch
Maintainer: Vigil maintainers <vigil@localhost>
Installed-Size: $size
Depends: adduser
Suggests: redis-server
Section: database
Priority: optional
Description: Redis Sentinel compatible with redis-sentinel 7.0
 Vigil watches Redis masters and their replicas, agrees with other sentinels
 that a master is down, fails over to a replica and tells clients where the
 master is. Same sentinel.conf, commands, events and hello protocol as
 redis-sentinel; learned state kept in a separate file written atomically.
 Optional HTTP endpoint with Prometheus metrics and a live dashboard.
CONTROL

mkdir -p "$out"
deb="$out/vigil_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
