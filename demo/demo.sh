#!/usr/bin/env bash
# demo/demo.sh - the main demo (`make demo`): brings up the namespace lab (4 VMs on a 2-PF
# nSwitch NIC, an external host behind PF 0's port), sends ping and iperf3 traffic between VMs
# on the same PF, across PFs and to the external host, and shows after each step which counters
# moved: Case 0 and Case 1 rise for VM-to-VM traffic while the uplink does not move. Then two
# hosts whose NICs share the paper's OUIs, their ports on a top-of-rack bridge: a VM on host A
# reaches a VM of the same OUI on host B, and the counters of both NICs show the path (Case 0
# out of A's port, Case 2 into B).
# Tears the lab down on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
NSW=build/nswitch
trap '"$NSW" lab down >/dev/null 2>&1 || true' EXIT INT TERM
"$NSW" lab down >/dev/null 2>&1 || true

j() { "$NSW" -j stats show "${NIC:-lab0}"; }
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

echo
echo "nswitch demo, part 2: two hosts, each NIC's PF 0 with the paper's OUI f0:f0:f0"
"$NSW" lab down >/dev/null
"$NSW" lab up hosts 2
"$NSW" vf show lab0-h1
"$NSW" vf show lab0-h2
sleep 3
# The path of a frame across two hosts, in the counters of both NICs: host A's Case 0 and
# Case 1 and what left by its port; host B's port, Case 2 and what its VFs were given. (The
# VMs' own IPv6 chatter of their first seconds may add a few frames to each.)
snap2() { "$NSW" -j stats show "$1" | jq -c '{c0: .cases.case0.pkts, c1: .cases.case1.pkts,
	c2: .cases.case2.pkts, out: .pfs[0].to_pkts, in: .pfs[0].from_pkts,
	vfs: ([.vfs[].to_pkts] | add)}'; }
two() { # two TITLE COMMAND...
	local title=$1 a1 a2 b1 b2; shift
	echo "==> $title"
	a1=$(snap2 lab0-h1) a2=$(snap2 lab0-h2)
	"$@"
	b1=$(snap2 lab0-h1) b2=$(snap2 lab0-h2)
	jq -nr --argjson a "$a1" --argjson b "$b1" --argjson c "$a2" --argjson d "$b2" \
		'"    host A: case0 +\($b.c0 - $a.c0)  case1 +\($b.c1 - $a.c1)  out of its port +\($b.out - $a.out)\n    host B: into its port +\($d.in - $c.in)  case2 +\($d.c2 - $c.c2)  to its VFs +\($d.vfs - $c.vfs)"'
}
two "h1vm1 (f0:f0:f0:01:00:01) -> h2vm1 (f0:f0:f0:02:00:01): a Table A miss on A leaves by its port, B receives it as Case 2" \
	ping_q nsw-h1vm1 10.77.2.1
two "h1vm1 -> h2vm3 (f4:f4:f4, other OUI) on host B, iperf3 TCP" iperf nsw-h1vm1 nsw-h2vm3 10.77.2.3
ip netns exec nsw-h1vm1 ping -c 1 -q 10.77.1.2 >/dev/null # its ARP broadcast does go out
two "h1vm1 -> h1vm2 on host A itself: Case 0 inside the NIC, the echoes never reach the port" \
	ping_q nsw-h1vm1 10.77.1.2
