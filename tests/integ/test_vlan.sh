#!/usr/bin/env bash
# test_vlan.sh - port VLANs per VF (vf set ... vlan VID [qos PCP] [proto 802.1Q|802.1ad]) on
# real traffic in the lab (vm1 VF 0,1, vm2 VF 0,2, vm3 VF 1,1, vm4 VF 1,2, ext behind PF 0's
# port): two VLANs on one PF kept apart (not even ARP crosses), one VLAN across PFs reachable,
# the external host reading VID and PCP (802.1Q and 802.1ad) off its capture (the kernel has no
# 8021q module: tags are read from tshark), a tagged frame from the port reaching the VM
# untagged and an untagged one dropped as vlan_unknown, the VM's own tag dropped as
# vlan_violation, vlan 0 restoring untagged switching under a running ping, vf show, and every
# bad input refused with one line and the state unchanged.
source "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT
lab_cleanup
# NSW_VLAN_MODE=tc-peer|xdp runs the same in another mode of the data path.
"$NSW" lab up ${NSW_VLAN_MODE:+mode "$NSW_VLAN_MODE"} >/dev/null || { echo "FAIL lab_up: nswitch lab up failed"; exit 1; }
sleep 1
TMP=$(mktemp -d)
trap 'lab_cleanup; rm -rf "$TMP"' EXIT
M1=$(mac_of ${LABP}vm1); MEXT=$(mac_of ${LABP}ext)

novlan() { # every VF back to the untagged VLAN
	local pf vf
	for pf in 0 1; do for vf in 1 2; do "$NSW" vf set "$NIC" pf $pf vf $vf vlan 0 qos 0; done; done
}

flush_arp() {
	local n
	for n in 1 2 3 4; do vm $n ip neigh flush dev eth0; done
	ext ip neigh flush dev eth0
}

tshark_bg() { # tshark_bg NS FILE FILTER SECONDS
	ip netns exec "$1" timeout "$4" tshark -q -i eth0 -f "$3" -w "$2" 2>/dev/null &
	BG_PIDS+=($!)
}

test_two_vlans_on_one_pf_isolated() {
	novlan
	"$NSW" vf set "$NIC" pf 0 vf 1 vlan 10
	"$NSW" vf set "$NIC" pf 0 vf 2 vlan 20
	flush_arp
	tshark_bg ${LABP}vm2 "$TMP/iso.pcap" "arp or icmp" 8
	captures_ready "$TMP/iso.pcap"
	pings ${LABP}vm1 10.77.0.2 3 && fail "vm1 (VLAN 10) reached vm2 (VLAN 20)"
	captures_end
	local n
	n=$(tshark -r "$TMP/iso.pcap" -Y "eth.src == $M1" 2>/dev/null | wc -l)
	(( n == 0 )) || fail "vm2 saw $n frames of vm1 (ARP crossed the VLANs)"
	pings ${LABP}vm2 10.77.0.1 2 && fail "vm2 reached vm1"
	novlan
	pings ${LABP}vm1 10.77.0.2 || fail "vm1 cannot reach vm2 once both are untagged again"
}

test_same_vlan_across_pfs_reachable() {
	novlan
	"$NSW" vf set "$NIC" pf 0 vf 1 vlan 10
	"$NSW" vf set "$NIC" pf 1 vf 1 vlan 10
	flush_arp
	pings ${LABP}vm1 10.77.0.3 || fail "vm1 and vm3 (VLAN 10, PFs 0 and 1) do not reach each other"
	pings ${LABP}vm1 10.77.0.4 2 && fail "vm1 (VLAN 10) reached vm4 (untagged)"
	novlan
}

test_external_host_sees_vid_and_pcp() {
	novlan
	"$NSW" vf set "$NIC" pf 0 vf 1 vlan 10 qos 5
	flush_arp
	tshark_bg ${LABP}ext "$TMP/q.pcap" "" 8
	captures_ready "$TMP/q.pcap"
	vm 1 ping -c 3 -i 0.2 -W 1 -q 10.77.0.100 >/dev/null 2>&1 || true
	"$NSW" vf set "$NIC" pf 0 vf 1 vlan 30 qos 3 proto 802.1ad
	vm 1 ping -c 3 -i 0.2 -W 1 -q 10.77.0.100 >/dev/null 2>&1 || true
	captures_end
	local q ad plain
	q=$(tshark -r "$TMP/q.pcap" -Y "eth.src == $M1 && vlan.id == 10 && vlan.priority == 5 && !ieee8021ad" 2>/dev/null | wc -l)
	ad=$(tshark -r "$TMP/q.pcap" -Y "eth.src == $M1 && ieee8021ad.id == 30 && ieee8021ad.priority == 3" 2>/dev/null | wc -l)
	plain=$(tshark -r "$TMP/q.pcap" -Y "eth.src == $M1 && !vlan && !ieee8021ad" 2>/dev/null | wc -l)
	(( q >= 1 )) || fail "the external host saw no frame of vm1 tagged 802.1Q VID 10 PCP 5"
	(( ad >= 1 )) || fail "the external host saw no frame of vm1 tagged 802.1ad VID 30 PCP 3"
	(( plain == 0 )) || fail "the external host saw $plain untagged frames of vm1"
	novlan
}

test_from_port_tag_removed_untagged_dropped() {
	novlan
	"$NSW" vf set "$NIC" pf 0 vf 1 vlan 10
	tshark_bg ${LABP}vm1 "$TMP/in.pcap" "ether src $MEXT" 8
	captures_ready "$TMP/in.pcap"
	local u0
	u0=$(stat .drops.vlan_unknown)
	ext "$RAWSEND" eth0 "$M1" "$MEXT" count 6 ctag 2:10 type 0x88b5 >/dev/null
	ext "$RAWSEND" eth0 "$M1" "$MEXT" count 4 type 0x88b5 >/dev/null
	ext "$RAWSEND" eth0 "$M1" "$MEXT" count 3 ctag 0:11 type 0x88b5 >/dev/null
	captures_end
	local got tagged
	got=$(tshark -r "$TMP/in.pcap" -Y "eth.type == 0x88b5" 2>/dev/null | wc -l)
	tagged=$(tshark -r "$TMP/in.pcap" -Y "vlan" 2>/dev/null | wc -l)
	(( got == 6 )) || fail "vm1 got $got of the 6 frames of VLAN 10, untagged"
	(( tagged == 0 )) || fail "vm1 got $tagged frames still tagged"
	(( $(stat .drops.vlan_unknown) == u0 + 7 )) || fail "vlan_unknown rose by $(( $(stat .drops.vlan_unknown) - u0 )), not 7"
	novlan
}

test_own_tag_is_a_violation() {
	novlan
	"$NSW" vf set "$NIC" pf 0 vf 1 vlan 10
	local v0
	v0=$(stat .drops.vlan_violation)
	vm 1 "$RAWSEND" eth0 "$(mac_of ${LABP}vm3)" "$M1" count 9 ctag 0:10 >/dev/null
	(( $(stat .drops.vlan_violation) == v0 + 9 )) || fail "vlan_violation rose by $(( $(stat .drops.vlan_violation) - v0 )), not 9"
	novlan
}

test_vlan_0_restores_untagged_switching_under_ping() {
	novlan
	"$NSW" vf set "$NIC" pf 0 vf 1 vlan 10
	"$NSW" vf set "$NIC" pf 0 vf 2 vlan 20
	# Neighbours known, so no echo waits in an ARP queue for the VLANs to merge.
	vm 1 ip neigh replace 10.77.0.2 lladdr "$(mac_of ${LABP}vm2)" dev eth0
	vm 2 ip neigh replace 10.77.0.1 lladdr "$M1" dev eth0
	vm 1 ping -c 60 -i 0.1 -W 1 10.77.0.2 >"$TMP/ping.out" 2>&1 &
	local pid=$!
	BG_PIDS+=($pid)
	sleep 2
	"$NSW" vf set "$NIC" pf 0 vf 1 vlan 0
	"$NSW" vf set "$NIC" pf 0 vf 2 vlan 0
	wait "$pid" || true
	local first n
	first=$(grep -o 'icmp_seq=[0-9]*' "$TMP/ping.out" | head -1 | cut -d= -f2)
	n=$(grep -c 'bytes from' "$TMP/ping.out" || true)
	[[ -n $first ]] || fail "no echo answered after vlan 0"
	(( first > 10 )) || fail "the first answer was icmp_seq $first: VLANs 10 and 20 were not apart before vlan 0"
	(( n >= 20 )) || fail "only $n echoes answered after vlan 0"
}

test_vf_show_has_the_vlan() {
	novlan
	"$NSW" vf set "$NIC" pf 1 vf 2 vlan 44 qos 6 proto 802.1ad
	local j
	j=$("$NSW" -j vf show "$NIC" | jq -c '.[] | select(.pf == 1 and .vf == 2) | .vlan_list')
	[[ $j == '[{"vlan":44,"qos":6,"protocol":"802.1ad"}]' ]] || fail "vf show -j says vlan_list $j"
	"$NSW" vf show "$NIC" | grep -A1 '^vf 1,2 ' | grep -q '^    link/ether .* vlan 44 qos 6 proto 802.1ad ' || fail "vf show text: $("$NSW" vf show "$NIC" | grep -A1 '^vf 1,2')"
	"$NSW" vf show "$NIC" >"$TMP/show.txt"
	"$NSW" -j vf show "$NIC" >"$TMP/show.json"
	python3 "$ROOT/tests/integ/nsw_show_fields.py" vf "$TMP/show.txt" "$TMP/show.json" || fail "text and JSON differ"
	novlan
}

test_bad_input_refused_state_unchanged() {
	novlan
	"$NSW" vf set "$NIC" pf 0 vf 1 vlan 10 qos 2
	local before after out rc args
	before=$("$NSW" -j vf show "$NIC" | vf_settings)
	for args in "pf 0 vf 1 vlan 4095" "pf 0 vf 1 vlan 5000" "pf 0 vf 1 vlan 10 proto 802.1x" \
		"pf 0 vf 1 vlan 10 qos 8" "pf 0 vf 9 vlan 10" "pf 0 vf 1 proto 802.1ad" \
		"pf 0 vf 1 vlan -1" "pf 0 vf 1 vlan 20 mac 01:00:5e:00:00:01"; do
		rc=0
		out=$("$NSW" vf set "$NIC" $args 2>&1) || rc=$?
		(( rc == 1 )) || fail "vf set $args: exit $rc"
		[[ $(wc -l <<<"$out") == 1 && $out == "nswitch: "* ]] || fail "vf set $args: not one line: $out"
	done
	# vf add with a bad VLAN: nothing made (the device stays free for a good add).
	hv ip link add "${LABP}vt0" type veth peer name "${LABP}vt1"
	rc=0; out=$("$NSW" vf add "$NIC" pf 0 vf 9 dev "${LABP}vt0" vlan 4095 2>&1) || rc=$?
	(( rc == 1 )) && [[ $out == "nswitch: "* ]] || fail "vf add vlan 4095: exit $rc: $out"
	rc=0; out=$("$NSW" vf add "$NIC" pf 0 vf 9 dev "${LABP}vt0" proto 802.1ad 2>&1) || rc=$?
	(( rc == 1 )) && [[ $out == "nswitch: "* ]] || fail "vf add proto without vlan: exit $rc: $out"
	after=$("$NSW" -j vf show "$NIC" | vf_settings)
	[[ $before == "$after" ]] || fail "the VFs changed under refused commands"
	"$NSW" vf add "$NIC" pf 0 vf 9 dev "${LABP}vt0" vlan 12 proto 802.1Q >/dev/null || fail "a good vf add with vlan was refused"
	[[ $("$NSW" -j vf show "$NIC" | jq -c '.[] | select(.pf == 0 and .vf == 9) | .vlan_list') == '[{"vlan":12,"protocol":"802.1Q"}]' ]] || fail "vf add's VLAN not shown"
	"$NSW" vf del "$NIC" pf 0 vf 9
	hv ip link del "${LABP}vt0"
	novlan
}

test_capture_and_acl_see_the_port_vlan() {
	novlan
	"$NSW" vf set "$NIC" pf 0 vf 1 vlan 10 qos 5
	"$NSW" vf set "$NIC" pf 1 vf 1 vlan 10
	pings ${LABP}vm1 10.77.0.3 || fail "vm1 and vm3 (VLAN 10) do not reach each other"
	"$NSW" capture "$NIC" pf 0 vf 1 dir both duration 3 -w "$TMP/cap.pcap" 2>"$TMP/cap.err" &
	local pid=$!
	BG_PIDS+=($pid)
	sleep 1
	pings ${LABP}vm1 10.77.0.3 5 || fail "vm1 to vm3 lost echoes under capture"
	wait "$pid"
	local out in
	out=$(tshark -r "$TMP/cap.pcap" -Y "icmp.type == 8 && vlan.id == 10 && vlan.priority == 5" 2>/dev/null | wc -l)
	in=$(tshark -r "$TMP/cap.pcap" -Y "icmp.type == 0 && vlan.id == 10" 2>/dev/null | wc -l)
	(( out == 5 )) || fail "the capture shows $out of vm1's 5 echoes tagged VID 10 PCP 5"
	(( in == 5 )) || fail "the capture shows $in of the 5 replies to vm1 tagged VID 10"
	# A rule on the VLAN matches the frames of the VF's port VLAN.
	printf 'prio 1 vlan 10 proto icmp action drop\n' | "$NSW" acl replace "$NIC" pf 0 vf 1 dir in
	pings ${LABP}vm1 10.77.0.3 2 && fail "an ACL drop of VLAN 10 let vm1's echoes through"
	"$NSW" acl flush "$NIC" pf 0 vf 1 dir in
	novlan
}

run_test two_vlans_on_one_pf_isolated
run_test same_vlan_across_pfs_reachable
run_test external_host_sees_vid_and_pcp
run_test from_port_tag_removed_untagged_dropped
run_test own_tag_is_a_violation
run_test vlan_0_restores_untagged_switching_under_ping
run_test vf_show_has_the_vlan
run_test bad_input_refused_state_unchanged
run_test capture_and_acl_see_the_port_vlan
