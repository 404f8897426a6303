/* nsw_span.bpf.h - copies of frames for observers: SPAN (a VF's or a PF group's frames copied
 * to a monitor VF, and an ACL rule's mirror action) and capture (frames matching the capture
 * filter sent to user space through a perf buffer, `nswitch capture`). Kernel only.
 * Invariants: a copy never changes the frame's own fate; a copy the kernel refuses is counted
 * (tx_error), a capture event that could not be sent is counted (nsw_capture_stats); a VF is
 * never its own monitor. */
#ifndef NSW_SPAN_BPF_H
#define NSW_SPAN_BPF_H

#include "nsw_maps.bpf.h"
#include "nsw_counters.bpf.h"
#include "nsw_vlan.bpf.h"

/* Copies the frame to the monitor VF in target_slot (of an nsw_mirror word or an ACL mirror
 * rule). */
static __always_inline void nsw_mirror_to(struct __sk_buff *skb, const struct nsw_dp_frame *t,
					  __u32 target_slot)
{
	__u32 *ifi = bpf_map_lookup_elem(&nsw_vf_dev, &target_slot);
	if (!ifi || !*ifi)
		return;
	/* The copy shows the frame with its port VLAN, as it travels inside the NIC. */
	nsw_cnt_mirror(t, !nsw_vlan_clone(skb, *ifi, t->vlan_op, t->v.vlan, t->v.prio));
}

/* SPAN of the frames a VF sends (dir NSW_MIRROR_IN) or is given (NSW_MIRROR_OUT): its own
 * session, else its PF group's. */
static __always_inline void nsw_span(struct __sk_buff *skb, const struct nsw_dp_frame *t,
				     __u32 pf, __u32 vf, __u32 dir)
{
	__u32 k = nsw_vf_slot(pf, vf);
	__u32 *w = bpf_map_lookup_elem(&nsw_mirror, &k);
	if (!w || !*w) {
		k = nsw_port_rec(pf);
		w = bpf_map_lookup_elem(&nsw_mirror, &k);
	}
	if (!w || !(*w & dir))
		return;
	__u32 target = nsw_mirror_monitor(*w);
	if (target == k || target == nsw_vf_slot(pf, vf))
		return; /* never to itself */
	nsw_mirror_to(skb, t, target & (NSW_NVF_SLOTS - 1));
}

/* Does the capture filter c take frame t at device (kind, pf, vf), in direction dir? */
static __always_inline bool nsw_cap_match(const struct nsw_capture_cfg *c,
					  const struct nsw_dp_frame *t, __u8 kind, __u32 pf,
					  __u32 vf, __u32 dir)
{
	const struct nsw_frame *f = &t->f;
	const struct nsw_verdict *v = &t->v;
	if (!(c->dir & (dir >> 16)))
		return false;
	if (c->pf != NSW_ANY8 && (kind != NSW_PORT_VF || c->pf != pf))
		return false;
	if (c->vf != NSW_ANY16 && (kind != NSW_PORT_VF || c->vf != vf))
		return false;
	if (c->ncase != NSW_ANY8 && c->ncase != v->ncase)
		return false;
	if (c->oui != NSW_ANY32 && c->oui != nsw_mac_oui(f->src) && c->oui != nsw_mac_oui(f->dst))
		return false;
	return true;
}

/* Capture of frame t at device (kind, pf, vf), direction dir (NSW_MIRROR_IN or _OUT): its
 * first snaplen octets and their metadata (the out-of-band tag too, and the port VLAN's tag
 * when the frame travels in one without carrying it: a capture shows the frame as it travels
 * inside the NIC) to user space. */
static __always_inline void nsw_capture(struct __sk_buff *skb, const struct nsw_dp_frame *t,
					__u8 kind, __u32 pf, __u32 vf, __u32 dir)
{
	const struct nsw_verdict *v = &t->v;
	__u32 zero = 0;
	struct nsw_capture_cfg *c = bpf_map_lookup_elem(&nsw_capture_cfg, &zero);
	if (!c || !c->enabled || !nsw_cap_match(c, t, kind, pf, vf, dir))
		return;
	__u32 pv = nsw_vlan_shown(t->vlan_op, v->vlan, v->prio);
	struct nsw_capture_meta m = {
		.ts_ns = bpf_ktime_get_ns(),
		.len = skb->len + (skb->vlan_present ? NSW_VLAN_HLEN : 0) +
		       (pv >> 18 & 7),
		.vlan_tci = (__u16)skb->vlan_tci,
		.vlan_proto = skb->vlan_present ? (__u16)skb->vlan_proto : 0,
		.dir = (__u8)(dir >> 16),
		.ncase = v->ncase,
		.pf = (__u8)pf,
		.vf = (__u16)vf,
		.pvlan = (__u8)(pv >> 16 & 3),
		.pvlan_tci = (__u16)pv,
	};
	__u64 cap = skb->len < c->snaplen ? skb->len : c->snaplen;
	struct nsw_capture_stats *st = bpf_map_lookup_elem(&nsw_capture_stats, &zero);
	long r = bpf_perf_event_output(skb, &nsw_capture_events, BPF_F_CURRENT_CPU | (cap << 32),
				       &m, sizeof m);
	if (st) {
		st->captured += r == 0;
		st->failed += r != 0;
	}
}

#endif
