#!/usr/bin/env bash
# test_lifecycle.sh - what outlives what, on real traffic in the lab: a deleted VF's mirror
# sessions (as source and as monitor), ACLs, ACL mirrors to it, packet-rate limit, capture and
# counters do not pass to the next VM on its slot, and vf add clears stale state; a capture
# killed with -9 does not leave the NIC capturing nor block the next capture, and SIGHUP ends
# one cleanly; only devices that can carry a VM are VFs, and only Ethernet ports are uplinks;
# frames the receiving VF's device drops (the VM's link down, its MTU) are counted by reason,
# and nic del takes that drop watch with it; a cut-short outer VLAN tag never reaches the hook.
# Prints "ok NAME" / "FAIL NAME: why".
source "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
EXTRA_NS=("${LABP}vm5" "${LABP}vm6")
life_cleanup() {
	lab_cleanup
	local ns
	for ns in "${EXTRA_NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap life_cleanup EXIT
life_cleanup
TMP=$(mktemp -d)
"$NSW" lab up >/dev/null || { echo "FAIL lab_up: nswitch lab up failed"; exit 1; }
PIN=/sys/fs/bpf/nswitch/$NIC
M1=$(mac_of ${LABP}vm1); M2=$(mac_of ${LABP}vm2)

# vm5 and vm6: two more VMs whose host ends (vm5, vm6) are not VFs yet.
for n in 5 6; do
	ip netns add "${LABP}vm$n"
	ip -n "${LABP}hv" link add "vm$n" type veth peer name eth0 netns "${LABP}vm$n"
	ip -n "${LABP}vm$n" link set lo up
	ip -n "${LABP}vm$n" addr add "10.77.0.$n/24" dev eth0
	ip -n "${LABP}vm$n" link set eth0 up
	ip -n "${LABP}hv" link set "vm$n" up
done
# No IPv6 chatter (router and neighbour solicitations, MLD reports when a link flaps): the
# tests count the frames they send exactly, broadcast copies included. The hypervisor's too:
# a host end's own reports, sent while its VM is down, would be drops of the veth that are not
# nswitch's frames.
for ns in ${LABP}hv ${LABP}vm1 ${LABP}vm2 ${LABP}vm3 ${LABP}vm4 ${LABP}vm5 ${LABP}vm6 ${LABP}ext; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
sleep 1

features() { # the data path's feature word, read without nswitch (which would clear state)
	bpftool -j map lookup pinned "$PIN/nsw_features" key 0 0 0 0 | jq -r .formatted.value
}
capture_on() {
	bpftool -j map lookup pinned "$PIN/nsw_capture_cfg" key 0 0 0 0 | jq -r .formatted.value.enabled
}
tshark_bg() { # tshark_bg NS FILE FILTER SECONDS
	ip netns exec "$1" timeout "$4" tshark -q -i eth0 -f "$3" -w "$2" 2>/dev/null &
	BG_PIDS+=($!)
}

test_deleted_vf_state_does_not_pass_to_next_vm() {
	"$NSW" vf add "$NIC" pf 1 vf 5 dev vm5 >/dev/null
	# VF 1,5 as SPAN monitor, as SPAN source, as ACL mirror target; its own ACL and pps limit.
	"$NSW" mirror add "$NIC" pf 0 vf 1 to pf 1 vf 5 dir both
	"$NSW" mirror add "$NIC" pf 1 vf 5 to pf 0 vf 2 dir in
	printf 'prio 10 proto icmp action mirror to 1,5\n' >"$TMP/mir"
	"$NSW" acl replace "$NIC" pf 0 vf 2 dir in file "$TMP/mir" >/dev/null
	printf 'prio 10 proto icmp action drop\n' >"$TMP/deny"
	"$NSW" acl replace "$NIC" pf 1 vf 5 dir out file "$TMP/deny" >/dev/null
	"$NSW" acl replace "$NIC" pf 1 vf 5 dir in file "$TMP/deny" >/dev/null
	"$NSW" qos set "$NIC" pf 1 vf 5 pps 10
	pings ${LABP}vm1 10.77.0.2 3 || fail "vm1 cannot ping vm2 before the delete"
	# The VM goes; another VM, on another device, gets the slot.
	"$NSW" vf del "$NIC" pf 1 vf 5 >/dev/null
	"$NSW" vf add "$NIC" pf 1 vf 5 dev vm6 >/dev/null
	# No copy of vm1-vm2 traffic reaches the new VM.
	tshark_bg ${LABP}vm6 "$TMP/vm6.pcap" "icmp" 5
	sleep 2.5
	vm 1 ping -c 20 -i 0.05 -W 1 -q 10.77.0.2 >/dev/null || fail "vm1 cannot ping vm2"
	wait
	local copies
	copies=$(tshark -r "$TMP/vm6.pcap" -Y 'ip.src == 10.77.0.1 || ip.src == 10.77.0.2' 2>/dev/null | wc -l)
	(( copies == 0 )) || fail "the new VM received $copies copies of vm1-vm2 traffic"
	# Neither the old ACL nor the old limit (10 pps) applies to it: 30 echoes at 50 per second.
	vm 1 ping -c 30 -i 0.02 -W 1 -q 10.77.0.6 >"$TMP/p6" 2>&1 || true
	grep -q ' 0% packet loss' "$TMP/p6" ||
		fail "the new VM is still blocked or limited: $(grep -o '[0-9]* received' "$TMP/p6") of 30"
	(( $("$NSW" -j stats show "$NIC" | jq '.vfs[] | select(.pf == 1 and .vf == 5) | .to_pkts') >= 30 )) ||
		fail "the new VF's counters did not count its traffic"
	"$NSW" -j mirror show "$NIC" | jq -e 'length == 0' >/dev/null ||
		fail "mirror sessions of the deleted VF survive: $("$NSW" mirror show "$NIC" | tr '\n' ';')"
	"$NSW" -j acl show "$NIC" pf 1 vf 5 | jq -e 'length == 0' >/dev/null ||
		fail "the deleted VF's ACLs survive"
	"$NSW" -j acl show "$NIC" pf 0 vf 2 | jq -e '.[0].rules[0].action == "allow"' >/dev/null ||
		fail "an ACL rule still mirrors to the deleted VF"
	"$NSW" -j qos show "$NIC" | jq -e 'length == 0' >/dev/null || fail "the pps limit survives"
	"$NSW" acl flush "$NIC" pf 0 vf 2 dir in
	"$NSW" vf del "$NIC" pf 1 vf 5 >/dev/null
	(( $(features) == 0 )) || fail "feature word $(features) after everything was removed"
}

test_vf_add_clears_stale_state() {
	# A session to VF 1,7, which does not exist (as a crash between two steps could leave):
	# key VF 0,1 (slot 1), value monitor slot 1*256+7 + 1 = 0x108, dir in|out.
	bpftool map update pinned "$PIN/nsw_mirror" key 1 0 0 0 value 0x08 0x01 0x03 0x00
	"$NSW" vf add "$NIC" pf 1 vf 7 dev vm5 >/dev/null
	"$NSW" -j mirror show "$NIC" | jq -e 'length == 0' >/dev/null ||
		fail "a stale session to the new VF survived vf add: $("$NSW" mirror show "$NIC" | tr '\n' ';')"
	"$NSW" vf del "$NIC" pf 1 vf 7 >/dev/null
}

test_vf_del_ends_its_capture() {
	"$NSW" vf add "$NIC" pf 1 vf 5 dev vm5 >/dev/null
	"$NSW" capture "$NIC" pf 1 vf 5 duration 30 -w "$TMP/c5.pcap" 2>"$TMP/c5.err" &
	local pid=$! i
	BG_PIDS+=($pid)
	sleep 1
	"$NSW" vf del "$NIC" pf 1 vf 5 >/dev/null
	for i in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && fail "the capture of the deleted VF still runs"
	wait "$pid" || fail "the capture failed: $(cat "$TMP/c5.err")"
	(( $(capture_on) == 0 )) || fail "capture still on in the data path"
}

test_killed_capture_does_not_block_the_next() {
	"$NSW" capture "$NIC" duration 30 -w "$TMP/k.pcap" 2>/dev/null &
	local pid=$!
	sleep 1
	(( $(features) & 4 )) || fail "the capture never turned capture mode on"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	# Any command on the NIC ends the dead capture's state.
	"$NSW" vf show "$NIC" >/dev/null
	(( $(features) == 0 )) || fail "feature word $(features) after the killed capture (capture mode left on)"
	(( $(capture_on) == 0 )) || fail "capture still on in the data path"
	# Killed again, and this time the next capture itself finds it.
	"$NSW" capture "$NIC" duration 30 -w "$TMP/k.pcap" 2>/dev/null &
	pid=$!
	sleep 1
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	"$NSW" capture "$NIC" pf 0 vf 2 case 0 count 5 duration 10 -w "$TMP/next.pcap" 2>"$TMP/next.err" &
	pid=$!
	BG_PIDS+=($pid)
	sleep 1
	pings ${LABP}vm1 10.77.0.2 5 || fail "vm1 cannot ping vm2"
	wait "$pid" || fail "the next capture failed: $(cat "$TMP/next.err")"
	(( $(tshark -r "$TMP/next.pcap" 2>/dev/null | wc -l) == 5 )) || fail "the next capture wrote $(tshark -r "$TMP/next.pcap" 2>/dev/null | wc -l) of 5 frames"
	(( $(features) == 0 )) || fail "feature word $(features) after the capture ended"
}

test_capture_ends_cleanly_on_sighup() {
	local sig pid
	for sig in HUP TERM INT; do
		"$NSW" capture "$NIC" duration 30 -w "$TMP/h.pcap" 2>"$TMP/h.err" &
		pid=$!
		sleep 1
		kill -s "$sig" "$pid"
		wait "$pid" || fail "SIG$sig: the capture exited $?: $(cat "$TMP/h.err")"
		grep -q 'frames written' "$TMP/h.err" || fail "SIG$sig: no final report"
		(( $(features) == 0 )) || fail "SIG$sig: feature word $(features) after the capture"
	done
}

snapshot() {
	{ "$NSW" -j nic show "$NIC"; "$NSW" -j vf show "$NIC" | vf_settings; "$NSW" -j fdb show "$NIC"; } 2>&1
}
# refused PATTERN ARGS...: nswitch ARGS fails with one line matching PATTERN, state unchanged.
refused() {
	local pattern=$1 before after err; shift
	before=$(snapshot)
	err=$("$NSW" "$@" 2>&1 >/dev/null) && fail "nswitch $* succeeded"
	(( $(wc -l <<<"$err") == 1 )) || fail "error is not one line: $err"
	grep -qE -- "$pattern" <<<"$err" || fail "error \"$err\" does not match /$pattern/"
	after=$(snapshot)
	[[ $before == "$after" ]] || fail "state changed by the refused nswitch $*"
}

test_only_vm_devices_are_vfs() {
	hv ip link add xd-br0 type bridge
	hv ip tuntap add dev xd-tun0 mode tun
	hv ip tuntap add dev xd-tap0 mode tap
	refused '"lo".*loopback' vf add "$NIC" pf 0 vf 9 dev lo
	refused '"xd-br0".*bridge' vf add "$NIC" pf 0 vf 9 dev xd-br0
	refused '"xd-tun0".*(L3|tun)' vf add "$NIC" pf 0 vf 9 dev xd-tun0
	hv ping -c 1 -W 1 127.0.0.1 >/dev/null || fail "loopback broken in the hypervisor namespace"
	# A tap (TAP mode) and a veth are accepted.
	"$NSW" vf add "$NIC" pf 0 vf 9 dev xd-tap0 >/dev/null || fail "a tap was refused"
	"$NSW" vf del "$NIC" pf 0 vf 9 >/dev/null
	"$NSW" vf add "$NIC" pf 0 vf 9 dev vm5 >/dev/null || fail "a veth was refused"
	"$NSW" vf del "$NIC" pf 0 vf 9 >/dev/null
	hv ip link del xd-br0
	hv ip link del xd-tun0
	hv ip link del xd-tap0
}

test_only_ethernet_ports_are_uplinks() {
	hv ip link add xd-br1 type bridge
	hv ip tuntap add dev xd-tun1 mode tun
	refused '"lo".*loopback' pf set "$NIC" pf 1 uplink lo
	refused '"xd-br1".*bridge' pf set "$NIC" pf 1 uplink xd-br1
	refused '"xd-tun1".*(L3|tun)' pf set "$NIC" pf 1 uplink xd-tun1
	hv ping -c 1 -W 1 127.0.0.1 >/dev/null || fail "loopback broken in the hypervisor namespace"
	# A veth and a VXLAN are accepted.
	hv ip link add xd-vx1 type vxlan id 77 dstport 4789 local 127.0.0.1 nolearning
	"$NSW" pf set "$NIC" pf 1 uplink xd-vx1 || fail "a vxlan was refused"
	"$NSW" pf set "$NIC" pf 1 uplink vm6 || fail "a veth was refused"
	"$NSW" pf set "$NIC" pf 1 uplink none
	hv ip link del xd-br1
	hv ip link del xd-tun1
	hv ip link del xd-vx1
}

txdrop() { # txdrop DEV: what the host end of a VF reports it dropped on its way to the VM
	ip -n ${LABP}hv -j -s link show "$1" 2>/dev/null | jq '.[0].stats64.tx.dropped'
}

test_drops_at_the_receiving_vf_counted_by_reason() {
	local link0 mtu0 vf0 to0 tx0 txe0 d n
	link0=$(stat .drops.vf_link_down); mtu0=$(stat .drops.vf_mtu_exceeded)
	[[ $link0 != null && $mtu0 != null ]] || fail "no vf_link_down / vf_mtu_exceeded drop reasons"
	vf0=$(stat .actions.vf); tx0=$(txdrop vm2); txe0=$(stat .drops.tx_error)
	to0=$(stat '.vfs[] | select(.pf == 0 and .vf == 2) | .to_pkts')
	# The VM's link down: 20 unicast frames to it, longer than the peer path takes (a small
	# frame goes into the VM's end directly, and the veth's own counter never sees its drop:
	# test_peer_path.sh), so that the veth's count below can be checked.
	ip -n ${LABP}vm2 link set eth0 down
	vm 1 "$RAWSEND" eth0 "$M2" "$M1" count 20 len 200 >/dev/null
	ip -n ${LABP}vm2 link set eth0 up
	(( $(stat .drops.vf_link_down) - link0 == 20 )) ||
		fail "vf_link_down rose by $(( $(stat .drops.vf_link_down) - link0 )), not 20"
	# The veth also drops what others flooded meanwhile: those copies are counted as tx_error
	# (a clone the kernel refused), so every drop of the veth has a reason.
	d=$(( $(txdrop vm2) - tx0 ))
	(( d >= 20 && d - 20 <= $(stat .drops.tx_error) - txe0 )) ||
		fail "the veth dropped $d: 20 + $(( $(stat .drops.tx_error) - txe0 )) flood copies expected at most"
	# A smaller MTU in the VM: 7 frames of 1200 octets dropped, 5 of 1000 delivered.
	ip -n ${LABP}vm2 link set eth0 mtu 1000
	vm 1 "$RAWSEND" eth0 "$M2" "$M1" count 7 len 1200 >/dev/null
	vm 1 "$RAWSEND" eth0 "$M2" "$M1" count 5 len 1000 >/dev/null
	ip -n ${LABP}vm2 link set eth0 mtu 1500
	(( $(stat .drops.vf_mtu_exceeded) - mtu0 == 7 )) ||
		fail "vf_mtu_exceeded rose by $(( $(stat .drops.vf_mtu_exceeded) - mtu0 )), not 7"
	(( $(stat .actions.vf) - vf0 == 5 )) ||
		fail "delivered to VFs: $(( $(stat .actions.vf) - vf0 )), not the 5 that fit"
	n=$(stat '.vfs[] | select(.pf == 0 and .vf == 2) | .to_pkts')
	(( n - to0 >= 5 && n - to0 < 20 )) ||
		fail "vm2's to_pkts rose by $(( n - to0 )): 5 (+ its own chatter), not the 27 dropped"
	grep -q 'vf_mtu_exceeded 7' <<<"$("$NSW" stats show "$NIC")" || fail "stats show text lacks the reason"
	# A tap no VM has open.
	hv ip tuntap add dev xd-tap1 mode tap
	hv ip link set xd-tap1 up
	"$NSW" vf add "$NIC" pf 0 vf 9 dev xd-tap1 >/dev/null
	link0=$(stat .drops.vf_link_down)
	vm 1 "$RAWSEND" eth0 "$("$NSW" -j vf show "$NIC" | jq -r '.[] | select(.pf == 0 and .vf == 9) | .mac')" "$M1" count 3 >/dev/null
	(( $(stat .drops.vf_link_down) - link0 == 3 )) ||
		fail "a tap without its VM: vf_link_down rose by $(( $(stat .drops.vf_link_down) - link0 )), not 3"
	"$NSW" vf del "$NIC" pf 0 vf 9 >/dev/null
	hv ip link del xd-tap1
}

test_truncated_tag_never_reaches_the_hook() {
	# 802.1Q TPID and two octets of TCI, no inner type: 16 octets. The kernel takes the outer
	# tag out before the tc hook, and frees a frame whose tag is cut short. A capture of what
	# the hook gets from vm1 sees the whole tags (the control) and none of the cut ones.
	local t0 n
	t0=$(stat .drops.truncated_tag)
	"$NSW" capture "$NIC" pf 0 vf 1 dir in duration 3 -w "$TMP/tag.pcap" 2>/dev/null &
	local pid=$!
	BG_PIDS+=($pid)
	sleep 1
	vm 1 python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
hdr = bytes.fromhex(sys.argv[1].replace(":", "") + sys.argv[2].replace(":", "") + "8100")
for _ in range(10): s.send(hdr + bytes.fromhex("a00a"))             # cut short
for _ in range(4): s.send(hdr + bytes.fromhex("a00a88b5") + bytes(46)) # whole
' "$M2" "$M1"
	wait "$pid"
	n=$(tshark -r "$TMP/tag.pcap" -Y 'vlan.id == 10' 2>/dev/null | wc -l)
	(( n == 4 )) || fail "the hook got $n frames with a whole tag, not 4"
	n=$(tshark -r "$TMP/tag.pcap" -Y 'frame.len < 18' 2>/dev/null | wc -l)
	(( n == 0 )) || fail "the hook got $n frames with a tag cut short"
	(( $(stat .drops.truncated_tag) == t0 )) || fail "truncated_tag counted at the hook"
}

test_nic_del_takes_the_drop_watch() { # last: it deletes the lab's NIC
	local prog
	prog=$(bpftool -j link show pinned "$PIN/link_rx_drop" | jq -r .prog_id)
	[[ $prog =~ ^[0-9]+$ ]] || fail "no drop watch pinned on the NIC"
	bpftool prog show id "$prog" >/dev/null 2>&1 || fail "the drop watch is not loaded"
	"$NSW" nic del "$NIC" >/dev/null
	local i # the kernel frees a detached program after a grace period
	for i in $(seq 30); do bpftool prog show id "$prog" >/dev/null 2>&1 || break; sleep 0.1; done
	! bpftool prog show id "$prog" >/dev/null 2>&1 || fail "nic del left the drop watch (prog $prog)"
}

for t in drops_at_the_receiving_vf_counted_by_reason truncated_tag_never_reaches_the_hook \
	deleted_vf_state_does_not_pass_to_next_vm vf_add_clears_stale_state vf_del_ends_its_capture \
	killed_capture_does_not_block_the_next capture_ends_cleanly_on_sighup only_vm_devices_are_vfs \
	only_ethernet_ports_are_uplinks nic_del_takes_the_drop_watch; do
	run_test "$t"
done
