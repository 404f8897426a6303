# tests/integ/lib.sh - shared by the namespace integration tests: run a named test in a
# subshell and print "ok NAME" or "FAIL NAME: why"; helpers for the lab (nswitch lab up) and
# its counters. The caller's EXIT trap must call lab_cleanup, so a failing test leaves nothing.
#
# A test body runs under errexit and pipefail: any command in it that fails, fails the test,
# as does an explicit `fail`. errexit is ignored by bash inside an `if`, `&&` or `||` context,
# so run_test never calls the body in one: the body runs in a subshell whose status is read
# afterwards (tests/harness/selftest.sh proves that a failing command fails the test).
# NSW_LAB_PREFIX and NSW_LAB_NIC name the lab's namespaces and NIC, so that two checkouts can
# run their suites at once on one machine (defaults: nsw-, lab0).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NSW=$ROOT/build/nswitch
RAWSEND=$ROOT/build/nsw_rawsend
TAPVM=$ROOT/build/nsw_tapvm
LABP=${NSW_LAB_PREFIX:-nsw-}
NIC=${NSW_LAB_NIC:-lab0}
export NSW_LAB_PREFIX=$LABP NSW_LAB_NIC=$NIC
BG_PIDS=()

fail() { echo "$*" >&2; return 1; }

run_test() { # run_test NAME: runs test_NAME; ok, FAIL, or skip when the body said "skip NAME: why"
	local name=$1 out rc f
	# The body's output goes to a file, not a pipe: a background process a failed body left
	# behind (a strace attached to the watcher, a capture) would hold a pipe open, and reading
	# it to its end would wait for that process for ever.
	f=$(mktemp /tmp/nsw-run_test.XXXXXX)
	(set -eo pipefail; "test_$name") >"$f" 2>&1
	rc=$?
	out=$(cat "$f")
	rm -f "$f"
	if ((rc == 0)); then
		# A body that finds what it needs missing says "skip NAME: why" and returns 0: that is
		# a skip, never a pass. A check of its own it skipped ("skip CHECK: why") is shown and
		# counted beside its verdict.
		local skipped
		grep "^skip " <<<"$out" | grep -v "^skip $name: " || true
		if skipped=$(grep -m1 "^skip $name: " <<<"$out"); then
			echo "$skipped"
		else
			echo "ok $name"
		fi
	else
		echo "FAIL $name: $(printf '%s\n' "$out" | grep -v '^\s*$' | tail -1)"
		printf '%s\n' "$out" | tail -15 | sed 's/^/    /' >&2
	fi
}

lab_cleanup() {
	local p
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	"$NSW" lab down >/dev/null 2>&1 || true
}

# Ends the captures started so far (tshark writes its file out on SIGINT) and waits for them.
captures_end() {
	sleep 0.5
	local p
	for p in "${BG_PIDS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
	wait
}

captures_ready() { # captures_ready FILE...
	local f i
	for ((i = 0; i < 100; i++)); do
		sleep 0.3
		for f in "$@"; do [[ -s $f ]] || continue 2; done
		sleep 0.5
		return 0
	done
	fail "captures did not start: $*"
}

vm() { local n=$1; shift; ip netns exec "${LABP}vm$n" "$@"; }
hv() { ip netns exec "${LABP}hv" "$@"; }
ext() { ip netns exec "${LABP}ext" "$@"; }
mac_of() { ip -n "$1" -j link show "${2:-eth0}" | jq -r '.[0].address'; }
stat() { "$NSW" -j stats show "$NIC" | jq -r "$1"; }
pings() { # pings FROM_NS IP [count]: succeeds when every echo is answered
	ip netns exec "$1" ping -c "${3:-3}" -i 0.1 -W 1 -q "$2" >/dev/null
}
# A -j vf show without the VFs' counters (stats): what a refused command must leave unchanged,
# while traffic (the VMs' own chatter) may move the counters.
vf_settings() { jq -c 'map(del(.stats))'; }
# wait_for WANT CMD...: CMD prints WANT within 2 s, or the test fails saying what it printed.
wait_for() {
	local want=$1 i
	shift
	for ((i = 0; i < 200; i++)); do
		[[ $("$@") == "$want" ]] && return 0
		sleep 0.01
	done
	fail "$*: '$("$@")', not '$want' after 2 s"
}
# strace_race DEV K COUNT STRACE_OPTION... -- ARGS...: runs "$NSW" ARGS under strace
# (STRACE_OPTIONs: which calls it traces and how long it holds them; the trace in
# $TMPD/trace, the command's output in $TMPD/out and $TMPD/err) and deletes DEV in the
# hypervisor as soon as COUNT (a command and its words, printing a number read from the trace)
# prints K or more, so that the device goes after the K-th such step of the command. Optional
# hooks, set for the call: RACE_BEFORE_DELETE runs (with DEV) just before the deletion,
# RACE_AFTER_DELETE (with DEV and strace's pid) just after it. Sets RC (the command's exit) and
# DELETED (1 if DEV was deleted while the command ran).
strace_race() {
	local dev=$1 k=$2 count=$3 i spid opts=()
	shift 3
	while [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	: >"$TMPD/trace"
	strace -qq -o "$TMPD/trace" "${opts[@]}" "$NSW" "$@" >"$TMPD/out" 2>"$TMPD/err" &
	spid=$!
	DELETED=0
	for ((i = 0; i < 3000; i++)); do
		if (($($count) >= k)); then
			[[ -z ${RACE_BEFORE_DELETE:-} ]] || "$RACE_BEFORE_DELETE" "$dev"
			hv ip link del "$dev"
			DELETED=1
			break
		fi
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.01
	done
	if ((DELETED)) && [[ -n ${RACE_AFTER_DELETE:-} ]]; then
		"$RACE_AFTER_DELETE" "$dev" "$spid"
	fi
	RC=0
	wait "$spid" || RC=$?
}
# traced_by PID SPID: waits up to 3 s for strace SPID to be attached to PID (the process's
# status names its tracer); returns 0 either way, as the callers' checks that follow tell.
traced_by() {
	local i
	for ((i = 0; i < 300; i++)); do
		[[ $(awk '/^TracerPid:/ {print $2}' /proc/"$1"/status) == "$2" ]] && return 0
		sleep 0.01
	done
	return 0
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# PF p's uplink as pf show -j says it: its device, or "none wait NAME".
pf_uplink() { "$NSW" -j pf show "$NIC" | jq -r --argjson p "$1" \
	'.[0].pfs[] | select(.pf == $p) | (.uplink // ("none wait " + (.wait // "-")))'; }
# VF p,v's device as vf show -j says it: its device, or "none wait NAME".
vf_dev() { "$NSW" -j vf show "$NIC" | jq -r --argjson p "$1" --argjson v "$2" \
	'.[] | select(.pf == $p and .vf == $v) | (.dev // ("none wait " + (.wait // "-")))'; }
# refused_one_line WHAT ARGS...: nswitch ARGS must be refused: exit 1, nothing on stdout, one
# line "nswitch: ..." on stderr; both kept in the caller's $TMPD/out and $TMPD/err.
refused_one_line() {
	local what=$1 rc=0
	shift
	"$NSW" "$@" >"$TMPD/out" 2>"$TMPD/err" || rc=$?
	((rc == 1)) || fail "$what: exit $rc, not 1 ($(cat "$TMPD/out" "$TMPD/err"))"
	[[ ! -s $TMPD/out && $(wc -l <"$TMPD/err") == 1 ]] && grep -q '^nswitch: ' "$TMPD/err" ||
		fail "$what: not one error line: $(cat "$TMPD/out" "$TMPD/err")"
}
