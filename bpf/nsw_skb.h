/* nsw_skb.h - the thin accessor between an skb (TC context) and the portable core.
 * Kernel only: included by BPF programs, never by user space.
 *
 * Owns: turning an skb into the header buffer the core parses. The one thing it must get right
 * is the VLAN tag that the kernel keeps out of band (skb->vlan_present, as veth and most NICs
 * accelerate it): it is put back where it was on the wire, so the core sees the frame as the
 * VM sent it and the 802.1p PCP decides the priority either way.
 */
#ifndef NSW_SKB_H
#define NSW_SKB_H

#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "nsw_parse.h"

/* A big-endian 64-bit load from the frame. Unaligned on purpose: the verifier allows it where
 * the CPU does unaligned loads cheaply (x86-64, arm64), and it is one load where a byte-wise
 * copy is eight. */
#define NSW_LOAD_BE64(p) ((uint64_t)__builtin_bswap64(*(const __u64 *)(p)))

/* The uncommon cases of nsw_skb_header: an out-of-band tag, a header that is not linear, a
 * runt. Loads of constant sizes (22, 18 or 14 octets: the header ends the parser can reach)
 * so the verifier need not track a variable length. A subprogram of its own, to keep the
 * common case short. */
static __noinline __u32 nsw_skb_header_slow(struct __sk_buff *skb, uint64_t *w)
{
	__u8 buf[NSW_HDR_MAX] = {0};
	__u32 len = skb->len;
	int err;

	if (!skb->vlan_present) {
		if (len >= NSW_HDR_MAX)
			err = bpf_skb_load_bytes(skb, 0, buf, NSW_HDR_MAX);
		else if (len >= NSW_ETH_HLEN + NSW_VLAN_HLEN)
			err = bpf_skb_load_bytes(skb, 0, buf, NSW_ETH_HLEN + NSW_VLAN_HLEN);
		else if (len >= NSW_ETH_HLEN)
			err = bpf_skb_load_bytes(skb, 0, buf, NSW_ETH_HLEN);
		else
			err = 0; /* the parser calls it a runt without reading */
		nsw_hdr_words(buf, len, w);
		return err ? 0 : len;
	}
	if (len < NSW_ETH_HLEN) {
		nsw_hdr_words(buf, 0, w);
		return len;
	}
	__u16 proto = bpf_ntohs((__u16)skb->vlan_proto);
	__u16 tci = (__u16)skb->vlan_tci;
	if (len >= 18)
		err = bpf_skb_load_bytes(skb, 0, buf, 12) ||
		      bpf_skb_load_bytes(skb, 12, buf + 16, NSW_HDR_MAX - 16);
	else
		err = bpf_skb_load_bytes(skb, 0, buf, 12) || bpf_skb_load_bytes(skb, 12, buf + 16, 2);
	buf[12] = proto >> 8;
	buf[13] = proto & 0xff;
	buf[14] = tci >> 8;
	buf[15] = tci & 0xff;
	len += NSW_VLAN_HLEN;
	nsw_hdr_words(buf, len, w);
	return err ? 0 : len;
}

/* Fills the header words w (see NSW_HDR_WORDS); returns the frame length as the core must see
 * it (with an out-of-band tag counted in). The common case, an untagged frame whose header is
 * linear, is three loads in place. */
static __always_inline __u32 nsw_skb_header(struct __sk_buff *skb, uint64_t *w)
{
	const __u8 *data = (const __u8 *)(long)skb->data;
	const __u8 *end = (const __u8 *)(long)skb->data_end;
	if (!skb->vlan_present && data + NSW_HDR_WORDS * 8 <= end) {
		w[0] = NSW_LOAD_BE64(data);
		w[1] = NSW_LOAD_BE64(data + 8);
		w[2] = NSW_LOAD_BE64(data + 16);
		return skb->len;
	}
	return nsw_skb_header_slow(skb, w);
}

#endif
