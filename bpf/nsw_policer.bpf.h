/* nsw_policer.bpf.h - QoS's packet-rate policer of the frames delivered to a VF: a token
 * bucket per VF (struct nsw_qos, written by `nswitch qos`) that reserves part of its burst for
 * the higher 802.1p classes. Kernel only. The bit-rate limit is the VF's htb qdisc
 * (nsw_qos.bpf.c), not this.
 * Invariants: the bucket is read and written under its spin lock; tokens are in units of
 * 1e-9 frame, so a rate in frames per second needs no division. */
#ifndef NSW_POLICER_BPF_H
#define NSW_POLICER_BPF_H

#include "nsw_maps.bpf.h"

/* May a frame of 802.1p class prio go into VF slot? Takes its token when so. */
static __always_inline bool nsw_qos_admit(__u32 slot, __u8 prio)
{
	struct nsw_qos *q = bpf_map_lookup_elem(&nsw_qos, &slot);
	if (!q || !q->pps)
		return true;
	__u64 now = bpf_ktime_get_ns();
	bool ok;
	bpf_spin_lock(&q->lock);
	__u64 cap = q->burst * 1000000000ull;
	__u64 t = q->tokens + (now - q->last_ns) * q->pps;
	if (t > cap || now < q->last_ns)
		t = cap;
	q->last_ns = now;
	/* Class c may use the bucket down to (7 - c) / 8 of the burst. */
	__u64 reserve = cap / 8 * (7 - (prio & 7));
	ok = t >= 1000000000ull + reserve;
	q->tokens = ok ? t - 1000000000ull : t;
	bpf_spin_unlock(&q->lock);
	return ok;
}

#endif
