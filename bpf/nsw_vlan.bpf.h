/* nsw_vlan.bpf.h - port VLANs on the frame itself: the tag the NIC adds when a frame of a VF
 * with a port VLAN leaves by a port, and takes off when a frame of that VLAN from the port goes
 * into its VFs (which VLAN, and whether at all, is the core's verdict.vlan). Kernel only, tc
 * hook (nsw_xdp passes such frames up to nsw_tc). Both helpers work on the tag the kernel keeps
 * out of band (skb->vlan_tci) when it can: a push onto a frame that already has one (a VM's
 * 802.1Q tag under an 802.1ad port VLAN) moves that one into the frame first, a pop takes the
 * out-of-band one, which is the outer tag.
 * Invariants: the tag is on the frame only from the port's side of the NIC; a stage that
 * shows the frame between (ACL key, capture, SPAN) adds it when t->vlan_op says it is not
 * on; a push or pop the kernel refuses is the caller's counted drop (tx_error). */
#ifndef NSW_VLAN_BPF_H
#define NSW_VLAN_BPF_H

#include <bpf/bpf_endian.h>

#include "nsw_decide.h"
#include "nsw_frame.bpf.h"

/* The tag operation itself, a global function: the verifier checks it once, on its own,
 * instead of once more along every path of every caller (the slow path's paths multiply).
 * tag: the TPID in bits 16..31 and the TCI in 0..15 to push, 0 to pop. */
__noinline int nsw_vlan_op(struct __sk_buff *skb, __u32 tag)
{
	if (!skb)
		return -1;
	if (!tag)
		return bpf_skb_vlan_pop(skb) ? -1 : 0;
	return bpf_skb_vlan_push(skb, bpf_htons((__u16)(tag >> 16)), (__u16)tag) ? -1 : 0;
}

/* Puts the tag of port VLAN v->vlan (the frame's priority as its PCP) on the frame. */
static __always_inline int nsw_vlan_push(struct __sk_buff *skb, const struct nsw_verdict *v)
{
	return nsw_vlan_op(skb, (__u32)nsw_vlan_tpid(v->vlan) << 16 | nsw_vlan_tci(v->vlan, v->prio));
}

/* Takes the outer tag (the port VLAN's) off the frame. */
static __always_inline int nsw_vlan_pop(struct __sk_buff *skb)
{
	return nsw_vlan_op(skb, 0);
}

/* A copy of the frame to device ifi (SPAN, a mirror rule) as it travels inside the NIC: with
 * the tag of port VLAN vlan (PCP prio) for a while when plan op says it is not on. 0, or -1
 * when the kernel refused the tag or the copy. Global, as nsw_vlan_op, and for its callers:
 * inlined at every mirror point, the tag's branches cost the verifier 150000 instructions. */
__noinline int nsw_vlan_clone(struct __sk_buff *skb, __u32 ifi, __u32 op, __u32 vlan, __u32 prio)
{
	if (!skb)
		return -1;
	__u32 tag = (__u32)nsw_vlan_tpid((uint16_t)vlan) << 16 | nsw_vlan_tci((uint16_t)vlan, (uint8_t)prio);
	if ((op & NSW_VP_OFF) && bpf_skb_vlan_push(skb, bpf_htons((__u16)(tag >> 16)), (__u16)tag))
		return -1;
	long r = bpf_clone_redirect(skb, ifi, 0);
	if (op & NSW_VP_OFF)
		bpf_skb_vlan_pop(skb);
	return r ? -1 : 0;
}

/* The port VLAN tag a capture shows in front of the frame (plan op, VLAN vlan, priority prio):
 * bits 0..15 its TCI, 16..17 its kind (struct nsw_capture_meta.pvlan), 18..20 the octets it
 * adds (4); 0 when the frame carries its tag or has none. Global for the verifier's sake, as
 * nsw_vlan_clone: the capture reads these fields with no branch of its own. */
__noinline __u32 nsw_vlan_shown(__u32 op, __u32 vlan, __u32 prio)
{
	if (!(op & NSW_VP_OFF))
		return 0;
	return 4u << 18 | ((vlan & NSW_VLAN_AD) ? 2u : 1u) << 16 |
	       nsw_vlan_tci((uint16_t)vlan, (uint8_t)prio);
}

/* Whether port VLAN plan op (t->vlan_op) has flag: the stages branch on this, a global
 * function's result, rather than on op itself, so that no branch teaches the verifier a bit of
 * op: the paths after each such branch then merge again, instead of doubling the rest of the
 * pipeline once per flag tested. */
__noinline __u32 nsw_vlan_has(__u32 op, __u32 flag)
{
	return op & flag;
}

/* Whether a flood found no VF of its VLAN (members 0), as a global function: its result is a
 * value the verifier does not trace back into the flood's loop, where a count that a branch
 * depended on would make every turn of the loop a state of its own (8193 jumps, refused). */
__noinline int nsw_vlan_nobody(__u32 members)
{
	return members == 0;
}

/* What the port VLAN asks of the data path for a frame that came in at a port of kind kind,
 * with verdict action and vlan (NSW_VP_*, t->vlan_op): from a VF, its tag is not on the frame
 * (OFF) and goes on when the frame leaves by the port (PUSH); from the port, it comes off on
 * the way into the VFs (POP). VF to VF inside a VLAN: nothing to do. A global function for
 * the verifier's sake: the stages branch on its result, not on the verdict's vlan, so the
 * paths of the pipeline do not double for every VLAN branch (the program's verification
 * stays far from the verifier's limit). The one test of the vlan is nsw_dp_decide's, which
 * calls this only when vlan is not 0 (for 0 the plan is 0 whatever the kind and action): a
 * call on every frame cost nsw_xdp 13-15 ns. */
__noinline __u32 nsw_vlan_plan(__u32 kind, __u32 action, __u32 vlan)
{
	if (!vlan || action == NSW_ACT_DROP)
		return kind == NSW_PORT_VF && vlan ? NSW_VP_OFF : 0;
	if (kind == NSW_PORT_VF)
		return NSW_VP_OFF | (action == NSW_ACT_VF ? 0 : NSW_VP_PUSH);
	return NSW_VP_POP;
}

#endif
