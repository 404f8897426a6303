#!/usr/bin/env bash
# eval/lib/report_swcpu.sh OUT EVALDIR - the swcpu experiment's plot (OUT/fig5cpu.png) and its
# section of OUT/report.md (appended), with the simulator's prediction beside the measurements:
# nswitch-sim (build/nswitch-sim, docs/sim.md) at the same offered loads, 1442-octet frames
# (1400 octets of UDP payload), this machine's CPU count: a hardware nSwitch (switching in the
# NIC: its host CPU is the VMs' drivers and interrupts), the vSwitch priced by the datapath
# benchmark (fig5_vswitch.scn), and the paper's Fig. 5a as the fitted model reproduces it
# (fig5_vswitch_fit.scn: +20 points of 4 CPUs from 10 to 93 MB/s).
# Invariants: reads only OUT/fig5cpu.csv, OUT/meta.csv and the simulator's output; writes
# OUT/plot/swcpu-*, OUT/fig5cpu.png and appends to OUT/report.md. Re-runnable.
# Owner: the evaluation.
set -euo pipefail
OUT=$1 EV=$2
ROOT=$(cd "$EV/.." && pwd)
source "$EV/lib/arch.sh"
P=$OUT/plot
mkdir -p "$P"
CSV=$OUT/fig5cpu.csv
SIM=${NSE_SIM:-$ROOT/build/nswitch-sim}

meta() { awk -F, -v k="$1" '$1 == k { v = substr($0, length(k) + 2); gsub(/^"|"$/, "", v); print v }' "$OUT/meta.csv"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit } if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
short() {
	case $1 in
	bridge) echo "vSwitch/Linux-bridge" ;; ovs) echo "vSwitch/OVS-userspace" ;;
	qbg) echo "pSwitch/802.1Qbg-emulated" ;; qbh) echo "pSwitch/802.1Qbh-emulated" ;;
	nswitch) echo "nSwitch/BPF-tc" ;; nswpeer) echo "nSwitch/BPF-tc-peer" ;; nswxdp) echo "nSwitch/BPF-xdp" ;;
	*) echo "$1" ;;
	esac
}
ARCHS=$(awk -F, 'NR > 1 { if (!s[$1]++) printf "%s ", $1 }' "$CSV")
[[ -n $ARCHS ]] || exit 0
NCPU=$(meta cpus)

# per architecture, per offered load (the paced loads by their number, saturation as its own
# point at the median of what was sent): medians of the repetitions. Columns: offered recv
# switch%core ns/frame ns/byte p50 p99 loss% max
for a in $ARCHS; do
	awk -F, -v a="$a" 'NR > 1 && $1 == a { print ($3 == "sat" ? "sat" : $4), $4, $6, $8, $9, $10, $15, $17, $7, $18 }' \
		"$CSV" >"$P/swcpu-$a.all"
	for k in $(cut -d' ' -f1 "$P/swcpu-$a.all" | sort -u); do
		row=
		for f in 2 3 4 5 6 7 8 9 10; do row+="$(awk -v k="$k" -v f="$f" '$1 == k { print $f }' "$P/swcpu-$a.all" | median) "; done
		echo "$row"
	done | sort -g >"$P/swcpu-$a.dat"
	rm -f "$P/swcpu-$a.all"
done

# the simulator at the paced loads: load hw_switch% hw_drivers% vsw_switch% paper_fit_switch%
# (% of one core: utilisation of all CPUs x their count x 100)
LOADS=$(meta loads_MBps | tr ' ' '\n' | grep -E '^[0-9]+$' | tr '\n' ' ')
: >"$P/swcpu-sim.dat"
if [[ -x $SIM ]]; then
	for l in $LOADS; do
		rate=$(awk -v l="$l" 'BEGIN { printf "%.3f", l * 1442 / 1400 }')
		f=$P/swcpu-sim-$l.csv
		rm -f "$f"
		"$SIM" -q -c "$f" -l hw -s arch=nswitch -s cpus="$NCPU" -s flow.io.size=1442 \
			-s flow.io.rate="${rate}MBps" "$ROOT/sim/scenarios/fig5_vswitch.scn"
		"$SIM" -q -c "$f" -l vsw -s cpus="$NCPU" -s flow.io.size=1442 -s flow.io.rate="${rate}MBps" \
			"$ROOT/sim/scenarios/fig5_vswitch.scn"
		"$SIM" -q -c "$f" -l fit -s flow.io.rate="${l}MBps" "$ROOT/sim/scenarios/fig5_vswitch_fit.scn"
		awk -F, -v l="$l" -v n="$NCPU" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			$3 == "ALL" { sw[$1] = $c["vsw_cpu_util"]; io[$1] = $c["io_cpu_util"] }
			END { printf "%s %.3f %.3f %.3f %.3f\n", l, 100 * n * sw["hw"], 100 * n * io["hw"],
				100 * n * sw["vsw"], 100 * 4 * sw["fit"] }' "$f" >>"$P/swcpu-sim.dat"
		rm -f "$f"
	done
fi

TITLES=
for a in $ARCHS; do TITLES+="$(short "$a") "; done
MACHINE="$(meta cpus) x $(meta cpu_model), Linux $(meta kernel), $(meta started_utc) UTC, $(meta mode) mode"
gnuplot -e "dir='$OUT'; archs='$ARCHS'; titles='$TITLES'; machine='$MACHINE'; sim=$([[ -s $P/swcpu-sim.dat ]] && echo 1 || echo 0)" \
	"$EV/fig5cpu.gp" 2>"$P/fig5cpu.gnuplot.log" ||
	{ cat "$P/fig5cpu.gnuplot.log" >&2; echo "eval: error: gnuplot fig5cpu failed" >&2; exit 1; }

# ---- report section
at() { # at ARCH OFFERED COLUMN(1-based in swcpu-ARCH.dat): the median row's value, or n/a
	[[ -f $P/swcpu-$1.dat ]] || { echo "not measured"; return; }
	awk -v k="$2" -v c="$3" '$1 == k { print $c; f = 1 } END { if (!f) print "not measured" }' "$P/swcpu-$1.dat"
}
sat() { # sat ARCH COLUMN: the saturation row (unpaced): the row of the highest offered
	awk -F, -v a="$1" -v c="$2" 'NR > 1 && $1 == a && $3 == "sat" { print $c }' "$CSV" | median | sed 's/^nan$/not measured/'
}
knee() { # the first paced load whose received falls 5 % short of offered, or whose p99 exceeds
	# 10x the p99 at the lowest load: where the receiver (or the switch) stops keeping up
	awk 'NR == 1 { ref = $7 } { if ($2 < 0.95 * $1 || $7 > 10 * ref) { printf "%g MB/s\n", $1; f = 1; exit } }
		END { if (!f) print "none up to " $1 " MB/s" }' "$P/swcpu-$1.dat"
}
{
	cat <<EOF

## Fig. 5 by the switch's own CPU, and the load's own latency (experiment swcpu)

The paper's central claim is host CPU: a vSwitch burns it, nSwitch does not. Fig. 5 above counts
the whole host (the VMs' stacks, iperf3, ping), so the switch's share is invisible there. Here
VM2 sends 1400-octet UDP datagrams to VM1 at each offered load (build/nsw_udplat, paced, each
datagram carrying its sequence number and send time; "sat" unpaced), and during the transfer
build/nsw_swcpu samples every CPU at $(meta swcpu_sample_hz) Hz with kernel call chains: a
sample is the switch's when one of the architecture's switch functions is on its chain (with
everything it calls, up to the frame's delivery into the receiving VM's queue) or it was taken
in OVS's daemon. Switch functions: Linux bridge \`br_handle_frame\`; OVS userspace its daemon
(\`ovs-vswitchd\`, all threads) plus the kernel's delivery into its packet sockets
(\`tpacket_rcv\`, \`packet_rcv\`); the emulated pSwitches \`macvlan_*\` (the NIC's VEPA) and
\`br_handle_frame\` (the external switch and port extender, which a real pSwitch runs in its
own silicon: counted, so the emulation's cost is visible, not the design's); nSwitch its BPF
programs (\`bpf_prog_*_nsw_*\`) and the redirect (\`skb_do_redirect\`; in mode xdp
\`xdp_do_redirect\`, \`xdp_do_flush\`). nSwitch's programs' run time is also read from
kernel.bpf_stats_enabled (BPF_ENABLE_STATS, only for the window). The VMs' stacks, the sender
and the receiver are never on those chains; the host's steal time is recorded. Latency is
one-way, from the send time in the payload to the moment the receiving application reads the
datagram (both ends share CLOCK_MONOTONIC): when the receiver stops keeping up, its socket
queue fills and the delay grows: that is the knee, seen by the data flow itself.

![switching CPU and latency under load](fig5cpu.png)

| architecture | switching, % of one core at 10 / 93 MB/s / saturation | ns per frame at 93 MB/s | ns per payload byte at 93 MB/s | received at saturation MB/s | one-way p50 / p99 us at 10 MB/s | at 93 MB/s | knee |
| --- | --- | --- | --- | --- | --- | --- | --- |
EOF
	for a in $ARCHS; do
		echo "| $(nse_arch_label "$a") | $(at "$a" 10 3) / $(at "$a" 93 3) / $(sat "$a" 8) | $(at "$a" 93 4) | $(at "$a" 93 5) | $(sat "$a" 6) | $(at "$a" 10 6) / $(at "$a" 10 7) | $(at "$a" 93 6) / $(at "$a" 93 7) | $(knee "$a") |"
	done
	if [[ -s $P/swcpu-sim.dat ]]; then
		cat <<EOF

The simulator's prediction at the same loads (nswitch-sim, $NCPU CPUs, 1442-octet frames; % of
one core): a hardware nSwitch switches in the NIC, so its switching CPU is zero by design, and
what the host still pays is its VMs' drivers and interrupts (paid by every architecture); the
vSwitch priced by this machine's datapath benchmark (fig5_vswitch.scn); the paper's Fig. 5a as
the fitted model reproduces it (+20 points of 4 CPUs from 10 to 93 MB/s, in % of one core).

| offered MB/s | hardware nSwitch: switching | hardware nSwitch: drivers and interrupts | vSwitch predicted: switching | paper Fig. 5a (fitted): switching |
| --- | --- | --- | --- | --- |
EOF
		awk '{ printf "| %s | %.2f | %.2f | %.2f | %.1f |\n", $1, $2, $3, $4, $5 }' "$P/swcpu-sim.dat"
	fi
	cat <<EOF

Said plainly (from the medians above): the software nSwitch costs the host
$(at nswitch 93 3)% of one core at 93 MB/s ($(at nswitch 93 4) ns per 1442-octet frame) and
$(sat nswitch 8)% at saturation, against the Linux bridge's $(at bridge 93 3)% ($(at bridge 93 4)
ns) and OVS userspace's $(at ovs 93 3)% ($(at ovs 93 4) ns); the hardware design would save all
of nSwitch's, since its switching runs in the NIC (the simulator's switching column is zero;
the drivers' and interrupts' cost stays, for every design).

Every measured point:

| architecture | repetition | mode | offered MB/s | sent MB/s | received MB/s | loss % | switching % of a core | ns/frame | ns/byte | BPF ns/run | BPF runs/frame | host busy % of a core | steal % | one-way p50 / p90 / p99 / max us |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
EOF
	awk -F, 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s / %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ($11 == "" ? "-" : $11), $12, $13, $14, $15, $16, $17, $18 }' "$CSV"
	cat <<EOF

BPF ns/run counts every program named nsw_tc or nsw_xdp on the host (the counter is global;
other users of this shared machine may run nswitch too): it is nSwitch's own where BPF runs per
frame is about 1 (mode tc: one run per frame, on the sender's VF).
EOF
} >>"$OUT/report.md"
