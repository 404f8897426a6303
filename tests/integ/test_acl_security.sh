#!/usr/bin/env bash
# test_acl_security.sh - two ways around a VF's ACL, closed, on real traffic in the lab:
#  - a TCP SYN to a denied port behind IPv6 extension headers (hop-by-hop, destination
#    options, routing, an atomic fragment) must not reach the listener (no SYN-ACK comes back),
#    and a chain longer than the ACL follows is dropped and counted as acl_l4_unknown unless a
#    rule lets it through by name;
#  - `to-pf 1 action drop` on VF 0,1 keeps every copy of its broadcasts, multicasts and unicast
#    from PF 1's VFs while PF 0's VF and the port still get theirs, each dropped copy counted.
# The SYNs are built by nsw_rawsend syn6; vm2 listens on port 22 (iperf3).
source "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
# The listeners run as daemons (no pipe of ours held open) and are ended by their PID files:
# a namespace going away does not end its processes.
stop_listeners() {
	local f
	for f in "$TMP"/iperf*.pid; do [[ -s $f ]] && kill "$(cat "$f")" 2>/dev/null; rm -f "$f"; done
	return 0
}
trap 'stop_listeners; lab_cleanup; rm -rf "$TMP"' EXIT
lab_cleanup
"$NSW" lab up >/dev/null || { echo "FAIL lab_up: nswitch lab up failed"; exit 1; }
sleep 1
M1=$(mac_of ${LABP}vm1); M2=$(mac_of ${LABP}vm2)
M3=$(mac_of ${LABP}vm3); M4=$(mac_of ${LABP}vm4)
ip -n ${LABP}vm1 addr add fd77::1/64 dev eth0 nodad
ip -n ${LABP}vm2 addr add fd77::2/64 dev eth0 nodad
# vm2 answers without asking for vm1's address first: no neighbour discovery in the way.
ip -n ${LABP}vm2 -6 neigh replace fd77::1 lladdr "$M1" dev eth0 nud permanent
vm 2 iperf3 -s -p 22 -D -I "$TMP/iperf1.pid" >/dev/null 2>&1
sleep 0.5
CHAINS="none hbh dst rt frag hbh,frag"

synacks() { # synacks EXT COUNT: SYN-ACKs vm2 sends back for COUNT SYNs behind EXT
	local a=()
	[[ $1 != none ]] && a=(ext "$1")
	vm 1 "$RAWSEND" eth0 "$M2" "$M1" syn6 fd77::1 fd77::2 22 "${a[@]}" count "$2" wait 400 |
		awk '{print $4}'
}
rule_pkts() { # rule_pkts PF VF PRIO
	"$NSW" -j acl show "$NIC" pf "$1" vf "$2" | jq -r ".[] | select(.dir == \"in\") | .rules[] | select(.prio == $3) | .pkts"
}

test_syn6_reaches_the_listener_without_rules() {
	local c n
	for c in $CHAINS dst,dst,dst; do
		n=$(synacks "$c" 3)
		(( n == 3 )) || fail "no rules, headers $c: $n SYN-ACKs of 3 (the receiver must answer these)"
	done
}

test_syn_behind_ipv6_extension_headers_dropped() {
	echo "prio 10 proto tcp dport 22 action drop" |
		"$NSW" acl replace "$NIC" pf 0 vf 1 dir in >/dev/null
	local c n d0
	d0=$(stat .drops.acl_deny)
	for c in $CHAINS; do
		n=$(synacks "$c" 3)
		(( n == 0 )) || fail "headers $c: $n SYN-ACKs came back through the drop rule"
	done
	[[ $(rule_pkts 0 1 10) == 18 ]] || fail "the rule counted $(rule_pkts 0 1 10), not 18"
	(( $(stat .drops.acl_deny) - d0 == 18 )) || fail "acl_deny rose by $(( $(stat .drops.acl_deny) - d0 )), not 18"
	"$NSW" acl flush "$NIC" pf 0 vf 1 dir in
}

test_chain_past_the_bound_fails_closed() {
	echo "prio 10 proto tcp dport 22 action drop" |
		"$NSW" acl replace "$NIC" pf 0 vf 1 dir in >/dev/null
	local n l0
	l0=$(stat .drops.acl_l4_unknown)
	n=$(synacks dst,dst,dst 4)
	(( n == 0 )) || fail "a chain past the bound: $n SYN-ACKs came back"
	(( $(stat .drops.acl_l4_unknown) - l0 == 4 )) ||
		fail "acl_l4_unknown rose by $(( $(stat .drops.acl_l4_unknown) - l0 )), not 4"
	[[ $(rule_pkts 0 1 10) == 0 ]] || fail "the port rule was counted for frames it cannot see"
	# Let through by name: the policy rule ahead of the port rule decides, and counts.
	printf 'prio 1 l4 unknown action allow\nprio 10 proto tcp dport 22 action drop\n' |
		"$NSW" acl replace "$NIC" pf 0 vf 1 dir in >/dev/null
	n=$(synacks dst,dst,dst 4)
	(( n == 4 )) || fail "with \"l4 unknown action allow\": $n SYN-ACKs of 4"
	[[ $(rule_pkts 0 1 1) == 4 ]] || fail "the policy rule counted $(rule_pkts 0 1 1), not 4"
	n=$(synacks hbh 2)
	(( n == 0 )) || fail "the policy rule let a followed chain through"
	"$NSW" acl flush "$NIC" pf 0 vf 1 dir in
}

test_to_pf_stops_floods_and_unicast() {
	printf 'prio 10 ethertype 88b5 to-pf 1 action drop\nprio 20 to-pf 1 action drop\n' |
		"$NSW" acl replace "$NIC" pf 0 vf 1 dir in >/dev/null
	# What each receiver is given, counted exactly by a rule of its own on what it is given.
	local v
	for v in "0 2" "1 1" "1 2"; do
		echo "prio 1 ethertype 88b5 action allow" |
			"$NSW" acl replace "$NIC" pf ${v% *} vf ${v#* } dir out >/dev/null
	done
	local d0 u0
	d0=$(stat .drops.acl_deny); u0=$(stat '.pfs[0].to_pkts')
	vm 1 "$RAWSEND" eth0 ff:ff:ff:ff:ff:ff "$M1" count 20 >/dev/null
	vm 1 "$RAWSEND" eth0 01:00:5e:00:00:fb "$M1" count 20 >/dev/null
	vm 1 "$RAWSEND" eth0 "$M3" "$M1" count 20 >/dev/null
	vm 1 "$RAWSEND" eth0 "$M2" "$M1" count 20 >/dev/null
	local g2 g3 g4 dropped
	g2=$(jq -r '.[] | select(.pf == 0 and .vf == 2 and .dir == "out") | .rules[0].pkts' <<<"$("$NSW" -j acl show "$NIC")")
	g3=$(jq -r '.[] | select(.pf == 1 and .vf == 1 and .dir == "out") | .rules[0].pkts' <<<"$("$NSW" -j acl show "$NIC")")
	g4=$(jq -r '.[] | select(.pf == 1 and .vf == 2 and .dir == "out") | .rules[0].pkts' <<<"$("$NSW" -j acl show "$NIC")")
	dropped=$(rule_pkts 0 1 10)
	(( g3 == 0 && g4 == 0 )) || fail "PF 1's VFs were given $g3 and $g4 frames"
	(( g2 == 60 )) || fail "PF 0's vm2 was given $g2 of 60 frames (broadcast, multicast, unicast)"
	(( dropped == 100 )) || fail "the rule counted $dropped dropped copies, not 100 (2 x 20 x 2 floods + 20 unicast)"
	(( $(stat .drops.acl_deny) - d0 >= 100 )) || fail "acl_deny did not count the copies"
	(( $(stat '.pfs[0].to_pkts') - u0 >= 40 )) || fail "the port was not given the 40 flood copies"
	for v in "0 2" "1 1" "1 2"; do
		"$NSW" acl flush "$NIC" pf ${v% *} vf ${v#* } dir out
	done
	# IP traffic: a broadcast ping is answered from PF 0 only; unicast to PF 1 gets nothing.
	local n
	for n in 2 3 4; do ip netns exec ${LABP}vm$n sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0; done
	ip netns exec ${LABP}vm1 ping -b -c 3 -i 0.2 -W 1 10.77.0.255 >"$TMP/bping" 2>/dev/null || true
	grep -q 'from 10.77.0.2' "$TMP/bping" || fail "vm2 (PF 0) did not answer the broadcast ping"
	grep -Eq 'from 10.77.0.[34]' "$TMP/bping" && fail "a VM of PF 1 answered the broadcast ping"
	pings ${LABP}vm1 10.77.0.3 2 && fail "vm1 reached vm3 (PF 1)"
	pings ${LABP}vm1 10.77.0.2 3 || fail "vm1 cannot reach vm2 (PF 0)"
	pings ${LABP}vm1 10.77.0.100 3 || fail "vm1 cannot reach the outside (the uplink is not PF 1's)"
	"$NSW" acl flush "$NIC" pf 0 vf 1 dir in
	pings ${LABP}vm1 10.77.0.3 3 || fail "after the flush vm1 cannot reach vm3"
}

test_target_words_print_back_and_are_refused_out() {
	printf '%s\n' "prio 10 to-pf 1 action drop" "prio 20 proto udp to-vf 0,2 action drop" \
		"prio 30 l4 fragment to-uplink any action allow" \
		"prio 40 ethertype 88b5 to-uplink 0 action drop" "prio 50 l4 unknown action drop" >"$TMP/r"
	"$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/r" >/dev/null
	"$NSW" acl show "$NIC" pf 0 vf 1 | sed -n 's/^    \(prio .*\)  (.*$/\1/p' >"$TMP/printed"
	(( $(wc -l <"$TMP/printed") == 5 )) || fail "acl show printed $(wc -l <"$TMP/printed") rules"
	local before after
	before=$("$NSW" -j acl show "$NIC" pf 0 vf 1 | jq -c '[.[].rules[] | {prio, match, action}]')
	"$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/printed" >/dev/null ||
		fail "the printed rules do not parse"
	after=$("$NSW" -j acl show "$NIC" pf 0 vf 1 | jq -c '[.[].rules[] | {prio, match, action}]')
	[[ $before == "$after" ]] || fail "printed and parsed back: $after, not $before"
	before=$("$NSW" -j acl show "$NIC")
	echo "prio 1 to-pf 1 action drop" | "$NSW" acl replace "$NIC" pf 0 vf 2 dir out 2>"$TMP/err" >/dev/null &&
		fail "to-pf accepted in dir out"
	grep -Eq '^nswitch: .*(rule|line) 1: .*dir in only' "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
	for bad in "to-pf 8" "to-vf 1" "to-vf 1,2,3" "to-uplink" "l4 maybe" "to-pf 1 to-vf 0,2"; do
		echo "prio 1 $bad action drop" | "$NSW" acl replace "$NIC" pf 0 vf 1 dir in 2>/dev/null >/dev/null &&
			fail "\"$bad\" accepted"
	done
	after=$("$NSW" -j acl show "$NIC")
	[[ $before == "$after" ]] || fail "a refused replace changed the live rules"
	"$NSW" acl flush "$NIC" pf 0 vf 1 dir in
}

# The same verdicts with the NIC in mode xdp (nsw_xdp hands ACL'd and flooded frames to nsw_tc).
test_xdp_mode_same_verdicts() {
	stop_listeners
	lab_cleanup
	"$NSW" lab up mode xdp >/dev/null || fail "lab up mode xdp failed"
	sleep 1
	M1=$(mac_of ${LABP}vm1); M2=$(mac_of ${LABP}vm2)
	ip -n ${LABP}vm1 addr add fd77::1/64 dev eth0 nodad
	ip -n ${LABP}vm2 addr add fd77::2/64 dev eth0 nodad
	ip -n ${LABP}vm2 -6 neigh replace fd77::1 lladdr "$M1" dev eth0 nud permanent
	vm 2 iperf3 -s -p 22 -D -I "$TMP/iperf2.pid" >/dev/null 2>&1
	sleep 0.5
	local n
	n=$(synacks hbh 2)
	(( n == 2 )) || fail "xdp, no rules: $n SYN-ACKs of 2"
	printf 'prio 10 proto tcp dport 22 action drop\nprio 20 to-pf 1 action drop\n' |
		"$NSW" acl replace "$NIC" pf 0 vf 1 dir in >/dev/null
	for c in hbh dst frag dst,dst,dst; do
		n=$(synacks "$c" 2)
		(( n == 0 )) || fail "xdp, headers $c: $n SYN-ACKs came back through the drop rule"
	done
	pings ${LABP}vm1 10.77.0.2 2 || fail "xdp: vm1 cannot reach vm2"
	pings ${LABP}vm1 10.77.0.3 2 && fail "xdp: vm1 reached vm3 (PF 1)"
	stop_listeners
}

for t in syn6_reaches_the_listener_without_rules syn_behind_ipv6_extension_headers_dropped \
	chain_past_the_bound_fails_closed to_pf_stops_floods_and_unicast \
	target_words_print_back_and_are_refused_out xdp_mode_same_verdicts; do
	run_test "$t"
done
