#!/usr/bin/env bash
# nswitch-lab - `nswitch lab up|down [hosts N] [fabric bridge|vxlan] [mode tc|tc-peer|xdp]`: a
# ready lab in network namespaces.
#
# hosts 1 (the default): NIC lab0 with 2 PFs; VMs nsw-vm1, nsw-vm2 on PF 0 (VF 0,1 and 0,2) and
# nsw-vm3, nsw-vm4 on PF 1 (VF 1,1 and 1,2), all in 10.77.0.0/24 (.1 to .4); an external host
# nsw-ext (.100) behind PF 0's uplink. The host ends of every link live in nsw-hv, the
# "hypervisor".
#
# hosts N (2..8): a rack. Host h is the namespace nsw-hvH with its own NIC lab0-hH, whose PF 0
# has the paper's OUI f0:f0:f0 and PF 1 f4:f4:f4 on every host (shared OUIs: the vMACs carry
# the host, f0:f0:f0:0H:00:0V), VMs nsw-hHvm1..4 on VFs 0,1 0,2 1,1 1,2 at 10.77.H.1..4/16, and
# PF 0's port up0. The ports meet at the top-of-rack switch, namespace nsw-tor: a Linux bridge
# "tor" (fabric bridge), or an underlay bridge "ul" over which every host's port is a VXLAN
# device (VNI 77, underlay 192.168.77.H/24; fabric vxlan), as hosts of different racks meet.
# The external host nsw-ext (10.77.0.100) hangs off the same fabric.
#
# Owns exactly those namespaces and NICs; `down` removes every one of them, whatever N the lab
# was made with, and is safe to run when some or none exist. NSW_LAB_PREFIX (default nsw-) and
# NSW_LAB_NIC (default lab0) rename them, so that two labs can run side by side.
set -euo pipefail
self_dir=$(dirname "$(readlink -f "$0")")
NSWITCH=${NSWITCH:-$self_dir/nswitch}
P=${NSW_LAB_PREFIX:-nsw-}
NIC=${NSW_LAB_NIC:-lab0}
MAX_HOSTS=8
[[ $P =~ ^[a-z0-9-]{1,8}$ ]] || { echo "nswitch: lab: invalid NSW_LAB_PREFIX \"$P\"" >&2; exit 1; }
[[ $NIC =~ ^[A-Za-z0-9_-]{1,11}$ ]] || { echo "nswitch: lab: invalid NSW_LAB_NIC \"$NIC\"" >&2; exit 1; }
VMS=(vm1 vm2 vm3 vm4)
VM_PF=(0 0 1 1)
VM_VF=(1 2 1 2)
OUI_PF=(f0:f0:f0 f4:f4:f4)

die() { echo "nswitch: lab: $*" >&2; exit 1; }

# Every namespace a lab of this prefix can own, for any number of hosts.
lab_owns_ns() {
	[[ $1 =~ ^${P}(hv|ext|tor|vm[1-4]|hv[1-8]|h[1-8]vm[1-4])$ ]]
}

lab_down() {
	"$NSWITCH" nic del "$NIC" >/dev/null 2>&1 || true
	local h ns
	for ((h = 1; h <= MAX_HOSTS; h++)); do
		[[ -e /sys/fs/bpf/nswitch/$NIC-h$h ]] && { "$NSWITCH" nic del "$NIC-h$h" >/dev/null 2>&1 || true; }
	done
	for ns in $(ls /run/netns 2>/dev/null); do
		lab_owns_ns "$ns" && ip netns del "$ns" 2>/dev/null || true
	done
}

# Brings up the VMs' ends (and, for XDP, sets their offloads) of namespace list $@.
vm_links_up() {
	local mode=$1 ns
	shift
	for ns in "$@"; do
		ip -n "$ns" link set eth0 up
		# XDP redirects into a veth need its peer's NAPI: GRO turned on while the link is up
		# (set before, the peer does not advertise it); and no tx checksum offload, which
		# XDP frames cannot carry.
		if [[ $mode == xdp ]]; then
			ip netns exec "$ns" ethtool -K eth0 tx off gro on >/dev/null
		fi
	done
}

lab_up_one() {
	local mode=$1 vm i=1
	local nss=("${P}hv" "${P}ext" "${P}vm1" "${P}vm2" "${P}vm3" "${P}vm4")
	for ns in "${nss[@]}"; do ip netns add "$ns"; done
	ip -n "${P}hv" link set lo up
	for vm in "${VMS[@]}"; do
		ip -n "${P}hv" link add "$vm" type veth peer name eth0 netns "${P}$vm"
		ip -n "${P}$vm" link set lo up
		ip -n "${P}$vm" addr add "10.77.0.$i/24" dev eth0
		i=$((i + 1))
	done
	ip -n "${P}hv" link add up0 type veth peer name eth0 netns "${P}ext"
	ip -n "${P}ext" link set lo up
	ip -n "${P}ext" addr add 10.77.0.100/24 dev eth0
	"$NSWITCH" nic add "$NIC" pfs 2 netns "${P}hv" mode "$mode" >/dev/null
	"$NSWITCH" pf set "$NIC" pf 0 uplink up0
	for ((i = 0; i < 4; i++)); do
		"$NSWITCH" vf add "$NIC" pf "${VM_PF[i]}" vf "${VM_VF[i]}" dev "${VMS[i]}" >/dev/null
	done
	for dev in "${VMS[@]}" up0; do ip -n "${P}hv" link set "$dev" up; done
	vm_links_up "$mode" "${P}vm1" "${P}vm2" "${P}vm3" "${P}vm4" "${P}ext"
	echo "lab up: NIC $NIC (mode $mode); VMs ${P}vm1..4 = 10.77.0.1..4, external ${P}ext = 10.77.0.100"
}

# The fabric's end of a host (or of the external host): with the bridge, a veth whose far end
# is the port itself (dev, in ns); with VXLAN, an underlay veth ul0 at 192.168.77.addr and a
# VXLAN device dev over it that floods to every other member (learning what it receives).
fabric_join() { # fabric_join FABRIC NS DEV TOR_PORT ADDR MEMBERS...
	local fabric=$1 ns=$2 dev=$3 tport=$4 addr=$5 m
	shift 5
	if [[ $fabric == bridge ]]; then
		ip -n "$ns" link add "$dev" type veth peer name "$tport" netns "${P}tor"
		ip -n "${P}tor" link set "$tport" master tor up
		return
	fi
	ip -n "$ns" link add ul0 mtu 1600 type veth peer name "$tport" netns "${P}tor"
	ip -n "${P}tor" link set "$tport" mtu 1600 master ul up
	ip -n "$ns" addr add "192.168.77.$addr/24" dev ul0
	ip -n "$ns" link set ul0 up
	ip -n "$ns" link add "$dev" mtu 1500 type vxlan id 77 local "192.168.77.$addr" dstport 4789 dev ul0
	for m in "$@"; do
		[[ $m == "$addr" ]] || bridge -n "$ns" fdb append 00:00:00:00:00:00 dev "$dev" dst "192.168.77.$m"
	done
}

lab_up_rack() {
	local mode=$1 hosts=$2 fabric=$3 h i hv members=(100)
	for ((h = 1; h <= hosts; h++)); do members+=("$h"); done
	ip netns add "${P}tor"
	ip -n "${P}tor" link set lo up
	if [[ $fabric == bridge ]]; then
		ip -n "${P}tor" link add tor type bridge
		ip -n "${P}tor" link set tor up
	else
		ip -n "${P}tor" link add ul mtu 1600 type bridge
		ip -n "${P}tor" link set ul up
	fi
	ip netns add "${P}ext"
	ip -n "${P}ext" link set lo up
	fabric_join "$fabric" "${P}ext" eth0 ext 100 "${members[@]}"
	ip -n "${P}ext" addr add 10.77.0.100/16 dev eth0
	for ((h = 1; h <= hosts; h++)); do
		hv="${P}hv$h"
		ip netns add "$hv"
		ip -n "$hv" link set lo up
		fabric_join "$fabric" "$hv" up0 "h$h" "$h" "${members[@]}"
		"$NSWITCH" nic add "$NIC-h$h" pfs 2 netns "$hv" mode "$mode" >/dev/null
		"$NSWITCH" pf set "$NIC-h$h" pf 0 oui "${OUI_PF[0]}" uplink up0
		"$NSWITCH" pf set "$NIC-h$h" pf 1 oui "${OUI_PF[1]}"
		for ((i = 0; i < 4; i++)); do
			# A VM's host end is named after the VM, so it keeps its name when it moves.
			local id="h${h}${VMS[i]}" pf=${VM_PF[i]} vf=${VM_VF[i]}
			ip netns add "${P}$id"
			ip -n "$hv" link add "$id" type veth peer name eth0 netns "${P}$id"
			ip -n "${P}$id" link set lo up
			ip -n "${P}$id" addr add "10.77.$h.$((i + 1))/16" dev eth0
			"$NSWITCH" vf add "$NIC-h$h" pf "$pf" vf "$vf" dev "$id" \
				mac "$(printf '%s:%02x:%02x:%02x' "${OUI_PF[pf]}" "$h" "$pf" "$vf")" >/dev/null
			ip -n "$hv" link set "$id" up
			vm_links_up "$mode" "${P}$id"
		done
		ip -n "$hv" link set up0 up
		# The port's far end is a veth too: in mode xdp it needs what a VM's end needs.
		if [[ $mode == xdp ]]; then
			ip netns exec "${P}tor" ethtool -K "h$h" tx off gro on >/dev/null
		fi
	done
	if [[ $mode == xdp ]]; then
		ip netns exec "${P}tor" ethtool -K ext tx off gro on >/dev/null
	fi
	vm_links_up "$mode" "${P}ext"
	echo "lab up: $hosts hosts over a $fabric fabric (mode $mode): NICs $NIC-h1..$hosts in" \
		"${P}hv1..$hosts; VMs ${P}hHvm1..4 = 10.77.H.1..4/16; external ${P}ext = 10.77.0.100;" \
		"top-of-rack ${P}tor"
}

# A live migration as a hypervisor does it: the VM (its namespace, addresses and neighbour
# cache intact) leaves its VF on the old host (vf del), its host end moves to the new host and
# becomes a VF of the same PF there with the same vMAC (vf add ... mac), and the VM announces
# itself with a gratuitous ARP so the fabric learns where it went.
lab_move() { # lab_move VM HOST
	local id=$1 to=$2 from= h pf vf mac ip mode
	[[ $id =~ ^h[1-8]vm[1-4]$ && -e /run/netns/${P}$id ]] || die "no VM \"$id\" in the lab (h1vm1 ...)"
	[[ -e /run/netns/${P}hv$to ]] || die "no host $to in the lab"
	for ((h = 1; h <= MAX_HOSTS; h++)); do
		[[ -e /run/netns/${P}hv$h ]] && ip -n "${P}hv$h" link show "$id" >/dev/null 2>&1 && from=$h
	done
	[[ -n $from ]] || die "VM $id has no host end on any host"
	[[ $from != "$to" ]] || die "VM $id is on host $to already"
	mac=$(ip -n "${P}$id" -j link show eth0 | jq -r '.[0].address')
	ip=$(ip -n "${P}$id" -j -4 addr show eth0 | jq -r '.[0].addr_info[0].local')
	read -r pf vf < <("$NSWITCH" -j vf show "$NIC-h$from" |
		jq -r --arg d "$id" '.[] | select(.dev == $d) | "\(.pf) \(.vf)"')
	[[ -n ${vf:-} ]] || die "VM $id is not a VF of $NIC-h$from"
	mode=$("$NSWITCH" -j nic show "$NIC-h$to" | jq -r '.[0].mode')
	local used new=
	used=$("$NSWITCH" -j vf show "$NIC-h$to" | jq -r --argjson p "$pf" '.[] | select(.pf == $p) | .vf')
	for ((v = 1; v < 256; v++)); do
		grep -qx "$v" <<<"$used" || { new=$v; break; }
	done
	[[ -n $new ]] || die "host $to: PF $pf has no free VF"
	"$NSWITCH" vf del "$NIC-h$from" pf "$pf" vf "$vf"
	ip -n "${P}hv$from" link set "$id" netns "${P}hv$to"
	"$NSWITCH" vf add "$NIC-h$to" pf "$pf" vf "$new" dev "$id" mac "$mac" >/dev/null
	ip -n "${P}hv$to" link set "$id" up
	vm_links_up "$mode" "${P}$id"
	ip netns exec "${P}$id" arping -q -U -c 1 -I eth0 "$ip" || true
	echo "lab move: $id ($mac, $ip) from host $from (VF $pf,$vf) to host $to (VF $pf,$new)"
}

lab_up() {
	local mode=$1 hosts=$2 fabric=$3 ns
	for ns in $(ls /run/netns 2>/dev/null); do
		lab_owns_ns "$ns" && die "namespace $ns exists (nswitch lab down first)"
	done
	if [[ $fabric == vxlan && $mode == xdp ]]; then
		die "fabric vxlan needs mode tc or tc-peer: a VXLAN device takes no XDP redirect"
	fi
	trap 'lab_down; exit 1' ERR INT TERM
	if ((hosts == 1)); then
		[[ $fabric == bridge ]] || die "fabric vxlan needs hosts 2 or more"
		lab_up_one "$mode"
	else
		lab_up_rack "$mode" "$hosts" "$fabric"
	fi
	trap - ERR INT TERM
}

usage="usage: nswitch lab up|down [hosts N] [fabric bridge|vxlan] [mode tc|tc-peer|xdp]; nswitch lab move VM host H"
cmd=${1:-}
if [[ $cmd == move ]]; then
	(($# == 4)) && [[ $3 == host ]] || die "usage: nswitch lab move VM host H (a lab of 2 hosts or more)"
	lab_move "$2" "$4"
	exit 0
fi
[[ $cmd == up || $cmd == down ]] || die "$usage"
shift
mode=tc hosts=1 fabric=bridge
declare -A seen=()
while (($#)); do
	word=$1
	[[ $word == hosts || $word == fabric || $word == mode ]] || die "unknown argument \"$word\" ($usage)"
	[[ -z ${seen[$word]:-} ]] || die "\"$word\" given twice"
	seen[$word]=1
	(($# >= 2)) || die "missing value of \"$word\""
	val=$2
	shift 2
	case $word in
	hosts) [[ $val =~ ^[1-8]$ ]] || die "invalid hosts \"$val\": 1 to $MAX_HOSTS"; hosts=$val ;;
	fabric) [[ $val == bridge || $val == vxlan ]] || die "invalid fabric \"$val\": bridge or vxlan"; fabric=$val ;;
	mode) [[ $val == tc || $val == tc-peer || $val == xdp ]] || die "invalid mode \"$val\": tc, tc-peer or xdp"; mode=$val ;;
	esac
done
[[ $cmd == down && ${#seen[@]} -gt 0 ]] && die "lab down takes no arguments"
case $cmd in
up) lab_up "$mode" "$hosts" "$fabric" ;;
down) lab_down; echo "lab down" ;;
esac
