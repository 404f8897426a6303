#!/usr/bin/env bash
# test_cli_tables.sh - the CLI's command tables against the binary: every command of the tables
# (nswitch -j help lists them, with their words) appears in the help with its usage and every
# one of its words, in the whole help and in its object's; every command refuses a word given
# twice (pf, for every command that takes pf) and a word it does not take, naming the word, with
# one line and exit status 1. Needs a NIC (so that no error is "unknown NIC"): one of its own, in
# a namespace of its own, both named with NSW_LAB_PREFIX.
# NSW_TABLES_BIN: take the list of commands from that binary instead of build/nswitch (to run
# these checks against another build of nswitch, e.g. one from before the tables).
source "$(dirname "$0")/lib.sh"
TNS=${LABP}tbl
TNIC=${LABP}tbl
cleanup() {
	"$NSW" nic del "$TNIC" >/dev/null 2>&1 || true
	"$NSW" nic del "${TNIC}x" >/dev/null 2>&1 || true
	ip netns del "$TNS" 2>/dev/null || true
}
trap cleanup EXIT
cleanup
ip netns add "$TNS" || { echo "FAIL tables_setup: cannot add namespace $TNS"; exit 1; }
"$NSW" nic add "$TNIC" pfs 2 netns "$TNS" >/dev/null || { echo "FAIL tables_setup: nic add"; exit 1; }

TABLES=$("${NSW_TABLES_BIN:-$NSW}" -j help) || { echo "FAIL tables_setup: -j help failed"; exit 1; }

# cmd_argv I: the words that name command I of the tables and its positional word: "vf set
# NIC", "capture NIC", "lab up", "lab move VM". nic add gets a NIC name of its own (a regression
# must not make the test's); a VM is one no lab has.
cmd_argv() {
	local obj cmd pos
	obj=$(jq -r ".[$1].object" <<<"$TABLES")
	cmd=$(jq -r ".[$1].command" <<<"$TABLES")
	pos=$(jq -r ".[$1].pos" <<<"$TABLES")
	printf '%s\n' "$obj"
	[[ -n $cmd ]] && printf '%s\n' "$cmd"
	case $pos in
	NIC | "[NIC]") if [[ "$obj $cmd" == "nic add" ]]; then printf '%s\n' "${TNIC}x"; else printf '%s\n' "$TNIC"; fi ;;
	VM) printf '%s\n' h8vm4 ;;
	"") ;;
	*) fail "unknown positional \"$pos\" of $obj $cmd" ;;
	esac
}

# expect_refusal WORD WHY ARGS...: nswitch ARGS fails with exit 1 and one line naming "WORD"
# and saying WHY.
expect_refusal() {
	local word=$1 why=$2 err rc=0; shift 2
	err=$(timeout 20 "$NSW" "$@" 2>&1 >/dev/null) || rc=$?
	((rc == 1)) || fail "nswitch $*: exit status $rc, not 1 (stderr: $err)"
	(($(wc -l <<<"$err") == 1)) || fail "nswitch $*: error is not one line: $err"
	grep -qF -- "\"$word\"" <<<"$err" || fail "nswitch $*: error does not name \"$word\": $err"
	grep -qF -- "$why" <<<"$err" || fail "nswitch $*: error does not say \"$why\": $err"
}

test_tables_cover_every_object() {
	local objs n
	n=$(jq length <<<"$TABLES")
	((n >= 20)) || fail "only $n commands in the tables"
	objs=$(jq -r '[.[].object] | unique | join(" ")' <<<"$TABLES")
	[[ $objs == "acl capture fdb lab mirror nic pf qos save stats vf watch" ]] || fail "objects: $objs"
}

test_help_has_every_command_and_word() {
	local help i n usage obj ohelp w
	# The help wraps long usages: compare with runs of blanks and newlines made one space.
	help=$("$NSW" help | tr -s ' \n' '  ')
	n=$(jq length <<<"$TABLES")
	for ((i = 0; i < n; i++)); do
		usage=$(jq -r ".[$i].usage" <<<"$TABLES")
		obj=$(jq -r ".[$i].object" <<<"$TABLES")
		grep -qF -- "nswitch $usage " <<<"$help" || fail "help lacks \"nswitch $usage\""
		ohelp=$("$NSW" "$obj" help | tr -s ' \n' '  ')
		grep -qF -- "nswitch $usage " <<<"$ohelp" || fail "$obj help lacks \"nswitch $usage\""
		while read -r w; do
			[[ -z $w ]] && continue
			grep -qE -- "(^|[ [])$w( |$)" <<<"$usage" ||
				fail "usage \"$usage\" lacks its word \"$w\""
		done < <(jq -r ".[$i].words[]" <<<"$TABLES")
		[[ -n $(jq -r ".[$i].help" <<<"$TABLES") ]] || fail "\"$usage\" has no description"
	done
}

# "vf set" of command I, "capture" for the object that is its command.
cmd_name() { jq -r ".[$1] | .object + (if .command == \"\" then \"\" else \" \" + .command end)" <<<"$TABLES"; }

takes_pf() { jq -e ".[$1].words | index(\"pf\")" <<<"$TABLES" >/dev/null; }

test_pf_twice_refused_by_every_command_with_pf() {
	local i n seen="," want
	n=$(jq length <<<"$TABLES")
	for ((i = 0; i < n; i++)); do
		takes_pf "$i" || continue
		mapfile -t argv < <(cmd_argv "$i")
		expect_refusal pf "given twice" "${argv[@]}" pf 1 pf 2
		seen+="$(cmd_name "$i"),"
	done
	for want in "pf set" "vf add" "vf set" "vf del" "acl replace" "acl flush" "acl show" \
		"mirror add" "mirror del" "capture" "qos set" "qos del"; do
		[[ $seen == *",$want,"* ]] || fail "no pf-twice check for $want (checked: $seen)"
	done
}

test_unknown_word_refused_by_every_command() {
	local i n
	n=$(jq length <<<"$TABLES")
	for ((i = 0; i < n; i++)); do
		mapfile -t argv < <(cmd_argv "$i")
		expect_refusal bogusword "unknown argument" "${argv[@]}" bogusword 1
		# After a word it takes, too: a command that read a fixed count would not see it.
		if takes_pf "$i"; then
			expect_refusal bogusword "unknown argument" "${argv[@]}" pf 0 bogusword 1
		fi
	done
}

run_test tables_cover_every_object
run_test help_has_every_command_and_word
run_test pf_twice_refused_by_every_command_with_pf
run_test unknown_word_refused_by_every_command
