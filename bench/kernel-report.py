#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench-kernel's tables: bench/kernel-report.py RAW PREFIX [KEY=VALUE...]

Reads what bench/kernel-guest.sh wrote (RAW) and writes PREFIX.md,
PREFIX.json and PREFIX.dat (the chart's data, for bench/kernel-chart.gp).
KEY=VALUE pairs (host, qemu, wall_seconds, date, old_rev) go into both
reports.  Medians over the rounds; "added" is a configuration's median
less (a)'s.  The main tables need (a), (b) and (c); "Trace and logging"
compares (o), (n), (c) and (l) (GWB_CONFIGS, bench/kernel-guest.sh).
Exits 1 when a case lacks a configuration's measurement (a broken run),
never because of a figure.
"""

import json
import statistics
import sys

CONFIGS = {
    "a": "no firewall",
    "b": "nftables + conntrack",
    "c": "gatewarden",
}
# What the drop trace and logging cost (issue 19): before they existed,
# today with both off, today's defaults (the trace on), logging drops
TRACE_CONFIGS = {
    "o": "before the trace and logging",
    "n": "trace and logging off",
    "c": "defaults: trace on, logging off",
    "l": "trace off, log_drops 1, an NFLOG listener",
}
TRACE_RATIOS = [("n", "o"), ("c", "n"), ("l", "n")]
# S4 compares gatewarden without its SYN proxy and with it
S4_CONFIGS = {
    "c": "gatewarden, rule with synproxy off",
    "p": "gatewarden, rule with synproxy",
}
S1 = [
    ("s1-v4-1k", "IPv4", 1000),
    ("s1-v4-64k", "IPv4", 65536),
    ("s1-v6-1k", "IPv6", 1000),
    ("s1-v6-64k", "IPv6", 65536),
]


def ms(word):
    """A time in ms from the guest, or None ("-": nothing completed)."""
    return None if word == "-" else float(word)


def read_raw(path):
    info, flows, pkt, tput, flood = {}, {}, {}, {}, {}
    # info traced/logged CASE CONFIG ROUND N: {(case, config): [N, ...]}
    noted = {"traced": {}, "logged": {}}
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "info" and len(w) >= 2:
                if w[1] == "flows" and len(w) == 6:
                    flows.setdefault((w[2], w[3]), []).append(int(w[5]))
                elif w[1] in noted and len(w) == 6:
                    noted[w[1]].setdefault((w[2], w[3]), []).append(int(w[5]))
                else:
                    info[w[1]] = " ".join(w[2:])
            elif w[0] == "m" and len(w) == 7 and int(w[3]) > 0:
                case, cfg = w[1], w[2]
                pkts, usec, rx = int(w[4]), int(w[5]), int(w[6])
                # one guest nanosecond is one instruction (-icount shift=0)
                pkt.setdefault((case, cfg), []).append(
                    {"round": int(w[3]), "packets": pkts, "usec": usec,
                     "received": rx, "instructions": usec * 1000 / pkts})
            elif w[0] == "t" and len(w) == 6 and int(w[3]) > 0:
                tput.setdefault((w[1], w[2]), []).append(
                    {"round": int(w[3]), "bits_per_second": int(w[4]),
                     "retransmits": int(w[5])})
            elif w[0] == "f" and len(w) == 10 and int(w[3]) > 0:
                flood.setdefault((w[1], w[2]), []).append(
                    {"round": int(w[3]), "attempted": int(w[4]), "ok": int(w[5]),
                     "connect_ms": ms(w[6]), "connect_p90_ms": ms(w[7]),
                     "syns": int(w[8]), "guest_usec": int(w[9])})
    return info, flows, pkt, tput, flood, noted


def read_profile(path):
    """perf report --sort dso,sym lines: [(percent, dso, symbol)]"""
    rows = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                w = line.split()
                if len(w) >= 4 and w[0].endswith("%") and w[2] in ("[k]", "[.]"):
                    rows.append((float(w[0][:-1]), w[1].strip("[]"), " ".join(w[3:])))
    except OSError:
        pass
    return rows


def med(rows, key):
    return statistics.median(r[key] for r in rows)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    raw, prefix = sys.argv[1], sys.argv[2]
    meta = dict(a.split("=", 1) for a in sys.argv[3:])
    info, flows, pkt, tput, flood, noted = read_raw(raw)
    broken = []
    # the configurations of every case but S4 (older runs: a b c)
    configs = info.get("configs", " ".join(CONFIGS)).split()
    main_tables = all(c in configs for c in CONFIGS)
    report = {"kernel": info.get("kernel"), "guest_cpu": info.get("cpu"),
              "vcpus": info.get("vcpus"), "rounds": int(info.get("rounds", 0)),
              **meta, "cases": {}}
    md = ["# make bench-kernel: the latest run", ""]
    md.append(f"Kernel: {info.get('kernel', '?')} (Debian's linux-image-amd64), "
              f"{info.get('vcpus', '?')} vCPU ({info.get('cpu', '?')}), "
              f"QEMU {meta.get('qemu', '?')} TCG `-icount shift=0,sleep=off`: "
              "one guest nanosecond is one guest instruction.")
    md.append(f"Machine: {meta.get('host', '?')}.")
    rot = " ".join(configs)
    md.append(f"Run: {meta.get('date', '?')}, {report['rounds']} rounds "
              f"(configurations rotated {rot} {rot} ..., each loaded and "
              "unloaded once before the first), medians; wall time "
              f"{meta.get('wall_seconds', '?')} s.")
    report["configs"] = configs
    md.append("")

    def measured(case, table, want=None):
        """Whether every configuration of the run (or WANT) measured
        CASE; one that some did and some did not is a broken run."""
        want = configs if want is None else want
        if not any((case, c) in table for c in want):
            return False
        missing = [c for c in want if (case, c) not in table]
        gap = f"{case}: no measurement for {', '.join(missing)}"
        if missing and gap not in broken:
            broken.append(gap)
        return not missing

    # ---- S1
    s1_rows = []
    for case, fam, nflows in S1:
        if not measured(case, pkt) or not main_tables:
            continue
        m = {c: med(pkt[(case, c)], "instructions") for c in CONFIGS}
        add_b, add_c = m["b"] - m["a"], m["c"] - m["a"]
        frac = add_c / add_b if add_b > 0 else None
        report["cases"][case] = {
            "family": fam, "flows": nflows,
            "instructions": m, "added": {"b": add_b, "c": add_c},
            "c_added_over_b_added": frac,
            "flows_in_table": {c: flows.get((case, c), []) for c in "bc"},
            "rounds": {c: pkt[(case, c)] for c in CONFIGS}}
        s1_rows.append((case, fam, nflows, m, add_b, add_c, frac))
    if s1_rows:
        md += ["## S1: established UDP flows forwarded, wan to lan", "",
               "Instructions a packet, the whole path (pktgen, both veths, "
               "the gateway's forwarding, the firewall); 64-byte frames "
               "(IPv6: 78 bytes, pktgen's smallest).", "",
               "| case | (a) no firewall | (b) nftables + conntrack "
               "| (c) gatewarden | (b) adds | (c) adds | (c)'s added / (b)'s |",
               "|---|---:|---:|---:|---:|---:|---:|"]
        for case, fam, nflows, m, add_b, add_c, frac in s1_rows:
            md.append(f"| {fam}, {nflows:,} flows | {m['a']:,.0f} | {m['b']:,.0f} "
                      f"| {m['c']:,.0f} | {add_b:+,.0f} | {add_c:+,.0f} "
                      f"| {'-' if frac is None else f'{frac:.2f}'} |")
        md.append("")

    # ---- S2
    if measured("s2", pkt) and main_tables:
        md += ["## S2: unsolicited UDP from random sources, no rule", "",
               "Every packet dropped by (b) and (c); (a) forwards them. "
               "Packets a guest-second: what one vCPU gets through, "
               "pktgen included.", "",
               "| configuration | instructions a packet | vs (a) "
               "| packets a guest-second | received on lan |",
               "|---|---:|---:|---:|---:|"]
        s2 = {}
        for c, name in CONFIGS.items():
            rows = pkt[("s2", c)]
            ipp = med(rows, "instructions")
            pps = 1e9 / ipp
            rx = statistics.median(r["received"] for r in rows)
            s2[c] = {"instructions": ipp, "packets_per_guest_second": pps,
                     "received_median": rx, "rounds": rows}
            md.append(f"| ({c}) {name} | {ipp:,.0f} | "
                      f"{ipp - med(pkt[('s2', 'a')], 'instructions'):+,.0f} | "
                      f"{pps:,.0f} | {rx:,.0f} |")
        ab = s2["b"]["instructions"] - s2["a"]["instructions"]
        ac = s2["c"]["instructions"] - s2["a"]["instructions"]
        report["cases"]["s2"] = {**s2, "added": {"b": ab, "c": ac}}
        md.append("")

    # ---- S3
    if measured("s3", tput) and main_tables:
        md += ["## S3: one TCP stream (iperf3 -R, wan to lan), GSO and TSO on", "",
               "| configuration | Mbit/s a guest second | ratio to (a) "
               "| retransmits (median) |", "|---|---:|---:|---:|"]
        base = med(tput[("s3", "a")], "bits_per_second")
        s3 = {}
        for c, name in CONFIGS.items():
            rows = tput[("s3", c)]
            bps = med(rows, "bits_per_second")
            s3[c] = {"bits_per_second": bps, "ratio_to_a": bps / base,
                     "rounds": rows}
            md.append(f"| ({c}) {name} | {bps / 1e6:,.0f} | {bps / base:.3f} "
                      f"| {med(rows, 'retransmits'):.0f} |")
        report["cases"]["s3"] = s3
        md.append("")

    # ---- S4
    if measured("s4", flood, S4_CONFIGS):
        md += ["## S4: a spoofed SYN flood at an allowed service, a client connecting", "",
               "hping3 --flood -S --rand-source at tcp port 80 on lan (its "
               "server: no SYN cookies, backlog 128) while a client on the "
               "wan side connects, exchanges a line and closes, again and "
               "again (2 s connect timeout), on the same vCPU; times in "
               "guest ms (a million instructions each).  Medians over the "
               "rounds.", "",
               "| configuration | connections completed | success rate "
               "| connect, median | connect, p90 | SYNs a guest-second offered |",
               "|---|---:|---:|---:|---:|---:|"]
        s4 = {}

        def med_or_none(rows, key):
            vals = [r[key] for r in rows if r[key] is not None]
            return statistics.median(vals) if vals else None

        for c, name in S4_CONFIGS.items():
            rows = flood[("s4", c)]
            for r in rows:
                r["success"] = r["ok"] / r["attempted"] if r["attempted"] else 0.0
                r["syns_per_guest_second"] = r["syns"] * 1e6 / r["guest_usec"]
            s4[c] = {k: med_or_none(rows, k) for k in
                     ("ok", "attempted", "success", "connect_ms",
                      "connect_p90_ms", "syns_per_guest_second")}
            s4[c]["rounds"] = rows
            m = s4[c]

            def t(v):
                return "-" if v is None else f"{v:,.1f} ms"
            md.append(f"| ({c}) {name} | {m['ok']:,.0f} of {m['attempted']:,.0f} "
                      f"| {m['success']:.1%} | {t(m['connect_ms'])} "
                      f"| {t(m['connect_p90_ms'])} | {m['syns_per_guest_second']:,.0f} |")
        report["cases"]["s4"] = s4
        md.append("")

    # ---- the drop trace and logging
    trace_rows = []
    for case, name in [(c, f"S1, {f}, {n:,} flows") for c, f, n in S1] + [
            ("s2", "S2, unsolicited, every packet dropped")]:
        have = [c for c in TRACE_CONFIGS if c in configs]
        if not any(c in have for c in "onl") or not measured(case, pkt):
            continue
        m = {c: med(pkt[(case, c)], "instructions") for c in have}
        ratios = {f"{x}/{y}": m[x] / m[y] for x, y in TRACE_RATIOS
                  if x in m and y in m}
        diffs = {f"{x}-{y}": m[x] - m[y] for x, y in TRACE_RATIOS
                 if x in m and y in m}
        report.setdefault("trace_and_logging", {})[case] = {
            "instructions": m, "ratios": ratios, "differences": diffs,
            "traced": {c: noted["traced"].get((case, c), []) for c in have},
            "logged": {c: noted["logged"].get((case, c), []) for c in have},
            "flows_in_table": {c: flows.get((case, c), []) for c in have},
            "rounds": {c: pkt[(case, c)] for c in have}}
        trace_rows.append((case, name, m, ratios, diffs))
    if trace_rows:
        old = meta.get("old_rev")
        md += ["## Trace and logging", "",
               "What the drop trace and NFLOG logging cost the packet path: "
               "instructions a packet, the whole path, medians.  "
               "(o) gatewarden before them"
               + (f" (commit {old[:12]}, the first parent of \"Merge branch "
                  "'trace'\")" if old else "")
               + ", (n) today's with trace_size 0 and log_drops 0, (c) "
               "today's defaults (a ring of 256 drops, trace_rate 1000/s; "
               "log_drops 0), (l) today's with trace_size 0 and log_drops 1 "
               "(log_rate 10/s), tcpdump reading NFLOG group 0; all with "
               "(c)'s policy.  So c/n is the trace's cost, l/n logging's.  "
               "(n)/(o) includes every change between the two, not only "
               "the trace's and logging's.", "",
               "| case | " + " | ".join(f"({c}) {TRACE_CONFIGS[c]}"
                                        for c in TRACE_CONFIGS)
               + " | " + " | ".join(f"{x}/{y}" for x, y in TRACE_RATIOS) + " |",
               "|---|" + "---:|" * (len(TRACE_CONFIGS) + len(TRACE_RATIOS))]
        for case, name, m, ratios, diffs in trace_rows:
            cells = [f"{m[c]:,.0f}" if c in m else "-" for c in TRACE_CONFIGS]
            cells += [f"{ratios[f'{x}/{y}']:.4f} ({diffs[f'{x}-{y}']:+,.0f})"
                      if f"{x}/{y}" in ratios else "-" for x, y in TRACE_RATIOS]
            md.append(f"| {name} | " + " | ".join(cells) + " |")
        md += ["", "A ratio's difference in instructions is in brackets.  "
               "Drops the trace recorded and packets NFLOG carried to the "
               "listener, a round:", ""]
        for case, name, *_ in trace_rows:
            t = report["trace_and_logging"][case]
            parts = [f"({c}) traced {', '.join(map(str, v))}"
                     for c, v in t["traced"].items() if v]
            parts += [f"({c}) logged {', '.join(map(str, v))}"
                      for c, v in t["logged"].items() if v]
            md.append(f"- {name}: " + ("; ".join(parts) or "-") + ".")
        md.append("")

    # ---- the profile
    prof = {c: read_profile(f"{meta['profiles']}-{c}.txt")
            for c in CONFIGS} if "profiles" in meta else {}
    if any(prof.values()) and ("s1-v4-1k", "a") in pkt:
        md += ["## Where the instructions go: S1, IPv4, 1,000 flows", "",
               "perf record's cpu-clock in the guest, one unmeasured run "
               "per configuration (under icount a sample every 50,000 "
               "instructions); the packet path is pktgen's thread and its "
               "softirqs (ksoftirqd runs some).  A function's share times the configuration's "
               "median above: instructions a packet.", ""]
        report["profile"] = {}
        for c, rows in prof.items():
            if not rows or ("s1-v4-1k", c) not in pkt:
                continue
            ipp = med(pkt[("s1-v4-1k", c)], "instructions")
            by_dso = {}
            for pct, dso, _ in rows:
                by_dso[dso] = by_dso.get(dso, 0) + pct
            report["profile"][c] = {"by_module_percent": by_dso,
                                    "functions": [{"percent": p, "module": d, "symbol": y}
                                                  for p, d, y in rows]}
            md.append(f"({c}) {CONFIGS[c]}, {ipp:,.0f} instructions a packet; by module: "
                      + ", ".join(f"{d} {p:.1f}% ({p * ipp / 100:,.0f})"
                                  for d, p in sorted(by_dso.items(), key=lambda x: -x[1])
                                  if p >= 0.5) + ".")
            md += ["", "| function | module | share | instructions a packet |",
                   "|---|---|---:|---:|"]
            for pct, dso, sym in rows[:15]:
                md.append(f"| `{sym}` | {dso} | {pct:.1f}% | {pct * ipp / 100:,.0f} |")
            md.append("")

    # ---- every round
    md += ["## Every round", "",
           "| case | configuration | per round (instructions a packet, Mbit/s, or connections) |",
           "|---|---|---|"]
    for (case, c), rows in sorted(pkt.items()):
        md.append(f"| {case} | ({c}) | "
                  + ", ".join(f"{r['instructions']:,.0f}" for r in rows) + " |")
    for (case, c), rows in sorted(tput.items()):
        md.append(f"| {case} | ({c}) | "
                  + ", ".join(f"{r['bits_per_second'] / 1e6:,.0f}" for r in rows) + " |")
    for (case, c), rows in sorted(flood.items()):
        md.append(f"| {case} | ({c}) | "
                  + ", ".join(f"{r['ok']}/{r['attempted']} connections, "
                              f"connect {r['connect_ms'] or '-'} ms "
                              f"(p90 {r['connect_p90_ms'] or '-'})"
                              for r in rows) + " |")
    md.append("")
    if broken:
        md += ["## Broken", ""] + [f"- {b}" for b in broken] + [""]
    report["broken"] = broken

    with open(prefix + ".md", "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    with open(prefix + ".json", "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    # the chart's data: flows, then (b)'s and (c)'s added cost, IPv4 and IPv6
    with open(prefix + ".dat", "w", encoding="utf-8") as f:
        f.write("# flows b4 c4 b6 c6 (instructions added a packet over no firewall)\n")
        for nflows in sorted({n for _, _, n, *_ in s1_rows}):
            vals = []
            for fam in ("IPv4", "IPv6"):
                row = [r for r in s1_rows if r[1] == fam and r[2] == nflows]
                vals += [f"{row[0][4]:.0f}", f"{row[0][5]:.0f}"] if row else ["NaN", "NaN"]
            f.write(f"{nflows} {' '.join(vals)}\n")
    print("\n".join(md))
    if broken:
        sys.exit(1)


if __name__ == "__main__":
    main()
