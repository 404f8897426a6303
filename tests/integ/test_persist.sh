#!/usr/bin/env bash
# test_persist.sh - configuration that persists: `nswitch save` / `nic del` / `nswitch -b` gives
# back byte-identical -j shows (nic, pf, vf, fdb, acl, mirror, qos; counters left out) of a lab
# with every feature configured (a NIC in a namespace with 2 PFs with uplinks and miss drop,
# VFs with qos and spoofchk, ACLs in and out, mirrors of a VF and of a PF, rates and packet
# rates) and of a NIC whose PFs traded their OUIs; a batch stops at a bad line naming
# FILE:LINE with the state exactly as the lines before it left it; -b - reads stdin; a syntax
# error runs nothing; -force goes on; -down deletes only the NICs the file makes; a batch
# killed (SIGKILL, the whole process group) at any point leaves what `save` writes back as a
# prefix of the file, and a rerun refuses clearly. Also `make install DESTDIR=`, the unit
# (systemd-analyze verify when it exists) and nswitch(8) listing every command of the help.
#
# The suite runs in a private mount namespace with its own bpffs (as test_crash.sh): the NIC
# ids save writes are then not taken by other suites' NICs between a `nic del` and a `-b`.
source "$(dirname "$0")/lib.sh"
if [[ -z ${NSW_PERSIST_PRIVATE:-} ]]; then
	command -v unshare >/dev/null || { echo "skip persist: unshare missing"; exit 0; }
	exec unshare -m --propagation private env NSW_PERSIST_PRIVATE=1 bash -c \
		'mount -t bpf bpf /sys/fs/bpf || { echo "skip persist: cannot mount a private bpffs"; exit 0; }; exec bash "$0"' "$0"
fi
NO=${NIC}o # the NIC whose PFs trade OUIs, in the root namespace
NH=${NIC}h # a NIC made by hand, not in the file
U1=${LABP}u1
TMP=$(mktemp -d)
cleanup() {
	"$NSW" nic del "$NO" >/dev/null 2>&1 || true
	"$NSW" nic del "$NH" >/dev/null 2>&1 || true
	"$NSW" nic del "${NIC}s" >/dev/null 2>&1 || true
	"$NSW" nic del "${NIC}f" >/dev/null 2>&1 || true
	"$NSW" nic del "${NIC}g" >/dev/null 2>&1 || true
	lab_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT
cleanup
TMP=$(mktemp -d)

lab_full() {
	"$NSW" lab up >/dev/null
	ip -n "${LABP}hv" link add "$U1" type veth peer name "${U1}p"
	"$NSW" pf set "$NIC" pf 1 uplink "$U1" miss drop
	"$NSW" vf set "$NIC" pf 0 vf 2 qos 5 spoofchk off
	"$NSW" vf set "$NIC" pf 1 vf 2 qos 3 vlan 44 proto 802.1ad
	"$NSW" vf set "$NIC" pf 1 vf 1 vlan 9
	"$NSW" vf set "$NIC" pf 1 vf 1 state disable
	"$NSW" vf set "$NIC" pf 0 vf 1 state auto
	printf 'prio 1 proto tcp dport 22 action drop\nprio 5 src-ip 10.0.0.0/8 action mirror to 1,2\n' |
		"$NSW" acl replace "$NIC" pf 0 vf 1 dir in >/dev/null
	printf 'prio 3 ethertype 0x88b5 action drop\n# a comment\nprio 7 src 02:00:00:00:00:00/02:00:00:00:00:00 action allow\n' |
		"$NSW" acl replace "$NIC" pf 1 vf 1 dir out >/dev/null
	"$NSW" acl flush "$NIC" pf 1 vf 2 dir in >/dev/null
	"$NSW" mirror add "$NIC" pf 0 vf 2 to pf 1 vf 2 dir out
	"$NSW" mirror add "$NIC" pf 1 to pf 0 vf 1
	"$NSW" qos set "$NIC" pf 0 vf 1 rate 10mbit
	"$NSW" qos set "$NIC" pf 0 vf 2 rate 1234567bit pps 500 burst 9
	"$NSW" qos set "$NIC" pf 1 vf 1 pps 1000
	# PF 0 and PF 1 of $NO trade their default OUIs (through a third), PF 2 takes another.
	"$NSW" nic add "$NO" pfs 3 >/dev/null
	local o0 o1
	o0=$("$NSW" -j pf show "$NO" | jq -r '.[0].pfs[0].oui')
	o1=$("$NSW" -j pf show "$NO" | jq -r '.[0].pfs[1].oui')
	"$NSW" pf set "$NO" pf 1 oui 02:aa:00
	"$NSW" pf set "$NO" pf 0 oui "$o1"
	"$NSW" pf set "$NO" pf 1 oui "$o0"
	"$NSW" pf set "$NO" pf 2 oui 02:12:34
}

# Every -j show of a NIC ("absent" when it does not exist), counters left out.
snap1() {
	local n=$1 c
	"$NSW" -j nic show "$n" >/dev/null 2>&1 || { echo "$n absent"; return 0; }
	for c in nic pf vf fdb acl mirror qos; do
		echo "== $n $c"
		"$NSW" -j $c show "$n" |
			jq -c 'walk(if type == "object" then del(.pkts, .bytes, .drops, .qdisc_drops, .stats) else . end)'
	done
}
snap() { snap1 "$NIC"; snap1 "$NO"; }
del_all() { "$NSW" nic del "$NIC" >/dev/null 2>&1 || true; "$NSW" nic del "$NO" >/dev/null 2>&1 || true; }
del_extra() { # what another test may have left when it failed
	local n
	for n in "$NH" "${NIC}s" "${NIC}f" "${NIC}g"; do "$NSW" nic del "$n" >/dev/null 2>&1 || true; done
}
same() { # same WHAT GOT WANT
	[[ $2 == "$3" ]] && return 0
	fail "$1: differs: $(diff <(echo "$3") <(echo "$2") | grep '^[<>]' | head -4 | cut -c1-200 | tr '\n' ' ')"
}

lab_full || { echo "FAIL persist_lab: the lab with every feature could not be made"; exit 1; }
CONF=$TMP/nswitch.conf
"$NSW" save >"$CONF" || { echo "FAIL persist_save: nswitch save failed"; exit 1; }
REF=$(snap)

test_save_nic_del_batch_round_trip_identical() {
	grep -qx "acl replace $NIC pf 0 vf 1 dir in <<EOF" "$CONF" || fail "no here-document for the ACL in $CONF"
	grep -q "^pf set $NO pf [01] oui 02:ff:00$" "$CONF" || fail "the OUI trade does not go through a free OUI"
	del_all
	"$NSW" -b "$CONF" >"$TMP/rt.out" || fail "-b failed: $(cat "$TMP/rt.out")"
	same "after save / nic del / -b" "$(snap)" "$REF"
	# What it saves now is what it saved before, byte for byte.
	"$NSW" save >"$TMP/again.conf"
	cmp -s "$CONF" "$TMP/again.conf" || fail "save after the round trip differs: $(diff "$CONF" "$TMP/again.conf" | head -3 | tr '\n' ' ')"
	# And the data path is back: VM 1 reaches VM 2.
	pings "${LABP}vm1" 10.77.0.2 3 || fail "vm1 cannot ping vm2 after the round trip"
}

# A host boots: the configuration is restored before its VMs start, so a VF's device is not
# there yet. The VF is made waiting for it (save writes follow NAME), and takes it when the VM
# brings it, with no command.
test_restore_before_the_vms_start() {
	local vm2=$LABP"vm2" got="" i
	grep -q "^vf add $NIC pf 0 vf 2 follow vm2 " "$CONF" || fail "save does not write follow vm2: $(grep "pf 0 vf 2" "$CONF" | head -1)"
	del_all
	ip -n "${LABP}hv" link del vm2
	"$NSW" -b "$CONF" >"$TMP/boot.out" 2>&1 || fail "-b with vm2 absent: $(cat "$TMP/boot.out")"
	[[ $("$NSW" -j vf show "$NIC" | jq -r '.[] | select(.pf == 0 and .vf == 2) | "\(.dev)/\(.wait)"') == null/vm2 ]] ||
		fail "vf 0,2 is not waiting for vm2: $("$NSW" vf show "$NIC" | grep '^vf 0,2')"
	ip -n "${LABP}hv" link add vm2 type veth peer name eth0 netns "$vm2"
	ip -n "${LABP}hv" link set vm2 up
	ip -n "$vm2" link set eth0 up
	ip -n "$vm2" addr add 10.77.0.2/24 dev eth0
	for i in $(seq 30); do
		got=$("$NSW" -j vf show "$NIC" | jq -r '.[] | select(.pf == 0 and .vf == 2) | .dev')
		[[ $got == vm2 ]] && break
		sleep 0.1
	done
	[[ $got == vm2 ]] || fail "vm2 not attached within 3 s of appearing (dev $got)"
	[[ $(ip -n "$vm2" -j link show eth0 | jq -r '.[0].address') == $("$NSW" -j vf show "$NIC" | jq -r '.[] | select(.pf == 0 and .vf == 2) | .mac') ]] ||
		fail "vm2's end was not given the vMAC"
	same "restored before the VMs, then vm2 came" "$(snap)" "$REF"
	pings "${LABP}vm1" 10.77.0.2 3 || fail "vm1 cannot ping vm2 once it came"
}

test_follow_or_dev_not_both_nor_neither() {
	local err
	err=$("$NSW" vf add "$NIC" pf 1 vf 9 dev vm1 follow vm1 2>&1) && fail "dev and follow accepted"
	grep -q "^nswitch: .*not both" <<<"$err" || fail "dev and follow: $err"
	err=$("$NSW" vf add "$NIC" pf 1 vf 9 2>&1) && fail "neither dev nor follow accepted"
	grep -q "^nswitch: vf add: missing dev DEV .* or follow NAME" <<<"$err" || fail "neither: $err"
	err=$("$NSW" vf add "$NIC" pf 1 vf 9 follow vm1 2>&1) && fail "follow of a name another VF follows accepted"
	grep -q "already a port\|follows" <<<"$err" || fail "follow vm1: $err"
	same "after refused follow commands" "$(snap)" "$REF"
}

# bad_line NAME AFTER_REGEX BAD_LINES: the file is CONF's lines up to the first line matching
# AFTER_REGEX (not included), then BAD_LINES, then the rest. The batch must stop at the bad
# line with FILE:LINE, exit 1, and leave the state the good lines alone make.
bad_line() {
	local name=$1 re=$2 bad=$3 n
	n=$(grep -n -m1 -E "$re" "$CONF" | cut -d: -f1)
	[[ -n $n ]] || fail "$name: no line matches $re"
	head -n $((n - 1)) "$CONF" >"$TMP/$name.good"
	{ cat "$TMP/$name.good"; printf '%s\n' "$bad"; tail -n +"$n" "$CONF"; } >"$TMP/$name.conf"
	del_all
	"$NSW" -b "$TMP/$name.good" >/dev/null || fail "$name: the good lines failed"
	local want
	want=$(snap)
	del_all
	local rc=0
	"$NSW" -b "$TMP/$name.conf" >/dev/null 2>"$TMP/$name.err" || rc=$?
	((rc == 1)) || fail "$name: exit status $rc, not 1"
	(($(wc -l <"$TMP/$name.err") == 1)) || fail "$name: not one line: $(cat "$TMP/$name.err")"
	grep -q "^nswitch: $TMP/$name.conf:$n: " "$TMP/$name.err" ||
		fail "$name: the error does not name line $n: $(cat "$TMP/$name.err")"
	same "$name: after the failed line" "$(snap)" "$want"
}

test_batch_stops_at_bad_line_state_as_before_it() {
	# A rule set whose second rule is wrong: nothing of it is installed.
	bad_line acl '^acl replace' "acl replace $NIC pf 0 vf 2 dir in <<X
prio 1 action drop
prio 2 dport 80 action drop
X"
	grep -q ": acl: line 2: " "$TMP/acl.err" || fail "acl: the error does not name the rule's line: $(cat "$TMP/acl.err")"
	# A device already a port of the NIC.
	bad_line dev '^acl replace' "vf add $NIC pf 1 vf 9 dev vm1"
	grep -q "already a port" "$TMP/dev.err" || fail "dev: $(cat "$TMP/dev.err")"
	# A rate on a VF of a PF that has none, after the NIC and its VFs: the mirrors are not made.
	bad_line qos '^mirror add' "qos set $NIC pf 1 vf 200 rate 1mbit"
	# Put the lab back for the tests that follow.
	del_all
	"$NSW" -b "$CONF" >/dev/null
}

test_batch_from_stdin() {
	del_all
	del_extra
	"$NSW" save 2>&1 | grep -q . && fail "save of no NIC printed something"
	"$NSW" -b - <"$CONF" >/dev/null || fail "-b - failed"
	same "-b - from stdin" "$(snap)" "$REF"
	# -j applies to every line; an error names stdin and its line.
	local err rc=0
	err=$(printf 'vf show %s\n\nvf show nope\n' "$NIC" | "$NSW" -j -b - 2>&1 >/dev/null) || rc=$?
	((rc == 1)) || fail "a failing line of stdin: exit status $rc"
	[[ $err == '{"error":"stdin:3: unknown NIC \"nope\""}' ]] || fail "-j error: $err"
	# A rule set without its here-document is refused, not taken as no rules.
	local acl
	acl=$("$NSW" -j acl show "$NIC")
	err=$(printf 'acl replace %s pf 0 vf 1 dir in\n' "$NIC" | "$NSW" -b - 2>&1) &&
		fail "acl replace without rules was accepted in a batch"
	[[ $err == "nswitch: stdin:1: acl: no rules: in a batch, give them in a here-document"* ]] ||
		fail "acl replace without rules: $err"
	[[ $("$NSW" -j acl show "$NIC") == "$acl" ]] || fail "the rule sets changed"
}

test_syntax_error_anywhere_runs_nothing() {
	local f=$TMP/syntax.conf rc=0 err
	printf 'nic add %ss\n# a comment\n\nvf show "%s\n' "$NIC" "$NIC" >"$f"
	err=$("$NSW" -b "$f" 2>&1) || rc=$?
	((rc == 1)) || fail "exit status $rc"
	[[ $err == "nswitch: $f:4: a quote without its end" ]] || fail "got: $err"
	"$NSW" nic show "${NIC}s" >/dev/null 2>&1 && fail "line 1 ran although line 4 cannot be read"
	printf 'nic add %ss\nacl replace %s pf 0 vf 1 dir in <<END\nprio 1 action drop\n' "$NIC" "$NIC" >"$f"
	err=$("$NSW" -b "$f" 2>&1) && fail "a here-document without its end was accepted"
	[[ $err == "nswitch: $f:2: the here-document <<END has no line \"END\" to end it" ]] || fail "got: $err"
	printf 'nic add %ss\n-n x nic show\n' "$NIC" >"$f"
	err=$("$NSW" -b "$f" 2>&1) && fail "an option on a line was accepted"
	[[ $err == "nswitch: $f:2: \"-n\": options go before -b and apply to every line" ]] || fail "got: $err"
	"$NSW" nic show "${NIC}s" >/dev/null 2>&1 && fail "a NIC was made by a file that cannot be read"
	return 0
}

test_force_goes_on_past_errors() {
	local f=$TMP/force.conf rc=0
	printf 'nic add %sf\nvf show nope\nnic add %sg\n' "$NIC" "$NIC" >"$f"
	"$NSW" -b "$f" >/dev/null 2>&1 && fail "the failing line 2 went unnoticed"
	"$NSW" nic show "${NIC}g" >/dev/null 2>&1 && fail "line 3 ran after line 2 failed"
	"$NSW" nic del "${NIC}f" >/dev/null
	"$NSW" -force -b "$f" >/dev/null 2>"$TMP/force.err" || rc=$?
	((rc == 1)) || fail "-force: exit status $rc, not 1"
	grep -q "^nswitch: $f:2: unknown NIC" "$TMP/force.err" || fail "-force: $(cat "$TMP/force.err")"
	"$NSW" nic show "${NIC}f" >/dev/null && "$NSW" nic show "${NIC}g" >/dev/null ||
		fail "-force: lines 1 and 3 not both applied"
	"$NSW" nic del "${NIC}f" >/dev/null
	"$NSW" nic del "${NIC}g" >/dev/null
}

test_down_deletes_only_the_files_nics() {
	del_extra
	"$NSW" nic add "$NH" >/dev/null
	"$NSW" -force -down -b "$CONF" >/dev/null || fail "-down failed"
	"$NSW" nic show "$NIC" >/dev/null 2>&1 && fail "$NIC is still there"
	"$NSW" nic show "$NO" >/dev/null 2>&1 && fail "$NO is still there"
	"$NSW" nic show "$NH" >/dev/null || fail "-down deleted $NH, which the file does not make"
	[[ -z $(hv tc filter show dev vm1 ingress) ]] || fail "a filter is left on vm1"
	"$NSW" -down -b "$CONF" >/dev/null || fail "-down with nothing to do failed"
	"$NSW" nic del "$NH" >/dev/null
	"$NSW" -b "$CONF" >/dev/null
	same "after -down and -b" "$(snap)" "$REF"
}

# Killed with its command at any point, the batch leaves a state whose save is the file's
# first lines (each command is whole or absent), every command works on it, and running the
# file again refuses clearly at its first line; nic del and -b then give the whole state. The
# kills come at delays after the batch made its first NIC (which takes a verifier run, of
# varying length on a loaded machine), then after its second, so that they land in its
# VF, ACL, mirror and QoS lines.
test_kill9_mid_batch_leaves_a_prefix() {
	local conf_cmds d pid part i inside=0
	conf_cmds=$(grep -v '^#' "$CONF")
	del_extra
	for d in 0 0.02 0.05 0.1 0.2 0.3 0.4 0.6; do
		del_all
		setsid "$NSW" -b "$CONF" >/dev/null 2>&1 &
		pid=$!
		for ((i = 0; i < 3000; i++)); do
			[[ -e /sys/fs/bpf/nswitch/$NIC ]] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.01
		done
		sleep "$d"
		kill -9 -- "-$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		snap >/dev/null || fail "after a kill at +${d}s: a show failed"
		part=$("$NSW" save 2>&1 | grep -v '^#') || true
		[[ $conf_cmds == "$part"* ]] || fail "after a kill at +${d}s, save is not a prefix of the file: $(diff <(echo "$conf_cmds") <(echo "$part") | grep '^>' | head -2 | tr '\n' ' ')"
		[[ -n $part && $part != "$conf_cmds" ]] && inside=$((inside + 1))
		# Nothing half-made in the kernel either: a device has nswitch's filter exactly when
		# the saved lines name it as a VF's device or an uplink.
		local dev has named
		for dev in vm1 vm2 vm3 vm4 up0 "$U1"; do
			has=$(hv tc filter show dev "$dev" ingress | grep -c ' bpf ') || true
			named=$(grep -cE "(dev|follow|uplink) $dev( |\$)" <<<"$part") || true
			(((has > 0) == (named > 0))) ||
				fail "after a kill at +${d}s: $dev has $has nswitch filters, named $named times"
		done
		if [[ -n $part ]]; then
			local err
			err=$("$NSW" -b "$CONF" 2>&1 >/dev/null) && fail "running the file again on a part of it succeeded"
			[[ $err == "nswitch: $CONF:2: NIC \"$NIC\" exists" ]] || fail "rerun: $err"
		fi
	done
	echo "kills that landed inside the batch: $inside of 8" >&2
	((inside > 0)) || fail "no kill landed inside the batch: the test proved nothing"
	del_all
	"$NSW" -b "$CONF" >/dev/null || fail "-b after the kills failed"
	same "after the kills, nic del and -b" "$(snap)" "$REF"
}

test_make_install_and_the_unit() {
	local d=$TMP/destdir p=$TMP/prefix f
	make -s -C "$ROOT" install DESTDIR="$d" >/dev/null || fail "make install DESTDIR failed"
	local unit=$d/usr/local/lib/systemd/system/nswitch.service
	[[ -f $unit ]] || fail "no unit at $unit"
	grep -qx 'Type=oneshot' "$unit" && grep -qx 'RemainAfterExit=yes' "$unit" || fail "unit not oneshot/RemainAfterExit"
	grep -qx 'ExecStart=/usr/local/sbin/nswitch -b /etc/nswitch/nswitch.conf' "$unit" || fail "ExecStart: $(grep ExecStart "$unit")"
	# Every program the unit names is installed, and runs.
	for f in $(sed -n 's/^Exec[A-Za-z]*=\([^ ]*\).*/\1/p' "$unit"); do
		[[ -x $d$f ]] || fail "the unit runs $f, which make install did not install"
	done
	"$d/usr/local/sbin/nswitch" help >/dev/null || fail "the installed nswitch does not run"
	for f in sbin/nswitch-lab bin/nswitch-sim share/man/man8/nswitch.8 \
		libexec/nswitch/nswitch-qemu-ifup libexec/nswitch/nswitch-qemu-ifdown; do
		[[ -f $d/usr/local/$f ]] || fail "$f not installed"
	done
	make -s -C "$ROOT" uninstall DESTDIR="$d" >/dev/null || fail "make uninstall failed"
	[[ -z $(find "$d" -type f) ]] || fail "left by uninstall: $(find "$d" -type f | head -2)"
	if ! command -v systemd-analyze >/dev/null; then
		echo "skip unit_verify: systemd-analyze missing" >&2
		return 0
	fi
	make -s -C "$ROOT" install PREFIX="$p" >/dev/null || fail "make install PREFIX failed"
	systemd-analyze verify --man=no "$p/lib/systemd/system/nswitch.service" >"$TMP/verify" 2>&1 ||
		fail "systemd-analyze verify: $(head -2 "$TMP/verify" | tr '\n' ' ')"
	[[ ! -s $TMP/verify ]] || fail "systemd-analyze verify warns: $(head -2 "$TMP/verify" | tr '\n' ' ')"
}

test_man_page_lists_every_command_of_the_help() {
	local man=$ROOT/docs/nswitch.8
	diff <("$NSW" -j help | jq -r '.[].usage' | sort) \
		<(sed -n 's/^\.B nswitch //p' "$man" | sed 's/\\-/-/g; s/\\e/\\/g' | sort) >"$TMP/man.diff" ||
		fail "docs/nswitch.8 and nswitch help differ (make man): $(grep '^[<>]' "$TMP/man.diff" | head -2 | tr '\n' ' ')"
	# The descriptions too, not only the synopses: the page is what make man writes.
	python3 "$ROOT/scripts/nsw_man.py" "$NSW" | diff - "$man" >"$TMP/man.diff" ||
		fail "docs/nswitch.8 is not what make man writes from this nswitch: $(grep '^[<>]' "$TMP/man.diff" | head -2 | tr '\n' ' ')"
}

run_test save_nic_del_batch_round_trip_identical
run_test restore_before_the_vms_start
run_test follow_or_dev_not_both_nor_neither
run_test batch_stops_at_bad_line_state_as_before_it
run_test batch_from_stdin
run_test syntax_error_anywhere_runs_nothing
run_test force_goes_on_past_errors
run_test down_deletes_only_the_files_nics
run_test kill9_mid_batch_leaves_a_prefix
run_test make_install_and_the_unit
run_test man_page_lists_every_command_of_the_help
