/* nsw_cli_tc.c - a device's tc setup as nswitch needs to see it before it removes anything:
 * whether it has a clsact qdisc, how many filters sit on it (anyone's), and which program the
 * filter at nswitch's handle and priority runs. Removal is by exact handle, priority, protocol
 * and kind, so a request never takes another filter with it.
 * Invariant: nothing here decides ownership; callers (nsw_nic.c) remove nswitch's filter
 * only after matching its program id with the NIC's pinned program, and a clsact only when the
 * NIC recorded that it made it and no filter is left on it. Owner: the NIC life cycle. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <arpa/inet.h>

#include "nsw_cli.h"
#include "nsw_cli_tc.h"

int nsw_nl_talk(struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	int ret = -1;
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	unsigned seq = (unsigned)time(NULL), portid = mnl_socket_get_portid(nl);
	req->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0)
		goto out;
	ssize_t n;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof buf)) > 0) {
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (ret <= MNL_CB_STOP)
			break;
	}
	ret = ret < 0 ? -errno : 0;
out:
	if (ret < 0 && errno == 0)
		ret = -EIO;
	mnl_socket_close(nl);
	return ret;
}

struct nsw_tc_dump {
	uint32_t ifindex;
	bool ingress;
	struct nsw_tc_view *v;
};

static int nsw_tc_filter_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nsw_tc_dump *d = data;
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *o;
	const char *kind = "";
	uint32_t id = 0;
	if (nlh->nlmsg_type != RTM_NEWTFILTER || (uint32_t)t->tcm_ifindex != d->ifindex ||
	    !t->tcm_handle)
		return MNL_CB_OK; /* handle 0: the classifier's own record, not a filter */
	d->v->filters++;
	mnl_attr_for_each(a, nlh, sizeof *t) {
		if (mnl_attr_get_type(a) == TCA_KIND)
			kind = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == TCA_OPTIONS)
			mnl_attr_for_each_nested(o, a)
				if (mnl_attr_get_type(o) == TCA_BPF_ID &&
				    mnl_attr_get_payload_len(o) == 4)
					id = mnl_attr_get_u32(o);
	}
	if (d->ingress && TC_H_MAJ(t->tcm_info) >> 16 == NSW_TC_PRIO &&
	    (strcmp(kind, "bpf") || TC_H_MIN(t->tcm_info) != htons(ETH_P_ALL))) {
		d->v->prio_taken = true;
		snprintf(d->v->prio_kind, sizeof d->v->prio_kind, "%s", kind);
		d->v->prio_proto = ntohs((uint16_t)TC_H_MIN(t->tcm_info));
	}
	if (d->ingress && t->tcm_handle == NSW_TC_HANDLE &&
	    TC_H_MAJ(t->tcm_info) >> 16 == NSW_TC_PRIO &&
	    TC_H_MIN(t->tcm_info) == htons(ETH_P_ALL)) {
		d->v->at_ours = true;
		d->v->at_ours_bpf = !strcmp(kind, "bpf");
		d->v->at_ours_id = d->v->at_ours_bpf ? id : 0;
	}
	return MNL_CB_OK;
}

static int nsw_qdisc_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nsw_tc_dump *d = data;
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	if (nlh->nlmsg_type != RTM_NEWQDISC || (uint32_t)t->tcm_ifindex != d->ifindex)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof *t)
		if (mnl_attr_get_type(a) == TCA_KIND && !strcmp(mnl_attr_get_str(a), "clsact"))
			d->v->clsact = true;
	return MNL_CB_OK;
}

struct nlmsghdr *nsw_tc_msg(char *buf, uint16_t type, uint16_t flags, uint32_t ifindex,
			    uint32_t parent, uint32_t handle, uint32_t info)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	struct tcmsg *t = mnl_nlmsg_put_extra_header(nlh, sizeof *t);
	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = (int)ifindex;
	t->tcm_parent = parent;
	t->tcm_handle = handle;
	t->tcm_info = info;
	return nlh;
}

int nsw_tc_view(uint32_t ifindex, struct nsw_tc_view *v)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nsw_tc_dump d = {.ifindex = ifindex, .v = v};
	memset(v, 0, sizeof *v);
	int r = nsw_nl_talk(nsw_tc_msg(buf, RTM_GETQDISC, NLM_F_DUMP, ifindex, 0, 0, 0),
			    nsw_qdisc_cb, &d);
	if (r || !v->clsact)
		return r;
	for (int dir = 0; dir < 2 && !r; dir++) {
		d.ingress = dir == 0;
		uint32_t parent = TC_H_MAKE(TC_H_CLSACT, dir ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS);
		r = nsw_nl_talk(nsw_tc_msg(buf, RTM_GETTFILTER, NLM_F_DUMP, ifindex, parent, 0, 0),
				nsw_tc_filter_cb, &d);
	}
	return r;
}

int nsw_tc_filter_del(uint32_t ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nsw_tc_msg(buf, RTM_DELTFILTER, NLM_F_ACK, ifindex,
					  TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS), NSW_TC_HANDLE,
					  TC_H_MAKE((uint32_t)NSW_TC_PRIO << 16, htons(ETH_P_ALL)));
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf"); /* the kernel refuses if another kind sits there */
	return nsw_nl_talk(nlh, NULL, NULL);
}

int nsw_clsact_del(uint32_t ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nsw_tc_msg(buf, RTM_DELQDISC, NLM_F_ACK, ifindex, TC_H_CLSACT,
					  TC_H_MAKE(TC_H_CLSACT, 0), 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "clsact");
	return nsw_nl_talk(nlh, NULL, NULL);
}
