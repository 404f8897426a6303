/* nsw_vf_link.c - a VF's link state on its device, and the uplinks' carrier followed
 * (nsw_vf_link.h). Owns: setting a VF's host-side device up/down (veth) or its carrier
 * on/off (tap) for the link state, and `pf watch`. Invariant: the registers change first and
 * the data path drops by them; the device follows (and, for an explicit `vf set state`, a
 * failure there undoes the registers). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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
	bool carrier = true; /* no uplink: nothing to follow */
	if (!bpf_map_lookup_elem(n->fd_pf_dev, &k, &ifi) && ifi)
		carrier = !nsw_link_get(ifi, &link) && link.carrier; /* gone: no carrier */
	if (nsw_pf_set_carrier(n->st, pf, carrier))
		return -1;
	return (int)nsw_vf_links_sync(n, pf, before);
}

static volatile sig_atomic_t nsw_watch_stop;
static void nsw_watch_signal(int sig)
{
	(void)sig;
	nsw_watch_stop = 1;
}

/* Follows every PF of the open NIC; prints what changed. */
static void nsw_watch_all(struct nsw_cli_nic *n)
{
	for (unsigned p = 0; p < nsw_nic_num_pfs(n->st); p++) {
		int c = nsw_pf_carrier_follow(n, p);
		if (c > 0) {
			nsw_print_obj_open(NULL);
			nsw_print_uint(NSW_PR_ANY, "pf", "pf %llu", p);
			nsw_print_onoff(NSW_PR_ANY, "carrier", " carrier %s",
					!(n->st->pf[p] & NSW_PF_NO_CARRIER));
			nsw_print_uint(NSW_PR_ANY, "vfs_changed", " vfs_changed %llu\n", c);
			nsw_print_obj_close();
			nsw_print_end();
			fflush(stdout);
		}
	}
}

void nsw_pf_watch_cmd(const char *nic, const struct nsw_arg_val *args)
{
	struct nsw_cli_nic n;
	(void)args;
	nsw_nic_open(&n, nic); /* in the NIC's namespace: its uplinks' events are here */
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl || mnl_socket_bind(nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID))
		nsw_fail("pf watch: cannot listen to link events: %s", strerror(errno));
	struct sigaction sa = {.sa_handler = nsw_watch_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* Subscribed first, then the state read: a change in between is an event still to come. */
	nsw_watch_all(&n);
	nsw_nic_unlock(&n);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	while (!nsw_watch_stop) {
		ssize_t len = mnl_socket_recvfrom(nl, buf, sizeof buf);
		if (len < 0 && errno == EINTR)
			continue;
		/* An overrun (ENOBUFS) loses events, never the state: everything is read again. */
		if (len < 0 && errno != ENOBUFS)
			nsw_fail("pf watch: reading link events: %s", strerror(errno));
		struct stat st;
		if (stat(n.dir, &st))
			break; /* the NIC was deleted */
		nsw_nic_relock(&n);
		nsw_watch_all(&n);
		nsw_nic_unlock(&n);
	}
	mnl_socket_close(nl);
	nsw_nic_relock(&n);
	nsw_nic_close(&n);
}
