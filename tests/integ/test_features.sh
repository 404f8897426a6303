#!/usr/bin/env bash
# test_features.sh - what neither a vSwitch nor a NIC's VEB gives, on real traffic in the lab:
# capture of inter-VM traffic to pcap (file and stdout) with PCP intact; SPAN to a monitor VF;
# ACLs (a denied flow gets nothing through, allowed flows untouched, exact rule counters, a
# replace under traffic loses nothing, bad rules leave the live set). QoS: test_qos.sh.
source "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT
lab_cleanup
"$NSW" lab up >/dev/null || { echo "FAIL lab_up: nswitch lab up failed"; exit 1; }
sleep 1
M1=$(mac_of ${LABP}vm1); M2=$(mac_of ${LABP}vm2); M4=$(mac_of ${LABP}vm4)
TMP=$(mktemp -d)
trap 'lab_cleanup; rm -rf "$TMP"' EXIT

tshark_bg() { # tshark_bg NS FILE FILTER SECONDS
	ip netns exec "$1" timeout "$4" tshark -q -i eth0 -f "$3" -w "$2" 2>/dev/null &
	BG_PIDS+=($!)
}

test_capture_exact_frames_with_pcp() {
	"$NSW" capture "$NIC" pf 0 vf 1 dir in case 0 duration 4 -w "$TMP/cap.pcap" 2>"$TMP/cap.err" &
	local pid=$!
	BG_PIDS+=($pid)
	sleep 1
	vm 1 "$RAWSEND" eth0 "$M2" "$M1" count 50 len 100 ctag 5:10 >/dev/null
	wait "$pid"
	local n bytes pcp
	n=$(tshark -r "$TMP/cap.pcap" -Y 'vlan.etype == 0x88b5' 2>/dev/null | wc -l)
	bytes=$(tshark -r "$TMP/cap.pcap" -Y 'vlan.etype == 0x88b5' -T fields -e frame.len 2>/dev/null | awk '{s+=$1} END {print s+0}')
	pcp=$(tshark -r "$TMP/cap.pcap" -Y 'vlan.etype == 0x88b5' -T fields -e vlan.priority -e vlan.id 2>/dev/null | sort -u | tr '\t' ' ')
	(( n == 50 )) || fail "captured $n of 50 frames"
	(( bytes == 5000 )) || fail "captured $bytes of 5000 bytes"
	[[ $pcp == "5 10" ]] || fail "PCP/VID decoded as \"$pcp\", not \"5 10\""
	grep -q ' 0 lost' "$TMP/cap.err" || fail "capture reported losses: $(cat "$TMP/cap.err")"
}

test_capture_to_stdout_for_tshark() {
	( "$NSW" capture "$NIC" oui "${M1%:*:*:*}" case 0 count 10 -w - 2>/dev/null |
		tshark -r - 2>/dev/null | wc -l >"$TMP/stdout.count" ) &
	local pid=$!
	BG_PIDS+=($pid)
	sleep 1
	pings ${LABP}vm1 10.77.0.2 5
	wait "$pid"
	local n
	n=$(cat "$TMP/stdout.count")
	(( n == 10 )) || fail "tshark read $n of 10 frames from the stream"
}

test_mirror_span_to_monitor_vf() {
	"$NSW" mirror add "$NIC" pf 0 vf 1 to pf 1 vf 2 dir in
	tshark_bg ${LABP}vm2 "$TMP/dst.pcap" "ether proto 0x88b5" 5
	tshark_bg ${LABP}vm4 "$TMP/mon.pcap" "ether proto 0x88b5" 5
	sleep 2.5
	vm 1 "$RAWSEND" eth0 "$M2" "$M1" count 40 len 200 >/dev/null
	wait
	"$NSW" mirror del "$NIC" pf 0 vf 1
	local d m
	d=$(tshark -r "$TMP/dst.pcap" 2>/dev/null | wc -l)
	m=$(tshark -r "$TMP/mon.pcap" -Y "eth.src == $M1 && eth.dst == $M2 && frame.len == 200" 2>/dev/null | wc -l)
	(( d == 40 )) || fail "destination got $d of 40 frames"
	(( m == 40 )) || fail "monitor got $m of 40 unchanged frames"
	"$NSW" -j mirror show "$NIC" | jq -e 'length == 0' >/dev/null || fail "session not removed"
}

test_acl_deny_allow_counters() {
	printf '%s\n' "prio 10 proto udp dport 5555 action drop" \
		"prio 20 src-ip 10.77.0.1/32 proto icmp action allow" \
		"prio 30 src-oui ${M1%:*:*:*} ethertype 0806 action allow" >"$TMP/rules"
	"$NSW" acl replace "$NIC" pf 0 vf 2 dir out file "$TMP/rules" >/dev/null
	pings ${LABP}vm1 10.77.0.2 3 || fail "ICMP vm1->vm2 not allowed"
	tshark_bg ${LABP}vm2 "$TMP/udp.pcap" "udp port 5555 or udp port 5556" 5
	sleep 2.5
	for i in $(seq 20); do vm 1 bash -c 'echo x >/dev/udp/10.77.0.2/5555'; done
	for i in $(seq 7); do vm 1 bash -c 'echo x >/dev/udp/10.77.0.2/5556'; done
	wait
	local denied allowed j
	denied=$(tshark -r "$TMP/udp.pcap" -Y 'udp.dstport == 5555' 2>/dev/null | wc -l)
	allowed=$(tshark -r "$TMP/udp.pcap" -Y 'udp.dstport == 5556' 2>/dev/null | wc -l)
	(( denied == 0 )) || fail "$denied frames of the denied flow got through"
	(( allowed == 7 )) || fail "allowed UDP flow: $allowed of 7"
	j=$("$NSW" -j acl show "$NIC" pf 0 vf 2)
	[[ $(jq '.[0].rules[] | select(.prio == 10) | .pkts' <<<"$j") == 20 ]] ||
		fail "deny rule counted $(jq '.[0].rules[] | select(.prio == 10) | .pkts' <<<"$j"), not 20"
	[[ $(jq '.[0].rules[] | select(.prio == 20) | .pkts' <<<"$j") == 3 ]] ||
		fail "ICMP rule counted $(jq '.[0].rules[] | select(.prio == 20) | .pkts' <<<"$j"), not 3"
	(( $(stat .drops.acl_deny) >= 20 )) || fail "acl_deny drop reason not counted"
	"$NSW" acl flush "$NIC" pf 0 vf 2 dir out
	"$NSW" -j acl show "$NIC" | jq -e 'length == 0' >/dev/null || fail "flush left rules"
}

test_acl_replace_under_traffic_loses_nothing() {
	printf 'prio 1 proto udp dport 9 action drop\nprio 2 src-ip 10.77.0.1/32 action allow\n' >"$TMP/a"
	printf 'prio 5 proto tcp dport 80 action drop\nprio 6 ethertype 0800 action allow\nprio 7 dst-oui %s action allow\n' "${M2%:*:*:*}" >"$TMP/b"
	vm 1 ping -i 0.005 -c 600 -q 10.77.0.2 >"$TMP/ping.out" 2>&1 &
	local pid=$!
	BG_PIDS+=($pid)
	for i in $(seq 15); do
		"$NSW" acl replace "$NIC" pf 0 vf 2 dir out file "$TMP/a" >/dev/null
		"$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/b" >/dev/null
		"$NSW" acl replace "$NIC" pf 0 vf 2 dir out file "$TMP/b" >/dev/null
		"$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/a" >/dev/null
	done
	wait "$pid" || true
	grep -q ' 0% packet loss' "$TMP/ping.out" || fail "lost frames: $(grep -o '[0-9.]*% packet loss' "$TMP/ping.out")"
	"$NSW" acl flush "$NIC" pf 0 vf 2 dir out
	"$NSW" acl flush "$NIC" pf 0 vf 1 dir in
}

test_acl_bad_input_leaves_rules() {
	printf 'prio 1 proto udp dport 9 action drop\n' >"$TMP/ok"
	"$NSW" acl replace "$NIC" pf 0 vf 2 dir in file "$TMP/ok" >/dev/null
	local before after
	before=$("$NSW" -j acl show "$NIC")
	printf 'prio 1 proto udp action drop\nprio 1 proto tcp action drop\n' >"$TMP/dup"
	printf 'prio 1 frobnicate 3 action drop\n' >"$TMP/bad"
	printf 'prio 1 dport 80 action drop\n' >"$TMP/noproto"
	printf 'prio 1 src-ip 10.0.0.300/8 action drop\n' >"$TMP/badip"
	printf 'prio 1 proto udp action mirror to 1,77\n' >"$TMP/nomon"
	"$NSW" acl replace "$NIC" pf 0 vf 2 dir in file "$TMP/dup" 2>/dev/null && fail "duplicate prio accepted"
	"$NSW" acl replace "$NIC" pf 0 vf 2 dir in file "$TMP/bad" 2>/dev/null && fail "unknown field accepted"
	"$NSW" acl replace "$NIC" pf 0 vf 2 dir in file "$TMP/noproto" 2>/dev/null && fail "port without proto accepted"
	"$NSW" acl replace "$NIC" pf 0 vf 2 dir in file "$TMP/badip" 2>/dev/null && fail "bad prefix accepted"
	"$NSW" acl replace "$NIC" pf 0 vf 2 dir in file "$TMP/nomon" 2>/dev/null && fail "mirror to a missing VF accepted"
	"$NSW" acl replace "$NIC" pf 0 vf 99 dir in file "$TMP/ok" 2>/dev/null && fail "unknown VF accepted"
	after=$("$NSW" -j acl show "$NIC")
	[[ $before == "$after" ]] || fail "a refused replace changed the live rules"
	"$NSW" acl flush "$NIC" pf 0 vf 2 dir in
}

for t in capture_exact_frames_with_pcp capture_to_stdout_for_tshark mirror_span_to_monitor_vf \
	acl_deny_allow_counters acl_replace_under_traffic_loses_nothing acl_bad_input_leaves_rules; do
	run_test "$t"
done
