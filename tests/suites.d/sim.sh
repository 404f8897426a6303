# tests/suites.d/sim.sh - nswitch-sim: validation tests, plain and under ASan+UBSan,
# and the command on a committed scenario (a bad scenario must fail with file:line).
suite sim build/sim_tests
suite sim-san build/sim_tests_san
sim_cli() {
	local out
	if out=$(build/nswitch-sim -q sim/scenarios/fig8_nswitch_latency.scn 2>&1); then
		echo "ok sim_cli_runs_fig8"
	else
		echo "FAIL sim_cli_runs_fig8: $out"
	fi
	local bad
	bad=$(mktemp --suffix=.scn)
	printf 'vms 2\npcie_lanes 3x\n' >"$bad"
	out=$(build/nswitch-sim "$bad" 2>&1)
	if [[ $? -ne 0 && $out == "$bad:2: "* ]]; then
		echo "ok sim_cli_rejects_bad_scenario"
	else
		echo "FAIL sim_cli_rejects_bad_scenario: got '$out'"
	fi
	rm -f "$bad"
}
suite sim-cli sim_cli
# nswitch-sim --help and help: the full usage on stdout and exit 0; every scenario key the
# command knows is documented in docs/sim.md (as `key`).
sim_cli_help() {
	local sim=${NSW_SIM_BIN:-build/nswitch-sim} form name out rc keys k missing=""
	for form in --help help; do
		name=sim_cli_help_${form/--/dashes_}
		out=$("$sim" $form 2>&1); rc=$?
		if [[ $rc -eq 0 && $out == *"usage: nswitch-sim"* && $out == *"scenario keys:"* && $out == *"examples:"* ]]; then
			echo "ok $name"
		else
			echo "FAIL $name: exit $rc, got '$(head -c 200 <<<"$out")'"
		fi
	done
	keys=$("$sim" --help 2>/dev/null | sed -n '/^scenario keys:/,/^$/p' | awk 'NR>2 && NF {print $1}')
	for k in $keys; do
		grep -q "\`$k\`" docs/sim.md || missing+=" $k"
	done
	if [[ -n $keys && -z $missing ]]; then
		echo "ok sim_cli_help_keys_documented"
	else
		echo "FAIL sim_cli_help_keys_documented: not in docs/sim.md:${missing:- (no keys listed)}"
	fi
}
suite sim-cli-help sim_cli_help
