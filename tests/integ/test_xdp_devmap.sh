#!/usr/bin/env bash
# test_xdp_devmap.sh - mode xdp delivers through the devmap nsw_xdp_tx (bpf/nsw_maps.h), which
# must name exactly the devices nsw_vf_path and nsw_pf_dev name: made by vf add and the
# uplink's bind, gone when the device goes (frames to it then counted no_device, never dropped
# unseen), following a device made again under the followed name (the watcher's re-attach:
# a veth, a tap, the uplink), gone at vf del and at pf set uplink none.
# Reads the devmap with bpftool's JSON (skip without bpftool).
source "$(dirname "$0")/lib.sh"
TMPD=$(mktemp -d /tmp/${LABP}xdpmap.XXXXXX)
cleanup() {
	[[ -s $TMPD/tapvm.pid ]] && kill "$(cat "$TMPD/tapvm.pid")" 2>/dev/null
	rm -rf "$TMPD"
	lab_cleanup
}
trap cleanup EXIT

PORT0=2048 # nsw_port_rec(0): NSW_MAX_PFS * NSW_MAX_VFS
# The devmap's entry KEY (a VF slot, pf * 256 + vf, or PORT0): the device's ifindex, or none.
tx_of() {
	local k=$1 out
	out=$(bpftool -j map lookup pinned "/sys/fs/bpf/nswitch/$NIC/nsw_xdp_tx" \
		key $((k & 255)) $((k >> 8 & 255)) 0 0 2>/dev/null) || { echo none; return 0; }
	jq -r '.value | map(ltrimstr("0x")) | reverse | join("") | "0x" + . ' <<<"$out" |
		xargs printf '%d\n'
}
ifi_of() { ip -n ${LABP}hv -j link show "$1" | jq -r '.[0].ifindex'; }
no_dev() { stat .drops.no_device; }
vf_dev() { "$NSW" -j vf show "$NIC" | jq -r --argjson p "$1" --argjson v "$2" \
	'.[] | select(.pf == $p and .vf == $v) | (.dev // ("none wait " + (.wait // "-")))'; }
# Waits up to 2 s for the devmap's entry KEY to be WANT.
wait_tx() { # wait_tx KEY WANT
	local i
	for ((i = 0; i < 200; i++)); do
		[[ $(tx_of "$1") == "$2" ]] && return 0
		sleep 0.01
	done
	fail "devmap entry $1 is $(tx_of "$1"), not $2"
}

need() {
	command -v bpftool >/dev/null || { echo "skip $1: bpftool missing"; return 1; }
}

test_devmap_follows_vf_devices() {
	lab_cleanup
	"$NSW" lab up mode xdp >/dev/null || fail "lab up mode xdp"
	[[ $(tx_of 1) == "$(ifi_of vm1)" ]] || fail "VF 0,1: devmap $(tx_of 1), vm1 is $(ifi_of vm1)"
	[[ $(tx_of 2) == "$(ifi_of vm2)" ]] || fail "VF 0,2: devmap $(tx_of 2), vm2 is $(ifi_of vm2)"
	[[ $(tx_of 9) == none ]] || fail "VF 0,9 has no device, devmap says $(tx_of 9)"
	local vmac d0
	vmac=$("$NSW" -j vf show "$NIC" | jq -r '.[] | select(.pf == 0 and .vf == 2) | .mac')
	vm 1 ip neigh replace 10.77.0.2 lladdr "$vmac" dev eth0 nud permanent
	pings ${LABP}vm1 10.77.0.2 || fail "no ping before"
	# The device goes: its entry with it (the kernel's), and what is sent to it is counted.
	hv ip link del vm2
	wait_tx 2 none
	sleep 0.3
	d0=$(no_dev)
	! pings ${LABP}vm1 10.77.0.2 2 || fail "pings answered with the device gone"
	(($(no_dev) >= d0 + 2)) || fail "no_device $d0 -> $(no_dev), not counted"
	# Made again under its name: the watcher binds it, the devmap with it.
	hv ip link add vm2 type veth peer name eth0 netns ${LABP}vm2
	wait_tx 2 "$(ifi_of vm2)"
	vm 2 ip addr add 10.77.0.2/24 dev eth0
	vm 2 ip link set eth0 up
	hv ip link set vm2 up
	vm 2 ethtool -K eth0 tx off gro on >/dev/null
	pings ${LABP}vm1 10.77.0.2 || fail "no ping after the veth came back"
	"$NSW" vf del "$NIC" pf 0 vf 2 >/dev/null || fail "vf del"
	[[ $(tx_of 2) == none ]] || fail "vf del left the devmap entry $(tx_of 2)"
}

test_devmap_follows_a_tap() {
	lab_cleanup
	"$NSW" lab up mode xdp >/dev/null || fail "lab up mode xdp"
	local mac TAPVM_PID old
	mac=$("$NSW" -j nic show "$NIC" | jq -r '.[0].pfs[0].oui'):00:00:05
	tapvm_start() {
		ip netns exec ${LABP}hv "$TAPVM" ${LABP}t0 $mac 10.77.0.9 >/dev/null 2>&1 &
		TAPVM_PID=$!
		echo $TAPVM_PID >"$TMPD/tapvm.pid"
	}
	tapvm_start
	sleep 0.3
	"$NSW" vf add "$NIC" pf 0 vf 5 dev ${LABP}t0 >/dev/null || fail "vf add of the tap"
	old=$(ifi_of ${LABP}t0)
	[[ $(tx_of 5) == "$old" ]] || fail "tap: devmap $(tx_of 5), tap is $old"
	vm 1 ip neigh replace 10.77.0.9 lladdr $mac dev eth0 nud permanent
	pings ${LABP}vm1 10.77.0.9 || fail "no ping to the tap"
	kill "$TAPVM_PID"; wait "$TAPVM_PID" 2>/dev/null || true; TAPVM_PID=
	wait_tx 5 none
	tapvm_start
	local i
	for ((i = 0; i < 200; i++)); do
		[[ $(vf_dev 0 5) == ${LABP}t0 ]] && break
		sleep 0.01
	done
	[[ $(ifi_of ${LABP}t0) != "$old" ]] || fail "the tap came back with its old ifindex"
	wait_tx 5 "$(ifi_of ${LABP}t0)"
	pings ${LABP}vm1 10.77.0.9 || fail "no ping after the tap came back"
	kill "$TAPVM_PID"; wait "$TAPVM_PID" 2>/dev/null || true; TAPVM_PID=
}

test_devmap_follows_the_uplink() {
	lab_cleanup
	"$NSW" lab up mode xdp >/dev/null || fail "lab up mode xdp"
	[[ $(tx_of $PORT0) == "$(ifi_of up0)" ]] || fail "port 0: devmap $(tx_of $PORT0), up0 is $(ifi_of up0)"
	local emac
	emac=$(mac_of ${LABP}ext)
	vm 1 ip neigh replace 10.77.0.100 lladdr "$emac" dev eth0 nud permanent
	pings ${LABP}vm1 10.77.0.100 || fail "no ping to the external host"
	hv ip link del up0
	wait_tx $PORT0 none
	hv ip link add up0 type veth peer name eth0 netns ${LABP}ext
	ext ip link set eth0 address "$emac"
	ext ip addr add 10.77.0.100/24 dev eth0
	ext ip link set eth0 up
	ext ethtool -K eth0 tx off gro on >/dev/null
	hv ip link set up0 up
	wait_tx $PORT0 "$(ifi_of up0)"
	pings ${LABP}vm1 10.77.0.100 || fail "no ping after the uplink came back"
	"$NSW" pf set "$NIC" pf 0 uplink none >/dev/null || fail "pf set uplink none"
	[[ $(tx_of $PORT0) == none ]] || fail "uplink none left the devmap entry $(tx_of $PORT0)"
}

need xdp_devmap || exit 0
run_test devmap_follows_vf_devices
run_test devmap_follows_a_tap
run_test devmap_follows_the_uplink
