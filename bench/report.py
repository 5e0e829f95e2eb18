#!/usr/bin/env python3
"""Parses wrk outputs recorded by bench/run.sh and writes the markdown tables of bench/RESULTS.md.

Usage: report.py parse <wrk-output-file>            -> one JSON object (rps, p50_ms, p99_ms, non2xx_pct)
       report.py table <results.jsonl> <header.md>  -> markdown on stdout
"""
import json
import re
import statistics
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def latency_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def parse(path):
    out = {"rps": 0.0, "p50_ms": None, "p99_ms": None, "requests": 0, "non2xx": 0}
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.strip()
        if m := re.match(r"(50|99)%\s+(\S+)", line):
            out[f"p{m.group(1)}_ms"] = latency_ms(m.group(2))
        elif m := re.match(r"(\d+) requests in", line):
            out["requests"] = int(m.group(1))
        elif m := re.match(r"Non-2xx or 3xx responses: (\d+)", line):
            out["non2xx"] = int(m.group(1))
        elif m := re.match(r"Requests/sec:\s+([\d.]+)", line):
            out["rps"] = float(m.group(1))
    out["non2xx_pct"] = 100.0 * out["non2xx"] / out["requests"] if out["requests"] else None
    return out


def fmt(v, digits=1):
    return "–" if v is None else f"{v:,.{digits}f}"


def table(jsonl, header):
    rows = [json.loads(l) for l in open(jsonl, encoding="utf-8") if l.strip()]
    print(open(header, encoding="utf-8").read().rstrip() + "\n")
    modes = sorted({r["mode"] for r in rows})
    for mode in modes:
        mrows = [r for r in rows if r["mode"] == mode]
        scenarios = list(dict.fromkeys(r["scenario"] for r in mrows))
        rounds = sorted({r["round"] for r in mrows})
        print(f"### Mode: {mode} ({len(rounds)} rounds)\n")
        print("| scenario | req/s (median) | p50 ms | p99 ms | non-2xx % | RSS max MB | req/s ratio to bare | p99 ratio to bare |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        bare = {r["round"]: r for r in mrows if r["scenario"] == "bare-list"}
        for s in scenarios:
            srows = [r for r in mrows if r["scenario"] == s]
            med = lambda k: statistics.median([r[k] for r in srows if r.get(k) is not None]) if any(r.get(k) is not None for r in srows) else None
            ratios = [r["rps"] / bare[r["round"]]["rps"] for r in srows if r["round"] in bare and bare[r["round"]]["rps"]]
            p99r = [r["p99_ms"] / bare[r["round"]]["p99_ms"] for r in srows
                    if r["round"] in bare and r.get("p99_ms") and bare[r["round"]].get("p99_ms")]
            print(f"| {s} | {fmt(med('rps'), 0)} | {fmt(med('p50_ms'), 2)} | {fmt(med('p99_ms'), 2)} | {fmt(med('non2xx_pct'), 1)} "
                  f"| {fmt(med('rss_mb'), 0)} | {fmt(statistics.median(ratios) if ratios else None, 2)} "
                  f"| {fmt(statistics.median(p99r) if p99r else None, 2)} |")
        print()
        # Derived ratios of the targets, medians over rounds of per-round ratios.
        def per_round(a, b, key="rps"):
            ra = {r["round"]: r for r in mrows if r["scenario"] == a}
            rb = {r["round"]: r for r in mrows if r["scenario"] == b}
            vals = [ra[k][key] / rb[k][key] for k in ra if k in rb and ra[k].get(key) and rb[k].get(key)]
            return statistics.median(vals) if vals else None
        print("| target | median of per-round ratios | holds? |")
        print("|---|---:|---|")
        for label, a, b, key, op, limit in [
            ("secured list / bare list, req/s", "list", "bare-list", "rps", ">=", 0.7),
            ("secured list / bare list, p99", "list", "bare-list", "p99_ms", "<=", 2.0),
            ("401 path / secured list, req/s", "list-401", "list", "rps", ">=", 3.0),
            ("429 path / secured list, req/s", "flood-429", "list", "rps", ">=", 3.0),
            ("ban path / secured list, req/s", "ban-403", "list", "rps", ">=", 3.0),
            ("list p99 during login burst / unloaded list p99", "list-during-login-burst", "list", "p99_ms", "<=", 3.0),
            ("secured list / NestJS peer list, req/s", "list", "nestjs-list", "rps", ">=", 10.0),
        ]:
            v = per_round(a, b, key)
            if v is not None:
                ok = v >= limit if op == ">=" else v <= limit
                print(f"| {label} (target {op} {limit:g}) | {v:.2f} | {'yes' if ok else '**no**'} |")
        # Context for the NestJS target (not targets): the peer counts the tenant's items on every request and runs one
        # Node process; the product reuses a list's count (ListCountCache) and uses both cores.
        for label, a, b in [
            ("context: secured list, count on every request / NestJS peer list, req/s", "list-count-uncached", "nestjs-list"),
            ("context: secured list / NestJS peer reusing its count like the product, req/s", "list",
             "nestjs-list-count-cached"),
            ("context: secured list / NestJS peer in 2 cluster workers, req/s", "list", "nestjs-list-2-workers"),
            ("context: secured list, count on every request / NestJS peer in 2 workers, req/s", "list-count-uncached",
             "nestjs-list-2-workers"),
        ]:
            v = per_round(a, b)
            if v is not None:
                print(f"| {label} | {v:.2f} | – |")
        rss = [r["rss_mb"] for r in mrows if r.get("rss_mb") is not None and not r["scenario"].startswith(("bare", "nestjs"))]
        if rss:
            print(f"| RSS of the API under load, max MB (target <= 200) | {max(rss):.0f} | {'yes' if max(rss) <= 200 else '**no**'} |")
        # Issue 6: what the limiter + ban check cost (same endpoint, same mode, with them switched off by the allow-list).
        costs = [(label, per_round(a, b)) for label, a, b in [
            ("/health/live with limiter + ban check / without, req/s", "health", "health-limits-off"),
            ("secured list with limiter + ban check / without, req/s", "list", "list-limits-off"),
        ]]
        if any(v is not None for _, v in costs):
            print()
            print("| cost of rate limiting + ban check (issue 6) | median of per-round ratios |")
            print("|---|---:|")
            for label, v in costs:
                if v is not None:
                    print(f"| {label} | {v:.2f} |")
        redis = [r for r in mrows if r.get("redis_calls_per_request") is not None]
        if redis:
            print()
            print("| scenario | Redis commands per request (INFO commandstats) |")
            print("|---|---:|")
            for r in redis:
                print(f"| {r['scenario']} (round {r['round']}) | {r['redis_calls_per_request']:.2f} |")
        print()


if __name__ == "__main__":
    if sys.argv[1] == "parse":
        print(json.dumps(parse(sys.argv[2])))
    elif sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: report.py parse FILE | table JSONL HEADER")
