#!/usr/bin/env bash
# bench/sim_pairs.sh - two builds of the simulator compared the only way this shared machine
# allows: runs of bench_sim alternated in pairs (the order swapped each pair, so drift and the
# neighbours' load fall on both), the medians of each, the median of the pairs' own ratios
# (second / first) and how many pairs the second won. A
# benchmark, never a test: it prints figures and does not fail on timing.
# Usage: bash bench/sim_pairs.sh BASE_BENCH_SIM NEW_BENCH_SIM [PAIRS (6)] [FRAMES (10000000)]
#        [SCENARIO (sim/scenarios/vm1000.scn)] [GAP seconds between pairs (0)]
# GAP spreads the pairs over minutes, so that they sample the host's states (its speed swings).
# BASE_BENCH_SIM: a bench_sim built from the tree to compare with, e.g.
#   git worktree add /tmp/base REV && make -C /tmp/base build/bench_sim
set -eu
cd "$(dirname "$0")/.."
base=$1 new=$2 pairs=${3:-6} frames=${4:-10000000} scn=${5:-sim/scenarios/vm1000.scn} gap=${6:-0}
run() { # run BIN: M events per CPU second of one run (the row of run 1)
	"$1" 1 "$frames" "$scn" 0 | awk '$1 == 1 && NF >= 7 { print $7 }'
}
b=() n=()
for ((i = 1; i <= pairs; i++)); do
	if ((i % 2)); then
		x=$(run "$base") y=$(run "$new")
	else
		y=$(run "$new") x=$(run "$base")
	fi
	b+=("$x") n+=("$y")
	echo "pair $i: base $x, new $y M events per CPU second"
	((i == pairs)) || sleep "$gap"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
wins=0
for ((i = 0; i < pairs; i++)); do
	awk -v a="${b[i]}" -v c="${n[i]}" 'BEGIN { exit !(c > a) }' && wins=$((wins + 1))
done
mb=$(median "${b[@]}") mn=$(median "${n[@]}")
# The median of the pairs' own ratios as well: the host's speed drifts during a series (the same
# binary has read 10 and 17 within minutes), which moves both medians, while the two runs of a
# pair, seconds apart, mostly share the host's state.
r=()
for ((i = 0; i < pairs; i++)); do
	r+=("$(awk -v a="${b[i]}" -v c="${n[i]}" 'BEGIN { printf "%.4f", c / a }')")
done
echo "median: base $mb, new $mn M events per CPU second (ratio $(awk -v a="$mb" -v c="$mn" 'BEGIN { printf "%.3f", c / a }')); median of the pairs' ratios $(median "${r[@]}"); new faster in $wins of $pairs pairs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
