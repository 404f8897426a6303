/* nsw_cmd_qos.c - the `qos` command: set, del and show a VF's limits (what the VF is given, in
 * bit/s with its 802.1p classes in strict priority under the rate, and in packets/s). The
 * kernel side (qdisc, classes, filter, undo) is cli/nsw_qos_nl.c's; this file parses, checks
 * the NIC and the VF, and records the policer's state in the NIC's nsw_qos map. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsw_cli.h"
#include "nsw_cli_words.h"
#include "nsw_qos_nl.h"
#include "nsw_cmd.h"
#include "nsw_save.h"
#include "../bpf/nsw_qos.h"

/* ---- arguments and output ---- */

static void nsw_rate_fmt(uint64_t bits, char *out, size_t len)
{
	static const struct {
		const char *u;
		uint64_t m;
	} units[] = {{"tbit", 1000000000000ull}, {"gbit", 1000000000ull}, {"mbit", 1000000ull},
		     {"kbit", 1000ull}};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (bits >= units[i].m) {
			if (bits % units[i].m == 0)
				snprintf(out, len, "%llu%s", (unsigned long long)(bits / units[i].m), units[i].u);
			else
				snprintf(out, len, "%.6g%s", (double)bits / (double)units[i].m, units[i].u);
			return;
		}
	snprintf(out, len, "%llubit", (unsigned long long)bits);
}

struct nsw_qos_args {
	unsigned pf, vf;
	uint64_t rate, pps, burst; /* rate in bit/s */
};

/* The values of qos set's or qos del's words (the tables say which each takes). */
static void nsw_qos_args_get(const struct nsw_arg_val *v, bool set, struct nsw_qos_args *a)
{
	memset(a, 0, sizeof *a);
	a->pf = (unsigned)v[NSW_W_QOS_PF].u;
	a->vf = (unsigned)v[NSW_W_QOS_VF].u;
	a->rate = v[NSW_W_QOS_RATE].u;
	a->pps = v[NSW_W_QOS_PPS].u;
	a->burst = v[NSW_W_QOS_BURST].u;
	if (a->rate && (a->rate / 8 < NSW_QOS_MIN_BPS || a->rate / 8 > NSW_QOS_MAX_BPS))
		nsw_fail("qos: rate \"%llubit\" out of range: 8kbit to 10tbit",
			 (unsigned long long)a->rate);
	if (v[NSW_W_QOS_PPS].set && !a->pps)
		nsw_fail("qos: invalid pps \"0\": a rate of zero");
	if (v[NSW_W_QOS_BURST].set && !a->burst)
		nsw_fail("qos: invalid burst \"0\"");
	if (set && !a->rate && !a->pps)
		nsw_fail("qos set: give a rate, a pps, or both");
	if (set && a->burst && !a->pps)
		nsw_fail("qos set: burst is the packet-rate policer's: give pps too");
}

/* The VF's host-end device, or 0 when it has none. */
static uint32_t nsw_qos_vf_dev(struct nsw_cli_nic *n, unsigned pf, unsigned vf, char *dev)
{
	uint32_t slot = nsw_vf_slot(pf, vf), ifi = 0;
	bpf_map_lookup_elem(n->fd_vf_dev, &slot, &ifi);
	if (!ifi || !if_indextoname(ifi, dev))
		return 0;
	return ifi;
}

/* A VF's limits as they are: its policer record, its device (none: ifi 0), nswitch's qdisc and
 * classes on it, and its rate in bit/s: the htb class's, or the one recorded for a VF waiting
 * for its device (made when the device comes). False when it has no limit. qos show and save
 * read a VF through this alone. */
struct nsw_qos_view {
	struct nsw_qos q;
	uint32_t ifi;
	char dev[IF_NAMESIZE];
	struct nsw_qdisc qd;
	struct nsw_htb_classes cs;
	const struct nsw_htb_class *vc; /* nswitch's root class on the device, or NULL */
	uint64_t bits;
};

static bool nsw_qos_view(struct nsw_cli_nic *n, int fd_qos, uint32_t slot, struct nsw_qos_view *v,
			 const char *who)
{
	char e[256];
	memset(v, 0, sizeof *v);
	bpf_map_lookup_elem(fd_qos, &slot, &v->q);
	v->ifi = nsw_qos_vf_dev(n, slot / NSW_MAX_VFS, slot % NSW_MAX_VFS, v->dev);
	bool failed = v->ifi && (nsw_root_qdisc(v->ifi, &v->qd, e, sizeof e) ||
				 (v->q.rate_ifindex == v->ifi && nsw_qdisc_is_ours(&v->qd) &&
				  nsw_our_classes(v->ifi, &v->cs, e, sizeof e)));
	v->vc = failed ? NULL : nsw_class_find(&v->cs, NSW_QOS_ROOT_CLASS);
	/* A device that goes as it is read loses its qdiscs before its ifindex: a read that
	 * failed, or found no rate where the record says nswitch made one, may be that. Then
	 * the VF waits for its device (the watcher unbinds it), its rate the recorded one. */
	bool missing = v->ifi && !v->vc && v->q.rate_bytes && v->q.rate_ifindex == v->ifi;
	if ((failed || missing) && nsw_link_gone(v->ifi)) {
		memset(&v->qd, 0, sizeof v->qd);
		memset(&v->cs, 0, sizeof v->cs);
		v->ifi = 0;
	} else if (failed) {
		nsw_fail("%s: cannot read the qdiscs of %s: %s", who, v->dev, e);
	}
	v->bits = v->vc ? nsw_class_rate(v->vc) * 8 : !v->ifi ? v->q.rate_bytes * 8 : 0;
	return v->vc || v->q.pps || v->bits;
}

/* ---- the verbs ---- */

static void nsw_qos_show(struct nsw_cli_nic *n)
{
	int fd_qos = nsw_nic_map(n, "nsw_qos");
	char rate[32];
	nsw_print_arr_open(NULL);
	for (uint32_t slot = 0; slot < NSW_NVF_SLOTS; slot++) {
		unsigned pf = slot / NSW_MAX_VFS, vf = slot % NSW_MAX_VFS;
		if (!(n->st->vf[pf][vf] & NSW_VF_EN))
			continue;
		struct nsw_qos_view qv;
		if (!nsw_qos_view(n, fd_qos, slot, &qv, "qos show"))
			continue;
		/* A limit not set is absent: no rate without nswitch's htb class, no pps without
		 * the policer, and no scheduler (drops, classes) without a rate. */
		if (qv.bits)
			nsw_rate_fmt(qv.bits, rate, sizeof rate);
		nsw_print_obj_open(NULL);
		nsw_print_uint(NSW_PR_ANY, "pf", "vf %llu", pf);
		nsw_print_uint(NSW_PR_ANY, "vf", ",%llu", vf);
		nsw_print_str(NSW_PR_ANY, "dev", " dev %s", qv.ifi ? qv.dev : NULL);
		if (qv.bits)
			nsw_print_str(NSW_PR_ANY, "rate", " rate %s", rate);
		else
			nsw_print_absent(NSW_PR_ANY, "rate", " rate %s");
		if (qv.vc)
			nsw_print_uint(NSW_PR_ANY, "rate_bps", " (%llu bit/s, 802.1p strict priority)",
				       qv.bits);
		if (qv.q.pps)
			nsw_print_uint(NSW_PR_ANY, "pps", " pps %llu", qv.q.pps);
		else
			nsw_print_absent(NSW_PR_ANY, "pps", " pps %s");
		if (qv.vc)
			nsw_print_uint(NSW_PR_ANY, "qdisc_drops", "; dropped by the scheduler %llu",
				       qv.qd.st.drops);
		nsw_print_text("\n");
		nsw_print_arr_open("classes");
		for (int p = 7; qv.vc && p >= 0; p--) {
			const struct nsw_htb_class *c = nsw_class_find(&qv.cs, NSW_QOS_CLASSID((unsigned)p));
			if (!c)
				continue;
			nsw_print_obj_open(NULL);
			nsw_print_uint(NSW_PR_ANY, "pcp", "    pcp %llu:", (unsigned)p);
			nsw_print_uint(NSW_PR_ANY, "pkts", " %llu frames,", c->st.pkts);
			nsw_print_uint(NSW_PR_ANY, "bytes", " %llu bytes sent,", c->st.bytes);
			nsw_print_uint(NSW_PR_ANY, "drops", " %llu dropped\n", c->st.drops);
			nsw_print_obj_close();
		}
		nsw_print_arr_close();
		nsw_print_obj_close();
	}
	nsw_print_arr_close();
	nsw_print_end();
	close(fd_qos);
}

static void nsw_qos_set(struct nsw_cli_nic *n, const struct nsw_qos_args *a)
{
	char dev[IF_NAMESIZE], err[512];
	if (!(n->st->vf[a->pf][a->vf] & NSW_VF_EN))
		nsw_fail("qos: no VF %u,%u", a->pf, a->vf);
	if (n->meta.mode != NSW_MODE_TC)
		nsw_fail("qos: NIC %s is in mode %s, which bypasses the host-side scheduler; "
			 "use mode tc", n->name, n->meta.mode == NSW_MODE_XDP ? "xdp" : "tc-peer");
	uint32_t ifi = nsw_qos_vf_dev(n, a->pf, a->vf, dev);
	int fd_qos = nsw_nic_map(n, "nsw_qos");
	uint32_t slot = nsw_vf_slot(a->pf, a->vf);
	struct nsw_qos q = {0}, old;
	bpf_map_lookup_elem(fd_qos, &slot, &q);
	old = q;
	if (a->rate)
		q.rate_bytes = a->rate / 8;
	if (!ifi) {
		/* A VF waiting for its device: the limits are recorded, and the rate's qdisc is
		 * made on the device when the VF is given it (nsw_qos_reattach). */
		if (a->pps) {
			q.pps = a->pps;
			q.burst = a->burst ? a->burst : a->pps / 100 > 8 ? a->pps / 100 : 8;
			q.tokens = q.burst * 1000000000ull;
		}
		if (bpf_map_update_elem(fd_qos, &slot, &q, BPF_F_LOCK))
			nsw_fail("qos: cannot record the limits: %s", strerror(errno));
		close(fd_qos);
		nsw_features_refresh(n);
		return;
	}
	struct nsw_undo_log log = {0};
	/* The policer's record also names the device nswitch gives a rate: written before the
	 * qdisc is made, so a qdisc of nswitch's is always recorded (a set killed half-way
	 * included), and one that is not recorded is someone else's. It also lets the rate be
	 * found after the VF has lost its device (vf del). */
	bool recorded = q.rate_ifindex == ifi;
	if (a->rate && !recorded) {
		q.rate_ifindex = ifi;
		if (bpf_map_update_elem(fd_qos, &slot, &q, BPF_F_LOCK))
			nsw_fail("qos: cannot record the rate's device: %s", strerror(errno));
	}
	/* Frames must meet the scheduler before it is there: off the peer path first. */
	if (a->rate)
		nsw_vf_path_off(n, a->pf, a->vf);
	if (a->rate && nsw_rate_apply(ifi, dev, a->rate / 8, recorded, &log, err, sizeof err)) {
		/* The device went as the rate was made (what was made went with it): the VF
		 * waits for its device as if it had none when the command began, and the rate,
		 * recorded, is made on the next one (nsw_qos_reattach: it names another device). */
		if (!nsw_link_gone(ifi)) {
			if (!recorded)
				bpf_map_update_elem(fd_qos, &slot, &old, BPF_F_LOCK);
			nsw_fail("qos: %s", err);
		}
		log.n = 0; /* nothing left to undo on a device that is gone */
	}
	bool write = a->pps != 0 || q.rate_bytes != old.rate_bytes;
	if (a->pps) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		q.pps = a->pps;
		q.burst = a->burst ? a->burst : a->pps / 100 > 8 ? a->pps / 100 : 8;
		q.tokens = q.burst * 1000000000ull;
		q.last_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	}
	if (write && bpf_map_update_elem(fd_qos, &slot, &q, BPF_F_LOCK)) {
		int e = errno;
		char ue[256] = "";
		if (nsw_undo_all(ifi, &log, ue, sizeof ue))
			nsw_fail("qos: cannot record the limits: %s; and undoing the rate failed: %s",
				 strerror(e), ue);
		nsw_fail("qos: cannot record the limits: %s", strerror(e));
	}
	close(fd_qos);
	nsw_features_refresh(n);
	nsw_vf_path_refresh(n, a->pf, a->vf);
}

/* Removes nswitch's qdisc from device ifi (which a VF's record names), if it has it. */
static void nsw_qos_del(struct nsw_cli_nic *n, const struct nsw_qos_args *a)
{
	char err[512];
	if (!(n->st->vf[a->pf][a->vf] & NSW_VF_EN))
		nsw_fail("qos: no VF %u,%u", a->pf, a->vf);
	if (nsw_qos_remove(n, a->pf, a->vf, err, sizeof err))
		nsw_fail("qos: %s", err);
	nsw_vf_path_refresh(n, a->pf, a->vf);
}

static void nsw_qos_show_cmd(const char *nic, const struct nsw_arg_val *args)
{
	struct nsw_cli_nic n;
	(void)args;
	nsw_nic_open(&n, nic);
	nsw_qos_show(&n);
	nsw_qos_nl_close();
	nsw_nic_close(&n);
}

static void nsw_qos_set_cmd(const char *nic, const struct nsw_arg_val *v)
{
	struct nsw_cli_nic n;
	struct nsw_qos_args a;
	nsw_qos_args_get(v, true, &a);
	nsw_nic_open(&n, nic);
	nsw_qos_set(&n, &a);
	nsw_qos_nl_close();
	nsw_nic_close(&n);
}

static void nsw_qos_del_cmd(const char *nic, const struct nsw_arg_val *v)
{
	struct nsw_cli_nic n;
	struct nsw_qos_args a;
	nsw_qos_args_get(v, false, &a);
	nsw_nic_open(&n, nic);
	nsw_qos_del(&n, &a);
	nsw_qos_nl_close();
	nsw_nic_close(&n);
}

/* Every VF's limits: the rate as nswitch's htb class has it (exact: in the largest unit that
 * divides it), the packet rate and its burst as the policer's record has them. */
void nsw_save_qos(struct nsw_cli_nic *n, struct nsw_save *s)
{
	static const struct {
		const char *u;
		uint64_t m;
	} units[] = {{"tbit", 1000000000000ull}, {"gbit", 1000000000ull}, {"mbit", 1000000ull},
		     {"kbit", 1000ull}, {"bit", 1}};
	int fd_qos = nsw_nic_map(n, "nsw_qos");
	for (uint32_t slot = 0; slot < NSW_NVF_SLOTS; slot++) {
		unsigned pf = slot / NSW_MAX_VFS, vf = slot % NSW_MAX_VFS;
		if (!(n->st->vf[pf][vf] & NSW_VF_EN))
			continue;
		struct nsw_qos_view qv;
		if (!nsw_qos_view(n, fd_qos, slot, &qv, "save"))
			continue;
		nsw_save_line(s, "qos set", n->name);
		nsw_save_word(s, "pf", "%u", pf);
		nsw_save_word(s, "vf", "%u", vf);
		if (qv.bits) {
			uint64_t bits = qv.bits;
			size_t u = 0;
			while (bits % units[u].m)
				u++;
			nsw_save_word(s, "rate", "%llu%s", (unsigned long long)(bits / units[u].m),
				      units[u].u);
		}
		if (qv.q.pps) {
			nsw_save_word(s, "pps", "%llu", (unsigned long long)qv.q.pps);
			nsw_save_word(s, "burst", "%llu", (unsigned long long)qv.q.burst);
		}
		nsw_save_end(s);
	}
	close(fd_qos);
	nsw_qos_nl_close();
}

const struct nsw_cmd nsw_cmds_qos[] = {
	{"set", NULL, nsw_qos_set_cmd, NSW_POS_NIC, nsw_words_qos, NSW_W_QOS_N,
	 "Limit what VF P,V is given to RATE (8kbit..10tbit, e.g. 100mbit: an htb root qdisc\n"
	 "4e53: on its device, the 802.1p classes in strict priority under the rate) and/or\n"
	 "N packets/s (lower classes dropped first). Mode tc only. Refused when the device\n"
	 "has a root qdisc nswitch did not make. The limits follow the VF: a VF waiting for\n"
	 "its device keeps them, and its rate's qdisc is made on the device it is given."},
	{"del", NULL, nsw_qos_del_cmd, NSW_POS_NIC, nsw_words_qos_del, NSW_W_QOS_N,
	 "Remove VF P,V's limits (nswitch's qdisc only)."},
	{"show", NULL, nsw_qos_show_cmd, NSW_POS_NIC, NULL, 0,
	 "Limits, and per 802.1p class what the scheduler sent."},
	{0},
};
