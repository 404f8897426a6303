# eval/lib/measure.sh - the measuring instruments: host CPU from /proc/stat deltas and the run's
# own tasks' exact run time (schedstat), RTT samples
# from ping, throughput from iperf3 (JSON), the port's byte counter from tc, and the cgroup-limited
# CPU burner that gives VM1 its base load.
# Invariants: every process started here is in the ledger; numbers are only ever derived from
# what the instruments printed in this run (raw outputs are kept under $NSE_OUT/raw).
# Owner: the evaluation.

# ---- host CPU: /proc/stat first line, "cpu user nice system idle iowait irq softirq steal"
nse_cpu_snap() { awk '/^cpu /{ print $2, $3, $4, $5, $6, $7, $8, $9; exit }' /proc/stat; }
nse_cpu_delta() { # nse_cpu_delta "SNAP0" "SNAP1" -> "sys% softirq% user%" of the whole host
	awk -v a="$1" -v b="$2" 'BEGIN {
		n = split(a, x, " "); split(b, y, " "); t = 0
		for (i = 1; i <= n; i++) { d[i] = y[i] - x[i]; t += d[i] }
		if (t <= 0) t = 1
		printf "%.2f %.2f %.2f\n", 100 * d[3] / t, 100 * d[7] / t, 100 * (d[1] + d[2]) / t }'
}

# The split above (system, softirq, user) is sampled at the scheduler tick (this kernel:
# TICK_CPU_ACCOUNTING, HZ 250, NO_HZ_IDLE), while idle and iowait are measured exactly at every
# idle entry and exit. A load that runs in short bursts between ticks (iperf3 -b paces by a
# timer) is then missed by the split: on this 2-vCPU VM a 93 MB/s UDP load read 6 % busy by
# ticks while the CPUs were idle only 73 % of the wall time and the load's own tasks ran 23 %.
# So every window also records the exact figures below, and the tick split is kept only
# with its coverage (ticks counted / ticks the wall clock had), which shows when it misses.
#
# nse_cpu_exact -> "wall_ns ticks_counted idle_iowait_ticks steal_ticks" of the whole host
nse_cpu_exact() {
	local t
	t=$(date +%s%N)
	awk -v t="$t" '/^cpu /{ print t, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 + $6, $9; exit }' /proc/stat
}
NSE_NCPU=$(nproc)
NSE_HZ=$(getconf CLK_TCK)
# the kernel's softirq threads: softirqs deferred from interrupt context run (and are charged) here
NSE_KSI_PIDS=$(for d in /proc/[0-9]*; do
	[[ $(cat "$d/comm" 2>/dev/null) == ksoftirqd/* ]] && echo "${d#/proc/}"
done | tr '\n' ' ' || true)
# nse_own_snap: "TID NS" for every task of every namespace of this run except the base-load
# burner (the run's VM stacks with the softirq work they do in their own context, iperf3, ping,
# the OVS daemons), then "ksi NS" summed over the ksoftirqd threads. Exact scheduler run time
# (schedstat's first field), steal excluded.
nse_own_snap() {
	local ns p skip=" ${NSE_BURNER:-} " pids=
	for ns in $(awk '$1 == "netns" { print $2 }' "$NSE_STATE/ledger" 2>/dev/null); do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			[[ $skip == *" $p "* ]] || pids+=" $p"
		done
	done
	for p in $pids; do
		for t in /proc/"$p"/task/*/schedstat; do
			[[ -r $t ]] && { read -r ns _ <"$t" 2>/dev/null && echo "${t#/proc/*/task/} $ns"; } || true
		done
	done | sed 's|/schedstat||'
	for p in $NSE_KSI_PIDS; do cat "/proc/$p/schedstat" 2>/dev/null || true; done | awk '{ s += $1 } END { printf "ksi %.0f\n", s }'
}
# nse_cpu_exact_delta "EXACT0" "EXACT1" OWNFILE0 OWNFILE1 ->
#   "busy% steal% tick_coverage own% ksoftirqd%" (all % of the whole host, every core)
# busy = wall - exact idle; own = the run time of tasks present at the window's end minus
# their run time at its start (a task born inside the window counts from 0)
nse_cpu_exact_delta() {
	awk -v a="$1" -v b="$2" -v n="$NSE_NCPU" -v hz="$NSE_HZ" -v f0="$3" -v f1="$4" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		w = (y[1] - x[1]) / 1e9; if (w <= 0) w = 1e-9
		cap = n * w * hz
		while ((getline l < f0) > 0) { split(l, v, " "); s0[v[1]] = v[2] }
		while ((getline l < f1) > 0) { split(l, v, " "); if (v[1] == "ksi") ksi = v[2] - s0["ksi"]; else own += v[2] - s0[v[1]] }
		printf "%.2f %.2f %.3f %.2f %.2f\n", 100 * (1 - (y[3] - x[3]) / cap), 100 * (y[4] - x[4]) / cap,
			(y[2] - x[2]) / cap, 100 * own / 1e9 / (n * w), 100 * ksi / 1e9 / (n * w) }'
}

# ---- a measuring window inside a transfer: "CPU snapshot, port bytes, time" at its edges
nse_now() { date +%s.%N; }
nse_win_open() {
	nse_own_snap >"$NSE_STATE/own0"
	NSE_W0_X=$(nse_cpu_exact)
	NSE_W0_CPU=$(nse_cpu_snap); NSE_W0_PORT=$(nse_port_bytes); NSE_W0_RX=$(nse_vm1_rx); NSE_W0_T=$(nse_now)
}
nse_win_close() { # sets NSE_W_SYS NSE_W_SIRQ NSE_W_USR (% of the host, tick-sampled),
	# NSE_W_BUSY NSE_W_STEAL NSE_W_COVER NSE_W_OWN NSE_W_KSI (exact, see above), NSE_W_PORT and
	# NSE_W_RX (MB/s: the port, both directions; VM1's eth0 received)
	local c1 p1 t1 x1
	# the same order as at the opening, so that both windows are equally long
	nse_own_snap >"$NSE_STATE/own1"
	local r1
	x1=$(nse_cpu_exact); c1=$(nse_cpu_snap); p1=$(nse_port_bytes); r1=$(nse_vm1_rx); t1=$(nse_now)
	read -r NSE_W_SYS NSE_W_SIRQ NSE_W_USR <<<"$(nse_cpu_delta "$NSE_W0_CPU" "$c1")"
	read -r NSE_W_BUSY NSE_W_STEAL NSE_W_COVER NSE_W_OWN NSE_W_KSI \
		<<<"$(nse_cpu_exact_delta "$NSE_W0_X" "$x1" "$NSE_STATE/own0" "$NSE_STATE/own1")"
	NSE_W_PORT=$(nse_calc "($p1 - $NSE_W0_PORT) / ($t1 - $NSE_W0_T) / 1e6")
	NSE_W_RX=$(nse_calc "($r1 - $NSE_W0_RX) / ($t1 - $NSE_W0_T) / 1e6")
}
# VM1's eth0 received bytes (netlink JSON): the window's own rate shows that it lies inside the
# transfer (a window outside it would read near 0 here while iperf3 reports the full rate)
nse_vm1_rx() { ip -j -s -n "$NS_VM1" link show dev eth0 | jq '.[0].stats64.rx.bytes // 0'; }

# ---- the port's transmitted bytes, summed over both ends (tbf qdisc counters)
nse_port_bytes() {
	local ns dev sum=0 b
	while read -r ns dev; do
		b=$(tc -s -j -n "$ns" qdisc show dev "$dev" | jq '[.[] | select(.kind == "tbf") | .bytes] | add // 0')
		sum=$((sum + b))
	done <"$NSE_STATE/ports"
	echo "$sum"
}

# ---- RTT: "ping -i" samples -> "n p50 p99 avg min max loss%" (ms); RTT, not one-way
nse_ping_stats() { # nse_ping_stats FILE
	local f=$1
	local sent recv
	sent=$(grep -Eo '^[0-9]+ packets transmitted' "$f" | grep -Eo '^[0-9]+' || echo 0)
	recv=$(grep -Eo '[0-9]+ (packets )?received' "$f" | grep -Eo '^[0-9]+' || echo 0)
	grep -Eo 'time=[0-9.]+' "$f" | cut -d= -f2 | sort -g | awk -v s="${sent:-0}" -v r="${recv:-0}" '
		{ v[NR] = $1; sum += $1 }
		function pct(p,  k) { k = int(p / 100 * NR + 0.999999); if (k < 1) k = 1; return v[k] }
		END {
			if (NR == 0) { print "0 nan nan nan nan nan 100"; exit }
			loss = s > 0 ? 100 * (s - r) / s : 0
			printf "%d %.4f %.4f %.4f %.4f %.4f %.2f\n", NR, pct(50), pct(99), sum / NR, v[1], v[NR], loss }'
}

nse_ping_bg() { # nse_ping_bg NS DST COUNT INTERVAL OUTFILE: ping in the background, sets NSE_BGPID
	ip netns exec "$1" ping -n -c "$3" -i "$4" -W 1 "$2" >"$5" 2>&1 9>&- &
	NSE_BGPID=$!
	nse_pid_note "$NSE_BGPID"
}

# ---- iperf3 servers (one per port and host), daemonized, pinned where asked
nse_iperf_server() { # nse_iperf_server NS PORT CPU|-
	local pf=$NSE_STATE/iperf-$1-$2.pid pin=()
	[[ $3 != - ]] && pin=(taskset -c "$3")
	rm -f "$pf"
	nse_note pidfile "$pf:iperf3"
	ip netns exec "$1" "${pin[@]}" iperf3 -s -D -p "$2" --pidfile "$pf" >/dev/null 9>&-
	local i
	for i in $(seq 50); do [[ -s $pf ]] && return 0; sleep 0.05; done
	nse_die "iperf3 server in $1 port $2 did not start"
}

nse_servers_up() {
	nse_iperf_server "$NS_VM1" 5201 "$NSE_CPU_VM1"
	nse_iperf_server "$NS_VM1" 5202 "$NSE_CPU_VM1"
	nse_iperf_server "$NS_EXT" 5201 -
	sleep 0.2
}

# nse_iperf NS DST PORT SECONDS OUTJSON ARGS...: one iperf3 client run (sender pinned to
# $NSE_CPU_VM2 when started in VM2). Fails with a one-line error if iperf3 reports one.
nse_iperf() {
	local ns=$1 dst=$2 port=$3 secs=$4 out=$5 pin=()
	shift 5
	[[ $ns == "$NS_VM2" && $NSE_CPU_VM2 != - ]] && pin=(taskset -c "$NSE_CPU_VM2")
	local try
	for try in 1 2; do
		if timeout $((secs + 15)) ip netns exec "$ns" "${pin[@]}" iperf3 -c "$dst" -p "$port" \
			-t "$secs" -J "$@" >"$out" 2>&1 && [[ $(jq -r '.error // empty' "$out" 2>/dev/null) == "" ]]; then
			return 0
		fi
		sleep 1 # a server busy with a killed client frees itself; try once more
	done
	nse_die "$NSE_ARCH: iperf3 $ns -> $dst:$port failed: $(jq -r '.error // "no JSON"' "$out" 2>/dev/null | head -1)"
}

# iperf3 JSON -> numbers
nse_udp_result() { # FILE -> "sent_MBps recv_MBps loss%" (recv = sent bytes minus lost datagrams)
	jq -r '.end.sum as $s | .start.test_start.blksize as $l |
		($s.seconds) as $t |
		[ ($s.bytes / $t / 1e6), (($s.packets - $s.lost_packets) * $l / $t / 1e6), $s.lost_percent ] |
		map(. * 1000 | round / 1000) | @tsv' "$1" | tr '\t' ' '
}
nse_tcp_result() { # FILE -> "recv_MBps retransmits"
	jq -r '[ (.end.sum_received.bytes / .end.sum_received.seconds / 1e6 * 1000 | round / 1000),
		(.end.sum_sent.retransmits // 0) ] | @tsv' "$1" | tr '\t' ' '
}

# ---- the base load: a pure user-space busy loop in VM1, limited by a cgroup v1 cpu quota
# (the paper's md5sum under CPU limits; md5sum would read /dev/zero and add system time to the
# very figure we measure). PCT is a percentage of one CPU, the VM's vCPU.
NSE_CG_ROOT=/sys/fs/cgroup/cpu
nse_burner_start() { # nse_burner_start PCT: sets NSE_BURNER (empty for 0)
	NSE_BURNER=
	[[ $1 -gt 0 ]] || return 0
	local cg=$NSE_CG_ROOT/${NSE_PFX}burn
	if [[ ! -d $cg ]]; then
		nse_note cgroup "$cg"
		mkdir "$cg"
	fi
	echo 100000 >"$cg/cpu.cfs_period_us"
	echo $(($1 * 1000)) >"$cg/cpu.cfs_quota_us"
	local pin=()
	[[ $NSE_CPU_VM1 != - ]] && pin=(taskset -c "$NSE_CPU_VM1")
	# (inside "ip netns exec" /sys is the namespace's own sysfs: the cgroup is joined from here)
	ip netns exec "$NS_VM1" "${pin[@]}" sh -c 'while :; do :; done' 9>&- &
	NSE_BURNER=$!
	nse_pid_note "$NSE_BURNER"
	echo "$NSE_BURNER" >"$cg/cgroup.procs"
	sleep 0.3
	grep -qx "$NSE_BURNER" "$cg/cgroup.procs" || nse_die "burner $NSE_BURNER not in cgroup $cg"
}
nse_burner_stop() {
	if [[ -n ${NSE_BURNER:-} ]]; then
		nse_kill_pid "$NSE_BURNER"
		wait "$NSE_BURNER" 2>/dev/null || true
		nse_pid_done "$NSE_BURNER"
	fi
	NSE_BURNER=
}
