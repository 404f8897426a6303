/* nsw_cmd_vf.c - the `vf` command: add, set, del and show VFs, the way `ip link set dev PF vf N
 * ...` configures an SR-IOV NIC. Every change is validated on a copy of the NIC's registers with
 * the core's own control functions before anything is touched; the steps that follow (maps,
 * attachment, registers, MAC of the VM's end) are undone in reverse if one fails. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsw_cli.h"
#include "nsw_cmd.h"
#include "nsw_cli_words.h"

/* A VF's port VLAN: "vlan VID proto P" (its PCP is the qos shown beside it), vlan 0 and no
 * protocol (text "none") when it has none. */
static void nsw_vf_print_vlan(uint16_t key)
{
	nsw_print_uint(NSW_PR_ANY, "vlan", " vlan %llu", key & NSW_VLAN_VID_MASK);
	nsw_print_str(NSW_PR_ANY, "vlan_protocol", " proto %s",
		      !key ? NULL : (key & NSW_VLAN_AD) ? "802.1ad" : "802.1Q");
}

static void nsw_vf_add_cmd(const char *nic, const struct nsw_arg_val *v)
{
	struct nsw_cli_nic n;
	struct nsw_vf_args a;
	struct nsw_link link;
	char err[160], macs[18];
	nsw_vf_args_get(v, &a);
	nsw_nic_open(&n, nic);
	nsw_need_pf(&n, &a, "vf add");
	uint32_t ifi = nsw_arg_ifindex(a.dev);
	struct nsw_port owner;
	const char *who = nsw_port_owner(n.meta.netns, ifi, &owner);
	if (who)
		nsw_fail("interface \"%s\" is already a port of NIC %s", a.dev, who);
	if (nsw_link_get(ifi, &link))
		nsw_fail("interface \"%s\": cannot read it over netlink", a.dev);
	const char *why = nsw_link_not_vf(&link);
	if (why)
		nsw_fail("vf add: \"%s\" is %s: a VF needs a veth or a tap (tun in TAP mode)", a.dev,
			 why);
	if (n.meta.mode == NSW_MODE_TC_PEER && strcmp(link.kind, "veth"))
		nsw_fail("vf add: mode tc-peer needs a veth, \"%s\" is %s", a.dev,
			 link.kind[0] ? link.kind : "not one");
	/* Validate on a copy: range, PF OUI, VF free, MAC unique, Table A room. */
	memcpy(&nsw_scratch, n.st, sizeof nsw_scratch);
	unsigned vid = a.vlan < 0 ? 0 : (unsigned)a.vlan;
	int e = nsw_vf_add_vlan(&nsw_scratch, a.pf, a.vf, a.mac, a.qos < 0 ? 0 : (unsigned)a.qos,
				a.spoofchk != 0, vid, a.vlan_ad);
	if (e == NSW_E_BUSY)
		nsw_fail("vf add: VF %u,%u exists", a.pf, a.vf);
	if (e == NSW_E_EXISTS) {
		nsw_mac_format(a.mac, macs);
		nsw_fail("vf add: MAC %s is already in Table A", macs);
	}
	if (e)
		nsw_core_fail(e, "vf add");
	uint64_t vmac = nsw_scratch.vf[a.pf][a.vf] & NSW_MAC_MASK;
	nsw_mac_format(vmac, macs);
	/* The new VF starts clean, whatever an earlier one (or a crash) left on the slot. */
	nsw_vf_state_clear(&n, a.pf, a.vf, "vf add: stale state");

	bool veth = !strcmp(link.kind, "veth");
	/* 1. The device of the VF, then the port, then the registers; the VM's end gets its vMAC
	 * last, so a failure anywhere leaves the guest's interface untouched. */
	uint32_t slot = nsw_vf_slot(a.pf, a.vf), zero = 0;
	if (bpf_map_update_elem(n.fd_vf_dev, &slot, &ifi, 0))
		nsw_fail("vf add: cannot bind the device: %s", strerror(errno));
	struct nsw_port p = {NSW_PORT_VF, (uint8_t)a.pf, (uint16_t)a.vf};
	if (nsw_port_attach(&n, ifi, p, err, sizeof err)) {
		bpf_map_update_elem(n.fd_vf_dev, &slot, &zero, 0);
		nsw_fail("vf add: %s: %s", a.dev, err);
	}
	/* Fresh counters for a fresh VF. */
	nsw_counter_zero(n.fd_dev_stats, slot, NSW_NDEV, sizeof(struct nsw_dev_stats));
	e = nsw_vf_add_vlan(n.st, a.pf, a.vf, a.mac, a.qos < 0 ? 0 : (unsigned)a.qos,
			    a.spoofchk != 0, vid, a.vlan_ad);
	if (e) { /* cannot happen: validated under the same lock */
		nsw_port_detach(&n, ifi);
		bpf_map_update_elem(n.fd_vf_dev, &slot, &zero, 0);
		nsw_core_fail(e, "vf add");
	}
	/* 2. The VM's end presents the vMAC, as a VF presents its assigned MAC to the guest. */
	if (veth) {
		int r = nsw_link_set_mac(link.peer_ifindex, link.peer_netnsid, vmac);
		if (r) {
			nsw_vf_del(n.st, a.pf, a.vf);
			nsw_port_detach(&n, ifi);
			bpf_map_update_elem(n.fd_vf_dev, &slot, &zero, 0);
			nsw_fail("vf add: cannot give %s's peer the vMAC %s: %s", a.dev, macs,
				 r == -ENOENT ? "its namespace has no name under /run/netns"
					      : strerror(-r));
		}
	}
	/* Drops at the VF's device from now on are counted by reason. */
	nsw_rx_drop_watch(&n);
	char rid[8];
	nsw_rid_format(nsw_vf_rid(a.pf, a.vf, nsw_nic_num_pfs(n.st)), rid);
	nsw_print_obj_open(NULL);
	nsw_print_uint(NSW_PR_ANY, "pf", "vf %llu", a.pf);
	nsw_print_uint(NSW_PR_ANY, "vf", ",%llu", a.vf);
	nsw_print_str(NSW_PR_ANY, "mac", " mac %s", macs);
	nsw_print_str(NSW_PR_ANY, "rid", " rid %s", rid);
	nsw_print_str(NSW_PR_ANY, "dev", " dev %s", a.dev);
	nsw_print_str(NSW_PR_ANY, "kind", " kind %s", link.kind);
	nsw_vf_print_vlan(nsw_scratch.vlan[a.pf][a.vf]);
	nsw_print_text("\n");
	nsw_print_obj_close();
	/* A hint for the person starting the VM, not a result: the values above, as QEMU
	 * takes them. */
	if (!strcmp(link.kind, "tun"))
		nsw_print_text("note: start the VM with -netdev tap,id=n0,ifname=%s,script=no,"
			       "downscript=no -device virtio-net-pci,netdev=n0,mac=%s\n", a.dev, macs);
	nsw_print_end();
	nsw_nic_close(&n);
}

static void nsw_vf_set_cmd(const char *nic, const struct nsw_arg_val *v)
{
	struct nsw_cli_nic n;
	struct nsw_vf_args a;
	nsw_vf_args_get(v, &a);
	nsw_nic_open(&n, nic);
	nsw_need_pf(&n, &a, "vf set");
	memcpy(&nsw_scratch, n.st, sizeof nsw_scratch);
	int e = nsw_vf_set(&nsw_scratch, a.pf, a.vf, a.mac, a.qos, a.spoofchk);
	if (!e && a.vlan >= 0)
		e = nsw_vf_set_vlan(&nsw_scratch, a.pf, a.vf, (unsigned)a.vlan, a.vlan_ad);
	if (e == NSW_E_NOENT)
		nsw_fail("vf set: no VF %u,%u", a.pf, a.vf);
	if (e)
		nsw_core_fail(e, "vf set");
	if (a.mac) {
		uint32_t slot = nsw_vf_slot(a.pf, a.vf), ifi = 0;
		struct nsw_link link;
		bpf_map_lookup_elem(n.fd_vf_dev, &slot, &ifi);
		if (ifi && !nsw_link_get(ifi, &link) && !strcmp(link.kind, "veth")) {
			int r = nsw_link_set_mac(link.peer_ifindex, link.peer_netnsid, a.mac);
			if (r)
				nsw_fail("vf set: cannot give the VM's end the new MAC: %s",
					 strerror(-r));
		}
	}
	/* The priority first: a VLAN set with its qos never tags a frame with the old PCP. */
	nsw_vf_set(n.st, a.pf, a.vf, a.mac, a.qos, a.spoofchk);
	if (a.vlan >= 0)
		nsw_vf_set_vlan(n.st, a.pf, a.vf, (unsigned)a.vlan, a.vlan_ad);
	nsw_nic_close(&n);
}

static void nsw_vf_del_cmd(const char *nic, const struct nsw_arg_val *v)
{
	struct nsw_cli_nic n;
	struct nsw_vf_args a;
	nsw_vf_args_get(v, &a);
	nsw_nic_open(&n, nic);
	nsw_need_pf(&n, &a, "vf del");
	if (!(n.st->vf[a.pf][a.vf] & NSW_VF_EN))
		nsw_fail("vf del: no VF %u,%u", a.pf, a.vf);
	/* Unreachable first (registers); then everything else the VF had, so the next VM on the
	 * slot inherits nothing, and its device last (nsw_vf_state_clear). */
	nsw_vf_del(n.st, a.pf, a.vf);
	nsw_vf_state_clear(&n, a.pf, a.vf, "vf del");
	nsw_nic_close(&n);
}

static void nsw_vf_show_cmd(const char *nic, const struct nsw_arg_val *args)
{
	struct nsw_cli_nic n;
	char mac[18], oui[9], rid[8], dev[IF_NAMESIZE];
	(void)args;
	nsw_nic_open(&n, nic);
	unsigned npfs = nsw_nic_num_pfs(n.st);
	nsw_print_arr_open(NULL);
	for (unsigned p = 0; p < npfs; p++)
		for (unsigned v = 0; v < NSW_MAX_VFS; v++) {
			uint64_t w = n.st->vf[p][v];
			if (!(w & NSW_VF_EN))
				continue;
			uint32_t slot = nsw_vf_slot(p, v), ifi = 0;
			bpf_map_lookup_elem(n.fd_vf_dev, &slot, &ifi);
			nsw_ifname(ifi, dev);
			nsw_mac_format(w & NSW_MAC_MASK, mac);
			nsw_oui_format((uint32_t)((w & NSW_MAC_MASK) >> 24), oui);
			nsw_rid_format(nsw_vf_rid(p, v, npfs), rid);
			unsigned qos = (unsigned)((w & NSW_VF_QOS_MASK) >> NSW_VF_QOS_SHIFT);
			bool spoof = w & NSW_VF_SPOOFCHK;
			nsw_print_obj_open(NULL);
			nsw_print_uint(NSW_PR_ANY, "pf", "vf %llu", p);
			nsw_print_uint(NSW_PR_ANY, "vf", ",%llu", v);
			nsw_print_str(NSW_PR_ANY, "rid", " rid %s", rid);
			nsw_print_str(NSW_PR_ANY, "mac", " mac %s", mac);
			nsw_print_str(NSW_PR_ANY, "group_oui", " oui %s", oui);
			nsw_print_str(NSW_PR_ANY, "dev", " dev %s", dev[0] ? dev : NULL);
			nsw_print_uint(NSW_PR_ANY, "qos", " qos %llu", qos);
			nsw_print_onoff(NSW_PR_ANY, "spoofchk", " spoofchk %s", spoof);
			nsw_vf_print_vlan((w & NSW_VF_VLAN) ? n.st->vlan[p][v] : 0);
			nsw_print_text("\n");
			nsw_print_obj_close();
		}
	nsw_print_arr_close();
	nsw_print_end();
	nsw_nic_close(&n);
}

const struct nsw_cmd nsw_cmds_vf[] = {
	{"add", NULL, nsw_vf_add_cmd, NSW_POS_NIC, nsw_words_vf_add, NSW_W_VF_N,
	 "Attach DEV (the host end of a VM's veth, or a tap) as VF P,V. Without mac, the\n"
	 "vMAC is the PF's OUI followed by P and V. A veth's VM end is given the vMAC; for a\n"
	 "tap the MAC to give QEMU is printed. qos: default 802.1p priority (0..7) of\n"
	 "untagged frames. spoofchk (default on): drop frames not sent from the vMAC.\n"
	 "vlan VID [qos PCP] [proto 802.1Q|802.1ad], as ip link spells a VF's: a port VLAN\n"
	 "(VST). The VF switches only with VFs of its VLAN, on every PF (VFs without one are\n"
	 "the untagged VLAN); toward the port the NIC tags its frames (proto's TPID, VID, and\n"
	 "as PCP the frame's priority: qos for untagged frames, the same qos as above), from\n"
	 "the port it takes frames of the VLAN and removes the tag; other frames from the port\n"
	 "are dropped (vlan_unknown). A VM's own tag is dropped (vlan_violation) under\n"
	 "802.1Q and carried inside the S-tag (QinQ) under 802.1ad. ACLs, capture and SPAN\n"
	 "see the frame as it travels inside the NIC: with the port VLAN's tag, outermost.\n"
	 "A VF without vlan is VGT: its VM's tags are its own, as before."},
	{"set", NULL, nsw_vf_set_cmd, NSW_POS_NIC, nsw_words_vf_set, NSW_W_VF_N,
	 "Change VF P,V's vMAC (a veth's VM end follows), default priority, spoofchk or\n"
	 "port VLAN (vlan 0: none, as ip link set dev PF vf N vlan 0)."},
	{"del", NULL, nsw_vf_del_cmd, NSW_POS_NIC, nsw_words_vf_del, NSW_W_VF_N,
	 "Remove VF P,V and everything it had: ACLs, SPAN sessions from and to it (an ACL\n"
	 "rule mirroring to it becomes allow), QoS, a capture of it, counters."},
	{"show", NULL, nsw_vf_show_cmd, NSW_POS_NIC, NULL, 0,
	 "VFs: RID, vMAC, OUI group, device, settings."},
	{0},
};
