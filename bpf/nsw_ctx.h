/* nsw_ctx.h - the readers between a BPF program's context and the portable core, written once
 * for both hooks: the header the core parses (nsw_hdr_words) and the L3 window an ACL key is
 * built from (nsw_l3_words). Kernel only. The programs call nsw_ctx_header and nsw_ctx_l3
 * (nsw_skb.h names them for the tc hook).
 *
 * A reader takes the context as void * with the hook it came from, always a constant
 * (NSW_HOOK_SKB or NSW_HOOK_XDP): once inlined, nsw_ctx_* below fold to the one hook's field
 * reads and helpers (nsw_ctx_skb.h, nsw_ctx_xdp.h), so one object holds both programs and the
 * verifier sees no access of the other hook's context. Never call them with a variable hook.
 * Invariant: the core sees the frame as it was on the wire, an out-of-band tag put back in.
 */
#ifndef NSW_CTX_H
#define NSW_CTX_H

#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "nsw_acl.h"
#include "nsw_parse.h"
#include "nsw_ctx_skb.h"
#include "nsw_ctx_xdp.h"

enum nsw_hook { NSW_HOOK_SKB, NSW_HOOK_XDP };

#define NSW_CTX_CALL(h, ctx, fn, ...)                                                      \
	((h) == NSW_HOOK_XDP ? nsw_xdp_##fn((const struct xdp_md *)(ctx), ##__VA_ARGS__)    \
			     : nsw_skb_##fn((const struct __sk_buff *)(ctx), ##__VA_ARGS__))
#define nsw_ctx_data(h, ctx) NSW_CTX_CALL(h, ctx, data)
#define nsw_ctx_data_end(h, ctx) NSW_CTX_CALL(h, ctx, data_end)
#define nsw_ctx_len(h, ctx) NSW_CTX_CALL(h, ctx, len)
#define nsw_ctx_tagged(h, ctx) NSW_CTX_CALL(h, ctx, tagged)
#define nsw_ctx_load(h, ctx, off, to, len) NSW_CTX_CALL(h, ctx, load, off, to, len)

/* A big-endian 64-bit load from the frame. Unaligned on purpose: the verifier allows it where
 * the CPU does unaligned loads cheaply (x86-64, arm64), and it is one load where a byte-wise
 * copy is eight. */
#define NSW_LOAD_BE64(p) ((uint64_t)__builtin_bswap64(*(const __u64 *)(p)))

/* Copies to buf the largest of the constant sizes s0 > s1 > s2 > s3 (s3 0: none) that the left
 * octets from off hold; returns the size copied, 0 when none fits or the copy failed. Loads
 * of constant size, so the verifier need not track a variable length. */
static __always_inline __u32 nsw_ctx_load_fit(enum nsw_hook h, const void *ctx, __u32 off,
					      void *buf, __u32 left, const __u32 s0,
					      const __u32 s1, const __u32 s2, const __u32 s3)
{
	__u32 n = 0;
	long err = 0;
	if (left >= s0)
		err = nsw_ctx_load(h, ctx, off, buf, (n = s0));
	else if (left >= s1)
		err = nsw_ctx_load(h, ctx, off, buf, (n = s1));
	else if (left >= s2)
		err = nsw_ctx_load(h, ctx, off, buf, (n = s2));
	else if (s3 && left >= s3)
		err = nsw_ctx_load(h, ctx, off, buf, (n = s3));
	return err ? 0 : n;
}

/* The header's uncommon cases: an out-of-band tag, a header that is not linear, a runt. The
 * sizes loaded are the header ends the parser can reach (22, 18 or 14 octets). */
static __always_inline __u32 nsw_ctx_header_copy(enum nsw_hook h, const void *ctx, uint64_t *w)
{
	__u8 buf[NSW_HDR_MAX] = {0};
	__u32 len = nsw_ctx_len(h, ctx);
	int err;

	if (!nsw_ctx_tagged(h, ctx)) {
		/* Under 14 octets the parser calls it a runt without reading. */
		err = len >= NSW_ETH_HLEN &&
		      !nsw_ctx_load_fit(h, ctx, 0, buf, len, NSW_HDR_MAX,
					NSW_ETH_HLEN + NSW_VLAN_HLEN, NSW_ETH_HLEN, 0);
		nsw_hdr_words(buf, len, w);
		return err ? 0 : len;
	}
	if (len < NSW_ETH_HLEN) {
		nsw_hdr_words(buf, 0, w);
		return len;
	}
	/* The tag back where it was on the wire, after the addresses. */
	__u16 proto = bpf_ntohs(NSW_CTX_CALL(h, ctx, tag_proto));
	__u16 tci = NSW_CTX_CALL(h, ctx, tag_tci);
	if (len >= 18)
		err = nsw_ctx_load(h, ctx, 0, buf, 12) ||
		      nsw_ctx_load(h, ctx, 12, buf + 16, NSW_HDR_MAX - 16);
	else
		err = nsw_ctx_load(h, ctx, 0, buf, 12) || nsw_ctx_load(h, ctx, 12, buf + 16, 2);
	buf[12] = proto >> 8;
	buf[13] = proto & 0xff;
	buf[14] = tci >> 8;
	buf[15] = tci & 0xff;
	len += NSW_VLAN_HLEN;
	nsw_hdr_words(buf, len, w);
	return err ? 0 : len;
}

/* The header's common case, an untagged frame whose header is linear: three loads in place
 * into the header words w (see NSW_HDR_WORDS), the frame's length in *len. false: not the
 * common case, for nsw_ctx_header_copy. */
static __always_inline bool nsw_ctx_header_inplace(enum nsw_hook h, const void *ctx,
						   uint64_t *w, __u32 *len)
{
	const __u8 *data = nsw_ctx_data(h, ctx);
	if (nsw_ctx_tagged(h, ctx) || data + NSW_HDR_WORDS * 8 > nsw_ctx_data_end(h, ctx))
		return false;
	w[0] = NSW_LOAD_BE64(data);
	w[1] = NSW_LOAD_BE64(data + 8);
	w[2] = NSW_LOAD_BE64(data + 16);
	*len = nsw_ctx_len(h, ctx);
	return true;
}

/* Where the L3 window starts (off, the frame's octets as the context counts them) and how
 * long it is (n, at most NSW_L3_WINDOW) for a payload at l3_off of the header the core saw.
 * false: the offset is out of the frame. */
static __always_inline bool nsw_ctx_l3_span(enum nsw_hook h, const void *ctx, __u32 l3_off,
					    __u32 *off, __u32 *n)
{
	__u32 o = l3_off - (nsw_ctx_tagged(h, ctx) ? NSW_VLAN_HLEN : 0);
	__u32 len = nsw_ctx_len(h, ctx);
	if (o > NSW_HDR_MAX || len < o)
		return false;
	NSW_BARRIER_VAR(o);
	o &= 31;
	*off = o;
	*n = len - o > NSW_L3_WINDOW ? NSW_L3_WINDOW : len - o;
	return true;
}

/* The window of n octets from off as words lw (see NSW_L3_WORDS), read in place: a load per
 * word, and the last, partial word by a load that ends where the frame ends, shifted, so the
 * key sees exactly the frame's octets. false: the window is not linear, for
 * nsw_ctx_l3_copy. */
static __always_inline bool nsw_ctx_l3_inplace(enum nsw_hook h, const void *ctx, __u32 off,
					       __u32 n, uint64_t *lw)
{
	const __u8 *end = nsw_ctx_data_end(h, ctx);
	const __u8 *p = nsw_ctx_data(h, ctx) + off;
	if (p + n > end)
		return false;
#pragma unroll
	for (__u32 i = 0; i < NSW_L3_WORDS; i++) {
		lw[i] = 0;
		if (8 * (i + 1) <= n && p + 8 * (i + 1) <= end)
			lw[i] = NSW_LOAD_BE64(p + 8 * i);
	}
	/* The key reads nothing of a window shorter than 20 octets. */
	__u32 r = n % 8;
	if (r && n >= 20) {
		__u32 tail = n - 8;
		NSW_BARRIER_VAR(tail);
		tail &= NSW_L3_WINDOW - 1;
		const __u8 *q = p + tail;
		if (q + 8 <= end)
			lw[(n / 8) & (NSW_L3_WORDS - 1)] = NSW_LOAD_BE64(q) << (8 * (8 - r));
	}
	return true;
}

/* The window from off when it is not linear: copied into buf (NSW_L3_WINDOW octets) by loads
 * of constant size (64, 44, 24 or 20 octets), then words lw. Returns its length, 0 when
 * unreadable. */
static __always_inline __u32 nsw_ctx_l3_copy(enum nsw_hook h, const void *ctx, __u32 off,
					     __u8 *buf, uint64_t *lw)
{
	__builtin_memset(buf, 0, NSW_L3_WINDOW);
	__u32 n = nsw_ctx_load_fit(h, ctx, off, buf, nsw_ctx_len(h, ctx) - off, 64, 44, 24, 20);
	nsw_l3_words(buf, n, lw);
	return n;
}

/* The uncommon cases as subprograms of their own (noinline), one per hook, so that the common
 * case, inlined into the program, stays short. A program of one hook leaves the other's
 * unused (and the compiler does not emit them). */
#define NSW_CTX_SUBPROG static __noinline __attribute__((unused))
NSW_CTX_SUBPROG __u32 nsw_skb_header_copy(const struct __sk_buff *skb, uint64_t *w)
{
	return nsw_ctx_header_copy(NSW_HOOK_SKB, skb, w);
}
NSW_CTX_SUBPROG __u32 nsw_xdp_header_copy(const struct xdp_md *x, uint64_t *w)
{
	return nsw_ctx_header_copy(NSW_HOOK_XDP, x, w);
}
NSW_CTX_SUBPROG __u32 nsw_skb_l3_copy(const struct __sk_buff *skb, __u32 off, __u8 *buf,
				      uint64_t *lw)
{
	return nsw_ctx_l3_copy(NSW_HOOK_SKB, skb, off, buf, lw);
}
NSW_CTX_SUBPROG __u32 nsw_xdp_l3_copy(const struct xdp_md *x, __u32 off, __u8 *buf,
				      uint64_t *lw)
{
	return nsw_ctx_l3_copy(NSW_HOOK_XDP, x, off, buf, lw);
}

/* Fills the header words w (see NSW_HDR_WORDS); returns the frame length as the core must see
 * it (with an out-of-band tag counted in), 0 when unreadable. */
static __always_inline __u32 nsw_ctx_header(enum nsw_hook h, const void *ctx, uint64_t *w)
{
	__u32 len;
	if (nsw_ctx_header_inplace(h, ctx, w, &len))
		return len;
	return NSW_CTX_CALL(h, ctx, header_copy, w);
}

/* The octets after the L2 header of the frame whose payload starts at l3_off of the header the
 * core parsed, as words lw (see NSW_L3_WORDS), buf (NSW_L3_WINDOW octets) the room to copy
 * them through when they are not linear. Returns how many the frame has (at most
 * NSW_L3_WINDOW). */
static __always_inline __u32 nsw_ctx_l3(enum nsw_hook h, const void *ctx, __u32 l3_off,
					__u8 *buf, uint64_t *lw)
{
	__u32 off, n;
	if (!nsw_ctx_l3_span(h, ctx, l3_off, &off, &n)) {
		nsw_l3_words(buf, 0, lw);
		return 0;
	}
	if (nsw_ctx_l3_inplace(h, ctx, off, n, lw))
		return n;
	return NSW_CTX_CALL(h, ctx, l3_copy, off, buf, lw);
}

#endif
