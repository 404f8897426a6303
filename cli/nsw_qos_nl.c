/* nsw_qos_nl.c - a VF's QoS on its device, over rtnetlink: what a VF is given, limited in
 * bit/s with its 802.1p classes in strict priority under the limit, and in packets/s. The `qos`
 * command (cli/nsw_cmd_qos.c) and the VF and NIC life cycle call it.
 *
 * Which traffic: a VF's rate limits what the VF is given, i.e. the frames the NIC delivers to
 * the VM (from other VFs, from the uplink, floods), as a NIC's per-VF scheduler would. In mode
 * tc the data path sets skb->priority to the frame's 802.1p class and redirects it to the
 * egress of the VF's host-end device, so the limit is a root qdisc there, on the way into the
 * VM. (Modes tc-peer and xdp skip that egress: refused.)
 *
 * The rate (see bpf/nsw_qos.h for the handles): htb root qdisc 4e53: ('NS', the mark of
 * nswitch's qdisc; a root with another handle or kind is an admin's, never touched), class
 * 4e53:1 at the VF's rate, and under it one leaf per 802.1p class p, 4e53:1p, of htb priority
 * 7 - p, each assured a thousandth of the rate and allowed all of it (ceil). htb lends the
 * spare rate to the lowest priority number first, so under contention class 7 is served
 * first, then 6, ...: strict priority, with no class starved for ever. The cls_bpf filter of
 * bpf/nsw_qos.bpf.c puts a frame in the leaf of its skb->priority.
 * The packets/s limit is the data path's policer (map nsw_qos), lower classes dropped first.
 *
 * Kernel interface: rtnetlink through libmnl (no tc process); an error carries the kernel's
 * own reason (extended ack). Invariants: only a root qdisc 4e53: of kind htb is nswitch's, and
 * only that is ever changed or deleted; a `qos set` that fails undoes each of its steps, in
 * reverse, so the device keeps exactly the qdiscs and classes it had. Written by the qos
 * command and by nsw_qos_vf_remove (for `vf del`); read by anyone. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <arpa/inet.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "nsw_cli.h"
#include "nsw_cli_tc.h"
#include "nsw_qos_nl.h"
#include "../bpf/nsw_qos.h"
#include "nsw_qos_cls.skel.h"

_Static_assert(NSW_QOS_MAJOR == NSW_TC_HANDLE, "nswitch marks its qdisc as it marks its filters");

#define NSW_PSCHED_SHIFT 6                /* the kernel's tick: 64 ns (PSCHED_TICKS2NS) */
#define NSW_QOS_QUANTUM 65536             /* one GSO frame per round; each prio has one leaf */
#define NSW_QOS_FILTER_PRIO 1
#define NSW_QOS_FILTER_HANDLE 1

/* ---- rtnetlink, with the kernel's reason on failure ---- */

static struct mnl_socket *nsw_qos_nl; /* opened in the NIC's namespace, on first use */
static unsigned nsw_qos_seq;

/* Closed after each use: the next caller may be in another NIC's namespace. */
void nsw_qos_nl_close(void)
{
	if (nsw_qos_nl)
		mnl_socket_close(nsw_qos_nl);
	nsw_qos_nl = NULL;
}

struct nsw_nl_err {
	char msg[200];
};

static int nsw_nl_err_attr(const struct nlattr *a, void *data)
{
	struct nsw_nl_err *e = data;
	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(e->msg, sizeof e->msg, "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/* Sends req and reads the answer to its end (ack, error or end of dump), giving every data
 * message to cb. Returns 0 or -errno, with err set to the kernel's message (or strerror). */
static int nsw_tc_talk(struct nlmsghdr *req, mnl_cb_t cb, void *data, char *err, size_t errlen)
{
	static char buf[32768]; /* a dump answer: MNL_SOCKET_DUMP_SIZE */
	struct nsw_nl_err e = {""};
	int ret = 0, one = 1;
	if (!nsw_qos_nl) {
		nsw_qos_nl = mnl_socket_open(NETLINK_ROUTE);
		if (!nsw_qos_nl || mnl_socket_bind(nsw_qos_nl, 0, MNL_SOCKET_AUTOPID) < 0) {
			ret = -errno;
			snprintf(err, errlen, "netlink: %s", strerror(errno));
			nsw_qos_nl_close();
			return ret;
		}
		/* The kernel's reason, and not our request echoed back with it. */
		mnl_socket_setsockopt(nsw_qos_nl, NETLINK_EXT_ACK, &one, sizeof one);
		mnl_socket_setsockopt(nsw_qos_nl, NETLINK_CAP_ACK, &one, sizeof one);
		nsw_qos_seq = (unsigned)time(NULL);
	}
	unsigned portid = mnl_socket_get_portid(nsw_qos_nl);
	req->nlmsg_seq = ++nsw_qos_seq;
	if (mnl_socket_sendto(nsw_qos_nl, req, req->nlmsg_len) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		return ret;
	}
	for (bool done = false; !done;) {
		ssize_t got = mnl_socket_recvfrom(nsw_qos_nl, buf, sizeof buf);
		int n = (int)got;
		if (got < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s", strerror(errno));
			return ret;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, n);
		     h = mnl_nlmsg_next(h, &n)) {
			if (h->nlmsg_seq != req->nlmsg_seq || h->nlmsg_pid != portid)
				continue; /* an answer to an earlier request */
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *me = mnl_nlmsg_get_payload(h);
				bool whole = mnl_nlmsg_get_payload_len(h) >= sizeof *me;
				ret = whole ? me->error : -EBADMSG;
				if (ret && whole && (h->nlmsg_flags & NLM_F_ACK_TLVS)) {
					/* The TLVs follow the error, and our request unless capped. */
					size_t off = sizeof *me;
					if (!(h->nlmsg_flags & NLM_F_CAPPED) &&
					    me->msg.nlmsg_len >= sizeof(struct nlmsghdr))
						off += me->msg.nlmsg_len - sizeof(struct nlmsghdr);
					if (mnl_nlmsg_get_payload_len(h) > off)
						mnl_attr_parse(h, (unsigned)off, nsw_nl_err_attr, &e);
				}
				done = true;
				break;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				if (mnl_nlmsg_get_payload_len(h) >= sizeof(int))
					ret = *(int *)mnl_nlmsg_get_payload(h);
				done = true;
				break;
			}
			if (cb && cb(h, data) < MNL_CB_OK) {
				ret = -EBADMSG;
				snprintf(e.msg, sizeof e.msg, "an answer nswitch could not read");
			}
		}
	}
	if (ret)
		snprintf(err, errlen, "%s", e.msg[0] ? e.msg : strerror(-ret));
	return ret;
}

/* ---- what is on a device ---- */

static void nsw_tc_stats_parse(const struct nlattr *stats2, struct nsw_tc_stats *s)
{
	const struct nlattr *a;
	mnl_attr_for_each_nested(a, stats2) {
		switch (mnl_attr_get_type(a)) {
		case TCA_STATS_BASIC:
			if (mnl_attr_get_payload_len(a) >= 12) {
				const struct gnet_stats_basic *b = mnl_attr_get_payload(a);
				s->bytes = b->bytes;
				if (!s->pkts)
					s->pkts = b->packets;
			}
			break;
		case TCA_STATS_PKT64:
			if (mnl_attr_get_payload_len(a) == 8)
				s->pkts = mnl_attr_get_u64(a);
			break;
		case TCA_STATS_QUEUE:
			if (mnl_attr_get_payload_len(a) >= sizeof(struct gnet_stats_queue))
				s->drops = ((const struct gnet_stats_queue *)mnl_attr_get_payload(a))->drops;
			break;
		}
	}
}

static int nsw_qdisc_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nsw_qdisc *q = data;
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	if (nlh->nlmsg_type != RTM_NEWQDISC || t->tcm_parent != TC_H_ROOT ||
	    (uint32_t)t->tcm_ifindex != q->ifindex)
		return MNL_CB_OK;
	q->found = true;
	q->handle = t->tcm_handle;
	mnl_attr_for_each(a, nlh, sizeof *t) {
		if (mnl_attr_get_type(a) == TCA_KIND && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(q->kind, sizeof q->kind, "%s", mnl_attr_get_str(a));
		else if (mnl_attr_get_type(a) == TCA_STATS2)
			nsw_tc_stats_parse(a, &q->st);
	}
	return MNL_CB_OK;
}

/* The root qdisc of the device. The kernel's default root (noqueue, pfifo_fast, mq...) has
 * handle 0, or is not reported at all (found false): nothing anyone made. A dump, filtered
 * here: a plain get answers only with NLM_F_ECHO, and not at all for a hidden default. */
int nsw_root_qdisc(uint32_t ifi, struct nsw_qdisc *q, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	memset(q, 0, sizeof *q);
	q->ifindex = ifi;
	struct nlmsghdr *nlh = nsw_tc_msg(buf, RTM_GETQDISC, NLM_F_DUMP, ifi, 0, 0, 0);
	return nsw_tc_talk(nlh, nsw_qdisc_cb, q, err, errlen);
}

bool nsw_qdisc_is_ours(const struct nsw_qdisc *q)
{
	return q->found && q->handle == NSW_QOS_HANDLE && !strcmp(q->kind, "htb");
}

static int nsw_class_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nsw_htb_classes *cs = data;
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *o;
	if (nlh->nlmsg_type != RTM_NEWTCLASS || TC_H_MAJ(t->tcm_handle) != NSW_QOS_HANDLE ||
	    cs->n >= (int)(sizeof cs->c / sizeof *cs->c))
		return MNL_CB_OK;
	struct nsw_htb_class *c = &cs->c[cs->n];
	memset(c, 0, sizeof *c);
	c->classid = t->tcm_handle;
	c->parent = t->tcm_parent;
	bool have_opt = false;
	mnl_attr_for_each(a, nlh, sizeof *t) {
		if (mnl_attr_get_type(a) == TCA_STATS2)
			nsw_tc_stats_parse(a, &c->st);
		if (mnl_attr_get_type(a) != TCA_OPTIONS)
			continue;
		mnl_attr_for_each_nested(o, a) {
			switch (mnl_attr_get_type(o)) {
			case TCA_HTB_PARMS:
				if (mnl_attr_get_payload_len(o) >= sizeof c->opt) {
					memcpy(&c->opt, mnl_attr_get_payload(o), sizeof c->opt);
					have_opt = true;
				}
				break;
			case TCA_HTB_RATE64:
				if (mnl_attr_get_payload_len(o) == 8)
					c->rate64 = mnl_attr_get_u64(o);
				break;
			case TCA_HTB_CEIL64:
				if (mnl_attr_get_payload_len(o) == 8)
					c->ceil64 = mnl_attr_get_u64(o);
				break;
			}
		}
	}
	if (have_opt)
		cs->n++;
	return MNL_CB_OK;
}

/* nswitch's classes on the device (those of qdisc 4e53:). */
int nsw_our_classes(uint32_t ifi, struct nsw_htb_classes *cs, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	cs->n = 0;
	struct nlmsghdr *nlh = nsw_tc_msg(buf, RTM_GETTCLASS, NLM_F_DUMP, ifi, NSW_QOS_HANDLE, 0, 0);
	return nsw_tc_talk(nlh, nsw_class_cb, cs, err, errlen);
}

const struct nsw_htb_class *nsw_class_find(const struct nsw_htb_classes *cs, uint32_t id)
{
	for (int i = 0; i < cs->n; i++)
		if (cs->c[i].classid == id)
			return &cs->c[i];
	return NULL;
}

uint64_t nsw_class_rate(const struct nsw_htb_class *c)
{
	return c->rate64 ? c->rate64 : c->opt.rate.rate;
}

/* ---- changing the device ---- */

static int nsw_class_put(uint32_t ifi, const struct nsw_htb_class *c, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	/* CREATE without EXCL: makes the class, or changes the one there in place. */
	struct nlmsghdr *nlh = nsw_tc_msg(buf, RTM_NEWTCLASS, NLM_F_ACK | NLM_F_CREATE, ifi,
					  c->parent, c->classid, 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "htb");
	struct nlattr *o = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_HTB_PARMS, sizeof c->opt, &c->opt);
	if (c->rate64 > UINT32_MAX)
		mnl_attr_put_u64(nlh, TCA_HTB_RATE64, c->rate64);
	if (c->ceil64 > UINT32_MAX)
		mnl_attr_put_u64(nlh, TCA_HTB_CEIL64, c->ceil64);
	mnl_attr_nest_end(nlh, o);
	return nsw_tc_talk(nlh, NULL, NULL, err, errlen);
}

static int nsw_class_del(uint32_t ifi, uint32_t classid, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nsw_tc_msg(buf, RTM_DELTCLASS, NLM_F_ACK, ifi, 0, classid, 0);
	return nsw_tc_talk(nlh, NULL, NULL, err, errlen);
}

static int nsw_qdisc_add(uint32_t ifi, uint32_t defcls, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	/* EXCL and no REPLACE: the kernel itself refuses to replace a root someone made. */
	struct nlmsghdr *nlh = nsw_tc_msg(buf, RTM_NEWQDISC, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
					  ifi, TC_H_ROOT, NSW_QOS_HANDLE, 0);
	struct tc_htb_glob g = {.version = 3, .rate2quantum = 10, .defcls = defcls};
	mnl_attr_put_strz(nlh, TCA_KIND, "htb");
	struct nlattr *o = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_HTB_INIT, sizeof g, &g);
	mnl_attr_nest_end(nlh, o);
	return nsw_tc_talk(nlh, NULL, NULL, err, errlen);
}

/* Deletes the root qdisc only if it is nswitch's: the kernel checks handle and kind. */
static int nsw_qdisc_del(uint32_t ifi, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nsw_tc_msg(buf, RTM_DELQDISC, NLM_F_ACK, ifi, TC_H_ROOT,
					  NSW_QOS_HANDLE, 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "htb");
	return nsw_tc_talk(nlh, NULL, NULL, err, errlen);
}

static int nsw_filter_add(uint32_t ifi, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	libbpf_set_print(NULL);
	struct nsw_qos_cls *skel = nsw_qos_cls__open_and_load();
	if (!skel) {
		int r = -errno;
		snprintf(err, errlen, "cannot load the classifier: %s", strerror(errno));
		return r ? r : -EINVAL;
	}
	struct nlmsghdr *nlh = nsw_tc_msg(
		buf, RTM_NEWTFILTER, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, ifi, NSW_QOS_HANDLE,
		NSW_QOS_FILTER_HANDLE, TC_H_MAKE((uint32_t)NSW_QOS_FILTER_PRIO << 16, htons(ETH_P_ALL)));
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	struct nlattr *o = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u32(nlh, TCA_BPF_FD, (uint32_t)bpf_program__fd(skel->progs.nsw_qos_classify));
	mnl_attr_put_strz(nlh, TCA_BPF_NAME, "nsw_qos_classify");
	mnl_attr_nest_end(nlh, o);
	int r = nsw_tc_talk(nlh, NULL, NULL, err, errlen);
	nsw_qos_cls__destroy(skel); /* the filter holds the program now */
	return r;
}

static int nsw_filter_del(uint32_t ifi, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nsw_tc_msg(
		buf, RTM_DELTFILTER, NLM_F_ACK, ifi, NSW_QOS_HANDLE, NSW_QOS_FILTER_HANDLE,
		TC_H_MAKE((uint32_t)NSW_QOS_FILTER_PRIO << 16, htons(ETH_P_ALL)));
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	return nsw_tc_talk(nlh, NULL, NULL, err, errlen);
}

struct nsw_filter_seen {
	bool found;
};

static int nsw_filter_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *t = mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_type == RTM_NEWTFILTER && t->tcm_handle == NSW_QOS_FILTER_HANDLE &&
	    TC_H_MAJ(t->tcm_info) >> 16 == NSW_QOS_FILTER_PRIO)
		((struct nsw_filter_seen *)data)->found = true;
	return MNL_CB_OK;
}

static int nsw_filter_present(uint32_t ifi, bool *found, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nsw_filter_seen s = {false};
	struct nlmsghdr *nlh = nsw_tc_msg(buf, RTM_GETTFILTER, NLM_F_DUMP, ifi, NSW_QOS_HANDLE, 0, 0);
	int r = nsw_tc_talk(nlh, nsw_filter_cb, &s, err, errlen);
	*found = s.found;
	return r;
}

/* The class parameters of a VF rate of bps bytes/s: the VF's class, and the leaf of 802.1p
 * class pcp (pcp < 0: the VF's class). */
static struct nsw_htb_class nsw_class_plan(uint64_t bps, int pcp)
{
	struct nsw_htb_class c = {0};
	/* Bucket depth: 10 ms at the rate, and at least two full frames. */
	uint64_t ns = 10000000ull, two = 2ull * 1514 * 1000000000ull / bps;
	if (two > ns)
		ns = two;
	uint64_t rate = pcp < 0 ? bps : (bps / 1000 ? bps / 1000 : 1);
	c.classid = pcp < 0 ? NSW_QOS_ROOT_CLASS : NSW_QOS_CLASSID((unsigned)pcp);
	c.parent = pcp < 0 ? NSW_QOS_HANDLE : NSW_QOS_ROOT_CLASS;
	c.opt.rate.rate = rate > UINT32_MAX ? UINT32_MAX : (uint32_t)rate;
	c.opt.ceil.rate = bps > UINT32_MAX ? UINT32_MAX : (uint32_t)bps;
	/* A link layer named: the kernel computes the rate itself, no table needed. */
	c.opt.rate.linklayer = c.opt.ceil.linklayer = TC_LINKLAYER_ETHERNET;
	c.rate64 = rate;
	c.ceil64 = bps;
	c.opt.buffer = c.opt.cbuffer = (uint32_t)(ns >> NSW_PSCHED_SHIFT);
	c.opt.quantum = NSW_QOS_QUANTUM;
	c.opt.prio = pcp < 0 ? 0 : 7u - (unsigned)pcp;
	return c;
}

/* Takes back every step, last first. Returns 0, or the first failure (in err). */
int nsw_undo_all(uint32_t ifi, struct nsw_undo_log *log, char *err, size_t errlen)
{
	int first = 0;
	char e[256];
	for (int i = log->n - 1; i >= 0; i--) {
		const struct nsw_undo *u = &log->u[i];
		int r = 0;
		switch (u->kind) {
		case NSW_UNDO_QDISC:
			r = nsw_qdisc_del(ifi, e, sizeof e);
			break;
		case NSW_UNDO_CLASS_DEL:
			r = nsw_class_del(ifi, u->old.classid, e, sizeof e);
			break;
		case NSW_UNDO_CLASS_PUT: {
			/* As the kernel reported it: rates above 32 bits came in the 64-bit fields. */
			struct nsw_htb_class c = u->old;
			if (!c.rate64)
				c.rate64 = c.opt.rate.rate;
			if (!c.ceil64)
				c.ceil64 = c.opt.ceil.rate;
			r = nsw_class_put(ifi, &c, e, sizeof e);
			break;
		}
		case NSW_UNDO_FILTER:
			r = nsw_filter_del(ifi, e, sizeof e);
			break;
		}
		if (r && !first) {
			first = r;
			snprintf(err, errlen, "%s", e);
		}
	}
	log->n = 0;
	return first;
}

/* Makes the device's root the VF rate of bps bytes/s, nswitch's qdisc made or changed in
 * place. recorded: the VF's record names this device, so an htb 4e53: on it is the one
 * nswitch made (the handle alone proves nothing: an admin may pick it too). On failure
 * everything done is undone and the reason is in err. */
int nsw_rate_apply(uint32_t ifi, const char *dev, uint64_t bps, bool recorded,
			  struct nsw_undo_log *log, char *err, size_t errlen)
{
	struct nsw_qdisc q;
	struct nsw_htb_classes cs = {0};
	char e[256];
	int r = nsw_root_qdisc(ifi, &q, e, sizeof e);
	log->n = 0;
	if (r) {
		snprintf(err, errlen, "cannot read the qdiscs of %s: %s", dev, e);
		return r;
	}
	bool ours = recorded && nsw_qdisc_is_ours(&q);
	if (!ours && q.handle) {
		snprintf(err, errlen, "%s has a root qdisc nswitch did not make (%s %x:), left as it "
			 "is; remove it first", dev, q.kind, q.handle >> 16);
		return -EEXIST;
	}
	bool have_filter = false;
	if (ours && ((r = nsw_our_classes(ifi, &cs, e, sizeof e)) ||
		     (r = nsw_filter_present(ifi, &have_filter, e, sizeof e)))) {
		snprintf(err, errlen, "cannot read nswitch's qdisc on %s: %s", dev, e);
		return r;
	}
	if (!ours) {
		r = nsw_qdisc_add(ifi, NSW_QOS_CLASSID(0) & 0xffff, e, sizeof e);
		if (r) {
			snprintf(err, errlen, "cannot add an htb qdisc to %s: %s", dev, e);
			return r;
		}
		log->u[log->n++] = (struct nsw_undo){.kind = NSW_UNDO_QDISC};
	}
	for (int pcp = -1; pcp < NSW_QOS_NLEAVES; pcp++) {
		struct nsw_htb_class c = nsw_class_plan(bps, pcp);
		const struct nsw_htb_class *was = nsw_class_find(&cs, c.classid);
		r = nsw_class_put(ifi, &c, e, sizeof e);
		if (r) {
			snprintf(err, errlen, "cannot set htb class %x:%x on %s: %s", c.classid >> 16,
				 c.classid & 0xffff, dev, e);
			goto undo;
		}
		struct nsw_undo *u = &log->u[log->n++];
		u->kind = was ? NSW_UNDO_CLASS_PUT : NSW_UNDO_CLASS_DEL;
		u->old = was ? *was : c;
	}
	if (!have_filter) {
		r = nsw_filter_add(ifi, e, sizeof e);
		if (r) {
			snprintf(err, errlen, "cannot attach the 802.1p classifier on %s: %s", dev, e);
			goto undo;
		}
		log->u[log->n++] = (struct nsw_undo){.kind = NSW_UNDO_FILTER};
	}
	return 0;
undo:;
	char ue[256];
	size_t len = strlen(err);
	if (nsw_undo_all(ifi, log, ue, sizeof ue))
		snprintf(err + len, errlen - len, "; and undoing failed: %s", ue);
	return r;
}

static int nsw_rate_remove(uint32_t ifi, char *err, size_t errlen)
{
	char dev[IF_NAMESIZE], e[256];
	struct nsw_qdisc qd;
	if (!ifi || !if_indextoname(ifi, dev))
		return 0; /* no device, no qdisc */
	int r = nsw_root_qdisc(ifi, &qd, e, sizeof e);
	if (!r && nsw_qdisc_is_ours(&qd))
		r = nsw_qdisc_del(ifi, e, sizeof e);
	if (r)
		snprintf(err, errlen, "cannot remove nswitch's qdisc from %s: %s", dev, e);
	return r;
}

/* Removes VF pf,vf's rate (nswitch's qdisc, on the device recorded when the rate was set) and
 * its packet rate. Returns 0, or fills err. */
int nsw_qos_remove(struct nsw_cli_nic *n, unsigned pf, unsigned vf, char *err, size_t errlen)
{
	uint32_t slot = nsw_vf_slot(pf, vf);
	int fd_qos = nsw_nic_map(n, "nsw_qos");
	struct nsw_qos q = {0};
	bpf_map_lookup_elem(fd_qos, &slot, &q);
	/* Only the device the record names: an htb 4e53: anywhere else is not nswitch's. */
	int r = nsw_rate_remove(q.rate_ifindex, err, errlen);
	/* The record goes last: after a failure it still says where the qdisc is. */
	if (!r && (q.pps || q.rate_ifindex || q.rate_bytes)) {
		memset(&q, 0, sizeof q);
		if (bpf_map_update_elem(fd_qos, &slot, &q, BPF_F_LOCK)) {
			r = -errno;
			snprintf(err, errlen, "cannot clear the packet rate of VF %u,%u: %s", pf, vf,
				 strerror(errno));
		}
		nsw_features_refresh(n);
	}
	close(fd_qos);
	return r;
}

int nsw_qos_reattach(struct nsw_cli_nic *n, unsigned pf, unsigned vf, uint32_t ifi,
		     const char *dev, char *err, size_t errlen)
{
	uint32_t slot = nsw_vf_slot(pf, vf);
	int fd_qos = nsw_nic_map(n, "nsw_qos");
	struct nsw_qos q = {0};
	bpf_map_lookup_elem(fd_qos, &slot, &q);
	int r = 0;
	/* The same device given back (released by a master, renamed away and back) keeps its
	 * ifindex but lost nswitch's qdisc when it was detached: what is on it decides. */
	bool same = q.rate_ifindex == ifi, made = false;
	if (q.rate_bytes && same) {
		struct nsw_qdisc qd;
		char e[256];
		made = !nsw_root_qdisc(ifi, &qd, e, sizeof e) && nsw_qdisc_is_ours(&qd);
	}
	if (q.rate_bytes && !made) {
		/* Recorded first, as qos set does: a qdisc of nswitch's is always named. */
		q.rate_ifindex = ifi;
		if (!same && bpf_map_update_elem(fd_qos, &slot, &q, BPF_F_LOCK)) {
			r = -errno;
			snprintf(err, errlen, "cannot record the rate's device: %s", strerror(errno));
		} else {
			struct nsw_undo_log log = {0};
			nsw_vf_path_off(n, pf, vf);
			r = nsw_rate_apply(ifi, dev, q.rate_bytes, same, &log, err, errlen);
		}
	}
	close(fd_qos);
	nsw_qos_nl_close();
	return r;
}

void nsw_qos_dev_release(const char *nicdir, uint32_t ifindex)
{
	static struct nsw_qos recs[NSW_NVF_SLOTS];
	char path[192], err[512];
	snprintf(path, sizeof path, "%s/nsw_qos", nicdir);
	int fd = bpf_obj_get(path);
	bool named = false;
	if (fd >= 0 && !nsw_array_read(fd, NSW_NVF_SLOTS, sizeof *recs, recs))
		for (uint32_t s = 0; s < NSW_NVF_SLOTS && !named; s++)
			named = recs[s].rate_ifindex == ifindex;
	if (fd >= 0)
		close(fd);
	if (named && nsw_rate_remove(ifindex, err, sizeof err))
		fprintf(stderr, "nswitch: warning: %s\n", err);
	nsw_qos_nl_close();
}

void nsw_qos_vf_remove(struct nsw_cli_nic *n, unsigned pf, unsigned vf)
{
	char err[512];
	if (pf < NSW_MAX_PFS && vf < NSW_MAX_VFS && nsw_qos_remove(n, pf, vf, err, sizeof err))
		fprintf(stderr, "nswitch: warning: qos of VF %u,%u: %s\n", pf, vf, err);
	nsw_qos_nl_close();
}

/* ---- is anything on a device's egress (the peer path's condition) ---- */

static int nsw_any_filter_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWTFILTER)
		((struct nsw_filter_seen *)data)->found = true;
	return MNL_CB_OK;
}

int nsw_egress_busy(uint32_t ifi, bool *busy, char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nsw_qdisc q;
	*busy = true;
	int r = nsw_root_qdisc(ifi, &q, err, errlen);
	if (r)
		return r;
	/* The kernel's default for a veth is noqueue (reported with handle 0, or not at all). */
	if (q.found && (q.handle || strcmp(q.kind, "noqueue")))
		return 0;
	struct nsw_filter_seen s = {false};
	struct nlmsghdr *nlh = nsw_tc_msg(buf, RTM_GETTFILTER, NLM_F_DUMP, ifi,
					  TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS), 0, 0);
	r = nsw_tc_talk(nlh, nsw_any_filter_cb, &s, err, errlen);
	if (!r)
		*busy = s.found;
	return r;
}
