#!/usr/bin/env bash
# test_cli.sh - every error path of the nswitch CLI: a clear one-line error on stderr (JSON
# under -j), exit status 1, and the NIC's state (nic, vf, fdb show) unchanged. Also the shows'
# JSON, unique-prefix words, and help. Prints "ok NAME" / "FAIL NAME: why".
source "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT
lab_cleanup
"$NSW" lab up >/dev/null || { echo "FAIL lab_up: nswitch lab up failed"; exit 1; }

snapshot() {
	{ "$NSW" -j nic show "$NIC"; "$NSW" -j vf show "$NIC" | vf_settings; "$NSW" -j fdb show "$NIC"; } 2>&1
}

# expect_error NAME PATTERN ARGS...: nswitch ARGS must fail with one line matching PATTERN and
# leave the state as it was.
expect_error() {
	local name=$1 pattern=$2; shift 2
	eval "test_err_$name() { _expect_error '$pattern' $(printf '%q ' "$@"); }"
	run_test "err_$name"
}
_expect_error() {
	local pattern=$1; shift
	local before after err rc
	before=$(snapshot)
	err=$(timeout 20 "$NSW" "$@" 2>&1 >/dev/null) && fail "nswitch $* succeeded"
	rc=$?
	(( rc == 1 )) || fail "exit status $rc, not 1"
	(( $(wc -l <<<"$err") == 1 )) || fail "error is not one line: $err"
	[[ $err == nswitch:* ]] || fail "error does not start with nswitch: $err"
	grep -qiE -- "$pattern" <<<"$err" || fail "error \"$err\" does not match /$pattern/"
	after=$(snapshot)
	[[ $before == "$after" ]] || fail "state changed by a failed command"
	# The same under -j: a JSON error object.
	err=$("$NSW" -j "$@" 2>&1 >/dev/null) || true
	jq -e .error <<<"$err" >/dev/null || fail "no JSON error under -j: $err"
}

VM1MAC=$(mac_of ${LABP}vm1)
# A free veth end in the hypervisor, so that errors other than "already a port" are reached.
ip -n "${LABP}hv" link add spare0 type veth peer name spare1
expect_error nic_exists 'exists' nic add "$NIC"
expect_error nic_bad_name 'invalid NIC name' nic add 'a/b'
expect_error nic_long_name 'invalid NIC name' nic add abcdefghijklmnopq
expect_error nic_pfs_9 'number of PFs' nic add "${NIC}x1" pfs 9
expect_error nic_pfs_0 'number of PFs' nic add "${NIC}x1" pfs 0
expect_error nic_bad_mode 'invalid mode' nic add "${NIC}x1" mode fast
expect_error nic_bad_netns 'unknown network namespace' nic add "${NIC}x1" netns nsw-nosuch
expect_error nic_del_unknown 'unknown NIC' nic del nosuch
expect_error unknown_object 'unknown object' bogus show
expect_error unknown_verb 'unknown command' vf frob "$NIC"
expect_error unknown_option 'unknown option' -x nic show
expect_error pf_out_of_range 'PF number' pf set "$NIC" pf 8 oui 0a:0b:0c
expect_error pf_missing 'no PF 5' pf set "$NIC" pf 5 oui 0a:0b:0c
expect_error pf_oui_multicast 'multicast' pf set "$NIC" pf 0 oui 01:00:5e
expect_error pf_oui_malformed 'invalid OUI' pf set "$NIC" pf 0 oui f0-f0
expect_error pf_oui_taken 'OUI' pf set "$NIC" pf 0 oui "$(mac_of ${LABP}vm3 | cut -d: -f1-3)"
expect_error pf_oui_busy 'delete them first' pf set "$NIC" pf 0 oui 0a:0b:0c
expect_error pf_uplink_unknown 'unknown interface' pf set "$NIC" pf 1 uplink nosuch0
expect_error pf_uplink_is_vf 'already a port' pf set "$NIC" pf 1 uplink vm1
expect_error vf_unknown_dev 'unknown interface' vf add "$NIC" pf 0 vf 9 dev nosuch0
expect_error vf_bad_mac 'invalid MAC' vf add "$NIC" pf 0 vf 9 dev vm1 mac zz:11:22:33:44:55
expect_error vf_multicast_mac 'multicast' vf add "$NIC" pf 0 vf 9 dev up0 mac 01:11:22:33:44:55
expect_error vf_dup_mac 'already in Table A' vf add "$NIC" pf 1 vf 9 dev spare0 mac "$VM1MAC"
expect_error vf_out_of_range 'VF number' vf add "$NIC" pf 0 vf 256 dev up0
expect_error vf_pf_out_of_range 'PF number' vf add "$NIC" pf 9 vf 1 dev up0
expect_error vf_qos_8 'priority' vf add "$NIC" pf 0 vf 9 dev up0 qos 8
expect_error vf_bad_spoofchk 'spoofchk' vf add "$NIC" pf 0 vf 9 dev up0 spoofchk maybe
expect_error vf_exists 'exists' vf add "$NIC" pf 0 vf 1 dev spare0
expect_error vf_dev_taken 'already a port' vf add "$NIC" pf 0 vf 9 dev vm2
expect_error vf_missing_dev 'missing' vf add "$NIC" pf 0 vf 9
expect_error vf_missing_value 'needs a value' vf add "$NIC" pf 0 vf
expect_error vf_del_unknown 'no VF 0,9' vf del "$NIC" pf 0 vf 9
expect_error vf_set_unknown 'no VF 0,9' vf set "$NIC" pf 0 vf 9 qos 3
expect_error fdb_unknown_nic 'unknown NIC' fdb show nosuch
expect_error stats_unknown_nic 'unknown NIC' stats show nosuch

# Numbers are decimal and exact; a word given twice, or one too many, is refused.
expect_error vf_octal 'decimal' vf set "$NIC" pf 0 vf 010 qos 3
expect_error vf_hex 'decimal' vf set "$NIC" pf 0 vf 0x1 qos 3
expect_error pf_plus 'decimal' vf set "$NIC" pf +0 vf 1 qos 3
expect_error pf_space 'decimal' vf set "$NIC" pf ' 0' vf 1 qos 3
expect_error pf_twice 'given twice' vf set "$NIC" pf 0 pf 1 vf 1 qos 3
expect_error dev_twice 'given twice' vf add "$NIC" pf 0 vf 9 dev spare0 dev spare1
expect_error pfs_twice 'given twice' nic add "${NIC}x" pfs 2 pfs 3
expect_error nic_show_extra 'unknown argument' nic show "$NIC" bogus
expect_error capture_nan 'invalid duration' capture "$NIC" duration nan -w /dev/null
expect_error capture_inf 'invalid duration' capture "$NIC" duration inf -w /dev/null
expect_error capture_twice 'given twice' capture "$NIC" count 1 count 2 -w /dev/null
expect_error acl_pf_twice 'given twice' acl flush "$NIC" pf 0 pf 1 vf 1 dir in
expect_error mirror_pf_twice 'given twice' mirror add "$NIC" pf 0 pf 1 to pf 1 vf 2
expect_error vf_verb_ambiguous 'ambiguous command' vf s "$NIC" pf 0 vf 1 qos 0
expect_error qos_verb_ambiguous 'ambiguous command' q s "$NIC"
expect_error capture_word_ambiguous 'ambiguous argument' capture "$NIC" pf 0 vf 1 d 1 -w /dev/null
expect_error capture_count_zero 'invalid count' capture "$NIC" count 0 -w /dev/null
expect_error nic_name_newline 'invalid NIC name' nic add $'a\nb'

test_json_error_without_object() {
	local err
	err=$("$NSW" -j 2>&1 >/dev/null) && fail "nswitch -j succeeded"
	jq -e .error <<<"$err" >/dev/null || fail "no JSON error: $err"
}

test_acl_bad_words_refused_before_reading_rules() { # not after waiting for stdin
	local rc=0
	sleep 30 | timeout 10 "$NSW" acl replace "$NIC" pf 0 vf 999 dir in 2>/dev/null || rc=$?
	((rc == 1)) || fail "exit $rc (124: it waited for its rules first)"
}

test_vf_add_stderr_quiet() { # libbpf's warnings are not nswitch's output
	local err
	err=$("$NSW" vf add "$NIC" pf 0 vf 9 dev spare0 2>&1 >/dev/null)
	"$NSW" vf del "$NIC" pf 0 vf 9
	[[ -z $err ]] || fail "vf add wrote to stderr: $err"
}

# An admin's filter of another kind or protocol at nswitch's tc priority: the kernel keeps one
# per priority, so vf add is refused with the reason (it was a bare "Invalid argument"), the
# admin's filter stays, and nothing is half-made; at another priority the two coexist.
test_vf_add_admin_filter_at_our_prio() {
	local err rc=0
	hv tc qdisc add dev spare1 clsact
	hv tc filter add dev spare1 ingress prio 1 protocol ip u32 match u32 0 0 flowid 1:1
	err=$("$NSW" vf add "$NIC" pf 0 vf 9 dev spare1 2>&1 >/dev/null) || rc=$?
	(( rc == 1 )) || fail "vf add exit $rc, not 1"
	grep -q 'u32, protocol 0x0800) sits at prio 1 of its ingress' <<<"$err" || fail "error: $err"
	(( $(wc -l <<<"$err") == 1 )) || fail "not one line: $err"
	"$NSW" -j vf show "$NIC" | jq -e 'all(.[]; .dev != "spare1")' >/dev/null || fail "half-made VF"
	grep -q 'pref 1 u32' <<<"$(hv tc filter show dev spare1 ingress)" || fail "the admin's filter is gone"
	hv tc filter del dev spare1 ingress
	hv tc filter add dev spare1 ingress prio 2 protocol ip u32 match u32 0 0 flowid 1:1
	"$NSW" vf add "$NIC" pf 0 vf 9 dev spare1 >/dev/null || fail "vf add beside a prio 2 filter"
	"$NSW" vf del "$NIC" pf 0 vf 9
	grep -q 'pref 2 u32' <<<"$(hv tc filter show dev spare1 ingress)" || fail "vf del took the admin's filter"
	hv tc qdisc del dev spare1 clsact
}

test_prefixes_and_json() {
	"$NSW" v sh "$NIC" >/dev/null || fail "unique prefixes not accepted"
	"$NSW" -j vf show "$NIC" | jq -e 'length == 4' >/dev/null || fail "vf show JSON"
	"$NSW" -j fdb show "$NIC" | jq -e 'length == 4' >/dev/null || fail "fdb show JSON"
	"$NSW" -j nic show "$NIC" | jq -e '.[0].pfs | length == 2' >/dev/null || fail "nic show JSON"
	"$NSW" -p stats show "$NIC" | jq -e '.cases.case0' >/dev/null || fail "stats pretty JSON"
	grep -q 'vf add NIC pf P vf V \[dev DEV\]' <<<"$("$NSW" help)" || fail "help text"
}

test_vf_set_changes_mac_and_qos() {
	"$NSW" vf set "$NIC" pf 0 vf 2 mac 02:aa:bb:00:00:02 qos 4
	[[ $(mac_of ${LABP}vm2) == 02:aa:bb:00:00:02 ]] || fail "VM end did not get the new MAC"
	"$NSW" -j vf show "$NIC" | jq -e '.[] | select(.vf == 2 and .pf == 0) | .qos == 4' >/dev/null ||
		fail "qos not set"
	vm 1 ip neigh flush dev eth0
	pings ${LABP}vm1 10.77.0.2 || fail "vm2 unreachable under its new MAC"
}

test_pf_set_oui_when_empty() {
	"$NSW" vf del "$NIC" pf 1 vf 1
	"$NSW" vf del "$NIC" pf 1 vf 2
	"$NSW" pf set "$NIC" pf 1 oui f4:f4:f4
	"$NSW" -j nic show "$NIC" | jq -e '.[0].pfs[1].oui == "f4:f4:f4"' >/dev/null || fail "OUI not set"
	"$NSW" vf add "$NIC" pf 1 vf 1 dev vm3 >/dev/null
	[[ $(mac_of ${LABP}vm3) == f4:f4:f4:01:00:01 ]] || fail "vm3 did not get f4:f4:f4:01:00:01"
}

for t in json_error_without_object acl_bad_words_refused_before_reading_rules vf_add_stderr_quiet \
	vf_add_admin_filter_at_our_prio \
	prefixes_and_json \
	vf_set_changes_mac_and_qos pf_set_oui_when_empty; do
	run_test "$t"
done
