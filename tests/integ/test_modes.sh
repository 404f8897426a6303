#!/usr/bin/env bash
# test_modes.sh - the other data path modes on real traffic: tc-peer (bpf_redirect_peer into
# the VM) and xdp (the lab turns the VMs' tx checksum offload off and GRO on, as the mode
# needs). Each: Case 0, Case 1 across PFs and to the outside, Case 2, ARP, and TCP.
source "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT

mode_test() {
	local mode=$1
	lab_cleanup
	"$NSW" lab up mode "$mode" >/dev/null || fail "lab up mode $mode failed"
	"$NSW" -j nic show "$NIC" | jq -e --arg m "$mode" '.[0].mode == $m' >/dev/null ||
		fail "NIC not in mode $mode"
	pings ${LABP}vm1 10.77.0.2 || fail "$mode: case 0 ping"
	pings ${LABP}vm1 10.77.0.4 || fail "$mode: case 1 ping across PFs"
	pings ${LABP}vm3 10.77.0.100 || fail "$mode: case 1 ping to the outside"
	pings ${LABP}ext 10.77.0.2 || fail "$mode: case 2 ping"
	vm 2 iperf3 -s -1 -D -p 5311 >/dev/null
	sleep 0.3
	local bps
	bps=$(vm 1 timeout 60 iperf3 -c 10.77.0.2 -p 5311 -t 2 -J | jq '.end.sum_received.bits_per_second')
	(( ${bps%.*} > 500000000 )) || fail "$mode: TCP vm1->vm2 only $bps bit/s"
	(( $(stat .cases.case0.pkts) > 1000 )) || fail "$mode: case 0 not counted"
}

test_mode_tc_peer() { mode_test tc-peer; }
test_mode_xdp() { mode_test xdp; }

run_test mode_tc_peer
run_test mode_xdp
