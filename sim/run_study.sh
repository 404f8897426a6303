#!/usr/bin/env bash
# sim/run_study.sh - reruns every simulation behind results/sim/ and redraws the plots.
# Usage: bash sim/run_study.sh [OUTDIR (results/sim)]   (needs build/nswitch-sim and gnuplot)
# Each figure's CSV is rebuilt from scratch; all runs are deterministic (seeds in the .scn).
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-results/sim}
SIM=build/nswitch-sim
SCN=sim/scenarios
mkdir -p "$OUT"
run() { # run CSV LABEL SCENARIO [-s K=V]...
	local csv=$1 label=$2 scn=$3
	shift 3
	local args=()
	for kv in "$@"; do args+=(-s "$kv"); done
	"$SIM" -q -c "$csv" -l "$label" "${args[@]}" "$scn"
}
# ser CSV FLOW SERIES: the rows of one flow whose label is SERIES:X, as "X,<the CSV row>", so
# that gnuplot's column n+1 is the CSV's column n (5+1 = delivered Mb/s, 9+1 = mean latency...).
ser() {
	awk -F, -v f="$2" -v s="$3" 'NR>1 && $3==f { split($1, a, ":"); if (a[1]==s) print a[2] "," $0 }' "$1"
}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# ---- Fig. 5: vSwitch CPU load, latency and throughput vs rate: two predictions (the Linux
# bridge and OVS as this machine's datapath benchmark measured them, sim/vsw_from_bench.sh) and
# the fit to the paper's own figures, beside the paper's points (93 MB/s at most, the latency
# knee near 75 MB/s, +20 CPU points from 10 to 93 MB/s) ----
csv=$OUT/fig5_vswitch.csv; rm -f "$csv"
OVS="vsw_frame_ns=3849.8 vsw_byte_ns=1.5501 vsw_lat_ns=89000"
for model in bridge ovs fit; do
	scn=$SCN/fig5_vswitch.scn sets=""
	[[ $model == ovs ]] && sets=$OVS
	[[ $model == fit ]] && scn=$SCN/fig5_vswitch_fit.scn
	for r in 10 20 30 40 50 60 65 70 75 80 85 88 90 92 93 95 100 150 200 250 300; do
		# shellcheck disable=SC2086
		run "$csv" "$model:$r" "$scn" "flow.io.rate=${r}MBps" $sets
	done
	ser "$csv" io "$model" > "$T/f5_$model"
	# CPU points added since the first rate (10 MB/s): x, points
	awk -F, 'NR==1 {c0=$14} {printf "%s,%.3f\n", $1, 100*($14-c0)}' "$T/f5_$model" > "$T/f5d_$model"
done
printf '10,0\n93,20\n' > "$T/f5_paper_cpu"
gnuplot <<GP
set terminal pngcairo size 1500,440 font ",10"
set output "$OUT/fig5_vswitch.png"
set datafile separator ","
set multiplot layout 1,3 title "Fig. 5: vSwitch between 2 VMs, 1514-byte frames, 4 host CPUs: predicted (bridge, OVS: costs measured on this machine) vs fitted vs the paper"
set xlabel "offered VM2->VM1 (MB/s)"; set key top left
set title "(a) host CPU added since 10 MB/s (points)"; set ylabel "CPU points"; set xrange [0:100]
plot for [M in "bridge ovs fit"] "$T/f5d_".M using 1:2 with linespoints title M, \
     "$T/f5_paper_cpu" using 1:2 with linespoints lw 2 dt 2 pt 7 title "paper: +20 points"
set title "(b) mean latency"; set ylabel "latency (us)"; set logscale y; set yrange [1:10000]
set arrow 1 from 75,1 to 75,10000 nohead dt 3; set label 1 "paper's knee" at 76,3
plot for [M in "bridge ovs fit"] "$T/f5_".M using 1:(\$10/1000) with linespoints title M
unset arrow 1; unset label 1; unset logscale y; set autoscale y
set title "(c) delivered"; set ylabel "delivered (MB/s)"; set xrange [0:300]
plot for [M in "bridge ovs fit"] "$T/f5_".M using 1:(\$6/8) with linespoints title M, \
     93 with lines lw 2 dt 2 title "paper: 93 MB/s at most"
unset multiplot
GP

# ---- Fig. 7: 802.1Qbh on 1 GbE: VM-VM vs VM-external, and nSwitch for comparison ----
csv=$OUT/fig7_port.csv; rm -f "$csv"
for arch in qbh nswitch; do
	for r in 0 100 200 300 400 500 600 700 800 900 1000; do
		run "$csv" "$arch:$r" $SCN/fig7_qbh_port.scn "arch=$arch" "flow.out.rate=${r}Mbps"
	done
	for f in vmvm out ALL; do ser "$csv" $f $arch > "$T/f7_${arch}_$f"; done
done
gnuplot <<GP
set terminal pngcairo size 1100,420 font ",10"
set output "$OUT/fig7_port.png"
set datafile separator ","
set multiplot layout 1,2 title "Fig. 7 (model): one 1 GbE port; VM3->VM1 offered 600 Mb/s, VM2->outside swept; an ACK every 2 frames"
set xlabel "VM2->outside offered (Mb/s)"; set ylabel "delivered (Mb/s)"; set yrange [0:1300]; set key top left
set title "(a) 802.1Qbh: everything crosses the port"
plot "$T/f7_qbh_vmvm" using 1:6 w lp t "VM3->VM1 (hairpin)", \
     "$T/f7_qbh_out" using 1:6 w lp t "VM2->outside", \
     "$T/f7_qbh_ALL" using 1:6 w lp t "all flows (data + ACKs)", \
     1000 w l dt 2 t "port speed"
set title "(b) nSwitch: VM-VM stays in the NIC"
plot "$T/f7_nswitch_vmvm" using 1:6 w lp t "VM3->VM1 (in the NIC)", \
     "$T/f7_nswitch_out" using 1:6 w lp t "VM2->outside", \
     1000 w l dt 2 t "port speed"
unset multiplot
GP

# ---- Fig. 8: latency at zero load, nSwitch t1' + tp' + t4' and the other paths (10 GbE) ----
csv=$OUT/fig8_latency.csv; rm -f "$csv"
for arch in nswitch qbg qbh vswitch; do
	for s in 64 512 1518; do
		run "$csv" "$arch:$s" $SCN/fig8_nswitch_latency.scn "arch=$arch" "flow.ping.size=$s"
	done
	ser "$csv" ALL $arch > "$T/f8_$arch"
	# where the time goes at 1518 bytes: name,vswitch,t1,tp,wire+switch,t4
	awk -F, -v a=$arch '$1==1518 { printf "%s,%s,%s,%s,%s,%s\n", a, $20/1000, $21/1000, $22/1000, ($23+$24)/1000, $25/1000 }' \
		"$T/f8_$arch" >> "$T/f8_parts"
done
gnuplot <<GP
set terminal pngcairo size 1500,440 font ",10"
set output "$OUT/fig8_latency.png"
set datafile separator ","
set multiplot layout 1,3 title "Fig. 8 (model): one frame VM1->VM2 at zero load, PCIe Gen3 x8, 10 GbE"
set style data histograms; set style histogram rowstacked; set style fill solid 0.8 border -1
set boxwidth 0.6; set ylabel "ns"; set key top left; set yrange [0:3000]
set title "(a) nSwitch: t1' + tp' + t4'"
set xlabel "frame size (bytes)"
plot "$T/f8_nswitch" using 21:xtic(1) t "t1' VM->NIC", "" using 22 t "tp' NIC", "" using 25 t "t4' NIC->VM"
set title "(b) end-to-end by path (vSwitch: the Linux bridge as measured here)"
set style histogram clustered; set logscale y; set ylabel "latency (us)"; set yrange [0.5:200]
plot "$T/f8_nswitch" using (\$10/1000):xtic(1) t "nSwitch", \
     "$T/f8_qbg" using (\$10/1000) t "802.1Qbg", \
     "$T/f8_qbh" using (\$10/1000) t "802.1Qbh", \
     "$T/f8_vswitch" using (\$10/1000) t "vSwitch"
set title "(c) where the time goes, 1518 bytes (cf. Fig. 6: t1+t2+t3+t4+t6)"
set style histogram rowstacked; unset logscale y; set yrange [0:12]; set xlabel "path"
set ylabel "latency (us)"
plot "$T/f8_parts" using 3:xtic(1) t "VM->NIC (t1)", "" using 4 t "NIC pipeline(s)", \
     "" using 5 t "wire, extender, switch", "" using 6 t "NIC->VM (t4)", "" using 2 t "vSwitch"
unset multiplot
GP

# ---- Sweep 1: the bounds cross (port speed x PCIe gen/width), 1518-byte frames ----
csv=$OUT/sweep_bounds.csv; rm -f "$csv"
for pcie in 3x8 3x16 4x16 5x16; do
	g=${pcie%x*} w=${pcie#*x}
	for port in 1 10 25 40 100 200 400; do
		# offered: 1.5 x the larger of the port speed and the PCIe signalling rate
		rate=$(awk -v p=$port -v g=$g -v w=$w 'BEGIN{gt=(g==3?8:(g==4?16:32))*128/130*w;
			m=(p>gt?p:gt); printf "%.0fMbps", 1.5*m*1000/16}')
		for arch in nswitch qbg; do
			run "$csv" "$arch-$pcie:$port" $SCN/sweep_bounds.scn "arch=$arch" "port_gbps=$port" \
				"pcie_gen=$g" "pcie_lanes=$w" "flow.pairs.rate=$rate"
		done
	done
	for arch in nswitch qbg; do ser "$csv" ALL "$arch-$pcie" > "$T/s1_$arch-$pcie"; done
done
gnuplot <<GP
set terminal pngcairo size 900,520 font ",10"
set output "$OUT/sweep_bounds.png"
set datafile separator ","
set title "Maximum VM-VM throughput, 8 VM pairs, 1518-byte frames: nSwitch (PCIe bound) vs 802.1Qbg (port bound)"
set xlabel "port speed (Gb/s)"; set ylabel "delivered VM-VM (Gb/s)"; set logscale xy; set key top left
set xtics (1,10,25,40,100,200,400); set yrange [0.5:1000]
plot for [P in "3x8 3x16 4x16 5x16"] "$T/s1_nswitch-".P using 1:(\$6/1000) w lp lw 2 title "nSwitch, PCIe Gen".P, \
     for [P in "3x8 3x16 4x16 5x16"] "$T/s1_qbg-".P using 1:(\$6/1000) w lp dt 2 title "802.1Qbg, PCIe Gen".P
GP

# ---- Sweep 2: traffic mix (frame size), PCIe Gen3 x8, descriptor batching 1 and 8 ----
csv=$OUT/sweep_size.csv; rm -f "$csv"
for s in 64 128 256 512 1024 1518 imix; do
	x=$s; [[ $s == imix ]] && x=362   # IMIX plotted at its mean size, (7x64 + 4x594 + 1518)/12
	for b in 1 8; do
		run "$csv" "nswitch-b$b:$x" $SCN/sweep_bounds.scn arch=nswitch "flow.pairs.size=$s" \
			"batch=$b" port_gbps=100 flow.pairs.rate=12Gbps
	done
	for port in 10 25 100; do
		run "$csv" "qbg-$port:$x" $SCN/sweep_bounds.scn arch=qbg "flow.pairs.size=$s" \
			"port_gbps=$port" flow.pairs.rate=12Gbps
	done
done
for k in nswitch-b1 nswitch-b8 qbg-10 qbg-25 qbg-100; do ser "$csv" ALL $k | sort -t, -k1,1n > "$T/s2_$k"; done
gnuplot <<GP
set terminal pngcairo size 900,520 font ",10"
set output "$OUT/sweep_size.png"
set datafile separator ","
set title "Maximum VM-VM throughput by frame size, 8 VM pairs, PCIe Gen3 x8 (7.88 GB/s per direction)"
set xlabel "frame size (bytes; IMIX at its mean, 362)"; set ylabel "delivered VM-VM (Gb/s)"; set key top left
set logscale x; set xtics (64,128,256,362,512,1024,1518)
plot "$T/s2_nswitch-b1" using 1:(\$6/1000) w lp lw 2 t "nSwitch, a descriptor fetch per frame", \
     "$T/s2_nswitch-b8" using 1:(\$6/1000) w lp lw 2 t "nSwitch, descriptors in batches of 8", \
     "$T/s2_qbg-10" using 1:(\$6/1000) w lp dt 2 t "802.1Qbg, 10 GbE", \
     "$T/s2_qbg-25" using 1:(\$6/1000) w lp dt 2 t "802.1Qbg, 25 GbE", \
     "$T/s2_qbg-100" using 1:(\$6/1000) w lp dt 2 t "802.1Qbg, 100 GbE"
GP

# ---- Sweep 3: number of VMs (200 Mb/s each, random peers, IMIX), 10 GbE, PCIe Gen3 x8 ----
csv=$OUT/sweep_vms.csv; rm -f "$csv"
for arch in vswitch qbg nswitch; do
	for n in 2 4 8 16 32 64 128 256 512 1000; do
		run "$csv" "$arch:$n" $SCN/sweep_vms.scn "arch=$arch" "vms=$n"
	done
	ser "$csv" ALL $arch > "$T/s3_$arch"
done
gnuplot <<GP
set terminal pngcairo size 1100,420 font ",10"
set output "$OUT/sweep_vms.png"
set datafile separator ","
set multiplot layout 1,2 title "Scaling with VMs: each sends 200 Mb/s of IMIX to random peers; PCIe Gen3 x8, 16 CPUs; PFs of 250 VFs, each PF with a 10 GbE port"
set xlabel "VMs"; set logscale x; set key top left
set title "(a) delivered VM-VM"; set ylabel "Gb/s"; set logscale y
plot for [A in "vswitch qbg nswitch"] "$T/s3_".A using 1:(\$6/1000) w lp t A, \
     "$T/s3_nswitch" using 1:(\$5/1000) w l dt 2 t "offered"
set title "(b) p99 latency"; set ylabel "us"
plot for [A in "vswitch qbg nswitch"] "$T/s3_".A using 1:(\$12/1000) w lp t A
unset multiplot
GP
echo "results in $OUT"
