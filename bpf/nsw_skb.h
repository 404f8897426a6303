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

/* Fills buf with up to NSW_HDR_MAX octets; returns the frame length as the core must see it
 * (with an out-of-band tag counted in). Loads use constant sizes (22, 18 or 14 octets: the
 * header ends the parser can reach) so the verifier need not track a variable length. */
static __always_inline __u32 nsw_skb_header(struct __sk_buff *skb, __u8 *buf)
{
	__u32 len = skb->len;
	int err;

	if (!skb->vlan_present) {
		/* The common case, read in place: no helper call when the header is linear. */
		const __u8 *data = (const __u8 *)(long)skb->data;
		const __u8 *end = (const __u8 *)(long)skb->data_end;
		if (data + NSW_HDR_MAX <= end) {
			__builtin_memcpy(buf, data, NSW_HDR_MAX);
			return len;
		}
		if (len >= NSW_HDR_MAX)
			err = bpf_skb_load_bytes(skb, 0, buf, NSW_HDR_MAX);
		else if (len >= NSW_ETH_HLEN + NSW_VLAN_HLEN)
			err = bpf_skb_load_bytes(skb, 0, buf, NSW_ETH_HLEN + NSW_VLAN_HLEN);
		else if (len >= NSW_ETH_HLEN)
			err = bpf_skb_load_bytes(skb, 0, buf, NSW_ETH_HLEN);
		else
			return len; /* the parser calls it a runt without reading */
		return err ? 0 : len;
	}
	if (len < 14)
		return len;
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
	return err ? 0 : len + NSW_VLAN_HLEN;
}

#endif
