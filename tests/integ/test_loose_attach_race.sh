#!/usr/bin/env bash
# test_loose_attach_race.sh - a device deleted DURING its attach: after the command (or the
# watcher) read it over netlink (RTM_GETLINK), while it puts its programs on it. vf add ...
# follow NAME and pf set ... follow NAME then exit 0 with no error and wait for the name, as
# when it was never there; with dev NAME / uplink NAME (a device needed now) the command either
# finished before the deletion mattered (exit 0, the port then waits for the name) or it is
# refused: one line, exit 1, nothing changed; so is vf add ... follow NAME on a VF that waits
# for another name, whose attach the deletion beat. Either way no port record is left for the gone
# device, and a device made again of that name is attached by the watcher. The watcher's own
# attach, whose device goes under it, logs that it waits ("went as it was attached"), never
# "cannot attach".
# The deletion is made deterministic with strace: every netlink send (sendto) of the command
# or the watcher's resync child is held HOLD µs after it returns, and the device is deleted as
# soon as the K-th send from the netlink read of the device on (that read included) is in the
# trace, for K = 1, 2, ... until a run ends before its K-th send: so the device goes after each
# step of the attach (its tc view, clsact, filter, the VM's end's vMAC, ...) whatever their
# number. A deletion that lands late on a loaded machine lands at a later step, and the checks
# of a run hold whichever step it is, except those of K = 1 (the deletion right after the read
# must come before the attach can succeed): HOLD, 0.3 s, is far longer than a deletion takes.
# (test_loose_follow_race.sh covers deletions before the read.)
source "$(dirname "$0")/lib.sh"
TMPD=$(mktemp -d /tmp/${LABP}attrace.XXXXXX)
HOLD=300000
cleanup() {
	rm -rf "$TMPD"
	lab_cleanup
}
trap cleanup EXIT

dev_make() { hv ip link add "$1" type veth peer name "$1"p; }
ifindex_of() { hv ip -j link show "$1" | jq -r '.[0].ifindex'; }

# sends IFINDEX [FROM]: "N PID": the netlink sends in the trace (from its line FROM on) from the
# first netlink read of IFINDEX on, that read included, by the process that read it (PID; the
# trace of strace -f prefixes each line with it). The read: a sendto of RTM_GETLINK (0x12:
# strace in the root namespace does not know the protocol of a socket in the NIC's) whose
# ifinfomsg names IFINDEX (raw bytes, little-endian; or decoded).
sends() {
	local ix=$1 raw
	raw=$(printf '"\\x00\\x00\\x00\\x00\\x%02x\\x%02x\\x%02x\\x%02x' $((ix & 255)) \
		$((ix >> 8 & 255)) $((ix >> 16 & 255)) $((ix >> 24 & 255)))
	# (raw through the environment: awk -v would read its backslashes as escapes)
	tail -n +"${2:-1}" "$TMPD/trace" | RAW=$raw awk -v ix="$ix" '
		BEGIN { raw = ENVIRON["RAW"] }
		{ pid = ($1 ~ /^[0-9]+$/) ? $1 : "" }
		!/sendto\(/ { next }
		!found && (index($0, "nlmsg_type=0x12 ") || index($0, "nlmsg_type=RTM_GETLINK,")) &&
		    (index($0, raw) || $0 ~ ("ifi_index=" ix "[,}]")) { found = 1; p = pid }
		found && pid == p { n++ }
		END { print n + 0, (p == "" ? 0 : p) }'
}

send_count() { # send_count IFINDEX: N of sends IFINDEX
	local n
	read -r n _ < <(sends "$1")
	echo "$n"
}

# Records of nsw_ports whose device is gone from the NIC's namespace: what a half-applied
# attach would leave.
stale_ports() {
	local keys devs
	keys=$(bpftool -j map dump pinned /sys/fs/bpf/nswitch/"$NIC"/nsw_ports |
		jq -r '.[] | (.formatted.key // empty)' | sort)
	devs=$(hv ip -j link show | jq -r '.[].ifindex' | sort)
	comm -23 <(echo "$keys") <(echo "$devs") | tr '\n' ' '
}

# An attached device carries the NIC's programs: its tc filter and, in mode xdp (MODE), its XDP
# program too.
MODE=tc
programs_on() { # programs_on DEV
	local f
	f=$(hv tc filter show dev "$1" ingress) # (not piped to grep -q: its early exit fails the pipe)
	[[ $f == *" bpf "* ]] || fail "$1: attached, no tc filter on it"
	[[ $MODE != xdp || -n $(hv ip -j link show "$1" | jq -r '.[0].xdp // empty') ]] ||
		fail "$1: attached in mode xdp, no XDP program on it"
}

# Runs nswitch ARGS under strace (its netlink sends held HOLD µs each) and deletes DEV once the
# K-th send from the command's read of DEV on is in the trace. Sets RC (the command's exit),
# DELETED (1 if DEV was deleted while the command ran) and READ (1 if the read was seen).
race_run() { # race_run DEV K ARGS...
	local dev=$1 k=$2 ix n
	shift 2
	ix=$(ifindex_of "$dev")
	strace_race "$dev" "$k" "send_count $ix" -e trace=sendto \
		-e inject=sendto:delay_exit=$HOLD -- "$@"
	read -r n _ < <(sends "$ix")
	READ=$((n > 0))
}

# race_refused WHERE: the run just made (race_run) was refused: exit 1, nothing on stdout, one
# line "nswitch: ..." on stderr, and its device had been deleted while it ran. WHERE prefixes
# the failures.
race_refused() {
	((RC == 1)) || fail "$1: exit $RC: $(cat "$TMPD/err")"
	[[ ! -s $TMPD/out && $(wc -l <"$TMPD/err") == 1 ]] && grep -q '^nswitch: ' "$TMPD/err" ||
		fail "$1: not one error line: $(cat "$TMPD/out" "$TMPD/err")"
	((DELETED)) || fail "$1: refused with its device there: $(cat "$TMPD/err")"
}

# follow NAME, for the command CMD (vf: vf add ... follow; pf: pf set ... follow): every run
# exits 0 with nothing on stderr; the port ends waiting for the name with no record left for
# the gone device; the device made again is attached by the watcher.
follow_race() { # follow_race vf|pf
	local what=$1 d=${LABP}at1 k waited=0
	for ((k = 1; k <= 10; k++)); do
		dev_make $d
		if [[ $what == vf ]]; then
			race_run $d $k vf add "$NIC" pf 1 vf 5 follow $d
		else
			race_run $d $k pf set "$NIC" pf 1 follow $d
		fi
		((READ)) || fail "k=$k: no netlink read of $d in the trace: $(head -3 "$TMPD/trace")"
		((RC == 0)) && [[ ! -s $TMPD/err ]] ||
			fail "k=$k: device deleted=$DELETED: exit $RC: $(cat "$TMPD/err")"
		if ((DELETED)); then
			# It waits (the command saw its attach fail, or let the device go after it:
			# "wait NAME" / the note), or it attached the device before it went and the
			# watcher let it go since.
			if [[ $what == vf ]]; then
				grep -Eq "^vf 1,5 mac .* (wait $d|dev $d kind veth)$" "$TMPD/out" ||
					fail "k=$k: vf add printed: $(cat "$TMPD/out")"
				grep -q " wait $d$" "$TMPD/out" && waited=$((waited + 1))
				wait_for "none wait $d" vf_dev 1 5 || fail "k=$k: vf 1,5 does not wait"
			else
				grep -qx "note: pf 1 waits for its uplink $d" "$TMPD/out" &&
					waited=$((waited + 1))
				wait_for "none wait $d" pf_uplink 1 || fail "k=$k: pf 1 does not wait"
			fi
			wait_for "" stale_ports || fail "k=$k: records of gone ports left"
			dev_make $d
		fi
		# Deleted right after the read (k=1), before the attach could succeed, however late
		# the deletion lands within the held sends that follow: the command itself waits.
		((k > 1 || waited)) || fail "k=1: $what did not wait: $(cat "$TMPD/out")"
		if [[ $what == vf ]]; then
			wait_for "$d" vf_dev 1 5 || fail "k=$k: $d made again is not attached"
			programs_on $d
			"$NSW" vf del "$NIC" pf 1 vf 5
		else
			wait_for "$d" pf_uplink 1 || fail "k=$k: $d made again is not attached"
			programs_on $d
			"$NSW" pf set "$NIC" pf 1 uplink none
		fi
		hv ip link del $d
		((DELETED)) || break # the command made fewer than k sends: every step tried
	done
	((k <= 10)) || fail "still deleting after 10 sends: the later steps were not tried"
	((k > 1)) || fail "the device was never deleted while $what ran (too loaded?)"
	echo "$what follow: deleted after each of $((k - 1)) sends ($waited waited)" >&2
}

test_vf_follow_attach_race() {
	command -v strace >/dev/null || { echo "skip vf_follow_attach_race: strace missing"; return 0; }
	command -v bpftool >/dev/null || { echo "skip vf_follow_attach_race: bpftool missing"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	follow_race vf
}

test_pf_follow_attach_race() {
	command -v strace >/dev/null || { echo "skip pf_follow_attach_race: strace missing"; return 0; }
	command -v bpftool >/dev/null || { echo "skip pf_follow_attach_race: bpftool missing"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	follow_race pf
}

# dev NAME / uplink NAME: the device is needed now. A run either is refused (one line "nswitch:
# ...", exit 1, vf show / pf show as before, no record of the gone device) or, the deletion
# landing after the command attached it, succeeds and the port then waits for the name as any
# port whose device goes. The first runs (gone before the attach can succeed) are refused.
dev_race() {
	local d=${LABP}at2 what k refused vfs pfs
	for what in vf pf; do
		refused=0
		for ((k = 1; k <= 10; k++)); do
			dev_make $d
			vfs=$("$NSW" -j vf show "$NIC" | vf_settings)
			pfs=$("$NSW" -j pf show "$NIC")
			if [[ $what == vf ]]; then
				race_run $d $k vf add "$NIC" pf 1 vf 5 dev $d
			else
				race_run $d $k pf set "$NIC" pf 1 uplink $d
			fi
			((READ)) || fail "$what k=$k: no netlink read of $d: $(head -3 "$TMPD/trace")"
			if ((RC)); then
				race_refused "$what k=$k"
				refused=$((refused + 1))
				[[ $("$NSW" -j vf show "$NIC" | vf_settings) == "$vfs" ]] ||
					fail "$what k=$k: refused, vf show changed: $("$NSW" vf show "$NIC")"
				[[ $("$NSW" -j pf show "$NIC") == "$pfs" ]] ||
					fail "$what k=$k: refused, pf show changed: $("$NSW" pf show "$NIC")"
				[[ -z $(stale_ports) ]] ||
					fail "$what k=$k: records of gone ports left: $(stale_ports)"
				dev_make $d # no port has it, none waits for it
				sleep 0.3
				[[ $(vf_dev 1 5) == "" && $(pf_uplink 1) == "none wait -" ]] ||
					fail "$what k=$k: refused, yet $d made again is followed"
				hv ip link del $d
				continue
			fi
			[[ ! -s $TMPD/err ]] || fail "$what k=$k: exit 0 but: $(cat "$TMPD/err")"
			# Deleted right after the read, before its attach: refused, however late
			# the deletion lands within the held sends that follow.
			((k > 1)) || fail "$what k=1: deleted before its attach, yet exit 0"
			if ((DELETED)); then
				if [[ $what == vf ]]; then
					wait_for "none wait $d" vf_dev 1 5 || fail "vf k=$k: does not wait"
				else
					wait_for "none wait $d" pf_uplink 1 || fail "pf k=$k: does not wait"
				fi
				wait_for "" stale_ports || fail "$what k=$k: records of gone ports left"
				dev_make $d
			fi
			if [[ $what == vf ]]; then
				wait_for "$d" vf_dev 1 5 || fail "vf k=$k: $d made again is not attached"
				programs_on $d
				"$NSW" vf del "$NIC" pf 1 vf 5
			else
				wait_for "$d" pf_uplink 1 || fail "pf k=$k: $d made again is not attached"
				programs_on $d
				"$NSW" pf set "$NIC" pf 1 uplink none
			fi
			hv ip link del $d
			((DELETED)) || break
		done
		((k <= 10)) || fail "$what: still deleting after 10 sends: the later steps were not tried"
		echo "$what dev: deleted after each of $((k - 1)) sends ($refused refused)" >&2
	done
}

# vf add ... follow NAME on a VF that exists and waits for another name (OLD) gives it NAME's
# device now; a run whose device goes under that attach is refused as it is when NAME is absent
# (one line, exit 1; the VF still waits for OLD, no record left), or, the deletion landing after
# the attach, succeeds and the VF then waits for NAME. The first run (gone before the attach can
# succeed) is refused.
readd_race() {
	local d=${LABP}at4 old=${LABP}at4o k refused=0 vfs
	"$NSW" vf add "$NIC" pf 1 vf 5 follow $old >/dev/null
	for ((k = 1; k <= 10; k++)); do
		dev_make $d
		vfs=$("$NSW" -j vf show "$NIC" | vf_settings)
		race_run $d $k vf add "$NIC" pf 1 vf 5 follow $d
		((READ)) || fail "k=$k: no netlink read of $d: $(head -3 "$TMPD/trace")"
		if ((RC)); then
			race_refused "k=$k"
			refused=$((refused + 1))
			[[ $(vf_dev 1 5) == "none wait $old" ]] ||
				fail "k=$k: refused, VF 1,5 no longer waits for $old: $(vf_dev 1 5)"
			[[ $("$NSW" -j vf show "$NIC" | vf_settings) == "$vfs" ]] ||
				fail "k=$k: refused, vf show -j changed: $(diff <(echo "$vfs" | jq .) \
					<("$NSW" -j vf show "$NIC" | vf_settings | jq .) | head -8)"
			[[ -z $(stale_ports) ]] || fail "k=$k: records of gone ports left: $(stale_ports)"
			continue
		fi
		[[ ! -s $TMPD/err ]] || fail "k=$k: exit 0 but: $(cat "$TMPD/err")"
		((k > 1)) || fail "k=1: deleted before its attach, yet exit 0: $(cat "$TMPD/out")"
		if ((DELETED)); then
			wait_for "none wait $d" vf_dev 1 5 || fail "k=$k: does not wait for $d"
			wait_for "" stale_ports || fail "k=$k: records of gone ports left"
			dev_make $d
		fi
		wait_for "$d" vf_dev 1 5 || fail "k=$k: $d is not attached"
		programs_on $d
		"$NSW" vf del "$NIC" pf 1 vf 5
		hv ip link del $d
		((DELETED)) || break # the command made fewer than k sends: every step tried
		"$NSW" vf add "$NIC" pf 1 vf 5 follow $old >/dev/null
	done
	((k <= 10)) || fail "still deleting after 10 sends: the later steps were not tried"
	((refused)) || fail "no run was refused: the deletion never came before the attach"
	echo "vf follow on a waiting VF: deleted after each of $((k - 1)) sends ($refused refused)" >&2
}

test_readd_attach_race() {
	command -v strace >/dev/null || { echo "skip readd_attach_race: strace missing"; return 0; }
	command -v bpftool >/dev/null || { echo "skip readd_attach_race: bpftool missing"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	readd_race
}

test_dev_attach_race() {
	command -v strace >/dev/null || { echo "skip dev_attach_race: strace missing"; return 0; }
	command -v bpftool >/dev/null || { echo "skip dev_attach_race: bpftool missing"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	dev_race
}

# The watcher's attach: WHAT (vf: VF 1,5; pf: PF 1) follows NAME, absent. strace, attached to
# the watcher and its resync children, holds their netlink sends; the device is made, and
# deleted after the K-th send of the child that read it. The child logs no failure; the port
# waits for the name; and (the next run) the device made again is attached.
watcher_race() { # watcher_race vf|pf
	local what=$1 d=${LABP}at3 wpid spid i k n pid from went=0 log=/run/nswitch/watch-$NIC.log
	local show=(vf_dev 1 5)
	[[ $what == pf ]] && show=(pf_uplink 1)
	wpid=$("$NSW" -j watch show "$NIC" | jq -r '.[0].pid')
	((wpid > 0)) || fail "no watcher"
	: >"$TMPD/trace"
	# Its stdio away from the test's output (the caller reads that to its end), and detached
	# when the test body ends, failed or not: the watcher lives on.
	strace -qq -f -p "$wpid" -o "$TMPD/trace" -e trace=sendto \
		-e inject=sendto:delay_exit=$HOLD </dev/null >/dev/null 2>&1 &
	spid=$!
	BG_PIDS+=("$spid")
	trap 'kill '"$spid"' 2>/dev/null || true' EXIT
	traced_by "$wpid" "$spid"
	for ((k = 1; k <= 10; k++)); do
		from=$(($(wc -l <"$TMPD/trace") + 1))
		local lfrom=$(($(wc -l <"$log") + 1))
		dev_make $d
		local ix deleted=0
		ix=$(ifindex_of $d)
		for ((i = 0; i < 3000; i++)); do
			read -r n pid < <(sends "$ix" "$from")
			if ((n >= k)); then
				hv ip link del $d
				deleted=1
				break
			fi
			# The child that read the device ended before its k-th send.
			((pid > 0)) && ! kill -0 "$pid" 2>/dev/null && break
			sleep 0.01
		done
		((pid > 0)) || fail "k=$k: the watcher did not read $d (trace: $(tail -3 "$TMPD/trace"))"
		if ((deleted)); then
			for ((i = 0; i < 1000; i++)); do # the child ends (its held sends)
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.01
			done
			wait_for "none wait $d" "${show[@]}" || fail "k=$k: does not wait for $d"
			tail -n +"$lfrom" "$log" | grep -E "(cannot attach|unreadable|is .*: not attached)" &&
				fail "k=$k: the watcher logged a failure"
			tail -n +"$lfrom" "$log" | grep -q "went as it was attached: waiting for it" &&
				went=$((went + 1))
			wait_for "" stale_ports || fail "k=$k: records of gone ports left"
			continue
		fi
		wait_for "$d" "${show[@]}" || fail "k=$k: $d is not attached"
		hv ip link del $d
		wait_for "none wait $d" "${show[@]}" || fail "$d deleted: not waited for"
		break
	done
	((k <= 10)) || fail "still deleting after 10 sends: the later steps were not tried"
	kill "$spid"
	wait "$spid" 2>/dev/null || true
	((k > 1)) || fail "the device was never deleted while the watcher attached it"
	((went)) || fail "the watcher never logged a device gone as it was attached"
	dev_make $d # untraced: attached at once
	wait_for "$d" "${show[@]}" || fail "$d made again is not attached"
	programs_on $d
	wait_for "" stale_ports || fail "records of gone ports left"
	echo "watcher $what: deleted after each of $((k - 1)) sends ($went went)" >&2
}

# The watcher's races for VF 1,5 and then for PF 1, each following the absent NAME.
watcher_races() {
	"$NSW" vf add "$NIC" pf 1 vf 5 follow ${LABP}at3 >/dev/null
	watcher_race vf
	"$NSW" vf del "$NIC" pf 1 vf 5
	hv ip link del ${LABP}at3
	"$NSW" pf set "$NIC" pf 1 follow ${LABP}at3 >/dev/null
	watcher_race pf
}

test_watcher_attach_race() {
	command -v strace >/dev/null || { echo "skip watcher_attach_race: strace missing"; return 0; }
	command -v bpftool >/dev/null || { echo "skip watcher_attach_race: bpftool missing"; return 0; }
	lab_cleanup
	"$NSW" lab up >/dev/null
	watcher_races
}

# The same races with the NIC in mode xdp, whose attach has a step of its own (the device's XDP
# program after its tc one, for a VF and for an uplink; a failure there undoes the tc part). Each
# race goes on until a run ends before its deletion, so the XDP step is among those tried; and a
# device made again must carry the XDP program too (programs_on).
test_xdp_attach_race() {
	command -v strace >/dev/null || { echo "skip xdp_attach_race: strace missing"; return 0; }
	command -v bpftool >/dev/null || { echo "skip xdp_attach_race: bpftool missing"; return 0; }
	lab_cleanup
	"$NSW" lab up mode xdp >/dev/null || fail "lab up mode xdp failed"
	[[ $("$NSW" -j nic show "$NIC" | jq -r '.[0].mode') == xdp ]] ||
		fail "the lab is not in mode xdp"
	MODE=xdp
	follow_race vf
	follow_race pf
	dev_race
	readd_race
	watcher_races
}

run_test vf_follow_attach_race
run_test pf_follow_attach_race
run_test dev_attach_race
run_test readd_attach_race
run_test watcher_attach_race
run_test xdp_attach_race
