#!/usr/bin/env bash
# Installs what Vigil's tests and demo need on Debian: redis-server, redis-sentinel, redis-tools, and nftables
# (the partition tests cut the network between loopback addresses with it; they need root).
# The packages start system services on 6379/26379; Vigil's tests never use those ports, but the
# services are stopped anyway so a test machine runs only what the tests start.
set -euo pipefail

have_all() {
    command -v redis-server >/dev/null && command -v redis-sentinel >/dev/null && command -v redis-cli >/dev/null \
        && { command -v nft >/dev/null || [ -x /usr/sbin/nft ]; }
}

if ! have_all; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q redis-server redis-sentinel redis-tools nftables
fi

if [ "$(id -u)" -eq 0 ]; then
    for service in redis-server redis-sentinel; do
        service "$service" stop >/dev/null 2>&1 || true
    done
fi

if ! command -v dotnet >/dev/null; then
    echo "The .NET 10 SDK is needed (dotnet on the PATH)." >&2
    exit 1
fi
