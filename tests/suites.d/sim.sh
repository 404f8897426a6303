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
