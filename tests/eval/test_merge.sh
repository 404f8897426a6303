#!/usr/bin/env bash
# tests/eval/test_merge.sh - eval/merge and eval/lib/report.sh on small made-up run folders (no
# root, no traffic, about 10 s): rows of every source kept, by architecture and experiment; an
# experiment-only run (eval/run --exps max) merged after the runs of the other experiments; an
# architecture a later run failed on (after a row or none) keeps the rows an earlier run measured; the merged report's
# side-by-side table filled from every experiment; a max-only run draws its own report.
# Prints "ok NAME" / "FAIL NAME: why" lines for tests/run.
# Invariants: writes only its temporary folder, removed on exit. NSE_EVAL_DIR (default eval)
# points it at another copy of eval/ (how its checks were seen to fail on the older code).
# Owner: the evaluation.
set -uo pipefail
cd "$(dirname "$0")/../.."
P=${NSW_TEST_PREFIX:-eval-merge/}
EV=${NSE_EVAL_DIR:-eval}
TMP=$(mktemp -d /tmp/nse-test-merge.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export NSE_SIM=$TMP/no-simulator # the simulator's columns are not what is tested here

ok() { echo "ok $P$1"; }
fail() { echo "FAIL $P$1: $2"; }
check() { # check NAME COMMAND...: passes when COMMAND prints nothing
	local name=$1 out
	shift
	out=$("$@" 2>&1)
	if [[ -z $out ]]; then ok "$name"; else fail "$name" "$(head -3 <<<"$out" | tr '\n' ';')"; fi
}
command -v gnuplot >/dev/null || { echo "skip ${P}all: gnuplot not installed (scripts/deps.sh)"; exit 0; }

# the CSV headers exactly as eval/run writes them
header() { grep -o "^echo \"arch,[^\"]*\" >\"\$NSE_OUT/$1\"" eval/run | sed 's/^echo "//; s/" >.*//'; }
# src DIR EXPERIMENTS: an empty run folder with the parameters every source shares
src() {
	local d=$TMP/$1 f
	mkdir -p "$d/raw"
	for f in fig5.csv fig7.csv fig8.csv max.csv fig5cpu.csv archs.csv; do header "$f" >"$d/$f"; done
	cat >"$d/meta.csv" <<META
key,value
mode,"full"
started_utc,"2026-11-30 0$3:00:00"
host,"vm"
kernel,"6.18"
cpu_model,"test CPU"
cpus,"2"
git,"abc$3"
port_rate,"1gbit"
base_loads_pct_of_one_cpu,"0"
loads_MBps,"10 93 sat"
loads_MBps_under_base_load,"93"
fig5_seconds,"3"
fig7_seconds,"4"
max_seconds,"4"
repetitions,"3"
fig5_repetitions_at_base_0,"3"
ping_interval_fig5_s,"0.01"
ping_intervals_fig8_s,"0.01 0.002"
fig8_seconds_per_rep,"5"
experiments,"$2"
pinning,"VM1 on CPU 1"
finished_utc,"2026-11-30 0$3:10:00"
seconds,"600"
META
}
# swcpu: switching alone (fig5cpu.csv)
src swcpu swcpu 1
for a in bridge nswitch; do
	echo "$a,ok,100," >>"$TMP/swcpu/archs.csv"
	for r in 1 2 3; do
		for l in 10 93 sat; do
			o=$l m=fixed; [[ $l == sat ]] && { o=150; m=sat; }
			c=$([[ $a == bridge ]] && echo 3.6 || echo 0.8)
			echo "$a,$r,$m,$o,$o,$o,0,$c,$([[ $a == bridge ]] && echo 546 || echo 122),0.4,,,199,0.1,10,12,20,30" >>"$TMP/swcpu/fig5cpu.csv"
		done
	done
done
# figs: Figs. 5, 7, 8
src figs "fig5 fig7 fig8" 2
for a in bridge nswitch; do
	echo "$a,ok,150," >>"$TMP/figs/archs.csv"
	for r in 1 2 3; do
		for l in 10 93 sat; do
			o=$l m=fixed; [[ $l == sat ]] && { o=400; m=sat; }
			echo "$a,0,$m,$o,$o,$o,0,1.0,0.5,2.0,1.5,200,0.040,0.070,0.045,0,$r,$([[ $l == 10 ]] && echo 4 || echo 27),0.1,90,0.1,0.99,$o" >>"$TMP/figs/fig5.csv"
			printf '64 bytes from 10.250.0.1: icmp_seq=%s ttl=64 time=0.0%s ms\n' 1 4 2 5 3 6 >"$TMP/figs/raw/fig8-$a-0.01-$r.ping"
			printf '64 bytes from 10.250.0.1: icmp_seq=%s ttl=64 time=0.00%s ms\n' 1 4 2 5 3 6 >"$TMP/figs/raw/fig8-$a-0.002-$r.ping"
		done
		echo "$a,$r,0.01,500,0.03,0.04,0.045,0.07,0.09,0" >>"$TMP/figs/fig8.csv"
		echo "$a,$r,0.002,2500,0.002,0.004,0.005,0.02,0.05,0" >>"$TMP/figs/fig8.csv"
	done
	echo "$a,0,0,4400,4400,0,60,20,80,0.2,99,0.1,0.99" >>"$TMP/figs/fig7.csv"
	echo "$a,150,100,3000,3100,100,60,20,80,0.2,99,0.1,0.99" >>"$TMP/figs/fig7.csv"
done
# max: the maximum alone (eval/run --exps max), after the others
src max max 3
for a in bridge nswitch; do
	echo "$a,ok,20," >>"$TMP/max/archs.csv"
	for r in 1 2 3; do
		echo "$a,$r,tcp,$((800 + 100 * r)),10,30,10,50,0,$((40 + r)),0.2,95,0.1,0.99" >>"$TMP/max/max.csv"
	done
done
# late: a later run that failed on nSwitch part-way, after one row of its maximum
src late max 4
echo "nswitch,failed,3,setup failed" >>"$TMP/late/archs.csv"
echo "nswitch,1,tcp,5,0,30,10,50,0,41,0.2,95,0.1,0.99" >>"$TMP/late/max.csv"

merged=$TMP/merged
bash "$EV/merge" "$merged" "$TMP/swcpu" "$TMP/figs" "$TMP/max" "$TMP/late" >"$TMP/merge.log" 2>&1 ||
	{ fail merge-runs "eval/merge exited $?: $(tail -2 "$TMP/merge.log" | tr '\n' ';')"; exit 0; }
ok merge-runs

rows_kept() { # every data row of every source, under the header's columns, and no other
	local f s
	for f in fig5:figs fig7:figs fig8:figs max:max fig5cpu:swcpu; do
		s=${f#*:} f=${f%%:*}
		cmp -s <(tail -n +2 "$TMP/$s/$f.csv" | sort) <(tail -n +2 "$merged/$f.csv" | sort) ||
			echo "$f.csv: the merged rows are not $s's"
	done
}
check rows-of-every-source rows_kept

# a later run that failed on an architecture must not hide what earlier runs measured on it
ok_kept() {
	awk -F, '$1 == "nswitch" && $2 != "ok" { print "archs.csv: nswitch " $2 " (an earlier run measured it)" }' "$merged/archs.csv"
	grep -q '^| nSwitch (BPF NIC) | 1000 |' "$merged/report.md" || echo "report.md: no side-by-side row of nSwitch with its max TCP 1000"
}
check ok-survives-a-later-failure ok_kept

experiments() {
	local e
	e=$(awk -F, '$1 == "experiments" { print $2 }' "$merged/meta.csv")
	[[ $e == '"fig5 swcpu fig7 fig8 max"' ]] || echo "meta.csv experiments $e, not the sources' fig5 swcpu fig7 fig8 max"
}
check experiments-of-every-source experiments

# the side-by-side table: every cell measured (max TCP the median of the repetitions, the CPU at
# max by the exact columns), and the CPU claim read from the switching-alone experiment
side_by_side() {
	local t
	t=$(awk '/^## Side by side/ { s = 1 } /^## The paper/ { s = 0 } s && /^\| (vSwitch|nSwitch)/' "$merged/report.md")
	[[ $(wc -l <<<"$t") -eq 2 ]] || echo "side-by-side: $(wc -l <<<"$t") rows, not 2"
	grep -E 'n/a|not run|nan' <<<"$t" | cut -c1-120 | sed 's/^/a hole: /'
	grep -q '^| vSwitch (Linux bridge) | 1000 | 400 |' <<<"$t" || echo "bridge: max TCP not the median 1000 or UDP not 400"
	grep -q '| 42.0 / 95.0 (30.0 / 10.0) |' <<<"$t" || echo "bridge: CPU at max TCP not own 42.0 / busy 95.0 (ticks 30.0 / 10.0)"
	local claim
	claim=$(grep '^| nSwitch: no port bandwidth limit' "$merged/report.md")
	grep -q 'nSwitch 0.80 % of one core (122 ns per frame), Linux bridge 3.60 % (546 ns' <<<"$claim" ||
		echo "the CPU claim does not quote switching alone (swcpu): ${claim:0:160}"
	grep -q 'cannot hold' <<<"$claim" && echo "the CPU claim says it cannot hold although swcpu measured it"
}
check side-by-side-complete side_by_side

# a max-only run draws its own report (Fig. 5 absent: max.png without UDP bars)
max_only() {
	cp -r "$TMP/max" "$TMP/max-only"
	bash "$EV/lib/report.sh" "$TMP/max-only" "$EV" >"$TMP/max-only.log" 2>&1 || { echo "report.sh exited $?: $(tail -1 "$TMP/max-only.log")"; return; }
	[[ $(head -c 4 "$TMP/max-only/max.png" 2>/dev/null | od -An -c | tr -d ' ') == '211PNG' ]] || echo "max.png not drawn"
	grep -q '^| vSwitch (Linux bridge) | 1000 | not run |' "$TMP/max-only/report.md" || echo "report.md: bridge's UDP saturation not marked 'not run'"
}
check max-only-run-report max_only
exit 0
