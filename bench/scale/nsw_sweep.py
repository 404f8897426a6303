#!/usr/bin/env python3
# bench/scale/nsw_sweep.py - the summary of bench/scale/run's sweep (capacity against the number
# of VMs): reads the run's samples (row,datapath,run,Mpps; rows "sweep-N") and writes, per N and
# datapath, the median Mpps over the runs, its min-max, and the ratio to the bridge (median of the
# per-run ratios: each run's bridge and nswitch windows of an N are seconds apart), as CSV and
# JSON, and the .dat files bench/scale/sweep.gp plots. Invariant: figures are only what the
# samples hold (no interpolation; a missing bridge run gives no ratio for that run).
# Owner: whoever owns bench/.
#   nsw_sweep.py SAMPLES.csv OUT_CSV OUT_JSON DAT_DIR META...
import csv, json, statistics, sys


def main():
    samples, out_csv, out_json, dat_dir = sys.argv[1:5]
    meta = sys.argv[5:]
    by = {}  # n -> dp -> run -> mpps
    for row in csv.reader(open(samples)):
        what, dp, r, v = row
        if not what.startswith("sweep-"):
            continue
        by.setdefault(int(what[6:]), {}).setdefault(dp, {})[int(r)] = float(v)
    if not by:
        sys.exit("nsw_sweep: no sweep samples in " + samples)
    dps = []
    for n in by:
        for dp in by[n]:
            if dp not in dps:
                dps.append(dp)
    dps.sort(key=lambda d: d != "bridge")  # the bridge first: sweep.gp's ratios start after it
    rows = []
    for n in sorted(by):
        br = by[n].get("bridge", {})
        for dp in dps:
            runs = by[n].get(dp)
            if not runs:
                continue
            v = [runs[k] for k in sorted(runs)]
            ratios = [runs[k] / br[k] for k in sorted(runs) if dp != "bridge" and br.get(k)]
            rows.append({
                "vms": n, "datapath": dp, "mpps_median": round(statistics.median(v), 4),
                "mpps_min": min(v), "mpps_max": max(v), "runs": v,
                "x_bridge_median": round(statistics.median(ratios), 3) if ratios else None,
                "x_bridge_runs": [round(x, 3) for x in ratios],
            })
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["vms", "datapath", "mpps_median", "mpps_min", "mpps_max", "x_bridge_median",
                    "runs_mpps", "runs_x_bridge"])
        for x in rows:
            w.writerow([x["vms"], x["datapath"], x["mpps_median"], x["mpps_min"], x["mpps_max"],
                        "" if x["x_bridge_median"] is None else x["x_bridge_median"],
                        " ".join(str(v) for v in x["runs"]),
                        " ".join(str(v) for v in x["x_bridge_runs"])])
    with open(out_json, "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
        f.write("\n")
    # one .dat per datapath for gnuplot: vms median min max ratio ratio_min ratio_max
    for dp in dps:
        with open(f"{dat_dir}/sweep-{dp}.dat", "w") as f:
            for x in rows:
                if x["datapath"] != dp:
                    continue
                rs = x["x_bridge_runs"]
                f.write(f'{x["vms"]} {x["mpps_median"]} {x["mpps_min"]} {x["mpps_max"]} '
                        f'{x["x_bridge_median"] if rs else "NaN"} {min(rs) if rs else "NaN"} '
                        f'{max(rs) if rs else "NaN"}\n')
    print(" ".join(dps))
    # the table, for the run's output
    print(f"{'VMs':>4s} {'datapath':14s} {'Mpps':>7s} {'min-max':>13s} {'x bridge':>8s}  per run", file=sys.stderr)
    for x in rows:
        ratio = "" if x["x_bridge_median"] is None else f'{x["x_bridge_median"]:.2f}'
        print(f'{x["vms"]:4d} {x["datapath"]:14s} {x["mpps_median"]:7.3f} {x["mpps_min"]:6.3f}-{x["mpps_max"]:<6.3f} '
              f'{ratio:>8s}  {", ".join(f"{v:.2f}" for v in x["x_bridge_runs"])}', file=sys.stderr)


main()
