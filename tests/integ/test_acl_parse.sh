#!/usr/bin/env bash
# test_acl_parse.sh - the ACL rule text through `nswitch acl replace` (file PATH and stdin):
# what the parser does not understand is refused with one line "nswitch: acl: line N: ..."
# naming the line and the offending word, exit status 1, and the live rule set unchanged
# (acl show, generation included); good rule files (long lines, long comments, CRLF, every
# field) are read exactly, and what acl show prints reads back as the same rules.
source "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT
lab_cleanup
"$NSW" lab up >/dev/null || { echo "FAIL lab_up: nswitch lab up failed"; exit 1; }
TMP=$(mktemp -d)
trap 'lab_cleanup; rm -rf "$TMP"' EXIT

BASE='prio 10 proto udp dport 9 action drop
prio 20 src-ip 10.77.0.1/32 action allow'
printf '%s\n' "$BASE" >"$TMP/base"
"$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/base" >/dev/null ||
	{ echo "FAIL base_rules: the base rule set was refused"; exit 1; }

rules_now() { "$NSW" -j acl show "$NIC"; }

# The rules of acl show (text), one per line, without counters or indent.
show_lines() {
	"$NSW" acl show "$NIC" pf 0 vf 1 | sed -n 's/^    \(prio .*\)  ([0-9]* pkts, [0-9]* bytes)$/\1/p'
}

# refused FILE LINE PATTERN: acl replace refuses FILE, given as file PATH and on stdin: exit 1,
# one line "nswitch: acl: line LINE: ..." matching PATTERN (grep -E), the live set unchanged.
refused() {
	local file=$1 line=$2 pattern=$3 before err rc how
	before=$(rules_now)
	for how in file stdin; do
		rc=0
		if [[ $how == file ]]; then
			err=$("$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$file" 2>&1 >/dev/null) || rc=$?
		else
			err=$("$NSW" acl replace "$NIC" pf 0 vf 1 dir in <"$file" 2>&1 >/dev/null) || rc=$?
		fi
		(( rc == 1 )) || fail "$how $(basename "$file"): exit status $rc, not 1 ($err)"
		(( $(wc -l <<<"$err") == 1 )) || fail "$how $(basename "$file"): not one line: $err"
		[[ $err == "nswitch: acl: line $line: "* ]] ||
			fail "$how $(basename "$file"): error does not name line $line: $err"
		grep -qE -- "$pattern" <<<"$err" ||
			fail "$how $(basename "$file"): error \"$err\" does not match /$pattern/"
		[[ $(rules_now) == "$before" ]] ||
			fail "$how $(basename "$file"): a refused replace changed the live rules"
	done
	err=$("$NSW" -j acl replace "$NIC" pf 0 vf 1 dir in file "$file" 2>&1 >/dev/null) || true
	jq -e --arg l "acl: line $line: " '.error | startswith($l)' <<<"$err" >/dev/null ||
		fail "-j $(basename "$file"): no JSON error naming line $line: $err"
}

# bad NAME LINE PATTERN TEXT: TEXT (printf format) as a rule file, refused at LINE.
bad() {
	local name=$1 line=$2 pattern=$3
	shift 3
	# shellcheck disable=SC2059
	printf "$@" >"$TMP/$name"
	refused "$TMP/$name" "$line" "$pattern"
}

GOOD='prio 1 proto tcp dport 22 action allow\n# a comment\n\n'  # three lines before the bad one

test_long_comment_is_a_comment() {
	# A '#' comment that ends where a 1024-byte (or 2048-byte) read would: the rest of it
	# must not become a drop-all rule.
	local n
	for n in 1022 2045 5000; do
		{ printf '#%s prio 1 action drop\n' "$(head -c "$n" /dev/zero | tr '\0' x)"
		  printf 'prio 2 proto udp dport 7 action drop\n'; } >"$TMP/longc"
		"$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/longc" >/dev/null
		[[ $(show_lines) == 'prio 2 proto 17 dport 7 action drop' ]] ||
			fail "comment of $n: read as: $(show_lines | tr '\n' ';')"
	done
	"$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/base" >/dev/null
}

test_long_line_is_one_rule() {
	# A rule whose words are spread over 5000 bytes is one rule, read whole.
	local gap
	gap=$(head -c 1200 /dev/zero | tr '\0' ' ')
	printf 'prio 3%sproto tcp%sdport 80%saction drop%s# end\n' "$gap" "$gap" "$gap" "$gap" \
		>"$TMP/longl"
	"$NSW" acl replace "$NIC" pf 0 vf 1 dir in <"$TMP/longl" >/dev/null
	[[ $(show_lines) == 'prio 3 proto 6 dport 80 action drop' ]] ||
		fail "read as: $(show_lines | tr '\n' ';')"
	"$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/base" >/dev/null
}

test_prefix_length_decimal_present_in_range() {
	bad pfx_empty 4 '"10\.88\.0\.1/"' "${GOOD}prio 5 src-ip 10.88.0.1/ action drop\n"
	bad pfx_v4_33 1 '"10\.88\.0\.1/33"' 'prio 5 src-ip 10.88.0.1/33 action drop\n'
	bad pfx_octal 1 '"10\.0\.0\.0/010"' 'prio 5 dst-ip 10.0.0.0/010 action drop\n'
	bad pfx_hex 1 '"10\.0\.0\.0/0x8"' 'prio 5 dst-ip 10.0.0.0/0x8 action drop\n'
	bad pfx_plus 1 '"10\.0\.0\.0/\+8"' 'prio 5 dst-ip 10.0.0.0/+8 action drop\n'
	bad pfx_v6_129 1 '"fe80::/129"' 'prio 5 src-ip fe80::/129 action drop\n'
	bad pfx_double 1 '"10\.0\.0\.0/8/8"' 'prio 5 src-ip 10.0.0.0/8/8 action drop\n'
	bad pfx_addr 1 '"10\.0\.0\.256/8"' 'prio 5 src-ip 10.0.0.256/8 action drop\n'
	bad pfx_mixed 1 '"fe80::1"' 'prio 5 src-ip 10.0.0.1 dst-ip fe80::1 action drop\n'
}

# A rule that says more than it does: an address with bits past its prefix (or a MAC past its
# mask) would be silently cut; a short ethertype reads like a decimal number; ports on a frame
# whose L4 header is missing never match.
test_rules_that_say_more_than_they_do_refused() {
	bad pfx_host 4 '"10\.0\.0\.1/8" has host bits set' "${GOOD}prio 5 src-ip 10.0.0.1/8 action drop\n"
	bad pfx6_host 1 '"fe80::1/64" has host bits set' 'prio 5 dst-ip fe80::1/64 action drop\n'
	bad mac_mask 1 'src "f0:f0:f0:00:00:01/ff:ff:ff:00:00.*" sets bits outside its mask' \
		'prio 5 src f0:f0:f0:00:00:01/ff:ff:ff:00:00:00 action drop\n'
	bad etype_short 1 'invalid ethertype "800"' 'prio 5 ethertype 800 action drop\n'
	bad l4_port 1 'l4 "fragment" with dport matches nothing' \
		'prio 5 proto udp dport 53 l4 fragment action drop\n'
	bad mirror_self 4 'mirror to 0,1: VF 0,1.s own rules cannot mirror to itself' \
		"${GOOD}prio 5 action mirror to 0,1\n"
	printf 'prio 5 src-ip 10.0.0.0/8 ethertype 0x800 action drop\nprio 6 proto udp l4 fragment action drop\n' >"$TMP/ok_exact"
	"$NSW" acl replace "$NIC" pf 0 vf 2 dir in file "$TMP/ok_exact" >/dev/null ||
		fail "exact prefixes, 0x800 and a fragment rule without ports were refused"
	"$NSW" acl flush "$NIC" pf 0 vf 2 dir in >/dev/null
}

test_directory_as_file_refused() {
	local before err rc=0
	before=$(rules_now)
	err=$("$NSW" acl replace "$NIC" pf 0 vf 1 dir in file /tmp 2>&1 >/dev/null) || rc=$?
	(( rc == 1 )) || fail "exit status $rc, not 1 ($err)"
	(( $(wc -l <<<"$err") == 1 )) || fail "not one line: $err"
	[[ $err == 'nswitch: acl: cannot read "/tmp": Is a directory' ]] || fail "error: $err"
	[[ $(rules_now) == "$before" ]] || fail "file /tmp changed the live rules"
	rc=0
	err=$("$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/nonexistent" 2>&1 >/dev/null) || rc=$?
	(( rc == 1 )) && [[ $err == *"No such file"* ]] || fail "missing file: $rc $err"
	[[ $(rules_now) == "$before" ]] || fail "a missing file changed the live rules"
}

test_words_past_64_are_read() {
	# 64 words that the old parser took as a drop of VLAN 7 frames; the 65th and 66th narrow
	# it to TCP port 22. Every word is read: the repeated vlan is refused.
	local words='prio 4 action drop' i
	for i in $(seq 30); do words+=' vlan 7'; done
	bad words66 1 '"vlan" given twice' '%s proto tcp dport 22\n' "$words"
}

test_repeated_fields_refused() {
	bad rep_proto 4 '"proto" given twice' "${GOOD}prio 5 proto tcp proto udp action drop\n"
	bad rep_action 1 '"action" given twice' 'prio 5 action allow action drop\n'
	bad rep_prio 1 '"prio" given twice' 'prio 5 prio 6 action drop\n'
	bad rep_src 1 '"src-oui".*already set by "src"' \
		'prio 5 src 02:00:00:00:00:01 src-oui f0:f0:f0 action drop\n'
	bad rep_dstip 1 '"dst-ip" given twice' 'prio 5 dst-ip 10.0.0.1 dst-ip 10.0.0.2 action drop\n'
}

test_contradictions_refused() {
	bad icmp_dport 4 'dport "22" needs a proto with ports.*"icmp"' \
		"${GOOD}prio 5 proto icmp dport 22 action drop\n"
	bad num_sport 1 'sport "1" needs a proto with ports.*"47"' 'prio 5 proto 47 sport 1 action drop\n'
	bad noproto_port 1 'dport "80" needs a proto' 'prio 5 dport 80 action drop\n'
	bad arp_proto 1 'proto "tcp" needs IP.*0806' 'prio 5 ethertype 0806 proto tcp action drop\n'
	bad et_prefix 1 'ethertype 86dd.*contradicts src-ip "10\.0\.0\.1"' \
		'prio 5 ethertype 86dd src-ip 10.0.0.1 action drop\n'
	bad icmp_v6 1 'proto "icmp" is IPv4' 'prio 5 src-ip fe80::1 proto icmp action drop\n'
	bad icmpv6_v4 1 'proto "icmpv6" is IPv6' 'prio 5 ethertype 0800 proto icmpv6 action drop\n'
	bad proto0 1 'proto "0" without ethertype' 'prio 5 proto 0 action drop\n'
}

test_nul_byte_refused() {
	# The NUL would end the first rule's line for C strings and hide the second rule.
	bad nul 2 'NUL' 'prio 1 proto tcp action allow\nprio 2 proto udp action drop\0prio 3 action drop\n'
	bad nul_comment 1 'NUL' '# comment \0 here\nprio 2 action drop\n'
}

test_numbers_strict_decimal_in_range() {
	bad prio_octal 4 'invalid prio "010"' "${GOOD}prio 010 action drop\n"
	bad prio_hex 1 'invalid prio "0x10"' 'prio 0x10 action drop\n'
	bad prio_plus 1 'invalid prio "\+1"' 'prio +1 action drop\n'
	bad prio_minus 1 'invalid prio "-1"' 'prio -1 action drop\n'
	bad prio_big 1 'invalid prio "268435456"' 'prio 268435456 action drop\n'
	bad prio_huge 1 'invalid prio "99999999999999999999999"' 'prio 99999999999999999999999 action drop\n'
	bad vlan_4095 1 'invalid vlan "4095"' 'prio 1 vlan 4095 action drop\n'
	bad vlan_octal 1 'invalid vlan "010"' 'prio 1 vlan 010 action drop\n'
	bad pcp_8 1 'invalid pcp "8"' 'prio 1 pcp 8 action drop\n'
	bad dport_big 1 'invalid dport "65536"' 'prio 1 proto tcp dport 65536 action drop\n'
	bad dport_hex 1 'invalid dport "0x16"' 'prio 1 proto tcp dport 0x16 action drop\n'
	bad sport_space 1 'invalid sport "1x"' 'prio 1 proto tcp sport 1x action drop\n'
	bad proto_big 1 'invalid proto "256"' 'prio 1 proto 256 action drop\n'
	bad proto_octal 1 'invalid proto "06"' 'prio 1 proto 06 action drop\n'
	bad etype_low 1 'invalid ethertype "05ff"' 'prio 1 ethertype 05ff action drop\n'
	bad etype_long 1 'invalid ethertype "008000"' 'prio 1 ethertype 008000 action drop\n'
	bad mirror_pf 1 'invalid mirror target "8,1"' 'prio 1 action mirror to 8,1\n'
	bad mirror_oct 1 'invalid mirror target "1,02"' 'prio 1 action mirror to 1,02\n'
	bad mirror_none 1 'no VF 1,77' 'prio 1 action mirror to 1,77\n'
}

test_other_errors_name_line_and_word() {
	bad unknown 4 'unknown word "frobnicate"' "${GOOD}prio 1 frobnicate 3 action drop\n"
	bad noval 1 '"dport" needs a value' 'prio 1 action drop proto tcp dport\n'
	bad noprio 1 'missing "prio N"' 'proto tcp action drop\n'
	bad noaction 1 'missing "action' 'prio 3 proto tcp\n'
	bad badaction 1 'unknown action "deny"' 'prio 3 action deny\n'
	bad mirror_to 1 'mirror needs "to PF,VF"' 'prio 3 action mirror\n'
	bad badmac 1 'invalid MAC in src "02:00:00:00:00:0g"' 'prio 3 src 02:00:00:00:00:0g action drop\n'
	bad badmask 1 'invalid MAC in dst "02:00:00:00:00:01/ff"' 'prio 3 dst 02:00:00:00:00:01/ff action drop\n'
	bad badoui 1 'invalid OUI in dst-oui "f0:f0"' 'prio 3 dst-oui f0:f0 action drop\n'
	bad ctrl 1 'unknown word "a\\x1bb"' 'prio 3 a\033b action drop\n'
	bad dupprio 3 'prio 1 is also line 1' 'prio 1 action drop\n\nprio 1 proto tcp action drop\n'
	bad samematch 2 'same match as line 1' 'prio 1 proto tcp action drop\nprio 2 proto tcp action allow\n'
	local i
	for i in $(seq 257); do echo "prio $i vlan $((i % 4000)) pcp $((i / 4000)) action drop"; done \
		>"$TMP/many"
	refused "$TMP/many" 257 'more than 256 rules'
}

test_good_rules_read_back_from_show() {
	# Every field; acl show's lines fed back give the same rules (and the same lines).
	local CR=$'\r'
	cat >"$TMP/all" <<-EOF
	# every field once
	prio 1 src 02:4e:00:00:00:00/ff:ff:ff:ff:ff:00 dst-oui 02:4e:01 action drop
	prio 2 ethertype 0806 vlan 10 pcp 5 action mirror to 1,2${CR}
	prio 3 src-ip 10.77.0.0/24 dst-ip 10.77.0.2 proto udp sport 53 dport 5555 action allow # tail
	prio 4 src-ip fe80::/64 proto icmpv6 action drop
	prio 5 ethertype 0x86DD proto 0 action drop
	prio 268435455 dst 02:4e:00:00:00:02 proto sctp dport 0 action allow
	prio 0 pcp 0 action allow
	EOF
	"$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/all" >/dev/null
	local first
	first=$(show_lines)
	(( $(wc -l <<<"$first") == 7 )) || fail "$(wc -l <<<"$first") rules shown, not 7: $first"
	grep -qx 'prio 3 ethertype 0800 src-ip 10.77.0.0/24 dst-ip 10.77.0.2/32 proto 17 sport 53 dport 5555 action allow' \
		<<<"$first" || fail "prio 3 shown as: $(grep '^prio 3 ' <<<"$first")"
	grep -qx 'prio 2 ethertype 0806 vlan 10 pcp 5 action mirror to 1,2' <<<"$first" ||
		fail "prio 2 shown as: $(grep '^prio 2 ' <<<"$first")"
	show_lines | "$NSW" acl replace "$NIC" pf 0 vf 1 dir in file - >/dev/null
	[[ $(show_lines) == "$first" ]] || fail "acl show's lines read back differently"
	"$NSW" acl replace "$NIC" pf 0 vf 1 dir in file "$TMP/base" >/dev/null
	[[ $(show_lines) == $'prio 10 proto 17 dport 9 action drop\nprio 20 ethertype 0800 src-ip 10.77.0.1/32 action allow' ]] ||
		fail "base rules shown as: $(show_lines | tr '\n' ';')"
}

for t in long_comment_is_a_comment long_line_is_one_rule prefix_length_decimal_present_in_range \
	directory_as_file_refused words_past_64_are_read repeated_fields_refused \
	contradictions_refused nul_byte_refused numbers_strict_decimal_in_range \
	other_errors_name_line_and_word good_rules_read_back_from_show \
	rules_that_say_more_than_they_do_refused; do
	run_test "$t"
done
