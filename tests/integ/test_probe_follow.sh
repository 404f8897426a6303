#!/usr/bin/env bash
# test_probe_follow.sh - follow-by-name as a careless user meets it: a follow NAME that no
# device can ever have (the kernel refuses ".", "..", and any "/", ":" or white space in an
# interface name) is refused by pf set and vf add with one line and nothing changed, rather
# than leaving a PF or VF waiting forever; and a watch start racing another right after the
# watcher was killed -9 never reports the dead watcher's pid; an uplink renamed to the name a VF
# or another PF waits for is attached there within a second (freed by one PF, taken by the other);
# a name a port of another NIC of the same namespace follows is refused, as within one NIC; and
# pf set follow NAME, NAME a device where the user runs it but not in the NIC's namespace, is
# refused as vf add refuses it (not left waiting for a device that is somewhere else); and a
# pf set ... follow NEW killed -9 after binding NEW but before recording its name leaves the PF
# following its old name (save writes it), not bound to NEW with no name followed at all.
source "$(dirname "$0")/lib.sh"
TMPD=$(mktemp -d /tmp/${LABP}probe.XXXXXX)
cleanup() {
	rm -rf "$TMPD"
	"$NSW" nic del ${NIC}x >/dev/null 2>&1 || true
	"$NSW" nic del ${NIC}y >/dev/null 2>&1 || true
	lab_cleanup
}
trap cleanup EXIT


test_follow_impossible_names() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	local pf0 vf0 name
	pf0=$("$NSW" -j pf show "$NIC")
	vf0=$("$NSW" -j vf show "$NIC" | vf_settings)
	for name in "a b" "x/y" "q:z" "." ".." $'tab\there' $'nb\xa0sp'; do
		refused_one_line "pf set follow '$name'" pf set "$NIC" pf 1 follow "$name"
		refused_one_line "vf add follow '$name'" vf add "$NIC" pf 1 vf 6 follow "$name"
	done
	[[ $("$NSW" -j pf show "$NIC") == "$pf0" ]] || fail "a refused pf set changed the PFs"
	[[ $("$NSW" -j vf show "$NIC" | vf_settings) == "$vf0" ]] || fail "a refused vf add changed the VFs"
	# The names the kernel does take are still followed (waited for).
	"$NSW" pf set "$NIC" pf 1 follow "a.b-c_d@e" >/dev/null
	"$NSW" vf add "$NIC" pf 1 vf 6 follow "...x" >/dev/null
}

test_watch_start_after_kill9() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	local i old said now p w st
	for ((i = 0; i < 5; i++)); do
		old=$("$NSW" -j watch show "$NIC" | jq -r '.[0].pid')
		((old > 0)) || fail "no watcher runs before round $i"
		kill -9 "$old"
		# Until it is dead (a zombie until init reaps it, or gone): a start while it is still
		# exiting rightly finds it holding the lock.
		for ((w = 0; w < 200; w++)); do
			st=$(awk '{print $3}' /proc/$old/stat 2>/dev/null) || break
			[[ $st == [ZX] || -z $st ]] && break
			sleep 0.01
		done
		("$NSW" -j watch start "$NIC" >"$TMPD/s1" &
			"$NSW" -j watch start "$NIC" >"$TMPD/s2" & wait)
		now=$("$NSW" -j watch show "$NIC" | jq -r '.[0].pid')
		for p in $(jq -r .pid "$TMPD/s1" "$TMPD/s2"); do
			((p != old)) || fail "round $i: a start reported the killed watcher $old (now $now)"
			((p == now)) || fail "round $i: a start reported $p, watch show $now"
		done
		kill -0 "$now" || fail "round $i: watcher $now is not alive"
	done
}

# Waits up to 2 s for a jq query on a -j show to print want.
wait_show() { # wait_show OBJECT QUERY WANT
	local i
	for ((i = 0; i < 200; i++)); do
		[[ $("$NSW" -j "$1" show "$NIC" | jq -r "$2") == "$3" ]] && return 0
		sleep 0.01
	done
	fail "after 2 s: $1 show says $("$NSW" -j "$1" show "$NIC" | jq -r "$2"), not $3"
}

test_uplink_renamed_to_waited_name() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	local vf15='.[] | select(.pf == 1 and .vf == 5) | (.dev // "none")'
	local pf0='.[0].pfs[] | select(.pf == 0) | (.uplink // "none")'
	local pf1='.[0].pfs[] | select(.pf == 1) | (.uplink // "none")'
	"$NSW" vf add "$NIC" pf 1 vf 5 follow ${LABP}up >/dev/null
	hv ip link set up0 name ${LABP}up
	wait_show vf "$vf15" ${LABP}up || fail "the uplink renamed to the name VF 1,5 waits for"
	wait_show pf "$pf0" none
	hv ip link add up0 type veth peer name ${LABP}upp
	wait_show pf "$pf0" up0
	"$NSW" pf set "$NIC" pf 1 follow ${LABP}upb >/dev/null
	hv ip link set up0 name ${LABP}upb
	wait_show pf "$pf1" ${LABP}upb || fail "PF 0's uplink renamed to the name PF 1 waits for"
	wait_show pf "$pf0" none
}

test_follow_name_of_another_nic() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	"$NSW" nic add ${NIC}x netns ${LABP}hv >/dev/null
	"$NSW" nic add ${NIC}y netns ${LABP}ext >/dev/null
	"$NSW" pf set "$NIC" pf 1 follow ${LABP}sh >/dev/null
	"$NSW" vf add "$NIC" pf 1 vf 4 follow ${LABP}sh2 >/dev/null
	local pfx vfx
	pfx=$("$NSW" -j pf show ${NIC}x)
	vfx=$("$NSW" -j vf show ${NIC}x | vf_settings)
	refused_one_line "pf set follow a name an uplink of $NIC waits for" pf set ${NIC}x pf 0 follow ${LABP}sh
	refused_one_line "vf add follow a name an uplink of $NIC waits for" vf add ${NIC}x pf 0 vf 1 follow ${LABP}sh
	refused_one_line "pf set follow a name a VF of $NIC waits for" pf set ${NIC}x pf 0 follow ${LABP}sh2
	refused_one_line "vf add follow a name a VF of $NIC waits for" vf add ${NIC}x pf 0 vf 1 follow ${LABP}sh2
	grep -q "NIC $NIC" "$TMPD/err" || fail "the refusal does not name NIC $NIC: $(cat "$TMPD/err")"
	[[ $("$NSW" -j pf show ${NIC}x) == "$pfx" ]] || fail "a refused pf set changed ${NIC}x's PFs"
	[[ $("$NSW" -j vf show ${NIC}x | vf_settings) == "$vfx" ]] || fail "a refused vf add changed ${NIC}x's VFs"
	# In another namespace, the same name is another device.
	"$NSW" pf set ${NIC}y pf 0 follow ${LABP}sh >/dev/null
	"$NSW" vf add ${NIC}y pf 0 vf 1 follow ${LABP}sh2 >/dev/null
}

test_follow_name_in_another_netns() {
	lab_cleanup
	"$NSW" lab up >/dev/null
	ext ip link add ${LABP}xx type veth peer name ${LABP}xy
	local pf0
	pf0=$("$NSW" -j pf show "$NIC")
	refused_one_line "vf add follow a device of the user's namespace" -n ${LABP}ext vf add "$NIC" pf 1 vf 6 follow ${LABP}xx
	refused_one_line "pf set follow a device of the user's namespace" -n ${LABP}ext pf set "$NIC" pf 1 follow ${LABP}xx
	grep -q "another namespace" "$TMPD/err" || fail "unclear: $(cat "$TMPD/err")"
	[[ $("$NSW" -j pf show "$NIC") == "$pf0" ]] || fail "a refused pf set changed the PFs"
	# A name no namespace has yet is waited for, from anywhere.
	"$NSW" -n ${LABP}ext pf set "$NIC" pf 1 follow ${LABP}later >/dev/null
}

test_pf_set_killed_before_the_name() {
	command -v strace >/dev/null || { echo "skip pf_set_killed_before_the_name: no strace"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	hv ip link add ${LABP}new type veth peer name ${LABP}newp
	# The bpf call that fetches the names map to record NEW: the last nsw_pf_name fetch of a
	# dry run (its rank changes with the NICs on the machine: counted again each try).
	local try n killed=
	for ((try = 0; try < 5 && !killed; try++)); do
		strace -f -qq -e trace=bpf -o "$TMPD/dry" "$NSW" pf set "$NIC" pf 0 follow ${LABP}new >/dev/null
		"$NSW" pf set "$NIC" pf 0 follow up0 >/dev/null
		n=$(grep -n 'BPF_OBJ_GET.*/nsw_pf_name"' "$TMPD/dry" | tail -1 | cut -d: -f1)
		strace -f -qq -e trace=bpf -e inject=bpf:signal=SIGKILL:when=$n -o "$TMPD/kill" \
			"$NSW" pf set "$NIC" pf 0 follow ${LABP}new >/dev/null 2>&1 || true
		tail -2 "$TMPD/kill" | grep -q 'BPF_OBJ_GET.*/nsw_pf_name"' && killed=1
		[[ $killed ]] || "$NSW" pf set "$NIC" pf 0 follow up0 >/dev/null
	done
	[[ $killed ]] || fail "could not kill pf set at its name's write"
	local saved
	saved=$("$NSW" save "$NIC" | grep "^pf set $NIC pf 0 ")
	[[ $saved == "pf set $NIC pf 0 follow up0" ]] ||
		fail "killed before recording ${LABP}new, save says: $saved"
	# The watcher, woken by any event of the device bound, gives PF 0 its up0 back.
	hv ip link set ${LABP}new up
	wait_show pf '.[0].pfs[] | select(.pf == 0) | (.uplink // "none")' up0
	! hv tc filter show dev ${LABP}new ingress | grep -q nsw_tc ||
		fail "${LABP}new keeps nswitch's filter"
}

run_test follow_impossible_names
run_test watch_start_after_kill9
run_test uplink_renamed_to_waited_name
run_test follow_name_of_another_nic
run_test follow_name_in_another_netns
run_test pf_set_killed_before_the_name
