#!/usr/bin/env bash
# test_qos.sh - `nswitch qos` on real traffic in the lab: a VF's bit rate (htb 4e53: on the
# VF's host-end device, what the VF is given) holds for TCP; under it the 802.1p classes are
# served in strict priority; the packet-rate policer drops lower classes first; a root qdisc
# nswitch did not make is refused and survives; a set that fails at any step leaves the
# device exactly as it was; del removes nswitch's qdisc and nothing else; bad input changes
# nothing; nic del takes the rate with it. The device is inspected with tc, which the test (not
# nswitch) may use.
source "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT
lab_cleanup
"$NSW" lab up >/dev/null || { echo "FAIL lab_up: nswitch lab up failed"; exit 1; }
# No IPv6 chatter (router and neighbour solicitations, MLD) among the counted frames.
for ns in vm1 vm2 vm3 vm4 ext; do
	ip netns exec "${LABP}$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
sleep 1
M1=$(mac_of ${LABP}vm1); M2=$(mac_of ${LABP}vm2)
TMP=$(mktemp -d)
trap 'lab_cleanup; rm -rf "$TMP"' EXIT

tshark_bg() { # tshark_bg NS FILE FILTER SECONDS
	ip netns exec "$1" timeout "$4" tshark -q -i eth0 -f "$3" -w "$2" 2>/dev/null &
	BG_PIDS+=($!)
}

# What tc sees on host-end device DEV: qdiscs, classes, filters (program ids vary).
tc_state() {
	tc -n ${LABP}hv qdisc show dev "$1"
	tc -n ${LABP}hv class show dev "$1" | sort
	tc -n ${LABP}hv filter show dev "$1" | sed 's/ id [0-9]*//'
}
limits() { "$NSW" -j qos show "$NIC" | jq -c '[.[] | {pf, vf, dev, rate, rate_bps, pps}]'; }
figure() { echo "$*" >>"$TMP/figures"; } # printed after the tests
has_nsw_qdisc() { [[ $(tc -n ${LABP}hv qdisc show dev "$1") == *"qdisc htb 4e53: root"* ]]; }

# mbit FILE: received Mbit/s in an iperf3 server's JSON.
mbit() { jq '.end.sum_received.bits_per_second / 1e6' "$1"; }
# p99 of ping RTTs (ms) from NS to IP.
rtt_p99() {
	ip netns exec "$1" ping -i 0.01 -c "${3:-300}" "$2" 2>/dev/null |
		grep -o 'time=[0-9.]*' | cut -d= -f2 | sort -n |
		awk '{a[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; print a[i]}'
}

test_qos_rate_holds_for_tcp() {
	"$NSW" qos set "$NIC" pf 0 vf 1 rate 20mbit || fail "qos set rate 20mbit failed"
	has_nsw_qdisc vm1 || fail "no htb 4e53: on vm1"
	[[ $("$NSW" -j qos show "$NIC" | jq -c '[.[] | select(.vf == 1) | .rate, .rate_bps]') == '["20mbit",20000000]' ]] ||
		fail "show: $("$NSW" -j qos show "$NIC")"
	vm 1 iperf3 -s -1 -J -p 5401 >"$TMP/tcp.json" 2>/dev/null &
	local sp=$!
	BG_PIDS+=($sp)
	sleep 0.3
	vm 2 timeout 60 iperf3 -c 10.77.0.1 -p 5401 -t 4 >/dev/null
	wait "$sp" || true
	"$NSW" qos del "$NIC" pf 0 vf 1
	local got
	got=$(mbit "$TMP/tcp.json")
	figure "TCP through a 20mbit VF: $got Mbit/s"
	awk -v g="$got" 'BEGIN {exit !(g >= 14 && g <= 22)}' || fail "TCP got $got Mbit/s through 20mbit"
}

test_qos_strict_priority_under_a_flood() {
	# vm1 is given 20 Mbit/s. vm2 (802.1p class 0) floods it at 60 Mbit/s; vm3 (class 7)
	# first pings it, then sends 14 Mbit/s, more than an equal share: class 7 must keep >= 90%
	# of that, the flood the rest of the rate. Class 7's p99 RTT under the flood stays within
	# 2x idle plus 5 ms: strict priority cannot pre-empt the flood frame on the wire (1442
	# bytes at 20 Mbit/s take 0.58 ms), and the machine is shared; sharing the rate instead
	# of priority queues it tens of ms behind the flood.
	"$NSW" vf set "$NIC" pf 1 vf 1 qos 7
	"$NSW" qos set "$NIC" pf 0 vf 1 rate 20mbit
	local idle loaded hi lo
	idle=$(rtt_p99 ${LABP}vm3 10.77.0.1 100)
	vm 1 iperf3 -s -1 -J -p 5301 >"$TMP/lo.json" 2>/dev/null &
	local lp=$!
	vm 1 iperf3 -s -1 -J -p 5302 >"$TMP/hi.json" 2>/dev/null &
	local hp=$!
	BG_PIDS+=($lp $hp)
	sleep 0.3
	vm 2 timeout 60 iperf3 -c 10.77.0.1 -p 5301 -u -b 60M -l 1400 -t 6 >/dev/null 2>&1 &
	BG_PIDS+=($!)
	sleep 0.5
	loaded=$(rtt_p99 ${LABP}vm3 10.77.0.1 100)
	vm 3 timeout 60 iperf3 -c 10.77.0.1 -p 5302 -u -b 14M -l 1400 -t 4 >/dev/null 2>&1 &
	BG_PIDS+=($!)
	wait "$hp" "$lp" || true
	local classes
	classes=$("$NSW" -j qos show "$NIC" | jq -c '.[] | select(.vf == 1) | [.classes[] | select(.pkts > 0) | {pcp, bytes, drops}]')
	"$NSW" qos del "$NIC" pf 0 vf 1
	"$NSW" vf set "$NIC" pf 1 vf 1 qos 0
	hi=$(mbit "$TMP/hi.json")
	lo=$(mbit "$TMP/lo.json")
	figure "class 7: $hi of 14 Mbit/s; class 0 flood: $lo Mbit/s over 6 s; p99 idle $idle ms, under the flood $loaded ms; scheduler: $classes"
	awk -v h="$hi" 'BEGIN {exit !(h >= 12.6)}' || fail "class 7 got $hi of 14 Mbit/s under the flood"
	# The flood ran 6 s, 4 of them beside class 7: it had the rest of the rate.
	awk -v h="$hi" -v l="$lo" 'BEGIN {t = (l * 6 + h * 4) / 6; exit !(t >= 16 && t <= 22)}' ||
		fail "the rate was not used up and held: class 0 $lo, class 7 $hi Mbit/s"
	awk -v i="$idle" -v l="$loaded" 'BEGIN {exit !(l <= 2 * i + 5)}' ||
		fail "class 7 p99 $loaded ms under the flood vs $idle ms idle"
}

test_qos_packet_rate_drops_low_classes_first() {
	"$NSW" qos set "$NIC" pf 0 vf 2 pps 1000
	local r0
	r0=$(stat .drops.rate_limit)
	tshark_bg ${LABP}vm2 "$TMP/pps.pcap" "ether proto 0x88b5" 6
	sleep 2.5
	# Class 0 at ~5x the limit, class 7 well under it, at the same time.
	vm 1 "$RAWSEND" eth0 "$M2" "$M1" count 20000 ctag 0:1 >/dev/null &
	vm 3 bash -c "for i in \$(seq 20); do $RAWSEND eth0 $M2 $(mac_of ${LABP}vm3) count 10 ctag 7:1 >/dev/null; sleep 0.05; done"
	wait
	"$NSW" qos del "$NIC" pf 0 vf 2
	local hi lo
	hi=$(tshark -r "$TMP/pps.pcap" -Y 'vlan.priority == 7' 2>/dev/null | wc -l)
	lo=$(tshark -r "$TMP/pps.pcap" -Y 'vlan.priority == 0' 2>/dev/null | wc -l)
	(( hi >= 180 )) || fail "class 7 got $hi of 200 frames through"
	(( lo < 20000 )) || fail "class 0 was not limited ($lo of 20000)"
	(( $(stat .drops.rate_limit) - r0 == 20000 + 200 - hi - lo )) ||
		fail "rate_limit counted $(( $(stat .drops.rate_limit) - r0 )), expected $(( 20200 - hi - lo ))"
}

test_qos_admin_qdisc_survives() {
	# An admin's htb 1: with a class on vm2: a rate is refused with one line, the qdisc and
	# its class untouched; del leaves them too.
	tc -n ${LABP}hv qdisc add dev vm2 root handle 1: htb default 10
	tc -n ${LABP}hv class add dev vm2 parent 1: classid 1:10 htb rate 5mbit
	local before after
	before=$(tc_state vm2)
	"$NSW" qos set "$NIC" pf 0 vf 2 rate 20mbit 2>"$TMP/admin.err" && fail "rate set over an admin's root qdisc"
	after=$(tc_state vm2)
	[[ $before == "$after" ]] || fail "the admin's qdisc changed: $after"
	(( $(wc -l <"$TMP/admin.err") == 1 )) || fail "not one line: $(cat "$TMP/admin.err")"
	grep -q 'did not make' "$TMP/admin.err" || fail "unclear error: $(cat "$TMP/admin.err")"
	"$NSW" qos set "$NIC" pf 0 vf 2 rate 20mbit pps 5000 2>/dev/null && fail "rate+pps set over an admin's root qdisc"
	"$NSW" -j qos show "$NIC" | jq -e 'length == 0' >/dev/null || fail "a refused set left a limit"
	"$NSW" qos del "$NIC" pf 0 vf 2 || fail "del failed"
	after=$(tc_state vm2)
	[[ $before == "$after" ]] || fail "qos del changed the admin's qdisc: $after"
	tc -n ${LABP}hv qdisc del dev vm2 root
	figure "refused: $(cat "$TMP/admin.err")"
}

test_qos_failed_set_restores_state() {
	# A set that fails at its n-th netlink request (strace injects EIO into the n-th
	# sendto), for every n, leaves the device exactly as it was: on a device with no rate,
	# and on one with nswitch's 10mbit being changed to 30mbit.
	local before after n rc prev
	for prev in none 10mbit; do
		[[ $prev == none ]] || "$NSW" qos set "$NIC" pf 0 vf 1 rate "$prev"
		before=$(tc_state vm1)
		for n in $(seq 1 20); do
			rc=0
			strace -f -o /dev/null -e trace=sendto -e inject=sendto:error=EIO:when=$n \
				"$NSW" qos set "$NIC" pf 0 vf 1 rate 30mbit 2>"$TMP/inj.err" || rc=$?
			if (( rc == 0 )); then
				(( n > 3 )) || fail "set succeeded although request $n failed"
				break # every request before this one failed once: all steps covered
			fi
			(( $(wc -l <"$TMP/inj.err") == 1 )) || fail "not one line: $(cat "$TMP/inj.err")"
			after=$(tc_state vm1)
			[[ $before == "$after" ]] ||
				fail "from $prev, failing request $n ($(cat "$TMP/inj.err")) left: $after"
		done
		(( rc == 0 )) || fail "set never succeeded"
		"$NSW" -j qos show "$NIC" | jq -e '.[] | select(.vf == 1) | .rate == "30mbit"' >/dev/null ||
			fail "the set that went through did not give 30mbit"
		"$NSW" qos del "$NIC" pf 0 vf 1
		figure "from $prev: a failure at each of requests 1..$((n - 1)) undone"

	done
}

test_qos_del_removes_only_nswitch_qdisc() {
	local clean
	clean=$(tc_state vm1)
	"$NSW" qos set "$NIC" pf 0 vf 1 rate 20mbit pps 5000
	has_nsw_qdisc vm1 || fail "no qdisc made"
	"$NSW" qos del "$NIC" pf 0 vf 1 || fail "del failed"
	has_nsw_qdisc vm1 && fail "del left nswitch's qdisc"
	[[ $(tc_state vm1) == "$clean" ]] || fail "del did not give back the device as it was: $(tc_state vm1)"
	"$NSW" -j qos show "$NIC" | jq -e 'length == 0' >/dev/null || fail "show still lists a limit"
	"$NSW" qos del "$NIC" pf 0 vf 1 || fail "a del with nothing to remove failed"
	pings ${LABP}vm2 10.77.0.1 3 || fail "vm1 unreachable after del"
}

test_qos_bad_input() {
	"$NSW" qos set "$NIC" pf 0 vf 1 rate 0 2>/dev/null && fail "rate 0 accepted"
	"$NSW" qos set "$NIC" pf 0 vf 1 pps 0 2>/dev/null && fail "pps 0 accepted"
	"$NSW" qos set "$NIC" pf 0 vf 9 rate 10mbit 2>/dev/null && fail "unknown VF accepted"
	"$NSW" qos set "$NIC" pf 0 vf 1 rate fast 2>/dev/null && fail "bad rate accepted"
	"$NSW" -j qos show "$NIC" | jq -e 'length == 0' >/dev/null || fail "refused commands left a limit"
	# With a limit in place, nothing a refused command says changes it.
	"$NSW" qos set "$NIC" pf 0 vf 1 rate 10mbit pps 5000
	local before after show
	before=$(tc_state vm1)
	show=$(limits)
	for args in "rate 0" "rate 1bit" "rate 20tbit" "rate -5mbit" "rate 5mbit pps 0" "burst 9" \
		"rate 5mbit frob 1" "rate" "pps 99999999999" "rate 1e7" "rate nan" "pf 1 rate 5mbit"; do
		# shellcheck disable=SC2086
		"$NSW" qos set "$NIC" pf 0 vf 1 $args 2>"$TMP/bad.err" && fail "\"$args\" accepted"
		(( $(wc -l <"$TMP/bad.err") == 1 )) || fail "\"$args\": not one line: $(cat "$TMP/bad.err")"
	done
	"$NSW" qos set "$NIC" pf 0 vf 9 rate 5mbit 2>/dev/null && fail "unknown VF accepted"
	"$NSW" qos set "$NIC" pf 0 rate 5mbit 2>/dev/null && fail "missing vf accepted"
	after=$(tc_state vm1)
	[[ $before == "$after" ]] || fail "a refused command changed the qdisc: $after"
	[[ $show == "$(limits)" ]] || fail "a refused command changed the limits: $(limits)"
	"$NSW" qos del "$NIC" pf 0 vf 1
}

# An htb with nswitch's handle that nswitch did not make is still someone else's.
test_qos_admin_qdisc_with_our_handle_survives() {
	hv tc qdisc add dev vm2 root handle 4e53: htb default 10
	local before
	before=$(tc_state vm2)
	"$NSW" qos set "$NIC" pf 0 vf 2 rate 20mbit 2>/dev/null && fail "qos set took over the admin's 4e53: htb"
	"$NSW" qos del "$NIC" pf 0 vf 2 || fail "qos del failed"
	[[ $(tc_state vm2) == "$before" ]] || fail "the admin's qdisc changed: $(tc_state vm2)"
	hv tc qdisc del dev vm2 root
}

# Last: the NIC goes, and the rate with it.
test_qos_gone_with_the_nic() {
	"$NSW" qos set "$NIC" pf 0 vf 1 rate 10mbit
	"$NSW" qos set "$NIC" pf 1 vf 2 rate 10mbit
	has_nsw_qdisc vm1 || fail "no htb 4e53: on vm1"
	"$NSW" nic del "$NIC" >/dev/null
	! has_nsw_qdisc vm1 || fail "nic del left the rate qdisc on vm1"
	! has_nsw_qdisc vm4 || fail "nic del left the rate qdisc on vm4"
}

for t in qos_rate_holds_for_tcp qos_strict_priority_under_a_flood \
	qos_packet_rate_drops_low_classes_first qos_admin_qdisc_survives \
	qos_failed_set_restores_state qos_del_removes_only_nswitch_qdisc qos_bad_input \
	qos_admin_qdisc_with_our_handle_survives qos_gone_with_the_nic; do
	if [[ $t == qos_failed_set_restores_state ]] && ! command -v strace >/dev/null; then
		echo "skip $t: strace not installed (apt-get install strace)"
		continue
	fi
	run_test "$t"
done
[[ -s $TMP/figures ]] && sed 's/^/# /' "$TMP/figures"
true
