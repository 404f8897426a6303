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
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsw_cli.h"
#include "nsw_cmd.h"
#include "nsw_cli_words.h"
#include "nsw_save.h"
#include "nsw_vf_link.h"

/* What vf add prints: the VF, and for a tap the options QEMU takes (a hint, not a result). */
static void nsw_vf_add_print(const struct nsw_cli_nic *n, unsigned pf, unsigned vf,
			     const char *dev, const struct nsw_link *link, const char *macs)
{
	char rid[8];
	nsw_rid_format(nsw_vf_rid(pf, vf, nsw_nic_num_pfs(n->st)), rid);
	nsw_print_obj_open(NULL);
	nsw_print_uint(NSW_PR_ANY, "pf", "vf %llu", pf);
	nsw_print_uint(NSW_PR_ANY, "vf", ",%llu", vf);
	nsw_print_str(NSW_PR_ANY, "mac", " mac %s", macs);
	nsw_print_str(NSW_PR_ANY, "rid", " rid %s", rid);
	nsw_print_str(NSW_PR_ANY, "dev", " dev %s", dev);
	nsw_print_str(NSW_PR_ANY, "kind", " kind %s\n", link->kind);
	nsw_print_obj_close();
	/* In mode xdp the frames skip the skb path that finishes a partial checksum: the guest
	 * must send (csum=off) and take (guest_csum=off) complete ones. */
	if (!strcmp(link->kind, "tun"))
		nsw_print_text("note: start the VM with -netdev tap,id=nsw%u_%u,ifname=%s,script=no,"
			       "downscript=no -device virtio-net-pci,netdev=nsw%u_%u,mac=%s%s\n", pf,
			       vf, dev, pf, vf, macs,
			       n->meta.mode == NSW_MODE_XDP ? ",csum=off,guest_csum=off" : "");
}

/* The VF exists: if it waits for its device (the one it had is gone), this gives it DEV,
 * keeping its vMAC and settings. False, with nothing done, if DEV went as it was read. */
static bool nsw_vf_readd(struct nsw_cli_nic *n, const struct nsw_vf_args *a, uint32_t ifi)
{
	uint32_t slot = nsw_vf_slot(a->pf, a->vf), cur = 0;
	uint64_t w = n->st->vf[a->pf][a->vf];
	char want[IF_NAMESIZE], d[IF_NAMESIZE], macs[18], err[200];
	struct nsw_link link;
	bpf_map_lookup_elem(n->fd_vf_dev, &slot, &cur);
	bool named = nsw_vf_name_get(n, a->pf, a->vf, want);
	if (cur && !nsw_vf_dev_stale(cur, named ? want : NULL)) {
		nsw_ifname(cur, d);
		nsw_fail("vf add: VF %u,%u exists, with device %s (vf del it first)", a->pf, a->vf,
			 d);
	}
	nsw_mac_format(w & NSW_MAC_MASK, macs);
	unsigned qos = (unsigned)((w & NSW_VF_QOS_MASK) >> NSW_VF_QOS_SHIFT);
	if ((a->mac && a->mac != (w & NSW_MAC_MASK)) || (a->qos >= 0 && (unsigned)a->qos != qos) ||
	    (a->spoofchk >= 0 && !a->spoofchk != !(w & NSW_VF_SPOOFCHK)) ||
	    (a->state >= 0 && (unsigned)a->state != nsw_vf_state_of(w)) ||
	    (a->vlan >= 0 && nsw_vlan_key((unsigned)a->vlan, a->vlan_ad) !=
				     ((w & NSW_VF_VLAN) ? (int)n->st->vlan[a->pf][a->vf] : 0)))
		nsw_fail("vf add: VF %u,%u exists (vMAC %s), waiting for its device: it keeps its "
			 "settings (vf set changes them)", a->pf, a->vf, macs);
	const char *why = nsw_vf_dev_why(n, a->pf, a->vf, &ifi, a->dev, &link);
	if (why)
		nsw_fail("vf add: \"%s\" is %s", a->dev, why);
	if (!ifi)
		return false;
	if (cur)
		nsw_vf_unbind(n, slot, cur);
	if (nsw_vf_attach(n, a->pf, a->vf, ifi, &link, err, sizeof err))
		nsw_fail("vf add: %s: %s", a->dev, err);
	int r = nsw_vf_name_set(n, a->pf, a->vf, a->dev);
	if (r) {
		nsw_vf_unbind(n, slot, ifi);
		nsw_fail("vf add: cannot record the device's name: %s", strerror(-r));
	}
	if (!strcmp(link.kind, "veth"))
		nsw_link_set_mac(link.peer_ifindex, link.peer_netnsid, w & NSW_MAC_MASK);
	if (nsw_qos_reattach(n, a->pf, a->vf, ifi, a->dev, err, sizeof err))
		nsw_print_text("note: VF %u,%u's rate is not on %s: %s\n", a->pf, a->vf, a->dev, err);
	nsw_vf_path_refresh(n, a->pf, a->vf);
	/* A VF held down stays down on its new device. */
	if ((w & NSW_VF_LINK_DOWN) && nsw_vf_link_apply(n, a->pf, a->vf, err, sizeof err)) {
		nsw_vf_name_set(n, a->pf, a->vf, named ? want : NULL);
		nsw_vf_unbind(n, slot, ifi);
		nsw_fail("vf add: %s", err);
	}
	nsw_rx_drop_watch(n);
	nsw_vf_add_print(n, a->pf, a->vf, a->dev, &link, macs);
	return true;
}

/* Starts the NIC's watcher if none runs (it died, or the NIC predates it): a VF follows its
 * device only while one runs. Called with the NIC closed: the watcher's first resync takes
 * the lock. */
static void nsw_vf_watch_ensure(const char *nic)
{
	char err[256];
	if (!nsw_watch_start(nic, err, sizeof err))
		nsw_print_text("note: no watcher follows the VFs' devices: %s\n", err);
}

/* A VF's port VLAN as iproute2's vlan_list prints it (print_vfinfo): one entry, with vlan, qos
 * (its PCP: the VF's qos) and protocol when it has one; empty (VLAN 0, whose zero fields
 * iproute2 leaves out) when it has none. */
static void nsw_vf_print_vlan(uint16_t key, unsigned qos)
{
	nsw_print_arr_open("vlan_list");
	nsw_print_obj_open(NULL);
	if (key) {
		nsw_print_uint(NSW_PR_ANY, "vlan", " vlan %llu", key & NSW_VLAN_VID_MASK);
		if (qos)
			nsw_print_uint(NSW_PR_ANY, "qos", " qos %llu", qos);
		nsw_print_str(NSW_PR_ANY, "protocol", " proto %s",
			      (key & NSW_VLAN_AD) ? "802.1ad" : "802.1Q");
	}
	nsw_print_obj_close();
	nsw_print_arr_close();
}

/* vf add ... follow NAME, NAME not there (yet): the VF is made with its vMAC and settings and
 * waits for its device, as one whose device went does (the watcher attaches it when a device
 * of that name appears). What a configuration restored before its VMs start needs. A VF that
 * exists is refused (saying when it already waits for NAME). */
static void nsw_vf_add_waiting(struct nsw_cli_nic *n, struct nsw_vf_args *a)
{
	char macs[18], want[IF_NAMESIZE];
	if (n->st->vf[a->pf][a->vf] & NSW_VF_EN) {
		uint32_t slot = nsw_vf_slot(a->pf, a->vf), cur = 0;
		bpf_map_lookup_elem(n->fd_vf_dev, &slot, &cur);
		if (cur || !nsw_vf_name_get(n, a->pf, a->vf, want) ||
		    strncmp(want, a->dev, IF_NAMESIZE))
			nsw_fail("vf add: VF %u,%u exists", a->pf, a->vf);
		nsw_fail("vf add: VF %u,%u exists, waiting for %s", a->pf, a->vf, a->dev);
	}
	uint32_t none = 0; /* no device to judge: only the names others follow */
	const char *why = nsw_vf_dev_why(n, a->pf, a->vf, &none, a->dev, NULL);
	if (why)
		nsw_fail("vf add: \"%s\" is %s", a->dev, why);
	memcpy(&nsw_scratch, n->st, sizeof nsw_scratch);
	unsigned vid = a->vlan < 0 ? 0 : (unsigned)a->vlan;
	unsigned qos = a->qos < 0 ? 0 : (unsigned)a->qos;
	int e = nsw_vf_add_vlan(&nsw_scratch, a->pf, a->vf, a->mac, qos, a->spoofchk != 0, vid,
				a->vlan_ad);
	if (e == NSW_E_EXISTS) {
		nsw_mac_format(a->mac, macs);
		nsw_fail("vf add: MAC %s is already in Table A", macs);
	}
	if (!e && a->state >= 0)
		e = nsw_vf_set_state(&nsw_scratch, a->pf, a->vf, (unsigned)a->state);
	if (e)
		nsw_core_fail(e, "vf add");
	nsw_mac_format(nsw_scratch.vf[a->pf][a->vf] & NSW_MAC_MASK, macs);
	nsw_vf_state_clear(n, a->pf, a->vf, "vf add: stale state");
	uint32_t slot = nsw_vf_slot(a->pf, a->vf);
	/* The name first: a VF enabled without it would wait for nothing. */
	e = nsw_vf_name_set(n, a->pf, a->vf, a->dev);
	if (e)
		nsw_fail("vf add: cannot record the device's name: %s", strerror(-e));
	nsw_counter_zero(n->fd_dev_stats, slot, NSW_NDEV, sizeof(struct nsw_dev_stats));
	nsw_pf_carrier_follow(n, a->pf);
	e = nsw_vf_add_vlan(n->st, a->pf, a->vf, a->mac, qos, a->spoofchk != 0, vid, a->vlan_ad);
	if (!e && a->state >= 0)
		e = nsw_vf_set_state(n->st, a->pf, a->vf, (unsigned)a->state);
	if (e) { /* cannot happen: validated under the same lock */
		nsw_vf_name_set(n, a->pf, a->vf, NULL);
		nsw_core_fail(e, "vf add");
	}
	/* A device of the name made after the look-up that found none but before the name was
	 * recorded: the watcher, woken by its event, found nobody following it, and no other
	 * event may come. Attached now as the watcher would, under the same lock. */
	uint32_t bound = 0;
	struct nsw_link link;
	if (if_nametoindex(a->dev) && nsw_vf_follow(n, NULL, false, &(bool){false}))
		bpf_map_lookup_elem(n->fd_vf_dev, &slot, &bound);
	if (bound && !nsw_link_get(bound, &link)) {
		nsw_vf_add_print(n, a->pf, a->vf, a->dev, &link, macs);
		return;
	}
	char rid[8];
	nsw_rid_format(nsw_vf_rid(a->pf, a->vf, nsw_nic_num_pfs(n->st)), rid);
	nsw_print_obj_open(NULL);
	nsw_print_uint(NSW_PR_ANY, "pf", "vf %llu", a->pf);
	nsw_print_uint(NSW_PR_ANY, "vf", ",%llu", a->vf);
	nsw_print_str(NSW_PR_ANY, "mac", " mac %s", macs);
	nsw_print_str(NSW_PR_ANY, "rid", " rid %s", rid);
	nsw_print_str(NSW_PR_ANY, "dev", " dev %s", NULL);
	nsw_print_str(NSW_PR_ANY, "wait", " wait %s\n", a->dev);
	nsw_print_obj_close();
}

/* vf add ... follow NAME whose device went as it was attached (what was done is undone by the
 * caller): the VF waits for the name, as if it had not been there; the caller returns. */
static void nsw_vf_add_went(struct nsw_cli_nic *n, struct nsw_vf_args *a, const char *nic)
{
	nsw_vf_add_waiting(n, a);
	nsw_print_end();
	nsw_nic_close(n);
	nsw_vf_watch_ensure(nic);
}

static void nsw_vf_add_cmd(const char *nic, const struct nsw_arg_val *v)
{
	struct nsw_cli_nic n;
	struct nsw_vf_args a;
	struct nsw_link link;
	char err[200], macs[18];
	nsw_vf_args_get(v, &a);
	if (!a.dev)
		nsw_fail("vf add: missing dev DEV (a device there now) or follow NAME (now or when it "
			 "appears)");
	if (!*a.dev || strlen(a.dev) >= IF_NAMESIZE)
		nsw_fail("invalid interface name \"%s\"", a.dev);
	/* Where the user sees the name (-n, or here), to tell "in another namespace" apart. */
	uint32_t here = if_nametoindex(a.dev);
	ino_t ns_here = nsw_netns_ino();
	nsw_nic_open(&n, nic);
	nsw_need_pf(&n, &a, "vf add");
	/* A device already a port says so below (already a port of NIC ...). */
	struct nsw_port owner;
	uint32_t now = if_nametoindex(a.dev);
	const char *taken = now && nsw_port_owner(n.meta.netns, now, &owner)
				    ? NULL : nsw_follower_elsewhere(&n, a.dev);
	if (taken)
		nsw_fail("vf add: \"%s\" is %s", a.dev, taken);
	if (a.vf == NSW_MAX_VFS) { /* vf auto: the lowest free number, under the NIC's lock */
		unsigned f = 0;
		while (f < NSW_MAX_VFS && (n.st->vf[a.pf][f] & NSW_VF_EN))
			f++;
		if (f == NSW_MAX_VFS)
			nsw_fail("vf add: PF %u has no free VF (all %u in use)", a.pf, NSW_MAX_VFS);
		a.vf = f;
	}
	uint32_t ifi = if_nametoindex(a.dev);
	if (!ifi && here && nsw_netns_ino() != ns_here)
		nsw_fail("vf add: \"%s\" is in another namespace than NIC %s's (%s): a VF's device "
			 "must be in the NIC's", a.dev, n.name,
			 n.meta.netns[0] ? n.meta.netns : "the root namespace");
	if (!ifi && !a.follow)
		ifi = nsw_arg_ifindex(a.dev); /* fails: unknown interface */
	bool exists = a.pf < NSW_MAX_PFS && a.have_vf && a.vf < NSW_MAX_VFS &&
		      (n.st->vf[a.pf][a.vf] & NSW_VF_EN);
	/* A device found by name may go before it is read (ifi: looked up again, 0 if no device
	 * has the name now) or as it is attached: follow NAME then waits for it, as it does for a
	 * name not there at all; dev DEV is an unknown interface. */
	const char *why = NULL;
	if (ifi && exists && nsw_vf_readd(&n, &a, ifi)) {
		nsw_print_end();
		nsw_nic_close(&n);
		nsw_vf_watch_ensure(nic);
		return;
	}
	if (ifi && !exists)
		why = nsw_vf_dev_why(&n, a.pf, a.have_vf ? a.vf : 0, &ifi, a.dev, &link);
	if (why)
		nsw_fail("vf add: \"%s\" is %s", a.dev, why);
	if (!ifi || exists) {
		if (!a.follow)
			nsw_fail_unknown_dev(a.dev);
		nsw_vf_add_waiting(&n, &a);
		nsw_print_end();
		nsw_nic_close(&n);
		nsw_vf_watch_ensure(nic);
		return;
	}
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
	if (!e && a.state >= 0)
		e = nsw_vf_set_state(&nsw_scratch, a.pf, a.vf, (unsigned)a.state);
	if (e)
		nsw_core_fail(e, "vf add");
	uint64_t vmac = nsw_scratch.vf[a.pf][a.vf] & NSW_MAC_MASK;
	nsw_mac_format(vmac, macs);
	/* The new VF starts clean, whatever an earlier one (or a crash) left on the slot. */
	nsw_vf_state_clear(&n, a.pf, a.vf, "vf add: stale state");

	bool veth = !strcmp(link.kind, "veth");
	/* 1. The device of the VF, then the port, then the name it follows, then the registers;
	 * the VM's end gets its vMAC last, so a failure anywhere leaves the guest's interface
	 * untouched. */
	uint32_t slot = nsw_vf_slot(a.pf, a.vf);
	if (nsw_vf_attach(&n, a.pf, a.vf, ifi, &link, err, sizeof err)) {
		if (a.follow && nsw_link_gone(ifi)) /* the attach undid itself */
			return nsw_vf_add_went(&n, &a, nic);
		nsw_fail("vf add: %s: %s", a.dev, err);
	}
	e = nsw_vf_name_set(&n, a.pf, a.vf, a.dev);
	if (e) {
		nsw_vf_unbind(&n, slot, ifi);
		nsw_fail("vf add: cannot record the device's name: %s", strerror(-e));
	}
	/* Fresh counters for a fresh VF. */
	nsw_counter_zero(n.fd_dev_stats, slot, NSW_NDEV, sizeof(struct nsw_dev_stats));
	/* The uplink's carrier as it is now, for a VF in state auto (and the PF's other VFs). */
	nsw_pf_carrier_follow(&n, a.pf);
	e = nsw_vf_add_vlan(n.st, a.pf, a.vf, a.mac, a.qos < 0 ? 0 : (unsigned)a.qos,
			    a.spoofchk != 0, vid, a.vlan_ad);
	if (!e && a.state >= 0)
		e = nsw_vf_set_state(n.st, a.pf, a.vf, (unsigned)a.state);
	if (e) { /* cannot happen: validated under the same lock */
		nsw_vf_name_set(&n, a.pf, a.vf, NULL);
		nsw_vf_unbind(&n, slot, ifi);
		nsw_core_fail(e, "vf add");
	}
	/* A VF that starts with its link down: the VM's link down too (a VF that starts up
	 * leaves its device as the admin has it). */
	if (n.st->vf[a.pf][a.vf] & NSW_VF_LINK_DOWN) {
		int r = nsw_vf_link_apply(&n, a.pf, a.vf, err, sizeof err);
		if (r) {
			nsw_vf_del(n.st, a.pf, a.vf);
			nsw_vf_name_set(&n, a.pf, a.vf, NULL);
			nsw_vf_unbind(&n, slot, ifi);
			if (a.follow && nsw_link_gone(ifi))
				return nsw_vf_add_went(&n, &a, nic);
			nsw_fail("vf add: %s", err);
		}
	}
	/* 2. The VM's end presents the vMAC, as a VF presents its assigned MAC to the guest. */
	if (veth) {
		int r = nsw_link_set_mac(link.peer_ifindex, link.peer_netnsid, vmac);
		if (r) {
			nsw_vf_del(n.st, a.pf, a.vf);
			nsw_vf_name_set(&n, a.pf, a.vf, NULL);
			nsw_vf_unbind(&n, slot, ifi);
			if (a.follow && nsw_link_gone(ifi))
				return nsw_vf_add_went(&n, &a, nic);
			nsw_fail("vf add: cannot give %s's peer the vMAC %s: %s", a.dev, macs,
				 r == -ENOENT ? "its namespace has no name under /run/netns"
					      : strerror(-r));
		}
	}
	/* Drops at the VF's device from now on are counted by reason. */
	nsw_rx_drop_watch(&n);
	nsw_vf_path_refresh(&n, a.pf, a.vf);
	nsw_vf_add_print(&n, a.pf, a.vf, a.dev, &link, macs);
	nsw_print_end();
	nsw_nic_close(&n);
	nsw_vf_watch_ensure(nic);
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
	if (!e && a.state >= 0)
		e = nsw_vf_set_state(&nsw_scratch, a.pf, a.vf, (unsigned)a.state);
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
			/* The veth went as it was read: the next device of the VF's name gets the
			 * vMAC from the registers when it is attached (nsw_vf_follow). */
			if (r && !nsw_link_gone(ifi))
				nsw_fail("vf set: cannot give the VM's end the new MAC: %s",
					 strerror(-r));
		}
	}
	if (a.state >= 0) {
		/* The state first (registers, then the VM's link), so that a device that refuses
		 * leaves everything as it was. */
		char err[160];
		unsigned old = nsw_vf_state_of(n.st->vf[a.pf][a.vf]);
		nsw_pf_carrier_follow(&n, a.pf);
		nsw_vf_set_state(n.st, a.pf, a.vf, (unsigned)a.state);
		if (nsw_vf_link_apply(&n, a.pf, a.vf, err, sizeof err)) {
			nsw_vf_set_state(n.st, a.pf, a.vf, old);
			nsw_vf_link_apply(&n, a.pf, a.vf, err, sizeof err);
			nsw_fail("vf set: %s", err);
		}
	}
	/* The priority first: a VLAN set with its qos never tags a frame with the old PCP. */
	nsw_vf_set(n.st, a.pf, a.vf, a.mac, a.qos, a.spoofchk);
	if (a.vlan >= 0)
		nsw_vf_set_vlan(n.st, a.pf, a.vf, (unsigned)a.vlan, a.vlan_ad);
	nsw_nic_close(&n);
	if (a.state == NSW_VF_STATE_AUTO) /* auto follows the carrier through the watcher */
		nsw_vf_watch_ensure(nic);
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
	bool held_down = n.st->vf[a.pf][a.vf] & NSW_VF_LINK_DOWN;
	nsw_vf_del(n.st, a.pf, a.vf);
	/* A device whose link nswitch held down is handed back up (a best effort: the VF is
	 * gone either way). */
	char err[160];
	if (held_down && nsw_vf_link_apply(&n, a.pf, a.vf, err, sizeof err))
		fprintf(stderr, "nswitch: warning: vf del: %s\n", err);
	nsw_vf_state_clear(&n, a.pf, a.vf, "vf del");
	nsw_nic_close(&n);
}

/* VF (p, v)'s counters as iproute2 prints a VF's (ip -s -j link, print_vf_stats64): rx is
 * what the NIC delivered to the VF, tx what the VF handed it. Key names as iproute2 spells
 * them, tx_bytes and tx_packets included; tx broadcast and multicast are nswitch's own. */
static void nsw_vf_stats_print(const struct nsw_dev_stats *d)
{
	nsw_print_obj_open("stats");
	nsw_print_text("    rx");
	nsw_print_obj_open("rx");
	nsw_print_uint(NSW_PR_ANY, "bytes", " bytes %llu", d->to_bytes);
	nsw_print_uint(NSW_PR_ANY, "packets", " packets %llu", d->to_pkts);
	nsw_print_uint(NSW_PR_ANY, "multicast", " multicast %llu", d->to_mcast);
	nsw_print_uint(NSW_PR_ANY, "broadcast", " broadcast %llu", d->to_bcast);
	nsw_print_uint(NSW_PR_ANY, "dropped", " dropped %llu\n", d->to_drops);
	nsw_print_obj_close();
	nsw_print_text("    tx");
	nsw_print_obj_open("tx");
	nsw_print_uint(NSW_PR_ANY, "tx_bytes", " tx_bytes %llu", d->from_bytes);
	nsw_print_uint(NSW_PR_ANY, "tx_packets", " tx_packets %llu", d->from_pkts);
	nsw_print_uint(NSW_PR_ANY, "dropped", " dropped %llu", d->drops);
	nsw_print_uint(NSW_PR_ANY, "multicast", " multicast %llu", d->from_mcast);
	nsw_print_uint(NSW_PR_ANY, "broadcast", " broadcast %llu\n", d->from_bcast);
	nsw_print_obj_close();
	nsw_print_obj_close();
}

static void nsw_vf_show_cmd(const char *nic, const struct nsw_arg_val *args)
{
	struct nsw_cli_nic n;
	char mac[18], oui[9], rid[8], dev[IF_NAMESIZE];
	static const char *const modes[] = {"tc", "tc-peer", "xdp"};
	(void)args;
	nsw_nic_open(&n, nic);
	unsigned npfs = nsw_nic_num_pfs(n.st);
	const char *mode = n.meta.mode < 3 ? modes[n.meta.mode] : "unknown";
	nsw_print_arr_open(NULL);
	for (unsigned p = 0; p < npfs; p++)
		for (unsigned v = 0; v < NSW_MAX_VFS; v++) {
			uint64_t w = n.st->vf[p][v];
			if (!(w & NSW_VF_EN))
				continue;
			uint32_t slot = nsw_vf_slot(p, v), ifi = 0;
			bpf_map_lookup_elem(n.fd_vf_dev, &slot, &ifi);
			char want[IF_NAMESIZE];
			bool named = nsw_vf_name_get(&n, p, v, want);
			/* A device gone (or renamed) is not the VF's, whether or not the watcher
			 * has unbound it yet. */
			if (nsw_vf_dev_stale(ifi, named ? want : NULL))
				ifi = 0;
			nsw_ifname(ifi, dev);
			nsw_mac_format(w & NSW_MAC_MASK, mac);
			nsw_oui_format((uint32_t)((w & NSW_MAC_MASK) >> 24), oui);
			nsw_rid_format(nsw_vf_rid(p, v, npfs), rid);
			unsigned qos = (unsigned)((w & NSW_VF_QOS_MASK) >> NSW_VF_QOS_SHIFT);
			bool spoof = w & NSW_VF_SPOOFCHK;
			struct nsw_dev_stats d;
			nsw_counter_sum(n.fd_dev_stats, slot, NSW_NDEV, (uint64_t *)&d, sizeof d / 8);
			nsw_print_obj_open(NULL);
			nsw_print_uint(NSW_PR_ANY, "pf", "vf %llu", p);
			nsw_print_uint(NSW_PR_ANY, "vf", ",%llu", v);
			nsw_print_str(NSW_PR_ANY, "rid", " rid %s", rid);
			nsw_print_str(NSW_PR_ANY, "mac", " mac %s", mac);
			nsw_print_str(NSW_PR_ANY, "group_oui", " oui %s", oui);
			nsw_print_str(NSW_PR_ANY, "dev", " dev %s", dev[0] ? dev : NULL);
			if (!dev[0] && named)
				nsw_print_str(NSW_PR_ANY, "wait", " wait %s", want);
			nsw_print_str(NSW_PR_ANY, "mode", " mode %s", mode);
			nsw_print_uint(NSW_PR_ANY, "qos", " qos %llu", qos);
			nsw_print_onoff(NSW_PR_ANY, "spoofchk", " spoofchk %s", spoof);
			/* A VF can neither change its MAC nor listen to others' frames: untrusted. */
			nsw_print_onoff(NSW_PR_ANY, "trust", " trust %s", false);
			nsw_print_str(NSW_PR_ANY, "link_state", " state %s",
				      nsw_vf_state_name(nsw_vf_state_of(w)));
			nsw_print_str(NSW_PR_ANY, "link", " link %s\n",
				      w & NSW_VF_LINK_DOWN ? "down" : "up");
			/* The rest of iproute2's VF record (print_vfinfo). */
			nsw_print_str(NSW_PR_ANY, "link_type", "    link/%s", "ether");
			nsw_print_str(NSW_PR_ANY, "address", " %s", mac);
			nsw_vf_print_vlan((w & NSW_VF_VLAN) ? n.st->vlan[p][v] : 0, qos);
			/* QoS limits what the VF is given, never what it sends: no transmit limit. */
			nsw_print_obj_open("rate");
			nsw_print_uint(NSW_PR_ANY, "max_tx", " max_tx %llu", 0);
			nsw_print_uint(NSW_PR_ANY, "min_tx", " min_tx %llu\n", 0);
			nsw_print_obj_close();
			nsw_vf_stats_print(&d);
			nsw_print_obj_close();
		}
	nsw_print_arr_close();
	nsw_print_end();
	nsw_nic_close(&n);
}

/* Every VF: a `vf add` line, then a `vf set` line for the settings vf add does not take (none
 * yet). A new VF setting is one nsw_save_word call on one of the two (cli/nsw_save.c). */
void nsw_save_vf(struct nsw_cli_nic *n, struct nsw_save *s)
{
	char mac[18], dev[IF_NAMESIZE];
	unsigned npfs = nsw_nic_num_pfs(n->st);
	for (unsigned p = 0; p < npfs; p++)
		for (unsigned v = 0; v < NSW_MAX_VFS; v++) {
			uint64_t w = n->st->vf[p][v];
			if (!(w & NSW_VF_EN))
				continue;
			uint32_t slot = nsw_vf_slot(p, v), ifi = 0;
			bpf_map_lookup_elem(n->fd_vf_dev, &slot, &ifi);
			/* The name it follows (its device's, or the one it waits for): restored
			 * as follow NAME, the device may come after the configuration. */
			if (!nsw_vf_name_get(n, p, v, dev) && (!ifi || !if_indextoname(ifi, dev)))
				nsw_fail("save: VF %u,%u has lost its device (ifindex %u): vf del it, or "
					 "save once it is back", p, v, ifi);
			nsw_mac_format(w & NSW_MAC_MASK, mac);
			unsigned qos = (unsigned)((w & NSW_VF_QOS_MASK) >> NSW_VF_QOS_SHIFT);
			nsw_save_line(s, "vf add", n->name);
			nsw_save_word(s, "pf", "%u", p);
			nsw_save_word(s, "vf", "%u", v);
			nsw_save_word(s, "follow", "%s", dev);
			nsw_save_word(s, "mac", "%s", mac);
			if (qos)
				nsw_save_word(s, "qos", "%u", qos);
			if (!(w & NSW_VF_SPOOFCHK))
				nsw_save_word(s, "spoofchk", "off");
			if (nsw_vf_state_of(w) != NSW_VF_STATE_ENABLE)
				nsw_save_word(s, "state", "%s", nsw_vf_state_name(nsw_vf_state_of(w)));
			if (w & NSW_VF_VLAN) {
				uint16_t key = n->st->vlan[p][v];
				nsw_save_word(s, "vlan", "%u", key & NSW_VLAN_VID_MASK);
				if (key & NSW_VLAN_AD)
					nsw_save_word(s, "proto", "802.1ad");
			}
			nsw_save_end(s);
			nsw_save_line(s, "vf set", n->name);
			nsw_save_word(s, "pf", "%u", p);
			nsw_save_word(s, "vf", "%u", v);
			nsw_save_mark(s);
			/* settings `vf add` does not take go here */
			nsw_save_end_more(s);
		}
}

const struct nsw_cmd nsw_cmds_vf[] = {
	{"add", NULL, nsw_vf_add_cmd, NSW_POS_NIC, nsw_words_vf_add, NSW_W_VF_N,
	 "Attach DEV (the host end of a VM's veth, or a tap) as VF P,V (vf auto: the lowest\n"
	 "free VF of PF P, printed). Without mac, the vMAC is the PF's OUI followed by P and\n"
	 "V. A veth's VM end is given the vMAC; for a tap the QEMU options are printed (in mode\n"
	 "xdp with csum=off,guest_csum=off). qos: default 802.1p priority (0..7) of untagged\n"
	 "frames. spoofchk (default on): drop frames not sent from the vMAC. The VF follows DEV\n"
	 "by name: when DEV goes, the VF keeps its vMAC and settings and waits (vf show: dev\n"
	 "none wait DEV; frames to it are dropped as no_device); a device of that name that\n"
	 "appears in the NIC's namespace is attached within a second (the NIC's watcher,\n"
	 "nswitch watch). vf add on a waiting VF gives it DEV now. follow NAME: as dev NAME,\n"
	 "but NAME may not be there yet: the VF is made waiting for it (what save writes, so a\n"
	 "configuration restored before its VMs start comes back). Refused: loopback, tun (L3),\n"
	 "bridges, bonds, a device with a master (a port of a bridge, bond, team or VRF: its\n"
	 "master owns it; ip link set DEV nomaster first; as for an uplink), a device of\n"
	 "another NIC or VF, or in another namespace than the NIC's. A device of the followed\n"
	 "name that is refused is left alone and the VF waits (the watcher's log says why).\n"
	 "state: the VF's link (as ip link's vf state): enable (the default) is up, disable\n"
	 "down, auto follows the carrier of PF P's uplink (a PF without one: up), as read\n"
	 "by vf add/set and pf set, and as it changes (the NIC's watcher: nswitch watch). Down,\n"
	 "whatever is sent to or from the VF is dropped,\n"
	 "counted as vf_state_down; a veth's VM end loses its carrier (its host end is set\n"
	 "down); a tap's carrier goes off, which QEMU does not pass on: the guest's link\n"
	 "stays up and its frames are dropped.\n"
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
	 "Change VF P,V's vMAC (a veth's VM end follows), default priority, spoofchk, link\n"
	 "state or port VLAN (vlan 0: none, as ip link set dev PF vf N vlan 0); see vf add."},
	{"del", NULL, nsw_vf_del_cmd, NSW_POS_NIC, nsw_words_vf_del, NSW_W_VF_N,
	 "Remove VF P,V and everything it had: ACLs, SPAN sessions from and to it (an ACL\n"
	 "rule mirroring to it becomes allow), QoS, a capture of it, counters."},
	{"show", NULL, nsw_vf_show_cmd, NSW_POS_NIC, NULL, 0,
	 "VFs: RID, vMAC, OUI group, device, mode, settings, link state and link (up or\n"
	 "down now), then the keys of ip -j link's VF record (print_vfinfo): link_type,\n"
	 "address, vlan_list, rate (max_tx 0: QoS limits what a VF receives, not what it\n"
	 "sends), trust (off: a VF cannot change its MAC), stats: rx (delivered to the VF:\n"
	 "bytes, packets, multicast, broadcast, dropped on the way) and tx (from the VF:\n"
	 "tx_bytes, tx_packets, dropped, and nswitch's multicast, broadcast). Multicast\n"
	 "does not include broadcast."},
	{0},
};
