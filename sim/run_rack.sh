#!/usr/bin/env bash
# sim/run_rack.sh - the rack study: ToR port and uplink load, host CPU and latency as the
# host-local fraction of the traffic goes from 0 to 1, for nSwitch, the vSwitch and the pSwitch
# (802.1Qbg, 802.1Qbh), at a light and a heavy load; writes OUTDIR/rack.csv and OUTDIR/rack.png.
# Usage: bash sim/run_rack.sh [OUTDIR (results/sim)]   (needs build/nswitch-sim and gnuplot)
# Deterministic: the seed is the scenario's. nSwitch's cross-host frames need the core's miss
# rule (a Table A miss in an OUI of the NIC leaves by the port); with a core that drops them the
# nSwitch rows say so (drop column).
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-results/sim}
SIM=build/nswitch-sim
SCN=sim/scenarios/rack_16.scn
mkdir -p "$OUT"
csv=$OUT/rack.csv; rm -f "$csv"
for load in 500 1100; do
	for arch in nswitch vswitch qbg qbh; do
		for lf in 0 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1; do
			"$SIM" rack -q -c "$csv" -l "$load" -s arch=$arch -s rack_local_frac=$lf \
				-s rack_vm_rate=${load}Mbps -s duration=5ms "$SCN"
		done
	done
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# one file per load and architecture; columns as in the CSV (nswitch-sim rack -c)
for load in 500 1100; do
	for arch in nswitch vswitch qbg qbh; do
		awk -F, -v l=$load -v a=$arch 'NR>1 && $1==l && $2==a' "$csv" > "$T/${load}_$arch"
	done
done
gnuplot <<GP
set terminal pngcairo size 1500,820 font ",10"
set output "$OUT/rack.png"
set datafile separator ","
set multiplot layout 2,3 title "A rack: 16 hosts x 8 VMs, 10 GbE host ports, 40 GbE uplink, 1518-byte frames, 25 % of the non-local traffic leaves the rack"
set xlabel "host-local fraction of the traffic"; set xrange [0:1]; set key top right
do for [L in "500 1100"] {
  set title sprintf("ToR host ports, %s Mb/s per VM (%.1f Gb/s per host)", L, 8*L/1000.)
  set ylabel "mean host port load, up (%)"; set yrange [0:100]
  plot for [A in "nswitch vswitch qbg qbh"] "$T/".L."_".A using 5:(100*\$17) with linespoints title A, \
       "$T/".L."_nswitch" using 5:(100*\$20) with lines dt 2 lw 2 title "uplink out (every arch)"
  set title sprintf("host CPU for networking, %s Mb/s per VM", L)
  set ylabel "CPU of the host's 4 (%)"; set autoscale y
  plot for [A in "nswitch vswitch qbg qbh"] "$T/".L."_".A using 5:(100*\$22) with linespoints title A
  set title sprintf("mean latency, %s Mb/s per VM", L)
  set ylabel "latency (us)"; set logscale y; set yrange [1:*]
  plot for [A in "nswitch vswitch qbg qbh"] "$T/".L."_".A using 5:25 with linespoints title A
  unset logscale y
}
unset multiplot
GP
echo "wrote $csv and $OUT/rack.png"
