/* nsw_ipframes.h - IPv4/IPv6 frames with TCP/UDP headers, for the ACL tests of every tier and
 * the ACL benchmarks. */
#ifndef NSW_IPFRAMES_H
#define NSW_IPFRAMES_H

#include "nsw_frames.h"

/* IPv4: ihl in 32-bit words (5..15), frag_off the 13-bit fragment offset. Returns the length. */
static inline unsigned nsw_ipv4_frame(uint8_t *buf, unsigned cap, uint64_t dst, uint64_t src,
				      struct nsw_tag_spec tag, uint32_t sip, uint32_t dip,
				      uint8_t proto, uint16_t sport, uint16_t dport, unsigned ihl,
				      uint16_t frag_off)
{
	unsigned len = nsw_frame_build(buf, cap, dst, src, tag, NSW_NOTAG, 0x0800, 4 * ihl + 8 + 18);
	uint8_t *ip = buf + (tag.tpid ? 18 : 14);
	memset(ip, 0, 4 * ihl + 8);
	ip[0] = (uint8_t)(0x40 | ihl);
	ip[6] = (uint8_t)(frag_off >> 8);
	ip[7] = (uint8_t)frag_off;
	ip[8] = 64;
	ip[9] = proto;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(sip >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(dip >> (24 - 8 * i));
	}
	uint8_t *l4 = ip + 4 * ihl;
	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	return len;
}

static inline unsigned nsw_ipv6_frame(uint8_t *buf, unsigned cap, uint64_t dst, uint64_t src,
				      const uint8_t sip[16], const uint8_t dip[16], uint8_t proto,
				      uint16_t sport, uint16_t dport)
{
	unsigned len = nsw_frame_build(buf, cap, dst, src, NSW_NOTAG, NSW_NOTAG, 0x86dd, 40 + 8 + 10);
	uint8_t *ip = buf + 14;
	memset(ip, 0, 48);
	ip[0] = 0x60;
	ip[6] = proto;
	ip[7] = 64;
	memcpy(ip + 8, sip, 16);
	memcpy(ip + 24, dip, 16);
	ip[40] = (uint8_t)(sport >> 8);
	ip[41] = (uint8_t)sport;
	ip[42] = (uint8_t)(dport >> 8);
	ip[43] = (uint8_t)dport;
	return len;
}

#endif
