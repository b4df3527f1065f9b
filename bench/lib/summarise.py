#!/usr/bin/env python3
"""Prints min / median / max per figure for Vigil and redis-sentinel, and the ratio of the medians.

Usage: summarise.py RESULTS.jsonl LABEL FIGURE... [--target EXPR]
Each line of RESULTS.jsonl is one `vigil demo --json` run with "label" and "sentinel" added.
"""
import json
import statistics
import sys

NAMES = {
    "sdownMs": "fault -> +sdown (ms)",
    "odownMs": "fault -> +odown (ms)",
    "switchMasterFirstMs": "fault -> +switch-master, first (ms)",
    "switchMasterLastMs": "fault -> +switch-master, last (ms)",
    "failoverEndMs": "fault -> +failover-end (ms)",
    "unavailableMs": "client write unavailability (ms)",
    "ackedLost": "acknowledged writes lost",
    "writesAcked": "writes acknowledged",
}


def load(path, label):
    runs = {"vigil": [], "reference": []}
    with open(path) as f:
        for line in f:
            run = json.loads(line)
            if run["label"] == label:
                runs["vigil" if run["sentinel"] == "Vigil" else "reference"].append(run)
    return runs


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return min(values), statistics.median(values), max(values)


def fmt(s):
    return "        -" if s is None else f"{s[0]:>7.0f} {s[1]:>7.0f} {s[2]:>7.0f}"


def main():
    path, label, figures = sys.argv[1], sys.argv[2], sys.argv[3:]
    runs = load(path, label)
    nv, nr = len(runs["vigil"]), len(runs["reference"])
    cv = sum(1 for r in runs["vigil"] if r["converged"])
    cr = sum(1 for r in runs["reference"] if r["converged"])
    print(f"{label}: {nv} Vigil runs ({cv} converged), {nr} redis-sentinel runs ({cr} converged)")
    print(f"  {'figure':<38} {'Vigil min/median/max':>23} | {'redis-sentinel min/median/max':>29} | Vigil/ref")
    medians = {}
    for figure in figures:
        v = stats([r.get(figure) for r in runs["vigil"] if r["converged"]])
        r = stats([r.get(figure) for r in runs["reference"] if r["converged"]])
        ratio = f"{v[1] / r[1]:.2f}" if v and r and r[1] else "-"
        medians[figure] = (v[1] if v else None, r[1] if r else None)
        print(f"  {NAMES.get(figure, figure):<38} {fmt(v):>23} | {fmt(r):>29} | {ratio}")
    return medians


if __name__ == "__main__":
    main()
