#!/usr/bin/env bash
# test_loose_follow_race.sh - follow NAME means "now or when it appears": pf set ... follow NAME
# and vf add ... follow NAME whose device is deleted while the command looks at it (between
# the look-up of the name and the netlink read of its attributes) must wait for
# the name, exit 0 with no error, as they do when the name is not there at all; and the device
# made again is attached by the watcher. The deletion is made deterministic with strace: every
# ioctl of the command is held 0.5 s after it returns, and the device is deleted as soon as the
# command's K-th successful look-up of the name (SIOCGIFINDEX) is in the trace, for K = 1, 2,
# ... until a run ends before its K-th look-up: so whatever the number of look-ups the code
# makes, the device goes after each one of them. On a machine too loaded to delete it within
# the 0.5 s the device is simply read and attached: the run then checks that instead.
# A device made again after the command found the name gone but before it recorded the name
# is attached (by the command: the watcher woke for it when nobody followed the name yet). And
# vf set state/mac of a VF whose device went before the watcher unbound it succeeds. The
# watcher's resync, whose look-up of a waited-for name is followed by the device's deletion,
# keeps waiting without logging the device as unreadable.
# A device deleted later still, during the attach itself (the commands' and the watcher's
# nsw_link_gone branches), is test_loose_attach_race.sh's; the deletions here all land before
# the netlink read.
source "$(dirname "$0")/lib.sh"
TMPD=$(mktemp -d /tmp/${LABP}looser.XXXXXX)
cleanup() {
	rm -rf "$TMPD"
	lab_cleanup
}
trap cleanup EXIT

dev_make() { hv ip link add "$1" type veth peer name "$1"p; }

lookups() { # lookups DEV ok|none: the command's look-ups of DEV in the trace that found it / not
	local what=', ifr_ifindex='
	[[ $2 == none ]] && what='}) = -1 ENODEV'
	grep -cF "SIOCGIFINDEX, {ifr_name=\"$1\"$what" "$TMPD/trace" || true
}
# Runs nswitch ARGS under strace, deleting DEV once the K-th successful look-up of DEV is in
# the trace; with REMAKE, DEV is made again as soon as the command's next look-up has found it
# gone (before the command records the name it follows). Sets RC (the command's exit) and
# DELETED (1 if DEV was deleted while the command ran).
race_run() { # race_run DEV K del|remake ARGS...
	local dev=$1 k=$2 mode=$3
	shift 3
	if [[ $mode == remake ]]; then
		RACE_BEFORE_DELETE=misses_now RACE_AFTER_DELETE=remake_after_miss \
			strace_race "$dev" "$k" "lookups $dev ok" -e trace=ioctl \
			-e inject=ioctl:delay_exit=500000 -- "$@"
	else
		strace_race "$dev" "$k" "lookups $dev ok" -e trace=ioctl \
			-e inject=ioctl:delay_exit=500000 -- "$@"
	fi
}
# (remake) the command's look-ups that found DEV gone, counted as it is deleted
misses_now() { MISSES=$(lookups "$1" none); }
# (remake) DEV made again as soon as the command's next look-up has found it gone
remake_after_miss() { # remake_after_miss DEV STRACE_PID
	local i
	for ((i = 0; i < 3000; i++)); do
		(($(lookups "$1" none) > MISSES)) && break
		kill -0 "$2" 2>/dev/null || break
		sleep 0.01
	done
	dev_make "$1"
}

test_pf_follow_race() {
	command -v strace >/dev/null || { echo "skip pf_follow_race: strace missing"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	local d=${LABP}rc1 k
	for ((k = 1; k <= 8; k++)); do
		dev_make $d
		race_run $d $k del pf set "$NIC" pf 1 follow $d
		((RC == 0)) && [[ ! -s $TMPD/err ]] ||
			fail "k=$k: device deleted=$DELETED: exit $RC: $(cat "$TMPD/err")"
		if ((DELETED)); then
			grep -qx "note: pf 1 waits for its uplink $d" "$TMPD/out" ||
				fail "k=$k: no waiting note: $(cat "$TMPD/out")"
			[[ $(pf_uplink 1) == "none wait $d" ]] || fail "k=$k: pf 1: uplink $(pf_uplink 1)"
			dev_make $d
		fi
		wait_for "$d" pf_uplink 1 || fail "k=$k: $d made again is not attached"
		"$NSW" pf set "$NIC" pf 1 uplink none
		hv ip link del $d
		((DELETED)) || break # the command made fewer than k look-ups: every place tried
	done
	((k > 1)) || fail "the device was never deleted while pf set ran (too loaded?)"
	echo "pf set: deleted after each of $((k - 1)) look-ups" >&2
}

test_vf_follow_race() {
	command -v strace >/dev/null || { echo "skip vf_follow_race: strace missing"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	local d=${LABP}rc2 k
	for ((k = 1; k <= 8; k++)); do
		dev_make $d
		race_run $d $k del vf add "$NIC" pf 1 vf 5 follow $d
		((RC == 0)) && [[ ! -s $TMPD/err ]] ||
			fail "k=$k: device deleted=$DELETED: exit $RC: $(cat "$TMPD/err")"
		if ((DELETED)); then
			grep -q "^vf 1,5 mac .* wait $d$" "$TMPD/out" ||
				fail "k=$k: not waiting: $(cat "$TMPD/out")"
			[[ $(vf_dev 1 5) == "none wait $d" ]] || fail "k=$k: vf 1,5: dev $(vf_dev 1 5)"
			dev_make $d
		fi
		wait_for "$d" vf_dev 1 5 || fail "k=$k: $d made again is not attached"
		"$NSW" vf del "$NIC" pf 1 vf 5
		hv ip link del $d
		((DELETED)) || break
	done
	((k > 1)) || fail "the device was never deleted while vf add ran (too loaded?)"
	echo "vf add: deleted after each of $((k - 1)) look-ups" >&2
}

# A VF whose device went before the watcher unbound it (here: no watcher runs) still takes vf
# set state and mac (the registers; a device gone has nothing to set), rather than failing on
# the netlink read of the gone device; the device of its name made again takes both when the
# watcher attaches it (held down: down; the VM's end: the new vMAC).
test_vf_set_gone_device() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	"$NSW" watch stop "$NIC" >/dev/null
	hv ip link del vm1
	"$NSW" vf set "$NIC" pf 0 vf 1 state disable >"$TMPD/out" 2>"$TMPD/err" ||
		fail "vf set state of a VF whose device went: $(cat "$TMPD/err")"
	[[ ! -s $TMPD/err ]] || fail "vf set state: $(cat "$TMPD/err")"
	"$NSW" vf set "$NIC" pf 0 vf 1 mac 02:4e:00:00:00:71 2>"$TMPD/err" ||
		fail "vf set mac of a VF whose device went: $(cat "$TMPD/err")"
	[[ $("$NSW" -j vf show "$NIC" | jq -r '.[] | select(.pf == 0 and .vf == 1) | .link_state') == disable ]] ||
		fail "vf 0,1 state: $("$NSW" -j vf show "$NIC" | jq -c '.[] | select(.pf == 0 and .vf == 1)')"
	hv ip link add vm1 type veth peer name vm1p
	hv ip link set vm1 up
	"$NSW" watch start "$NIC" >/dev/null
	wait_for vm1 vf_dev 0 1 || fail "vm1 made again is not attached"
	[[ $(hv ip -j link show vm1 | jq -r '.[0].flags | index("UP") // "no"') == no ]] ||
		fail "vm1 of a VF held down is up: $(hv ip -j link show vm1 | jq -c '.[0].flags')"
	[[ $(mac_of ${LABP}hv vm1p) == 02:4e:00:00:00:71 ]] || fail "vm1p: MAC $(mac_of ${LABP}hv vm1p)"
}

# The device deleted after each look-up and made again as soon as the command has looked its
# name up and found none, before the command records the name: the watcher, woken by the new
# device, finds nobody following it yet, so the command itself must attach it (or no event
# ever will); within 2 s the PF and the VF have it, with exit 0.
test_follow_race_made_again() {
	command -v strace >/dev/null || { echo "skip follow_race_made_again: strace missing"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	local d=${LABP}rc3 k
	for ((k = 1; k <= 8; k++)); do
		dev_make $d
		race_run $d $k remake pf set "$NIC" pf 1 follow $d
		((RC == 0)) && [[ ! -s $TMPD/err ]] || fail "pf k=$k: exit $RC: $(cat "$TMPD/err")"
		wait_for "$d" pf_uplink 1 || fail "pf k=$k: $d made again during pf set is not attached"
		"$NSW" pf set "$NIC" pf 1 uplink none
		hv ip link del $d
		((DELETED)) || break
	done
	((k > 1)) || fail "the device was never deleted while pf set ran (too loaded?)"
	for ((k = 1; k <= 8; k++)); do
		dev_make $d
		race_run $d $k remake vf add "$NIC" pf 1 vf 5 follow $d
		((RC == 0)) && [[ ! -s $TMPD/err ]] || fail "vf k=$k: exit $RC: $(cat "$TMPD/err")"
		wait_for "$d" vf_dev 1 5 || fail "vf k=$k: $d made again during vf add is not attached"
		# What it printed: the device it attached, or (made again too late for the
		# command, on a loaded machine) the name it waits for.
		grep -Eq "^vf 1,5 mac .* (dev $d kind veth|wait $d)$" "$TMPD/out" ||
			fail "vf k=$k: vf add printed: $(cat "$TMPD/out")"
		"$NSW" vf del "$NIC" pf 1 vf 5
		hv ip link del $d
		((DELETED)) || break
	done
	((k > 1)) || fail "the device was never deleted while vf add ran (too loaded?)"
}

# The watcher's own look-up then read: a device of the name an uplink waits for, deleted as
# soon as the watcher's resync has looked its name up (strace, attached to the watcher and its
# resync children, holds their ioctls 0.5 s). The PF keeps waiting, with no "unreadable" in
# the log, and the device made again is attached.
test_watcher_follow_race() {
	command -v strace >/dev/null || { echo "skip watcher_follow_race: strace missing"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	local d=${LABP}rc4 wpid spid i log=/run/nswitch/watch-$NIC.log
	"$NSW" pf set "$NIC" pf 1 follow $d >/dev/null
	wpid=$("$NSW" -j watch show "$NIC" | jq -r '.[0].pid')
	((wpid > 0)) || fail "no watcher"
	: >"$TMPD/trace"
	strace -qq -f -p "$wpid" -o "$TMPD/trace" -e trace=ioctl -e inject=ioctl:delay_exit=500000 &
	spid=$!
	BG_PIDS+=("$spid")
	traced_by "$wpid" "$spid"
	dev_make $d
	for ((i = 0; i < 300; i++)); do
		(($(lookups $d ok) >= 1)) && break
		sleep 0.01
	done
	(($(lookups $d ok) >= 1)) || fail "the watcher did not look $d up (trace: $(tail -3 "$TMPD/trace"))"
	hv ip link del $d
	sleep 1.5 # the resync ends (its held ioctls), the deletion's event handled
	kill "$spid"
	wait "$spid" 2>/dev/null || true
	[[ $(pf_uplink 1) == "none wait $d" ]] || fail "pf 1: uplink $(pf_uplink 1)"
	grep -q "pf 1: $d is unreadable" "$log" && fail "the watcher logged: $(grep "pf 1: $d" "$log" | tail -1)"
	dev_make $d
	wait_for "$d" pf_uplink 1 || fail "$d made again is not attached"
}

run_test pf_follow_race
run_test vf_follow_race
run_test vf_set_gone_device
run_test follow_race_made_again
run_test watcher_follow_race
