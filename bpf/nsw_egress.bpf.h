/* nsw_egress.bpf.h - the way into a VF, shared by a unicast frame and each flood copy: the
 * receiver's egress ACL, the packet-rate policer, SPAN and capture of what it is given.
 * Kernel only. Invariant: a frame the stages refuse is not delivered and its reason is
 * returned for the caller to count (a unicast frame's late drop, a flood copy's drop). */
#ifndef NSW_EGRESS_BPF_H
#define NSW_EGRESS_BPF_H

#include "nsw_acl.bpf.h"
#include "nsw_policer.bpf.h"
#include "nsw_span.bpf.h"

/* What happens on the way of frame t into VF (pf, vf), whose egress ACL word is acl_word (0
 * when no set on the way was live, or sc is NULL): its ACL, the policer, SPAN and capture.
 * Returns 0 to deliver, or the drop reason. */
static __always_inline int nsw_egress_vf(struct __sk_buff *skb, const struct nsw_dp_frame *t,
					 __u32 pf, __u32 vf, struct nsw_scratch *sc, __u32 acl_word)
{
	__u32 slot = nsw_vf_slot(pf, vf);
	if (sc && (acl_word & NSW_ACL_LIVE)) {
		__u32 a = nsw_acl_judge(slot, NSW_ACL_OUT, acl_word, sc, skb->len);
		if (nsw_aclv_action(a) == NSW_ACLV_DROP)
			return nsw_aclv_reason(a);
		if (nsw_aclv_action(a) == NSW_ACLV_MIRROR)
			nsw_mirror_to(skb, t, nsw_aclv_mirror(a));
	}
	if ((t->feat & NSW_FEAT_QOS) && !nsw_qos_admit(slot, t->v.prio))
		return NSW_DROP_RATE;
	if (t->feat & NSW_FEAT_MIRROR)
		nsw_span(skb, t, pf, vf, NSW_MIRROR_OUT);
	if (t->feat & NSW_FEAT_CAPTURE)
		nsw_capture(skb, t, NSW_PORT_VF, pf, vf, NSW_MIRROR_OUT);
	return 0;
}

#endif
