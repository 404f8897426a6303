/* nsw_cmd_pf.c - the `pf` command: a PF's OUI and its uplink (set), and `pf show` (the NIC's
 * PFs, as nic show lists them). A change is validated on a copy of the NIC's registers with the
 * core's own control function before anything is touched; the uplink is attached before the
 * registers change and detached again if binding it fails. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsw_cli.h"
#include "nsw_cmd.h"
#include "nsw_cli_words.h"
#include "nsw_save.h"
#include "nsw_vf_link.h"

static void nsw_pf_set_cmd(const char *nic, const struct nsw_arg_val *v)
{
	struct nsw_cli_nic n;
	struct nsw_vf_args a;
	char err[200];
	nsw_vf_args_get(v, &a);
	if (a.follow && a.uplink)
		nsw_fail("pf set: give uplink DEV (a device there now) or follow NAME (now or when it "
			 "appears), not both");
	/* Where the user sees the name (-n, or here), to tell "in another namespace" apart, as
	 * vf add does: a follow NAME that is a device here but not in the NIC's namespace is a
	 * mistake, not a device to wait for. */
	uint32_t here = a.follow ? if_nametoindex(a.dev) : 0;
	ino_t ns_here = nsw_netns_ino();
	nsw_nic_open(&n, nic);
	nsw_need_pf(&n, &a, "pf set");
	uint32_t k = a.pf, old_ifi = 0, ifi = 0;
	bpf_map_lookup_elem(n.fd_pf_dev, &k, &old_ifi);
	bool none = a.uplink && !strcmp(a.uplink, "none");
	bool set = a.uplink || a.follow; /* the uplink changes (or is given again) */
	/* The name the uplink follows from now on: the watcher attaches a device of that name
	 * whenever one appears in the NIC's namespace. */
	const char *want = a.follow ? a.dev : none ? NULL : a.uplink;
	char had[IF_NAMESIZE];
	bool named = nsw_pf_name_get(&n, a.pf, had);
	if (want) {
		ifi = a.follow ? if_nametoindex(want) : nsw_arg_ifindex(want);
		if (!ifi && here && nsw_netns_ino() != ns_here)
			nsw_fail("pf set: \"%s\" is in another namespace than NIC %s's (%s): an "
				 "uplink must be in the NIC's", want, n.name,
				 n.meta.netns[0] ? n.meta.netns : "the root namespace");
		struct nsw_link link;
		/* ifi may change: a device that went after the look-up is looked up again. */
		const char *why = nsw_pf_uplink_why(&n, a.pf, &ifi, want, &link);
		if (why && !strncmp(why, "already a port", 14))
			nsw_fail("interface \"%s\" is %s", want, why);
		if (!why)
			why = nsw_follower_elsewhere(&n, want);
		if (why)
			nsw_fail("pf set: \"%s\" is %s", want, why);
		/* Gone as it was read: follow NAME waits for it; uplink DEV needs it now. */
		if (!ifi && !a.follow)
			nsw_fail_unknown_dev(want);
		/* Made here, before anything changes: a map that cannot be made fails alone. */
		int fd = nsw_pf_names(&n, true);
		if (fd < 0)
			nsw_fail("pf set: cannot make the uplinks' names map: %s", strerror(errno));
		close(fd);
	}
	/* Validate on a copy. */
	memcpy(&nsw_scratch, n.st, sizeof nsw_scratch);
	int e = nsw_pf_set(&nsw_scratch, a.pf, a.oui, set ? !none : -1);
	if (!e && a.miss_drop >= 0)
		e = nsw_pf_set_miss_drop(&nsw_scratch, a.pf, a.miss_drop);
	if (e == NSW_E_BUSY)
		nsw_fail("pf set: PF %u has VFs whose vMACs carry its OUI; delete them first", a.pf);
	if (e)
		nsw_core_fail(e, "pf set");
	/* A name that goes (uplink none) goes before its device; a new one replaces the old after
	 * its device: a command killed in between leaves the old name, whose device the watcher
	 * gives back (the bound one has another name: stale), rather than a device bound with no
	 * name followed at all (save reads both). */
	if (set && named && !want)
		nsw_pf_name_set(&n, a.pf, NULL);
	if (set && ifi != old_ifi) {
		if (ifi && nsw_pf_uplink_bind(&n, a.pf, ifi, err, sizeof err)) {
			/* follow NAME whose device went as it was attached (the bind undid
			 * itself): waited for, as follow means. Anything else fails. */
			if (!a.follow || !nsw_link_gone(ifi)) {
				if (named)
					nsw_pf_name_set(&n, a.pf, had);
				nsw_fail("uplink %s: %s", want, err);
			}
			ifi = 0;
		}
		if (!ifi && bpf_map_update_elem(n.fd_pf_dev, &k, &ifi, 0)) {
			int se = errno;
			if (named)
				nsw_pf_name_set(&n, a.pf, had);
			nsw_fail("pf set: cannot unbind the uplink: %s", strerror(se));
		}
	}
	if (want && nsw_pf_name_set(&n, a.pf, want)) {
		/* Not the old name either: the watcher would take the new device back. */
		int se = errno;
		nsw_pf_name_set(&n, a.pf, NULL);
		fprintf(stderr, "nswitch: warning: pf %u: cannot record the name %s its uplink "
			"follows: %s\n", a.pf, want, strerror(se));
	}
	uint64_t before[NSW_MAX_VFS];
	memcpy(before, n.st->vf[a.pf], sizeof before);
	e = nsw_pf_set(n.st, a.pf, a.oui, set ? !none : -1);
	if (a.miss_drop >= 0)
		nsw_pf_set_miss_drop(n.st, a.pf, a.miss_drop);
	/* A device of the name made after the look-up that found none but before the name was
	 * recorded, or the one bound here deleted as it was attached, before the bind wrote the
	 * PF's slot: the watcher, woken by its event, found nobody having or following it, and
	 * no other event may come. Attached, or let go (the PF waits for the name), now as the
	 * watcher would, under the same lock. */
	if (want && (ifi ? nsw_vf_dev_stale(ifi, want) : if_nametoindex(want) != 0) &&
	    nsw_pf_follow(&n, NULL, false, &(bool){false})) {
		ifi = 0;
		bpf_map_lookup_elem(n.fd_pf_dev, &k, &ifi);
	}
	if (set && old_ifi && old_ifi != ifi)
		nsw_port_detach(&n, old_ifi);
	/* VFs in state auto follow the new uplink's carrier (none: up; waiting for it: down). */
	if (set) {
		nsw_pf_carrier_follow(&n, a.pf);
		nsw_vf_links_sync(&n, a.pf, before);
	}
	(void)e; /* validated above on the same state under the lock */
	nsw_nic_close(&n);
	/* An uplink followed by name is followed only while the NIC's watcher runs. */
	if (want && !nsw_watch_start(nic, err, sizeof err))
		nsw_print_text("note: no watcher follows the uplink: %s\n", err);
	if (want && !ifi)
		nsw_print_text("note: pf %u waits for its uplink %s\n", a.pf, want);
}

static bool nsw_oui_held(const uint32_t *cur, unsigned npfs, unsigned skip, uint32_t oui)
{
	for (unsigned q = 0; q < npfs; q++)
		if (q != skip && cur[q] == oui)
			return true;
	return false;
}

/* A PF's OUI, uplink and miss policy. The OUIs are written in an order `pf set` accepts from a
 * NIC just made with the same id (each PF with its default OUI): a PF takes an OUI only once no
 * other PF holds it, and PFs that trade OUIs go through a free one. */
void nsw_save_pf(struct nsw_cli_nic *n, struct nsw_save *s)
{
	unsigned npfs = nsw_nic_num_pfs(n->st);
	uint32_t cur[NSW_MAX_PFS], want[NSW_MAX_PFS];
	bool done[NSW_MAX_PFS];
	for (unsigned p = 0; p < npfs; p++) {
		cur[p] = nsw_default_oui(n->meta.nic_id, p);
		want[p] = (n->st->pf[p] & NSW_PF_HAS_OUI) ? (uint32_t)(n->st->pf[p] & NSW_PF_OUI_MASK)
							  : cur[p];
		done[p] = false;
	}
	for (unsigned left = npfs; left;) {
		unsigned p = 0;
		while (p < npfs && (done[p] || (cur[p] != want[p] &&
						nsw_oui_held(cur, npfs, p, want[p]))))
			p++;
		char oui[9];
		if (p == npfs) { /* a cycle: one of them steps aside to an OUI no PF holds or wants */
			for (p = 0; done[p]; p++)
				;
			uint32_t tmp = 0x02ff00;
			while (nsw_oui_held(cur, npfs, NSW_MAX_PFS, tmp) ||
			       nsw_oui_held(want, npfs, NSW_MAX_PFS, tmp))
				tmp++;
			nsw_oui_format(tmp, oui);
			nsw_save_line(s, "pf set", n->name);
			nsw_save_word(s, "pf", "%u", p);
			nsw_save_word(s, "oui", "%s", oui);
			nsw_save_end(s);
			cur[p] = tmp;
			continue;
		}
		nsw_save_line(s, "pf set", n->name);
		nsw_save_word(s, "pf", "%u", p);
		nsw_save_mark(s);
		if (cur[p] != want[p]) {
			nsw_oui_format(want[p], oui);
			nsw_save_word(s, "oui", "%s", oui);
			cur[p] = want[p];
		}
		uint32_t k = p, ifi = 0;
		char dev[IF_NAMESIZE];
		bpf_map_lookup_elem(n->fd_pf_dev, &k, &ifi);
		/* The name it follows (its device's, or the one it waits for): restored as follow
		 * NAME, the device may come after the configuration (a veth or a VXLAN device
		 * made by the network's own set-up). */
		if ((n->st->pf[p] & NSW_PF_UPLINK) && nsw_pf_name_get(n, p, dev))
			nsw_save_word(s, "follow", "%s", dev);
		else if (ifi && !if_indextoname(ifi, dev))
			nsw_fail("save: PF %u's uplink (ifindex %u) is gone: set another or none first",
				 p, ifi);
		else if (ifi)
			nsw_save_word(s, "uplink", "%s", dev);
		if (n->st->pf[p] & NSW_PF_MISS_DROP)
			nsw_save_word(s, "miss", "drop");
		nsw_save_end_more(s);
		done[p] = true;
		left--;
	}
}

const struct nsw_cmd nsw_cmds_pf[] = {
	{"set", NULL, nsw_pf_set_cmd, NSW_POS_NIC, nsw_words_pf_set, NSW_W_VF_N,
	 "Give PF P an OUI (refused while it has VFs) or bind/unbind its physical port\n"
	 "(an Ethernet port: physical, veth, tap, vxlan, bond; not lo, a bridge, L3 tun,\n"
	 "nor a device with a master, a port of a bridge, bond, team or VRF: its master owns\n"
	 "it; ip link set DEV nomaster first; as for a VF's device).\n"
	 "The uplink is followed by name (the NIC's watcher): if DEV goes, the PF waits\n"
	 "(pf show: uplink none wait DEV; frames out by it counted as no_device; its VFs in\n"
	 "state auto down) and a device of that name that appears is attached within a\n"
	 "second. follow NAME: as uplink NAME, NAME may appear later (save writes it so);\n"
	 "refused: a name no device can have, one another port of any NIC here follows, a\n"
	 "device in another namespace than the NIC's. A device of the followed name that\n"
	 "cannot be an uplink (a port of a bridge, ...) is left alone and the PF waits (the\n"
	 "watcher's log says why) until it can be (released: attached within a second).\n"
	 "miss: what a frame from PF P's VFs to a vMAC of one of this NIC's OUIs that no VF\n"
	 "has does: leave by the port, like any unknown unicast (uplink, the default: it may\n"
	 "be a VM of another host sharing the OUI), or be dropped as unknown_vmac (drop)."},
	{"show", NULL, nsw_nic_show_cmd, NSW_POS_NIC_OPT, NULL, 0,
	 "The PFs of NIC (or of every NIC), as nic show lists them."},
	{0},
};
