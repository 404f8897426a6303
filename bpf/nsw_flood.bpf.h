/* nsw_flood.bpf.h - a broadcast, multicast or unknown-unicast frame copied to every enabled VF
 * of the flooded PFs but its sender that is in the frame's VLAN (nsw_vlan_member), and out of
 * the uplink when the core says so (last: that copy gets the port VLAN's tag). Kernel
 * only. Each VF copy goes through the receiver's stages (nsw_egress.bpf.h) and, when the
 * sender's ACL has rules on targets, through the sender's rules for that copy alone.
 * Which VF a copy is for, and why a receiver gets none, is the core's (nsw_flood_to_vf).
 * Invariants: every copy made is counted (flood_copies, and the receiver's "to" counters);
 * every copy not made by reason (the core's: vf_state_down, no_device; no_device for an
 * uplink without its device; the ACL's or the policer's reason; tx_error), a VF's also in
 * its receive drops; the original frame is consumed (TC_ACT_SHOT) once its copies are out. */
#ifndef NSW_FLOOD_BPF_H
#define NSW_FLOOD_BPF_H

#include <linux/pkt_cls.h>

#include "nsw_egress.bpf.h"
#include "nsw_vlan.bpf.h"

struct nsw_flood_ctx {
	struct __sk_buff *skb;
	const struct nsw_dp_frame *t;
	const struct nsw_nic *nic;
	struct nsw_scratch *sc; /* the key's; NULL: no egress ACL live anywhere it was looked */
	__u32 in_word; /* the sender's (VF v.excl_pf, v.vf) active word when its set judges
			* each copy, else 0 */
	__u16 copies;  /* 16 bits: a frame has at most NSW_NVF_SLOTS + 1 copies, and the */
	__u16 failed;  /* context stays on the 512-octet stack the program's calls share */
	__u16 members; /* VFs of the frame's VLAN it was meant for, copied or not */
	__u16 pad;
};

/* The sender's rules on the copy to target (kind, pf, vf), judged alone: false when they
 * deny it (counted). */
static __always_inline bool nsw_flood_sender_allows(struct nsw_flood_ctx *c, __u8 kind,
						    __u32 pf, __u32 vf)
{
	const struct nsw_verdict *v = &c->t->v;
	nsw_acl_key_target(&c->sc->key, kind, pf, vf);
	__u32 a = nsw_acl_judge(nsw_vf_slot(v->excl_pf, v->vf), NSW_ACL_IN, c->in_word, c->sc,
				c->skb->len);
	if (nsw_aclv_action(a) == NSW_ACLV_DROP) {
		nsw_cnt_drop(c->t, nsw_aclv_reason(a));
		return false;
	}
	if (nsw_aclv_action(a) == NSW_ACLV_MIRROR)
		nsw_mirror_to(c->skb, c->t, nsw_aclv_mirror(a));
	return true;
}

/* One VF slot (pf * 256 + vf) of the NIC: whether the flood is for it, and whether it gets a
 * copy, is the core's nsw_flood_to_vf; a copy not made is counted by the core's reason (link
 * held down, no device) and in the VF's receive drops. One flat index keeps the verifier's
 * bounds simple. */
static long nsw_flood_vf(__u32 i, void *arg)
{
	struct nsw_flood_ctx *c = arg;
	__u32 slot = i & (NSW_NVF_SLOTS - 1), pf = slot / NSW_MAX_VFS, vf = slot % NSW_MAX_VFS;
	/* The device is looked up only where the core would copy given one: most slots are
	 * not the flood's (a lookup in each made the loop, the bulk of a flood's cost, some 30%
	 * slower). Without a device the core is asked again, for its reason. */
	__u8 r = nsw_flood_to_vf(c->nic, &c->t->v, pf, vf, true);
	if (r == NSW_FLOOD_OUTSIDE)
		return 0;
	c->members++;
	__u32 ifi = 0;
	if (r == NSW_DROP_NONE) {
		__u32 *dev = bpf_map_lookup_elem(&nsw_vf_dev, &slot);
		ifi = dev ? *dev : 0;
		if (!ifi)
			r = nsw_flood_to_vf(c->nic, &c->t->v, pf, vf, false);
	}
	if (r == NSW_FLOOD_OUTSIDE) /* the VF left the flood between the two reads */
		return 0;
	if (r != NSW_DROP_NONE) {
		nsw_cnt_drop(c->t, r);
		nsw_cnt_to_drop(c->t->cpu, pf, vf);
		return 0;
	}
	if (c->in_word && c->sc && !nsw_flood_sender_allows(c, NSW_PORT_VF, pf, vf))
		return 0;
	__u32 acl_word = c->sc ? nsw_acl_word(slot, NSW_ACL_OUT) : 0;
	int e = c->t->feat ? nsw_egress_vf(c->skb, c->t, pf, vf, c->sc, acl_word) : 0;
	if (e) {
		nsw_cnt_drop(c->t, (__u8)e);
		nsw_cnt_to_drop(c->t->cpu, pf, vf);
		return 0;
	}
	if (bpf_clone_redirect(c->skb, ifi, 0)) {
		c->failed++;
		return 0;
	}
	c->copies++;
	nsw_cnt_out(c->t, NSW_PORT_VF, pf, vf, c->skb->len);
	return 0;
}

/* Floods frame t: the VF copies, then the uplink's. in_word: the sender's active ACL word when
 * its rules judge each copy (see NSW_ACLV_PER_COPY), else 0. */
static __always_inline int nsw_flood(struct __sk_buff *skb, const struct nsw_nic *nic,
				     const struct nsw_dp_frame *t, struct nsw_scratch *sc,
				     __u32 in_word)
{
	struct nsw_flood_ctx c = {.skb = skb, .t = t, .nic = nic, .sc = sc, .in_word = in_word};
	const struct nsw_verdict *v = &t->v;
	bpf_loop(NSW_NVF_SLOTS, nsw_flood_vf, &c, 0);
	if (v->pf != NSW_NONE && (!in_word || !sc ||
				  nsw_flood_sender_allows(&c, NSW_PORT_UPLINK, v->pf, 0))) {
		__u32 ifi = nsw_pf_ifindex(v->pf);
		/* Last copy: the port's, with the port VLAN's tag (the VF copies went untagged).
		 * An uplink waiting for its device takes no copy, counted as unicast counts it. */
		if (!ifi) {
			nsw_cnt_drop(t, NSW_DROP_NO_DEV);
		} else if (!(nsw_vlan_has(t->vlan_op, NSW_VP_PUSH) && nsw_vlan_push(skb, v)) &&
			   !bpf_clone_redirect(skb, ifi, 0)) {
			c.copies++;
			nsw_cnt_out(t, NSW_PORT_UPLINK, v->pf, 0, skb->len);
		} else {
			c.failed++;
		}
	}
	nsw_cnt_copies(t, c.copies, c.failed);
	/* A frame from the port in a VLAN that no VF it serves is in. */
	if (nsw_vlan_has(t->vlan_op, NSW_VP_POP) && nsw_vlan_nobody(c.members))
		nsw_cnt_late_drop(t, skb->len, NSW_DROP_VLAN_UNKNOWN);
	/* The copies are out; the original has nowhere else to go. */
	return TC_ACT_SHOT;
}

#endif
