/* nsw_rxdrop.bpf.c - drops at the receiving VF's device, counted by reason.
 *
 * nsw_tc hands a unicast frame to the host end of the destination VF and counts it delivered;
 * the device may still drop it: a veth drops what its peer (the VM's end) cannot take, when
 * that end is down or the frame is longer than its MTU; a tap with no VM attached drops
 * everything. None of this is visible to the data path (the VM's end lives in the VM's
 * namespace, and its MTU and state change when the VM changes them), so this program watches
 * the kernel's own drops (tp_btf/kfree_skb) and, for a frame nsw_tc marked (struct __sk_buff
 * cb, see NSW_RXD_MAGIC) dropped at the very device it was sent to, in this NIC's namespace,
 * moves the frame from delivered to dropped: its class counter to the drop class, the sender's
 * device's drops, the receiver's "to" counters back into its to_drops, and the drop reason:
 * vf_link_down (the
 * device down or without carrier: the VM's end of a veth down, a tap no VM has open; or the
 * kernel's DEV_READY), vf_mtu_exceeded
 * (the veth's rule: longer than the peer's MTU + its header + one tag), vf_rx_dropped (any
 * other drop of the device: a full queue, a tap's filter). Drops of the device's qdisc (QoS's bit-rate limit) are QoS's to report.
 *
 * One per NIC, loaded by the CLI on the NIC's first vf add, sharing the NIC's counter maps and
 * nsw_vf_dev (their pins), attached by a link pinned in the NIC's folder (link_rx_drop).
 * Runs on every kfree_skb of the host: the filter is a cb word and the device's namespace, read
 * by direct loads (no helper call), then a map read.
 * Mode tc only (nsw_tc marks nothing in tc-peer). In mode tc, a frame handed into the VM's
 * end by bpf_redirect_peer (NSW_VF_DEV_PEER) is marked NSW_RXD_MAGIC_PEER: its only drop in
 * this namespace is the redirect's, when the VM's end is down or gone.
 * Kernel structures through CO-RE (the kernel's BTF); the local declarations name only the
 * fields read here. */
#include <linux/bpf.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "nsw_maps.h"

/* The NIC's network namespace (the inode of /proc/self/ns/net there): set at load. */
const volatile __u32 nsw_netns_ino = 0;

struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));
struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));
typedef struct {
	struct net *net;
} possible_net_t;
struct rtnl_link_ops {
	const char *kind;
} __attribute__((preserve_access_index));
struct net_device {
	unsigned char operstate;
	unsigned int flags;
	unsigned int mtu;
	unsigned short hard_header_len;
	int ifindex;
	possible_net_t nd_net;
	const struct rtnl_link_ops *rtnl_link_ops;
	unsigned char priv[0];
} __attribute__((preserve_access_index));
struct veth_priv {
	struct net_device *peer;
} __attribute__((preserve_access_index));
struct sk_buff {
	struct net_device *dev;
	unsigned int len;
	char cb[48];
} __attribute__((preserve_access_index));
struct qdisc_skb_cb {
	unsigned char data[20];
} __attribute__((preserve_access_index));
enum skb_drop_reason {
	SKB_DROP_REASON_DEV_READY = 1,
	SKB_DROP_REASON_QDISC_DROP = 2,
	SKB_DROP_REASON_QDISC_OVERLIMIT = 3,
	SKB_DROP_REASON_QDISC_CONGESTED = 4,
};

#define NSW_IFF_UP 1u
#define NSW_IF_OPER_UNKNOWN 0
#define NSW_IF_OPER_UP 6
#define NSW_VLAN_TAG 4u

/* The NIC's maps, reused from their pins before load, and the data path's way of counting. */
#include "nsw_dev_maps.bpf.h"
#include "nsw_counters.bpf.h"

/* reason is the kernel's r (when this kernel has r at all). */
#define NSW_IS_REASON(reason, r)                                                             \
	(bpf_core_enum_value_exists(enum skb_drop_reason, r) &&                               \
	 (reason) == (__u32)bpf_core_enum_value(enum skb_drop_reason, r))

/* Why the device dev dropped a frame of len octets that the kernel says it dropped for
 * reason; 0: not ours to count. */
static __always_inline __u8 nsw_rx_why(struct net_device *dev, __u32 len, __u32 reason)
{
	/* Down, or up without a carrier (a veth whose peer is down, a tap no VM has open: the
	 * kernel then puts the noop qdisc in front of it, which drops as a qdisc). */
	__u8 oper = BPF_CORE_READ(dev, operstate);
	if (!(BPF_CORE_READ(dev, flags) & NSW_IFF_UP) ||
	    (oper != NSW_IF_OPER_UP && oper != NSW_IF_OPER_UNKNOWN))
		return NSW_DROP_VF_LINK;
	if (NSW_IS_REASON(reason, SKB_DROP_REASON_QDISC_DROP) ||
	    NSW_IS_REASON(reason, SKB_DROP_REASON_QDISC_OVERLIMIT) ||
	    NSW_IS_REASON(reason, SKB_DROP_REASON_QDISC_CONGESTED))
		return 0;
	if (NSW_IS_REASON(reason, SKB_DROP_REASON_DEV_READY))
		return NSW_DROP_VF_LINK;
	char kind[8] = {0};
	const char *kp = BPF_CORE_READ(dev, rtnl_link_ops, kind);
	if (kp)
		bpf_probe_read_kernel_str(kind, sizeof kind, kp);
	if (kind[0] != 'v' || kind[1] != 'e' || kind[2] != 't' || kind[3] != 'h' || kind[4])
		return NSW_DROP_VF_RX;
	/* A veth: what its peer cannot take (__is_skb_forwardable). */
	struct veth_priv *vp = (void *)dev + bpf_core_field_offset(struct net_device, priv);
	struct net_device *peer = BPF_CORE_READ(vp, peer);
	if (!peer || !(BPF_CORE_READ(peer, flags) & NSW_IFF_UP))
		return NSW_DROP_VF_LINK;
	if (len > BPF_CORE_READ(peer, mtu) + BPF_CORE_READ(peer, hard_header_len) + NSW_VLAN_TAG)
		return NSW_DROP_VF_MTU;
	return NSW_DROP_VF_RX;
}

/* Word i of the mark nsw_tc left in the frame's cb (struct __sk_buff cb[i] is the qdisc cb's
 * data), read through the trusted skb: the verifier lets a load of a char array take one
 * element, so the word is put together from four byte loads (volatile, so that the compiler
 * does not merge them back into the word load the verifier would refuse). */
static __always_inline __u32 nsw_rxd_word(const struct qdisc_skb_cb *qcb, __u32 i)
{
	const volatile unsigned char *b = (const volatile unsigned char *)qcb->data + 4 * i;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (__u32)b[0] | (__u32)b[1] << 8 | (__u32)b[2] << 16 | (__u32)b[3] << 24;
#else
	return (__u32)b[3] | (__u32)b[2] << 8 | (__u32)b[1] << 16 | (__u32)b[0] << 24;
#endif
}

SEC("tp_btf/kfree_skb")
int nsw_rx_drop(unsigned long long *ctx)
{
	/* The filter runs on every kfree_skb of the host, most of them not ours (a benchmark's
	 * sink drops every frame it counts, still marked): it reads the skb and its device by
	 * direct loads of the tracepoint's trusted pointers (the JIT's faulting loads), no
	 * helper call, and a frame of another namespace is turned away before any map read. */
	struct sk_buff *skb = (struct sk_buff *)ctx[0];
	__u32 reason = (__u32)ctx[2];
	const struct qdisc_skb_cb *qcb = (const void *)skb->cb;
	__u32 magic = nsw_rxd_word(qcb, 0);
	if (magic != NSW_RXD_MAGIC && magic != NSW_RXD_MAGIC_PEER)
		return 0;
	struct net_device *dev = skb->dev;
	if (!dev || dev->nd_net.net->ns.inum != nsw_netns_ino)
		return 0;
	__u32 where = nsw_rxd_word(qcb, 1), cls = nsw_rxd_word(qcb, 2);
	__u32 to_slot = where & 0xffff, from_ix = where >> 16;
	if (to_slot >= NSW_NVF_SLOTS || from_ix >= NSW_NDEV || cls >= NSW_STAT_CLASSES)
		return 0;
	/* Keeps the counters' own index masks: the compiler would drop them as implied by the
	 * test above, whose bound the verifier does not carry through the register spills. */
	NSW_BARRIER_VAR(cls);
	NSW_BARRIER_VAR(to_slot);
	NSW_BARRIER_VAR(from_ix);
	__u32 *ifi = bpf_map_lookup_elem(&nsw_vf_dev, &to_slot);
	if (!ifi || !*ifi)
		return 0;
	__u32 len = skb->len;
	__u8 why;
	if (magic == NSW_RXD_MAGIC_PEER) {
		/* Handed over by bpf_redirect_peer: once in, the frame lives in the VM's namespace,
		 * so a drop of it here is the redirect's own (skb_do_redirect), at the device it
		 * came in on, which refuses it when the VF's VM end is down or gone: the frame of
		 * a down link, as the veth's transmit would have counted it. A VF sender's device
		 * is known here: the drop must be at it. */
		if (from_ix < NSW_NVF_SLOTS) {
			__u32 *src = bpf_map_lookup_elem(&nsw_vf_dev, &from_ix);
			if (!src || (int)*src != dev->ifindex)
				return 0;
		}
		why = NSW_DROP_VF_LINK;
	} else {
		/* Dropped at the device it was sent to: the VF's, in this NIC. */
		if ((int)*ifi != dev->ifindex)
			return 0;
		why = nsw_rx_why(dev, len, reason);
	}
	if (!why)
		return 0;
	/* The drop happens on the CPU that ran nsw_tc for the frame, in the same context: its
	 * blocks, as nsw_tc's own late drops. */
	__u32 cpu = bpf_get_smp_processor_id(), k = cpu;
	struct nsw_stats_blk *s = bpf_map_lookup_elem(&nsw_stats, &k);
	if (s)
		nsw_cnt_reclass_drop(s, cls, len, why);
	struct nsw_dev_stats *d = nsw_cnt_dev(cpu, from_ix);
	if (d)
		d->drops++;
	d = nsw_cnt_dev(cpu, to_slot);
	if (d) {
		d->to_pkts--;
		d->to_bytes -= len;
		d->to_drops++;
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
