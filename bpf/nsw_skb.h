/* nsw_skb.h - the readers of nsw_ctx.h by name for a tc program (struct __sk_buff): the header
 * the core parses, and the L3 window of an ACL key (ACLs run in nsw_tc only). Kernel only:
 * included by BPF programs, never by user space. */
#ifndef NSW_SKB_H
#define NSW_SKB_H

#include "nsw_ctx.h"

static __always_inline __u32 nsw_skb_header(struct __sk_buff *skb, uint64_t *w)
{
	return nsw_ctx_header(NSW_HOOK_SKB, skb, w);
}

static __always_inline __u32 nsw_skb_l3(struct __sk_buff *skb, const struct nsw_frame *f,
					__u8 *buf, uint64_t *lw)
{
	return nsw_ctx_l3(NSW_HOOK_SKB, skb, f->l3_off, buf, lw);
}

#endif
