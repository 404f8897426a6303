#!/usr/bin/env bash
# test_flood_drops.sh - a flood's copies not made, on the lab with real traffic, as stats show
# (-j and text) and vf show present them: broadcasts from vm1 give no copy to a VF whose link
# is held down (state disable), counted as vf_state_down and in that VF's rx dropped, and no
# copy to a VF waiting for its device (its veth deleted: "dev none wait NAME"), counted as
# no_device and in its rx dropped; the other VMs still get theirs.
# Prints "ok NAME" / "FAIL NAME: why".
source "$(dirname "$0")/lib.sh"
flood_cleanup() {
	lab_cleanup
}
trap flood_cleanup EXIT
lab_cleanup
"$NSW" lab up >/dev/null || { echo "FAIL lab_up: nswitch lab up failed"; exit 1; }
# No IPv6 chatter: the counters must move by what the tests send only.
for ns in ${LABP}hv ${LABP}vm1 ${LABP}vm2 ${LABP}vm3 ${LABP}vm4 ${LABP}ext; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
M1=$(mac_of ${LABP}vm1)

vfj() { # vfj PF VF JQ: a field of VF PF,VF's record in nswitch -j vf show
	"$NSW" -j vf show "$NIC" | jq -r ".[] | select(.pf == $1 and .vf == $2) | $3"
}
# The text of stats show names the reason with its count (the JSON's value).
shown() { # shown REASON
	local n
	n=$(stat ".drops.$1")
	"$NSW" stats show "$NIC" | grep -Eq "\b$1\b[^0-9]*$n\b" ||
		fail "stats show's text does not show $1 $n"
}

test_flood_to_a_held_down_vf_counted_vf_state_down() {
	"$NSW" vf set "$NIC" pf 1 vf 1 state disable
	local d0 rx0 ok0
	d0=$(stat .drops.vf_state_down); rx0=$(vfj 1 1 .stats.rx.dropped)
	ok0=$(vfj 0 2 .stats.rx.broadcast)
	vm 1 "$RAWSEND" eth0 ff:ff:ff:ff:ff:ff "$M1" count 10 >/dev/null
	sleep 0.3
	(( $(stat .drops.vf_state_down) - d0 >= 10 )) ||
		fail "vf_state_down rose by $(( $(stat .drops.vf_state_down) - d0 )), not 10"
	(( $(vfj 1 1 .stats.rx.dropped) - rx0 >= 10 )) ||
		fail "VF 1,1's rx dropped rose by $(( $(vfj 1 1 .stats.rx.dropped) - rx0 )), not 10"
	(( $(vfj 0 2 .stats.rx.broadcast) - ok0 >= 10 )) || fail "vm2 lost its copies"
	shown vf_state_down
	"$NSW" vf set "$NIC" pf 1 vf 1 state enable
}

test_flood_to_a_waiting_vf_counted_no_device() {
	hv ip link del vm2
	local i
	for ((i = 0; i < 50; i++)); do
		[[ $(vfj 0 2 '.wait // ""') == vm2 ]] && break
		sleep 0.1
	done
	[[ $(vfj 0 2 '.wait // ""') == vm2 ]] || fail "VF 0,2 is not waiting for vm2"
	local d0 rx0 ok0
	d0=$(stat .drops.no_device); rx0=$(vfj 0 2 .stats.rx.dropped)
	ok0=$(vfj 1 1 .stats.rx.broadcast)
	vm 1 "$RAWSEND" eth0 ff:ff:ff:ff:ff:ff "$M1" count 10 >/dev/null
	sleep 0.3
	(( $(stat .drops.no_device) - d0 >= 10 )) ||
		fail "no_device rose by $(( $(stat .drops.no_device) - d0 )), not 10"
	(( $(vfj 0 2 .stats.rx.dropped) - rx0 >= 10 )) ||
		fail "VF 0,2's rx dropped rose by $(( $(vfj 0 2 .stats.rx.dropped) - rx0 )), not 10"
	(( $(vfj 1 1 .stats.rx.broadcast) - ok0 >= 10 )) || fail "vm3 lost its copies"
	shown no_device
}

run_test flood_to_a_held_down_vf_counted_vf_state_down
run_test flood_to_a_waiting_vf_counted_no_device
