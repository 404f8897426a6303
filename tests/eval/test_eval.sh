#!/usr/bin/env bash
# tests/eval/test_eval.sh - runs `eval/run --quick` into a temporary folder and checks that its
# outputs exist, parse and agree with each other and with the paths they claim; then interrupts
# a second run with SIGTERM and checks that both runs left nothing behind.
# Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why" lines for tests/run. Needs root.
# Invariants: cleans up (its temp folder, the eval/run it started) even when a check fails.
# Owner: the evaluation.
set -uo pipefail
cd "$(dirname "$0")/../.."
P=${NSW_TEST_PREFIX:-eval/}
TMP=$(mktemp -d /tmp/nse-test.XXXXXX)
RUNPID=
cleanup() {
	[[ -n $RUNPID ]] && kill -0 "$RUNPID" 2>/dev/null && { kill -TERM "$RUNPID"; wait "$RUNPID" 2>/dev/null; }
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ok() { echo "ok $P$1"; }
fail() { echo "FAIL $P$1: $2"; }
check() { # check NAME COMMAND...: passes when COMMAND prints nothing
	local name=$1 out
	shift
	out=$("$@" 2>&1)
	if [[ -z $out ]]; then ok "$name"; else fail "$name" "$(head -3 <<<"$out" | tr '\n' ';')"; fi
}

# what exists before, so that only what a run adds is blamed on it
# (eval/run names everything with NSE_NAME_PREFIX, default nse)
N=${NSE_NAME_PREFIX:-nse}
leftovers() {
	ip netns list | awk -v n="$N-" 'index($1, n) == 1 { print "netns " $1 }'
	ls -d /sys/fs/cgroup/cpu/"$N"-* 2>/dev/null | sed 's/^/cgroup /'
	ls -d /sys/fs/bpf/nswitch/"$N"[0-9]* 2>/dev/null | sed 's/^/bpf /'
	ls -d /tmp/nse-eval.* 2>/dev/null | sed 's/^/state /'
	pgrep -a -f '/tmp/nse-eval\.' | sed 's/^/process /'
}
before=$(leftovers | sort)

# ---- 1. the quick run
start=$(date +%s)
bash eval/run --quick --out "$TMP/out" >"$TMP/run.log" 2>&1 &
RUNPID=$!
wait "$RUNPID"
rc=$?
RUNPID=
secs=$(($(date +%s) - start))
if [[ $rc -eq 75 ]]; then
	echo "skip ${P}quick: another eval/run holds the lock (a full run in progress)"
	exit 0
fi
if [[ $rc -ne 0 ]]; then
	fail quick-run "eval/run --quick exited $rc: $(grep -E 'error|FAILED' "$TMP/run.log" | tail -2 | tr '\n' ';')"
else
	ok quick-run
fi
if [[ $secs -le 180 ]]; then ok quick-under-3-minutes; else fail quick-under-3-minutes "took $secs s"; fi
grep -q '^\[[0-9][0-9]:[0-9][0-9]\] ' "$TMP/run.log" && ok progress-shown || fail progress-shown "no [mm:ss] lines"

O=$TMP/out
missing=
for f in fig5.csv fig7.csv fig8.csv max.csv meta.csv archs.csv report.md; do [[ -s $O/$f ]] || missing+=" $f"; done
for f in fig5.png fig7.png fig8.png max.png; do
	[[ $(head -c 8 "$O/$f" 2>/dev/null | od -An -c | tr -d ' ') == '211PNG\r\n032\n' ]] || missing+=" $f(not a PNG)"
done
[[ -z $missing ]] && ok outputs-exist || fail outputs-exist "missing:$missing"

# every row has the header's number of fields, and every field but the first (and the mode) is a number
csv_shape() {
	local f
	for f in fig5 fig7 fig8 max; do
		awk -F, -v f="$f" 'NR == 1 { n = NF; next }
			NF != n { print f ".csv line " NR ": " NF " fields, header has " n; next }
			{ for (i = 2; i <= NF; i++) if ($i !~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/ && $i != "fixed" && $i != "sat" && $i != "tcp")
				print f ".csv line " NR " field " i ": \"" $i "\" is not a number" }
			END { if (NR < 2) print f ".csv: no data rows" }' "$O/$f.csv"
	done
}
check csv-parse csv_shape

# every architecture ran and has rows in every CSV (nSwitch may be unavailable: then skip)
archs_present() {
	local a st
	for a in bridge ovs qbg qbh nswitch; do
		st=$(awk -F, -v a="$a" '$1 == a { print $2 }' "$O/archs.csv")
		if [[ $a == nswitch && $st == unavailable ]]; then continue; fi
		[[ $st == ok ]] || { echo "$a: status '${st:-absent}' ($(awk -F, -v a="$a" '$1 == a { print $4 }' "$O/archs.csv"))"; continue; }
		for f in fig5 fig7 fig8 max; do
			grep -q "^$a," "$O/$f.csv" || echo "$a: no rows in $f.csv"
		done
		grep -qF "| $(bash -c "source eval/lib/arch.sh; nse_arch_label $a") |" "$O/report.md" || echo "$a: not in report.md"
	done
}
check archs-present archs_present
if awk -F, '$1 == "nswitch" && $2 == "unavailable" { f = 1 } END { exit !f }' "$O/archs.csv"; then
	echo "skip ${P}nswitch-present: build/nswitch not built, nSwitch not measured"
fi

# the pSwitch can never beat its 1 Gbit/s port (125 MB/s; goodput is below it, allow 2% for
# tbf's burst in short runs); VM-to-VM plus external traffic on the shared port likewise
port_bound() {
	awk -F, 'NR > 1 && ($1 == "qbg" || $1 == "qbh") && $6 > 127.5 { print "fig5 " $1 " received " $6 " MB/s > port" }' "$O/fig5.csv"
	awk -F, 'NR > 1 && ($1 == "qbg" || $1 == "qbh") && $4 > 127.5 { print "max " $1 " " $4 " MB/s > port" }' "$O/max.csv"
	awk -F, 'NR > 1 && ($1 == "qbg" || $1 == "qbh") && $5 > 127.5 { print "fig7 " $1 " VM-VM + ext " $5 " MB/s > port" }' "$O/fig7.csv"
}
check pswitch-port-bound port_bound

# percentiles ordered, received never above sent, losses within 0..100
ordered() {
	awk -F, 'NR > 1 && !($5 <= $6 && $6 <= $8 && $8 <= $9) { print "fig8 " $1 " rep " $2 " every " $3 " s: min/p50/p99/max out of order" }
		NR > 1 && $4 < 10 { print "fig8 " $1 ": only " $4 " RTTs" }' "$O/fig8.csv"
	awk -F, 'NR > 1 && $12 > 0 && $13 > $14 { print "fig5 " $1 " " $4 " MB/s: p50 " $13 " > p99 " $14 }
		NR > 1 && $6 > $5 * 1.01 + 0.01 { print "fig5 " $1 " " $4 " MB/s: received " $6 " > sent " $5 }
		NR > 1 && ($7 < 0 || $7 > 100) { print "fig5 " $1 ": loss " $7 "%" }
		NR > 1 && $11 > 100 { print "fig5 " $1 ": CPU " $11 "% of the host" }' "$O/fig5.csv"
}
check percentiles-ordered ordered

# Fig. 5's CPU is exact and its window lies inside the transfer: at every point with traffic
# the run's own tasks ran, no more than the host was busy, and VM1 received during the window
# (a window outside the transfer, or a tick-sampled figure that missed the load, fails here)
exact_cpu() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
			if (!c["own_cpu_pct"] || !c["host_busy_pct"] || !c["window_recv_MBps"]) { print "fig5.csv: no exact CPU columns"; exit } next }
		$6 >= 5 && !($c["own_cpu_pct"] > 0) { print "fig5 " $1 " " $4 " MB/s: own CPU " $c["own_cpu_pct"] }
		$6 >= 5 && $c["own_cpu_pct"] > $c["host_busy_pct"] + 5 { print "fig5 " $1 " " $4 " MB/s: own CPU " $c["own_cpu_pct"] "% > host busy " $c["host_busy_pct"] "%" }
		$6 >= 5 && $c["window_recv_MBps"] < 0.5 * $6 { print "fig5 " $1 " " $4 " MB/s: window received " $c["window_recv_MBps"] " of " $6 " MB/s" }' "$O/fig5.csv"
}
check fig5-exact-cpu-in-window exact_cpu

# eval/merge of one run gives back that run's rows and a report that says it is merged
merge_one() {
	bash eval/merge "$TMP/merged" "$O" >/dev/null 2>&1 || { echo "eval/merge failed"; return; }
	local f
	for f in fig5 fig7 fig8 max archs; do
		cmp -s <(sort "$O/$f.csv") <(sort "$TMP/merged/$f.csv") || echo "$f.csv differs after the merge"
	done
	grep -q '^Merged by `eval/merge`' "$TMP/merged/report.md" || echo "report.md does not say it is merged"
	[[ -s $TMP/merged/fig5.png && -s $TMP/merged/fig7.png ]] || echo "merged plots missing"
}
check merge-of-one-run merge_one

# the paths are what they claim: VM-to-VM traffic crosses the port twice on a pSwitch and not at
# all on the vSwitches and the nSwitch (bytes counted by the port's own tbf qdiscs)
paths() {
	awk -F, 'NR > 1 && ($1 == "qbg" || $1 == "qbh") && $9 < 1.5 * $4 { print $1 ": port carried " $9 " MB/s for " $4 " MB/s VM-to-VM" }
		NR > 1 && ($1 == "bridge" || $1 == "ovs" || $1 == "nswitch") && $9 > 1 { print $1 ": VM-to-VM traffic on the port (" $9 " MB/s)" }' "$O/max.csv"
}
check paths-use-port-as-claimed paths

after=$(leftovers | sort)
check cleanup-after-run comm -13 <(echo "$before") <(echo "$after")

# ---- 2. a run interrupted with SIGTERM while the OVS daemons and burner run leaves nothing
bash eval/run --quick --archs ovs --out "$TMP/out2" >"$TMP/run2.log" 2>&1 &
RUNPID=$!
for _ in $(seq 100); do grep -q 'fig5 base 60' "$TMP/run2.log" 2>/dev/null && break; sleep 0.2; done
kill -TERM "$RUNPID"
wait "$RUNPID"
rc=$?
RUNPID=
sleep 0.5
after=$(leftovers | sort)
left=$(comm -13 <(echo "$before") <(echo "$after"))
if [[ $rc -eq 0 ]]; then fail cleanup-on-term "the run was not interrupted (exit 0)"
elif [[ -n $left ]]; then fail cleanup-on-term "left: $(tr '\n' ';' <<<"$left")"
else ok cleanup-on-term; fi
exit 0
