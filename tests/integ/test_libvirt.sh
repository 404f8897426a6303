#!/usr/bin/env bash
# test_libvirt.sh - the libvirt recipe of docs/design.md, run: Debian 12's libvirtd (9.0) in the
# NIC's namespace starts a transient domain (virsh create, TCG) of the guest of
# tests/integ/nsw_guest.sh whose <interface type='ethernet'> names its tap; the VF was made
# beforehand with `vf add ... follow TAP`, so the watcher attaches the tap libvirt makes. The
# guest pings a VM on its PF (Case 0); virsh destroy deletes the tap (the VF waits), virsh
# create again brings the guest's traffic back with no nswitch command. Then managed='no': a tap
# made beforehand, which libvirt opens, leaves as it is, and keeps after destroy.
#
# libvirtd runs as its own instance, never the host's: in a private mount namespace (unshare -m)
# inside the NIC's network namespace, with /etc/libvirt, /run/libvirt, /var/lib/libvirt and
# /var/log/libvirt bound to this run's temporary directory and /var/cache/libvirt to the test
# cache (QEMU's capabilities, probed once: ~9 s under TCG), only the QEMU driver loaded, QEMU
# run as root without cgroups, security driver, or virtlogd. virsh reaches it by its socket's
# path. The EXIT trap destroys the domain and kills that libvirtd (and a QEMU left) by PID.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/nsw_guest.sh"
TMPD=$(mktemp -d /tmp/${LABP}libvirt.XXXXXX)
DOM=${LABP}guest
TAP=${LABP}tap0
GIP=10.77.0.6
VIRSH=(virsh -q -c "qemu:///system?socket=$TMPD/run/libvirt-sock")
cleanup() {
	if [[ -s $TMPD/libvirtd.pid ]]; then
		timeout 10 "${VIRSH[@]}" destroy "$DOM" >/dev/null 2>&1
		kill "$(cat "$TMPD/libvirtd.pid")" 2>/dev/null
	fi
	# libvirtd leaves its domains' QEMU running when it ends: a QEMU it did not stop, by PID.
	[[ -s $TMPD/run/qemu/$DOM.pid ]] && kill -9 "$(cat "$TMPD/run/qemu/$DOM.pid")" 2>/dev/null
	local i
	for ((i = 0; i < 50; i++)); do
		[[ -s $TMPD/libvirtd.pid ]] && kill -0 "$(cat "$TMPD/libvirtd.pid")" 2>/dev/null || break
		sleep 0.1
	done
	[[ -s $TMPD/libvirtd.pid ]] && kill -9 "$(cat "$TMPD/libvirtd.pid")" 2>/dev/null
	lab_cleanup
	[[ -n ${NSW_KEEP:-} ]] || rm -rf "$TMPD"
}
trap cleanup EXIT

# Waits for a line starting with $2 in file $1 for up to $3 s; prints the line.
wait_line() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -a -m1 "^$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "no '$2' from the guest in $3 s: $(tr -d '\r' <"$1" | grep -av '^\s*$' | tail -3 | tr '\n' '|')"
}
vf_pkts() { "$NSW" -j stats show "$NIC" | jq '[.vfs[] | select(.pf == 0 and .vf == 6) | .from_pkts + .to_pkts] | add // 0'; }
case0() { stat .cases.case0.pkts; }

# libvirtd in the hv namespace, its own directories; waits for its socket (the first start
# probes QEMU's capabilities).
libvirtd_start() {
	local d
	mkdir -p "$TMPD"/{etc,run,lib,log,drv} "$CACHE/libvirt"
	# Only the QEMU driver: libvirtd loads the drivers it finds in LIBVIRT_DRIVER_DIR.
	ln -s /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so "$TMPD/drv/"
	cat >"$TMPD/etc/libvirtd.conf" <<-EOF
		unix_sock_group = "root"
		unix_sock_rw_perms = "0700"
		auth_unix_rw = "none"
		auth_unix_ro = "none"
		log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
	EOF
	cat >"$TMPD/etc/qemu.conf" <<-EOF
		user = "root"
		group = "root"
		dynamic_ownership = 0
		security_driver = "none"
		cgroup_controllers = [ ]
		namespaces = [ ]
		stdio_handler = "file"
	EOF
	# The QEMU driver resolves its compiled-in user (libvirt-qemu, made by
	# libvirt-daemon-system's postinst, which would also start the host's libvirtd) even when
	# qemu.conf says root: an /etc/passwd and /etc/group with it, seen by this libvirtd only.
	cp /etc/passwd "$TMPD/passwd"
	cp /etc/group "$TMPD/group"
	grep -q '^libvirt-qemu:' /etc/passwd ||
		echo 'libvirt-qemu:x:64055:64055::/var/lib/libvirt:/usr/sbin/nologin' >>"$TMPD/passwd"
	grep -q '^libvirt-qemu:' /etc/group || echo 'libvirt-qemu:x:64055:' >>"$TMPD/group"
	grep -q '^kvm:' /etc/group || echo 'kvm:x:64056:' >>"$TMPD/group"
	# libvirt's compiled-in directories, as mount points (empty; Debian's libvirt packages own
	# them): the binds are made in the private mount namespace only.
	for d in /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
		[[ -d $d ]] || mkdir -p "$d"
	done
	cat >"$TMPD/start.sh" <<-EOF
		set -e
		mount --bind $TMPD/etc /etc/libvirt
		mount --bind $TMPD/run /run/libvirt
		mount --bind $TMPD/lib /var/lib/libvirt
		mount --bind $CACHE/libvirt /var/cache/libvirt
		mount --bind $TMPD/log /var/log/libvirt
		mount --bind $TMPD/passwd /etc/passwd
		mount --bind $TMPD/group /etc/group
		export LIBVIRT_DRIVER_DIR=$TMPD/drv
		exec libvirtd -f /etc/libvirt/libvirtd.conf -p /run/libvirt/libvirtd.pid
	EOF
	# nsenter and unshare (without --fork) exec, as does the script: $! is libvirtd's PID.
	nsenter --net=/run/netns/${LABP}hv unshare --mount --propagation private \
		bash "$TMPD/start.sh" >"$TMPD/libvirtd.out" 2>&1 &
	echo $! >"$TMPD/libvirtd.pid"
	local i
	for ((i = 0; i < 300; i++)); do
		"${VIRSH[@]}" uri >/dev/null 2>&1 && return 0
		kill -0 "$(cat "$TMPD/libvirtd.pid")" 2>/dev/null || break
		sleep 0.1
	done
	# libvirt cannot run here (not nswitch's doing): the test is skipped with libvirtd's words.
	echo "libvirtd did not start: $(cat "$TMPD/libvirtd.out" "$TMPD/log/libvirtd.log" 2>/dev/null |
		grep -v '^\s*$' | tail -2 | tr '\n' '|')" >"$TMPD/skip"
	return 1
}

# dom_xml TARGET_ATTRS: the domain, exactly the <interface> of docs/design.md's recipe.
dom_xml() {
	cat <<-EOF
		<domain type='qemu'>
		  <name>$DOM</name>
		  <memory unit='MiB'>192</memory>
		  <vcpu>1</vcpu>
		  <os>
		    <type arch='x86_64' machine='pc'>hvm</type>
		    <kernel>$KERNEL</kernel>
		    <initrd>$TMPD/guest.img</initrd>
		    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>
		  </os>
		  <features><acpi/></features>
		  <on_poweroff>destroy</on_poweroff>
		  <on_reboot>destroy</on_reboot>
		  <on_crash>destroy</on_crash>
		  <devices>
		    <emulator>/usr/bin/qemu-system-x86_64</emulator>
		    <interface type='ethernet'>
		      <mac address='$MAC'/>
		      <target dev='$TAP'$1/>
		      <model type='virtio'/>
		      <rom enabled='no'/>
		    </interface>
		    <serial type='file'>
		      <source path='$TMPD/serial.log'/>
		    </serial>
		    <memballoon model='none'/>
		  </devices>
		</domain>
	EOF
}

# boot NAME TARGET_ATTRS: virsh create; waits for the guest's pings; checks them and that the
# VF's and Case 0's counters rose. Sets ATTACH to the ms from virsh create's return to the VF
# having the tap, and PING to the guest's ping line (not printed: a function run in $(...)
# would not stop at a failing check, errexit being off in command substitutions).
boot() {
	local c0 v0 line
	c0=$(case0)
	v0=$(vf_pkts)
	rm -f "$TMPD/serial.log"
	dom_xml "$2" >"$TMPD/$1.xml"
	"${VIRSH[@]}" create "$TMPD/$1.xml" >/dev/null || fail "$1: virsh create failed"
	# The tap exists once virsh create returns (libvirt makes it before QEMU starts). The
	# one-second promise is test_vf_follow.sh's to hold; here the watcher's child shares two
	# loaded cores with a TCG guest booting (seen: 65 ms to 2.5 s): 5 s, and the time printed.
	local t0
	t0=$(now_ms)
	while [[ $(vf_dev 0 6) != "$TAP" ]] && (($(now_ms) - t0 < 5000)); do
		sleep 0.01
	done
	ATTACH=$(($(now_ms) - t0))
	[[ $(vf_dev 0 6) == "$TAP" ]] || fail "$1: $TAP not attached 5 s after virsh create: $(vf_dev 0 6)"
	line=$(wait_line "$TMPD/serial.log" NSW-PING0 40 | tr -d '\r')
	(($(awk '{print $2}' <<<"$line") >= 3)) || fail "$1: Case 0 ping from the guest: $line"
	(($(case0) >= c0 + 6)) || fail "$1: Case 0 counter $c0 -> $(case0)"
	(($(vf_pkts) >= v0 + 6)) || fail "$1: VF 0,6 counters $v0 -> $(vf_pkts)"
	PING=$line
}

test_libvirt_guest() {
	local t0 p1 p2 ms lv i PING ATTACH a1
	KERNEL=$(guest_image) || fail "cannot build the guest image"
	lab_cleanup
	"$NSW" lab up >/dev/null
	MAC=$("$NSW" -j nic show "$NIC" | jq -r '.[0].pfs[0].oui'):00:00:06
	# The guest pings vm1 (Case 0: both on PF 0), then keeps running until destroyed.
	cat >"$TMPD/guest.sh" <<-EOF
		#!/bin/sh
		ip link set eth0 up
		ip addr add $GIP/24 dev eth0
		ping -c 5 -i 0.2 -W 2 10.77.0.1 >/tmp/p0 2>&1
		echo "NSW-PING0 \$(grep -c 'bytes from' /tmp/p0) \$(grep round-trip /tmp/p0)"
		while :; do sleep 10; done
	EOF
	guest_initrd "$TMPD/guest.img" "$TMPD/guest.sh"
	t0=$(now_ms)
	libvirtd_start || return 0
	lv=$(($(now_ms) - t0))

	# The VF waits for the tap libvirt will make.
	"$NSW" vf add "$NIC" pf 0 vf 6 mac "$MAC" follow "$TAP" >/dev/null
	[[ $(vf_dev 0 6) == "none wait $TAP" ]] || fail "VF 0,6 is not waiting for $TAP: $(vf_dev 0 6)"

	# Boot 1: libvirt makes the tap (up, MTU 1500, host end's MAC the vMAC with fe as its
	# first byte), the watcher attaches it.
	t0=$(now_ms)
	boot run1 ""
	p1=$PING a1=$ATTACH
	ms=$(($(now_ms) - t0))
	[[ $(vf_dev 0 6) == "$TAP" ]] || fail "the watcher did not attach $TAP: $(vf_dev 0 6)"
	ip -n ${LABP}hv -j -d link show "$TAP" | jq -e --arg m "fe:${MAC#*:}" \
		'.[0] | .linkinfo.info_kind == "tun" and .linkinfo.info_data.type == "tap" and
		 .address == $m and .mtu == 1500 and (.flags | index("UP"))' >/dev/null ||
		fail "libvirt's tap: $(ip -n ${LABP}hv -d link show "$TAP" | tr '\n' ' ')"

	# virsh destroy: the tap goes, the VF waits for it.
	"${VIRSH[@]}" destroy "$DOM" >/dev/null
	for ((i = 0; i < 50; i++)); do
		ip -n ${LABP}hv link show "$TAP" >/dev/null 2>&1 || break
		sleep 0.1
	done
	ip -n ${LABP}hv link show "$TAP" >/dev/null 2>&1 && fail "$TAP outlived virsh destroy"
	for ((i = 0; i < 20; i++)); do
		[[ $(vf_dev 0 6) == "none wait $TAP" ]] && break
		sleep 0.1
	done
	[[ $(vf_dev 0 6) == "none wait $TAP" ]] || fail "destroyed, VF 0,6 shows $(vf_dev 0 6)"

	# Boot 2: the same domain again, no nswitch command: traffic resumes.
	boot run2 ""
	p2=$PING
	[[ $(vf_dev 0 6) == "$TAP" ]] || fail "the watcher did not attach the new $TAP: $(vf_dev 0 6)"
	"${VIRSH[@]}" destroy "$DOM" >/dev/null

	# managed='no': a tap made beforehand (the watcher attaches it), which libvirt opens and
	# leaves as it is (MTU 1400, its MAC), and keeps after destroy. Not booted to the guest's
	# ping (the data path is the same tap's; the time is the suite's): created, then destroyed.
	for ((i = 0; i < 50; i++)); do
		ip -n ${LABP}hv link show "$TAP" >/dev/null 2>&1 || break
		sleep 0.1
	done
	ip -n ${LABP}hv tuntap add mode tap name "$TAP"
	ip -n ${LABP}hv link set "$TAP" mtu 1400
	local hmac
	hmac=$(mac_of ${LABP}hv "$TAP")
	for ((i = 0; i < 20; i++)); do
		[[ $(vf_dev 0 6) == "$TAP" ]] && break
		sleep 0.1
	done
	[[ $(vf_dev 0 6) == "$TAP" ]] || fail "the watcher did not attach the tap made beforehand: $(vf_dev 0 6)"
	dom_xml " managed='no'" >"$TMPD/run3.xml"
	"${VIRSH[@]}" create "$TMPD/run3.xml" >/dev/null || fail "virsh create with managed='no' failed"
	ip -n ${LABP}hv -j link show "$TAP" | jq -e --arg m "$hmac" \
		'.[0] | .address == $m and .mtu == 1400 and (.flags | index("UP"))' >/dev/null ||
		fail "libvirt's managed='no' tap: $(ip -n ${LABP}hv link show "$TAP" | tr '\n' ' ')"
	"${VIRSH[@]}" destroy "$DOM" >/dev/null
	sleep 0.3
	ip -n ${LABP}hv link show "$TAP" >/dev/null 2>&1 || fail "libvirt deleted the managed='no' tap"
	[[ $(vf_dev 0 6) == "$TAP" ]] || fail "after destroy with managed='no', VF 0,6 shows $(vf_dev 0 6)"
	ip -n ${LABP}hv link del "$TAP"

	printf 'libvirtd up %.1f s, create to ping %.1f s, tap attached %d ms then %d ms after create; RTT case0 %s ms, again %s ms\n' \
		"$(awk -v b=$lv 'BEGIN {print b / 1000}')" "$(awk -v b=$ms 'BEGIN {print b / 1000}')" "$a1" "$ATTACH" \
		"$(sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' <<<"$p1")" \
		"$(sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' <<<"$p2")" >"$TMPD/figures"
}

for c in libvirtd virsh qemu-system-x86_64 busybox unshare nsenter; do
	if ! command -v "$c" >/dev/null; then
		echo "skip libvirt_guest: $c missing (scripts/deps.sh installs it)"
		exit 0
	fi
done
[[ -e /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ]] || {
	echo "skip libvirt_guest: libvirt's QEMU driver missing (libvirt-daemon-driver-qemu)"
	exit 0
}
out=$(run_test libvirt_guest)
if [[ -s $TMPD/skip ]]; then
	echo "skip libvirt_guest: $(cat "$TMPD/skip")"
elif [[ $out == "ok libvirt_guest" && -s $TMPD/figures ]]; then
	echo "ok libvirt_guest: $(cat "$TMPD/figures")"
else
	echo "$out"
fi
