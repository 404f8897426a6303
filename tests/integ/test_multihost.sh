#!/usr/bin/env bash
# test_multihost.sh - nSwitch NICs on a fabric: three hosts (nswitch lab up hosts 3), each NIC
# with the paper's shared OUIs (f0:f0:f0 on PF 0, f4:f4:f4 on PF 1), their ports joined by a
# Linux bridge standing for the top-of-rack switch, then by VXLAN. A VM reaches a VM of its own
# OUI group on another host (a Table A miss leaves by the port) and of the other group; ARP and
# neighbour discovery reach every VM once; traffic between two VMs of one host never touches
# the fabric; a VM moves between hosts under a UDP stream, and nothing is delivered twice.
source "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT

UDPSEQ="$ROOT/scripts/nsw_udpseq.py"
hvm() { local id=$1; shift; ip netns exec "${LABP}$id" "$@"; }
hstat() { "$NSW" -j stats show "$NIC-h$1" | jq -r "$2"; }
tor() { ip netns exec "${LABP}tor" "$@"; }

# Waits until every capture named has opened its file (tshark starts slowly on a busy machine).
rack_up() { # rack_up FABRIC
	lab_cleanup
	"$NSW" lab up hosts 3 fabric "$1" >/dev/null || fail "lab up hosts 3 fabric $1 failed"
}

test_mh_same_oui_across_hosts() {
	local up0 c2
	up0=$(hstat 1 .actions.uplink)
	c2=$(hstat 2 .cases.case2.pkts)
	pings ${LABP}h1vm1 10.77.2.1 || fail "h1vm1 -> h2vm1 (both f0:f0:f0) unanswered"
	(( $(hstat 1 .actions.uplink) >= up0 + 3 )) || fail "host 1 did not send the echoes out of its port"
	(( $(hstat 2 .cases.case2.pkts) >= c2 + 3 )) || fail "host 2 did not receive them as case 2"
	(( $(hstat 1 .drops.unknown_vmac) == 0 )) || fail "host 1 dropped a miss as unknown_vmac"
}

test_mh_diff_oui_across_hosts() {
	local c1
	c1=$(hstat 1 .cases.case1.pkts)
	pings ${LABP}h1vm1 10.77.2.3 || fail "h1vm1 (f0) -> h2vm3 (f4) unanswered"
	pings ${LABP}h3vm4 10.77.1.2 || fail "h3vm4 (f4) -> h1vm2 (f0) unanswered"
	(( $(hstat 1 .cases.case1.pkts) >= c1 + 3 )) || fail "host 1 did not count case 1"
	pings ${LABP}ext 10.77.3.1 || fail "the external host cannot reach h3vm1"
}

# The miss policy "drop" keeps a host's unknown vMACs of its own OUIs off the fabric: host 1
# can no longer reach host 2's VMs of its OUI group, and counts why.
test_mh_miss_drop_policy_still_drops() {
	local u0
	"$NSW" pf set "$NIC-h1" pf 0 miss drop
	u0=$(hstat 1 .drops.unknown_vmac)
	hvm h1vm1 ip neigh flush dev eth0
	if pings ${LABP}h1vm1 10.77.2.2 3; then
		"$NSW" pf set "$NIC-h1" pf 0 miss uplink
		fail "h1vm1 reached h2vm2 with miss drop"
	fi
	"$NSW" pf set "$NIC-h1" pf 0 miss uplink
	(( $(hstat 1 .drops.unknown_vmac) > u0 )) || fail "host 1 counted no unknown_vmac"
	pings ${LABP}h1vm1 10.77.2.2 || fail "h1vm1 -> h2vm2 not back with miss uplink"
}

test_mh_tcp_default_offloads() {
	hvm h2vm3 iperf3 -s -1 -D -p 5321 >/dev/null
	sleep 0.3
	local bps
	bps=$(hvm h1vm1 timeout 60 iperf3 -c 10.77.2.3 -p 5321 -t 2 -J | jq '.end.sum_received.bits_per_second')
	(( ${bps%.*} > 100000000 )) || fail "TCP h1vm1 -> h2vm3 only $bps bit/s"
	echo "cross-host TCP: $bps bit/s" >&2
}

# h1vm1 asks for addresses nobody has, by ARP and by IPv6 neighbour solicitation: the VMs of
# its host (through the NIC's flood) and of the other hosts (through the fabric) each see
# every request exactly once.
test_mh_arp_and_nd_seen_once() {
	local dir id mac sent sent6 got
	dir=$(mktemp -d)
	mac=$(mac_of ${LABP}h1vm1)
	hvm h1vm1 ip addr add fd77::1:1/64 dev eth0 nodad
	for id in h1vm2 h1vm3 h2vm1 h3vm4; do
		hvm "$id" timeout 30 tshark -q -i eth0 -f "ether src $mac and (arp or icmp6)" -a duration:25 -w "$dir/$id.pcap" 2>/dev/null &
		BG_PIDS+=($!)
	done
	hvm h1vm1 timeout 30 tshark -q -i eth0 -f "arp or icmp6" -a duration:25 -Q -w "$dir/h1vm1.pcap" 2>/dev/null &
	BG_PIDS+=($!)
	captures_ready "$dir"/{h1vm1,h1vm2,h1vm3,h2vm1,h3vm4}.pcap
	hvm h1vm1 arping -c 3 -w 4 -I eth0 10.77.2.77 >/dev/null 2>&1 || true
	hvm h1vm1 ping -6 -c 2 -i 1 -W 1 fd77::2:77 >/dev/null 2>&1 || true
	captures_end
	sent=$(tshark -r "$dir/h1vm1.pcap" -Y "arp.opcode == 1 && arp.dst.proto_ipv4 == 10.77.2.77" 2>/dev/null | wc -l)
	sent6=$(tshark -r "$dir/h1vm1.pcap" -Y "icmpv6.type == 135 && icmpv6.nd.ns.target_address == fd77::2:77" 2>/dev/null | wc -l)
	(( sent >= 3 )) || fail "h1vm1 sent only $sent ARP requests"
	(( sent6 >= 1 )) || fail "h1vm1 sent no neighbour solicitation"
	for id in h1vm2 h1vm3 h2vm1 h3vm4; do
		got=$(tshark -r "$dir/$id.pcap" -Y "arp.dst.proto_ipv4 == 10.77.2.77" 2>/dev/null | wc -l)
		(( got == sent )) || fail "$id saw $got of $sent ARP requests"
		got=$(tshark -r "$dir/$id.pcap" -Y "icmpv6.type == 135 && icmpv6.nd.ns.target_address == fd77::2:77" 2>/dev/null | wc -l)
		(( got == sent6 )) || fail "$id saw $got of $sent6 neighbour solicitations"
	done
	rm -rf "$dir"
}

# Two VMs of one host talk through the NIC alone: the top-of-rack port of that host sees none
# of their unicast frames (and does see a cross-host ping, or the capture proves nothing).
test_mh_local_traffic_stays_in_the_host() {
	local dir n
	dir=$(mktemp -d)
	tor timeout 30 tshark -q -i h1 -f "icmp" -a duration:25 -w "$dir/h1.pcap" 2>/dev/null &
	BG_PIDS+=($!)
	captures_ready "$dir/h1.pcap"
	pings ${LABP}h1vm1 10.77.1.2 5 || fail "h1vm1 -> h1vm2 (case 0, same host)"
	pings ${LABP}h1vm1 10.77.1.3 5 || fail "h1vm1 -> h1vm3 (case 1, same host)"
	pings ${LABP}h1vm1 10.77.2.1 2 || fail "h1vm1 -> h2vm1 (the capture's control)"
	captures_end
	n=$(tshark -r "$dir/h1.pcap" -Y "ip.dst == 10.77.1.2 || ip.dst == 10.77.1.3 || ip.src == 10.77.1.2 || ip.src == 10.77.1.3" 2>/dev/null | wc -l)
	(( n == 0 )) || fail "$n frames between VMs of host 1 crossed its port"
	n=$(tshark -r "$dir/h1.pcap" -Y "ip.dst == 10.77.2.1" 2>/dev/null | wc -l)
	(( n >= 2 )) || fail "the port's capture saw $n of the 2 cross-host echoes: it proves nothing"
	rm -rf "$dir"
}

# A live migration: h1vm2 leaves host 1 for host 2 while h3vm1 streams 2000 datagrams/s at it.
# Loose bounds (the figures are printed): under a second of silence, no duplicate, no loop.
test_mh_vm_moves_between_hosts() {
	local dir sent r loops=0 h
	dir=$(mktemp -d)
	pings ${LABP}h3vm1 10.77.1.2 1 || fail "h3vm1 cannot reach h1vm2 before the move"
	for h in 1 2 3; do loops=$((loops + $(hstat $h .drops.looped_source))); done
	hvm h1vm2 python3 "$UDPSEQ" recv 7777 4.5 "$dir/recv.log" &
	BG_PIDS+=($!)
	sleep 0.3
	hvm h3vm1 python3 "$UDPSEQ" send 10.77.1.2 7777 2000 3 >"$dir/sent" &
	BG_PIDS+=($!)
	sleep 1
	"$NSW" lab move h1vm2 host 2 >/dev/null || fail "lab move failed"
	wait
	sent=$(cat "$dir/sent")
	r=$(python3 "$UDPSEQ" report "$dir/recv.log" "$sent")
	echo "move h1vm2 host 1 -> 2 under 2000 datagrams/s: $r" >&2
	(( $(jq .duplicates <<<"$r") == 0 )) || fail "datagrams delivered twice: $r"
	(( $(jq .lost <<<"$r") < 2000 )) || fail "over a second of the stream lost: $r"
	jq -e '.interruption_ms < 1000' <<<"$r" >/dev/null || fail "interruption of a second or more: $r"
	(( $(jq .received <<<"$r") > sent / 2 )) || fail "most of the stream missing: $r"
	local now=0
	for h in 1 2 3; do now=$((now + $(hstat $h .drops.looped_source))); done
	(( now == loops )) || fail "looped_source rose by $((now - loops)) after the move"
	"$NSW" -j vf show "$NIC-h2" | jq -e '.[] | select(.dev == "h1vm2" and .mac == "f0:f0:f0:01:00:02")' >/dev/null ||
		fail "the moved VM is not a VF of host 2 with its vMAC"
	pings ${LABP}h2vm1 10.77.1.2 || fail "its new neighbour h2vm1 cannot reach it"
	pings ${LABP}h1vm1 10.77.1.2 || fail "its old neighbour h1vm1 cannot reach it"
	rm -rf "$dir"
}

test_mh_vxlan_fabric() {
	rack_up vxlan
	tor ip -d link show type bridge | grep -q '\bul\b' || fail "no underlay bridge"
	ip -n ${LABP}hv1 -d link show up0 | grep -q 'vxlan id 77' || fail "host 1's port is not VXLAN"
	pings ${LABP}h1vm1 10.77.2.1 || fail "vxlan: same OUI across hosts"
	pings ${LABP}h1vm1 10.77.3.4 || fail "vxlan: other OUI across hosts"
	pings ${LABP}ext 10.77.2.2 || fail "vxlan: external host to a VM"
	hvm h3vm1 iperf3 -s -1 -D -p 5322 >/dev/null
	sleep 0.3
	local bps
	bps=$(hvm h1vm4 timeout 60 iperf3 -c 10.77.3.1 -p 5322 -t 2 -J | jq '.end.sum_received.bits_per_second')
	(( ${bps%.*} > 50000000 )) || fail "vxlan: TCP h1vm4 -> h3vm1 only $bps bit/s"
}

test_mh_lab_down_leaves_nothing() {
	"$NSW" lab down >/dev/null
	local left
	left=$(ip netns list | awk '{print $1}' | grep -c "^${LABP}" || true)
	(( left == 0 )) || fail "$left namespaces of the lab left"
	for h in 1 2 3; do
		[[ ! -e /sys/fs/bpf/nswitch/$NIC-h$h ]] || fail "NIC $NIC-h$h left"
	done
}

test_mh_lab_refuses_bad_words() {
	local e
	e=$("$NSW" lab up hosts 9 2>&1) && fail "hosts 9 accepted"
	grep -q 'hosts' <<<"$e" || fail "error does not name hosts: $e"
	e=$("$NSW" lab up hosts 2 hosts 3 2>&1) && fail "hosts twice accepted"
	e=$("$NSW" lab up hosts 2 fabric vxlan mode xdp 2>&1) && fail "vxlan with xdp accepted"
	e=$("$NSW" lab move h1vm1 host 2 2>&1) && fail "move without a lab accepted"
	(( $(ip netns list | grep -c "^${LABP}" || true) == 0 )) || fail "a refused command left namespaces"
}

rack_up bridge
for t in mh_same_oui_across_hosts mh_diff_oui_across_hosts mh_miss_drop_policy_still_drops mh_tcp_default_offloads \
	mh_arp_and_nd_seen_once mh_local_traffic_stays_in_the_host mh_vm_moves_between_hosts; do
	run_test "$t"
done
run_test mh_vxlan_fabric
run_test mh_lab_down_leaves_nothing
run_test mh_lab_refuses_bad_words
