#!/usr/bin/env bash
# bench/sim_instr.sh - the simulator's cost in instructions an event: a yardstick that the
# shared host's speed does not move. valgrind's callgrind counts the instructions bench_sim runs
# on the 1000-VM scenario, the same count for the same build and input whatever else the machine
# does (events per second of one build have read 16.7-21.6 within a minute here). Time is what
# the simulator is judged by, and fewer instructions buy time only where nothing else (a cache
# miss, a mispredicted branch, a store the core cannot forward) holds the core, so builds are
# compared by time with bench/sim_pairs.sh; this tells how much of a change is work done. A
# benchmark, never a test: it prints figures and fails only when it cannot run.
# Usage: bash bench/sim_instr.sh [TREE]...   (default: this tree; FRAMES=200000 by default)
#   each TREE a checkout of this repository with its core library built
#   (make -C TREE build/libnswcore.a), e.g. git worktree add /tmp/base REV; a relative TREE is
#   taken from the repository's top directory, where the script runs
# Each tree's bench_sim is built as sim/module.mk builds it, but without -march=native: valgrind
# does not decode every instruction a native build may hold (AVX-512 among them). The count
# takes in the scenario's set-up, so figures compare only at equal FRAMES (2 x 10^4 frames read
# 453 an event where 2 x 10^5 read 405), and the executed alignment padding of its flags (a
# build without -falign-* read 404.1 where this one reads 404.7).
set -eu
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "sim_instr: valgrind is not installed" >&2; exit 1; }
frames=${FRAMES:-200000}
((frames > 0)) || { echo "sim_instr: FRAMES must be a positive count" >&2; exit 1; }
[ $# -gt 0 ] || set -- .
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for tree in "$@"; do
	tree=$(cd "$tree" && pwd)
	[ -f "$tree/build/libnswcore.a" ] ||
		{ echo "sim_instr: $tree has no build/libnswcore.a (make -C $tree build/libnswcore.a)" >&2; exit 1; }
	src=()
	for f in "$tree"/sim/nsw_sim_*.c; do
		[ "$(basename "$f")" = nsw_sim_main.c ] || src+=("$f")
	done
	gcc -std=gnu11 -g -O3 -ffp-contract=off -falign-functions=64 -falign-loops=32 \
		-I"$tree/core" -I"$tree/sim" "$tree/bench/bench_sim.c" "${src[@]}" \
		"$tree/build/libnswcore.a" -lm -o "$tmp/bench_sim"
	# run 1's row: run wall_s cpu_s events ...
	events=$(cd "$tree" && valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
		"$tmp/bench_sim" 1 "$frames" sim/scenarios/vm1000.scn 0 2>"$tmp/vg.err" |
		awk '$1 == 1 && NF >= 7 { print $4 }')
	instr=$(awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.out" 2>/dev/null || true)
	[ -n "$events" ] && [ -n "$instr" ] ||
		{ echo "sim_instr: no count for $tree" >&2; cat "$tmp/vg.err" >&2; exit 1; }
	rev=$(git -C "$tree" rev-parse --short HEAD 2>/dev/null || echo "?")
	dirty=$(git -C "$tree" status --porcelain -- sim bench core 2>/dev/null | head -1)
	awk -v t="$tree" -v r="$rev${dirty:+ (modified)}" -v i="$instr" -v e="$events" -v f="$frames" \
		'BEGIN { printf "%s (%s): %.0f frames, %.0f events, %.0f instructions, %.1f an event\n", t, r, f, e, i, i / e }'
done
