#!/usr/bin/env bash
# hw/synth.sh - the synthesis study of the RTL (docs/hw.md): for Table A of 64, 256 and 1024
# entries, yosys synth_ice40 (LUTs, flip-flops, block RAMs) and nextpnr-ice40 on the largest
# iCE40 (HX8K: 7680 logic cells, 32 EBRs) for fit and Fmax; the S1 hash stage alone placed and
# routed for its Fmax; the generic gate count (yosys synth; stat) of the logic without the RAMs.
# Usage: hw/synth.sh [OUTDIR]  (default build/hw/synth; a few minutes per size)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/hw/synth}
mkdir -p "$out"
V="hw/nsw_hw_decide.v hw/nsw_hw_regs.v hw/nsw_hw_verdict.v hw/nsw_hw_verdict_reg.v hw/nsw_hw_parse.v hw/nsw_hw_hash.v hw/nsw_hw_ram.v"
VB=${NSW_HW_VB:-2} # VF bits per PF on the FPGA: 8 PFs x 4 VFs (the core's 256 need 28 more EBRs)

cells() { # cells LOG PATTERN: the sum of the counts of the matching cell types in the last stat
	awk -v pat="$2" '/Number of cells/ {n = 0} $1 ~ pat && $2 ~ /^[0-9]+$/ {n += $2} END {print n + 0}' "$1"
}

for tb in 4 6 8; do
	entries=$((4 << tb))
	log=$out/ice40_$entries.log
	yosys -q -l "$log" -p "read_verilog $V; chparam -set TB $tb -set VB $VB nsw_hw_decide; \
		synth_ice40 -top nsw_hw_decide -json $out/ice40_$entries.json; stat" >/dev/null
	luts=$(cells "$log" '^SB_LUT4$'); ffs=$(cells "$log" '^SB_DFF'); ebr=$(cells "$log" '^SB_RAM40_4K$')
	carry=$(cells "$log" '^SB_CARRY$')
	if nextpnr-ice40 --hx8k --package ct256 --json "$out/ice40_$entries.json" --freq 12 \
		>"$out/pnr_$entries.log" 2>&1; then
		fmax=$(grep -o "Max frequency for clock.*: [0-9.]* MHz" "$out/pnr_$entries.log" | tail -1 | grep -o '[0-9.]* MHz')
	else
		fmax="does not fit HX8K: $(grep -m1 -o 'ERROR: .*' "$out/pnr_$entries.log" || echo 'nextpnr failed')"
	fi
	echo "ice40 table $entries entries (TB=$tb, VB=$VB): LUT4 $luts, FF $ffs, EBR $ebr, CARRY $carry; Fmax: $fmax"
done

log=$out/hash_stage.log
yosys -q -l "$log" -p "read_verilog hw/nsw_hw_hash_stage.v hw/nsw_hw_hash.v; \
	chparam -set TB 8 nsw_hw_hash_stage; synth_ice40 -top nsw_hw_hash_stage -json $out/hash.json; stat" >/dev/null
nextpnr-ice40 --hx8k --package ct256 --json "$out/hash.json" --freq 12 >"$out/pnr_hash.log" 2>&1
echo "ice40 S1 hash stage alone (one MAC: h1 and h2, registered in and out): LUT4 $(cells "$log" '^SB_LUT4$'), Fmax: $(grep -o "Max frequency for clock.*: [0-9.]* MHz" "$out/pnr_hash.log" | tail -1 | grep -o '[0-9.]* MHz')"

log=$out/generic.log
yosys -q -l "$log" -p "read_verilog hw/nsw_hw_decide.v hw/nsw_hw_regs.v hw/nsw_hw_verdict.v hw/nsw_hw_verdict_reg.v hw/nsw_hw_parse.v hw/nsw_hw_hash.v; \
	read_verilog -lib hw/nsw_hw_ram.v; hierarchy -top nsw_hw_decide; \
	setattr -mod -set keep_hierarchy 1 *nsw_hw_hash* nsw_hw_parse; \
	synth -flatten -top nsw_hw_decide; stat; ltp -noff" >/dev/null
echo "generic (yosys synth, TB=11 VB=8, RAMs as black boxes): cells $(awk '/Number of cells/ {n = $4} END {print n}' "$log"), flip-flops $(cells "$log" '^\$_(S?DFF|DFFE|SDFF)'), RAM instances $(cells "$log" '^nsw_hw_ram$')"
# per module: the hash (instantiated twice: destination and source), the parser, the rest (the
# register map and the verdict logic are flattened into nsw_hw_decide: its paths cross them)
awk '/^=== / {m = $2} /Number of cells/ && m != "" && m != "design" {n[m] = $4} END {for (k in n) print "  module " k ": " n[k] " cells"}' "$log" | sort -u
awk '/Number of cells/ {p = 1; delete c; k = 0} p && $1 ~ /^\$_|nsw_hw_ram/ {c[k++] = $1 " " $2} END {for (i = 0; i < k; i++) print "  " c[i]}' "$log"
# logic depth (generic gates between flip-flops or module ports) per module: which stage is deepest
grep -o 'Longest topological path in .*' "$log" | sed 's/^/  /'
