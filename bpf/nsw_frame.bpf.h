/* nsw_frame.bpf.h - the per-frame context of the data path: what the programs (nsw_tc.bpf.c)
 * know of one frame, handed down to every stage (ACL, SPAN, capture, policer, flood, counters)
 * instead of its parts one by one. Kernel only. Lives on the program's stack, which the tc
 * program shares with its subprograms and the flood's bpf_loop callback, 512 octets in all:
 * add a field only when a stage needs it, and keep it small. */
#ifndef NSW_FRAME_BPF_H
#define NSW_FRAME_BPF_H

#include "nsw_types.h"
#include "nsw_maps.h"

/* What a port VLAN asks of the stages (struct nsw_dp_frame.vlan_op, nsw_vlan.bpf.h). */
#define NSW_VP_OFF 1u  /* the tag is not on the frame: stages that show it add it */
#define NSW_VP_PUSH 2u /* it goes on when the frame leaves by the port */
#define NSW_VP_POP 4u  /* it comes off on the way into the VFs */

struct nsw_dp_frame {
	struct nsw_frame f;   /* the header, as the core parsed it */
	struct nsw_verdict v; /* the core's decision; a stage may turn it into a drop */
	struct nsw_port in;   /* the port the frame came in on */
	__u32 feat;           /* NSW_FEAT_* in use on the NIC */
	__u16 acl_in_done;    /* nsw_acl_lane judged the sender's rules (and counted the hit) */
	__u16 acl_mirror;     /* the sender's rule said mirror to this VF slot + 1 */
	/* The counters' handle (nsw_counters.bpf.h): set by nsw_cnt_open, once per frame. */
	__u32 cpu;
	/* NSW_VP_* (nsw_vlan.bpf.h): what the frame's port VLAN v.vlan asks of the stages.
	 * NSW_VP_OFF: its tag is not on the frame (from a VF, until it leaves by the port; from
	 * the port, once taken off for the VFs), and stages that show the frame (ACL key,
	 * capture, SPAN) add it. */
	__u16 vlan_op;
	struct nsw_stats_blk *s; /* this CPU's block of nsw_stats, or NULL */
};

#endif
