# tests/suites.d/bench_tools.sh - the measuring instruments of the benchmarks and the
# evaluation, checked against what they measure: "$b"/nsw_udplat (a paced UDP stream whose
# datagrams carry sequence and send time) over loopback, and "$b"/nsw_swcpu (switching CPU by
# call chain or process) on a busy loop and on loopback UDP sends. Needs root (perf_event_open
# on every CPU, kallsyms addresses); about 6 s. Owner: whoever owns bench/.
bench_tools() {
	local t u s p out v b=${NSW_BENCH_TOOLS_DIR:-build} # another build of the tools: NSW_BENCH_TOOLS_DIR
	t=$(mktemp -d /tmp/nsw-bench-tools.XXXXXX)
	# --- nsw_udplat: 1 s at 5 MB/s of 1000-octet datagrams over loopback: everything sent
	# arrives, in order, the rate is the one asked for, and the delays are loopback's
	"$b"/nsw_udplat recv 127.0.0.1 47311 3 >"$t/recv" 2>&1 &
	u=$!
	sleep 0.2
	"$b"/nsw_udplat send 127.0.0.1 47311 5 1000 1 >"$t/send" 2>&1
	wait "$u"
	out=$(awk 'FNR == 1 { f++ } { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[f, kv[1]] = kv[2] } }
		END {
			bad = ""
			if (v[1, "sent"] < 4000 || v[1, "sent"] > 6000) bad = bad " sent=" v[1, "sent"] " (5000 expected)"
			if (v[2, "recv"] != v[1, "sent"]) bad = bad " recv=" v[2, "recv"] " of " v[1, "sent"]
			if (v[2, "lost"] != 0 || v[2, "reordered"] != 0) bad = bad " lost=" v[2, "lost"] " reordered=" v[2, "reordered"]
			if (v[2, "mbps"] < 4 || v[2, "mbps"] > 6) bad = bad " mbps=" v[2, "mbps"]
			if (v[2, "p50_us"] == "" || v[2, "p50_us"] > 100000) bad = bad " p50_us=" v[2, "p50_us"]
			print bad }' "$t/send" "$t/recv")
	if [[ -s $t/send && -s $t/recv && -z $out ]]; then
		echo "ok udplat_loopback_counts_and_paces"
	else
		echo "FAIL udplat_loopback_counts_and_paces:$out ($(cat "$t/send" "$t/recv" | tr '\n' ' '))"
	fi
	# --- nsw_swcpu --pid: a busy loop is charged to its process for most of a core, and the
	# samples agree with the kernel's own accounting (/proc/PID/stat)
	sh -c 'while :; do :; done' &
	p=$!
	out=$("$b"/nsw_swcpu 1 1000 --pid "$p" 2>&1)
	kill "$p"
	wait "$p" 2>/dev/null
	v=$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
		END { s = v["pid_samples"] * v["sample_ns"]; r = v["pid_ns"] > 0 ? s / v["pid_ns"] : 0
			if (v["pid_samples"] >= 50 && v["switch"] == v["pid_samples"] && r > 0.6 && r < 1.6) print "good" }' <<<"$out")
	if [[ $v == good ]]; then
		echo "ok swcpu_charges_a_process"
	else
		echo "FAIL swcpu_charges_a_process: $out"
	fi
	# --- nsw_swcpu --switch: while loopback UDP is sent, samples with __sys_sendto on their
	# call chain are found (an inner frame: it is never the leaf); a function that
	# does not exist finds none; an exclusion pattern removes the frame it names. (The leaf alone
	# would find a few dozen: cpu-clock samples land where interrupts come back on.)
	"$b"/nsw_udplat recv 127.0.0.1 47312 4 >/dev/null 2>&1 &
	u=$!
	"$b"/nsw_udplat send 127.0.0.1 47312 0 1000 2 >/dev/null 2>&1 &
	s=$!
	sleep 0.3
	"$b"/nsw_swcpu 1 2000 --switch '__sys_sendto' >"$t/in" 2>&1 &
	p=$!
	"$b"/nsw_swcpu 1 2000 --switch 'nsw_no_such_function,!__sys_sendto,__sys_sendto' >"$t/none" 2>&1
	wait "$p" "$s" "$u"
	v=$(awk 'FNR == 1 { f++ } { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[f, kv[1]] = kv[2] } }
		END { if (v[1, "switch"] >= 150 && v[2, "switch"] == 0 && v[2, "samples"] > 0) print "good" }' "$t/in" "$t/none")
	if [[ $v == good ]]; then
		echo "ok swcpu_finds_a_function_on_the_chain"
	else
		echo "FAIL swcpu_finds_a_function_on_the_chain: with __sys_sendto: $(cat "$t/in"); without: $(cat "$t/none")"
	fi
	# --- bad input: one line, exit 1
	out=$("$b"/nsw_swcpu 0 1000 2>&1)
	if [[ $? -eq 1 && $out == "nsw_swcpu: "* && $(wc -l <<<"$out") -eq 1 ]]; then
		echo "ok swcpu_rejects_bad_input"
	else
		echo "FAIL swcpu_rejects_bad_input: $out"
	fi
	rm -rf "$t"
}
suite bench-tools root_or_skip bench-tools bench_tools
