#!/usr/bin/env bash
# test_qemu.sh - a real guest on nswitch: Debian's kernel and busybox (tests/integ/nsw_guest.sh)
# under QEMU (TCG), its virtio-net on a tap that QEMU makes and scripts/nswitch-qemu-ifup
# attaches as a VF, QEMU's default offloads. The guest pings a VM on its PF (Case 0) and one on
# the other PF (Case 1), sends 4 MB over TCP to a VM and receives 4 MB from it (busybox nc), the
# SHA-256 of each compared on the far side. Then QEMU stops (its tap goes), and starts again
# with the same ifname and script=no: the VF gets the tap back with no nswitch command, and the
# guest's traffic resumes. Prints boot time, RTT, transfer rates, and the time from the tap's
# reappearance to the first frame the NIC delivered to it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/nsw_guest.sh"
TMPD=$(mktemp -d /tmp/${LABP}qemu.XXXXXX)
cleanup() {
	local f
	for f in "$TMPD"/*.pid; do
		[[ -s $f ]] && kill "$(cat "$f")" 2>/dev/null
	done
	sleep 0.2
	for f in "$TMPD"/*.pid; do
		[[ -s $f ]] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	lab_cleanup
	[[ -n ${NSW_KEEP:-} ]] || rm -rf "$TMPD"
}
trap cleanup EXIT
TAP=${LABP}q0
GIP=10.77.0.6

# Waits for a line starting with $2 in file $1 for up to $3 s; prints the line.
wait_line() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -a -m1 "^$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "no '$2' from the guest in $3 s: $(tr -d '\r' <"$1" | grep -av '^\s*$' | tail -3 | tr '\n' '|')"
}
# qemu_start NAME INITRD NETDEV_OPTS [,DEVICE_OPTS]: QEMU in the NIC's namespace, serial to $TMPD/NAME.log.
# nsenter, not ip netns exec: the latter mounts a /sys of the namespace, without bpffs, where
# the ifup script's nswitch would find no NIC.
qemu_start() {
	nsenter --net=/run/netns/${LABP}hv qemu-system-x86_64 -accel tcg -m 192 -smp 1 -nodefaults \
		-no-user-config -display none -no-reboot -serial "file:$TMPD/$1.log" \
		-kernel "$KERNEL" -initrd "$2" -append "console=ttyS0 panic=-1 quiet" \
		-netdev "tap,id=n0,ifname=$TAP,$3" \
		-device "virtio-net-pci,netdev=n0,mac=$MAC${4:-},romfile=" >"$TMPD/$1.out" 2>&1 &
	echo $! >"$TMPD/qemu.pid"
}
qemu_wait() { # the QEMU started last powers off by itself within $1 s
	local pid i
	pid=$(cat "$TMPD/qemu.pid")
	for ((i = 0; i < $1 * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || { rm -f "$TMPD/qemu.pid"; return 0; }
		sleep 0.1
	done
	fail "QEMU $pid still running after $1 s"
}
vf_to_pkts() { "$NSW" -j stats show "$NIC" | jq '[.vfs[] | select(.pf == 0 and .vf == 6) | .to_pkts] | add // 0'; }

# guest_traffic NETDEV_OPTS DEVICE_OPTS: boot 1 (run1), the guest's pings (p0, p1: Case 0 and
# Case 1) and 4 MB each way over TCP (upt, dn), SHA-256 compared on the far side; boot: ms.
guest_traffic() {
	rm -rf "$TMPD/www" "$TMPD/hold" "$TMPD/run1.log"
	mkdir "$TMPD/www"
	head -c 4194304 /dev/urandom >"$TMPD/www/down"
	local down_sha t0
	down_sha=$(sha256sum <"$TMPD/www/down" | cut -d' ' -f1)

	# The guest: Case 0 and Case 1 pings, 4 MB up to vm1, 4 MB down from vm1.
	cat >"$TMPD/run1.sh" <<-EOF
		#!/bin/sh
		ip link set eth0 up
		ip addr add $GIP/24 dev eth0
		echo "NSW-BOOTED"
		ping -c 5 -i 0.2 -W 2 10.77.0.1 >/tmp/p0 2>&1
		echo "NSW-PING0 \$(grep -c 'bytes from' /tmp/p0) \$(grep round-trip /tmp/p0)"
		ping -c 5 -i 0.2 -W 2 10.77.0.3 >/tmp/p1 2>&1
		echo "NSW-PING1 \$(grep -c 'bytes from' /tmp/p1) \$(grep round-trip /tmp/p1)"
		dd if=/dev/urandom of=/tmp/d bs=65536 count=64 2>/dev/null
		echo "NSW-SHA-UP \$(sha256sum </tmp/d | cut -d' ' -f1)"
		a=\$(cut -d' ' -f1 /proc/uptime)
		nc 10.77.0.1 5000 </tmp/d
		b=\$(cut -d' ' -f1 /proc/uptime)
		echo "NSW-UP-TIME \$a \$b"
		a=\$(cut -d' ' -f1 /proc/uptime)
		wget -q -O /tmp/r http://10.77.0.1:8080/down
		b=\$(cut -d' ' -f1 /proc/uptime)
		echo "NSW-DOWN \$a \$b \$(sha256sum </tmp/r | cut -d' ' -f1)"
	EOF
	guest_initrd "$TMPD/run1.img" "$TMPD/run1.sh"
	# (every background command's output away from the test's, which run_test captures)
	# vm1 serves the 4 MB the guest fetches (busybox httpd; wget ends at its length).
	ip netns exec ${LABP}vm1 busybox httpd -f -p 8080 -h "$TMPD/www" >/dev/null 2>&1 &
	echo $! >"$TMPD/httpd.pid"
	# busybox nc ends the connection when its stdin ends: a stdin that does not (a FIFO held
	# open by a sleep, killed by its pid).
	mkfifo "$TMPD/hold"
	sleep 60 >"$TMPD/hold" 2>/dev/null &
	echo $! >"$TMPD/sleep.pid"
	ip netns exec ${LABP}vm1 busybox nc -l -p 5000 <"$TMPD/hold" >"$TMPD/up" 2>/dev/null &
	echo $! >"$TMPD/nc.pid"

	# Boot 1: QEMU makes the tap, the ifup script makes it VF 0,6.
	t0=$(now_ms)
	NSWITCH=$NSW NSWITCH_NIC=$NIC NSWITCH_PF=0 NSWITCH_VF=6 NSWITCH_MAC=$MAC \
		qemu_start run1 "$TMPD/run1.img" "$1" "$2"
	wait_line "$TMPD/run1.log" NSW-BOOTED 40 >/dev/null
	boot=$(($(now_ms) - t0))
	[[ $("$NSW" -j vf show "$NIC" | jq -r '.[] | select(.pf == 0 and .vf == 6) | .dev') == "$TAP" ]] ||
		fail "the ifup script did not attach $TAP as VF 0,6"
	local up
	p0=$(wait_line "$TMPD/run1.log" NSW-PING0 20 | tr -d '\r')
	p1=$(wait_line "$TMPD/run1.log" NSW-PING1 20 | tr -d '\r')
	(($(awk '{print $2}' <<<"$p0") >= 3)) || fail "Case 0 ping from the guest: $p0"
	(($(awk '{print $2}' <<<"$p1") >= 3)) || fail "Case 1 ping from the guest: $p1"
	up=$(wait_line "$TMPD/run1.log" NSW-SHA-UP 20 | tr -d '\r' | awk '{print $2}')
	upt=$(wait_line "$TMPD/run1.log" NSW-UP-TIME 30 | tr -d '\r')
	wait "$(cat "$TMPD/nc.pid")" || true
	kill "$(cat "$TMPD/sleep.pid")" 2>/dev/null || true
	rm -f "$TMPD/nc.pid" "$TMPD/sleep.pid"
	[[ $(sha256sum <"$TMPD/up" | cut -d' ' -f1) == "$up" ]] ||
		fail "guest -> vm1: $(wc -c <"$TMPD/up") bytes arrived, SHA-256 differs from the guest's"
	dn=$(wait_line "$TMPD/run1.log" NSW-DOWN 30 | tr -d '\r')
	[[ $(awk '{print $4}' <<<"$dn") == "$down_sha" ]] ||
		fail "vm1 -> guest: the guest's SHA-256 differs from what was sent ($dn)"
	qemu_wait 20
	kill "$(cat "$TMPD/httpd.pid")" 2>/dev/null || true
	rm -f "$TMPD/httpd.pid"
}

test_qemu_guest() {
	local p0 p1 upt dn boot
	local t0
	t0=$(now_ms)
	KERNEL=$(guest_image) || fail "cannot build the guest image"
	echo "image: $(($(now_ms) - t0)) ms" >&2
	lab_cleanup
	"$NSW" lab up >/dev/null
	MAC=$("$NSW" -j nic show "$NIC" | jq -r '.[0].pfs[0].oui'):00:00:06
	guest_traffic \
		"script=$ROOT/scripts/nswitch-qemu-ifup,downscript=$ROOT/scripts/nswitch-qemu-ifdown" ""

	# QEMU gone: its tap deleted, the VF waits and counts what is sent to it as no_device.
	sleep 0.3
	ip -n ${LABP}hv link show "$TAP" >/dev/null 2>&1 && fail "$TAP outlived QEMU"
	"$NSW" -j vf show "$NIC" | jq -e --arg t "$TAP" --arg m "$MAC" \
		'.[] | select(.pf == 0 and .vf == 6) | .wait == $t and .mac == $m and (has("dev") | not)' \
		>/dev/null || fail "VF 0,6 is not waiting for $TAP: $("$NSW" vf show "$NIC" | grep ' 0,6')"
	local nd0
	nd0=$(stat .drops.no_device)
	vm 1 ip neigh replace $GIP lladdr "$MAC" dev eth0 nud permanent
	ip netns exec ${LABP}vm1 ping -i 0.02 -W 1 $GIP >/dev/null 2>&1 &
	echo $! >"$TMPD/ping.pid"
	sleep 0.3
	(($(stat .drops.no_device) > nd0)) || fail "frames to the waiting VF not counted as no_device"

	# Boot 2: the same ifname, script=no, no nswitch command.
	cat >"$TMPD/run2.sh" <<-EOF
		#!/bin/sh
		ip link set eth0 up
		ip addr add $GIP/24 dev eth0
		echo "NSW-BOOTED"
		ping -c 3 -i 0.2 -W 2 10.77.0.1 >/tmp/p0 2>&1
		echo "NSW-PING0 \$(grep -c 'bytes from' /tmp/p0) \$(grep round-trip /tmp/p0)"
	EOF
	guest_initrd "$TMPD/run2.img" "$TMPD/run2.sh"
	local base tap_ms= frame_ms= i
	base=$(vf_to_pkts)
	t0=$(now_ms)
	qemu_start run2 "$TMPD/run2.img" "script=no,downscript=no"
	for ((i = 0; i < 1000; i++)); do
		[[ -z $frame_ms ]] || break
		[[ -z $tap_ms ]] && [[ -e /proc/$(cat "$TMPD/qemu.pid") ]] &&
			ip -n ${LABP}hv link show "$TAP" >/dev/null 2>&1 && tap_ms=$(now_ms)
		[[ -n $tap_ms ]] && (($(vf_to_pkts) > base)) && frame_ms=$(now_ms)
		sleep 0.01
	done
	[[ -n $tap_ms ]] || fail "QEMU made no $TAP"
	[[ -n $frame_ms ]] || fail "no frame delivered to $TAP after it appeared"
	local p2
	p2=$(wait_line "$TMPD/run2.log" NSW-PING0 60 | tr -d '\r')
	(($(awk '{print $2}' <<<"$p2") >= 2)) || fail "after the restart, no ping from the guest: $p2"
	qemu_wait 20
	kill "$(cat "$TMPD/ping.pid")" 2>/dev/null || true
	rm -f "$TMPD/ping.pid"

	# The figures.
	local rtt0 rtt1 upr dnr
	rtt0=$(sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' <<<"$p0")
	rtt1=$(sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' <<<"$p1")
	upr=$(awk '{ d = $3 - $2; if (d <= 0) d = 0.01; printf "%.0f", 4 * 8 / d }' <<<"$upt")
	dnr=$(awk '{ d = $3 - $2; if (d <= 0) d = 0.01; printf "%.0f", 4 * 8 / d }' <<<"$dn")
	printf 'boot %.1f s, RTT case0 %s ms case1 %s ms, TCP 4 MB up %s Mbit/s down %s Mbit/s, tap back to first frame %d ms\n' \
		"$(awk -v b=$boot 'BEGIN {print b / 1000}')" "$rtt0" "$rtt1" "$upr" "$dnr" \
		$((frame_ms - tap_ms)) >"$TMPD/figures"
}

# Mode xdp: the guest started with exactly the options vf add prints (csum=off,guest_csum=off),
# on a tap made beforehand; pings and TCP both ways with checksums compared.
test_qemu_guest_xdp() {
	local p0 p1 upt dn boot out opts
	KERNEL=$(guest_image) || fail "cannot build the guest image"
	lab_cleanup
	"$NSW" lab up mode xdp >/dev/null
	MAC=$("$NSW" -j nic show "$NIC" | jq -r '.[0].pfs[0].oui'):00:00:06
	ip -n ${LABP}hv tuntap add mode tap name "$TAP"
	out=$("$NSW" vf add "$NIC" pf 0 vf 6 dev "$TAP")
	opts=$(sed -n "s/^note: .*-device virtio-net-pci,netdev=nsw0_6,mac=$MAC//p" <<<"$out")
	[[ $opts == ",csum=off,guest_csum=off" ]] || fail "vf add printed: $out"
	grep -q "ifname=$TAP,script=no,downscript=no " <<<"$out" || fail "vf add printed: $out"
	guest_traffic "script=no,downscript=no" "$opts"
	ip -n ${LABP}hv link del "$TAP"
	local rtt0 upr dnr
	rtt0=$(sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' <<<"$p0")
	upr=$(awk '{ d = $3 - $2; if (d <= 0) d = 0.01; printf "%.0f", 4 * 8 / d }' <<<"$upt")
	dnr=$(awk '{ d = $3 - $2; if (d <= 0) d = 0.01; printf "%.0f", 4 * 8 / d }' <<<"$dn")
	printf 'mode xdp, csum=off,guest_csum=off: boot %.1f s, RTT case0 %s ms, TCP 4 MB up %s Mbit/s down %s Mbit/s\n' \
		"$(awk -v b=$boot 'BEGIN {print b / 1000}')" "$rtt0" "$upr" "$dnr" >"$TMPD/figures_xdp"
}

if ! command -v qemu-system-x86_64 >/dev/null || ! command -v busybox >/dev/null; then
	echo "skip qemu_guest: qemu-system-x86_64 or busybox missing (scripts/deps.sh installs them)"
	exit 0
fi
out=$(run_test qemu_guest)
if [[ $out == "ok qemu_guest" && -s $TMPD/figures ]]; then
	echo "ok qemu_guest: $(cat "$TMPD/figures")"
else
	echo "$out"
fi
out=$(run_test qemu_guest_xdp)
if [[ $out == "ok qemu_guest_xdp" && -s $TMPD/figures_xdp ]]; then
	echo "ok qemu_guest_xdp: $(cat "$TMPD/figures_xdp")"
else
	echo "$out"
fi
