/* nsw_skb.h - the readers of nsw_ctx.h for a tc program (struct __sk_buff): the header the
 * core parses and the L3 window of an ACL key. Kernel only: included by BPF programs, never by
 * user space. The uncommon cases are subprograms of their own (noinline), so that the common
 * case, inlined into the program, stays short. */
#ifndef NSW_SKB_H
#define NSW_SKB_H

#include "nsw_ctx.h"

static __noinline __u32 nsw_skb_header_copy(struct __sk_buff *skb, uint64_t *w)
{
	return nsw_ctx_header_copy(NSW_HOOK_SKB, skb, w);
}

/* Fills the header words w (see NSW_HDR_WORDS); returns the frame length as the core must see
 * it (with an out-of-band tag counted in), 0 when unreadable. */
static __always_inline __u32 nsw_skb_header(struct __sk_buff *skb, uint64_t *w)
{
	__u32 len;
	if (nsw_ctx_header_inplace(NSW_HOOK_SKB, skb, w, &len))
		return len;
	return nsw_skb_header_copy(skb, w);
}

static __noinline __u32 nsw_skb_l3_copy(struct __sk_buff *skb, __u32 off, __u8 *buf,
					uint64_t *lw)
{
	return nsw_ctx_l3_copy(NSW_HOOK_SKB, skb, off, buf, lw);
}

/* The octets after the L2 header of the frame whose header the core parsed as f, as words lw
 * (see NSW_L3_WORDS), buf (NSW_L3_WINDOW octets) the room to copy them through when they are
 * not linear. Returns how many the frame has (at most NSW_L3_WINDOW). */
static __always_inline __u32 nsw_skb_l3(struct __sk_buff *skb, const struct nsw_frame *f,
					__u8 *buf, uint64_t *lw)
{
	__u32 off, n;
	if (!nsw_ctx_l3_span(NSW_HOOK_SKB, skb, f->l3_off, &off, &n)) {
		nsw_l3_words(buf, 0, lw);
		return 0;
	}
	if (nsw_ctx_l3_inplace(NSW_HOOK_SKB, skb, off, n, lw))
		return n;
	return nsw_skb_l3_copy(skb, off, buf, lw);
}

#endif
