#!/usr/bin/env bash
# test_vf_follow.sh - a VF follows its device by name: a veth or a tap deleted and made again
# is attached again within a second with no nswitch command, in every mode, while gone the VF
# keeps its vMAC and shows "dev none wait NAME" and frames to it count as no_device; the
# watcher killed -9 and started again resyncs; vf add on a waiting VF gives it a device; and
# every kind of device that cannot be a VF is refused with its reason, nothing changed.
source "$(dirname "$0")/lib.sh"
TMPD=$(mktemp -d /tmp/${LABP}follow.XXXXXX)
cleanup() {
	[[ -s $TMPD/tapvm.pid ]] && kill "$(cat "$TMPD/tapvm.pid")" 2>/dev/null
	rm -rf "$TMPD"
	"$NSW" nic del "${NIC}x" >/dev/null 2>&1 || true
	lab_cleanup
}
trap cleanup EXIT

# Waits up to 1 s (2 s on a loaded machine is a failure too: the promise is one second, and
# the watcher reacts to the event, it does not poll) for VF p,v to have device dev; prints ms.
wait_attached() { # wait_attached P V DEV T0
	local i
	for ((i = 0; i < 200; i++)); do
		[[ $(vf_dev "$1" "$2") == "$3" ]] && { echo $(($(now_ms) - $4)); return 0; }
		sleep 0.01
	done
	fail "vf $1,$2: $3 not attached after 2 s (dev: $(vf_dev "$1" "$2"))"
}
no_dev() { stat .drops.no_device; }

# vm2's veth deleted, vm1 keeps sending to its vMAC (a permanent neighbour entry), the veth
# made again: in mode $1.
follow_veth() {
	local mode=$1
	lab_cleanup
	"$NSW" lab up mode "$mode" >/dev/null || fail "lab up mode $mode"
	local vmac
	vmac=$("$NSW" -j vf show "$NIC" | jq -r '.[] | select(.pf == 0 and .vf == 2) | .mac')
	vm 1 ip neigh replace 10.77.0.2 lladdr "$vmac" dev eth0 nud permanent
	pings ${LABP}vm1 10.77.0.2 || fail "$mode: no ping before"
	hv ip link del vm2
	sleep 0.3
	[[ $(vf_dev 0 2) == "none wait vm2" ]] || fail "$mode: gone, vf show says dev $(vf_dev 0 2)"
	local d0
	d0=$(no_dev)
	! pings ${LABP}vm1 10.77.0.2 2 || fail "$mode: pings answered with the device gone"
	(($(no_dev) >= d0 + 2)) || fail "$mode: no_device $d0 -> $(no_dev), not counted"
	# The VMs' own chatter may move a counter between the two reads: a difference that stays
	# over three pairs of reads is one of the show's, not of the traffic.
	local tries
	for ((tries = 0; ; tries++)); do
		"$NSW" vf show "$NIC" >"$TMPD/vf.txt"
		"$NSW" -j vf show "$NIC" >"$TMPD/vf.json"
		python3 "$ROOT/tests/integ/nsw_show_fields.py" vf "$TMPD/vf.txt" "$TMPD/vf.json" \
			>"$TMPD/fields" 2>&1 && break
		((tries < 2)) || { cat "$TMPD/fields" >&2
			fail "$mode: vf show's text and JSON differ for a waiting VF"; }
	done
	"$NSW" -j vf show "$NIC" | jq -e --arg m "$vmac" \
		'.[] | select(.pf == 0 and .vf == 2) | .mac == $m and .wait == "vm2" and (has("dev") | not)' \
		>/dev/null || fail "$mode: the waiting VF lost its vMAC or its name"
	local t0 ms
	t0=$(now_ms)
	hv ip link add vm2 type veth peer name eth0 netns ${LABP}vm2
	ms=$(wait_attached 0 2 vm2 "$t0")
	((ms <= 1000)) || fail "$mode: attached after $ms ms"
	echo "$mode: veth attached again $ms ms after it was made" >&2
	[[ $(mac_of ${LABP}vm2) == "$vmac" ]] || fail "$mode: the VM's end did not get the vMAC"
	vm 2 ip addr add 10.77.0.2/24 dev eth0
	vm 2 ip link set eth0 up
	hv ip link set vm2 up
	[[ $mode == xdp ]] && vm 2 ethtool -K eth0 tx off gro on >/dev/null
	pings ${LABP}vm1 10.77.0.2 || fail "$mode: no ping after the veth came back"
}
test_follow_veth_tc() { follow_veth tc; }
test_follow_veth_tc_peer() { follow_veth tc-peer; }
test_follow_veth_xdp() { follow_veth xdp; }

# A tap opened by a process that goes (as QEMU's): nsw_tapvm answers ping behind it.
follow_tap() {
	local mode=$1
	if [[ -s $TMPD/tapvm.pid ]]; then kill "$(cat "$TMPD/tapvm.pid")" 2>/dev/null || true; fi
	lab_cleanup
	"$NSW" lab up mode "$mode" >/dev/null || fail "lab up mode $mode"
	local mac out TAPVM_PID
	mac=$("$NSW" -j nic show "$NIC" | jq -r '.[0].pfs[0].oui'):00:00:05
	# Its output away from the test's (a capture that would wait for it), its pid for the
	# EXIT trap.
	tapvm_start() {
		ip netns exec ${LABP}hv "$TAPVM" ${LABP}t0 $mac 10.77.0.9 >/dev/null 2>&1 &
		TAPVM_PID=$!
		echo $TAPVM_PID >"$TMPD/tapvm.pid"
	}
	tapvm_start
	sleep 0.3
	out=$("$NSW" vf add "$NIC" pf 0 vf 5 dev ${LABP}t0) || fail "vf add of the tap"
	grep -q "^note: start the VM with -netdev tap,id=nsw0_5,ifname=${LABP}t0,script=no,downscript=no -device virtio-net-pci,netdev=nsw0_5,mac=$mac" <<<"$out" ||
		fail "$mode: no QEMU options printed: $out"
	if [[ $mode == xdp ]]; then
		grep -q "mac=$mac,csum=off,guest_csum=off$" <<<"$out" || fail "xdp: no csum=off: $out"
	else
		grep -q "mac=$mac$" <<<"$out" || fail "$mode: options for xdp in mode $mode: $out"
	fi
	vm 1 ip neigh replace 10.77.0.9 lladdr $mac dev eth0 nud permanent
	pings ${LABP}vm1 10.77.0.9 || fail "$mode: no ping to the tap"
	kill "$TAPVM_PID"; wait "$TAPVM_PID" 2>/dev/null || true; TAPVM_PID=
	sleep 0.3
	[[ $(vf_dev 0 5) == "none wait ${LABP}t0" ]] || fail "$mode: tap gone, dev $(vf_dev 0 5)"
	local d0 t0 ms
	d0=$(no_dev)
	! pings ${LABP}vm1 10.77.0.9 2 || fail "$mode: answered with the tap gone"
	(($(no_dev) >= d0 + 2)) || fail "$mode: no_device $d0 -> $(no_dev), not counted"
	t0=$(now_ms)
	tapvm_start
	ms=$(wait_attached 0 5 ${LABP}t0 "$t0")
	((ms <= 1000)) || fail "$mode: tap attached after $ms ms"
	echo "$mode: tap attached again $ms ms after its process started" >&2
	pings ${LABP}vm1 10.77.0.9 || fail "$mode: no ping after the tap came back"
	kill "$TAPVM_PID"; wait "$TAPVM_PID" 2>/dev/null || true; TAPVM_PID=
}
test_follow_tap_tc() { follow_tap tc; }
test_follow_tap_xdp() { follow_tap xdp; }

watcher_pid() { "$NSW" -j watch show "$NIC" | jq -r '.[0].pid // 0'; }

# The watcher killed -9; the device goes and comes back meanwhile; a start resyncs; a second
# start does not make a second watcher; nic del ends it.
test_watcher_restart_resyncs() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	local pid pid2 pid3
	pid=$(watcher_pid)
	((pid > 0)) || fail "no watcher after lab up (its vf add)"
	kill -9 "$pid"
	# A SIGKILL is delivered when the watcher next runs: on a loaded machine that can take
	# longer than a fixed pause, so wait for it, up to 5 s.
	local i
	for ((i = 0; i < 50; i++)); do
		(($(watcher_pid) == 0)) && break
		sleep 0.1
	done
	(($(watcher_pid) == 0)) || fail "watch show still names a watcher 5 s after its kill -9"
	hv ip link del vm2
	hv ip link add vm2 type veth peer name eth0 netns ${LABP}vm2
	sleep 0.3
	[[ $(vf_dev 0 2) == "none wait vm2" ]] || fail "dev $(vf_dev 0 2) with no watcher"
	pid2=$("$NSW" -j watch start "$NIC" | jq -r .pid)
	((pid2 > 0 && pid2 != pid)) || fail "watch start: pid $pid2"
	[[ $(vf_dev 0 2) == vm2 ]] || fail "not resynced at start: dev $(vf_dev 0 2)"
	pid3=$("$NSW" -j watch start "$NIC" | jq -r .pid)
	((pid3 == pid2)) || fail "a second watch start made watcher $pid3 beside $pid2"
	vm 2 ip addr add 10.77.0.2/24 dev eth0
	vm 2 ip link set eth0 up
	hv ip link set vm2 up
	pings ${LABP}vm1 10.77.0.2 || fail "no ping after the resync"
	"$NSW" nic del "$NIC" >/dev/null
	# (a zombie is an ended process that this container's init has not reaped yet)
	[[ ! -e /proc/$pid2/stat || $(awk '{print $3}' /proc/$pid2/stat) == Z ]] ||
		fail "watcher $pid2 outlived nic del"
}

# vf add on a VF that waits: the new device, the VF's vMAC and settings kept; a different MAC
# refused; vf add on a VF whose device is here still refused.
test_vf_add_on_waiting_vf() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	"$NSW" vf set "$NIC" pf 0 vf 2 qos 3
	local before err
	before=$("$NSW" -j vf show "$NIC" | jq -c '.[] | select(.pf == 0 and .vf == 2) | del(.dev, .stats)')
	err=$("$NSW" vf add "$NIC" pf 0 vf 2 dev vm2 2>&1) && fail "vf add on a live VF accepted"
	grep -q "exists, with device vm2" <<<"$err" || fail "unclear: $err"
	hv ip link del vm2
	hv ip link add ${LABP}n2 type veth peer name eth0 netns ${LABP}vm2
	err=$("$NSW" vf add "$NIC" pf 0 vf 2 dev ${LABP}n2 mac 02:4e:10:00:00:09 2>&1) &&
		fail "vf add with another MAC on a waiting VF accepted"
	grep -q "keeps its settings" <<<"$err" || fail "unclear: $err"
	"$NSW" vf add "$NIC" pf 0 vf 2 dev ${LABP}n2 >/dev/null || fail "vf add on the waiting VF"
	[[ $(vf_dev 0 2) == ${LABP}n2 ]] || fail "dev $(vf_dev 0 2)"
	local after
	after=$("$NSW" -j vf show "$NIC" | jq -c '.[] | select(.pf == 0 and .vf == 2) | del(.dev, .stats)')
	[[ $after == "$before" ]] || fail "settings changed: $before -> $after"
	vm 2 ip addr add 10.77.0.2/24 dev eth0
	vm 2 ip link set eth0 up
	hv ip link set ${LABP}n2 up
	pings ${LABP}vm1 10.77.0.2 || fail "no ping through the new device"
}

# refuse NAME REASON DEV [-n NS]: vf add of DEV is refused with one line naming REASON, and
# the NIC's VFs are as before.
refuse() {
	local name=$1 why=$2 dev=$3 before err
	shift 3
	before=$("$NSW" -j vf show "$NIC" | vf_settings)
	err=$("$NSW" "$@" vf add "$NIC" pf 0 vf 7 dev "$dev" 2>&1) && fail "$name: accepted"
	(($(wc -l <<<"$err") == 1)) || fail "$name: not one line: $err"
	grep -q "^nswitch: .*$why" <<<"$err" || fail "$name: '$err' does not say '$why'"
	[[ $("$NSW" -j vf show "$NIC" | vf_settings) == "$before" ]] || fail "$name: the VFs changed"
	echo "$name: $err" >&2
}

test_refused_devices() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	refuse loopback "a loopback device" lo
	hv ip tuntap add mode tun name ${LABP}tun
	refuse tun "L3 tun device" ${LABP}tun
	hv ip link add ${LABP}br type bridge
	refuse bridge "a bridge" ${LABP}br
	hv ip link add ${LABP}bp type veth peer name ${LABP}bq
	hv ip link set ${LABP}bp master ${LABP}br
	refuse bridge_port "a port of bridge ${LABP}br" ${LABP}bp
	if hv ip link add ${LABP}bo type bond 2>/dev/null; then
		refuse bond "a bond" ${LABP}bo
		hv ip link set ${LABP}bq master ${LABP}bo
		refuse bond_port "a port of bond ${LABP}bo" ${LABP}bq
	else
		echo "bond: the kernel has no bonding: not checked" >&2
	fi
	refuse other_vf "already a port of NIC $NIC (the device of its VF 0,1)" vm1
	refuse uplink "already a port of NIC $NIC (the uplink of its PF 0)" up0
	"$NSW" nic add "${NIC}x" netns ${LABP}hv >/dev/null
	hv ip link add ${LABP}o1 type veth peer name ${LABP}o2
	"$NSW" vf add "${NIC}x" pf 0 vf 1 dev ${LABP}o1 >/dev/null
	refuse other_nic "already a port of NIC ${NIC}x" ${LABP}o1
	"$NSW" nic del "${NIC}x" >/dev/null
	vm 3 ip link add ${LABP}d1 type veth peer name ${LABP}d2
	refuse other_netns "in another namespace than NIC $NIC's (${LABP}hv)" ${LABP}d1 -n ${LABP}vm3
	# The name VF 0,2 follows, made while no watcher runs: not another VF's.
	"$NSW" watch stop "$NIC" >/dev/null
	hv ip link del vm2
	hv ip link add vm2 type veth peer name eth0 netns ${LABP}vm2
	refuse followed_name "the device VF 0,2 of NIC $NIC follows" vm2
	"$NSW" watch start "$NIC" >/dev/null
	[[ $(vf_dev 0 2) == vm2 ]] || fail "vm2 not followed back"
}

run_test follow_veth_tc
run_test follow_veth_tc_peer
run_test follow_veth_xdp
run_test follow_tap_tc
run_test follow_tap_xdp
run_test watcher_restart_resyncs
run_test vf_add_on_waiting_vf
run_test refused_devices
