#!/usr/bin/env bash
# tests/harness/selftest.sh - the harnesses prove that they fail: a shell test body whose
# command fails (plainly, in a pipeline, inside a helper) is reported FAIL by run_test, one that
# says "skip NAME: why" is reported skip (never ok), one that fails leaving a process behind is
# reported at once, and a
# C test whose CHECK fails is reported FAIL by the nsw_test runner, which exits non-zero.
# A suite that stayed green while its checks were broken would be the worst bug we can ship;
# this suite is the first thing tests/run runs. Needs no root and no network.
set -u
source "$(dirname "$0")/../integ/lib.sh"
B=${B:-$ROOT/build}

helper_that_fails() { false; }
test_body_command_fails() { false; echo "continued past a failing command"; }
test_body_pipeline_fails() { false | cat; echo "continued past a failing pipeline"; }
test_body_helper_fails() { helper_that_fails; echo "continued past a failing helper"; }
test_body_substitution_fails() { local x; x=$(false); echo "continued past a failing \$(...)"; }
test_body_explicit_fail() { fail "explicit"; echo "continued past fail"; }
test_body_passes() { true | cat; local x; x=$(true); }
test_body_skips() { echo "skip body_skips: what it needs is missing"; return 0; }
LEFT=$(mktemp /tmp/nsw-selftest.XXXXXX)
test_body_leaves_a_process() { sleep 20 & echo $! >"$LEFT"; false; }

expect() { # expect ok|FAIL|skip BODY: run_test BODY must report the verdict
	local want=$1 body=$2 got
	got=$(run_test "$body" 2>/dev/null)
	if [[ $got == "$want $body"* ]]; then
		echo "ok ${NSW_TEST_PREFIX:-}$body reported $want"
	else
		echo "FAIL ${NSW_TEST_PREFIX:-}$body reported $want: run_test said \"$got\""
	fi
}
for b in body_command_fails body_pipeline_fails body_helper_fails body_substitution_fails \
	body_explicit_fail; do
	expect FAIL "$b"
done
expect ok body_passes
expect skip body_skips
# A failed body that left a process behind holding its output (a strace, a capture) is
# reported at once, not when that process ends.
t0=$SECONDS
expect FAIL body_leaves_a_process
if ((SECONDS - t0 > 10)); then
	echo "FAIL ${NSW_TEST_PREFIX:-}body_leaves_a_process_reported_at_once: took $((SECONDS - t0)) s"
else
	echo "ok ${NSW_TEST_PREFIX:-}body_leaves_a_process_reported_at_once"
fi
kill "$(cat "$LEFT")" 2>/dev/null
rm -f "$LEFT"

# The C runner: the deliberately failing test must print FAIL and the runner must exit 1.
out=$(NSW_TEST_PREFIX= "$B/harness_selftest" 2>&1)
rc=$?
if ((rc == 1)) && grep -q '^FAIL deliberately_failing_check: ' <<<"$out" &&
	grep -q '^ok passing_check$' <<<"$out"; then
	echo "ok ${NSW_TEST_PREFIX:-}c_runner_reports_a_failing_check"
else
	echo "FAIL ${NSW_TEST_PREFIX:-}c_runner_reports_a_failing_check: exit $rc, output: $(tr '\n' ';' <<<"$out")"
fi
