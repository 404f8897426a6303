/* nsw_frame.bpf.h - the per-frame context of the data path: what the programs (nsw_tc.bpf.c)
 * know of one frame, handed down to every stage (ACL, SPAN, capture, policer, flood, counters)
 * instead of its parts one by one. Kernel only. Lives on the program's stack, which the tc
 * program shares with its subprograms and the flood's bpf_loop callback, 512 octets in all:
 * add a field only when a stage needs it, and keep it small. */
#ifndef NSW_FRAME_BPF_H
#define NSW_FRAME_BPF_H

#include "nsw_types.h"
#include "nsw_maps.h"

struct nsw_dp_frame {
	struct nsw_frame f;   /* the header, as the core parsed it */
	struct nsw_verdict v; /* the core's decision; a stage may turn it into a drop */
	struct nsw_port in;   /* the port the frame came in on */
	__u32 feat;           /* NSW_FEAT_* in use on the NIC */
	__u16 acl_in_done;    /* nsw_acl_lane judged the sender's rules (and counted the hit) */
	__u16 acl_mirror;     /* the sender's rule said mirror to this VF slot + 1 */
	/* The counters' handle (nsw_counters.bpf.h): set by nsw_cnt_open, once per frame. */
	__u32 cpu;
	struct nsw_stats_blk *s; /* this CPU's block of nsw_stats, or NULL */
};

#endif
