/* nsw_acl.bpf.h - ACLs in the data path: a VF's rule set judged on a frame, by a tuple-space
 * search over the set's live generation (core/nsw_acl.h defines what it must find: the
 * matching rule with the lowest priority number; none allows). Kernel only.
 * Owns: building a frame's key (once per frame, in the CPU's scratch block, and only when some
 * set on the way is live), the search, a judgement as one word (NSW_ACLV_*), the hit
 * counters, and the fast lane of the sender's rules. The sets are written by user space
 * (lib/nsw_acl_install.c) into the inactive buffer, then published by the active word.
 * Invariants: a frame is judged by the generation its active word names, never a mix; fails
 * closed: an L4 rule that could have decided a frame whose L4 header is missing drops it. */
#ifndef NSW_ACL_BPF_H
#define NSW_ACL_BPF_H

#include "nsw_acl.h"
#include "nsw_maps.bpf.h"
#include "nsw_frame.bpf.h"
#include "nsw_vlan.bpf.h"
#include "nsw_skb.h"

/* The key of the frame whose header is f from the window of n octets in sc->lw, into sc->key.
 * A global function: the verifier checks it once, on its own, so the paths through the walk
 * along IPv6 extension headers do not multiply the paths of every caller (inlined, they took
 * the program to 940000 of the verifier's 1000000 instructions). */
__noinline int nsw_acl_key_window(const struct nsw_frame *f, struct nsw_scratch *sc, __u32 n)
{
	if (!f || !sc)
		return 0;
	nsw_acl_key_build(f, sc->lw, n > NSW_L3_WINDOW ? NSW_L3_WINDOW : n, &sc->key);
	return 0;
}

/* The ACL key of frame t, built into sc->key from its header and its L3 window, with the
 * port VLAN the frame travels in when its tag is not on it (NSW_VP_OFF). */
static __always_inline void nsw_acl_key_here(struct __sk_buff *skb, const struct nsw_dp_frame *t,
					     struct nsw_scratch *sc)
{
	__u32 n = nsw_skb_l3(skb, &t->f, sc->l3, sc->lw);
	nsw_acl_key_window(&t->f, sc, n);
	if (NSW_UNLIKELY(nsw_vlan_has(t->vlan_op, NSW_VP_OFF)))
		nsw_acl_key_port_vlan(&sc->key, t->v.vlan, t->v.prio);
}

/* The search: tuples in order of their best priority (at most NSW_ACL_MASKS), one
 * hash lookup each when the tuple's filter lets the fold through, stopping as soon as no later
 * tuple can beat the match in hand. */
static __always_inline const struct nsw_acl_hval *
nsw_acl_search(const struct nsw_acl_set *set, const struct nsw_acl_key *key,
	       struct nsw_scratch *sc, __u32 gen)
{
	const struct nsw_acl_hval *best = NULL;
	__u32 n = set->ntuples;
	/* A key missing its L4 header matches no L4 rule (nsw_acl_eval). */
	__u32 skip = nsw_acl_key_l4_missing(key) ? set->l4_tuples : 0;
	for (__u32 t = 0; t < NSW_ACL_MASKS; t++) {
		if (t >= n)
			break;
		if (best && best->prio < set->best_prio[t])
			break;
		if (skip >> t & 1)
			continue;
		sc->hk.fold = nsw_acl_fold_masked(key, &set->t[t].mask);
		if (!nsw_acl_filter_has(set->t[t].filter, sc->hk.fold))
			continue;
		sc->hk.tgen = gen << 4 | t;
		const struct nsw_acl_hval *v = bpf_map_lookup_elem(&nsw_acl_rules, &sc->hk);
		if (v && (!best || v->prio < best->prio) &&
		    nsw_acl_key_match(key, &set->t[t].mask, &v->val))
			best = v;
	}
	return best;
}

/* The active word of (VF slot, dir) (see NSW_ACL_LIVE), or 0. Read once per frame and
 * direction: the frame is judged by the generation it names, and the key is built only when
 * some word on the way is live. */
static __always_inline __u32 nsw_acl_word(__u32 slot, __u32 dir)
{
	__u32 k = nsw_acl_set_id(slot, dir);
	__u32 *w = bpf_map_lookup_elem(&nsw_acl_active, &k);
	return w ? *w : 0;
}

static __always_inline bool nsw_acl_live(__u32 slot, __u32 dir)
{
	return nsw_acl_word(slot, dir) & NSW_ACL_LIVE;
}

/* What a judgement says, as one word: a global function returns a scalar. The action in bits
 * 0..1 (0: allow, no match included), a drop's reason in bits 8..15, a mirror's VF slot from
 * bit 16; NSW_ACLV_PER_COPY: the set has rules on the copy's target and was asked about a
 * frame whose copies are not made yet (key.to_pf 0: a flood), so each copy is judged alone. */
#define NSW_ACLV_DROP 1u
#define NSW_ACLV_MIRROR 2u
#define NSW_ACLV_PER_COPY (1u << 31)

static __always_inline __u32 nsw_aclv_action(__u32 a)
{
	return a & 3;
}

static __always_inline __u8 nsw_aclv_reason(__u32 a)
{
	/* One of two constants: the counters' index needs no bound check the compiler may drop. */
	return (__u8)(a >> 8) == NSW_DROP_ACL_L4 ? NSW_DROP_ACL_L4 : NSW_DROP_ACL;
}

static __always_inline __u32 nsw_aclv_mirror(__u32 a)
{
	return a >> 16 & (NSW_NVF_SLOTS - 1);
}

/* The judgement of (VF slot, dir), whose active word is word, on the key built in sc (see
 * NSW_ACLV_DROP); counts the winning rule's hit. A frame whose L4 header is missing is
 * dropped (reason acl_l4_unknown, no rule's hit) when an L4 rule could have decided it:
 * nsw_acl_eval's NSW_ACL_L4_DENY. A global function: the verifier checks it once, on its own,
 * not again at each of its six calls, which took the program near the verifier's limit of a
 * million instructions; the caller's scratch block, not a second lookup of it. */
__noinline __u32 nsw_acl_judge(__u32 slot, __u32 dir, __u32 word, struct nsw_scratch *sc,
			       __u32 bytes)
{
	__u32 k = nsw_acl_set_id(slot, dir);
	if (!sc || !(word & NSW_ACL_LIVE))
		return 0;
	__u32 sk = nsw_acl_buf_key(k, (word & NSW_ACL_BUF) ? 1 : 0), gen = word & NSW_ACL_GEN_MASK;
	const struct nsw_acl_set *set = bpf_map_lookup_elem(&nsw_acl_sets, &sk);
	if (!set || set->gen != gen)
		return 0;
	if (set->per_copy && !sc->key.to_pf)
		return NSW_ACLV_PER_COPY;
	sc->hk.set = k;
	const struct nsw_acl_hval *best = nsw_acl_search(set, &sc->key, sc, gen);
	if (NSW_UNLIKELY(nsw_acl_key_l4_missing(&sc->key)) && set->l4_prio != NSW_ACL_NO_PRIO &&
	    (!best || set->l4_prio < best->prio))
		return NSW_ACLV_DROP | NSW_DROP_ACL_L4 << 8;
	if (!best)
		return 0;
	__u32 id = bpf_get_smp_processor_id() * NSW_ACL_IDS + (best->id & (NSW_ACL_IDS - 1));
	struct nsw_acl_hit *h = bpf_map_lookup_elem(&nsw_acl_hits, &id);
	if (h) {
		h->pkts++;
		h->bytes += bytes;
	}
	if (best->action == NSW_ACL_DROP)
		return NSW_ACLV_DROP | NSW_DROP_ACL << 8;
	if (best->action == NSW_ACL_MIRROR)
		return NSW_ACLV_MIRROR | nsw_vf_slot(best->mirror_pf, best->mirror_vf) << 16;
	return 0;
}

/* What the judgement a of the sender's rules makes of frame t: an ACL drop, a mirror target,
 * or nothing. */
static __always_inline void nsw_acl_in_verdict(struct nsw_dp_frame *t, __u32 a)
{
	if (nsw_aclv_action(a) == NSW_ACLV_DROP) {
		t->v.action = NSW_ACT_DROP;
		t->v.reason = nsw_aclv_reason(a);
	} else if (nsw_aclv_action(a) == NSW_ACLV_MIRROR) {
		t->acl_mirror = (__u16)(nsw_aclv_mirror(a) + 1);
	}
}

/* The sender's ACL for a unicast frame when ACLs are the only feature in use: true when its
 * rules allow the frame (no match, or an allow rule, whose hit is counted), so the fast path
 * delivers it and counts it the fast way. Otherwise the slow path takes the frame: with the
 * verdict turned into an ACL drop, or a mirror target, recorded in t (the hit counted once,
 * here), or untouched when the receiver has rules of its own (the slow path judges both). */
static __noinline bool nsw_acl_lane(struct __sk_buff *skb, struct nsw_dp_frame *t)
{
	if (t->v.action == NSW_ACT_VF &&
	    (nsw_acl_word(nsw_vf_slot(t->v.pf, t->v.vf), NSW_ACL_OUT) & NSW_ACL_LIVE))
		return false;
	if (t->in.kind != NSW_PORT_VF)
		return true;
	__u32 slot = nsw_vf_slot(t->in.pf, t->in.vf), word = nsw_acl_word(slot, NSW_ACL_IN);
	if (!(word & NSW_ACL_LIVE))
		return true;
	struct nsw_scratch *sc = nsw_scratch_here();
	if (!sc)
		return false;
	nsw_acl_key_here(skb, t, sc);
	nsw_acl_key_target(&sc->key, t->v.action == NSW_ACT_VF ? NSW_PORT_VF : NSW_PORT_UPLINK,
			   t->v.pf, t->v.vf);
	__u32 a = nsw_acl_judge(slot, NSW_ACL_IN, word, sc, skb->len);
	if (!nsw_aclv_action(a))
		return true;
	t->acl_in_done = 1;
	nsw_acl_in_verdict(t, a);
	return false;
}

#endif
