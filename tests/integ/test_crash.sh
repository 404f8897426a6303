#!/usr/bin/env bash
# test_crash.sh - nswitch killed (SIGKILL, by strace's fault injection) at its system calls:
# after each kill the NIC must be exactly as before the command or exactly as after it, the
# next command must work, `nic del` must clean up and nothing may be left (no pins, no
# nswitch tc filter, no clsact nswitch made). The commands: nic add, nic del, vf add, vf del,
# acl replace and acl flush, killed at every bpf() call and, for nic del, every unlink().
# Also: nic del of a NIC whose namespace is gone, or whose port's ifindex another device took,
# touches nothing it did not make; nic del removes a damaged NIC; netns names are checked.
#
# A state is read through nswitch (-j nic show, vf show, acl show: every command first
# finishes what a killed one left) and from the kernel (tc qdiscs and filters of the lab's
# devices, the pins). Program ids and ACL generations are left out of the comparison (a NIC
# made again gets new ids; a cycle of replaces moves the generation), the rest must match.
# ACL rules a killed replace staged are invisible and removed by the next replace, so the
# count of entries in nsw_acl_rules is checked after that next command.
#
# Sampling (runtime: every point of nic add and nic del costs a NIC made anew, a verifier run
# of about a second): nic add (~90 bpf() calls) is killed at its first 3 calls, its 6th, 10th
# and 20th, its last 11 (both program loads, the program pins, the metadata; its commit is a
# rename) and every 30th between (its map pins are all alike); nic del at every bpf() call
# and at its first 2, last 2 and every 4th unlink() (all of them after its commit, all alike:
# a pin less in a folder out of sight). The 256-rule replace (~2000 calls) is killed at its
# first and last 5 calls, at the flip and 2 calls either side of it, and every 151st call.
# vf add, vf del and the 4-rule replace and flush are killed at EVERY bpf() call. `nic del`
# cleans up after every point of nic add and nic del, and after every 25th point (and the
# last) of the others.
#
# The suite runs in a private mount namespace with its own bpffs, so the lock and the pins of
# NICs of other suites running at the same time neither block it nor change its counts.
source "$(dirname "$0")/lib.sh"
if [[ -z ${NSW_CRASH_PRIVATE:-} ]]; then
	command -v strace >/dev/null || { echo "skip crash: strace missing (apt-get install strace)"; exit 0; }
	command -v bpftool >/dev/null || { echo "skip crash: bpftool missing"; exit 0; }
	command -v unshare >/dev/null || { echo "skip crash: unshare missing"; exit 0; }
	exec unshare -m --propagation private env NSW_CRASH_PRIVATE=1 bash -c \
		'mount -t bpf bpf /sys/fs/bpf || { echo "skip crash: cannot mount a private bpffs"; exit 0; }; exec bash "$0"' "$0"
fi
HV=${LABP}khv GONE=${LABP}kgone
CN=${NIC}k
D0=${LABP}a0 D1=${LABP}a1 D2=${LABP}a2
TMP=$(mktemp -d)
cleanup() {
	"$NSW" nic del "$CN" >/dev/null 2>&1 || true
	"$NSW" nic del "${CN}2" >/dev/null 2>&1 || true
	ip netns del "$HV" 2>/dev/null || true
	ip netns del "$GONE" 2>/dev/null || true
	ip link del "${LABP}u0" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
cleanup
TMP=$(mktemp -d)
ip netns add "$HV"
for i in 0 1 2; do ip -n "$HV" link add "${LABP}a$i" type veth peer name "${LABP}b$i"; done

hv() { ip netns exec "$HV" "$@"; }

# ---- state ----
nsw_view() { # what nswitch shows of $CN, or "absent"
	local nic
	nic=$("$NSW" -j nic show "$CN" 2>/dev/null) || { echo absent; return 0; }
	echo "$nic"
	"$NSW" -j vf show "$CN" | vf_settings
	"$NSW" -j acl show "$CN" | sed -E 's/"generation":[0-9]+,//g'
}
kern_view() { # clsact and filters of the lab's devices (program ids left out), and the pins
	hv sh -c "tc qdisc show | grep clsact; for d in $D0 $D1 $D2; do
		for dir in ingress egress; do echo \$d \$dir; tc filter show dev \$d \$dir 2>/dev/null; done
	done" | sed -E 's/:\[[0-9]+\]//; s/ id [0-9]+//'
	echo "pins: $(ls -A /sys/fs/bpf/nswitch 2>/dev/null | tr '\n' ' ')/ $(ls /sys/fs/bpf/nswitch/"$CN" 2>/dev/null | tr '\n' ' ')"
}
snap() { nsw_view; kern_view; }
nrules() { # entries of the NIC's rule hash, ghosts included
	bpftool -j map dump pinned /sys/fs/bpf/nswitch/"$CN"/nsw_acl_rules | jq length
}
nothing_left() {
	local k
	k=$(kern_view)
	[[ $k == *"pins: / "* ]] || fail "pins left: $(grep pins <<<"$k")"
	! grep -q clsact <<<"$k" || fail "a clsact left: $(grep clsact <<<"$k" | head -1)"
	! grep -q '^filter' <<<"$k" || fail "a filter left: $(grep '^filter' <<<"$k" | head -1)"
}
# same WHERE GOT WANT: fails with the first differing line
same() {
	[[ $2 == "$3" ]] && return 0
	fail "$1: state differs: $(diff <(echo "$3") <(echo "$2") | grep '^[<>]' | head -2 | tr '\n' ' ')"
}
# classify WHERE BEFORE AFTER: prints before or after, or fails
classify() {
	local mid
	mid=$(snap)
	if [[ $mid == "$2" ]]; then echo before
	elif [[ $mid == "$3" ]]; then echo after
	else
		fail "$1: neither before nor after: $(diff <(echo "$2") <(echo "$mid") | grep '^[<>]' | head -2 | tr '\n' ' ')"
	fi
}

# ---- killing ----
# killed SYSCALL N CMD...: runs CMD, killed at its Nth SYSCALL (if it gets there).
killed() {
	strace -f -qq -o /dev/null -e trace="$1" -e signal=none -e inject="$1":signal=KILL:when="$2" \
		"${@:3}" >/dev/null 2>&1 || true
}
# calls SYSCALL CMD...: how many SYSCALL calls CMD makes (it runs for real); trace in $TMP/trace
calls() {
	strace -f -qq -o "$TMP/trace" -e trace="$1" -e signal=none "${@:2}" >/dev/null 2>&1 ||
		fail "$* failed under strace"
	grep -c "$1(" "$TMP/trace"
}
# The flip of a replace: its update of the set's nsw_acl_active word, in $TMP/trace.
flip_call() {
	awk '/bpf\(/ { n++ }
		/BPF_OBJ_GET.*nsw_acl_active/ { fd = $NF }
		fd != "" && $0 ~ "BPF_MAP_UPDATE_ELEM, \\{map_fd=" fd "," { f = n }
		END { print f + 0 }' "$TMP/trace"
}
# points TOTAL: every call
points_all() { seq 1 "$1"; }

fresh() { # no NIC, no tc on the lab's devices: each test starts here
	local d
	"$NSW" nic del "$CN" >/dev/null 2>&1 || true
	"$NSW" nic del "${CN}2" >/dev/null 2>&1 || true
	for d in "$D0" "$D1" "$D2"; do hv tc qdisc del dev "$d" clsact 2>/dev/null || true; done
}
mknic() { # a fresh NIC: 2 PFs, VF 0,1 on D0, uplink of PF 1 on D2
	"$NSW" nic add "$CN" pfs 2 netns "$HV" >/dev/null
	"$NSW" vf add "$CN" pf 0 vf 1 dev "$D0" >/dev/null
	"$NSW" pf set "$CN" pf 1 uplink "$D2"
}
# delcheck: nic del cleans up and nothing is left
delcheck() {
	"$NSW" nic del "$CN" >/dev/null || fail "nic del failed"
	nothing_left
}

# crash_cycle NAME SYSCALL TOTAL "POINTS" DO UNDO: the NIC is in state BEFORE; DO takes it to
# AFTER, UNDO back. For each point N: kill DO at its Nth SYSCALL; the NIC must be in BEFORE or
# AFTER; from BEFORE, DO must work and give AFTER; then UNDO must give BEFORE again; every
# 5th point and the last, nic del cleans up and the NIC is made again.
crash_cycle() {
	local name=$1 sc=$2 pts=$3 do=$4 undo=$5 before after n k=0 st last
	before=$(snap)
	eval "$do" >/dev/null || fail "$name: does not work"
	after=$(snap)
	eval "$undo" >/dev/null || fail "$name: undo does not work"
	same "$name undo" "$(snap)" "$before"
	last=$(wc -w <<<"$pts")
	for n in $pts; do
		k=$((k + 1))
		eval "killed $sc $n $do"
		st=$(classify "$name killed at $sc $n" "$before" "$after")
		if [[ $st == before ]]; then
			eval "$do" >/dev/null || fail "$name: after a kill at $sc $n, the command fails"
			same "$name redone after a kill at $sc $n" "$(snap)" "$after"
		fi
		# The undo's result is checked by the next point's classify (a kill at call 1
		# changes nothing) and after the last point.
		eval "$undo" >/dev/null || fail "$name: after a kill at $sc $n, the undo fails"
		[[ -z ${EXTRA_CHECK:-} ]] || $EXTRA_CHECK "$name at $sc $n"
		((k < last)) || same "$name undone after a kill at $sc $n" "$(snap)" "$before"
		if ((k % 25 == 0 || k == last)); then
			delcheck
			eval "${PREP:-mknic}"
			same "$name made again" "$(snap)" "$before"
		fi
	done
}

test_vf_add_killed_at_every_bpf_call() {
	fresh
	mknic
	local n
	n=$(calls bpf "$NSW" vf add "$CN" pf 0 vf 2 dev "$D1")
	"$NSW" vf del "$CN" pf 0 vf 2
	crash_cycle "vf add" bpf "$(points_all "$n")" \
		'"$NSW" vf add "$CN" pf 0 vf 2 dev "$D1"' '"$NSW" vf del "$CN" pf 0 vf 2'
	delcheck
}

test_vf_del_killed_at_every_bpf_call() {
	fresh
	local PREP='mknic; "$NSW" vf add "$CN" pf 0 vf 2 dev "$D1" >/dev/null'
	eval "$PREP"
	local n
	n=$(calls bpf "$NSW" vf del "$CN" pf 0 vf 2)
	"$NSW" vf add "$CN" pf 0 vf 2 dev "$D1" >/dev/null
	crash_cycle "vf del" bpf "$(points_all "$n")" \
		'"$NSW" vf del "$CN" pf 0 vf 2' '"$NSW" vf add "$CN" pf 0 vf 2 dev "$D1"'
	delcheck
}

rules_count_is() { # rules_count_is WHERE: the rule hash holds exactly the live rules
	local live n
	live=$("$NSW" acl show "$CN" | awk '/^acl vf/ { n += $5 } END { print n + 0 }')
	n=$(nrules)
	((n == live)) || fail "$1: $n rules in the map, $live live (ghosts)"
}

acl_sets() { # acl_sets N: sets $TMP/A and $TMP/B of N rules each, disjoint
	local i
	for i in $(seq 1 "$1"); do echo "prio $i proto udp dport $i action drop"; done >"$TMP/A"
	for i in $(seq 1 "$1"); do echo "prio $i proto tcp dport $((1000 + i)) action drop"; done >"$TMP/B"
}

test_acl_replace_killed_at_every_bpf_call() {
	fresh
	acl_sets 4
	local PREP='mknic; "$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/A" >/dev/null'
	eval "$PREP"
	local n f
	n=$(calls bpf "$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/B")
	f=$(flip_call)
	((f > 0)) || fail "no flip found in the trace"
	"$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/A" >/dev/null
	EXTRA_CHECK=rules_count_is crash_cycle "acl replace" bpf "$(points_all "$n")" \
		'"$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/B"' \
		'"$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/A"'
	delcheck
}

test_acl_flush_killed_at_every_bpf_call() {
	fresh
	acl_sets 4
	local PREP='mknic; "$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/A" >/dev/null'
	eval "$PREP"
	local n
	n=$(calls bpf "$NSW" acl flush "$CN" pf 0 vf 1 dir in)
	"$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/A" >/dev/null
	EXTRA_CHECK=rules_count_is crash_cycle "acl flush" bpf "$(points_all "$n")" \
		'"$NSW" acl flush "$CN" pf 0 vf 1 dir in' \
		'"$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/A"'
	delcheck
}

# The 256-rule replace killed at its flip: the next replace must give exactly its own set.
test_acl_replace_256_killed_at_flip_leaves_no_ghosts() {
	fresh
	acl_sets 256
	local PREP='mknic; "$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/A" >/dev/null'
	eval "$PREP"
	local n f pts
	n=$(calls bpf "$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/B")
	f=$(flip_call)
	((f > 0)) || fail "no flip found in the trace"
	"$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/A" >/dev/null
	pts=$( { seq 1 5; seq $((f - 2)) $((f + 2)); seq $((n - 4)) "$n"; seq 6 151 "$n"; } | sort -nu)
	EXTRA_CHECK=rules_count_is crash_cycle "acl replace 256" bpf "$pts" \
		'"$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/B"' \
		'"$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/A"'
	# The symptom as seen: killed at the flip, the next replace said "256 rules" and the
	# set listed more; repeated kills made every replace fail and flush leave entries.
	fresh
	mknic
	local i out
	for i in 1 2 3; do
		killed bpf "$f" "$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/B"
		out=$("$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/A") ||
			fail "replace after a kill at the flip failed"
		[[ $out == *"256 rules"* ]] || fail "replace said: $out"
		[[ $("$NSW" -j acl show "$CN" | jq '.[0].rules | length') == 256 ]] ||
			fail "acl show lists $("$NSW" -j acl show "$CN" | jq '.[0].rules | length') rules, not 256"
		rules_count_is "after kill $i at the flip"
	done
	killed bpf "$f" "$NSW" acl replace "$CN" pf 0 vf 1 dir in file "$TMP/B"
	"$NSW" acl flush "$CN" pf 0 vf 1 dir in >/dev/null
	(($(nrules) == 0)) || fail "flush left $(nrules) entries"
	delcheck
}

test_nic_add_killed_at_bpf_calls() {
	fresh
	local n pts before after k st
	n=$(calls bpf "$NSW" nic add "$CN" pfs 2 netns "$HV")
	after=$(snap)
	"$NSW" nic del "$CN" >/dev/null
	nothing_left
	before=$(snap)
	pts=$( { seq 1 3; echo 6 10 20; seq $((n - 10)) "$n"; seq 30 30 "$n"; } | sort -nu)
	for k in $pts; do
		killed bpf "$k" "$NSW" nic add "$CN" pfs 2 netns "$HV"
		st=$(classify "nic add killed at bpf $k" "$before" "$after")
		if [[ $st == before ]]; then
			"$NSW" nic add "$CN" pfs 2 netns "$HV" >/dev/null ||
				fail "nic add after a kill at bpf $k fails"
			same "nic add redone after a kill at bpf $k" "$(snap)" "$after"
		fi
		delcheck
	done
}

test_nic_del_killed_at_every_bpf_and_unlink_call() {
	fresh
	mknic
	local before after nb nu k sc st total pts need=0
	before=$(snap)
	nb=$(calls bpf "$NSW" nic del "$CN")
	after=$(snap)
	nothing_left
	mknic
	nu=$(calls unlink "$NSW" nic del "$CN")
	((nu > 0)) || fail "nic del made no unlink() call"
	need=1
	for sc in bpf unlink; do
		total=$nb
		[[ $sc == unlink ]] && total=$nu
		pts=$(seq 1 "$total")
		[[ $sc == unlink ]] && pts=$( { seq 1 2; seq 4 4 "$total"; seq $((total - 1)) "$total"; } | sort -nu)
		for k in $pts; do
			((need)) && mknic
			need=0
			killed "$sc" "$k" "$NSW" nic del "$CN"
			# The snapshot's own nswitch commands are the next commands: they must work
			# and, after a kill past the commit, finish the removal.
			st=$(classify "nic del killed at $sc $k" "$before" "$after")
			if [[ $st == after ]]; then
				nothing_left
				need=1
			fi
		done
	done
	((need)) || delcheck
}

# A NIC whose namespace is gone: the ifindex of its port now names an unrelated device of the
# host with a clsact and a u32 filter of its own. nic del must leave that device alone.
test_nic_del_after_namespace_gone_touches_nothing() {
	fresh
	local ix
	ip netns add "$GONE"
	for ix in $(shuf -i 20000-60000 -n 20); do
		ip link show index "$ix" >/dev/null 2>&1 && continue
		ip -n "$GONE" link add "${LABP}g0" index "$ix" type veth peer name "${LABP}g1" && break
	done
	"$NSW" nic add "${CN}2" netns "$GONE" >/dev/null
	"$NSW" vf add "${CN}2" pf 0 vf 1 dev "${LABP}g0" >/dev/null
	ip netns del "$GONE"
	ip link add "${LABP}u0" index "$ix" type veth peer name "${LABP}u1"
	tc qdisc add dev "${LABP}u0" clsact
	tc filter add dev "${LABP}u0" ingress prio 1 protocol all u32 match u32 0 0 flowid 1:1
	"$NSW" nic del "${CN}2" >/dev/null || fail "nic del failed"
	[[ $(tc -j qdisc show dev "${LABP}u0" | jq '[.[] | select(.kind == "clsact")] | length') == 1 ]] ||
		fail "the unrelated device lost its clsact"
	[[ $(tc -j filter show dev "${LABP}u0" ingress | jq '[.[] | select(.kind == "u32")] | length') -ge 1 ]] ||
		fail "the unrelated device lost its u32 filter"
	[[ ! -e /sys/fs/bpf/nswitch/${CN}2 ]] || fail "pins left"
	ip link del "${LABP}u0"
}

# Same namespace, but the port's device was replaced by another that took its ifindex and has
# a clsact and a filter of its own at nswitch's very priority: nic del leaves them.
test_nic_del_spares_device_that_took_the_ifindex() {
	fresh
	mknic
	local ix
	ix=$(hv cat /sys/class/net/"$D1"/ifindex)
	"$NSW" vf add "$CN" pf 0 vf 2 dev "$D1" >/dev/null
	# The port's record left stale, as before VFs followed their devices: no watcher unbinds it.
	"$NSW" watch stop "$CN" >/dev/null
	hv ip link del "$D1"
	# Another name: a device of the VF's own name would be its device again.
	local nd=${LABP}kx
	hv ip link add "$nd" index "$ix" type veth peer name "${LABP}b1"
	hv tc qdisc add dev "$nd" clsact
	hv tc filter add dev "$nd" ingress prio 1 protocol all u32 match u32 0 0 flowid 1:1
	"$NSW" nic del "$CN" >/dev/null || fail "nic del failed"
	[[ $(hv tc -j qdisc show dev "$nd" | jq '[.[] | select(.kind == "clsact")] | length') == 1 ]] ||
		fail "the device that took the ifindex lost its clsact"
	[[ $(hv tc -j filter show dev "$nd" ingress | jq '[.[] | select(.kind == "u32")] | length') -ge 1 ]] ||
		fail "the device that took the ifindex lost its u32 filter"
	hv tc qdisc del dev "$nd" clsact
	nothing_left
	# The lab's D1 back, for the tests after this one.
	hv ip link del "$nd"
	hv ip link add "$D1" type veth peer name "${LABP}b1"
}

# A clsact that was there before the NIC stays after it, with the other filters on it; so does
# one nswitch made if someone else's filter sits on it.
test_preexisting_clsact_is_kept() {
	fresh
	hv tc qdisc add dev "$D1" clsact
	hv tc filter add dev "$D1" egress prio 7 protocol all u32 match u32 0 0 flowid 1:1
	mknic
	"$NSW" vf add "$CN" pf 0 vf 2 dev "$D1" >/dev/null
	"$NSW" vf del "$CN" pf 0 vf 2
	[[ $(hv tc -j qdisc show dev "$D1" | jq '[.[] | select(.kind == "clsact")] | length') == 1 ]] ||
		fail "vf del removed a clsact it did not make"
	"$NSW" vf add "$CN" pf 0 vf 2 dev "$D1" >/dev/null
	"$NSW" nic del "$CN" >/dev/null
	[[ $(hv tc -j filter show dev "$D1" egress | jq '[.[] | select(.kind == "u32")] | length') -ge 1 ]] ||
		fail "nic del removed a clsact it did not make"
	[[ $(hv tc -j filter show dev "$D1" ingress | jq '[.[] | select(.kind == "bpf")] | length') == 0 ]] ||
		fail "nic del left its filter"
	hv tc qdisc del dev "$D1" clsact
	nothing_left
	# A clsact nswitch made, on which someone else then put a filter, stays with it.
	mknic
	hv tc filter add dev "$D0" egress prio 9 protocol all u32 match u32 0 0 flowid 1:1
	"$NSW" vf del "$CN" pf 0 vf 1
	[[ $(hv tc -j filter show dev "$D0" egress | jq '[.[] | select(.kind == "u32")] | length') -ge 1 ]] ||
		fail "vf del removed a clsact with another's filter on it"
	[[ $(hv tc -j filter show dev "$D0" ingress | jq 'length') == 0 ]] || fail "vf del left its filter"
	hv tc qdisc del dev "$D0" clsact
	delcheck
}

# Pins missing (a NIC made by a killed older nswitch, or damaged by hand): nic del removes
# whatever is left, its attachments included.
test_nic_del_removes_damaged_nic() {
	fresh
	local p out
	for p in nsw_state nsw_vf_dev nsw_stats nsw_acl_rules; do
		mknic
		rm /sys/fs/bpf/nswitch/"$CN"/"$p"
		out=$("$NSW" acl show "$CN" 2>&1) && fail "acl show worked without $p"
		[[ $out == "nswitch: "*" missing"* ]] || fail "no damage reported without $p: $out"
		"$NSW" nic del "$CN" >/dev/null || fail "nic del refused a NIC without $p"
		nothing_left
	done
	mknic
	find /sys/fs/bpf/nswitch/"$CN" -type f -name 'nsw_*' -delete
	"$NSW" nic del "$CN" >/dev/null || fail "nic del refused a NIC with only its programs"
	[[ ! -e /sys/fs/bpf/nswitch/$CN ]] || fail "pins left"
	hv tc qdisc del dev "$D0" clsact 2>/dev/null || true # no metadata: nothing provable
	hv tc qdisc del dev "$D2" clsact 2>/dev/null || true
}

test_netns_names_checked() {
	fresh
	local bad out
	for bad in ../../etc . .. a/b /run/netns/x; do
		out=$("$NSW" nic add "${CN}2" netns "$bad" 2>&1) && fail "netns \"$bad\" accepted"
		[[ $(wc -l <<<"$out") == 1 && $out == "nswitch: "* ]] || fail "netns \"$bad\": $out"
		[[ ! -e /sys/fs/bpf/nswitch/${CN}2 ]] || fail "netns \"$bad\": a NIC was made"
	done
	"$NSW" nic add "${CN}2" netns "${LABP}nosuchns" >/dev/null 2>&1 && fail "a missing netns accepted"
	[[ ! -e /sys/fs/bpf/nswitch/${CN}2 ]] || fail "a NIC was made"
}

crash_test() { # run_test, and how long it took (on stderr: not a test line)
	local t0=$SECONDS
	run_test "$1"
	echo "    ($1: $((SECONDS - t0)) s)" >&2
}
crash_test vf_add_killed_at_every_bpf_call
crash_test vf_del_killed_at_every_bpf_call
crash_test acl_replace_killed_at_every_bpf_call
crash_test acl_flush_killed_at_every_bpf_call
crash_test acl_replace_256_killed_at_flip_leaves_no_ghosts
crash_test nic_add_killed_at_bpf_calls
crash_test nic_del_killed_at_every_bpf_and_unlink_call
crash_test nic_del_after_namespace_gone_touches_nothing
crash_test nic_del_spares_device_that_took_the_ifindex
crash_test preexisting_clsact_is_kept
crash_test nic_del_removes_damaged_nic
crash_test netns_names_checked
