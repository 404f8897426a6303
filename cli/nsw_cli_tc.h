/* nsw_cli_tc.h - what the CLI reads and removes of a device's tc setup over netlink (libmnl):
 * the clsact qdisc, the filters on it, and nswitch's own bpf filter. The callers prove a
 * filter is nswitch's by its program id before removing it; see nsw_cli_tc.c. */
#ifndef NSW_CLI_TC_H
#define NSW_CLI_TC_H

#include <stdbool.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/* One netlink request on a fresh socket; cb sees each answer. 0 or -errno. */
int nsw_nl_talk(struct nlmsghdr *req, mnl_cb_t cb, void *data);

/* A tc request (tcmsg header filled) at the start of buf, which holds MNL_SOCKET_BUFFER_SIZE. */
struct nlmsghdr *nsw_tc_msg(char *buf, uint16_t type, uint16_t flags, uint32_t ifindex,
			    uint32_t parent, uint32_t handle, uint32_t info);

struct nsw_tc_view {
	bool clsact;         /* the device has a clsact qdisc */
	unsigned filters;    /* filters on its ingress and egress, whoever made them */
	bool at_ours;        /* a filter sits at nswitch's handle and priority on ingress */
	bool at_ours_bpf;    /* ... and it is a bpf filter */
	uint32_t at_ours_id; /* ... running this program id */
	/* A filter at nswitch's priority on ingress that nswitch's cannot sit beside: the kernel
	 * keeps one classifier kind and protocol per priority (its kind and protocol). */
	bool prio_taken;
	char prio_kind[16];
	uint16_t prio_proto; /* host order */
};

/* The tc setup of ifindex in the current network namespace; 0 or -errno. */
int nsw_tc_view(uint32_t ifindex, struct nsw_tc_view *v);
/* Removes the bpf filter at nswitch's handle and priority on ifindex's ingress; 0 or -errno. */
int nsw_tc_filter_del(uint32_t ifindex);
/* Removes ifindex's clsact qdisc (and with it every filter on it); 0 or -errno. */
int nsw_clsact_del(uint32_t ifindex);

#endif
