# eval/lib/swcpu.sh - Fig. 5 again, measured where the paper's claim lies: the CPU the switch
# itself spends, and the latency the load itself sees.
#   swcpu  VM2 -> VM1 UDP (1400-octet payloads, build/nsw_udplat) at each offered load of Fig. 5,
#          every datagram carrying its send time: one-way delay at the receiving application
#          (p50/p90/p99/max), received and lost; during the transfer build/nsw_swcpu samples every
#          CPU with call chains and counts what the architecture's switch functions (or its
#          daemon, for OVS) took: switching CPU in % of one core, per frame and per byte.
# Appends to $NSE_OUT/fig5cpu.csv (header written by eval/run); raw outputs in $NSE_OUT/raw.
# Sender (VM2) and receiver (VM1) stay pinned to their vCPUs as in Fig. 5; the switching runs
# where the kernel runs it (the sender's softirq for the kernel switches, OVS's thread for OVS),
# and the call chains, not the CPU, say whose it is.
# Owner: the evaluation.

# The switch's functions (nsw_swcpu --switch patterns) of architecture $1: each counts with
# everything it calls, i.e. up to the frame's delivery into the receiving VM's queue.
nse_swcpu_patterns() {
	case $1 in
	bridge) echo 'br_handle_frame' ;;
	ovs) echo 'tpacket_rcv,packet_rcv' ;; # plus the daemon's own samples (--pid)
	# the emulated NIC (macvlan VEPA) and the emulated external switch (and port extender)
	qbg | qbh) echo 'macvlan_*,br_handle_frame' ;;
	# nswitch's drop tracer (nsw_rx_drop, on kfree_skb) is left out: it runs for every skb
	# dropped anywhere on the host, once per loaded nswitch instance (other users' included)
	nswitch | nswpeer | nswxdp) echo 'bpf_prog_*_nsw_*,!bpf_prog_*_nsw_rx_drop*,skb_do_redirect,xdp_do_redirect,xdp_do_flush' ;;
	*) return 1 ;;
	esac
}

exp_swcpu() {
	local a=$NSE_ARCH raw=$NSE_OUT/raw r load pat pidargs=()
	pat=$(nse_swcpu_patterns "$a") || nse_die "$a: no switch functions known for swcpu"
	if [[ $a == ovs ]]; then
		local vp
		vp=$(cat "$NSE_STATE/ovs/vswitchd.pid" 2>/dev/null) || nse_die "ovs: no vswitchd pid"
		pidargs=(--pid "$vp")
	fi
	local pin1=() pin2=()
	[[ $NSE_CPU_VM1 != - ]] && pin1=(taskset -c "$NSE_CPU_VM1")
	[[ $NSE_CPU_VM2 != - ]] && pin2=(taskset -c "$NSE_CPU_VM2")
	for r in $(seq "$NSE_F5_REPS"); do
		for load in $NSE_LOADS; do
			local tag=swcpu-$a-$load-r$r mbps=$load
			[[ $load == sat ]] && mbps=0
			ip netns exec "$NS_VM1" "${pin1[@]}" "$NSE_UDPLAT" recv "$NSE_SUBNET.1" 5301 "$NSE_D5" \
				>"$raw/$tag.recv" 2>&1 9>&- &
			local rp=$!
			nse_pid_note "$rp"
			sleep 0.3
			ip netns exec "$NS_VM2" "${pin2[@]}" "$NSE_UDPLAT" send "$NSE_SUBNET.1" 5301 "$mbps" 1400 \
				"$NSE_D5" >"$raw/$tag.send" 2>&1 9>&- &
			local sp=$!
			nse_pid_note "$sp"
			sleep 0.5
			"$NSE_SWCPU" "$(nse_calc "$NSE_D5 - 1.0")" "$NSE_SWCPU_HZ" --switch "$pat" "${pidargs[@]}" \
				--bpf 'nsw_tc*,nsw_xdp*' --top "$raw/$tag.top" >"$raw/$tag.cpu" 2>&1 ||
				nse_die "$a: nsw_swcpu failed: $(tail -1 "$raw/$tag.cpu")"
			wait "$sp" || nse_die "$a: swcpu sender failed: $(tail -1 "$raw/$tag.send")"
			nse_pid_done "$sp"
			wait "$rp" || nse_die "$a: swcpu receiver failed: $(tail -1 "$raw/$tag.recv")"
			nse_pid_done "$rp"
			local row
			row=$(awk -v a="$a" -v r="$r" -v load="$load" '
				FNR == 1 { f++ }
				{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[f, kv[1]] = kv[2] } }
				END {
					# 1: sender, 2: receiver, 3: sampler
					secs = v[3, "secs"]; sent_fps = v[1, "sent"] / v[1, "secs"]
					frames = sent_fps * secs; bytes = v[1, "mbps"] * 1e6 * secs
					sw = v[3, "switch_ns"]
					busy = (v[3, "samples"] - v[3, "idle"]) * v[3, "sample_ns"]
					loss = v[1, "sent"] > 0 ? 100 * (v[1, "sent"] - v[2, "recv"]) / v[1, "sent"] : 0
					if (loss < 0) loss = 0
					bpf = v[3, "bpf_cnt"] > 0 ? v[3, "bpf_ns"] / v[3, "bpf_cnt"] : ""
					runs = frames > 0 ? v[3, "bpf_cnt"] / frames : 0
					offered = load == "sat" ? v[1, "mbps"] : load
					printf "%s,%s,%s,%s,%.3f,%.3f,%.2f,%.3f,%.1f,%.4f,%s,%.3f,%.2f,%.2f,%d,%d,%d,%d\n",
						a, r, (load == "sat" ? "sat" : "fixed"), offered, v[1, "mbps"], v[2, "mbps"], loss,
						100 * sw / 1e9 / secs, (frames > 0 ? sw / frames : 0),
						(bytes > 0 ? sw / bytes : 0), bpf, runs, 100 * busy / 1e9 / secs,
						v[3, "steal_pct"], v[2, "p50_us"], v[2, "p90_us"], v[2, "p99_us"], v[2, "max_us"] }
				' "$raw/$tag.send" "$raw/$tag.recv" "$raw/$tag.cpu")
			echo "$row" >>"$NSE_OUT/fig5cpu.csv"
			local f
			IFS=, read -ra f <<<"$row"
			nse_log "  $a swcpu rep $r offered ${f[3]} MB/s: received ${f[5]} MB/s, switching ${f[7]}% of a core (${f[8]} ns/frame), one-way p50 ${f[14]} p99 ${f[16]} us"
		done
	done
}
