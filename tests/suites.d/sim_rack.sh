# tests/suites.d/sim_rack.sh - nswitch-sim rack, the command: it runs the committed rack
# scenario, refuses a flow line naming file:line, and every rack key it lists in --help is
# documented in docs/sim.md.
sim_rack_cli() {
	local sim=${NSW_SIM_BIN:-build/nswitch-sim} out bad keys k missing=""
	if out=$("$sim" rack -s rack_hosts=4 sim/scenarios/rack_16.scn 2>&1) &&
		[[ $out == *"rack: nswitch, 4 hosts"* && $out == *"ToR:"* ]]; then
		echo "ok sim_rack_cli_runs"
	else
		echo "FAIL sim_rack_cli_runs: $(head -c 300 <<<"$out")"
	fi
	bad=$(mktemp --suffix=.scn)
	printf 'rack_hosts 4\nflow x src=vm0 dst=vm1 rate=1Gbps\n' >"$bad"
	out=$("$sim" rack "$bad" 2>&1)
	if [[ $? -eq 1 && $out == "$bad:2: "* ]]; then
		echo "ok sim_rack_cli_rejects_flows"
	else
		echo "FAIL sim_rack_cli_rejects_flows: got '$out'"
	fi
	rm -f "$bad"
	keys=$("$sim" --help 2>/dev/null | awk '/^rack mode/ {on=1; next} on && /^  rack_/ {print $1}')
	for k in $keys; do
		grep -q "\`$k\`" docs/sim.md || missing+=" $k"
	done
	if [[ -n $keys && -z $missing ]]; then
		echo "ok sim_rack_cli_keys_documented"
	else
		echo "FAIL sim_rack_cli_keys_documented: not in docs/sim.md:${missing:- (no keys listed)}"
	fi
}
suite sim-rack-cli sim_rack_cli
