#!/usr/bin/env bash
# tests/hw/run.sh - the hardware tier: the RTL of the decision (hw/) linted by Verilator and
# Icarus, checked for latches by yosys, and compared verdict by verdict with the core
# (hw/nsw_hw_diff: crafted frames, the fuzz corpus, one decision per clock, random frames over
# random configurations; hw/nsw_hw_diff_stream: the same through the byte-stream front end).
# Prints ok/FAIL/skip lines; skips a check whose tool is missing.
# Environment: NSW_HW_FRAMES random frames (default 200000; `make hw-diff-1m` runs 10^6),
# NSW_HW_STREAM_FRAMES for the streamed run (default 20000).
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
have() { command -v "$1" >/dev/null 2>&1; }

if have verilator && have iverilog; then
	if out=$(make -s hw-lint 2>&1); then
		echo "ok hw_lint: verilator --lint-only -Wall and iverilog -Wall clean"
	else
		echo "FAIL hw_lint: $(printf '%s' "$out" | head -5 | tr '\n' ' ')"
	fi
else
	echo "skip hw_lint: verilator or iverilog not installed (scripts/deps.sh)"
fi

if have yosys; then
	# proc turns every always block into flip-flops and muxes; an incompletely assigned
	# combinational signal would become a $dlatch cell.
	if out=$(yosys -q -p "read_verilog hw/nsw_hw_stream_top.v hw/nsw_hw_stream.v hw/nsw_hw_decide.v \
			hw/nsw_hw_parse.v hw/nsw_hw_hash.v hw/nsw_hw_ram.v; \
			chparam -set TB 4 -set VB 2 nsw_hw_stream_top; hierarchy -top nsw_hw_stream_top; proc; flatten; opt -fast; \
			select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr t:\$sr" 2>&1); then
		echo "ok hw_no_latches: yosys proc finds no latch"
	else
		echo "FAIL hw_no_latches: $(printf '%s' "$out" | grep -i -m3 'latch\|error' | tr '\n' ' ')"
	fi
else
	echo "skip hw_no_latches: yosys not installed (scripts/deps.sh)"
fi

if ! have verilator; then
	echo "skip hw_diff: verilator not installed (scripts/deps.sh)"
	exit 0
fi
if ! out=$(make -s "$B/hw/nsw_hw_diff" "$B/hw/nsw_hw_diff_stream" 2>&1); then
	echo "FAIL hw_diff: the Verilator models do not build: $(printf '%s' "$out" | tail -3 | tr '\n' ' ')"
	exit 0
fi
"$B/hw/nsw_hw_diff" -n "${NSW_HW_FRAMES:-200000}" 2>&1
# the same through the byte-stream front end: a frame costs a clock per 8 octets, so fewer
"$B/hw/nsw_hw_diff_stream" -n "${NSW_HW_STREAM_FRAMES:-20000}" 2>&1
