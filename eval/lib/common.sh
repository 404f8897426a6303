# eval/lib/common.sh - shared helpers of the evaluation (eval/run): logging, the resource
# ledger and the one teardown that undoes it.
# Invariants: every namespace, process, cgroup, OVS daemon and nSwitch NIC the evaluation makes
# is written to the ledger ($NSE_STATE) *before* it is used, and nse_teardown removes exactly what
# the ledger lists (processes by PID, never by name). Names start with $NSE_PFX ("nse-<id>-") so
# two runs, or other engineers' "nsw-" namespaces, never collide.
# Owner: the evaluation. Sourced only by eval/run and eval/lib/*.sh.

NSE_T0=${NSE_T0:-$(date +%s)}

nse_log() { # progress on stderr: [mm:ss] message
	local t=$(($(date +%s) - NSE_T0))
	printf '[%02d:%02d] %s\n' $((t / 60)) $((t % 60)) "$*" >&2
}
nse_die() { # one line on stderr (and in the state folder, for the run's summary); exit 1
	printf 'eval: error: %s\n' "$*" >&2
	[[ -n ${NSE_STATE:-} && -d $NSE_STATE ]] && printf '%s\n' "$*" >>"$NSE_STATE/lasterr"
	exit 1
}

# The ledger: one line per resource, "kind value". Teardown walks it in reverse order.
nse_note() { printf '%s %s\n' "$1" "$2" >>"$NSE_STATE/ledger"; }

nse_netns_add() { # nse_netns_add NAME: a namespace with lo up
	nse_note netns "$1"
	ip netns add "$1"
	ip -n "$1" link set lo up
}

nse_starttime() { awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat" 2>/dev/null; } # field 22
nse_pid_note() { nse_note pid "$1:$(nse_starttime "$1")"; } # PID:START, so a reused PID is spared
nse_pid_done() { sed -i "/^pid $1:/d" "$NSE_STATE/ledger"; } # a process we waited for

nse_kill_pid() { # kill one PID we started, wait briefly, then SIGKILL
	local p=$1 i
	kill -0 "$p" 2>/dev/null || return 0
	kill "$p" 2>/dev/null || true
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$p" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$p" 2>/dev/null || true
}

# Undo the ledger from line $1 (default 1) to its end, newest first, then cut it there.
nse_teardown() {
	local from=${1:-1} kind val
	[[ -f $NSE_STATE/ledger ]] || return 0
	while read -r kind val; do
		case $kind in
		pid) # PID:START; only if the PID still names the process we started
			local p=${val%%:*}
			[[ $(nse_starttime "$p") == "${val#*:}" ]] && nse_kill_pid "$p" ;;
		pidfile) # PATH:COMM; only if the daemon of that pidfile still runs that program
			local f=${val%:*} c=${val##*:} p
			if [[ -s $f ]]; then
				p=$(cat "$f")
				[[ $(cat "/proc/$p/comm" 2>/dev/null) == "$c" ]] && nse_kill_pid "$p"
			fi ;;
		nswnic) timeout 30 "$NSE_NSW" nic del "$val" >/dev/null 2>&1 || echo "eval: warning: nswitch nic del $val failed" >&2 ;;
		netns) # whatever still runs inside our namespace is ours
			local p
			for p in $(ip netns pids "$val" 2>/dev/null); do nse_kill_pid "$p"; done
			ip netns del "$val" 2>/dev/null || true ;;
		cgroup)
			# move any straggler back to the root before removing
			if [[ -d $val ]]; then
				local p
				for p in $(cat "$val/cgroup.procs" 2>/dev/null); do nse_kill_pid "$p"; done
				rmdir "$val" 2>/dev/null || echo "eval: warning: could not remove cgroup $val" >&2
			fi ;;
		dir) rm -rf "$val" ;;
		esac
	done < <(tail -n +"$from" "$NSE_STATE/ledger" | tac)
	local keep=$((from - 1))
	head -n "$keep" "$NSE_STATE/ledger" >"$NSE_STATE/ledger.new" && mv "$NSE_STATE/ledger.new" "$NSE_STATE/ledger"
}

nse_ledger_mark() { # the line number the next resource will have
	local n=0
	[[ -f $NSE_STATE/ledger ]] && n=$(wc -l <"$NSE_STATE/ledger")
	echo $((n + 1))
}

# Arithmetic helpers (awk, so the shell stays integer-only)
nse_calc() { awk "BEGIN { printf \"%.6g\", $* }"; }
nse_fmt() { awk -v v="$2" "BEGIN { printf \"$1\", v }"; } # nse_fmt FORMAT VALUE
