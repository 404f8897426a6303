#!/usr/bin/env bash
# hw/synth_seq.sh - the iCE40 study of nsw_hw_decide_seq (docs/hw.md), the variant that fits:
# for Table A of 64, 256 and 1024 entries, a latch check on the elaborated RTL (yosys proc must
# leave no latch cell), yosys synth_ice40 of the variant in its pin-limited fixture
# (hw/nsw_hw_seq_ice40.v: 304 of the flip-flops are the fixture's shift register), then
# nextpnr-ice40 places and routes it on the HX8K (7680 logic cells, 32 EBRs; ct256 as
# hw/synth.sh) and reports the logic cells and EBRs it used and the Fmax of the routed design.
# Fails (exit 1) if a size has a latch or does not fit.
# Usage: hw/synth_seq.sh [OUTDIR [TB...]]  (default build/hw/synth_seq, TB 4 6 8; ~2 min each)
# Environment: NSW_HW_VB VF bits per PF (default 2, as hw/synth.sh); NSW_HW_FREQ nextpnr's
# target clock in MHz (default 40: above what is reached, so placement is timing-driven
# everywhere; the Fmax printed is the achieved one); NSW_HW_SEED nextpnr's seed (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/hw/synth_seq}
shift || true
tbs=${*:-4 6 8}
mkdir -p "$out"
V="hw/nsw_hw_seq_ice40.v hw/nsw_hw_decide_seq.v hw/nsw_hw_regs.v hw/nsw_hw_verdict.v hw/nsw_hw_verdict_reg.v hw/nsw_hw_parse.v hw/nsw_hw_hash.v hw/nsw_hw_ram.v"
VB=${NSW_HW_VB:-2}
FREQ=${NSW_HW_FREQ:-40}
SEED=${NSW_HW_SEED:-1}
rc=0

cells() { # cells LOG PATTERN: the sum of the counts of the matching cell types in the last stat
	awk -v pat="$2" '/Number of cells/ {n = 0} $1 ~ pat && $2 ~ /^[0-9]+$/ {n += $2} END {print n + 0}' "$1"
}
used() { # used REPORT BEL: "used/available" from nextpnr's JSON report
	python3 -c 'import json, sys; u = json.load(open(sys.argv[1]))["utilization"][sys.argv[2]]; print("%d/%d" % (u["used"], u["available"]))' "$1" "$2"
}

for tb in $tbs; do
	entries=$((4 << tb))
	log=$out/ice40_$entries.log
	if ! yosys -q -l "$log" -p "read_verilog $V; chparam -set TB $tb -set VB $VB nsw_hw_seq_ice40; \
		hierarchy -top nsw_hw_seq_ice40; proc; \
		select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr t:\$sr; \
		synth_ice40 -top nsw_hw_seq_ice40 -json $out/ice40_$entries.json; stat" >/dev/null 2>&1; then
		echo "ice40 seq table $entries entries: yosys failed (a latch?), see $log"
		rc=1
		continue
	fi
	luts=$(cells "$log" '^SB_LUT4$'); ffs=$(cells "$log" '^SB_DFF'); carry=$(cells "$log" '^SB_CARRY$')
	pnr=$out/pnr_$entries.log
	if nextpnr-ice40 --hx8k --package ct256 --json "$out/ice40_$entries.json" --freq "$FREQ" \
		--timing-allow-fail --seed "$SEED" --report "$out/pnr_$entries.json" >"$pnr" 2>&1; then
		fmax=$(grep -o "Max frequency for clock.*: [0-9.]* MHz" "$pnr" | tail -1 | grep -o '[0-9.]* MHz')
		echo "ice40 seq table $entries entries (TB=$tb, VB=$VB): LUT4 $luts, FF $ffs (304 of them the fixture's)," \
			"CARRY $carry; HX8K placed and routed: LC $(used "$out/pnr_$entries.json" ICESTORM_LC)," \
			"EBR $(used "$out/pnr_$entries.json" ICESTORM_RAM), no latch; Fmax $fmax"
	else
		echo "ice40 seq table $entries entries: does not fit HX8K: $(grep -m1 -o 'ERROR: .*' "$pnr" || echo 'nextpnr failed')"
		rc=1
	fi
done
exit $rc
