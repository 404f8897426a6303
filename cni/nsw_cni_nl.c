/* nsw_cni_nl.c - the kernel steps of nswitch-cni over rtnetlink (libmnl): a veth pair, a link's
 * index, MAC, up, delete, its move into the container's namespace under the interface name the
 * runtime asked for, addresses and routes, and the addresses a link has (for CHECK).
 * Invariants: every call works in the caller's current network namespace (nsw_cni.c enters
 * the NIC's or the container's first) and returns 0 or -errno, never exits. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "nsw_cni.h"

#define NSW_NL_BUF 16384 /* a constant: MNL_SOCKET_BUFFER_SIZE is a run-time value */

/* Sends one request and reads the answers (a dump's, through cb) up to the ACK or DONE. */
static int nsw_nl(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	int ret = 0;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	unsigned portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_seq = (unsigned)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	char buf[NSW_NL_BUF];
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);
		if (n < 0) {
			ret = -errno;
			break;
		}
		int r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, cb, data);
		if (r < 0) {
			ret = -errno;
			break;
		}
		if (r == MNL_CB_STOP)
			break;
	}
out:
	mnl_socket_close(nl);
	return ret;
}

static struct nlmsghdr *nsw_link_msg(char *buf, uint16_t type, uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nlh;
}

int nsw_cni_veth_add(const char *host, const char *peer)
{
	char buf[NSW_NL_BUF];
	struct nlmsghdr *nlh = nsw_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
	struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	struct nlattr *p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	struct ifinfomsg *pm = mnl_nlmsg_put_extra_header(nlh, sizeof *pm);
	pm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	return nsw_nl(nlh, NULL, NULL);
}

int nsw_cni_link_index(const char *name)
{
	unsigned i = if_nametoindex(name);
	return i ? (int)i : -errno;
}

static int nsw_mac_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
		if (mnl_attr_get_type(a) == IFLA_ADDRESS && mnl_attr_get_payload_len(a) == 6) {
			const uint8_t *b = mnl_attr_get_payload(a);
			uint64_t m = 0;
			for (int i = 0; i < 6; i++)
				m = m << 8 | b[i];
			*(uint64_t *)data = m;
		}
	return MNL_CB_OK;
}

int nsw_cni_link_mac(int ifindex, uint64_t *mac)
{
	char buf[NSW_NL_BUF];
	struct nlmsghdr *nlh = nsw_link_msg(buf, RTM_GETLINK, 0, ifindex);
	*mac = 0;
	return nsw_nl(nlh, nsw_mac_cb, mac);
}

int nsw_cni_link_up(int ifindex)
{
	char buf[NSW_NL_BUF];
	struct nlmsghdr *nlh = nsw_link_msg(buf, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return nsw_nl(nlh, NULL, NULL);
}

int nsw_cni_link_del(int ifindex)
{
	char buf[NSW_NL_BUF];
	return nsw_nl(nsw_link_msg(buf, RTM_DELLINK, 0, ifindex), NULL, NULL);
}

int nsw_cni_link_move(int ifindex, int netns_fd, const char *name)
{
	char buf[NSW_NL_BUF];
	struct nlmsghdr *nlh = nsw_link_msg(buf, RTM_NEWLINK, 0, ifindex);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nsw_nl(nlh, NULL, NULL);
}

static size_t nsw_alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

int nsw_cni_addr_add(int ifindex, const struct nsw_cni_ip *ip)
{
	char buf[NSW_NL_BUF];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
	ifa->ifa_family = (uint8_t)ip->family;
	ifa->ifa_prefixlen = (uint8_t)ip->plen;
	ifa->ifa_index = (unsigned)ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	mnl_attr_put(nlh, IFA_LOCAL, nsw_alen(ip->family), ip->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, nsw_alen(ip->family), ip->addr);
	if (ip->family == AF_INET6) /* no duplicate address detection: the IPAM owns it */
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nsw_nl(nlh, NULL, NULL);
}

int nsw_cni_route_add(int ifindex, const struct nsw_cni_route *r)
{
	char buf[NSW_NL_BUF];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
	rtm->rtm_family = (uint8_t)r->family;
	rtm->rtm_dst_len = (uint8_t)r->plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = r->have_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (r->plen)
		mnl_attr_put(nlh, RTA_DST, nsw_alen(r->family), r->dst);
	if (r->have_gw)
		mnl_attr_put(nlh, RTA_GATEWAY, nsw_alen(r->family), r->gw);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return nsw_nl(nlh, NULL, NULL);
}

struct nsw_addr_walk {
	int ifindex;
	struct nsw_cni_addr_list *out;
};

static int nsw_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nsw_addr_walk *w = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	if ((int)ifa->ifa_index != w->ifindex || w->out->n == sizeof w->out->a / sizeof *w->out->a)
		return MNL_CB_OK;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	struct nsw_cni_ip ip = {.family = ifa->ifa_family, .plen = ifa->ifa_prefixlen};
	bool found = false;
	struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof *ifa) {
		uint16_t t = mnl_attr_get_type(a);
		/* IFA_LOCAL is the address of an IPv4 interface; IPv6 has only IFA_ADDRESS. */
		if ((t == IFA_LOCAL || (t == IFA_ADDRESS && !found)) &&
		    mnl_attr_get_payload_len(a) == nsw_alen(ip.family)) {
			memcpy(ip.addr, mnl_attr_get_payload(a), nsw_alen(ip.family));
			found = true;
		}
	}
	if (found)
		w->out->a[w->out->n++] = ip;
	return MNL_CB_OK;
}

int nsw_cni_addr_list(int ifindex, struct nsw_cni_addr_list *out)
{
	char buf[NSW_NL_BUF];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
	ifa->ifa_family = AF_UNSPEC;
	out->n = 0;
	struct nsw_addr_walk w = {ifindex, out};
	return nsw_nl(nlh, nsw_addr_cb, &w);
}
