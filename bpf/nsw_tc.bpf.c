/* nsw_tc.bpf.c - the nSwitch data path: the core's decision at the host end of every VF and on
 * every PF's uplink, in the kernel.
 *
 * Owns: turning a verdict into a redirect, a set of clones, or a counted drop; the counters.
 * The decision itself is core/nsw_decide.h, called unchanged; this file adds only what a NIC
 * does around it: find which port a frame came in on, deliver to the device bound to the
 * destination VF or PF, set the frame's priority for the egress scheduler, count everything.
 * Invariants: every frame that enters is counted once by case and action; every drop is
 * counted by reason (core reasons and ours: no_device, tx_error); nothing is dropped unseen.
 *
 * Programs:
 *   nsw_tc   clsact ingress (modes tc and tc-peer): works with the VMs' default offloads,
 *            keeps skb metadata (checksum state, GSO, VLAN tag, priority). Unicast with no
 *            feature in use but the sender's ACL (judged by the subprogram nsw_acl_lane) is
 *            handled inline; the rest in the subprogram nsw_tc_slow. Per frame the fast path
 *            reads a handful of map lines (port, PF and VF registers, Table A, the
 *            destination's device, three counter lines): between two frames the kernel's own
 *            path evicts them, so each line it adds costs a miss (docs/bench.md).
 *   nsw_xdp  XDP (mode xdp): unicast only, the fastest; anything else (floods) is passed up to
 *            nsw_tc on the same device. Needs the VMs' tx checksum offload off.
 * Load-time setting: nsw_mode (const volatile), chosen by `nswitch nic add ... mode`.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "nsw_decide.h"
#include "nsw_maps.h"
#include "nsw_skb.h"
#include "nsw_xdp.h"

const volatile __u32 nsw_mode = NSW_MODE_TC;

#include "nsw_state.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSW_NVF_SLOTS + NSW_MAX_PFS);
	__type(key, __u32);
	__type(value, struct nsw_port_info);
} nsw_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_PORT_IX);
	__type(key, __u32);
	__type(value, struct nsw_port_info);
} nsw_port_ix SEC(".maps");

/* Which port of this NIC the device is, or NULL: the array for the usual small ifindex. */
static __always_inline struct nsw_port_info *nsw_port_of(__u32 ifindex)
{
	if (ifindex < NSW_PORT_IX) {
		struct nsw_port_info *pi = bpf_map_lookup_elem(&nsw_port_ix, &ifindex);
		return pi && (pi->flags & NSW_PORTF_VALID) ? pi : NULL;
	}
	return bpf_map_lookup_elem(&nsw_ports, &ifindex);
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_MAX_PFS);
	__type(key, __u32);
	__type(value, __u32);
} nsw_pf_dev SEC(".maps");

#include "nsw_dev_maps.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsw_meta);
} nsw_meta SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_NVF_SLOTS * 2);
	__type(key, __u32);
	__type(value, __u32);
} nsw_acl_active SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY); /* an array read, not a hash, on every ACL'd frame */
	__uint(map_flags, BPF_F_MMAPABLE); /* page-aligned values: a set's lines are its own */
	__uint(max_entries, NSW_NVF_SLOTS * 2 * 2);
	__type(key, __u32);
	__type(value, struct nsw_acl_set);
} nsw_acl_sets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSW_ACL_IDS);
	__type(key, struct nsw_acl_hkey);
	__type(value, struct nsw_acl_hval);
} nsw_acl_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_ACL_IDS); /* one block per CPU: sized at load by nsw_size_maps() */
	__type(key, __u32);
	__type(value, struct nsw_acl_hit);
} nsw_acl_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_NVF_SLOTS + NSW_MAX_PFS);
	__type(key, __u32);
	__type(value, __u32);
} nsw_mirror SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsw_capture_cfg);
} nsw_capture_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} nsw_capture_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsw_capture_stats);
} nsw_capture_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_NVF_SLOTS);
	__type(key, __u32);
	__type(value, struct nsw_qos);
} nsw_qos SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} nsw_features SEC(".maps");

static __always_inline __u32 nsw_features_in_use(void)
{
	__u32 zero = 0, *f = bpf_map_lookup_elem(&nsw_features, &zero);
	return f ? *f : 0;
}

/* Room for what does not fit the 512-byte BPF stack next to a bpf_loop callback: the L3 window,
 * the ACL key and the hash key of the search. Per CPU, and never used by two nested runs (the
 * program only redirects to devices' egress, which never re-enters it on the same stack). Two
 * cache lines on the way of a frame: the window is dead once the key is built, so the hash
 * key takes its place; l3 is only for windows that are not linear. */
struct nsw_scratch {
	union {
		uint64_t lw[NSW_L3_WORDS];
		struct nsw_acl_hkey hk;
	};
	struct nsw_acl_key key;
	__u8 l3[NSW_L3_WINDOW];
};
_Static_assert(sizeof(struct nsw_scratch) == 192, "scratch: three lines, two of them hot");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE); /* page-aligned values: each block starts a line */
	__uint(max_entries, 1); /* one per CPU: sized at load by nsw_size_maps() */
	__type(key, __u32);
	__type(value, struct nsw_scratch);
} nsw_scratch SEC(".maps");

static __always_inline struct nsw_scratch *nsw_scratch_here(void)
{
	__u32 k = bpf_get_smp_processor_id();
	return bpf_map_lookup_elem(&nsw_scratch, &k);
}

/* The record of a device (VF slot, or PF port) within a CPU's block of nsw_dev_stats. */
static __always_inline __u32 nsw_dev_ix(__u8 kind, __u32 pf, __u32 vf)
{
	return kind == NSW_PORT_VF ? nsw_vf_slot(pf, vf) : nsw_port_rec(pf);
}

/* Counters of the device a frame came from or went to. */
static __always_inline struct nsw_dev_stats *nsw_dev_stats_of(__u8 kind, __u32 pf, __u32 vf)
{
	__u32 k = bpf_get_smp_processor_id() * NSW_NDEV + nsw_dev_ix(kind, pf, vf);
	return bpf_map_lookup_elem(&nsw_dev_stats, &k);
}

/* The class counter of verdict v, or of v turned into a drop (see struct nsw_stats_blk). */
static __always_inline struct nsw_ctr *nsw_class_ctr(struct nsw_stats_blk *s,
						     const struct nsw_verdict *v, __u8 action)
{
	return &s->cls[nsw_stat_class(action, v->ncase, v->prio, v->inter_pf)];
}

static __always_inline struct nsw_stats_blk *nsw_stats_here(void)
{
	__u32 k = bpf_get_smp_processor_id();
	return bpf_map_lookup_elem(&nsw_stats, &k);
}

static __always_inline void nsw_count_to(__u8 kind, __u32 pf, __u32 vf, __u32 bytes)
{
	struct nsw_dev_stats *d = nsw_dev_stats_of(kind, pf, vf);
	if (d) {
		d->to_pkts++;
		d->to_bytes += bytes;
	}
}

static __always_inline __u32 nsw_vf_ifindex(__u32 pf, __u32 vf)
{
	__u32 k = nsw_vf_slot(pf, vf);
	__u32 *ifi = bpf_map_lookup_elem(&nsw_vf_dev, &k);
	return ifi ? *ifi : 0;
}

static __always_inline __u32 nsw_pf_ifindex(__u32 pf)
{
	__u32 k = pf & (NSW_MAX_PFS - 1);
	__u32 *ifi = bpf_map_lookup_elem(&nsw_pf_dev, &k);
	return ifi ? *ifi : 0;
}

/* Counts what the decision said about a frame of len bytes from port in: one class counter
 * (see struct nsw_stats_blk) and the device's. */
static __always_inline struct nsw_stats_blk *nsw_count(const struct nsw_verdict *v,
						       struct nsw_port in, __u32 len)
{
	struct nsw_stats_blk *s = nsw_stats_here();
	struct nsw_dev_stats *d = nsw_dev_stats_of(in.kind, in.pf, in.vf);
	if (d) {
		d->from_pkts++;
		d->from_bytes += len;
		d->drops += v->action == NSW_ACT_DROP;
	}
	if (!s)
		return NULL;
	struct nsw_ctr *c = nsw_class_ctr(s, v, v->action);
	c->pkts++;
	c->bytes += len;
	if (v->action == NSW_ACT_DROP && v->reason < NSW_DROP_MAX)
		s->drop[v->reason]++;
	return s;
}

/* nsw_count and nsw_count_to of a unicast frame delivered to (to_kind, v->pf, v->vf), for the
 * fast paths: the same counters, with the CPU's blocks found once. */
static __always_inline void nsw_count_unicast(const struct nsw_verdict *v, struct nsw_port in,
					      __u8 to_kind, __u32 len)
{
	/* One key slot for the three lookups: the program's stack is shared with nsw_tc_slow and
	 * the flood callback, 512 octets in all. */
	__u32 cpu = bpf_get_smp_processor_id(), k = cpu;
	struct nsw_stats_blk *s = bpf_map_lookup_elem(&nsw_stats, &k);
	k = cpu * NSW_NDEV + nsw_dev_ix(in.kind, in.pf, in.vf);
	struct nsw_dev_stats *d = bpf_map_lookup_elem(&nsw_dev_stats, &k);
	if (d) {
		d->from_pkts++;
		d->from_bytes += len;
	}
	k = cpu * NSW_NDEV + nsw_dev_ix(to_kind, v->pf, v->vf);
	d = bpf_map_lookup_elem(&nsw_dev_stats, &k);
	if (d) {
		d->to_pkts++;
		d->to_bytes += len;
	}
	if (s) {
		struct nsw_ctr *c = nsw_class_ctr(s, v, v->action);
		c->pkts++;
		c->bytes += len;
	}
}

/* Mode tc: how a unicast frame to a VF was counted, left in its cb for nsw_rx_drop, which
 * counts the frame as dropped if the kernel drops it at the VF's device (bpf/nsw_maps.h). The
 * cb is the frame's own until the device takes it; three stores to a line the frame has hot. */
static __always_inline void nsw_rxd_mark(struct __sk_buff *skb, const struct nsw_verdict *v,
					 struct nsw_port in)
{
	if (nsw_mode != NSW_MODE_TC)
		return;
	skb->cb[0] = NSW_RXD_MAGIC;
	skb->cb[1] = nsw_rxd_where(nsw_vf_slot(v->pf, v->vf), nsw_dev_ix(in.kind, in.pf, in.vf));
	skb->cb[2] = nsw_stat_class(v->action, v->ncase, v->prio, v->inter_pf);
}

/* A drop the environment decides after the core (no device bound, redirect refused): the frame
 * was counted under its action already, so move it to the drop class with its reason. */
static __always_inline void nsw_count_late_drop(struct nsw_stats_blk *s,
						const struct nsw_verdict *v, struct nsw_port in,
						__u32 len, __u8 reason)
{
	struct nsw_dev_stats *d = nsw_dev_stats_of(in.kind, in.pf, in.vf);
	if (d)
		d->drops++;
	if (!s)
		return;
	struct nsw_ctr *was = nsw_class_ctr(s, v, v->action);
	struct nsw_ctr *now = nsw_class_ctr(s, v, NSW_ACT_DROP);
	was->pkts--;
	was->bytes -= len;
	now->pkts++;
	now->bytes += len;
	if (reason < NSW_DROP_MAX)
		s->drop[reason]++;
}

/* ---- ACLs: a tuple-space search over the VF's live rule set (core/nsw_acl.h defines what it
 * must find: the matching rule with the lowest priority number; none allows) ---- */

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

/* The frame's ACL key, built into sc->key from its header f and its L3 window. */
static __always_inline void nsw_acl_key_here(struct __sk_buff *skb, const struct nsw_frame *f,
					     struct nsw_scratch *sc)
{
	__u32 n = nsw_skb_l3(skb, f, sc->l3, sc->lw);
	nsw_acl_key_window(f, sc, n);
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

/* ---- mirroring (SPAN) and capture ---- */

/* Copies the frame to the monitor VF of word w (an nsw_mirror word or an ACL mirror target). */
static __always_inline void nsw_mirror_to(struct __sk_buff *skb, __u32 target_slot,
					  struct nsw_stats_blk *s)
{
	__u32 *ifi = bpf_map_lookup_elem(&nsw_vf_dev, &target_slot);
	if (!ifi || !*ifi)
		return;
	if (bpf_clone_redirect(skb, *ifi, 0)) {
		if (s)
			s->drop[NSW_DROP_TX_ERR]++;
		return;
	}
	if (s)
		s->mirror_copies++;
}

/* SPAN of the frames a VF sends (dir NSW_MIRROR_IN) or is given (NSW_MIRROR_OUT): its own
 * session, else its PF group's. */
static __always_inline void nsw_span(struct __sk_buff *skb, __u32 pf, __u32 vf, __u32 dir,
				     struct nsw_stats_blk *s)
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
	nsw_mirror_to(skb, target & (NSW_NVF_SLOTS - 1), s);
}

static __always_inline bool nsw_cap_match(const struct nsw_capture_cfg *c, __u8 kind, __u32 pf,
					  __u32 vf, __u32 dir, const struct nsw_frame *f,
					  const struct nsw_verdict *v)
{
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

static __always_inline void nsw_capture(struct __sk_buff *skb, __u8 kind, __u32 pf, __u32 vf,
					__u32 dir, const struct nsw_frame *f,
					const struct nsw_verdict *v)
{
	__u32 zero = 0;
	struct nsw_capture_cfg *c = bpf_map_lookup_elem(&nsw_capture_cfg, &zero);
	if (!c || !c->enabled || !nsw_cap_match(c, kind, pf, vf, dir, f, v))
		return;
	struct nsw_capture_meta m = {
		.ts_ns = bpf_ktime_get_ns(),
		.len = skb->len + (skb->vlan_present ? NSW_VLAN_HLEN : 0),
		.vlan_tci = (__u16)skb->vlan_tci,
		.vlan_proto = skb->vlan_present ? (__u16)skb->vlan_proto : 0,
		.dir = (__u8)(dir >> 16),
		.ncase = v->ncase,
		.pf = (__u8)pf,
		.vf = (__u16)vf,
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

/* ---- QoS: the packet-rate policer of frames to a VF ---- */

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

/* ---- the egress side of delivering to a VF, shared by unicast and flood copies ---- */

/* What happens on the way into VF (pf, vf): its egress ACL, the packet-rate policer, SPAN and
 * capture. Returns 0 to deliver, or the drop reason. */
static __always_inline int nsw_egress_vf(struct __sk_buff *skb, struct nsw_stats_blk *s, __u32 pf,
					 __u32 vf, const struct nsw_frame *f,
					 const struct nsw_verdict *v, struct nsw_scratch *sc,
					 __u32 acl_word, __u32 feat)
{
	__u32 slot = nsw_vf_slot(pf, vf);
	if (sc && (acl_word & NSW_ACL_LIVE)) {
		__u32 a = nsw_acl_judge(slot, NSW_ACL_OUT, acl_word, sc, skb->len);
		if (nsw_aclv_action(a) == NSW_ACLV_DROP)
			return nsw_aclv_reason(a);
		if (nsw_aclv_action(a) == NSW_ACLV_MIRROR)
			nsw_mirror_to(skb, nsw_aclv_mirror(a), s);
	}
	if ((feat & NSW_FEAT_QOS) && !nsw_qos_admit(slot, v->prio))
		return NSW_DROP_RATE;
	if (feat & NSW_FEAT_MIRROR)
		nsw_span(skb, pf, vf, NSW_MIRROR_OUT, s);
	if (feat & NSW_FEAT_CAPTURE)
		nsw_capture(skb, NSW_PORT_VF, pf, vf, NSW_MIRROR_OUT, f, v);
	return 0;
}

struct nsw_flood_ctx {
	struct __sk_buff *skb;
	struct nsw_stats_blk *s;
	const struct nsw_nic *nic;
	const struct nsw_verdict *v;
	const struct nsw_frame *f;
	struct nsw_scratch *sc; /* the key's; NULL: no egress ACL live anywhere it was looked */
	__u32 feat;
	__u32 in_word; /* the sender's (VF v->excl_pf, v->vf) active word when its set judges
			* each copy, else 0 */
	__u16 copies;  /* 16 bits: a frame has at most NSW_NVF_SLOTS + 1 copies, and the */
	__u16 failed;  /* context stays on the 512-octet stack the program's calls share */
	__u16 denied;
};

/* One VF slot (pf * 256 + vf) of the NIC: a clone to its device if its PF is flooded, it is
 * enabled, and it is not the sender. One flat index keeps the verifier's bounds simple. */
static long nsw_flood_vf(__u32 i, void *arg)
{
	struct nsw_flood_ctx *c = arg;
	__u32 slot = i & (NSW_NVF_SLOTS - 1), pf = slot / NSW_MAX_VFS, vf = slot % NSW_MAX_VFS;
	if (!(c->v->flood_mask & (1u << pf)))
		return 0;
	if (pf == c->v->excl_pf && vf == c->v->vf)
		return 0;
	const uint64_t *words = &c->nic->vf[0][0];
	if (!(NSW_READ_ONCE(words[slot]) & NSW_VF_EN))
		return 0;
	__u32 *ifi = bpf_map_lookup_elem(&nsw_vf_dev, &slot);
	if (!ifi || !*ifi)
		return 0;
	if (c->in_word && c->sc) {
		/* The sender's rules on this copy's target (to-pf, to-vf), counted per copy. */
		nsw_acl_key_target(&c->sc->key, NSW_PORT_VF, pf, vf);
		__u32 a = nsw_acl_judge(nsw_vf_slot(c->v->excl_pf, c->v->vf), NSW_ACL_IN, c->in_word,
					c->sc, c->skb->len);
		if (nsw_aclv_action(a) == NSW_ACLV_DROP) {
			if (c->s)
				c->s->drop[nsw_aclv_reason(a)]++;
			c->denied++;
			return 0;
		}
		if (nsw_aclv_action(a) == NSW_ACLV_MIRROR)
			nsw_mirror_to(c->skb, nsw_aclv_mirror(a), c->s);
	}
	__u32 acl_word = c->sc ? nsw_acl_word(slot, NSW_ACL_OUT) : 0;
	int r = c->feat ? nsw_egress_vf(c->skb, c->s, pf, vf, c->f, c->v, c->sc, acl_word, c->feat)
			: 0;
	if (r) {
		if (c->s && r < NSW_DROP_MAX)
			c->s->drop[r]++;
		c->denied++;
		return 0;
	}
	if (bpf_clone_redirect(c->skb, *ifi, 0)) {
		c->failed++;
		return 0;
	}
	c->copies++;
	nsw_count_to(NSW_PORT_VF, pf, vf, c->skb->len);
	return 0;
}

static __always_inline int nsw_flood(struct __sk_buff *skb, const struct nsw_nic *nic,
				     const struct nsw_verdict *v, const struct nsw_frame *f,
				     struct nsw_scratch *sc, struct nsw_stats_blk *s,
				     __u32 feat, __u32 in_word)
{
	struct nsw_flood_ctx c = {.skb = skb, .s = s, .nic = nic, .v = v, .f = f, .sc = sc,
				  .feat = feat, .in_word = in_word};
	bpf_loop(NSW_NVF_SLOTS, nsw_flood_vf, &c, 0);
	bool denied = false;
	if (v->pf != NSW_NONE && in_word && sc) {
		nsw_acl_key_target(&sc->key, NSW_PORT_UPLINK, v->pf, 0);
		__u32 a = nsw_acl_judge(nsw_vf_slot(v->excl_pf, v->vf), NSW_ACL_IN, in_word, sc,
					skb->len);
		if (nsw_aclv_action(a) == NSW_ACLV_DROP) {
			if (s)
				s->drop[nsw_aclv_reason(a)]++;
			denied = true;
		} else if (nsw_aclv_action(a) == NSW_ACLV_MIRROR) {
			nsw_mirror_to(skb, nsw_aclv_mirror(a), s);
		}
	}
	if (v->pf != NSW_NONE && !denied) {
		__u32 ifi = nsw_pf_ifindex(v->pf);
		if (ifi && !bpf_clone_redirect(skb, ifi, 0)) {
			c.copies++;
			nsw_count_to(NSW_PORT_UPLINK, v->pf, 0, skb->len);
		} else {
			c.failed++;
		}
	}
	if (s) {
		s->flood_copies += c.copies;
		s->drop[NSW_DROP_TX_ERR] += c.failed;
	}
	/* The copies are out; the original has nowhere else to go. */
	return TC_ACT_SHOT;
}

/* What the slow path needs of a frame the fast path has parsed and decided. */
struct nsw_tc_frame {
	struct nsw_frame f;
	struct nsw_verdict v;
	struct nsw_port in;
	__u32 feat;
	__u16 acl_in_done; /* nsw_acl_lane judged the sender's rules (and counted the hit) */
	__u16 acl_mirror;  /* the sender's rule said mirror to this VF slot + 1 */
};

/* What the judgement a of the sender's rules makes of frame t: an ACL drop, a mirror target,
 * or nothing. */
static __always_inline void nsw_acl_in_verdict(struct nsw_tc_frame *t, __u32 a)
{
	if (nsw_aclv_action(a) == NSW_ACLV_DROP) {
		t->v.action = NSW_ACT_DROP;
		t->v.reason = nsw_aclv_reason(a);
	} else if (nsw_aclv_action(a) == NSW_ACLV_MIRROR) {
		t->acl_mirror = (__u16)(nsw_aclv_mirror(a) + 1);
	}
}

/* Everything but plain unicast that no feature but the sender's allowing ACL touches: ACL drops
 * and mirrors, receivers' ACLs, SPAN, capture, the policer, floods, drops, a VF without a
 * device. A subprogram of its own (noinline), so that the fast path is short and sits in few
 * instruction cache lines: between two frames, the kernel's own path evicts most of what the
 * program touched. */
static __noinline int nsw_tc_slow(struct __sk_buff *skb, const struct nsw_nic *nic,
				  struct nsw_tc_frame *t)
{
	/* The key is built once, and only when an ACL on the way may need it. */
	bool acl = t->feat & NSW_FEAT_ACL;
	__u32 in_word = acl && !t->acl_in_done && t->in.kind == NSW_PORT_VF &&
				t->v.reason != NSW_DROP_RUNT &&
				t->v.reason != NSW_DROP_TRUNC_TAG &&
				t->v.reason != NSW_DROP_BAD_TAG && t->v.reason != NSW_DROP_BAD_SRC
			? nsw_acl_word(nsw_vf_slot(t->in.pf, t->in.vf), NSW_ACL_IN)
			: 0;
	__u32 out_word = acl && t->v.action == NSW_ACT_VF
				 ? nsw_acl_word(nsw_vf_slot(t->v.pf, t->v.vf), NSW_ACL_OUT)
				 : 0;
	bool acl_in = in_word & NSW_ACL_LIVE;
	bool acl_out = (out_word & NSW_ACL_LIVE) || (acl && t->v.action == NSW_ACT_FLOOD);
	struct nsw_scratch *sc = acl_in || acl_out ? nsw_scratch_here() : NULL;
	if (sc) {
		nsw_acl_key_here(skb, &t->f, sc);
		if (t->v.action == NSW_ACT_VF || t->v.action == NSW_ACT_UPLINK)
			nsw_acl_key_target(&sc->key, t->v.action == NSW_ACT_VF ? NSW_PORT_VF
									: NSW_PORT_UPLINK,
					   t->v.pf, t->v.vf);
	}
	__u32 per_copy = 0;
	if (acl_in && sc && t->v.action != NSW_ACT_DROP) {
		__u32 a = nsw_acl_judge(nsw_vf_slot(t->in.pf, t->in.vf), NSW_ACL_IN, in_word, sc,
					skb->len);
		if (a & NSW_ACLV_PER_COPY)
			per_copy = in_word; /* a flood: its copies are judged one by one */
		else
			nsw_acl_in_verdict(t, a);
	}
	struct nsw_stats_blk *s;
	if (t->acl_mirror)
		nsw_mirror_to(skb, t->acl_mirror - 1u, nsw_stats_here());
	s = nsw_count(&t->v, t->in, skb->len);
	if (t->feat & NSW_FEAT_CAPTURE)
		nsw_capture(skb, t->in.kind, t->in.pf, t->in.vf, NSW_MIRROR_IN, &t->f, &t->v);
	if ((t->feat & NSW_FEAT_MIRROR) && t->in.kind == NSW_PORT_VF)
		nsw_span(skb, t->in.pf, t->in.vf, NSW_MIRROR_IN, s);

	__u32 ifi;
	int r;
	switch (t->v.action) {
	case NSW_ACT_VF:
		ifi = nsw_vf_ifindex(t->v.pf, t->v.vf);
		if (!ifi) {
			nsw_count_late_drop(s, &t->v, t->in, skb->len, NSW_DROP_NO_DEV);
			return TC_ACT_SHOT;
		}
		skb->priority = t->v.prio;
		r = t->feat ? nsw_egress_vf(skb, s, t->v.pf, t->v.vf, &t->f, &t->v, sc, out_word,
					    t->feat)
			    : 0;
		if (r) {
			nsw_count_late_drop(s, &t->v, t->in, skb->len, (__u8)r);
			return TC_ACT_SHOT;
		}
		nsw_count_to(NSW_PORT_VF, t->v.pf, t->v.vf, skb->len);
		if (nsw_mode == NSW_MODE_TC_PEER)
			return bpf_redirect_peer(ifi, 0);
		nsw_rxd_mark(skb, &t->v, t->in);
		return bpf_redirect(ifi, 0);
	case NSW_ACT_UPLINK:
		ifi = nsw_pf_ifindex(t->v.pf);
		if (!ifi) {
			nsw_count_late_drop(s, &t->v, t->in, skb->len, NSW_DROP_NO_DEV);
			return TC_ACT_SHOT;
		}
		skb->priority = t->v.prio;
		nsw_count_to(NSW_PORT_UPLINK, t->v.pf, 0, skb->len);
		return bpf_redirect(ifi, 0);
	case NSW_ACT_FLOOD:
		skb->priority = t->v.prio;
		return nsw_flood(skb, nic, &t->v, &t->f, sc, s, t->feat, per_copy);
	default:
		return TC_ACT_SHOT;
	}
}

/* The sender's ACL for a unicast frame when ACLs are the only feature in use: true when its
 * rules allow the frame (no match, or an allow rule, whose hit is counted), so the fast path
 * delivers it and counts it the fast way. Otherwise the slow path takes the frame: with the
 * verdict turned into an ACL drop, or a mirror target, recorded in t (the hit counted once,
 * here), or untouched when the receiver has rules of its own (the slow path judges both). */
static __noinline bool nsw_acl_lane(struct __sk_buff *skb, struct nsw_tc_frame *t)
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
	nsw_acl_key_here(skb, &t->f, sc);
	nsw_acl_key_target(&sc->key, t->v.action == NSW_ACT_VF ? NSW_PORT_VF : NSW_PORT_UPLINK,
			   t->v.pf, t->v.vf);
	__u32 a = nsw_acl_judge(slot, NSW_ACL_IN, word, sc, skb->len);
	if (!nsw_aclv_action(a))
		return true;
	t->acl_in_done = 1;
	nsw_acl_in_verdict(t, a);
	return false;
}

SEC("tc")
int nsw_tc(struct __sk_buff *skb)
{
	__u32 zero = 0;
	uint64_t w[NSW_HDR_WORDS];
	struct nsw_tc_frame t;

	struct nsw_port_info *pi = nsw_port_of(skb->ifindex);
	const struct nsw_nic *nic = bpf_map_lookup_elem(&nsw_state, &zero);
	if (NSW_UNLIKELY(!pi || !nic))
		return TC_ACT_OK; /* not a port of this NIC: not ours to judge */
	t.in = pi->port;
	__u32 len = nsw_skb_header(skb, w);
	nsw_process_hdr(nic, t.in, w, len, &t.f, &t.v);
	t.feat = nsw_features_in_use();
	t.acl_in_done = 0;
	t.acl_mirror = 0;

	/* The fast path: unicast to a VF or out of a port, no feature in use but ACLs, which
	 * the lane judges. */
	if (NSW_LIKELY(!(t.feat & ~NSW_FEAT_ACL) &&
		       (t.v.action == NSW_ACT_VF || t.v.action == NSW_ACT_UPLINK))) {
		bool to_vf = t.v.action == NSW_ACT_VF;
		__u32 ifi = to_vf ? nsw_vf_ifindex(t.v.pf, t.v.vf) : nsw_pf_ifindex(t.v.pf);
		if (ifi && (!t.feat || nsw_acl_lane(skb, &t))) {
			nsw_count_unicast(&t.v, t.in, to_vf ? NSW_PORT_VF : NSW_PORT_UPLINK,
					  skb->len);
			skb->priority = t.v.prio;
			if (to_vf && nsw_mode == NSW_MODE_TC_PEER)
				return bpf_redirect_peer(ifi, 0);
			if (to_vf)
				nsw_rxd_mark(skb, &t.v, t.in);
			return bpf_redirect(ifi, 0);
		}
	}
	return nsw_tc_slow(skb, nic, &t);
}

/* Does a frame from in with verdict v need a feature only nsw_tc has? */
static __always_inline bool nsw_needs_tc(const struct nsw_port *in, const struct nsw_verdict *v)
{
	if (!nsw_features_in_use())
		return false;
	__u32 zero = 0;
	struct nsw_capture_cfg *c = bpf_map_lookup_elem(&nsw_capture_cfg, &zero);
	if (c && c->enabled)
		return true;
	__u32 keys[4] = {nsw_vf_slot(in->pf, in->vf), nsw_port_rec(in->pf),
			 nsw_vf_slot(v->pf, v->vf), nsw_port_rec(v->pf)};
	if (in->kind == NSW_PORT_VF && nsw_acl_live(keys[0], NSW_ACL_IN))
		return true;
	if (v->action == NSW_ACT_VF) {
		struct nsw_qos *q = bpf_map_lookup_elem(&nsw_qos, &keys[2]);
		if (nsw_acl_live(keys[2], NSW_ACL_OUT) || (q && q->pps))
			return true;
	}
	for (int i = 0; i < 4; i++) {
		if (i < 2 && in->kind != NSW_PORT_VF)
			continue;
		if (i >= 2 && v->action != NSW_ACT_VF)
			continue;
		__u32 *w = bpf_map_lookup_elem(&nsw_mirror, &keys[i]);
		if (w && *w)
			return true;
	}
	return false;
}

SEC("xdp")
int nsw_xdp(struct xdp_md *ctx)
{
	__u32 zero = 0, ifindex = ctx->ingress_ifindex;
	uint64_t w[NSW_HDR_WORDS];
	struct nsw_frame f;
	struct nsw_verdict v;

	struct nsw_port_info *pi = nsw_port_of(ifindex);
	const struct nsw_nic *nic = bpf_map_lookup_elem(&nsw_state, &zero);
	if (!pi || !nic)
		return XDP_PASS;
	struct nsw_port in = pi->port;
	__u32 len = nsw_xdp_header(ctx, w);
	nsw_process_hdr(nic, in, w, len, &f, &v);
	/* Floods need clones, and ACLs, SPAN, capture and policing live in nsw_tc: leave such
	 * frames, decided again, to nsw_tc on this device. */
	if (v.action == NSW_ACT_FLOOD || nsw_needs_tc(&in, &v))
		return XDP_PASS;
	__u32 ifi = 0;
	if (v.action == NSW_ACT_VF)
		ifi = nsw_vf_ifindex(v.pf, v.vf);
	else if (v.action == NSW_ACT_UPLINK)
		ifi = nsw_pf_ifindex(v.pf);
	if (ifi) {
		__u8 kind = v.action == NSW_ACT_VF ? NSW_PORT_VF : NSW_PORT_UPLINK;
		nsw_count_unicast(&v, in, kind, len);
		return bpf_redirect(ifi, 0);
	}
	struct nsw_stats_blk *s = nsw_count(&v, in, len);
	if (v.action != NSW_ACT_DROP)
		nsw_count_late_drop(s, &v, in, len, NSW_DROP_NO_DEV);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
