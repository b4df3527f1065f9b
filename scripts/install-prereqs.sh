#!/usr/bin/env bash
# Installs from Debian what Vigil's tests and demo need:
#   redis-server, redis-sentinel, redis-tools  the data nodes and the reference sentinel the tests run beside Vigil
#   openssl                                    throw-away certificates for the TLS checks
#   python3-prometheus-client                  an independent parser for the /metrics output
#   chromium                                   the dashboard's browser test (headless)
#   dpkg-dev                                   the .deb package test
#   nftables                                   the partition tests cut the network between loopback addresses (as root)
#   iproute2                                   ss, to read a listening socket's backlog
# The redis packages start system services on 6379/26379; Vigil's tests never use those ports, but the
# services are stopped anyway so a test machine runs only what the tests start.
set -euo pipefail

packages=(redis-server redis-sentinel redis-tools openssl python3-prometheus-client chromium dpkg-dev nftables iproute2)

have_all() {
    command -v redis-server >/dev/null && command -v redis-sentinel >/dev/null && command -v redis-cli >/dev/null \
        && command -v openssl >/dev/null && command -v chromium >/dev/null && command -v dpkg-deb >/dev/null \
        && /usr/bin/python3 -c 'import prometheus_client.parser' 2>/dev/null \
        && { command -v nft >/dev/null || [ -x /usr/sbin/nft ]; } \
        && { command -v ss >/dev/null || [ -x /usr/sbin/ss ] || [ -x /usr/bin/ss ]; }
}

if ! have_all; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${packages[@]}"
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
