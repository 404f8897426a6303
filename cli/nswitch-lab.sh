#!/usr/bin/env bash
# nswitch-lab - `nswitch lab up|down [mode tc|tc-peer|xdp]`: a ready lab in network namespaces.
# NIC lab0 with 2 PFs; VMs nsw-vm1, nsw-vm2 on PF 0 (VF 0,1 and 0,2) and nsw-vm3, nsw-vm4 on
# PF 1 (VF 1,1 and 1,2), all in 10.77.0.0/24 (.1 to .4); an external host nsw-ext (.100) behind
# PF 0's uplink. The host ends of every link live in nsw-hv, the "hypervisor".
# Owns exactly the namespaces nsw-hv, nsw-vm1..4, nsw-ext and NIC lab0; `down` removes them all,
# and is safe to run when some or none exist. NSW_LAB_PREFIX (default nsw-) and NSW_LAB_NIC
# (default lab0) rename them, so that two labs can run side by side.
set -euo pipefail
self_dir=$(dirname "$(readlink -f "$0")")
NSWITCH=${NSWITCH:-$self_dir/nswitch}
P=${NSW_LAB_PREFIX:-nsw-}
NIC=${NSW_LAB_NIC:-lab0}
[[ $P =~ ^[a-z0-9-]{1,8}$ ]] || { echo "nswitch: lab: invalid NSW_LAB_PREFIX \"$P\"" >&2; exit 1; }
VMS=(vm1 vm2 vm3 vm4)
NSS=("${P}hv" "${P}ext" "${P}vm1" "${P}vm2" "${P}vm3" "${P}vm4")

die() { echo "nswitch: lab: $*" >&2; exit 1; }

lab_down() {
	"$NSWITCH" nic del "$NIC" >/dev/null 2>&1 || true
	for ns in "${NSS[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
}

lab_up() {
	local mode=$1
	for ns in "${NSS[@]}"; do
		[[ -e /run/netns/$ns ]] && die "namespace $ns exists (nswitch lab down first)"
	done
	trap 'lab_down; exit 1' ERR INT TERM
	for ns in "${NSS[@]}"; do ip netns add "$ns"; done
	ip -n "${P}hv" link set lo up
	local i=1
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
	"$NSWITCH" vf add "$NIC" pf 0 vf 1 dev vm1 >/dev/null
	"$NSWITCH" vf add "$NIC" pf 0 vf 2 dev vm2 >/dev/null
	"$NSWITCH" vf add "$NIC" pf 1 vf 1 dev vm3 >/dev/null
	"$NSWITCH" vf add "$NIC" pf 1 vf 2 dev vm4 >/dev/null
	for dev in "${VMS[@]}" up0; do ip -n "${P}hv" link set "$dev" up; done
	for ns in "${P}vm1" "${P}vm2" "${P}vm3" "${P}vm4" "${P}ext"; do
		ip -n "$ns" link set eth0 up
		# XDP redirects into a veth need its peer's NAPI: GRO turned on while the link is up
		# (set before, the peer does not advertise it); and no tx checksum offload, which
		# XDP frames cannot carry.
		if [[ $mode == xdp ]]; then
			ip netns exec "$ns" ethtool -K eth0 tx off gro on >/dev/null
		fi
	done
	trap - ERR INT TERM
	echo "lab up: NIC $NIC (mode $mode); VMs ${P}vm1..4 = 10.77.0.1..4, external ${P}ext = 10.77.0.100"
}

cmd=${1:-}
mode=tc
if [[ ${2:-} == mode ]]; then
	mode=${3:-}
	[[ $mode == tc || $mode == tc-peer || $mode == xdp ]] || die "invalid mode \"$mode\": tc, tc-peer or xdp"
elif [[ -n ${2:-} ]]; then
	die "unknown argument \"$2\""
fi
case $cmd in
up) lab_up "$mode" ;;
down) lab_down; echo "lab down" ;;
*) die "usage: nswitch lab up|down [mode tc|tc-peer|xdp]" ;;
esac
