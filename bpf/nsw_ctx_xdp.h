/* nsw_ctx_xdp.h - what an XDP program's context (struct xdp_md) offers the readers of
 * nsw_ctx.h: the same accessors as nsw_ctx_skb.h. Kernel only. Owned with nsw_ctx.h.
 * XDP has no out-of-band tag: a tag is in the frame's octets, so "tagged" is constant false and
 * the readers' tag path folds away. The length is the linear part's (one buffer: nsw_xdp is
 * not attached in multi-buffer mode). */
#ifndef NSW_CTX_XDP_H
#define NSW_CTX_XDP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __always_inline const __u8 *nsw_xdp_data(const struct xdp_md *x)
{
	return (const __u8 *)(long)x->data;
}

static __always_inline const __u8 *nsw_xdp_data_end(const struct xdp_md *x)
{
	return (const __u8 *)(long)x->data_end;
}

static __always_inline __u32 nsw_xdp_len(const struct xdp_md *x)
{
	return x->data_end - x->data;
}

static __always_inline bool nsw_xdp_tagged(const struct xdp_md *x)
{
	(void)x;
	return false;
}

static __always_inline __u16 nsw_xdp_tag_proto(const struct xdp_md *x)
{
	(void)x;
	return 0;
}

static __always_inline __u16 nsw_xdp_tag_tci(const struct xdp_md *x)
{
	(void)x;
	return 0;
}

static __always_inline long nsw_xdp_load(const struct xdp_md *x, __u32 off, void *to, __u32 len)
{
	return bpf_xdp_load_bytes((struct xdp_md *)x, off, to, len);
}

#endif
