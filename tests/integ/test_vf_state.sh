#!/usr/bin/env bash
# test_vf_state.sh - a VF's link state and its ip -j link record, on the lab with real traffic:
# state disable takes the VM's carrier away (read with ip -j link in the VM's namespace) and
# what is still sent to it is dropped, counted as vf_state_down and in the VF's rx dropped;
# enable brings both back; a tap VF loses its carrier; auto follows the carrier of the PF's
# uplink through the NIC's watcher (the uplink's far end set down and up), a VF in enable
# and a VF of a PF without an uplink untouched; nswitch -j vf show carries iproute2's VF keys
# (print_vfinfo) with iproute2's types; broadcast and multicast counters rise by exactly the
# ARP and multicast pings sent; bad input (a bad state word, a state for a missing VF, vf add
# with a bad state) is refused with one line and nothing changes; vf del hands a link nswitch
# held down back up, and so does nic del.
# Prints "ok NAME" / "FAIL NAME: why".
source "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
state_cleanup() {
	ip -n "${LABP}hv" link del "${LABP}tp0" 2>/dev/null || true
	lab_cleanup
	rm -rf "$TMP"
}
trap state_cleanup EXIT
lab_cleanup
"$NSW" lab up >/dev/null || { echo "FAIL lab_up: nswitch lab up failed"; exit 1; }
# No IPv6 chatter: the group counters must move by what the tests send only.
for ns in ${LABP}hv ${LABP}vm1 ${LABP}vm2 ${LABP}vm3 ${LABP}vm4 ${LABP}ext; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
M1=$(mac_of ${LABP}vm1); M2=$(mac_of ${LABP}vm2); M3=$(mac_of ${LABP}vm3)

vfj() { # vfj PF VF JQ: a field of VF PF,VF's record in nswitch -j vf show
	"$NSW" -j vf show "$NIC" | jq -r ".[] | select(.pf == $1 and .vf == $2) | $3"
}
carrier() { # carrier NS [DEV]: "yes" when the device has a carrier (LOWER_UP), else "no"
	ip -n "$1" -j link show "${2:-eth0}" |
		jq -r 'if (.[0].flags | index("LOWER_UP")) then "yes" else "no" end'
}
wait_carrier() { # wait_carrier NS yes|no [DEV]: up to 5 s
	local i
	for ((i = 0; i < 50; i++)); do
		[[ $(carrier "$1" "${3:-eth0}") == "$2" ]] && return 0
		sleep 0.1
	done
	fail "$1 ${3:-eth0}: carrier $(carrier "$1" "${3:-eth0}"), not $2"
}

test_disable_takes_the_vm_link_down_and_drops_counted() {
	pings ${LABP}vm1 10.77.0.2 2 || fail "vm1 cannot reach vm2 before"
	[[ $(vfj 0 2 .link_state) == enable ]] || fail "a new VF's state is $(vfj 0 2 .link_state), not enable"
	"$NSW" vf set "$NIC" pf 0 vf 2 state disable
	wait_carrier ${LABP}vm2 no
	[[ $(ip -n ${LABP}vm2 -j link show eth0 | jq -r '.[0].flags | index("NO-CARRIER") != null') == true ]] ||
		fail "vm2's eth0 does not report NO-CARRIER"
	[[ $(vfj 0 2 .link_state)/$(vfj 0 2 .link) == disable/down ]] ||
		fail "vf show: $(vfj 0 2 .link_state)/$(vfj 0 2 .link), not disable/down"
	local d0 rx0 tx0
	d0=$(stat .drops.vf_state_down); rx0=$(vfj 0 2 .stats.rx.dropped); tx0=$(vfj 0 1 .stats.tx.dropped)
	vm 1 "$RAWSEND" eth0 "$M2" "$M1" count 25 >/dev/null
	ext "$RAWSEND" eth0 "$M2" "$(mac_of ${LABP}ext)" count 5 >/dev/null
	sleep 0.2
	(( $(stat .drops.vf_state_down) - d0 == 30 )) ||
		fail "vf_state_down rose by $(( $(stat .drops.vf_state_down) - d0 )), not 30"
	(( $(vfj 0 2 .stats.rx.dropped) - rx0 == 30 )) ||
		fail "vf 0,2 rx dropped rose by $(( $(vfj 0 2 .stats.rx.dropped) - rx0 )), not 30"
	(( $(vfj 0 1 .stats.tx.dropped) - tx0 == 25 )) ||
		fail "vf 0,1 tx dropped rose by $(( $(vfj 0 1 .stats.tx.dropped) - tx0 )), not 25"
	! pings ${LABP}vm1 10.77.0.2 2 || fail "vm1 still reaches a disabled vm2"
	"$NSW" vf set "$NIC" pf 0 vf 2 state enable
	wait_carrier ${LABP}vm2 yes
	[[ $(vfj 0 2 .link_state)/$(vfj 0 2 .link) == enable/up ]] || fail "not enable/up after enable"
	pings ${LABP}vm1 10.77.0.2 3 || fail "vm1 cannot reach vm2 after enable"
}

test_tap_vf_loses_its_carrier() {
	hv ip tuntap add dev ${LABP}tp0 mode tap
	hv ip link set ${LABP}tp0 up
	local mac
	mac=$("$NSW" -j vf add "$NIC" pf 0 vf 9 dev ${LABP}tp0 | jq -r .mac)
	hv "$TAPVM" ${LABP}tp0 "$mac" 10.77.0.50 30 >/dev/null &
	BG_PIDS+=($!)
	wait_carrier ${LABP}hv yes ${LABP}tp0
	pings ${LABP}vm1 10.77.0.50 2 || fail "vm1 cannot reach the tap VM"
	"$NSW" vf set "$NIC" pf 0 vf 9 state disable
	wait_carrier ${LABP}hv no ${LABP}tp0
	local d0
	d0=$(stat .drops.vf_state_down)
	! pings ${LABP}vm1 10.77.0.50 3 || fail "vm1 still reaches a disabled tap VF"
	(( $(stat .drops.vf_state_down) - d0 >= 3 )) || fail "pings to a disabled tap VF not counted"
	"$NSW" vf set "$NIC" pf 0 vf 9 state enable
	wait_carrier ${LABP}hv yes ${LABP}tp0
	pings ${LABP}vm1 10.77.0.50 2 || fail "vm1 cannot reach the tap VM after enable"
	"$NSW" vf del "$NIC" pf 0 vf 9
}

test_auto_follows_the_uplink_carrier() {
	"$NSW" vf set "$NIC" pf 0 vf 1 state auto
	"$NSW" vf set "$NIC" pf 1 vf 1 state auto # PF 1 has no uplink: nothing to follow
	[[ $(vfj 0 1 .link) == up ]] || fail "auto with the uplink's carrier: not up"
	"$NSW" -j watch show "$NIC" | jq -e '.[0].pid' >/dev/null || fail "no watcher runs for $NIC"
	ext ip link set eth0 down # the uplink's far end: up0 loses its carrier
	wait_carrier ${LABP}vm1 no
	[[ $(vfj 0 1 .link) == down ]] || fail "vf 0,1 (auto) shows link $(vfj 0 1 .link) without carrier"
	[[ $(vfj 0 2 .link)/$(carrier ${LABP}vm2) == up/yes ]] || fail "vf 0,2 (enable) followed the carrier"
	[[ $(vfj 1 1 .link)/$(carrier ${LABP}vm3) == up/yes ]] || fail "vf 1,1 (PF without uplink) went down"
	local d0
	d0=$(stat .drops.vf_state_down)
	vm 3 "$RAWSEND" eth0 "$M1" "$M3" count 10 >/dev/null
	sleep 0.2
	(( $(stat .drops.vf_state_down) - d0 == 10 )) ||
		fail "to vf 0,1 without carrier: vf_state_down rose by $(( $(stat .drops.vf_state_down) - d0 )), not 10"
	ext ip link set eth0 up
	wait_carrier ${LABP}vm1 yes
	[[ $(vfj 0 1 .link) == up ]] || fail "vf 0,1 not up with the carrier back"
	pings ${LABP}vm1 10.77.0.100 3 || fail "vm1 cannot reach ext with the carrier back"
	"$NSW" vf set "$NIC" pf 0 vf 1 state enable
	"$NSW" vf set "$NIC" pf 1 vf 1 state enable
}

# iproute2's VF record (ip/ipaddress.c: print_vfinfo, print_vf_stats64) as jq paths and
# types; stats.tx's byte and packet keys are tx_bytes and tx_packets there.
IP_VF_KEYS='vf:number address:string link_type:string vlan_list:array rate.max_tx:number
rate.min_tx:number spoofchk:boolean link_state:string trust:boolean stats.rx.bytes:number
stats.rx.packets:number stats.rx.multicast:number stats.rx.broadcast:number
stats.rx.dropped:number stats.tx.tx_bytes:number stats.tx.tx_packets:number
stats.tx.dropped:number'

test_ip_j_link_keys_and_types() {
	local rec kv path type got
	rec=$("$NSW" -j vf show "$NIC" | jq -c '.[] | select(.pf == 0 and .vf == 1)')
	for kv in $IP_VF_KEYS; do
		path=${kv%%:*}; type=${kv#*:}
		got=$(jq -r ".$path | type" <<<"$rec")
		[[ $got == "$type" ]] || fail "key $path is $got, iproute2 prints a $type"
	done
	# vlan_list: one entry per VLAN, with vlan/qos/protocol only when set (VLAN 0: {}).
	[[ $(jq -c '.vlan_list' <<<"$rec") == '[{}]' ]] || fail "vlan_list $(jq -c .vlan_list <<<"$rec")"
	# Where a real ip -j link record exists, the same key carries the same value and type: the
	# VM's own device's address and link_type.
	[[ $(jq -r .address <<<"$rec") == $(ip -n ${LABP}vm1 -j link show eth0 | jq -r '.[0].address') ]] ||
		fail "address is not the VM's: $(jq -r .address <<<"$rec")"
	[[ $(jq -r .link_type <<<"$rec") == $(ip -n ${LABP}vm1 -j link show eth0 | jq -r '.[0].link_type') ]] ||
		fail "link_type is not the VM device's"
	# nswitch's own beside them.
	for kv in pf:number rid:string group_oui:string dev:string mode:string link:string; do
		got=$(jq -r ".${kv%%:*} | type" <<<"$rec")
		[[ $got == "${kv#*:}" ]] || fail "nswitch key ${kv%%:*} is $got"
	done
	[[ $(jq -r '.trust, .rate.max_tx' <<<"$rec" | tr '\n' ' ') == "false 0 " ]] || fail "trust/max_tx"
	# The text says the same (the field test's reader).
	"$NSW" vf show "$NIC" >"$TMP/t"; "$NSW" -j vf show "$NIC" >"$TMP/j"
	python3 "$ROOT/tests/integ/nsw_show_fields.py" vf "$TMP/t" "$TMP/j" || fail "text and JSON differ"
}

test_broadcast_and_multicast_counters() {
	local tb0 rb0 tm0 rm0 rm3 um0 up0
	vm 1 ip neigh flush dev eth0
	tb0=$(vfj 0 1 .stats.tx.broadcast); rb0=$(vfj 0 2 .stats.rx.broadcast)
	tm0=$(vfj 0 1 .stats.tx.multicast); rm0=$(vfj 0 2 .stats.rx.multicast)
	rm3=$(vfj 1 1 .stats.rx.multicast); um0=$(vfj 0 1 .stats.rx.multicast)
	pings ${LABP}vm1 10.77.0.2 1 || fail "ping vm2"
	# One ARP request (broadcast) from vm1; vm2 answers it unicast.
	(( $(vfj 0 1 .stats.tx.broadcast) - tb0 == 1 )) ||
		fail "vf 0,1 tx broadcast rose by $(( $(vfj 0 1 .stats.tx.broadcast) - tb0 )), not 1"
	(( $(vfj 0 2 .stats.rx.broadcast) - rb0 == 1 )) ||
		fail "vf 0,2 rx broadcast rose by $(( $(vfj 0 2 .stats.rx.broadcast) - rb0 )), not 1"
	# Five echo requests to 224.0.0.1 (01:00:5e:00:00:01); nobody answers a multicast echo.
	vm 1 sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=1
	vm 1 ping -c 5 -i 0.1 -W 1 -q -I eth0 224.0.0.1 >/dev/null || true
	sleep 0.2
	(( $(vfj 0 1 .stats.tx.multicast) - tm0 == 5 )) ||
		fail "vf 0,1 tx multicast rose by $(( $(vfj 0 1 .stats.tx.multicast) - tm0 )), not 5"
	(( $(vfj 0 2 .stats.rx.multicast) - rm0 == 5 )) ||
		fail "vf 0,2 rx multicast rose by $(( $(vfj 0 2 .stats.rx.multicast) - rm0 )), not 5"
	(( $(vfj 1 1 .stats.rx.multicast) - rm3 == 5 )) ||
		fail "vf 1,1 (another PF) rx multicast rose by $(( $(vfj 1 1 .stats.rx.multicast) - rm3 )), not 5"
	(( $(vfj 0 1 .stats.rx.multicast) - um0 == 0 )) || fail "the sender got its own multicast"
	(( $(vfj 0 1 .stats.tx.broadcast) - tb0 == 1 )) || fail "multicast counted as broadcast"
}

test_bad_input_refused_state_unchanged() {
	local before out rc
	"$NSW" vf set "$NIC" pf 0 vf 2 state disable
	before=$("$NSW" -j vf show "$NIC" | jq -c '[.[] | {pf, vf, link_state, link}]')
	out=$("$NSW" vf set "$NIC" pf 0 vf 2 state off 2>&1) && rc=0 || rc=$?
	(( rc == 1 )) && [[ $out == "nswitch: "* && $(wc -l <<<"$out") == 1 ]] || fail "bad state word: rc $rc: $out"
	out=$("$NSW" vf set "$NIC" pf 0 vf 7 state enable 2>&1) && rc=0 || rc=$?
	(( rc == 1 )) && [[ $out == "nswitch: vf set: no VF 0,7" ]] || fail "state on a missing VF: rc $rc: $out"
	out=$("$NSW" vf set "$NIC" pf 0 vf 2 state 2>&1) && rc=0 || rc=$?
	(( rc == 1 )) || fail "state without a value accepted"
	out=$("$NSW" vf set "$NIC" pf 0 vf 2 mac "$M1" state enable 2>&1) && rc=0 || rc=$?
	(( rc == 1 )) || fail "a taken MAC with a state accepted: $out"
	hv ip link add ${LABP}x0 type veth peer name ${LABP}x1
	out=$("$NSW" vf add "$NIC" pf 0 vf 7 dev ${LABP}x0 state sometimes 2>&1) && rc=0 || rc=$?
	hv ip link del ${LABP}x0
	(( rc == 1 )) || fail "vf add with a bad state accepted"
	[[ $("$NSW" -j vf show "$NIC" | jq -c '[.[] | {pf, vf, link_state, link}]') == "$before" ]] ||
		fail "the VFs changed under refused commands"
	[[ $(carrier ${LABP}vm2) == no ]] || fail "vm2's carrier came back under refused commands"
	"$NSW" vf set "$NIC" pf 0 vf 2 state enable
	wait_carrier ${LABP}vm2 yes
}

test_vf_del_hands_a_held_down_link_back() {
	"$NSW" vf set "$NIC" pf 1 vf 2 state disable
	wait_carrier ${LABP}vm4 no
	"$NSW" vf del "$NIC" pf 1 vf 2
	wait_carrier ${LABP}vm4 yes
	"$NSW" vf add "$NIC" pf 1 vf 2 dev vm4 >/dev/null
	pings ${LABP}vm4 10.77.0.3 2 || fail "vm4 not back after vf del and add"
}

test_nic_del_hands_held_down_links_back() { # last: the lab's NIC goes
	"$NSW" vf set "$NIC" pf 1 vf 1 state disable
	wait_carrier ${LABP}vm3 no
	"$NSW" nic del "$NIC" >/dev/null
	wait_carrier ${LABP}vm3 yes
}

run_test disable_takes_the_vm_link_down_and_drops_counted
run_test tap_vf_loses_its_carrier
run_test auto_follows_the_uplink_carrier
run_test ip_j_link_keys_and_types
run_test broadcast_and_multicast_counters
run_test bad_input_refused_state_unchanged
run_test vf_del_hands_a_held_down_link_back
run_test nic_del_hands_held_down_links_back
