#!/usr/bin/env bash
# test_show_fields.sh - every command that shows results says the same in text and in -j (and
# -p) JSON: the same fields, the same values, an absent field absent in both. On a lab with
# every feature configured (VFs on two PFs, a PF with an uplink and one without, VF settings
# changed, ACLs in both directions with a mirror rule and a match-all rule, SPAN sessions from a
# VF and from a whole PF, a rate and a packet-rate limit, traffic so counters are not zero),
# each show runs in text and in JSON and tests/integ/nsw_show_fields.py reads the text back
# (line patterns whose named groups are the JSON keys) and compares it with the JSON. Also
# the results of vf add (veth and tap), nic add, acl replace, and capture's end-of-run report.
# Prints "ok NAME" / "FAIL NAME: why".
source "$(dirname "$0")/lib.sh"
TMP=$(mktemp -d)
CMP=$ROOT/tests/integ/nsw_show_fields.py
show_cleanup() {
	local x
	for x in x y z; do "$NSW" nic del "$NIC$x" >/dev/null 2>&1 || true; done
	lab_cleanup
	rm -rf "$TMP"
}
trap show_cleanup EXIT
lab_cleanup
"$NSW" lab up >/dev/null || { echo "FAIL lab_up: nswitch lab up failed"; exit 1; }
# No IPv6 chatter: counters must hold still between the text and the JSON read.
for ns in ${LABP}hv ${LABP}vm1 ${LABP}vm2 ${LABP}vm3 ${LABP}vm4 ${LABP}ext; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done

setup_features() {
	"$NSW" vf set "$NIC" pf 1 vf 2 qos 3 spoofchk off
	printf 'prio 5 proto icmp action mirror to 1,2\nprio 10 proto udp dport 9 action drop\nprio 100 action allow\n' \
		>"$TMP/in"
	"$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/in" >/dev/null
	printf 'prio 7 src-oui %s action allow\n' "$("$NSW" -j vf show "$NIC" | jq -r '.[0].group_oui')" >"$TMP/out"
	"$NSW" acl replace "$NIC" pf 1 vf 1 dir out file "$TMP/out" >/dev/null
	"$NSW" mirror add "$NIC" pf 0 vf 2 to pf 1 vf 1 dir in
	"$NSW" mirror add "$NIC" pf 1 to pf 0 vf 2 dir out
	"$NSW" qos set "$NIC" pf 0 vf 1 rate 50mbit
	"$NSW" qos set "$NIC" pf 1 vf 1 pps 20000
	pings ${LABP}vm2 10.77.0.1 3
	pings ${LABP}vm1 10.77.0.3 3
	pings ${LABP}vm4 10.77.0.3 3
	pings ${LABP}vm1 10.77.0.100 3
	vm 1 bash -c 'echo x >/dev/udp/10.77.0.2/9'
	sleep 0.3 # the last copies land
}

# same KIND CMD...: runs CMD in text, -j and -p (retried while counters moved under it) and
# compares each JSON with the text read back.
same() {
	local kind=$1 try r
	shift
	for try in 1 2 3 4 5; do
		"$NSW" "$@" >"$TMP/t1" 2>&1
		"$NSW" -j "$@" >"$TMP/j" 2>&1
		"$NSW" -p "$@" >"$TMP/p" 2>&1
		"$NSW" "$@" >"$TMP/t2" 2>&1
		cmp -s "$TMP/t1" "$TMP/t2" && break
		sleep 0.2
	done
	cmp -s "$TMP/t1" "$TMP/t2" || fail "$*: the text changed between reads 5 times"
	r=$(python3 "$CMP" "$kind" "$TMP/t1" "$TMP/j") || fail "$* (-j): $r"
	r=$(python3 "$CMP" "$kind" "$TMP/t1" "$TMP/p") || fail "$* (-p): $r"
}

test_setup_every_feature() {
	setup_features
	# The lab must really carry what the shows are checked on.
	"$NSW" -j acl show "$NIC" | jq -e '[.[].rules[] | select(.action == "mirror")] | length == 1' >/dev/null ||
		fail "no mirror rule"
	"$NSW" -j mirror show "$NIC" | jq -e 'length == 2' >/dev/null || fail "not 2 SPAN sessions"
	"$NSW" -j qos show "$NIC" | jq -e 'length == 2' >/dev/null || fail "not 2 limits"
	(( $(stat '.actions.vf') > 0 )) || fail "no traffic counted"
	(( $(stat '.inter_pf_pkts') > 0 )) || fail "no inter-PF traffic counted"
}

test_nic_show_same_fields() {
	same nic nic show "$NIC"
	same nic pf show "$NIC"
	# Every NIC, each shown by a child process: the JSON must still be one valid document,
	# also when one of them cannot be shown (a damaged NIC, last in the order). Other NICs on
	# the machine may come, go or fail to show meanwhile: only ours compares.
	local r
	"$NSW" nic add "${NIC}y" netns ${LABP}hv >/dev/null
	"$NSW" nic add "${NIC}z" netns ${LABP}hv >/dev/null
	rm /sys/fs/bpf/nswitch/"${NIC}z"/nsw_stats
	"$NSW" nic show "${NIC}z" >/dev/null 2>&1 && fail "a damaged NIC was shown"
	"$NSW" nic show >"$TMP/t1" 2>/dev/null
	"$NSW" -j nic show >"$TMP/j" 2>/dev/null
	r=$(python3 "$CMP" nic "$TMP/t1" "$TMP/j" "$NIC") || fail "nic show (-j): $r"
	"$NSW" -p nic show >"$TMP/p" 2>/dev/null
	r=$(python3 "$CMP" nic "$TMP/t1" "$TMP/p" "$NIC") || fail "nic show (-p): $r"
	r=$(python3 "$CMP" nic "$TMP/t1" "$TMP/j" "${NIC}y") || fail "nic show (-j): $r"
	"$NSW" nic del "${NIC}z" >/dev/null
	"$NSW" nic del "${NIC}y" >/dev/null
}

test_vf_show_same_fields() {
	same vf vf show "$NIC"
}

test_fdb_show_same_fields() {
	same fdb fdb show "$NIC"
}

test_stats_show_same_fields() {
	same stats stats show "$NIC"
}

test_acl_show_same_fields() {
	same acl acl show "$NIC"
	same acl acl show "$NIC" pf 0 vf 1
}

test_mirror_show_same_fields() {
	same mirror mirror show "$NIC"
}

test_qos_show_same_fields() {
	same qos qos show "$NIC"
}

test_vf_add_same_fields() {
	hv ip link add ${LABP}sp0 type veth peer name ${LABP}sp1
	hv ip tuntap add dev ${LABP}tap0 mode tap
	local dev r
	for dev in ${LABP}sp0 ${LABP}tap0; do
		"$NSW" vf add "$NIC" pf 1 vf 7 dev "$dev" >"$TMP/t1" || fail "vf add $dev"
		"$NSW" vf del "$NIC" pf 1 vf 7
		"$NSW" -j vf add "$NIC" pf 1 vf 7 dev "$dev" >"$TMP/j" || fail "vf add -j $dev"
		"$NSW" vf del "$NIC" pf 1 vf 7
		r=$(python3 "$CMP" vf-add "$TMP/t1" "$TMP/j") || fail "vf add $dev: $r"
	done
	grep -q '^note: start the VM with' "$TMP/t1" || fail "no QEMU hint for a tap"
	hv ip link del ${LABP}sp0
	hv ip link del ${LABP}tap0
}

test_nic_add_and_acl_replace_same_fields() {
	local r j
	for j in "" -j; do
		"$NSW" $j nic add "${NIC}x" pfs 3 netns ${LABP}hv >"$TMP/n$j" || fail "nic add $j"
		"$NSW" nic del "${NIC}x" >/dev/null
		"$NSW" $j acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/in" >"$TMP/a$j" || fail "acl replace $j"
	done
	r=$(python3 "$CMP" nic-add "$TMP/n" "$TMP/n-j") || fail "nic add: $r"
	r=$(python3 "$CMP" acl-replace "$TMP/a" "$TMP/a-j") || fail "acl replace: $r"
}

test_capture_report_same_fields() {
	# Both captures end on their count (5 frames of a steady ping), so both reports carry
	# the same values however slowly a capture starts on a loaded machine.
	local r j pid
	ip netns exec ${LABP}vm2 ping -i 0.05 -c 600 -q 10.77.0.1 >/dev/null &
	pid=$!
	BG_PIDS+=($pid)
	for j in "" -j; do
		"$NSW" $j capture "$NIC" pf 0 vf 2 dir in count 5 duration 25 -w "$TMP/c.pcap" \
			2>"$TMP/c$j" || fail "capture $j"
	done
	kill "$pid" 2>/dev/null || true
	r=$(python3 "$CMP" capture "$TMP/c" "$TMP/c-j") || fail "capture report: $r"
	grep -q '^nswitch: capture: 5 frames written' "$TMP/c" || fail "report: $(cat "$TMP/c")"
}

for t in setup_every_feature nic_show_same_fields vf_show_same_fields fdb_show_same_fields \
	stats_show_same_fields acl_show_same_fields mirror_show_same_fields qos_show_same_fields \
	vf_add_same_fields nic_add_and_acl_replace_same_fields capture_report_same_fields; do
	run_test "$t"
done
