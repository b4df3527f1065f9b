# Shared by failover.sh and switchover.sh: runs `vigil demo` rounds against Vigil and redis-sentinel,
# interleaved, and appends one JSON line of figures per run to a results file.
# Needs: VIGIL_BIN (the NativeAOT vigil), RESULTS (a .jsonl file), LOGS (a directory for timelines and
# sentinel logs).

# Publishes the NativeAOT binary unless VIGIL_BIN already names one (bench/run.sh publishes once).
ensure_vigil_bin() {
    if [ -z "${VIGIL_BIN:-}" ]; then
        dotnet publish src/Vigil/Vigil.csproj -c Release -o artifacts/aot -nologo -v quiet >/dev/null
        VIGIL_BIN="$PWD/artifacts/aot/vigil"
    fi
    export VIGIL_BIN
}

# run_rounds LABEL ROUNDS DEMO-ARGS... : for each round, one run on Vigil then one on redis-sentinel
# (IMPLS=vigil runs Vigil alone).
run_rounds() {
    local label=$1 rounds=$2; shift 2
    local round impl out log dir
    for round in $(seq 1 "$rounds"); do
        for impl in ${IMPLS:-vigil redis-sentinel}; do
            local extra=()
            [ "$impl" = redis-sentinel ] && extra=(--sentinel-binary redis-sentinel)
            log="$LOGS/$label-$impl-$round"
            out=$("$VIGIL_BIN" demo "$@" "${extra[@]}" --json --stop-after-failover --keep-dir 2>"$log.timeline.txt" | tail -n 1) || true
            if [ -z "$out" ]; then
                echo "  $label $impl round $round: no figures (see $log.timeline.txt)" >&2
                continue
            fi
            dir=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("dir",""))' "$out")
            if [ -n "$dir" ] && [ -d "$dir" ]; then
                for s in "$dir"/sentinel-*; do cp "$s/sentinel.log" "$log.$(basename "$s").log" 2>/dev/null || true; done
                rm -rf "$dir"
            fi
            python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d.pop("dir",None); d["label"]=sys.argv[2]; d["round"]=int(sys.argv[3]); print(json.dumps(d))' \
                "$out" "$label" "$round" >> "$RESULTS"
            python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("  %-12s %-15s round %s: +switch-master %s ms, unavailable %s ms, lost %s, converged %s" % (sys.argv[2], d["sentinel"], sys.argv[3], d["switchMasterFirstMs"], d["unavailableMs"], d["ackedLost"], d["converged"]))' \
                "$out" "$label" "$round" >&2
        done
    done
}
