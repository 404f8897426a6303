/* nsw_counters.bpf.h - the one way the data path counts (layouts: struct nsw_stats_blk and
 * struct nsw_dev_stats in nsw_maps.h). Kernel only; every count of nsw_tc.bpf.c goes through
 * here, and nsw_rxdrop.bpf.c's undoing of a delivery through nsw_cnt_reclass_drop.
 *
 * Per frame: nsw_cnt_open finds this CPU's blocks once (the handle lives in the frame, struct
 * nsw_dp_frame); nsw_cnt_in counts what the decision said, nsw_cnt_out each delivery,
 * nsw_cnt_late_drop a drop decided after the core, nsw_cnt_drop a copy not made, and
 * nsw_cnt_copies / nsw_cnt_mirror the copies made. The fast paths' nsw_cnt_unicast is in, out
 * and the class in one go, with the blocks found once, and needs no open.
 * Invariants: every frame that enters is counted once by class (case, action, priority,
 * inter-PF) and by its sender's device; every drop by reason; a frame moved to a drop leaves
 * the class it was counted under; a frame or copy dropped on its way to a known VF also
 * counts in that VF's to_drops (its rx dropped); a flood's frame and copies count in the
 * devices' broadcast/multicast counters (second line of the record, untouched by unicast).
 * Counts touch only the running CPU's blocks: no atomics. */
#ifndef NSW_COUNTERS_BPF_H
#define NSW_COUNTERS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "nsw_maps.h"
#include "nsw_dev_maps.bpf.h"
#include "nsw_frame.bpf.h"

/* The record of a device (VF slot, or PF port) within a CPU's block of nsw_dev_stats. */
static __always_inline __u32 nsw_dev_ix(__u8 kind, __u32 pf, __u32 vf)
{
	return kind == NSW_PORT_VF ? nsw_vf_slot(pf, vf) : nsw_port_rec(pf);
}

static __always_inline struct nsw_dev_stats *nsw_cnt_dev(__u32 cpu, __u32 ix)
{
	__u32 k = nsw_pcpu_key(cpu, NSW_NDEV, ix);
	return bpf_map_lookup_elem(&nsw_dev_stats, &k);
}

static __always_inline void nsw_ctr_add(struct nsw_ctr *c, __u32 len)
{
	c->pkts++;
	c->bytes += len;
}

/* A frame of len octets counted under class cls turned out dropped for reason: moved to the
 * drop class of its case, priority and inter-PF flag, and the reason counted. */
static __always_inline void nsw_cnt_reclass_drop(struct nsw_stats_blk *s, __u32 cls, __u32 len,
						 __u8 reason)
{
	struct nsw_ctr *was = &s->cls[cls & (NSW_STAT_CLASSES - 1)];
	struct nsw_ctr *now = &s->cls[(cls & 0x3f) | (__u32)NSW_ACT_DROP << 6];
	was->pkts--;
	was->bytes -= len;
	nsw_ctr_add(now, len);
	if (reason < NSW_DROP_MAX)
		s->drop[reason]++;
}

static __always_inline __u32 nsw_cnt_class(const struct nsw_verdict *v)
{
	return nsw_stat_class(v->action, v->ncase, v->prio, v->inter_pf);
}

/* The frame's counting handle: this CPU and its block of nsw_stats. */
static __always_inline void nsw_cnt_open(struct nsw_dp_frame *t)
{
	__u32 k = bpf_get_smp_processor_id();
	t->cpu = k;
	t->s = bpf_map_lookup_elem(&nsw_stats, &k);
}

/* A group frame (destination dst) into a device's broadcast or multicast counter pair. */
static __always_inline void nsw_cnt_group(uint64_t *bcast, uint64_t *mcast, __u64 dst)
{
	if (dst == NSW_MAC_BCAST)
		(*bcast)++;
	else
		(*mcast)++;
}

/* A frame to VF (pf, vf) dropped on its way there: the VF's receive drops. */
static __always_inline void nsw_cnt_to_drop(__u32 cpu, __u32 pf, __u32 vf)
{
	struct nsw_dev_stats *d = nsw_cnt_dev(cpu, nsw_vf_slot(pf, vf));
	if (d)
		d->to_drops++;
}

/* What the decision said about the frame (len octets): its class, its sender's device (a
 * flood's group counters too), and a drop's reason; a drop for the receiver's link state
 * also in the receiver's drops. */
static __always_inline void nsw_cnt_in(const struct nsw_dp_frame *t, __u32 len)
{
	struct nsw_dev_stats *d = nsw_cnt_dev(t->cpu, nsw_dev_ix(t->in.kind, t->in.pf, t->in.vf));
	if (d) {
		d->from_pkts++;
		d->from_bytes += len;
		d->drops += t->v.action == NSW_ACT_DROP;
		if (t->v.action == NSW_ACT_FLOOD)
			nsw_cnt_group(&d->from_bcast, &d->from_mcast, t->f.dst);
	}
	/* The core names the receiver of a link-state drop; the sender's own has no pf. */
	if (t->v.action == NSW_ACT_DROP && t->v.reason == NSW_DROP_VF_STATE &&
	    t->v.pf != NSW_NONE)
		nsw_cnt_to_drop(t->cpu, t->v.pf, t->v.vf);
	if (!t->s)
		return;
	nsw_ctr_add(&t->s->cls[nsw_cnt_class(&t->v)], len);
	if (t->v.action == NSW_ACT_DROP && t->v.reason < NSW_DROP_MAX)
		t->s->drop[t->v.reason]++;
}

/* A copy (or the frame) of len octets delivered to device (kind, pf, vf); a flood's copy in
 * the device's group counters too. */
static __always_inline void nsw_cnt_out(const struct nsw_dp_frame *t, __u8 kind, __u32 pf,
					__u32 vf, __u32 len)
{
	struct nsw_dev_stats *d = nsw_cnt_dev(t->cpu, nsw_dev_ix(kind, pf, vf));
	if (d) {
		d->to_pkts++;
		d->to_bytes += len;
		if (t->v.action == NSW_ACT_FLOOD)
			nsw_cnt_group(&d->to_bcast, &d->to_mcast, t->f.dst);
	}
}

/* A drop the environment decides after the core (no device bound, redirect refused, the
 * receiver's ACL or policer): the frame, counted under its action by nsw_cnt_in, moves to the
 * drop class with its reason. */
static __always_inline void nsw_cnt_late_drop(const struct nsw_dp_frame *t, __u32 len,
					      __u8 reason)
{
	struct nsw_dev_stats *d = nsw_cnt_dev(t->cpu, nsw_dev_ix(t->in.kind, t->in.pf, t->in.vf));
	if (d)
		d->drops++;
	/* A unicast to a VF dropped after the core: dropped on its way to that VF. */
	if (t->v.action == NSW_ACT_VF)
		nsw_cnt_to_drop(t->cpu, t->v.pf, t->v.vf);
	if (t->s)
		nsw_cnt_reclass_drop(t->s, nsw_cnt_class(&t->v), len, reason);
}

/* A copy not made (a flood copy or an uplink copy denied) for reason; the frame itself is
 * counted by its class. */
static __always_inline void nsw_cnt_drop(const struct nsw_dp_frame *t, __u8 reason)
{
	if (t->s && reason < NSW_DROP_MAX)
		t->s->drop[reason]++;
}

/* A flood's outcome: copies made, and copies the kernel refused (tx_error). */
static __always_inline void nsw_cnt_copies(const struct nsw_dp_frame *t, __u32 copies,
					   __u32 failed)
{
	if (t->s) {
		t->s->flood_copies += copies;
		t->s->drop[NSW_DROP_TX_ERR] += failed;
	}
}

/* A mirror copy: made, or refused by the kernel (tx_error). */
static __always_inline void nsw_cnt_mirror(const struct nsw_dp_frame *t, bool made)
{
	if (!t->s)
		return;
	if (made)
		t->s->mirror_copies++;
	else
		t->s->drop[NSW_DROP_TX_ERR]++;
}

/* nsw_cnt_in and nsw_cnt_out of a unicast frame delivered to (to_kind, v.pf, v.vf), for the
 * fast paths: the same counters, with the CPU's blocks found once and no handle kept. */
static __always_inline void nsw_cnt_unicast(const struct nsw_dp_frame *t, __u8 to_kind,
					    __u32 len)
{
	/* One key slot for the three lookups: the program's stack is shared with its
	 * subprograms and the flood callback, 512 octets in all. The port is read before the
	 * helper call: t's address is passed to subprograms, so a read after it would be a
	 * reload, and the fast path would lose registers to it (in nsw_tc, some 80 more stack
	 * loads per frame). */
	struct nsw_port in = t->in;
	__u32 cpu = bpf_get_smp_processor_id(), k = cpu;
	struct nsw_stats_blk *s = bpf_map_lookup_elem(&nsw_stats, &k);
	k = nsw_pcpu_key(cpu, NSW_NDEV, nsw_dev_ix(in.kind, in.pf, in.vf));
	struct nsw_dev_stats *d = bpf_map_lookup_elem(&nsw_dev_stats, &k);
	if (d) {
		d->from_pkts++;
		d->from_bytes += len;
	}
	k = nsw_pcpu_key(cpu, NSW_NDEV, nsw_dev_ix(to_kind, t->v.pf, t->v.vf));
	d = bpf_map_lookup_elem(&nsw_dev_stats, &k);
	if (d) {
		d->to_pkts++;
		d->to_bytes += len;
	}
	if (s)
		nsw_ctr_add(&s->cls[nsw_cnt_class(&t->v)], len);
}

#endif
