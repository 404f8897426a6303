#!/usr/bin/env bash
# sim/vsw_from_bench.sh - derives nswitch-sim's host-side cost parameters from a CSV of the
# datapath benchmark (bench/datapath/run --out DIR; rows "datapath,run,metric,value"), so that
# the simulator's vSwitch and its VMs' drivers are priced by what this machine measured, not by
# the paper. Usage: bash sim/vsw_from_bench.sh results/bench/datapath-YYYYMMDD-HHMM.csv
# Prints, per row, the median over runs and the parameters derived from it:
#   drv_tx_ns = drv_rx_ns = 1e3 / median Mpps of the bare tc row / 2: the cheapest kernel path
#     between two VM ends, one receive and one transmit per frame (the even split is assumed);
#   vsw_frame_ns = 1e3 / median Mpps of the row - that path: what the switch adds per 64-byte
#     frame (the whole path ran on one core), so drivers + switch = the measured cost;
#   vsw_byte_ns  = 8 / median TCP Gbit/s (an upper bound: every per-byte cost of the stream);
#   vsw_lat_ns   = median RTT p50 / 2.
set -eu
csv=${1:?usage: vsw_from_bench.sh DATAPATH.csv}
med() { # med ROW METRIC: median of the runs
	awk -F, -v r="$1" -v m="$2" '$1==r && $3==m {print $4}' "$csv" | sort -g |
		awk '{v[NR]=$1} END {if (!NR) exit 1; print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'
}
base=$(med bare-tc mpps)
awk -v p="$base" 'BEGIN { printf "bare-tc: %s Mpps -> drv_tx_ns=drv_rx_ns=%.1f\n", p, 1e3 / p / 2 }'
for row in bridge ovs; do
	mpps=$(med $row mpps) tcp=$(med $row tcp_gbps) rtt=$(med $row rtt_p50_us)
	awk -v r=$row -v p="$mpps" -v b="$base" -v t="$tcp" -v l="$rtt" 'BEGIN {
		printf "%s: %s Mpps, %s Gbit/s, RTT p50 %s us -> vsw_frame_ns=%.1f vsw_byte_ns=%.4f vsw_lat_ns=%.0f\n",
			r, p, t, l, 1e3 / p - 1e3 / b, 8 / t, l * 500 }'
done
