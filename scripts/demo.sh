#!/usr/bin/env bash
# The main job: installs what is missing (redis-server, redis-sentinel, redis-tools), builds Vigil and runs
# `vigil demo`: a master and two replicas (redis-server), three Vigil sentinels and a writing client on
# loopback ports in a temp dir; the master fails, and the demo shows the failover as it happens and what
# the client saw. Arguments go to `vigil demo`, e.g. scripts/demo.sh --fault kill --down-after 1000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prereqs.sh
dotnet build src/Vigil/Vigil.csproj -c Release -nologo -v quiet
exec dotnet src/Vigil/bin/Release/net10.0/vigil.dll demo "$@"
