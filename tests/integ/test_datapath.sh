#!/usr/bin/env bash
# test_datapath.sh - the nSwitch data path on real traffic, in the namespace lab:
# Case 0, Case 1 (inter-PF and the uplink), Case 2, ARP and broadcast, spoofing, unknown
# destinations, 802.1p, VF detach/re-attach under traffic, TCP/UDP with default offloads, a
# tap-attached VM, and nic del leaving nothing behind. Prints "ok NAME" / "FAIL NAME: why".
source "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT
lab_cleanup
"$NSW" lab up >/dev/null || { echo "FAIL lab_up: nswitch lab up failed"; exit 1; }
# Let the VMs' own start-up chatter (IPv6 DAD, router solicitations) settle.
sleep 1

test_case0_same_pf() {
	local c0 p0
	c0=$(stat .cases.case0.pkts); p0=$(stat .actions.uplink)
	pings ${LABP}vm1 10.77.0.2 5 || fail "vm1 cannot ping vm2"
	(( $(stat .cases.case0.pkts) >= c0 + 10 )) || fail "case0 counter did not rise by 10"
	# Not one unicast frame left by the port (the VMs' IPv6 multicast chatter may, as floods).
	(( $(stat .actions.uplink) == p0 )) || fail "VM-to-VM traffic went out of the uplink"
}

test_case1_inter_pf() {
	local c1 i0 p0
	c1=$(stat .cases.case1.pkts); i0=$(stat .inter_pf_pkts); p0=$(stat .actions.uplink)
	pings ${LABP}vm1 10.77.0.3 || fail "vm1 (PF 0) cannot ping vm3 (PF 1)"
	pings ${LABP}vm4 10.77.0.2 || fail "vm4 (PF 1) cannot ping vm2 (PF 0)"
	(( $(stat .cases.case1.pkts) >= c1 + 12 )) || fail "case1 counter did not rise"
	(( $(stat .inter_pf_pkts) >= i0 + 12 )) || fail "inter-PF counter did not rise"
	(( $(stat .actions.uplink) == p0 )) || fail "inter-PF traffic went out of the uplink"
}

test_case1_to_external() {
	local p0
	p0=$(stat .actions.uplink)
	pings ${LABP}vm2 10.77.0.100 || fail "vm2 cannot ping the external host"
	pings ${LABP}vm3 10.77.0.100 || fail "vm3 (PF 1, no port of its own) cannot ping outside"
	(( $(stat .actions.uplink) >= p0 + 6 )) || fail "uplink counter did not rise"
}

test_case2_from_wire() {
	local c2
	c2=$(stat .cases.case2.pkts)
	pings ${LABP}ext 10.77.0.1 || fail "external host cannot ping vm1"
	pings ${LABP}ext 10.77.0.4 || fail "external host cannot ping vm4"
	(( $(stat .cases.case2.pkts) >= c2 + 6 )) || fail "case2 counter did not rise"
}

test_arp_broadcast_once() {
	# vm1 asks for an address nobody has: every other VM and the external host must see each
	# ARP request exactly once, and vm1 never sees its own.
	local dir n
	dir=$(mktemp -d)
	for n in 2 3 4; do
		vm "$n" timeout 30 tshark -q -i eth0 -f "arp and ether src $(mac_of ${LABP}vm1)" -a duration:25 -w "$dir/vm$n.pcap" 2>/dev/null &
		BG_PIDS+=($!)
	done
	ext timeout 30 tshark -q -i eth0 -f "arp and ether src $(mac_of ${LABP}vm1)" -a duration:25 -w "$dir/ext.pcap" 2>/dev/null &
	BG_PIDS+=($!)
	vm 1 timeout 30 tshark -q -i eth0 -f "arp" -Q -a duration:25 -w "$dir/vm1.pcap" 2>/dev/null &
	BG_PIDS+=($!)
	captures_ready "$dir"/{vm1,vm2,vm3,vm4,ext}.pcap
	vm 1 ip neigh flush dev eth0
	# Exactly three requests, well inside every capture's window (no one answers them).
	if command -v arping >/dev/null; then
		vm 1 arping -c 3 -w 4 -I eth0 10.77.0.77 >/dev/null 2>&1 || true
	else
		vm 1 ping -c 3 -i 1 -W 1 10.77.0.77 >/dev/null 2>&1 || true
	fi
	captures_end
	local sent
	sent=$(tshark -r "$dir/vm1.pcap" -Y "arp.opcode == 1 && arp.dst.proto_ipv4 == 10.77.0.77" 2>/dev/null | wc -l)
	(( sent >= 3 )) || fail "vm1 sent only $sent ARP requests"
	for n in vm2 vm3 vm4 ext; do
		local got
		got=$(tshark -r "$dir/$n.pcap" -Y "arp.dst.proto_ipv4 == 10.77.0.77" 2>/dev/null | wc -l)
		(( got == sent )) || fail "$n saw $got of $sent ARP requests"
	done
	rm -rf "$dir"
}

test_spoofed_source_dropped() {
	local s0 got dir
	s0=$(stat .drops.spoofed_source)
	dir=$(mktemp -d)
	vm 2 timeout 4 tshark -q -i eth0 -f "ether proto 0x88b5" -w "$dir/vm2.pcap" 2>/dev/null &
	BG_PIDS+=($!)
	sleep 2.5
	vm 1 "$RAWSEND" eth0 "$(mac_of ${LABP}vm2)" 02:00:00:00:be:ef count 20 >/dev/null
	wait
	(( $(stat .drops.spoofed_source) == s0 + 20 )) || fail "spoofed_source rose by $(( $(stat .drops.spoofed_source) - s0 )), not 20"
	got=$(tshark -r "$dir/vm2.pcap" 2>/dev/null | wc -l)
	(( got == 0 )) || fail "vm2 received $got spoofed frames"
	rm -rf "$dir"
}

# A vMAC of the NIC's own OUI that no VF has: with PF 0's policy "miss drop" it is dropped and
# counted; with the default ("miss uplink") it leaves by the port, where the external host sees
# every frame, as an SR-IOV VEB sends unknown unicast to its uplink.
test_unknown_vmac_dropped() {
	local u0 oui
	"$NSW" pf set "$NIC" pf 0 miss drop
	u0=$(stat .drops.unknown_vmac)
	oui=$(mac_of ${LABP}vm1 | cut -d: -f1-3)
	vm 1 "$RAWSEND" eth0 "$oui:00:00:63" "$(mac_of ${LABP}vm1)" count 7 >/dev/null
	"$NSW" pf set "$NIC" pf 0 miss uplink
	(( $(stat .drops.unknown_vmac) == u0 + 7 )) || fail "unknown_vmac did not count 7 drops"
}

test_unknown_vmac_leaves_by_uplink() {
	local dir oui up0 got
	dir=$(mktemp -d)
	oui=$(mac_of ${LABP}vm1 | cut -d: -f1-3)
	ext timeout 30 tshark -q -i eth0 -f "ether dst $oui:00:00:63" -a duration:25 -w "$dir/ext.pcap" 2>/dev/null &
	BG_PIDS+=($!)
	captures_ready "$dir/ext.pcap"
	up0=$(stat .actions.uplink)
	vm 1 "$RAWSEND" eth0 "$oui:00:00:63" "$(mac_of ${LABP}vm1)" count 7 >/dev/null
	captures_end
	(( $(stat .actions.uplink) == up0 + 7 )) || fail "uplink rose by $(( $(stat .actions.uplink) - up0 )), not 7"
	got=$(tshark -r "$dir/ext.pcap" 2>/dev/null | wc -l)
	(( got == 7 )) || fail "the external host saw $got of 7 frames"
	rm -rf "$dir"
}

test_8021p_priority_and_tags() {
	local p5 p7 dir
	p5=$(stat '.prio_pkts[5]'); p7=$(stat '.prio_pkts[7]')
	dir=$(mktemp -d)
	vm 3 timeout 4 tshark -q -i eth0 -f "vlan" -w "$dir/vm3.pcap" 2>/dev/null &
	BG_PIDS+=($!)
	sleep 2.5
	vm 1 "$RAWSEND" eth0 "$(mac_of ${LABP}vm3)" "$(mac_of ${LABP}vm1)" count 10 ctag 5:100 >/dev/null
	vm 1 "$RAWSEND" eth0 "$(mac_of ${LABP}vm3)" "$(mac_of ${LABP}vm1)" count 4 stag 7:10 ctag 1:20 >/dev/null
	wait
	(( $(stat '.prio_pkts[5]') == p5 + 10 )) || fail "priority 5 not counted 10 times"
	(( $(stat '.prio_pkts[7]') == p7 + 4 )) || fail "priority 7 (QinQ outer) not counted 4 times"
	local n5 nq
	n5=$(tshark -r "$dir/vm3.pcap" -Y "vlan.priority == 5 && vlan.id == 100" 2>/dev/null | wc -l)
	nq=$(tshark -r "$dir/vm3.pcap" -Y "vlan.id == 20" 2>/dev/null | wc -l)
	(( n5 == 10 )) || fail "vm3 got $n5 of 10 frames tagged PCP 5 VID 100"
	(( nq == 4 )) || fail "vm3 got $nq of 4 double-tagged frames"
	rm -rf "$dir"
}

test_vf_detach_reattach_under_traffic() {
	local out loss
	vm 1 ping -i 0.02 -c 150 -q 10.77.0.2 >/tmp/nsw-ping.$$ 2>&1 &
	local pid=$!
	BG_PIDS+=($pid)
	sleep 0.5
	"$NSW" vf del "$NIC" pf 1 vf 1
	pings ${LABP}vm1 10.77.0.3 1 && fail "vm3 still reachable after vf del"
	"$NSW" vf add "$NIC" pf 1 vf 1 dev vm3 >/dev/null
	pings ${LABP}vm1 10.77.0.3 || fail "vm3 not reachable after re-attach"
	wait "$pid" || true
	out=$(cat /tmp/nsw-ping.$$); rm -f /tmp/nsw-ping.$$
	loss=$(grep -o '[0-9.]*% packet loss' <<<"$out" | cut -d% -f1)
	[[ $loss == 0 ]] || fail "vm1-vm2 lost $loss% while vm3 was detached and re-attached"
}

test_tcp_udp_default_offloads() {
	grep -q 'tx-checksumming: on' <<<"$(vm 1 ethtool -k eth0)" || fail "test expects default offloads"
	vm 2 iperf3 -s -1 -D -p 5201 >/dev/null
	sleep 0.3
	local bps
	bps=$(vm 1 timeout 60 iperf3 -c 10.77.0.2 -p 5201 -t 2 -J | jq '.end.sum_received.bits_per_second')
	(( ${bps%.*} > 1000000000 )) || fail "TCP vm1->vm2 only $bps bit/s"
	vm 3 iperf3 -s -1 -D -p 5202 >/dev/null
	sleep 0.3
	local lost
	lost=$(vm 1 timeout 60 iperf3 -c 10.77.0.3 -p 5202 -u -b 50M -t 1 -J | jq '.end.sum.lost_packets')
	[[ $lost == 0 ]] || fail "UDP vm1->vm3 lost $lost packets"
}

test_tap_attached_vm() {
	local mac
	hv ip tuntap add dev tap5 mode tap
	"$NSW" vf add "$NIC" pf 0 vf 5 dev tap5 >/dev/null
	mac=$("$NSW" -j vf show "$NIC" | jq -r '.[] | select(.pf == 0 and .vf == 5) | .mac')
	[[ $mac == *:* ]] || fail "no vMAC for the tap VF"
	hv "$TAPVM" tap5 "$mac" 10.77.0.5 8 >/dev/null &
	BG_PIDS+=($!)
	sleep 0.5
	hv ip link set tap5 up
	pings ${LABP}vm1 10.77.0.5 || fail "vm1 cannot ping the tap VM"
	pings ${LABP}vm4 10.77.0.5 || fail "vm4 (PF 1) cannot ping the tap VM"
	"$NSW" vf del "$NIC" pf 0 vf 5
	hv ip link del tap5
}

test_stats_json_and_no_silent_drop() {
	# Every frame that entered was counted by its action; every drop has a reason.
	local j
	j=$("$NSW" -j stats show "$NIC")
	local entered acted dropped reasons
	entered=$(jq '[.cases[].pkts] | add' <<<"$j")
	acted=$(jq '[.actions[]] | add' <<<"$j")
	dropped=$(jq '.actions.drop' <<<"$j")
	reasons=$(jq '[.drops | to_entries[] | select(.key != "tx_error") | .value] | add' <<<"$j")
	(( entered == acted )) || fail "entered $entered != by action $acted"
	(( dropped == reasons )) || fail "dropped $dropped != sum of reasons $reasons"
}

test_nic_del_leaves_nothing() {
	"$NSW" nic del "$NIC" >/dev/null
	[[ ! -e /sys/fs/bpf/nswitch/$NIC ]] || fail "pins left in /sys/fs/bpf/nswitch/$NIC"
	if [[ -d /sys/fs/bpf/nswitch ]] && [[ -z $(ls /sys/fs/bpf/nswitch) ]]; then
		fail "an empty /sys/fs/bpf/nswitch left behind"
	fi
	local q
	q=$(hv tc qdisc show | grep -c clsact || true)
	(( q == 0 )) || fail "$q clsact qdiscs left in ${LABP}hv"
	! grep -q bpf <<<"$(hv tc filter show dev vm1 ingress)" || fail "a bpf filter left on vm1"
	pings ${LABP}vm1 10.77.0.2 1 && fail "traffic still switched after nic del"
	return 0
}

for t in case0_same_pf case1_inter_pf case1_to_external case2_from_wire arp_broadcast_once \
	spoofed_source_dropped unknown_vmac_dropped unknown_vmac_leaves_by_uplink 8021p_priority_and_tags \
	vf_detach_reattach_under_traffic tcp_udp_default_offloads tap_attached_vm \
	stats_json_and_no_silent_drop nic_del_leaves_nothing; do
	run_test "$t"
done
