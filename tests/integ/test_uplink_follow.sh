#!/usr/bin/env bash
# test_uplink_follow.sh - a PF's uplink follows its device by name, as a VF's device does: the
# uplink veth to the external host deleted and made again with the same name is attached again
# within a second with no nswitch command, in every mode; while it is gone the PF shows "uplink
# none wait NAME", what its VFs send out is counted as no_device, and its VFs in state auto are
# down; a device of that name that cannot be an uplink is not attached; save writes the name
# (follow NAME) and -b brings the PF back waiting. And the watcher's files
# (/run/nswitch/watch-NIC.{pid,log}) go with it at watch stop and nic del.
source "$(dirname "$0")/lib.sh"
TMPD=$(mktemp -d /tmp/${LABP}upfollow.XXXXXX)
cleanup() {
	rm -rf "$TMPD"
	lab_cleanup
}
trap cleanup EXIT

vf_link() { "$NSW" -j vf show "$NIC" | jq -r --argjson p "$1" --argjson v "$2" \
	'.[] | select(.pf == $p and .vf == $v) | .link'; }
no_dev() { stat .drops.no_device; }
# Waits up to 2 s (the promise is one second; the watcher reacts to the event, it does not
# poll) for PF p's uplink to be dev; prints the ms since T0.
wait_uplink() { # wait_uplink P DEV T0
	local i
	for ((i = 0; i < 200; i++)); do
		[[ $(pf_uplink "$1") == "$2" ]] && { echo $(($(now_ms) - $3)); return 0; }
		sleep 0.01
	done
	fail "pf $1: uplink $2 not attached after 2 s (uplink: $(pf_uplink "$1"))"
}
# The external host's end made again, as lab up makes it, with the MAC it had (vm1 keeps its
# neighbour entry).
ext_link_make() { # ext_link_make MODE MAC
	hv ip link add up0 type veth peer name eth0 netns ${LABP}ext
	ext ip link set eth0 address "$2"
	ext ip addr add 10.77.0.100/24 dev eth0
	ext ip link set eth0 up
	[[ $1 == xdp ]] && ext ethtool -K eth0 tx off gro on >/dev/null
	hv ip link set up0 up
}

follow_uplink() {
	local mode=$1
	lab_cleanup
	"$NSW" lab up mode "$mode" >/dev/null || fail "lab up mode $mode"
	"$NSW" vf set "$NIC" pf 0 vf 2 state auto
	local emac
	emac=$(mac_of ${LABP}ext)
	vm 1 ip neigh replace 10.77.0.100 lladdr "$emac" dev eth0 nud permanent
	pings ${LABP}vm1 10.77.0.100 || fail "$mode: no ping to the external host before"
	[[ $(vf_link 0 2) == up ]] || fail "$mode: VF 0,2 (auto) is $(vf_link 0 2) with the uplink up"
	hv ip link del up0
	sleep 0.3
	[[ $(pf_uplink 0) == "none wait up0" ]] || fail "$mode: gone, pf show says uplink $(pf_uplink 0)"
	"$NSW" pf show "$NIC" | grep -q "^    pf 0 .* uplink none wait up0 miss " ||
		fail "$mode: text: $("$NSW" pf show "$NIC" | grep '^    pf 0')"
	"$NSW" pf show "$NIC" >"$TMPD/pf.txt"
	"$NSW" -j pf show "$NIC" >"$TMPD/pf.json"
	python3 "$ROOT/tests/integ/nsw_show_fields.py" nic "$TMPD/pf.txt" "$TMPD/pf.json" ||
		fail "$mode: pf show's text and JSON differ for a waiting uplink"
	[[ $(vf_link 0 2) == down ]] || fail "$mode: VF 0,2 (auto) is $(vf_link 0 2) with its uplink gone"
	local d0
	d0=$(no_dev)
	! pings ${LABP}vm1 10.77.0.100 2 || fail "$mode: pings answered with the uplink gone"
	(($(no_dev) >= d0 + 2)) || fail "$mode: no_device $d0 -> $(no_dev): frames to the gone uplink not counted"
	local t0 ms
	t0=$(now_ms)
	ext_link_make "$mode" "$emac"
	ms=$(wait_uplink 0 up0 "$t0")
	((ms <= 1000)) || fail "$mode: uplink attached after $ms ms"
	echo "$mode: uplink veth attached again $ms ms after it was made" >&2
	pings ${LABP}vm1 10.77.0.100 || fail "$mode: no ping to the external host after the uplink came back"
	[[ $(vf_link 0 2) == up ]] || fail "$mode: VF 0,2 (auto) is $(vf_link 0 2) after the uplink came back"
	local filters
	filters=$(hv tc filter show dev up0 ingress)
	grep -q ' bpf ' <<<"$filters" || fail "$mode: no nswitch filter on the new up0: $filters"
}
test_follow_uplink_tc() { follow_uplink tc; }
test_follow_uplink_tc_peer() { follow_uplink tc-peer; }
test_follow_uplink_xdp() { follow_uplink xdp; }

# A device of the uplink's name that cannot be an uplink (a bridge) is left alone; names
# followed by a VF and by an uplink are refused to each other; pf set ... follow NAME waits.
test_uplink_refusals() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	local emac err
	emac=$(mac_of ${LABP}ext)
	hv ip link del up0
	hv ip link add up0 type bridge
	sleep 0.5
	[[ $(pf_uplink 0) == "none wait up0" ]] || fail "a bridge named up0 was taken: uplink $(pf_uplink 0)"
	grep -q "pf 0: up0 is a bridge" /run/nswitch/watch-"$NIC".log ||
		fail "the watcher's log does not say why: $(tail -2 /run/nswitch/watch-"$NIC".log)"
	err=$("$NSW" pf set "$NIC" pf 1 follow up0 2>&1) && fail "a second PF following up0 accepted"
	[[ $err == "nswitch: pf set: \"up0\" is the uplink PF 0 of NIC $NIC follows (waits for)" ]] ||
		fail "unclear: $err"
	err=$("$NSW" vf add "$NIC" pf 0 vf 7 follow up0 2>&1) && fail "a VF following up0 accepted"
	grep -q "the uplink PF 0 of NIC $NIC follows" <<<"$err" || fail "unclear: $err"
	hv ip link del vm2
	err=$("$NSW" pf set "$NIC" pf 1 follow vm2 2>&1) && fail "an uplink following VF 0,2's name accepted"
	grep -q "the device VF 0,2 of NIC $NIC follows" <<<"$err" || fail "unclear: $err"
	err=$("$NSW" pf set "$NIC" pf 1 uplink up0 follow up0 2>&1) && fail "uplink and follow accepted"
	hv ip link del up0
	ext_link_make tc "$emac"
	wait_uplink 0 up0 "$(now_ms)" >/dev/null
	pings ${LABP}vm1 10.77.0.100 || fail "no ping after the veth replaced the bridge"
	# follow NAME for a device to come: waits, and is attached when it comes.
	"$NSW" pf set "$NIC" pf 1 follow ${LABP}u1 | grep -q "^note: pf 1 waits for its uplink ${LABP}u1$" ||
		fail "pf set follow of an absent device: no note"
	[[ $(pf_uplink 1) == "none wait ${LABP}u1" ]] || fail "pf 1: uplink $(pf_uplink 1)"
	hv ip link add ${LABP}u1 type veth peer name ${LABP}u2
	wait_uplink 1 ${LABP}u1 "$(now_ms)" >/dev/null
	"$NSW" pf set "$NIC" pf 1 uplink none
	[[ $(pf_uplink 1) == "none wait -" ]] || fail "uplink none: pf 1 uplink $(pf_uplink 1)"
	hv ip link del ${LABP}u1
	hv ip link add ${LABP}u1 type veth peer name ${LABP}u2
	sleep 0.5
	[[ $(pf_uplink 1) == "none wait -" ]] || fail "uplink none still followed: pf 1 uplink $(pf_uplink 1)"
}

# save writes the name a waiting uplink follows; nic del and -b bring it back waiting, with
# byte-identical shows; the device made then is attached. No watcher file outlives nic del.
test_uplink_save_roundtrip() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	local emac before after
	emac=$(mac_of ${LABP}ext)
	hv ip link del up0
	sleep 0.3
	"$NSW" save "$NIC" >"$TMPD/conf" || fail "save with a waiting uplink failed"
	grep -qx "pf set $NIC pf 0 follow up0" "$TMPD/conf" || fail "save: $(grep 'pf set' "$TMPD/conf")"
	before=$("$NSW" -j pf show "$NIC")
	"$NSW" nic del "$NIC" >/dev/null
	"$NSW" -b "$TMPD/conf" >/dev/null || fail "-b of the saved file failed"
	after=$("$NSW" -j pf show "$NIC")
	[[ $after == "$before" ]] || fail "pf show differs after save / nic del / -b: $before -> $after"
	ext_link_make tc "$emac"
	wait_uplink 0 up0 "$(now_ms)" >/dev/null
	pings ${LABP}vm1 10.77.0.100 || fail "no ping through the uplink restored by -b"
	"$NSW" nic del "$NIC" >/dev/null
	ls /run/nswitch/watch-"$NIC".* 2>/dev/null && fail "watcher files left after nic del"
	true
}

# The watcher's pid and log files: gone after watch stop, after nic del, and after nic del of
# a NIC whose watcher was killed -9; a start after a stop makes them again.
test_watch_files_removed() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	local f=/run/nswitch/watch-$NIC pid
	[[ -e $f.pid && -e $f.log ]] || fail "no watcher files after lab up"
	"$NSW" watch stop "$NIC" >/dev/null
	[[ ! -e $f.pid && ! -e $f.log ]] || fail "files left after watch stop: $(ls $f.* 2>&1 | tr "\n" " ")"
	pid=$("$NSW" -j watch start "$NIC" | jq -r .pid)
	((pid > 0)) || fail "watch start after stop: pid $pid"
	[[ $(cat $f.pid) == "$pid" ]] || fail "pid file says $(cat $f.pid 2>&1), not $pid"
	kill -9 "$pid"
	sleep 0.2
	"$NSW" nic del "$NIC" >/dev/null
	[[ ! -e $f.pid && ! -e $f.log ]] || fail "files of a killed watcher left after nic del: $(ls $f.* 2>&1 | tr "\n" " ")"
	lab_cleanup
	"$NSW" lab up >/dev/null
	pid=$("$NSW" -j watch show "$NIC" | jq -r '.[0].pid // 0')
	((pid > 0)) || fail "no watcher after lab up again"
	"$NSW" nic del "$NIC" >/dev/null
	[[ ! -e $f.pid && ! -e $f.log ]] || fail "files left after nic del: $(ls $f.* 2>&1 | tr "\n" " ")"
	[[ ! -e /proc/$pid/stat || $(awk '{print $3}' /proc/$pid/stat) == Z ]] ||
		fail "watcher $pid outlived nic del"
}

# A start that opened the pid file just before a stop removed it (held 0.5 s between its open
# and its flock by strace): it must not run a watcher on the file that lost its name (one that
# watch show would not see and a second start would double), but start one on the file at the
# path.
test_watch_start_during_stop() {
	command -v strace >/dev/null || { echo "skip watch_start_during_stop: strace missing"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	local pid pid2 f=/run/nswitch/watch-$NIC.pid holders p l
	strace -qq -o /dev/null -e trace=flock -e inject=flock:delay_enter=500000:when=1 \
		"$NSW" -j watch start "$NIC" >"$TMPD/start" 2>&1 &
	local spid=$!
	sleep 0.2
	"$NSW" watch stop "$NIC" >/dev/null
	wait "$spid" || fail "the delayed watch start failed: $(cat "$TMPD/start")"
	pid=$(jq -r .pid "$TMPD/start")
	((pid > 0)) && kill -0 "$pid" || fail "the delayed start's pid $pid is not alive"
	[[ -e $f && $(cat $f) == "$pid" ]] || fail "the pid file says '$(cat $f 2>&1)', not $pid"
	pid2=$("$NSW" -j watch start "$NIC" | jq -r .pid)
	((pid2 == pid)) || fail "a second start made watcher $pid2 beside $pid"
	sleep 0.3 # a resync child holds the file too, for as long as it runs
	holders=()
	for p in /proc/[0-9]*/fd/*; do
		l=$(readlink "$p" 2>/dev/null) || continue
		[[ $l == "$f" || $l == "$f (deleted)" ]] && holders+=("${p%/fd/*}:$l")
	done
	((${#holders[@]} == 1)) || fail "${#holders[@]} processes hold a pid file: ${holders[*]}"
	[[ ${holders[0]} == "/proc/$pid:$f" ]] || fail "the holder is ${holders[0]}, not watcher $pid"
}

run_test follow_uplink_tc
run_test follow_uplink_tc_peer
run_test follow_uplink_xdp
run_test uplink_refusals
run_test uplink_save_roundtrip
run_test watch_files_removed
run_test watch_start_during_stop
