#!/usr/bin/env bash
# test_loose_qos_race.sh - a VF's device deleted while `qos set` or `qos show` looks at it (after
# the command found the VF's device by its ifindex, before or during its netlink requests) is a
# VF waiting for its device, as if it had none when the command began: qos set exits 0 with no
# error and records the limits; qos show shows the recorded rate; the device made again is
# attached by the watcher with the rate's qdisc made on it. The deletion is made deterministic
# with strace: every ioctl of the command is held 0.5 s after it returns, and the device is
# deleted as soon as the command's K-th look-up of the device's name by its ifindex
# (SIOCGIFNAME) is in the trace, for K = 1, 2, ... until a run ends before its K-th look-up: so
# whatever the number of look-ups, the device goes after each one of them. On a machine too
# loaded to delete it within the 0.5 s the command simply sees the device: the run then checks
# that instead.
source "$(dirname "$0")/lib.sh"
TMPD=$(mktemp -d /tmp/${LABP}looseq.XXXXXX)
cleanup() {
	rm -rf "$TMPD"
	lab_cleanup
}
trap cleanup EXIT

DEV=${LABP}s1
dev_make() { hv ip link add "$DEV" type veth peer name "$DEV"p; }
lookups() { grep -cF "SIOCGIFNAME, {ifr_ifindex=$1, ifr_name=\"$DEV\"}" "$TMPD/trace" || true; }
# Runs nswitch ARGS under strace, deleting $DEV once the K-th look-up of its name by its
# ifindex is in the trace. Sets RC and DELETED.
race_run() { # race_run K ARGS...
	local k=$1 ifi
	shift
	ifi=$(hv cat /sys/class/net/"$DEV"/ifindex)
	strace_race "$DEV" "$k" "lookups $ifi" -e trace=ioctl -e inject=ioctl:delay_exit=500000 \
		-- "$@"
}
qdisc_rate() { # the rate of nswitch's htb root class on $DEV, bit/s ("" if none)
	"$NSW" -j qos show "$NIC" | jq -r ".[] | select(.pf == 1 and .vf == 6 and .dev == \"$DEV\") | .rate_bps // empty"
}
limits() { "$NSW" -j qos show "$NIC" | jq -c '[.[] | select(.pf == 1 and .vf == 6) | {rate, pps}]'; }
fresh_vf() { # VF 1,6 on a new $DEV, no limits
	"$NSW" qos del "$NIC" pf 1 vf 6 >/dev/null 2>&1 || true
	hv ip link show "$DEV" >/dev/null 2>&1 || dev_make
	wait_for "$DEV" vf_dev 1 6
	[[ $(limits) == "[]" ]] || fail "limits left: $(limits)"
}

test_qos_set_device_gone() {
	command -v strace >/dev/null || { echo "skip qos_set_device_gone: strace missing"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	dev_make
	"$NSW" vf add "$NIC" pf 1 vf 6 dev "$DEV" >/dev/null
	local k
	for ((k = 1; k < 10; k++)); do
		fresh_vf
		race_run "$k" qos set "$NIC" pf 1 vf 6 rate 10mbit pps 2000
		((RC == 0)) || fail "K=$k: qos set exit $RC: $(cat "$TMPD/err")"
		[[ ! -s $TMPD/err ]] || fail "K=$k: qos set said: $(cat "$TMPD/err")"
		[[ $(limits) == '[{"rate":"10mbit","pps":2000}]' ]] || fail "K=$k: limits $(limits)"
		if ((DELETED)); then
			wait_for "none wait $DEV" vf_dev 1 6
			dev_make
		fi
		wait_for "$DEV" vf_dev 1 6
		wait_for 10000000 qdisc_rate
		((DELETED)) || break # the run ended before its K-th look-up: every one was covered
	done
	((k < 10)) || fail "still deleting after 9 look-ups: the later steps were not tried"
	((k > 1)) || fail "the device was never deleted during a run"
}

test_qos_show_device_gone() {
	command -v strace >/dev/null || { echo "skip qos_show_device_gone: strace missing"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	dev_make
	"$NSW" vf add "$NIC" pf 1 vf 6 dev "$DEV" >/dev/null
	local k
	for ((k = 1; k < 10; k++)); do
		fresh_vf
		"$NSW" qos set "$NIC" pf 1 vf 6 rate 10mbit
		race_run "$k" -j qos show "$NIC"
		((RC == 0)) || fail "K=$k: qos show exit $RC: $(cat "$TMPD/err")"
		[[ $(jq -c '[.[] | select(.pf == 1 and .vf == 6) | .rate]' "$TMPD/out") == '["10mbit"]' ]] ||
			fail "K=$k: qos show: $(cat "$TMPD/out") (device deleted: $DELETED)"
		if ((DELETED)); then
			dev_make
		fi
		wait_for "$DEV" vf_dev 1 6
		((DELETED)) || break
	done
	((k < 10)) || fail "still deleting after 9 look-ups: the later steps were not tried"
	((k > 1)) || fail "the device was never deleted during a run"
}

run_test qos_set_device_gone
run_test qos_show_device_gone
