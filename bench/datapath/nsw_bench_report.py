#!/usr/bin/env python3
"""nsw_bench_report.py - parsing and the report of the datapath benchmark (bench/datapath/run).

Owns: turning raw outputs into samples (rtt: ping output -> p50 p99 in us; tcp: iperf3 JSON ->
Gbit/s) and the samples CSV (datapath,run,metric,value) into the table: medians over runs,
ratios to the Linux bridge and to the bare ceiling of the same hook, and the performance targets.
Invariant: prints only what was measured; a missing figure is "-", never a guess; a target is
reported met or not met, never turned into a failure. Owner: whoever owns bench/datapath.
"""
import csv
import json
import re
import statistics
import sys

NAMES = {
    "bridge": ("Linux bridge", "kernel"),
    "ovs": ("OVS userspace (netdev)", "user"),
    "ovs-dpdk": ("OVS-DPDK (AF_XDP ports, PMD) *", "user"),
    "nsw-tc": ("nSwitch mode tc (default)", "tc"),
    "nsw-tc-acl100": ("nSwitch tc, 100 ACL rules", "tc"),
    "nsw-tc-vlan": ("nSwitch tc, port VLAN on both", "tc"),
    "nsw-tc-peer": ("nSwitch mode tc-peer", "tc-peer"),
    "nsw-xdp": ("nSwitch mode xdp *", "xdp"),
    "bare-tc": ("bare tc redirect (ceiling)", "tc"),
    "bare-tc-peer": ("bare tc redirect_peer (ceiling)", "tc-peer"),
    "bare-xdp": ("bare XDP redirect (ceiling) *", "xdp"),
    "bare-xdp-map": ("bare XDP by devmap (ceiling) *", "xdp"),
}
ORDER = list(NAMES)
CEILING = {"nsw-tc": "bare-tc", "nsw-tc-acl100": "bare-tc", "nsw-tc-vlan": "bare-tc", "nsw-tc-peer": "bare-tc-peer", "nsw-xdp": "bare-xdp"}


def pct(xs, p):
    """Nearest-rank percentile."""
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(-(-p * len(xs) // 100)) - 1))
    return xs[k]


def cmd_rtt(path, skip):
    times = []
    with open(path) as f:
        for line in f:
            m = re.search(r"time=([0-9.]+) ms", line)
            if m:
                times.append(float(m.group(1)) * 1000.0)
    times = times[int(skip):]
    if len(times) < 10:
        sys.exit(f"nsw_bench_report: only {len(times)} ping replies in {path}")
    print(f"{pct(times, 50):.1f} {pct(times, 99):.1f}")


def cmd_tcp(path):
    with open(path) as f:
        j = json.load(f)
    if "error" in j:
        sys.exit(f"nsw_bench_report: iperf3: {j['error']}")
    print(f"{j['end']['sum_received']['bits_per_second'] / 1e9:.3f}")


def fmt(x, nd=2):
    return "-" if x is None else f"{x:.{nd}f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def cmd_table(samples, meta):
    data = {}
    with open(samples) as f:
        for dp, _run, metric, value in csv.reader(f):
            data.setdefault(dp, {}).setdefault(metric, []).append(float(value))

    def med(dp, metric):
        v = data.get(dp, {}).get(metric)
        return statistics.median(v) if v else None

    def spread(dp, metric, nd):
        v = data.get(dp, {}).get(metric)
        if not v or len(v) < 2:
            return ""
        return f" ({min(v):.{nd}f}-{max(v):.{nd}f})"

    with open(meta) as f:
        print("nSwitch datapath benchmark (bench/datapath/run)")
        for line in f:
            print("  " + line.rstrip())
    print()
    hdr = (f"{'datapath':<32} {'hook':<8} {'Mpps 64B (min-max)':<22} {'x bridge':>8} "
           f"{'x ceil':>7}  {'TCP Gbit/s (min-max)':<22} {'x bridge':>8}  "
           f"{'RTT p50 us':>10} {'p99 us':>7} {'x bridge':>8}")
    print(hdr)
    print("-" * len(hdr))
    br = {m: med("bridge", m) for m in ("mpps", "tcp_gbps", "rtt_p50_us")}
    for dp in ORDER:
        if dp not in data:
            continue
        name, hook = NAMES[dp]
        mpps, tcp = med(dp, "mpps"), med(dp, "tcp_gbps")
        p50, p99 = med(dp, "rtt_p50_us"), med(dp, "rtt_p99_us")
        ceil = ratio(mpps, med(CEILING[dp], "mpps")) if dp in CEILING else None
        print(f"{name:<32} {hook:<8} {fmt(mpps, 3) + spread(dp, 'mpps', 2):<22} "
              f"{fmt(ratio(mpps, br['mpps'])):>8} {fmt(ceil):>7}  "
              f"{fmt(tcp, 2) + spread(dp, 'tcp_gbps', 1):<22} {fmt(ratio(tcp, br['tcp_gbps'])):>8}  "
              f"{fmt(p50, 1):>10} {fmt(p99, 1):>7} {fmt(ratio(p50, br['rtt_p50_us'])):>8}")
    print()
    print("* xdp and OVS-DPDK rows: TCP and RTT measured with the VMs' tx checksum offload off and GRO on")
    print("  (ethtool -K eth0 tx off gro on, as mode xdp requires); every other row: default")
    print("  offloads. x ceil: Mpps / Mpps of the bare redirect-only program of the same hook.")
    print("  Mpps: forwarded frames counted by the sink in the receiving VM; generator, datapath")
    print("  and sink on one core (OVS: its userspace thread on the other core).")
    print()
    print("Targets, on the medians above:")

    def target(label, value, ok_fn, need, detail=""):
        if value is None:
            print(f"  {label:<52} {'-':>7}  (not measured)")
            return
        print(f"  {label:<52} {value:>7.2f}  need {need:<8} {'met' if ok_fn(value) else 'NOT met'}"
              f"{detail}")

    def paired(dp, metric, what):
        num, den = med(dp, metric + "_num"), med(dp, metric + "_den")
        if num is None or den is None:
            return ""
        return f"  ({what}: {num:.2f} / {den:.2f} Mpps, window medians)"

    def r(dp, metric, ref):
        return ratio(med(dp, metric), med(ref, metric))

    target("tc (default) Mpps / bridge", r("nsw-tc", "mpps", "bridge"), lambda x: x >= 2.0, ">= 2.0")
    target("  tc (default): peer path on / off, paired in place",
           med("nsw-tc", "peer_pair_ratio"), lambda x: x >= 1.0, ">= 1.00",
           paired("nsw-tc", "peer_pair_ratio", "peer path / bpf_redirect"))
    target("tc (default) Mpps / bare tc ceiling", r("nsw-tc", "mpps", "bare-tc"),
           lambda x: x >= 0.9, ">= 0.90")
    target("  the same, paired in place (ceiling toggled each second)",
           med("nsw-tc", "ceil_pair_ratio"), lambda x: x >= 0.9, ">= 0.90",
           paired("nsw-tc", "ceil_pair_ratio", "nswitch / bare"))
    target("tc-peer Mpps / bare tc-peer ceiling", r("nsw-tc-peer", "mpps", "bare-tc-peer"),
           lambda x: x >= 0.9, ">= 0.90")
    target("  the same, paired in place (ceiling toggled each second)",
           med("nsw-tc-peer", "ceil_pair_ratio"), lambda x: x >= 0.9, ">= 0.90",
           paired("nsw-tc-peer", "ceil_pair_ratio", "nswitch / bare"))
    target("xdp Mpps / bridge", r("nsw-xdp", "mpps", "bridge"), lambda x: x >= 4.5, ">= 4.5")
    target("xdp Mpps / bare XDP ceiling", r("nsw-xdp", "mpps", "bare-xdp"),
           lambda x: x >= 0.9, ">= 0.90")
    # the fastest bare XDP redirect is the honest ceiling: by devmap as well as by ifindex
    target("xdp Mpps / bare XDP devmap ceiling", r("nsw-xdp", "mpps", "bare-xdp-map"),
           lambda x: x >= 0.85, ">= 0.85")
    target("tc with 100 ACL rules Mpps / tc without",
           r("nsw-tc-acl100", "mpps", "nsw-tc"), lambda x: x >= 0.85, ">= 0.85")
    target("  the same, paired in place (rules toggled each second)",
           med("nsw-tc-acl100", "acl_pair_ratio"), lambda x: x >= 0.85, ">= 0.85",
           paired("nsw-tc-acl100", "acl_pair_ratio", "100 rules / none"))
    target("tc with a port VLAN on both VFs Mpps / tc without",
           r("nsw-tc-vlan", "mpps", "nsw-tc"), lambda x: x >= 0.95, ">= 0.95")
    target("  the same, paired in place (VLAN set and removed each second)",
           med("nsw-tc-vlan", "vlan_pair_ratio"), lambda x: x >= 0.95, ">= 0.95",
           paired("nsw-tc-vlan", "vlan_pair_ratio", "VLAN 10 / none"))
    for dp, label in (("nsw-tc", "tc (default)"), ("nsw-tc-peer", "tc-peer"), ("nsw-xdp", "xdp *")):
        target(f"{label} TCP / bridge", r(dp, "tcp_gbps", "bridge"), lambda x: x >= 1.0, ">= 1.00")
    for dp, label in (("nsw-tc", "tc (default)"), ("nsw-tc-peer", "tc-peer"), ("nsw-xdp", "xdp *")):
        target(f"{label} RTT p50 / bridge", r(dp, "rtt_p50_us", "bridge"),
               lambda x: x <= 1.0, "<= 1.00")
    table_swcpu(data, med, spread)
    table_xgen(data, med)


def table_swcpu(data, med, spread):
    """Switching CPU alone (bench/datapath/run m_swcpu, build/nsw_swcpu)."""
    if not any("sw_ns_frame" in data[dp] for dp in data):
        return
    print()
    print("Switching CPU alone, 64-byte frames at the row's capacity (nsw_swcpu: all CPUs sampled")
    print("with call chains; a sample is the switch's when a switch function is on its chain or it")
    print("was taken in the switch's process; the VMs' stacks, generator and sink excluded):")
    hdr = (f"{'datapath':<32} {'Mpps':>6} {'switch ns/frame (min-max)':<26} {'x bridge':>8} "
           f"{'BPF ns/run':>10} {'switch cores':>12} {'process cores':>13} {'steal %':>7}")
    print(hdr)
    print("-" * len(hdr))
    br = med("bridge", "sw_ns_frame")
    for dp in ORDER:
        if dp not in data or "sw_ns_frame" not in data[dp]:
            continue
        ns = med(dp, "sw_ns_frame")
        # BPF run time only where nswitch's (or the bare) program ran about once per frame:
        # elsewhere what ran was someone else's programs of the same name on the shared host
        runs = med(dp, "bpf_runs_frame")
        bpf = med(dp, "bpf_ns_run") if runs is not None and 0.5 <= runs <= 2.5 else None
        print(f"{NAMES[dp][0]:<32} {fmt(med(dp, 'sw_mpps'), 3):>6} "
              f"{fmt(ns, 1) + spread(dp, 'sw_ns_frame', 0):<26} {fmt(ratio(ns, br)):>8} "
              f"{fmt(bpf, 1):>10} {fmt(med(dp, 'sw_cores'), 3):>12} "
              f"{fmt(med(dp, 'pid_cores'), 3):>13} {fmt(med(dp, 'steal_pct'), 1):>7}")
    print()
    print("  switch cores: CPU of the switch's samples, in cores, at the row's Mpps; process cores:")
    print("  utime+stime of the OVS daemon (/proc/PID/stat): OVS-DPDK's PMD polls a core whether")
    print("  frames come or not. BPF ns/run: kernel.bpf_stats_enabled run time of the program.")
    nsw, dpdk = med("nsw-tc", "sw_ns_frame"), med("ovs-dpdk", "sw_ns_frame")
    print()
    print("Targets (switching CPU):")
    r = ratio(nsw, br)
    if r is None:
        print(f"  {'tc (default) switch ns/frame / bridge':<52} {'-':>7}  (not measured)")
    else:
        print(f"  {'tc (default) switch ns/frame / bridge':<52} {r:>7.2f}  need <= 0.5    "
              f"{'met' if r <= 0.5 else 'NOT met'}")
    r = ratio(nsw, dpdk)
    if r is None:
        print(f"  {'tc (default) switch ns/frame / OVS-DPDK':<52} {'-':>7}  (not measured)")
    else:
        print(f"  {'tc (default) switch ns/frame / OVS-DPDK':<52} {r:>7.2f}  need < 1.0    "
              f"{'met' if r < 1.0 else 'NOT met'}  (OVS-DPDK process: "
              f"{fmt(med('ovs-dpdk', 'pid_cores'), 2)} cores)")


def table_xgen(data, med):
    """The third-party generators' cross-check (bench/datapath/run m_xgen): per generator, the
    Mpps the same sink counted, the ratio to nsw_bench's live frames, and the test core's CPU
    per frame by where it went (user+system: the generator's own work in its process; softirq:
    the frames' path), for the live frames (core_*) and each generator (xgen_GEN_*)."""
    gens = []
    for dp in ORDER:
        for k in data.get(dp, {}):
            m = re.fullmatch(r"xgen_(.+)_mpps", k)
            if m and m.group(1) not in gens:
                gens.append(m.group(1))
        if "xgen_mpps" in data.get(dp, {}) and "" not in gens:
            gens.append("")  # runs before the generators were named
    if not gens:
        return
    print()
    print("Cross-check of the generator: Mpps counted by the same sink with a third-party generator")
    print("(see the xgen line of the header) against nsw_bench's live frames, and the test core's")
    print("CPU per frame (ns) in each window: sys = user+system (the generator's process, and any")
    print("other process on that core), sirq = softirq (the frames' path: host end, switch, sink);")
    print("gen = the generator's own process tree (utime+stime, softirq run in its context included):")
    hdr = (f"  {'datapath':<28} {'generator':<15} {'Mpps':>7} {'x live':>6} {'sys ns':>7} {'sirq ns':>7}"
           f" {'gen ns':>7}")
    print(hdr)
    for dp in ORDER:
        if dp not in data or not any(("xgen_%s_mpps" % g if g else "xgen_mpps") in data[dp] for g in gens):
            continue
        live = med(dp, "mpps")
        print(f"  {NAMES[dp][0]:<28} {'live frames':<15} {fmt(live, 3):>7} {'1.00':>6} "
              f"{fmt(med(dp, 'core_sys_ns'), 0):>7} {fmt(med(dp, 'core_sirq_ns'), 0):>7} "
              f"{fmt(med(dp, 'core_gen_ns'), 0):>7}")
        for g in gens:
            k = "xgen_%s_" % g if g else "xgen_"
            if k + "mpps" not in data[dp]:
                continue
            a = med(dp, k + "mpps")
            print(f"  {'':<28} {g or 'third-party':<15} {fmt(a, 3):>7} {fmt(ratio(a, live)):>6} "
                  f"{fmt(med(dp, k + 'sys_ns'), 0):>7} {fmt(med(dp, k + 'sirq_ns'), 0):>7} "
                  f"{fmt(med(dp, k + 'gen_ns'), 0):>7}")


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "rtt":
        cmd_rtt(a[1], a[2])
    elif len(a) == 2 and a[0] == "tcp":
        cmd_tcp(a[1])
    elif len(a) == 3 and a[0] == "table":
        cmd_table(a[1], a[2])
    else:
        sys.exit("usage: nsw_bench_report.py rtt PINGOUT SKIP | tcp IPERF3JSON | table CSV META")


if __name__ == "__main__":
    main()
