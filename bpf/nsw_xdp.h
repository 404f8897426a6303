/* nsw_xdp.h - the readers of nsw_ctx.h for an XDP program (struct xdp_md): the header the core
 * parses. Kernel only. The uncommon case is a subprogram of its own (noinline), as in
 * nsw_skb.h. */
#ifndef NSW_XDP_H
#define NSW_XDP_H

#include "nsw_ctx.h"

static __noinline __u32 nsw_xdp_header_copy(struct xdp_md *x, uint64_t *w)
{
	return nsw_ctx_header_copy(NSW_HOOK_XDP, x, w);
}

/* Fills the header words w (see NSW_HDR_WORDS); returns the frame length, 0 when
 * unreadable. */
static __always_inline __u32 nsw_xdp_header(struct xdp_md *x, uint64_t *w)
{
	__u32 len;
	if (nsw_ctx_header_inplace(NSW_HOOK_XDP, x, w, &len))
		return len;
	return nsw_xdp_header_copy(x, w);
}

#endif
