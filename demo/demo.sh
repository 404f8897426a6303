#!/usr/bin/env bash
# demo/demo.sh - the main demo (`make demo`): brings up the namespace lab (4 VMs on a 2-PF
# nSwitch NIC, an external host behind PF 0's port), sends ping and iperf3 traffic between VMs
# on the same PF, across PFs and to the external host, and shows after each step which counters
# moved: Case 0 and Case 1 rise for VM-to-VM traffic while the uplink does not move.
# Tears the lab down on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
NSW=build/nswitch
trap '"$NSW" lab down >/dev/null 2>&1 || true' EXIT INT TERM
"$NSW" lab down >/dev/null 2>&1 || true

j() { "$NSW" -j stats show lab0; }
snap() { j | jq -c '{c0: .cases.case0.pkts, c1: .cases.case1.pkts, c2: .cases.case2.pkts,
	ipf: .inter_pf_pkts, up: .actions.uplink, port: .pfs[0].to_pkts,
	drops: .actions.drop}'; }
delta() { # delta BEFORE AFTER
	jq -nr --argjson a "$1" --argjson b "$2" \
		'"    counters: case0 +\($b.c0 - $a.c0)  case1 +\($b.c1 - $a.c1)  case2 +\($b.c2 - $a.c2)  inter-PF +\($b.ipf - $a.ipf)  out of the uplink +\($b.up - $a.up)  drops +\($b.drops - $a.drops)"'
}
step() { # step TITLE COMMAND...
	local title=$1; shift
	local a b
	echo "==> $title"
	a=$(snap)
	"$@"
	b=$(snap)
	delta "$a" "$b"
}
ping_q() { ip netns exec "$1" ping -c 5 -i 0.1 -q "$2" | tail -1 | sed 's/^/    /'; }
iperf() { # iperf FROM_NS TO_NS TO_IP
	ip netns exec "$2" iperf3 -s -1 -D -p 5299 >/dev/null
	sleep 0.3
	ip netns exec "$1" iperf3 -c "$3" -p 5299 -t 3 -J |
		jq -r '"    TCP \(.end.sum_received.bits_per_second / 1e9 | . * 100 | floor / 100) Gbit/s, \(.end.sum_sent.retransmits) retransmits"'
}

echo "nswitch demo: the nSwitch of Bardgett and Zou on Linux (BPF at the host end of each VF)"
"$NSW" lab up
"$NSW" nic show lab0
"$NSW" vf show lab0
sleep 1
step "Case 0: vm1 -> vm2, same PF (same OUI), ping" ping_q nsw-vm1 10.77.0.2
step "Case 1: vm1 (PF 0) -> vm3 (PF 1), inter-PF path, ping" ping_q nsw-vm1 10.77.0.3
step "Case 1: vm2 -> external host, out of PF 0's port, ping" ping_q nsw-vm2 10.77.0.100
step "Case 2: external host -> vm4 (PF 1 is served by PF 0's port), ping" ping_q nsw-ext 10.77.0.4
step "Case 0: vm1 -> vm2, iperf3 TCP, default offloads" iperf nsw-vm1 nsw-vm2 10.77.0.2
step "Case 1: vm1 -> vm3 across PFs, iperf3 TCP" iperf nsw-vm1 nsw-vm3 10.77.0.3
step "Case 1: vm2 -> external host through the uplink, iperf3 TCP" iperf nsw-vm2 nsw-ext 10.77.0.100
echo "==> all counters"
"$NSW" stats show lab0
echo "==> Table A"
"$NSW" fdb show lab0
