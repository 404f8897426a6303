/* nsw_cmd_pf.c - the `pf` command: a PF's OUI and its uplink (set), and `pf show` (the NIC's
 * PFs, as nic show lists them). A change is validated on a copy of the NIC's registers with the
 * core's own control function before anything is touched; the uplink is attached before the
 * registers change and detached again if binding it fails. */
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
#include "nsw_vf_link.h"

static void nsw_pf_set_cmd(const char *nic, const struct nsw_arg_val *v)
{
	struct nsw_cli_nic n;
	struct nsw_vf_args a;
	char err[160];
	nsw_vf_args_get(v, &a);
	nsw_nic_open(&n, nic);
	nsw_need_pf(&n, &a, "pf set");
	uint32_t k = a.pf, old_ifi = 0, ifi = 0;
	bpf_map_lookup_elem(n.fd_pf_dev, &k, &old_ifi);
	bool none = a.uplink && !strcmp(a.uplink, "none");
	if (a.uplink && !none) {
		ifi = nsw_arg_ifindex(a.uplink);
		struct nsw_port owner;
		const char *who = nsw_port_owner(n.meta.netns, ifi, &owner);
		if (who && !(owner.kind == NSW_PORT_UPLINK && owner.pf == a.pf && !strcmp(who, n.name)))
			nsw_fail("interface \"%s\" is already a port of NIC %s", a.uplink, who);
		struct nsw_link link;
		if (nsw_link_get(ifi, &link))
			nsw_fail("interface \"%s\": cannot read it over netlink", a.uplink);
		const char *why = nsw_link_not_uplink(&link);
		if (why)
			nsw_fail("pf set: \"%s\" is %s: an uplink is an Ethernet port (physical, veth, "
				 "tap, vxlan, bond, ...)", a.uplink, why);
	}
	/* Validate on a copy. */
	memcpy(&nsw_scratch, n.st, sizeof nsw_scratch);
	int e = nsw_pf_set(&nsw_scratch, a.pf, a.oui, a.uplink ? !none : -1);
	if (!e && a.miss_drop >= 0)
		e = nsw_pf_set_miss_drop(&nsw_scratch, a.pf, a.miss_drop);
	if (e == NSW_E_BUSY)
		nsw_fail("pf set: PF %u has VFs whose vMACs carry its OUI; delete them first", a.pf);
	if (e)
		nsw_core_fail(e, "pf set");
	if (a.uplink && ifi != old_ifi) {
		if (ifi) {
			struct nsw_port p = {NSW_PORT_UPLINK, (uint8_t)a.pf, 0};
			if (nsw_port_attach(&n, ifi, p, err, sizeof err))
				nsw_fail("uplink %s: %s", a.uplink, err);
		}
		if (bpf_map_update_elem(n.fd_pf_dev, &k, &ifi, 0)) {
			int se = errno;
			if (ifi)
				nsw_port_detach(&n, ifi);
			nsw_fail("pf set: cannot bind the uplink: %s", strerror(se));
		}
	}
	uint64_t before[NSW_MAX_VFS];
	memcpy(before, n.st->vf[a.pf], sizeof before);
	e = nsw_pf_set(n.st, a.pf, a.oui, a.uplink ? !none : -1);
	if (a.miss_drop >= 0)
		nsw_pf_set_miss_drop(n.st, a.pf, a.miss_drop);
	if (a.uplink && old_ifi && old_ifi != ifi)
		nsw_port_detach(&n, old_ifi);
	/* VFs in state auto follow the new uplink's carrier (none: up). */
	if (a.uplink) {
		nsw_pf_carrier_follow(&n, a.pf);
		nsw_vf_links_sync(&n, a.pf, before);
	}
	(void)e; /* validated above on the same state under the lock */
	nsw_nic_close(&n);
}

const struct nsw_cmd nsw_cmds_pf[] = {
	{"set", NULL, nsw_pf_set_cmd, NSW_POS_NIC, nsw_words_pf_set, NSW_W_VF_N,
	 "Give PF P an OUI (refused while it has VFs) or bind/unbind its physical port\n"
	 "(an Ethernet port: physical, veth, tap, vxlan, bond; not lo, a bridge, L3 tun).\n"
	 "miss: what a frame from PF P's VFs to a vMAC of one of this NIC's OUIs that no VF\n"
	 "has does: leave by the port, like any unknown unicast (uplink, the default: it may\n"
	 "be a VM of another host sharing the OUI), or be dropped as unknown_vmac (drop)."},
	{"show", NULL, nsw_nic_show_cmd, NSW_POS_NIC_OPT, NULL, 0,
	 "The PFs of NIC (or of every NIC), as nic show lists them."},
	{"watch", NULL, nsw_pf_watch_cmd, NSW_POS_NIC, NULL, 0,
	 "Follow the carrier of NIC's uplinks until killed: the VFs in link state auto go\n"
	 "down when their PF's uplink loses its carrier and up when it is back (see vf add).\n"
	 "Without it, the carrier is read only by vf add, vf set state and pf set uplink.\n"
	 "Prints a line for each PF whose VFs changed."},
	{0},
};
