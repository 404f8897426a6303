/* nsw_cli_util.c - errors, argument parsing, network namespaces and
 * netlink link queries (libmnl) for the nswitch CLI. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>

#include "nsw_cli.h"
#include "nsw_cli_tc.h"
#include "nsw_print.h"

const char *nsw_netns_opt;
const char *nsw_fail_where = ""; /* "FILE:LINE: " while a batch runs a line */
bool nsw_no_stdin;

void nsw_fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* One line, whatever the user typed: a control character in a quoted argument (a
	 * newline in a NIC name) must not split the error or forge a second one. */
	for (char *c = msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	fflush(stdout);
	if (nsw_json) {
		char full[1024];
		snprintf(full, sizeof full, "%s%s", nsw_fail_where, msg);
		fputs("{\"error\":", stderr);
		nsw_json_escape(stderr, full);
		fputs("}\n", stderr);
	} else {
		fprintf(stderr, "nswitch: %s%s\n", nsw_fail_where, msg);
	}
	exit(1);
}

void nsw_verb(char **arg, const char *const *words, const char *obj)
{
	const char *found = NULL;
	size_t n = strlen(*arg);
	for (unsigned i = 0; words[i]; i++)
		if (!strcmp(*arg, words[i]))
			return;
	for (unsigned i = 0; n && words[i]; i++) {
		if (strncmp(*arg, words[i], n))
			continue;
		if (found)
			nsw_fail("%s: ambiguous command \"%s\" (%s or %s ...)", obj, *arg, found,
				 words[i]);
		found = words[i];
	}
	if (found)
		*arg = (char *)found;
}

void nsw_args_cli(const struct nsw_arg_spec *spec, unsigned n, int argc, char **argv,
		  struct nsw_arg_val *out, const char *cmd)
{
	char err[256];
	if (nsw_args_parse(spec, n, argc, argv, out, err, sizeof err))
		nsw_fail("%s: %s", cmd, err);
}

uint32_t nsw_arg_ifindex(const char *dev)
{
	if (!dev || !*dev || strlen(dev) >= IFNAMSIZ)
		nsw_fail("invalid interface name \"%s\"", dev ? dev : "");
	unsigned ifi = if_nametoindex(dev);
	if (!ifi)
		nsw_fail_unknown_dev(dev);
	return ifi;
}

void nsw_fail_unknown_dev(const char *dev)
{
	nsw_fail("unknown interface \"%s\"%s%s", dev, nsw_netns_opt ? " in netns " : "",
		 nsw_netns_opt ? nsw_netns_opt : "");
}

bool nsw_netns_name_ok(const char *name)
{
	/* As iproute2 names them: a file of /run/netns, never a path out of it. */
	return name && *name && strlen(name) < 48 && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

void nsw_netns_enter(const char *name)
{
	char path[128];
	if (!name || !*name)
		return;
	if (!nsw_netns_name_ok(name))
		nsw_fail("invalid network namespace name \"%s\"", name);
	snprintf(path, sizeof path, "/run/netns/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		nsw_fail("unknown network namespace \"%s\"", name);
	if (setns(fd, CLONE_NEWNET))
		nsw_fail("cannot enter network namespace \"%s\": %s", name, strerror(errno));
	close(fd);
}

static int nsw_link_attr(const struct nlattr *a, void *data)
{
	struct nsw_link *l = data;
	switch (mnl_attr_get_type(a)) {
	case IFLA_LINK:
		l->peer_ifindex = mnl_attr_get_u32(a);
		break;
	case IFLA_MASTER:
		l->master = mnl_attr_get_u32(a);
		break;
	case IFLA_IFNAME:
		snprintf(l->name, sizeof l->name, "%s", mnl_attr_get_str(a));
		break;
	case IFLA_LINK_NETNSID:
		l->peer_netnsid = (int32_t)mnl_attr_get_u32(a);
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(a) == 6) {
			const uint8_t *p = mnl_attr_get_payload(a);
			l->mac = 0;
			for (int i = 0; i < 6; i++)
				l->mac = l->mac << 8 | p[i];
		}
		break;
	case IFLA_LINKINFO: {
		const struct nlattr *i, *d;
		int tun_type = -1; /* read before the kind may be known: meaningful for tun only */
		mnl_attr_for_each_nested(i, a) {
			if (mnl_attr_get_type(i) == IFLA_INFO_KIND)
				snprintf(l->kind, sizeof l->kind, "%s", mnl_attr_get_str(i));
			if (mnl_attr_get_type(i) != IFLA_INFO_DATA)
				continue;
			mnl_attr_for_each_nested(d, i)
				if (mnl_attr_get_type(d) == IFLA_TUN_TYPE &&
				    mnl_attr_get_payload_len(d) >= 1)
					tun_type = mnl_attr_get_u8(d);
		}
		if (!strcmp(l->kind, "tun") && tun_type >= 0)
			l->tun_type = (uint8_t)tun_type;
		break;
	}
	}
	return MNL_CB_OK;
}

static int nsw_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nsw_link *l = data;
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	l->up = (ifm->ifi_flags & IFF_UP) != 0;
	l->carrier = l->up && (ifm->ifi_flags & IFF_LOWER_UP);
	l->loopback = (ifm->ifi_flags & IFF_LOOPBACK) != 0;
	l->type = ifm->ifi_type;
	return mnl_attr_parse(nlh, sizeof *ifm, nsw_link_attr, data);
}

int nsw_link_get(uint32_t ifindex, struct nsw_link *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK; /* the ack ends the exchange */
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	memset(l, 0, sizeof *l);
	l->peer_netnsid = -1;
	return nsw_nl_talk(nlh, nsw_link_cb, l);
}

bool nsw_link_gone(uint32_t ifindex)
{
	struct nsw_link l;
	return nsw_link_get(ifindex, &l) == -ENODEV;
}

/* What neither a VF nor an uplink can be. */
static const char *nsw_link_not_port(const struct nsw_link *l)
{
	if (l->loopback || l->type == ARPHRD_LOOPBACK)
		return "a loopback device";
	if (!strcmp(l->kind, "tun") && l->tun_type != IFF_TAP)
		return "an L3 tun device (TUN mode), not Ethernet";
	if (l->type != ARPHRD_ETHER)
		return "not an Ethernet device";
	if (!strcmp(l->kind, "bridge") || !strcmp(l->kind, "openvswitch"))
		return "a bridge (the host's own port of a software switch)";
	return NULL;
}

/* A device with a master (a bridge's, bond's, team's, VRF's or Open vSwitch's port) is owned
 * by it: the master's rx_handler takes what arrives, and what is sent by the port alone
 * bypasses it (a bond's choice of port, a bridge's learning). It can be neither a VM's link
 * nor the NIC's port to the wire, whatever the master is: the admin releases it first. */
static const char *nsw_link_enslaved(const struct nsw_link *l)
{
	static char buf[160];
	if (!l->master)
		return NULL;
	struct nsw_link m;
	char mname[IF_NAMESIZE] = "";
	int r = nsw_link_get(l->master, &m); /* zeroes m first, whatever it returns */
	if (!r)
		snprintf(mname, sizeof mname, "%s", m.name);
	snprintf(buf, sizeof buf, "a port of %s %s (its master owns it: ip link set %s nomaster "
		 "first)", m.kind[0] ? m.kind : "device", mname[0] ? mname : "?",
		 l->name[0] ? l->name : "DEV");
	return buf;
}

const char *nsw_link_owned(uint32_t ifindex, bool *unread)
{
	struct nsw_link l;
	int r = nsw_link_get(ifindex, &l);
	if (r == -ENODEV)
		return NULL; /* gone: the follow pass sees that on its own */
	if (r) {
		*unread = true;
		return NULL;
	}
	return nsw_link_enslaved(&l);
}

const char *nsw_link_not_vf(const struct nsw_link *l)
{
	const char *why = nsw_link_not_port(l);
	if (why)
		return why;
	static char buf[64];
	/* The master first, as for an uplink: its callers add how to release it to that message. */
	why = nsw_link_enslaved(l);
	if (why)
		return why;
	if (!strcmp(l->kind, "bond") || !strcmp(l->kind, "team"))
		return "a bond (an aggregate of ports), not a veth or a tap";
	if (!strcmp(l->kind, "veth") || (!strcmp(l->kind, "tun") && l->tun_type == IFF_TAP))
		return NULL;
	snprintf(buf, sizeof buf, "a %s device, not a veth or a tap", l->kind[0] ? l->kind : "physical");
	return buf;
}

const char *nsw_link_not_uplink(const struct nsw_link *l)
{
	const char *why = nsw_link_not_port(l);
	if (why)
		return why;
	why = nsw_link_enslaved(l);
	if (why)
		return why;
	/* Ethernet, but a sink or a router, not a wire. */
	static const char *const not_wires[] = {"dummy", "ifb", "vrf", "nlmon"};
	for (size_t i = 0; i < sizeof not_wires / sizeof *not_wires; i++)
		if (!strcmp(l->kind, not_wires[i])) {
			static char buf[64];
			snprintf(buf, sizeof buf, "a %s device, not a link to a network", l->kind);
			return buf;
		}
	return NULL;
}

static int nsw_nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof(struct rtgenmsg))
		if (mnl_attr_get_type(a) == NETNSA_NSID)
			*(int32_t *)data = (int32_t)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

/* The id the current namespace gives the namespace open at fd, or -1. */
static int32_t nsw_nsid_of(int fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int32_t id = -1;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof *g);
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)fd);
	return nsw_nl_talk(nlh, nsw_nsid_cb, &id) ? -1 : id;
}

static int nsw_link_set_mac_here(uint32_t ifindex, uint64_t mac)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint8_t addr[6];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	for (int i = 0; i < 6; i++)
		addr[i] = (uint8_t)(mac >> (8 * (5 - i)));
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof addr, addr);
	return nsw_nl_talk(nlh, NULL, NULL);
}

int nsw_link_set_up(uint32_t ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return nsw_nl_talk(nlh, NULL, NULL);
}

/* A peer in another namespace is reached by entering it: netlink's target-netnsid would move
 * the device instead. The namespace is found among the named ones (/run/netns), matched by the
 * id this namespace gives it. */
int nsw_link_set_mac(uint32_t ifindex, int32_t netnsid, uint64_t mac)
{
	if (netnsid < 0)
		return nsw_link_set_mac_here(ifindex, mac);
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), target = -1, ret;
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	while (d && target < 0 && (e = readdir(d))) {
		char path[300];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/run/netns/%s", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && nsw_nsid_of(fd) == netnsid)
			target = fd;
		else if (fd >= 0)
			close(fd);
	}
	if (d)
		closedir(d);
	if (self < 0 || target < 0) {
		if (self >= 0)
			close(self);
		return -ENOENT;
	}
	ret = setns(target, CLONE_NEWNET) ? -errno : nsw_link_set_mac_here(ifindex, mac);
	if (setns(self, CLONE_NEWNET))
		nsw_fail("cannot return to my network namespace: %s", strerror(errno));
	close(self);
	close(target);
	return ret;
}
