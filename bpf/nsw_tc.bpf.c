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
 *            keeps skb metadata (checksum state, GSO, VLAN tag, priority).
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

const volatile __u32 nsw_mode = NSW_MODE_TC;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nsw_nic);
} nsw_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSW_NVF_SLOTS + NSW_MAX_PFS);
	__type(key, __u32);
	__type(value, struct nsw_port_info);
} nsw_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_NVF_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} nsw_vf_dev SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSW_MAX_PFS);
	__type(key, __u32);
	__type(value, __u32);
} nsw_pf_dev SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsw_stats);
} nsw_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NSW_NVF_SLOTS);
	__type(key, __u32);
	__type(value, struct nsw_dev_stats);
} nsw_vf_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NSW_MAX_PFS);
	__type(key, __u32);
	__type(value, struct nsw_dev_stats);
} nsw_pf_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsw_meta);
} nsw_meta SEC(".maps");

static __always_inline __u32 nsw_vf_slot(__u32 pf, __u32 vf)
{
	return (pf & (NSW_MAX_PFS - 1)) * NSW_MAX_VFS + (vf & (NSW_MAX_VFS - 1));
}

/* Counters of the device a frame came from or went to. */
static __always_inline struct nsw_dev_stats *nsw_dev_stats_of(__u8 kind, __u32 pf, __u32 vf)
{
	__u32 k;
	if (kind == NSW_PORT_VF) {
		k = nsw_vf_slot(pf, vf);
		return bpf_map_lookup_elem(&nsw_vf_stats, &k);
	}
	k = pf & (NSW_MAX_PFS - 1);
	return bpf_map_lookup_elem(&nsw_pf_stats, &k);
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

/* Counts what the decision said about a frame of len bytes from port in. */
static __always_inline struct nsw_stats *nsw_count(const struct nsw_verdict *v,
						   struct nsw_port in, __u32 len)
{
	__u32 zero = 0;
	struct nsw_stats *s = bpf_map_lookup_elem(&nsw_stats, &zero);
	struct nsw_dev_stats *d = nsw_dev_stats_of(in.kind, in.pf, in.vf);
	if (d) {
		d->from_pkts++;
		d->from_bytes += len;
		d->drops += v->action == NSW_ACT_DROP;
	}
	if (!s)
		return NULL;
	s->case_pkts[v->ncase & (NSW_CASE_MAX - 1)]++;
	s->case_bytes[v->ncase & (NSW_CASE_MAX - 1)] += len;
	s->action_pkts[v->action & 3]++;
	s->prio_pkts[v->prio & 7]++;
	if (v->action == NSW_ACT_DROP && v->reason < NSW_DROP_MAX)
		s->drop[v->reason]++;
	s->inter_pf_pkts += v->inter_pf;
	return s;
}

/* A drop the environment decides after the core (no device bound, redirect refused): the frame
 * was counted under its action already, so move it to the drop column with its reason. */
static __always_inline void nsw_count_late_drop(struct nsw_stats *s, const struct nsw_verdict *v,
						struct nsw_port in, __u8 reason)
{
	struct nsw_dev_stats *d = nsw_dev_stats_of(in.kind, in.pf, in.vf);
	if (d)
		d->drops++;
	if (!s)
		return;
	s->action_pkts[v->action & 3]--;
	s->action_pkts[NSW_ACT_DROP]++;
	if (reason < NSW_DROP_MAX)
		s->drop[reason]++;
}

struct nsw_flood_ctx {
	struct __sk_buff *skb;
	struct nsw_stats *s;
	const struct nsw_nic *nic;
	const struct nsw_verdict *v;
	__u32 copies;
	__u32 failed;
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
	if (bpf_clone_redirect(c->skb, *ifi, 0)) {
		c->failed++;
		return 0;
	}
	c->copies++;
	nsw_count_to(NSW_PORT_VF, pf, vf, c->skb->len);
	return 0;
}

static __always_inline int nsw_flood(struct __sk_buff *skb, const struct nsw_nic *nic,
				     const struct nsw_verdict *v, struct nsw_stats *s)
{
	struct nsw_flood_ctx c = {.skb = skb, .s = s, .nic = nic, .v = v};
	bpf_loop(NSW_NVF_SLOTS, nsw_flood_vf, &c, 0);
	if (v->pf != NSW_NONE) {
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

SEC("tc")
int nsw_tc(struct __sk_buff *skb)
{
	__u32 zero = 0, ifindex = skb->ifindex;
	__u8 buf[NSW_HDR_MAX + 2] = {0};
	struct nsw_frame f;
	struct nsw_verdict v;

	struct nsw_port_info *pi = bpf_map_lookup_elem(&nsw_ports, &ifindex);
	const struct nsw_nic *nic = bpf_map_lookup_elem(&nsw_state, &zero);
	if (!pi || !nic)
		return TC_ACT_OK; /* not a port of this NIC: not ours to judge */
	struct nsw_port in = pi->port;

	__u32 len = nsw_skb_header(skb, buf);
	nsw_process(nic, in, buf, len, &f, &v);
	struct nsw_stats *s = nsw_count(&v, in, skb->len);

	__u32 ifi;
	switch (v.action) {
	case NSW_ACT_VF:
		ifi = nsw_vf_ifindex(v.pf, v.vf);
		if (!ifi) {
			nsw_count_late_drop(s, &v, in, NSW_DROP_NO_DEV);
			return TC_ACT_SHOT;
		}
		skb->priority = v.prio;
		nsw_count_to(NSW_PORT_VF, v.pf, v.vf, skb->len);
		if (nsw_mode == NSW_MODE_TC_PEER)
			return bpf_redirect_peer(ifi, 0);
		return bpf_redirect(ifi, 0);
	case NSW_ACT_UPLINK:
		ifi = nsw_pf_ifindex(v.pf);
		if (!ifi) {
			nsw_count_late_drop(s, &v, in, NSW_DROP_NO_DEV);
			return TC_ACT_SHOT;
		}
		skb->priority = v.prio;
		nsw_count_to(NSW_PORT_UPLINK, v.pf, 0, skb->len);
		return bpf_redirect(ifi, 0);
	case NSW_ACT_FLOOD:
		skb->priority = v.prio;
		return nsw_flood(skb, nic, &v, s);
	default:
		return TC_ACT_SHOT;
	}
}

/* The XDP accessor: the same constant-size header loads as nsw_skb_header (no out-of-band
 * tag exists in XDP). */
static __always_inline __u32 nsw_xdp_header(struct xdp_md *ctx, __u8 *buf)
{
	__u32 len = ctx->data_end - ctx->data;
	int err;
	if (len >= NSW_HDR_MAX)
		err = bpf_xdp_load_bytes(ctx, 0, buf, NSW_HDR_MAX);
	else if (len >= NSW_ETH_HLEN + NSW_VLAN_HLEN)
		err = bpf_xdp_load_bytes(ctx, 0, buf, NSW_ETH_HLEN + NSW_VLAN_HLEN);
	else if (len >= NSW_ETH_HLEN)
		err = bpf_xdp_load_bytes(ctx, 0, buf, NSW_ETH_HLEN);
	else
		return len;
	return err ? 0 : len;
}

SEC("xdp")
int nsw_xdp(struct xdp_md *ctx)
{
	__u32 zero = 0, ifindex = ctx->ingress_ifindex;
	__u8 buf[NSW_HDR_MAX + 2] = {0};
	struct nsw_frame f;
	struct nsw_verdict v;

	struct nsw_port_info *pi = bpf_map_lookup_elem(&nsw_ports, &ifindex);
	const struct nsw_nic *nic = bpf_map_lookup_elem(&nsw_state, &zero);
	if (!pi || !nic)
		return XDP_PASS;
	struct nsw_port in = pi->port;
	__u32 len = nsw_xdp_header(ctx, buf);
	nsw_process(nic, in, buf, len, &f, &v);
	/* Floods need clones: leave them, decided again, to nsw_tc on this device. */
	if (v.action == NSW_ACT_FLOOD)
		return XDP_PASS;
	struct nsw_stats *s = nsw_count(&v, in, len);
	__u32 ifi = 0;
	if (v.action == NSW_ACT_VF)
		ifi = nsw_vf_ifindex(v.pf, v.vf);
	else if (v.action == NSW_ACT_UPLINK)
		ifi = nsw_pf_ifindex(v.pf);
	else
		return XDP_DROP;
	if (!ifi) {
		nsw_count_late_drop(s, &v, in, NSW_DROP_NO_DEV);
		return XDP_DROP;
	}
	nsw_count_to(v.action == NSW_ACT_VF ? NSW_PORT_VF : NSW_PORT_UPLINK, v.pf, v.vf, len);
	return bpf_redirect(ifi, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
