/* nsw_tc.bpf.c - the nSwitch data path: the core's decision at the host end of every VF and on
 * every PF's uplink, in the kernel. One object, two programs over the same maps:
 *
 *   nsw_tc   clsact ingress (modes tc and tc-peer; in mode xdp, what nsw_xdp passes up): works
 *            with the VMs' default offloads, keeps skb metadata (checksum state, GSO, VLAN tag,
 *            priority).
 *   nsw_xdp  XDP (mode xdp): unicast only, the fastest; floods and frames a feature touches
 *            are passed up to nsw_tc on the same device. Needs the VMs' tx checksum offload off.
 *
 * Owns the pipeline, each stage in its own header: find the port a frame came in on
 * (nsw_maps.bpf.h), read its header (nsw_ctx.h, one reader for both hooks), decide (the
 * core, core/nsw_decide.h, unchanged), then the sender's ACL (nsw_acl.bpf.h), SPAN and capture
 * (nsw_span.bpf.h), the receiver's stages (nsw_egress.bpf.h: its ACL, the policer, SPAN),
 * floods (nsw_flood.bpf.h), the port VLAN's tag on or off (nsw_vlan.bpf.h), and deliver: redirect to the device bound to the destination, the
 * frame's priority set for the egress scheduler. Everything is counted (nsw_counters.bpf.h).
 * Invariants: every frame that enters is counted once by class and by its sender's device;
 * every drop is counted by reason (core reasons and ours: no_device, tx_error); nothing is
 * dropped unseen. A frame not from a port of this NIC is not ours to judge: passed on.
 *
 * Per frame the fast path reads a handful of map lines (port, PF and VF registers, Table A, the
 * destination's device, three counter lines): between two frames the kernel's own path evicts
 * them, so each line it adds costs a miss (docs/bench.md). Keep it so. nsw_vlan_plan, a global
 * subprogram, is called only when a port VLAN is on the way: a call per frame measured
 * 13-15 ns of nsw_xdp's warm cost. Delivery through a devmap (bpf_redirect_map) instead of
 * bpf_redirect by ifindex measured no faster here, in the warm loop or the full path
 * (docs/bench.md, 2026-11-30 10:27-10:49), and is not used.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "nsw_decide.h"
#include "nsw_maps.bpf.h"
#include "nsw_frame.bpf.h"
#include "nsw_counters.bpf.h"
#include "nsw_ctx.h"
#include "nsw_acl.bpf.h"
#include "nsw_span.bpf.h"
#include "nsw_egress.bpf.h"
#include "nsw_flood.bpf.h"
#include "nsw_vlan.bpf.h"

/* The pipeline's first stages, the same for both hooks: the port the frame came in on (device
 * ifindex), its header read from ctx, the core's decision, all into t, and the frame's length
 * as the core saw it in *len. Returns the NIC's registers, or NULL when the device is not a
 * port of this NIC (then the frame is not ours to judge). */
static __always_inline const struct nsw_nic *nsw_dp_decide(enum nsw_hook h, void *ctx,
							   __u32 ifindex, struct nsw_dp_frame *t,
							   __u32 *len)
{
	__u32 zero = 0;
	uint64_t w[NSW_HDR_WORDS];
	struct nsw_port_info *pi = nsw_port_of(ifindex);
	const struct nsw_nic *nic = bpf_map_lookup_elem(&nsw_state, &zero);
	if (NSW_UNLIKELY(!pi || !nic))
		return NULL;
	t->in = pi->port;
	*len = nsw_ctx_header(h, ctx, w);
	nsw_process_hdr(nic, t->in, w, *len, &t->f, &t->v);
	/* No port VLAN on the frame's way (the common case): no plan, and no call of the global
	 * subprogram on every frame. */
	t->vlan_op = t->v.vlan ? (__u16)nsw_vlan_plan(t->in.kind, t->v.action, t->v.vlan) : 0;
	return nic;
}

/* Mode tc: how a unicast frame to a VF was counted, left in its cb for nsw_rx_drop, which
 * counts the frame as dropped if the kernel drops it at the VF's device (bpf/nsw_maps.h), or,
 * with magic NSW_RXD_MAGIC_PEER, in the peer redirect. The cb is the frame's own until the
 * device takes it; three stores to a line the frame has hot. */
static __always_inline void nsw_rxd_mark(struct __sk_buff *skb, const struct nsw_dp_frame *t,
					 __u32 magic)
{
	skb->cb[0] = magic;
	skb->cb[1] = nsw_rxd_where(nsw_vf_slot(t->v.pf, t->v.vf),
				   nsw_dev_ix(t->in.kind, t->in.pf, t->in.vf));
	skb->cb[2] = nsw_cnt_class(&t->v);
}

/* Hands unicast frame t to the VF whose nsw_vf_path value is dv: into the VM's end directly in
 * mode tc-peer, and in mode tc when the VF's device allows it (NSW_VF_DEV_PEER: a veth with
 * nothing on its egress) and the frame is one the veth's transmit could not refuse for its
 * length; else to the host end's egress. */
static __always_inline int nsw_deliver_vf(struct __sk_buff *skb, const struct nsw_dp_frame *t,
					  __u32 dv)
{
	__u32 ifi = nsw_vf_dev_ifi(dv);
	if (nsw_mode == NSW_MODE_TC_PEER)
		return bpf_redirect_peer(ifi, 0);
	if (nsw_mode != NSW_MODE_TC)
		return bpf_redirect(ifi, 0);
	if ((dv & NSW_VF_DEV_PEER) && (skb->len <= NSW_PEER_MAX_LEN || skb->gso_size)) {
		nsw_rxd_mark(skb, t, NSW_RXD_MAGIC_PEER);
		return bpf_redirect_peer(ifi, 0);
	}
	nsw_rxd_mark(skb, t, NSW_RXD_MAGIC);
	return bpf_redirect(ifi, 0);
}

/* Everything but plain unicast that no feature but the sender's allowing ACL touches: ACL drops
 * and mirrors, receivers' ACLs, SPAN, capture, the policer, floods, drops, a VF without a
 * device. A subprogram of its own (noinline), so that the fast path is short and sits in few
 * instruction cache lines: between two frames, the kernel's own path evicts most of what the
 * program touched. */
static __noinline int nsw_tc_slow(struct __sk_buff *skb, const struct nsw_nic *nic,
				  struct nsw_dp_frame *t)
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
		nsw_acl_key_here(skb, t, sc);
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
	nsw_cnt_open(t);
	if (t->acl_mirror)
		nsw_mirror_to(skb, t, t->acl_mirror - 1u);
	nsw_cnt_in(t, skb->len);
	if (t->feat & NSW_FEAT_CAPTURE)
		nsw_capture(skb, t, t->in.kind, t->in.pf, t->in.vf, NSW_MIRROR_IN);
	if ((t->feat & NSW_FEAT_MIRROR) && t->in.kind == NSW_PORT_VF)
		nsw_span(skb, t, t->in.pf, t->in.vf, NSW_MIRROR_IN);

	__u32 ifi;
	int r;
	switch (t->v.action) {
	case NSW_ACT_VF:
		ifi = nsw_vf_ifindex(t->v.pf, t->v.vf);
		if (!ifi) {
			nsw_cnt_late_drop(t, skb->len, NSW_DROP_NO_DEV);
			return TC_ACT_SHOT;
		}
		skb->priority = t->v.prio;
		r = t->feat ? nsw_egress_vf(skb, t, t->v.pf, t->v.vf, sc, out_word) : 0;
		/* From the port into a VF of its VLAN: the tag comes off last, after the stages
		 * that show the frame as it travels inside the NIC. */
		if (!r && nsw_vlan_has(t->vlan_op, NSW_VP_POP) && nsw_vlan_pop(skb))
			r = NSW_DROP_TX_ERR;
		if (r) {
			nsw_cnt_late_drop(t, skb->len, (__u8)r);
			return TC_ACT_SHOT;
		}
		nsw_cnt_out(t, NSW_PORT_VF, t->v.pf, t->v.vf, skb->len);
		return nsw_deliver_vf(skb, t, ifi);
	case NSW_ACT_UPLINK:
		ifi = nsw_pf_ifindex(t->v.pf);
		if (!ifi) {
			nsw_cnt_late_drop(t, skb->len, NSW_DROP_NO_DEV);
			return TC_ACT_SHOT;
		}
		skb->priority = t->v.prio;
		if (nsw_vlan_has(t->vlan_op, NSW_VP_PUSH) && nsw_vlan_push(skb, &t->v)) {
			nsw_cnt_late_drop(t, skb->len, NSW_DROP_TX_ERR);
			return TC_ACT_SHOT;
		}
		nsw_cnt_out(t, NSW_PORT_UPLINK, t->v.pf, 0, skb->len);
		return bpf_redirect(ifi, 0);
	case NSW_ACT_FLOOD:
		skb->priority = t->v.prio;
		/* From the port: every copy goes into a VF of the frame's VLAN, untagged. */
		if (nsw_vlan_has(t->vlan_op, NSW_VP_POP)) {
			if (nsw_vlan_pop(skb)) {
				nsw_cnt_late_drop(t, skb->len, NSW_DROP_TX_ERR);
				return TC_ACT_SHOT;
			}
			t->vlan_op |= NSW_VP_OFF;
		}
		return nsw_flood(skb, nic, t, sc, per_copy);
	default:
		return TC_ACT_SHOT;
	}
}

SEC("tc")
int nsw_tc(struct __sk_buff *skb)
{
	struct nsw_dp_frame t;
	__u32 len;
	const struct nsw_nic *nic = nsw_dp_decide(NSW_HOOK_SKB, skb, skb->ifindex, &t, &len);
	if (!nic)
		return TC_ACT_OK;
	t.feat = nsw_features_in_use();
	t.acl_in_done = 0;
	t.acl_mirror = 0;

	/* The fast path: unicast to a VF or out of a port, no feature in use but ACLs, which
	 * the lane judges, and no port VLAN tag to put on or take off. */
	if (NSW_LIKELY(!(t.feat & ~NSW_FEAT_ACL) &&
		       (t.v.action == NSW_ACT_VF || t.v.action == NSW_ACT_UPLINK) &&
		       !(t.vlan_op & (NSW_VP_PUSH | NSW_VP_POP)))) {
		bool to_vf = t.v.action == NSW_ACT_VF;
		__u32 ifi = to_vf ? nsw_vf_ifindex(t.v.pf, t.v.vf) : nsw_pf_ifindex(t.v.pf);
		if (ifi && (!t.feat || nsw_acl_lane(skb, &t))) {
			nsw_cnt_unicast(&t, to_vf ? NSW_PORT_VF : NSW_PORT_UPLINK, skb->len);
			skb->priority = t.v.prio;
			if (to_vf)
				return nsw_deliver_vf(skb, &t, ifi);
			return bpf_redirect(ifi, 0);
		}
	}
	return nsw_tc_slow(skb, nic, &t);
}

/* Does frame t need a stage only nsw_tc has (capture, an ACL, the policer, SPAN)? */
static __always_inline bool nsw_needs_tc(const struct nsw_dp_frame *t)
{
	const struct nsw_port *in = &t->in;
	const struct nsw_verdict *v = &t->v;
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
	struct nsw_dp_frame t;
	__u32 len;
	if (!nsw_dp_decide(NSW_HOOK_XDP, ctx, ctx->ingress_ifindex, &t, &len))
		return XDP_PASS;
	/* Floods need clones, ACLs, SPAN, capture and policing live in nsw_tc, and so does a port
	 * VLAN's tag (pushed and popped where the kernel keeps it out of band): leave such
	 * frames, decided again, to nsw_tc on this device. */
	if (t.v.action == NSW_ACT_FLOOD || (t.vlan_op & (NSW_VP_PUSH | NSW_VP_POP)) ||
	    nsw_needs_tc(&t))
		return XDP_PASS;
	__u32 ifi = 0;
	if (t.v.action == NSW_ACT_VF)
		ifi = nsw_vf_dev_ifi(nsw_vf_ifindex(t.v.pf, t.v.vf));
	else if (t.v.action == NSW_ACT_UPLINK)
		ifi = nsw_pf_ifindex(t.v.pf);
	if (ifi) {
		nsw_cnt_unicast(&t, t.v.action == NSW_ACT_VF ? NSW_PORT_VF : NSW_PORT_UPLINK, len);
		return bpf_redirect(ifi, 0);
	}
	nsw_cnt_open(&t);
	nsw_cnt_in(&t, len);
	if (t.v.action != NSW_ACT_DROP)
		nsw_cnt_late_drop(&t, len, NSW_DROP_NO_DEV);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
