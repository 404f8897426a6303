/* nsw_ctx_skb.h - what a tc program's context (struct __sk_buff) offers the readers of
 * nsw_ctx.h: where the frame's linear part starts and ends, its length, its out-of-band VLAN
 * tag, and a copy of its octets. Kernel only. Owned with nsw_ctx.h; the readers reach these
 * through nsw_ctx.h's hook dispatch, never a program directly.
 * The tag: the kernel keeps a VLAN tag out of band (skb->vlan_present) where veth and most NICs
 * accelerate it; skb->len and skb->data then exclude its 4 octets. */
#ifndef NSW_CTX_SKB_H
#define NSW_CTX_SKB_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __always_inline const __u8 *nsw_skb_data(const struct __sk_buff *skb)
{
	return (const __u8 *)(long)skb->data;
}

static __always_inline const __u8 *nsw_skb_data_end(const struct __sk_buff *skb)
{
	return (const __u8 *)(long)skb->data_end;
}

static __always_inline __u32 nsw_skb_len(const struct __sk_buff *skb)
{
	return skb->len;
}

static __always_inline bool nsw_skb_tagged(const struct __sk_buff *skb)
{
	return skb->vlan_present;
}

static __always_inline __u16 nsw_skb_tag_proto(const struct __sk_buff *skb)
{
	return (__u16)skb->vlan_proto; /* network order */
}

static __always_inline __u16 nsw_skb_tag_tci(const struct __sk_buff *skb)
{
	return (__u16)skb->vlan_tci;
}

static __always_inline long nsw_skb_load(const struct __sk_buff *skb, __u32 off, void *to,
					 __u32 len)
{
	return bpf_skb_load_bytes(skb, off, to, len);
}

#endif
