# eval/lib/arch.sh - the architectures of the paper's Fig. 1, built from network namespaces.
# Every architecture gives the experiments the same picture:
#   $NS_VM1 $NS_VM2 $NS_VM3  the VMs, each with eth0 = 10.250.0.{1,2,3}/24
#   $NS_EXT                  an external host, eth0 = 10.250.0.100/24, behind the "external
#                            switch" ($NS_SW) reached through the host's one port
#   the port                 a veth "up0" in the hypervisor namespace, limited to 1 Gbit/s in
#                            both directions by tbf (listed in $NSE_STATE/ports as "NS DEV")
# and differs only in what joins the VMs to the port:
#   bridge   (a) vSwitch: a Linux bridge in the hypervisor namespace
#   ovs      (a) vSwitch: Open vSwitch, userspace datapath (datapath_type=netdev), daemons ours
#   qbg      (b) pSwitch: macvlan VEPA over up0; the external switch reflects (hairpin on)
#   qbh      (c) pSwitch: as qbg with a port extender (a non-learning bridge) between NIC and switch
#   nswitch  (d) nSwitch: the VMs' veths are VFs of an nswitch NIC whose PF 0 port is up0
# Invariants: every resource goes through the ledger (common.sh); names carry $NSE_PFX.
# Owner: the evaluation.

NSE_ARCHS_ALL="bridge ovs qbg qbh nswitch"
NSE_ARCHS_MORE="nswpeer nswxdp" # nSwitch's other modes: measured when --archs names them
nse_arch_label() {
	case $1 in
	bridge) echo "vSwitch (Linux bridge)" ;;
	ovs) echo "vSwitch (OVS userspace)" ;;
	qbg) echo "pSwitch Qbg (VEPA+hairpin)" ;;
	qbh) echo "pSwitch Qbh (port extender)" ;;
	nswitch) echo "nSwitch (BPF NIC)" ;;
	nswpeer) echo "nSwitch (BPF NIC, mode tc-peer)" ;;
	nswxdp) echo "nSwitch (BPF NIC, mode xdp)" ;;
	*) echo "$1" ;;
	esac
}

NSE_PORT_RATE=${NSE_PORT_RATE:-1gbit}
NSE_SUBNET=10.250.0

nse_arch_names() { # sets the namespace names of architecture $1
	local a=$1
	NS_HV=${NSE_PFX}$a-hv NS_SW=${NSE_PFX}$a-sw NS_PE=${NSE_PFX}$a-pe NS_EXT=${NSE_PFX}$a-ext
	NS_VM1=${NSE_PFX}$a-vm1 NS_VM2=${NSE_PFX}$a-vm2 NS_VM3=${NSE_PFX}$a-vm3
}

nse_port_limit() { # nse_port_limit NS DEV: the 1 Gbit/s port, one direction
	tc -n "$1" qdisc replace dev "$2" root tbf rate "$NSE_PORT_RATE" burst 125000 latency 4ms
	echo "$1 $2" >>"$NSE_STATE/ports"
}

nse_vm_addr() { # nse_vm_addr NS DEV HOSTPART
	ip -n "$1" addr add "$NSE_SUBNET.$3/24" dev "$2"
	ip -n "$1" link set "$2" up
}

# The VMs and the external host, and the port: up0 (hypervisor side, $1 namespace) to the
# external switch ($NS_SW, bridge "swbr") to the external host. $2 = namespace that holds the
# peer of up0 (the switch, or the port extender for Qbh).
nse_common_up() {
	local i
	rm -f "$NSE_STATE/ports"
	nse_netns_add "$NS_HV"
	nse_netns_add "$NS_SW"
	nse_netns_add "$NS_EXT"
	for i in 1 2 3; do nse_netns_add "${NSE_PFX}$NSE_ARCH-vm$i"; done
	ip -n "$NS_SW" link add swbr type bridge
	ip -n "$NS_SW" link set swbr up
	ip -n "$NS_SW" link add ex0 type veth peer name eth0 netns "$NS_EXT"
	ip -n "$NS_SW" link set ex0 master swbr up
	nse_vm_addr "$NS_EXT" eth0 100
}

nse_port_wire() { # nse_port_wire PEER_NS PEER_DEV [later]: up0 in $NS_HV <-> PEER_DEV, both
	# ends limited (with "later" the caller limits them once its switch has taken the port)
	ip -n "$NS_HV" link add up0 type veth peer name "$2" netns "$1"
	ip -n "$NS_HV" link set up0 up
	ip -n "$1" link set "$2" up
	[[ ${3:-} == later ]] && return 0
	nse_port_limit "$NS_HV" up0
	nse_port_limit "$1" "$2"
}

nse_vm_veths() { # hv$i in $NS_HV <-> eth0 in VM i (addresses are given by the caller)
	local i
	for i in 1 2 3; do
		ip -n "$NS_HV" link add "hv$i" type veth peer name eth0 netns "${NSE_PFX}$NSE_ARCH-vm$i"
		ip -n "$NS_HV" link set "hv$i" up
	done
}

nse_vm_addrs() { local i; for i in 1 2 3; do nse_vm_addr "${NSE_PFX}$NSE_ARCH-vm$i" eth0 "$i"; done; }

arch_up_bridge() {
	nse_common_up
	nse_port_wire "$NS_SW" dn0
	ip -n "$NS_SW" link set dn0 master swbr
	ip -n "$NS_HV" link add vsbr type bridge
	ip -n "$NS_HV" link set vsbr up
	nse_vm_veths
	local i
	for i in 1 2 3; do ip -n "$NS_HV" link set "hv$i" master vsbr; done
	ip -n "$NS_HV" link set up0 master vsbr
	nse_vm_addrs
}

arch_up_ovs() {
	nse_common_up
	nse_port_wire "$NS_SW" dn0 later
	ip -n "$NS_SW" link set dn0 master swbr
	nse_vm_veths
	nse_vm_addrs
	local d=$NSE_STATE/ovs
	mkdir -p "$d"
	ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema
	nse_note pidfile "$d/ovsdb.pid:ovsdb-server"
	ip netns exec "$NS_HV" ovsdb-server "$d/conf.db" --remote="punix:$d/db.sock" \
		--pidfile="$d/ovsdb.pid" --unixctl="$d/ovsdb.ctl" --log-file="$d/ovsdb.log" \
		-vconsole:off --detach --no-chdir 2>>"$d/stderr" 9>&-
	local vsctl=(ovs-vsctl --db="unix:$d/db.sock" --timeout=20)
	"${vsctl[@]}" --no-wait init
	# userspace TSO: the VMs keep their default offloads (without it TCP checksums are lost)
	"${vsctl[@]}" --no-wait set Open_vSwitch . other_config:userspace-tso-enable=true
	nse_note pidfile "$d/vswitchd.pid:ovs-vswitchd"
	ip netns exec "$NS_HV" env OVS_RUNDIR="$d" ovs-vswitchd "unix:$d/db.sock" \
		--pidfile="$d/vswitchd.pid" --unixctl="$d/vswitchd.ctl" --log-file="$d/vswitchd.log" \
		-vconsole:off --detach --no-chdir 2>>"$d/stderr" 9>&-
	"${vsctl[@]}" add-br vsbr -- set bridge vsbr datapath_type=netdev
	"${vsctl[@]}" add-port vsbr hv1 -- add-port vsbr hv2 -- add-port vsbr hv3 -- add-port vsbr up0
	# OVS clears the root qdisc of a port it takes: limit the port once OVS has it, then check
	"${vsctl[@]}" wait-until Interface up0 ofport!=-1 >/dev/null 2>&1 || true
	sleep 0.5
	nse_port_limit "$NS_HV" up0
	nse_port_limit "$NS_SW" dn0
	sleep 0.5
	tc -n "$NS_HV" qdisc show dev up0 | grep -q tbf || nse_die "ovs: OVS removed the tbf of up0"
}

arch_up_qbg() { # (b) 802.1Qbg: VEPA on the NIC, reflective relay (hairpin) on the switch port
	nse_common_up
	nse_port_wire "$NS_SW" dn0
	ip -n "$NS_SW" link set dn0 master swbr
	ip -n "$NS_SW" link set dn0 type bridge_slave hairpin on
	nse_vepa_vms
}

arch_up_qbh() { # (c) 802.1Qbh: as Qbg, with a port extender between the NIC and the switch
	nse_common_up
	nse_netns_add "$NS_PE"
	nse_port_wire "$NS_PE" pd0
	ip -n "$NS_PE" link add pebr type bridge
	ip -n "$NS_PE" link add pu0 type veth peer name dn0 netns "$NS_SW"
	ip -n "$NS_PE" link set pd0 master pebr
	ip -n "$NS_PE" link set pu0 master pebr up
	# a port extender does not learn or switch: everything from the NIC goes up, and back
	ip -n "$NS_PE" link set pd0 type bridge_slave learning off flood on
	ip -n "$NS_PE" link set pu0 type bridge_slave learning off flood on
	ip -n "$NS_PE" link set pebr up
	ip -n "$NS_SW" link set dn0 master swbr up
	ip -n "$NS_SW" link set dn0 type bridge_slave hairpin on
	nse_vepa_vms
}

nse_vepa_vms() { # the VMs on macvlan VEPA over up0 (the SR-IOV-less Qbg/Qbh NIC)
	local i
	for i in 1 2 3; do
		ip -n "$NS_HV" link add "mv$i" link up0 type macvlan mode vepa
		ip -n "$NS_HV" link set "mv$i" netns "${NSE_PFX}$NSE_ARCH-vm$i"
		ip -n "${NSE_PFX}$NSE_ARCH-vm$i" link set "mv$i" name eth0
	done
	nse_vm_addrs
}

nse_nsw() { timeout 30 "$NSE_NSW" "$@"; } # a hung CLI must not hang the evaluation

arch_up_nswitch() { # (d) nSwitch through the nswitch CLI (the CLI as a user drives it)
	[[ -x $NSE_NSW ]] || nse_die "nswitch: $NSE_NSW not built (run make)"
	nse_common_up
	nse_port_wire "$NS_SW" dn0
	ip -n "$NS_SW" link set dn0 master swbr
	local i
	# The VM ends stay in the hypervisor namespace (as "vm$i") until their VF is added (the CLI
	# gives the peer its vMAC), then move into the VMs: a build of the CLI on 2026-11-24 failed
	# with "cannot give hv2's peer the vMAC: No such device" when the peers already sat in
	# different namespaces under one name; attaching first does not depend on that lookup.
	for i in 1 2 3; do
		ip -n "$NS_HV" link add "hv$i" type veth peer name "vm$i"
		ip -n "$NS_HV" link set "hv$i" up
	done
	local nic=$NSE_NIC i
	nse_note nswnic "$nic"
	nse_nsw nic add "$nic" pfs 1 netns "$NS_HV" mode "${NSE_NSW_MODE:-tc}" >/dev/null ||
		nse_die "nswitch nic add $nic (mode ${NSE_NSW_MODE:-tc}) failed"
	nse_nsw pf set "$nic" pf 0 oui 02:5e:e0 uplink up0 >/dev/null ||
		nse_die "nswitch pf set $nic pf 0 failed"
	for i in 1 2 3; do
		nse_nsw vf add "$nic" pf 0 vf "$i" dev "hv$i" >/dev/null ||
			nse_die "nswitch vf add $nic pf 0 vf $i failed"
		ip -n "$NS_HV" link set "vm$i" netns "${NSE_PFX}$NSE_ARCH-vm$i"
		ip -n "${NSE_PFX}$NSE_ARCH-vm$i" link set "vm$i" name eth0
	done
	nse_vm_addrs
}

arch_up_nswpeer() { NSE_NSW_MODE=tc-peer arch_up_nswitch; }
arch_up_nswxdp() { # mode xdp: the VMs take XDP frames and send no TSO segments (nswitch help)
	NSE_NSW_MODE=xdp arch_up_nswitch
	local i
	for i in 1 2 3; do
		ip netns exec "${NSE_PFX}$NSE_ARCH-vm$i" ethtool -K eth0 tx off gro on >/dev/null ||
			nse_die "nswxdp: cannot set the offloads of VM$i"
	done
	# and the far end of the port takes the XDP frames redirected into up0 (NAPI on: GRO)
	ip netns exec "$NS_SW" ethtool -K dn0 gro on >/dev/null || nse_die "nswxdp: cannot set dn0's GRO"
	# the external host sends into the XDP path too (through the port), so it needs what every
	# VM needs: full checksums (a real NIC delivers them; a veth sender leaves them partial,
	# which an XDP frame does not carry: without this, its pings crossed but its TCP did not)
	ip netns exec "$NS_EXT" ethtool -K eth0 tx off >/dev/null || nse_die "nswxdp: cannot set the external host's offloads"
}

nse_arch_up() { # nse_arch_up ARCH
	NSE_ARCH=$1
	nse_arch_names "$1"
	"arch_up_$1"
	nse_arch_check
}

nse_arch_check() { # every path the experiments use must answer before we measure
	local from to
	for from in 2 3; do
		ip netns exec "${NSE_PFX}$NSE_ARCH-vm$from" ping -c 1 -W 2 -q "$NSE_SUBNET.1" >/dev/null 2>&1 ||
		ip netns exec "${NSE_PFX}$NSE_ARCH-vm$from" ping -c 3 -W 2 -q "$NSE_SUBNET.1" >/dev/null ||
			nse_die "$NSE_ARCH: VM$from cannot reach VM1"
	done
	for to in 100; do
		ip netns exec "$NS_VM2" ping -c 3 -W 2 -q "$NSE_SUBNET.$to" >/dev/null ||
			nse_die "$NSE_ARCH: VM2 cannot reach the external host"
	done
}
