/* nsw_qos_nl.h - a VF's rate (nswitch's htb qdisc 4e53: and its classes) and packet rate, read
 * and changed over rtnetlink (cli/nsw_qos_nl.c). Only a root qdisc 4e53: of kind htb that a VF's
 * record names is nswitch's; every function here changes nothing else. For the qos command and
 * the VF and NIC life cycle. */
#ifndef NSW_QOS_NL_H
#define NSW_QOS_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/pkt_sched.h>

#include "nsw_cli.h"

#define NSW_QOS_MIN_BPS 1000ull           /* 8kbit: below it one frame takes seconds */
#define NSW_QOS_MAX_BPS 1250000000000ull  /* 10tbit */
#define NSW_QOS_NLEAVES 8

struct nsw_tc_stats {
	uint64_t bytes, pkts, drops;
};

struct nsw_qdisc {
	uint32_t ifindex; /* the device asked about */
	bool found;
	char kind[16];
	uint32_t handle;
	struct nsw_tc_stats st;
};

/* An htb class: what the kernel reports, and what we write back. */
struct nsw_htb_class {
	uint32_t classid, parent;
	struct tc_htb_opt opt;
	uint64_t rate64, ceil64; /* bytes/s */
	struct nsw_tc_stats st;
};

struct nsw_htb_classes {
	int n;
	struct nsw_htb_class c[16];
};

/* One step of a `qos set` and how to take it back. */
enum nsw_undo_kind { NSW_UNDO_QDISC, NSW_UNDO_CLASS_DEL, NSW_UNDO_CLASS_PUT, NSW_UNDO_FILTER };
struct nsw_undo {
	enum nsw_undo_kind kind;
	struct nsw_htb_class old; /* NSW_UNDO_CLASS_PUT: as it was; _DEL: its id */
};
struct nsw_undo_log {
	int n;
	struct nsw_undo u[2 + 1 + NSW_QOS_NLEAVES];
};

/* Closed after each use: the next caller may be in another NIC's namespace. */
void nsw_qos_nl_close(void);
/* The root qdisc of the device (found false: the kernel's default). 0 or -errno, err set. */
int nsw_root_qdisc(uint32_t ifi, struct nsw_qdisc *q, char *err, size_t errlen);
bool nsw_qdisc_is_ours(const struct nsw_qdisc *q);
/* The classes of nswitch's qdisc on the device. */
int nsw_our_classes(uint32_t ifi, struct nsw_htb_classes *cs, char *err, size_t errlen);
const struct nsw_htb_class *nsw_class_find(const struct nsw_htb_classes *cs, uint32_t id);
uint64_t nsw_class_rate(const struct nsw_htb_class *c); /* bytes/s */
/* Takes back every step of log, last first. Returns 0, or the first failure (in err). */
int nsw_undo_all(uint32_t ifi, struct nsw_undo_log *log, char *err, size_t errlen);
/* Makes the device's root the VF rate of bps bytes/s; recorded: the VF's record names this
 * device. On failure everything done is undone and the reason is in err. */
int nsw_rate_apply(uint32_t ifi, const char *dev, uint64_t bps, bool recorded,
		   struct nsw_undo_log *log, char *err, size_t errlen);
/* Removes VF pf,vf's rate and packet rate. Returns 0, or fills err. */
int nsw_qos_remove(struct nsw_cli_nic *n, unsigned pf, unsigned vf, char *err, size_t errlen);

/* busy: the device has something on its egress that a frame handed into its veth peer
 * directly would skip: a root qdisc anyone made (nswitch's rate included), or a filter on its
 * clsact's egress. On an error, busy (the careful answer) and the reason in err. */
int nsw_egress_busy(uint32_t ifi, bool *busy, char *err, size_t errlen);

#endif
