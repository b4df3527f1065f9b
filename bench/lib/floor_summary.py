"""Summarises bench/failover-floor.sh: per fault and implementation, fault -> first +switch-master against
down-after plus the floor's allowance (100 ms for kill -9, 300 ms for DEBUG SLEEP), and per round the elections
tried, aborted and the failovers completed, read from the sentinels' logs. Standard library only."""
import glob, json, os, statistics, sys

path, logs, down_after, faults = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
allowance = {"kill": 100, "sleep": 300}
runs = [json.loads(line) for line in open(path)]


def count(pattern, files):
    total = 0
    for f in files:
        with open(f, errors="replace") as handle:
            total += sum(1 for line in handle if pattern in line)
    return total


for fault in faults:
    label = f"{fault}-{down_after}"
    for impl in sorted({r["sentinel"] for r in runs if r["label"] == label}):
        mine = [r for r in runs if r["label"] == label and r["sentinel"] == impl]
        times = [r["switchMasterFirstMs"] for r in mine if r["switchMasterFirstMs"] is not None]
        limit = down_after + allowance.get(fault, 0)
        tries = elected = aborted = multi_election = second_failover = 0
        for r in mine:
            tag = "vigil" if impl == "Vigil" else "redis-sentinel"
            files = glob.glob(os.path.join(logs, f"{label}-{tag}-{r['round']}.sentinel-*.log"))
            t = count("+try-failover", files)
            tries += t
            elected += count("+elected-leader", files)
            aborted += count("-failover-abort", files)
            # One election per failover: a second +try-failover in a round is a split or failed election.
            if t > 1:
                multi_election += 1
            # Every sentinel logs +switch-master once per failover it follows: more than one per sentinel is a second failover.
            per_sentinel = [count("+switch-master", [f]) for f in files]
            if per_sentinel and max(per_sentinel) > 1:
                second_failover += 1
        if not times:
            print(f"{label} {impl}: no figures")
            continue
        within = sum(1 for t in times if t <= limit)
        print(f"{label} {impl}: {len(mine)} rounds, fault -> first +switch-master min/median/p90/max "
              f"{min(times):.0f} / {statistics.median(times):.0f} / {sorted(times)[int(0.9 * (len(times) - 1))]:.0f} / {max(times):.0f} ms; "
              f"within down-after + {allowance.get(fault, 0)} ms: {within} of {len(times)}; median target "
              f"{'met' if statistics.median(times) <= limit else 'MISSED'}")
        print(f"  elections: +try-failover {tries}, +elected-leader {elected}, -failover-abort {aborted}; "
              f"rounds with more than one election: {multi_election}; rounds with a second failover: {second_failover}")
