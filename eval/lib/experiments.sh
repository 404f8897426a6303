# eval/lib/experiments.sh - the paper's experiments (Section IV) on the architecture that is up:
#   fig5  VM2 -> VM1 UDP at offered loads (MB/s) up to saturation, VM1 under base CPU loads:
#         host CPU (the run's own tasks exactly; the host's busy time; the tick-sampled system,
#         softirq split with its coverage) and VM2 -> VM1 RTT under the load
#   fig7  VM3 -> VM1 TCP while VM2 ramps UDP to the external host over the same port
#   fig8  VM2 -> VM1 RTT distribution at low load (ping only, 10 ms and 2 ms apart), repeated
#   max   VM2 -> VM1 TCP maximum, repeated, with the bytes that crossed the port
# Each appends rows to its CSV in $NSE_OUT (headers written by eval/run) and keeps the raw
# instrument outputs in $NSE_OUT/raw. MB/s = 10^6 bytes per second, like the paper's MBps.
# Owner: the evaluation.

exp_fig5() {
	local a=$NSE_ARCH base load raw=$NSE_OUT/raw
	for base in $NSE_BASES; do
		nse_burner_start "$base"
		local loads=$NSE_LOADS reps=$NSE_F5_REPS r
		[[ $base -gt 0 ]] && { loads=$NSE_LOADS_BASE; reps=1; }
		# repetitions outside the load sweep, so that a burst of someone else's work hits
		# different loads in different repetitions; the report takes the median
		for r in $(seq "$reps"); do
		for load in $loads; do
			local tag=fig5-$a-b$base-$load-r$r bw
			if [[ $load == sat ]]; then bw=0; else bw=$((load * 8))M; fi
			# the CPU window and the pings lie inside the transfer: [0.5 s, D - 0.5 s]
			local n
			n=$(awk -v d="$NSE_D5" -v i="$NSE_PING_I" 'BEGIN { printf "%d", (d - 1.0) / i }')
			nse_iperf "$NS_VM2" "$NSE_SUBNET.1" 5201 "$NSE_D5" "$raw/$tag.json" -u -b "$bw" -l 1400 &
			local ip=$!
			sleep 0.5
			nse_ping_bg "$NS_VM2" "$NSE_SUBNET.1" "$n" "$NSE_PING_I" "$raw/$tag.ping"
			local pp=$NSE_BGPID
			nse_win_open
			sleep "$(nse_calc "$NSE_D5 - 1.0")"
			nse_win_close
			paste -d' ' "$NSE_STATE/own0" "$NSE_STATE/own1" >"$raw/$tag.runtime" # TID ns0 TID ns1
			wait "$ip" || nse_die "$a: fig5 iperf3 failed"
			wait "$pp" || true # ping exits 1 when replies were lost; its stats say how many
			nse_pid_done "$pp"
			local u p sent recv loss sys=$NSE_W_SYS sirq=$NSE_W_SIRQ usr=$NSE_W_USR
			u=$(nse_udp_result "$raw/$tag.json")
			read -r sent recv loss <<<"$u"
			p=$(nse_ping_stats "$raw/$tag.ping")
			local pn p50 p99 pavg pmin pmax ploss
			read -r pn p50 p99 pavg pmin pmax ploss <<<"$p"
			local offered=$load mode=fixed
			[[ $load == sat ]] && { offered=$sent; mode=sat; }
			echo "$a,$base,$mode,$offered,$sent,$recv,$loss,$sys,$sirq,$usr,$(nse_calc "$sys + $sirq"),$pn,$p50,$p99,$pavg,$ploss,$r,$NSE_W_OWN,$NSE_W_KSI,$NSE_W_BUSY,$NSE_W_STEAL,$NSE_W_COVER,$NSE_W_RX" >>"$NSE_OUT/fig5.csv"
			nse_log "  $a fig5 rep $r base ${base}% offered $offered MB/s: received $recv MB/s ($NSE_W_RX in the window), own CPU $NSE_W_OWN% (ksoftirqd $NSE_W_KSI%), host busy $NSE_W_BUSY% steal $NSE_W_STEAL% (ticks: sys $sys% softirq $sirq%, coverage $NSE_W_COVER), RTT p50 $p50 p99 $p99 ms"
		done
		done
		nse_burner_stop
	done
}

exp_fig7() {
	local a=$NSE_ARCH r raw=$NSE_OUT/raw
	for r in $NSE_RAMP; do
		local tag=fig7-$a-$r
		nse_iperf "$NS_VM3" "$NSE_SUBNET.1" 5202 "$NSE_D7" "$raw/$tag-vm.json" &
		local p1=$! p2=
		if [[ $r -gt 0 ]]; then
			nse_iperf "$NS_VM2" "$NSE_SUBNET.100" 5201 "$NSE_D7" "$raw/$tag-ext.json" -u -b "$((r * 8))M" -l 1400 &
			p2=$!
		fi
		sleep 0.5
		nse_win_open
		sleep "$(nse_calc "$NSE_D7 - 1.0")"
		nse_win_close
		wait "$p1" || nse_die "$a: fig7 VM3 -> VM1 failed"
		[[ -n $p2 ]] && { wait "$p2" || nse_die "$a: fig7 VM2 -> external failed"; }
		local vm retr ext=0 sent loss sys=$NSE_W_SYS sirq=$NSE_W_SIRQ port=$NSE_W_PORT
		read -r vm retr <<<"$(nse_tcp_result "$raw/$tag-vm.json")"
		[[ -n $p2 ]] && read -r sent ext loss <<<"$(nse_udp_result "$raw/$tag-ext.json")"
		echo "$a,$r,$ext,$vm,$(nse_calc "$vm + $ext"),$port,$sys,$sirq,$NSE_W_OWN,$NSE_W_KSI,$NSE_W_BUSY,$NSE_W_STEAL,$NSE_W_COVER" >>"$NSE_OUT/fig7.csv"
		nse_log "  $a fig7 VM2->ext offered $r MB/s: ext got $ext MB/s, VM3->VM1 $vm MB/s, port carried $port MB/s"
	done
}

exp_fig8() { # at each interval of $NSE_P8_IS (10 ms: the CPU sleeps between pings; below
	# 10 ms ping busy-polls, so the RTT is the path's without the wake-up from idle)
	local a=$NSE_ARCH rep iv raw=$NSE_OUT/raw
	for iv in $NSE_P8_IS; do
		local cnt
		cnt=$(awk -v t="$NSE_P8_T" -v i="$iv" 'BEGIN { printf "%d", t / i }')
		for rep in $(seq "$NSE_REPS"); do
			local f=$raw/fig8-$a-$iv-$rep.ping
			ip netns exec "$NS_VM2" ping -n -c "$cnt" -i "$iv" -W 1 "$NSE_SUBNET.1" >"$f" 2>&1 9>&- || true
			local pn p50 p99 pavg pmin pmax ploss
			read -r pn p50 p99 pavg pmin pmax ploss <<<"$(nse_ping_stats "$f")"
			echo "$a,$rep,$iv,$pn,$pmin,$p50,$pavg,$p99,$pmax,$ploss" >>"$NSE_OUT/fig8.csv"
			nse_log "  $a fig8 ping every $iv s, rep $rep: $pn RTTs, p50 $p50 p99 $p99 ms"
		done
	done
}

exp_max() {
	local a=$NSE_ARCH rep raw=$NSE_OUT/raw
	for rep in $(seq "$NSE_REPS"); do
		local f=$raw/max-$a-$rep.json mb retr
		nse_iperf "$NS_VM2" "$NSE_SUBNET.1" 5201 "$NSE_DMAX" "$f" &
		local p1=$!
		sleep 0.5
		nse_win_open
		sleep "$(nse_calc "$NSE_DMAX - 1.0")"
		nse_win_close
		wait "$p1" || nse_die "$a: max iperf3 failed"
		local sys=$NSE_W_SYS sirq=$NSE_W_SIRQ usr=$NSE_W_USR port=$NSE_W_PORT
		read -r mb retr <<<"$(nse_tcp_result "$f")"
		echo "$a,$rep,tcp,$mb,$retr,$sys,$sirq,$usr,$port,$NSE_W_OWN,$NSE_W_KSI,$NSE_W_BUSY,$NSE_W_STEAL,$NSE_W_COVER" >>"$NSE_OUT/max.csv"
		nse_log "  $a max rep $rep: TCP $mb MB/s, CPU sys $sys% softirq $sirq%, port carried $port MB/s"
	done
}
