#!/usr/bin/env bash
# test_peer_path.sh - mode tc's peer path (cli/nsw_cli_path.c, nsw_deliver_vf): a small frame to
# a veth VF with nothing on its host end's egress goes straight into the VM's end
# (bpf_redirect_peer: the host end transmits nothing); a longer one keeps bpf_redirect, so the
# veth still checks the VM's MTU; a QoS rate takes the VF off the peer path, so its scheduler
# sees every frame, and qos del puts it back; an admin's qdisc or egress filter on a VF's device
# keeps it off; a drop of the peer redirect (the VM's end down) is counted by reason. What the
# device transmitted is read with ip and tc, which the test (not nswitch) may use.
source "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
trap 'hv ip link del ${LABP}pp0 2>/dev/null; lab_cleanup; rm -rf "$TMP"' EXIT
lab_cleanup
"$NSW" lab up >/dev/null || { echo "FAIL lab_up: nswitch lab up failed"; exit 1; }
for ns in vm1 vm2 vm3 vm4 ext; do
	ip netns exec "${LABP}$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
sleep 1
M1=$(mac_of ${LABP}vm1); M2=$(mac_of ${LABP}vm2)

# What the host end DEV of a VF transmitted (to the VM's end), and what the VM's end took in.
host_tx() { ip -n ${LABP}hv -j -s link show "$1" | jq '.[0].stats64.tx.packets'; }
vm_rx() { ip -n ${LABP}vm"$1" -j -s link show eth0 | jq '.[0].stats64.rx.packets'; }
# Packets the root qdisc of host end DEV sent.
qdisc_sent() { tc -n ${LABP}hv -s -j qdisc show dev "$1" | jq '[.[] | select(.root)][0].packets'; }
to_pkts() { stat ".vfs[] | select(.pf == 0 and .vf == $1) | .to_pkts"; }

# send N LEN: N frames of LEN octets from vm2 to vm1; sets TX (the host end's transmits), RX
# (the VM's end's receives) and TO (nswitch's to_pkts of VF 0,1) to what each rose by.
send() {
	local tx0 rx0 to0
	tx0=$(host_tx vm1); rx0=$(vm_rx 1); to0=$(to_pkts 1)
	vm 2 "$RAWSEND" eth0 "$M1" "$M2" count "$1" len "$2" >/dev/null
	sleep 0.2
	TX=$(( $(host_tx vm1) - tx0 )); RX=$(( $(vm_rx 1) - rx0 )); TO=$(( $(to_pkts 1) - to0 ))
}

test_small_frames_go_by_the_peer_path() {
	send 200 60
	(( RX >= 200 && TO >= 200 )) || fail "60-octet frames: the VM took $RX, nswitch delivered $TO, of 200"
	(( TX < 20 )) || fail "60-octet frames: the host end transmitted $TX of 200 (not the peer path)"
	# Longer than a veth's smallest MTU allows: the host end's transmit, which checks it.
	send 200 600
	(( RX >= 200 && TX >= 200 )) || fail "600-octet frames: the VM took $RX, the host end sent $TX, of 200"
	# The VM's MTU below the frame: still dropped, counted by reason.
	local mtu0
	mtu0=$(stat .drops.vf_mtu_exceeded)
	ip -n ${LABP}vm1 link set eth0 mtu 500
	send 10 600
	ip -n ${LABP}vm1 link set eth0 mtu 1500
	(( $(stat .drops.vf_mtu_exceeded) - mtu0 == 10 )) ||
		fail "vf_mtu_exceeded rose by $(( $(stat .drops.vf_mtu_exceeded) - mtu0 )), not 10"
}

test_qos_rate_takes_the_vf_off_the_peer_path() {
	local q0
	"$NSW" qos set "$NIC" pf 0 vf 1 rate 500mbit || fail "qos set failed"
	q0=$(qdisc_sent vm1)
	send 200 60
	(( $(qdisc_sent vm1) - q0 >= 200 )) ||
		fail "the rate's qdisc sent $(( $(qdisc_sent vm1) - q0 )) of 200 small frames"
	(( TX >= 200 && RX >= 200 )) || fail "with a rate: the host end sent $TX, the VM took $RX, of 200"
	# The policer alone needs no qdisc: back on the peer path after the rate goes.
	"$NSW" qos set "$NIC" pf 0 vf 2 pps 100000 || fail "qos set pps failed"
	"$NSW" qos del "$NIC" pf 0 vf 1 || fail "qos del failed"
	send 200 60
	(( RX >= 200 && TX < 20 )) || fail "after qos del: the host end sent $TX, the VM took $RX, of 200"
	"$NSW" qos del "$NIC" pf 0 vf 2
}

test_admin_egress_keeps_the_vf_off_the_peer_path() {
	# A VF whose device has someone's qdisc (tbf) when it is added: every frame meets it.
	hv ip link add ${LABP}pp0 type veth peer name eth1 netns ${LABP}vm1
	hv tc qdisc add dev ${LABP}pp0 root handle 7: tbf rate 1gbit burst 64k latency 50ms
	"$NSW" vf add "$NIC" pf 0 vf 20 dev ${LABP}pp0 >/dev/null
	hv ip link set ${LABP}pp0 up
	ip -n ${LABP}vm1 link set eth1 up
	local mac q0
	mac=$("$NSW" -j vf show "$NIC" | jq -r '.[] | select(.pf == 0 and .vf == 20) | .mac')
	sleep 0.5
	q0=$(qdisc_sent ${LABP}pp0)
	vm 2 "$RAWSEND" eth0 "$mac" "$M2" count 100 len 60 >/dev/null
	sleep 0.2
	(( $(qdisc_sent ${LABP}pp0) - q0 >= 100 )) ||
		fail "the admin's tbf sent $(( $(qdisc_sent ${LABP}pp0) - q0 )) of 100 small frames"
	"$NSW" vf del "$NIC" pf 0 vf 20 >/dev/null
	[[ $(tc -n ${LABP}hv qdisc show dev ${LABP}pp0) == *"tbf 7:"* ]] || fail "the admin's tbf is gone"
	hv ip link del ${LABP}pp0
}

test_peer_redirect_drop_counted_by_reason() {
	local link0 vf0
	link0=$(stat .drops.vf_link_down); vf0=$(stat .actions.vf)
	ip -n ${LABP}vm1 link set eth0 down
	vm 2 "$RAWSEND" eth0 "$M1" "$M2" count 20 len 60 >/dev/null
	ip -n ${LABP}vm1 link set eth0 up
	(( $(stat .drops.vf_link_down) - link0 == 20 )) ||
		fail "vf_link_down rose by $(( $(stat .drops.vf_link_down) - link0 )), not 20"
	(( $(stat .actions.vf) - vf0 < 20 )) || fail "the 20 dropped frames still counted delivered"
}

for t in small_frames_go_by_the_peer_path qos_rate_takes_the_vf_off_the_peer_path \
	admin_egress_keeps_the_vf_off_the_peer_path peer_redirect_drop_counted_by_reason; do
	run_test "$t"
done
