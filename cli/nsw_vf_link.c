/* nsw_vf_link.c - a VF's link state on its device, and the uplinks' carrier followed
 * (nsw_vf_link.h). Owns: setting a VF's host-side device up/down (veth) or its carrier
 * on/off (tap) for the link state, and `pf watch`. Invariant: the registers change first and
 * the data path drops by them; the device follows (and, for an explicit `vf set state`, a
 * failure there undoes the registers). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "nsw_cli.h"
#include "nsw_cli_tc.h"
#include "nsw_cmd.h"
#include "nsw_vf_link.h"

/* One RTM_NEWLINK on ifindex: flags (mask change) and, when carrier >= 0, IFLA_CARRIER. */
static int nsw_link_change(uint32_t ifindex, unsigned flags, unsigned change, int carrier)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	ifm->ifi_flags = flags;
	ifm->ifi_change = change;
	if (carrier >= 0)
		mnl_attr_put_u8(nlh, IFLA_CARRIER, (uint8_t)carrier);
	return nsw_nl_talk(nlh, NULL, NULL);
}

int nsw_vf_link_apply(struct nsw_cli_nic *n, unsigned pf, unsigned vf, char *err, size_t len)
{
	uint32_t slot = nsw_vf_slot(pf, vf), ifi = 0;
	if (bpf_map_lookup_elem(n->fd_vf_dev, &slot, &ifi) || !ifi)
		return 0;
	return nsw_vf_dev_link(ifi, !(n->st->vf[pf][vf] & NSW_VF_LINK_DOWN), err, len);
}

int nsw_vf_dev_link(uint32_t ifi, bool up, char *err, size_t len)
{
	struct nsw_link link;
	int r = nsw_link_get(ifi, &link);
	/* Gone (the watcher has not unbound it yet): nothing to set. The registers hold the
	 * state, and the device of the VF's name attached next takes it (nsw_vf_follow). */
	if (r == -ENODEV)
		return 0;
	if (r) {
		snprintf(err, len, "cannot read the VF's device (ifindex %u): %s", ifi, strerror(-r));
		return r;
	}
	if (!strcmp(link.kind, "veth")) /* the VM's end loses its carrier with ours down */
		r = nsw_link_change(ifi, up ? IFF_UP : 0, IFF_UP, -1);
	else { /* a tap: its carrier, the device stays up for QEMU */
		r = nsw_link_change(ifi, 0, 0, up);
		/* A tap no VM has open refuses a carrier (EPERM); it gets one when the VM
		 * opens it. */
		if (r == -EPERM && up)
			r = 0;
	}
	if (r == -ENODEV) /* went as it was read: as gone before */
		r = 0;
	if (r)
		snprintf(err, len, "cannot set %s's %s %s: %s", link.kind[0] ? link.kind : "device",
			 strcmp(link.kind, "veth") ? "carrier" : "link", up ? "up" : "down",
			 strerror(-r));
	return r;
}

unsigned nsw_vf_links_sync(struct nsw_cli_nic *n, unsigned pf, const uint64_t *before)
{
	unsigned changed = 0;
	char err[160];
	for (unsigned v = 0; v < NSW_MAX_VFS; v++) {
		uint64_t w = n->st->vf[pf][v];
		if (!(w & NSW_VF_EN) || !((w ^ before[v]) & NSW_VF_LINK_DOWN))
			continue;
		changed++;
		if (nsw_vf_link_apply(n, pf, v, err, sizeof err))
			fprintf(stderr, "nswitch: warning: vf %u,%u: %s\n", pf, v, err);
	}
	return changed;
}

int nsw_pf_carrier_follow(struct nsw_cli_nic *n, unsigned pf)
{
	uint64_t before[NSW_MAX_VFS];
	if (pf >= NSW_MAX_PFS || !(n->st->pf[pf] & NSW_PF_EN))
		return -1;
	memcpy(before, n->st->vf[pf], sizeof before);
	uint32_t k = pf, ifi = 0;
	struct nsw_link link;
	char name[IF_NAMESIZE];
	bool carrier = true; /* no uplink: nothing to follow */
	if (!bpf_map_lookup_elem(n->fd_pf_dev, &k, &ifi) && ifi)
		carrier = !nsw_link_get(ifi, &link) && link.carrier; /* gone: no carrier */
	else if ((n->st->pf[pf] & NSW_PF_UPLINK) && nsw_pf_name_get(n, pf, name))
		carrier = false; /* waiting for its uplink */
	if (nsw_pf_set_carrier(n->st, pf, carrier))
		return -1;
	return (int)nsw_vf_links_sync(n, pf, before);
}
