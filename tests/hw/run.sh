#!/usr/bin/env bash
# tests/hw/run.sh - the hardware tier: the RTL of the decision (hw/) linted by Verilator and
# Icarus, checked for latches by yosys, and compared verdict by verdict with the core
# (hw/nsw_hw_diff: crafted frames, the fuzz corpus, one decision per clock, random frames over
# random configurations; hw/nsw_hw_diff_stream: the same through the byte-stream front end;
# hw/nsw_hw_diff_seq: the same phases against the iCE40 variant nsw_hw_decide_seq, whose
# throughput check wants one decision per 4 clocks).
# Prints ok/FAIL/skip lines; skips a check whose tool is missing.
# Environment: NSW_HW_FRAMES random frames (default 200000; `make hw-diff-1m` runs 10^6),
# NSW_HW_STREAM_FRAMES for the streamed run (default 20000), NSW_HW_SEQ_FRAMES for the iCE40
# variant (default 200000; `make hw-diff-seq-1m` runs 10^6).
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
	# combinational signal would become a $dlatch cell. Both tops: the full-rate pipeline behind
	# the byte stream, and the iCE40 variant in its pin-limited fixture.
	lat_fail=
	for top in nsw_hw_stream_top nsw_hw_seq_ice40; do
		if ! out=$(yosys -q -p "read_verilog hw/nsw_hw_stream_top.v hw/nsw_hw_stream.v hw/nsw_hw_decide.v \
				hw/nsw_hw_seq_ice40.v hw/nsw_hw_decide_seq.v hw/nsw_hw_regs.v hw/nsw_hw_verdict.v hw/nsw_hw_verdict_reg.v \
				hw/nsw_hw_parse.v hw/nsw_hw_hash.v hw/nsw_hw_ram.v; \
				chparam -set TB 4 -set VB 2 $top; hierarchy -top $top; proc; flatten; opt -fast; \
				select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr t:\$sr" 2>&1); then
			lat_fail="$lat_fail $top: $(printf '%s' "$out" | grep -i -m3 'latch\|error' | tr '\n' ' ')"
		fi
	done
	if [ -z "$lat_fail" ]; then
		echo "ok hw_no_latches: yosys proc finds no latch (nsw_hw_stream_top, nsw_hw_seq_ice40)"
	else
		echo "FAIL hw_no_latches:$lat_fail"
	fi
else
	echo "skip hw_no_latches: yosys not installed (scripts/deps.sh)"
fi

if ! have verilator; then
	echo "skip hw_diff: verilator not installed (scripts/deps.sh)"
	exit 0
fi
if ! out=$(make -s "$B/hw/nsw_hw_diff" "$B/hw/nsw_hw_diff_stream" "$B/hw/nsw_hw_diff_seq" 2>&1); then
	echo "FAIL hw_diff: the Verilator models do not build: $(printf '%s' "$out" | tail -3 | tr '\n' ' ')"
	exit 0
fi
"$B/hw/nsw_hw_diff" -n "${NSW_HW_FRAMES:-200000}" 2>&1
# the same through the byte-stream front end: a frame costs a clock per 8 octets, so fewer
"$B/hw/nsw_hw_diff_stream" -n "${NSW_HW_STREAM_FRAMES:-20000}" 2>&1
# the iCE40 variant (one hash unit, one Table A copy): the same phases, 4 clocks per decision
"$B/hw/nsw_hw_diff_seq" -n "${NSW_HW_SEQ_FRAMES:-200000}" 2>&1
