#!/usr/bin/env bash
# hw/synth_seq.sh - the iCE40 study of nsw_hw_decide_seq (docs/hw.md), the variant that fits:
# for Table A of 64, 256 and 1024 entries, yosys synth_ice40 (after a latch check on the
# elaborated RTL: proc must leave no latch cell), then nextpnr-ice40 places and routes it on the
# HX8K (7680 logic cells, 32 EBRs, ct256 as hw/synth.sh) and reports the cells it used and the
# Fmax of the whole design. Fails (exit 1) if a size does not fit or has a latch.
# Usage: hw/synth_seq.sh [OUTDIR] [TB...]  (default build/hw/synth_seq, TB 4 6 8)
# Environment: NSW_HW_VB VF bits per PF (default 2, as hw/synth.sh); NSW_HW_FREQ nextpnr's
# target clock in MHz (default 12, as hw/synth.sh; the Fmax reported is the achieved one).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/hw/synth_seq}
shift || true
tbs=${*:-4 6 8}
mkdir -p "$out"
V="hw/nsw_hw_decide_seq.v hw/nsw_hw_regs.v hw/nsw_hw_verdict.v hw/nsw_hw_parse.v hw/nsw_hw_hash.v hw/nsw_hw_ram.v"
VB=${NSW_HW_VB:-2}
FREQ=${NSW_HW_FREQ:-12}
rc=0

# pnr_used LOG TYPE: "used/available" of a bel type from nextpnr's device utilisation report
pnr_used() {
	awk -v t="$2:" '$1 == t {print $2 "/" $4; exit}' "$1"
}

for tb in $tbs; do
	entries=$((4 << tb))
	log=$out/ice40_$entries.log
	if ! yosys -q -l "$log" -p "read_verilog $V; chparam -set TB $tb -set VB $VB nsw_hw_decide_seq; \
		hierarchy -top nsw_hw_decide_seq; proc; \
		select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr t:\$sr; \
		synth_ice40 -top nsw_hw_decide_seq -json $out/ice40_$entries.json; stat" >/dev/null 2>&1; then
		echo "ice40 seq table $entries entries: yosys failed (a latch?), see $log"
		rc=1
		continue
	fi
	pnr=$out/pnr_$entries.log
	if nextpnr-ice40 --hx8k --package ct256 --json "$out/ice40_$entries.json" --freq "$FREQ" \
		--asc "$out/ice40_$entries.asc" >"$pnr" 2>&1; then
		fmax=$(grep -o "Max frequency for clock.*: [0-9.]* MHz" "$pnr" | tail -1 | grep -o '[0-9.]* MHz')
		luts=$(awk '/Number of cells/ {n = 0} $1 == "SB_LUT4" {n = $2} END {print n + 0}' "$log")
		ffs=$(awk '/Number of cells/ {n = 0} $1 ~ /^SB_DFF/ {n += $2} END {print n + 0}' "$log")
		echo "ice40 seq table $entries entries (TB=$tb, VB=$VB): LUT4 $luts, FF $ffs (yosys);" \
			"HX8K LC $(pnr_used "$pnr" ICESTORM_LC), EBR $(pnr_used "$pnr" ICESTORM_RAM) (nextpnr); no latch; Fmax: $fmax"
	else
		echo "ice40 seq table $entries entries: does not fit HX8K: $(grep -m1 -o 'ERROR: .*' "$pnr" || echo 'nextpnr failed')"
		rc=1
	fi
done
exit $rc
