#!/usr/bin/env bash
# test_loose_uplink_port.sh - a device with a master (a port of a bridge or of a bond) is its
# master's: pf set ... uplink DEV and follow NAME refuse it with one line, exit 1 and nothing
# changed (no PF bound, no name recorded, nothing put on the device), as vf add refuses it for a
# VF; and the watcher, when a device of a followed name appears already enslaved, leaves it
# alone and logs why, for an uplink as for a VF, and attaches it once it is released
# (ip link set DEV nomaster); and a device enslaved after it was attached is detached by the
# watcher until it is released.
source "$(dirname "$0")/lib.sh"
TMPD=$(mktemp -d /tmp/${LABP}loosep.XXXXXX)
cleanup() {
	rm -rf "$TMPD"
	lab_cleanup
}
trap cleanup EXIT

# Nothing of nswitch's on DEV in the hypervisor: no clsact, no XDP program.
untouched() { # untouched DEV
	! hv tc qdisc show dev "$1" | grep -q clsact || fail "$1: a clsact was left on it"
	[[ $(hv ip -j link show "$1" | jq -r '.[0].xdp // empty') == "" ]] || fail "$1: XDP left on it"
}
# nswitch's rate (bit/s) on VF 1,5's device, "" if none.
vf_rate() {
	"$NSW" -j qos show "$NIC" | jq -r '.[] | select(.pf == 1 and .vf == 5 and .dev != null) | .rate_bps // empty'
}
log_has() { # log_has TEXT: the watcher's log says TEXT within 2 s
	local i
	for ((i = 0; i < 200; i++)); do
		grep -qF -- "$1" /run/nswitch/watch-"$NIC".log && return 0
		sleep 0.01
	done
	fail "the watcher's log does not say '$1': $(tail -3 /run/nswitch/watch-"$NIC".log)"
}

test_uplink_port_refused() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	local pf0 vf0 want
	hv ip link add ${LABP}br type bridge
	hv ip link add ${LABP}p1 type veth peer name ${LABP}p2
	hv ip link set ${LABP}p1 master ${LABP}br
	hv ip link set ${LABP}p1 up
	pf0=$("$NSW" -j pf show "$NIC")
	vf0=$("$NSW" -j vf show "$NIC" | vf_settings)
	want="is a port of bridge ${LABP}br (its master owns it: ip link set ${LABP}p1 nomaster first)"
	refused_one_line "pf set uplink of a bridge port" pf set "$NIC" pf 1 uplink ${LABP}p1
	[[ $(cat "$TMPD/err") == "nswitch: pf set: \"${LABP}p1\" $want" ]] ||
		fail "pf set uplink: unclear: $(cat "$TMPD/err")"
	refused_one_line "pf set follow of a bridge port" pf set "$NIC" pf 1 follow ${LABP}p1
	[[ $(cat "$TMPD/err") == "nswitch: pf set: \"${LABP}p1\" $want" ]] ||
		fail "pf set follow: unclear: $(cat "$TMPD/err")"
	# The same rule for a VF's device, in the same words.
	refused_one_line "vf add dev of a bridge port" vf add "$NIC" pf 1 vf 5 dev ${LABP}p1
	[[ $(cat "$TMPD/err") == "nswitch: vf add: \"${LABP}p1\" $want" ]] ||
		fail "vf add dev: unclear: $(cat "$TMPD/err")"
	refused_one_line "vf add follow of a bridge port" vf add "$NIC" pf 1 vf 5 follow ${LABP}p1
	# A bond's port (when the kernel has bonding).
	if hv ip link add ${LABP}bd type bond 2>/dev/null; then
		hv ip link add ${LABP}p3 type veth peer name ${LABP}p4
		hv ip link set ${LABP}p3 master ${LABP}bd
		refused_one_line "pf set uplink of a bond port" pf set "$NIC" pf 1 uplink ${LABP}p3
		grep -qF "\"${LABP}p3\" is a port of bond ${LABP}bd (" "$TMPD/err" ||
			fail "bond port: unclear: $(cat "$TMPD/err")"
		untouched ${LABP}p3
	else
		echo "no bonding in this kernel: the bond port case not run" >&2
	fi
	[[ $("$NSW" -j pf show "$NIC") == "$pf0" ]] || fail "a refused pf set changed the PFs"
	[[ $("$NSW" -j vf show "$NIC" | vf_settings) == "$vf0" ]] || fail "a refused vf add changed the VFs"
	"$NSW" save "$NIC" | grep -q "${LABP}p1" && fail "save names the refused ${LABP}p1"
	untouched ${LABP}p1
	# Released from the bridge, the same device is an uplink.
	hv ip link set ${LABP}p1 nomaster
	"$NSW" pf set "$NIC" pf 1 uplink ${LABP}p1 || fail "pf set uplink of the released port"
	[[ $(pf_uplink 1) == "${LABP}p1" ]] || fail "pf 1: uplink $(pf_uplink 1)"
}

# The watcher's attach path applies the same rule: a followed name that appears as a port of a
# bridge is not attached (uplink or VF) and the log says why; released, it is attached.
test_watcher_port_refused() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	hv ip link add ${LABP}br type bridge
	"$NSW" pf set "$NIC" pf 1 follow ${LABP}q1 >/dev/null
	"$NSW" vf add "$NIC" pf 1 vf 5 follow ${LABP}r1 >/dev/null
	[[ $(pf_uplink 1) == "none wait ${LABP}q1" ]] || fail "pf 1: uplink $(pf_uplink 1)"
	[[ $(vf_dev 1 5) == "none wait ${LABP}r1" ]] || fail "vf 1,5: dev $(vf_dev 1 5)"
	# Made as the bridge's ports at once (one request: the device never exists unenslaved).
	hv ip link add ${LABP}q1 master ${LABP}br type veth peer name ${LABP}q2
	hv ip link add ${LABP}r1 master ${LABP}br type veth peer name ${LABP}r2
	log_has "pf 1: ${LABP}q1 is a port of bridge ${LABP}br"
	log_has "vf 1,5: ${LABP}r1 is a port of bridge ${LABP}br"
	sleep 0.3
	[[ $(pf_uplink 1) == "none wait ${LABP}q1" ]] || fail "the watcher took the bridge port: uplink $(pf_uplink 1)"
	[[ $(vf_dev 1 5) == "none wait ${LABP}r1" ]] || fail "the watcher took the bridge port: vf dev $(vf_dev 1 5)"
	untouched ${LABP}q1
	untouched ${LABP}r1
	hv ip link set ${LABP}q1 nomaster
	hv ip link set ${LABP}r1 nomaster
	wait_for "${LABP}q1" pf_uplink 1 || fail "released, not attached: uplink $(pf_uplink 1)"
	wait_for "${LABP}r1" vf_dev 1 5 || fail "released, not attached: vf dev $(vf_dev 1 5)"
}

# A device enslaved after it was attached is its master's from then on: the watcher detaches
# it (uplink or VF: nothing of nswitch's left on it, the port waits for its name) and logs why;
# released, it is attached again. The same holds for a device enslaved while no watcher ran:
# a watcher that starts checks every bound device.
test_watcher_enslaved_after_bind() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	hv ip link add ${LABP}br type bridge
	hv ip link add ${LABP}q1 type veth peer name ${LABP}q2
	hv ip link add ${LABP}r1 type veth peer name ${LABP}r2
	"$NSW" pf set "$NIC" pf 1 uplink ${LABP}q1 >/dev/null
	"$NSW" vf add "$NIC" pf 1 vf 5 dev ${LABP}r1 >/dev/null
	[[ $(pf_uplink 1) == "${LABP}q1" ]] || fail "pf 1: uplink $(pf_uplink 1)"
	[[ $(vf_dev 1 5) == "${LABP}r1" ]] || fail "vf 1,5: dev $(vf_dev 1 5)"
	# A rate on the VF: its qdisc goes with the detach and comes back with the device.
	"$NSW" qos set "$NIC" pf 1 vf 5 rate 10mbit
	[[ $(vf_rate) == 10000000 ]] || fail "qos set: rate '$(vf_rate)'"
	hv ip link set ${LABP}q1 master ${LABP}br
	hv ip link set ${LABP}r1 master ${LABP}br
	log_has "pf 1: uplink ${LABP}q1 (#"
	log_has "is now a port of bridge ${LABP}br (its master owns it: ip link set ${LABP}q1 nomaster first): detached"
	log_has "vf 1,5: device ${LABP}r1 (#"
	log_has "is now a port of bridge ${LABP}br (its master owns it: ip link set ${LABP}r1 nomaster first): detached"
	[[ $(pf_uplink 1) == "none wait ${LABP}q1" ]] || fail "enslaved, still the uplink: $(pf_uplink 1)"
	[[ $(vf_dev 1 5) == "none wait ${LABP}r1" ]] || fail "enslaved, still the VF's: $(vf_dev 1 5)"
	untouched ${LABP}q1
	untouched ${LABP}r1
	hv ip link set ${LABP}q1 nomaster
	hv ip link set ${LABP}r1 nomaster
	wait_for "${LABP}q1" pf_uplink 1 || fail "released, not attached: uplink $(pf_uplink 1)"
	wait_for "${LABP}r1" vf_dev 1 5 || fail "released, not attached: vf dev $(vf_dev 1 5)"
	wait_for 10000000 vf_rate || fail "released, the VF's rate is not made again: '$(vf_rate)'"
	# Enslaved while no watcher ran: the next watcher detaches them as it starts.
	"$NSW" watch stop "$NIC" >/dev/null
	hv ip link set ${LABP}q1 master ${LABP}br
	hv ip link set ${LABP}r1 master ${LABP}br
	[[ $(vf_dev 1 5) == "${LABP}r1" ]] || fail "detached with no watcher: $(vf_dev 1 5)"
	"$NSW" watch start "$NIC" >/dev/null
	wait_for "none wait ${LABP}q1" pf_uplink 1 || fail "a new watcher kept the enslaved uplink: $(pf_uplink 1)"
	wait_for "none wait ${LABP}r1" vf_dev 1 5 || fail "a new watcher kept the enslaved VF device: $(vf_dev 1 5)"
	untouched ${LABP}q1
	untouched ${LABP}r1
}

# The watcher's netlink socket's drops, from /proc/net/netlink in the NIC's namespace (its
# socket: the one bound by its pid to the link group, RTNLGRP_LINK's bit 0x1).
watcher_drops() { # watcher_drops PID
	hv awk -v pid="$1" '$3 == pid && substr($4, length($4)) ~ /[13579bdf]/ { print $9; n++ }
		END { if (!n) print "none" }' /proc/net/netlink
}

# Stops the watcher (WPID), overflows its netlink socket with link events of a device nobody
# follows, and enslaves VF 1,5's bound device (r1) to a bridge while it is stopped, checking that
# the enslaving's event was lost too. The watcher is left stopped.
lose_enslaving() { # lose_enslaving WPID
	local wpid=$1 d0 d1 i k
	d0=$(watcher_drops "$wpid")
	[[ $d0 =~ ^[0-9]+$ ]] || fail "no netlink socket of the watcher ($wpid) in /proc/net/netlink"
	kill -STOP "$wpid"
	# Link events (MTU changes of a device nobody follows) until its socket drops some.
	for ((i = 0; i < 20; i++)); do
		for ((k = 0; k < 200; k++)); do
			echo "link set dev ${LABP}f1 mtu $((1400 + k % 2))"
		done | hv ip -batch -
		(($(watcher_drops "$wpid") > d0)) && break
	done
	d1=$(watcher_drops "$wpid")
	((d1 > d0)) || fail "the watcher's socket never overflowed"
	d0=$d1
	hv ip link set ${LABP}r1 master ${LABP}br
	(($(watcher_drops "$wpid") > d0)) || fail "the enslaving's event was not lost"
}

# The lab, a bridge, VF 1,5 bound to r1 and a veth nobody follows (f1); prints the watcher's pid.
enslaving_lab() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	hv ip link add ${LABP}br type bridge
	hv ip link add ${LABP}r1 type veth peer name ${LABP}r2
	hv ip link add ${LABP}f1 type veth peer name ${LABP}f2
	"$NSW" vf add "$NIC" pf 1 vf 5 dev ${LABP}r1 >/dev/null
	"$NSW" -j watch show "$NIC" | jq -r '.[0].pid'
}

# Events lost (the watcher's socket overflowed while it was stopped: ENOBUFS), one of them the
# enslaving of a VF's bound device: the resync that follows the loss checks the masters too.
test_watcher_enslaved_events_lost() {
	local wpid
	wpid=$(enslaving_lab)
	((wpid > 0)) || fail "no watcher"
	trap 'kill -CONT '"$wpid"' 2>/dev/null || true' EXIT
	lose_enslaving "$wpid"
	kill -CONT "$wpid"
	log_has "vf 1,5: device ${LABP}r1 (#"
	wait_for "none wait ${LABP}r1" vf_dev 1 5 ||
		fail "events lost, the enslaved device is kept: $(vf_dev 1 5)"
	untouched ${LABP}r1
}

# The same, but the resync cannot read the device: strace makes every netlink send of the
# watcher and of its resync children fail (EIO) when it goes on. Whether the device has a master
# is then not known: it stays bound, the log says so, and the check is made again (the resync
# is not counted done); once the reads work again, the device is detached.
test_watcher_masters_unreadable() {
	command -v strace >/dev/null || { echo "skip watcher_masters_unreadable: strace missing"; return 0; }
	local wpid spid ix i line
	wpid=$(enslaving_lab)
	((wpid > 0)) || fail "no watcher"
	ix=$(hv ip -j link show ${LABP}r1 | jq -r '.[0].ifindex')
	line="vf 1,5: device ${LABP}r1 (#$ix) unreadable: whether it has a master is checked again"
	trap 'kill -CONT '"$wpid"' 2>/dev/null || true' EXIT
	lose_enslaving "$wpid"
	strace -qq -f -p "$wpid" -o "$TMPD/trace" -e trace=sendto -e inject=sendto:error=EIO \
		</dev/null >/dev/null 2>&1 &
	spid=$!
	BG_PIDS+=("$spid")
	trap 'kill '"$spid"' 2>/dev/null || true; kill -CONT '"$wpid"' 2>/dev/null || true' EXIT
	traced_by "$wpid" "$spid"
	kill -CONT "$wpid"
	log_has "$line"
	# checked again (the watcher retries a resync not done each second), kept meanwhile
	for ((i = 0; i < 400; i++)); do
		(($(grep -cF -- "$line" /run/nswitch/watch-"$NIC".log) >= 2)) && break
		sleep 0.01
	done
	(($(grep -cF -- "$line" /run/nswitch/watch-"$NIC".log) >= 2)) ||
		fail "the unread master was not checked again: $(tail -3 /run/nswitch/watch-"$NIC".log)"
	[[ $(vf_dev 1 5) == ${LABP}r1 ]] || fail "unreadable, yet not kept: $(vf_dev 1 5)"
	kill "$spid"
	wait "$spid" 2>/dev/null || true
	log_has "vf 1,5: device ${LABP}r1 (#$ix) is now"
	wait_for "none wait ${LABP}r1" vf_dev 1 5 ||
		fail "readable again, the enslaved device is kept: $(vf_dev 1 5)"
	untouched ${LABP}r1
}

run_test uplink_port_refused
run_test watcher_port_refused
run_test watcher_enslaved_after_bind
run_test watcher_enslaved_events_lost
run_test watcher_masters_unreadable
