/* nsw_ip6frames.h - IPv6 frames with a chain of extension headers (hop-by-hop, routing,
 * destination options, fragment, AH) in front of a TCP SYN or UDP header, for the ACL tests of
 * every tier and for nsw_rawsend (which sends them to a real stack: the TCP checksum is right).
 * Owns nothing but the frames' layout; used by tests only. */
#ifndef NSW_IP6FRAMES_H
#define NSW_IP6FRAMES_H

#include "nsw_frames.h"

/* One extension header: its type (0, 43, 44, 60, 51), its length in octets (a multiple of 8,
 * 8 at least; a fragment header is always 8), and for a fragment header the offset in 8-octet
 * units and the more-fragments flag. Options headers carry a PadN option; a routing header is
 * type 0 with no segment left, which a receiver skips (RFC 8200 4.4). */
struct nsw_ext6 {
	uint8_t type;
	uint16_t len;
	uint16_t frag_off;
	uint8_t more;
};

static inline uint16_t nsw_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An IPv6 frame from src to dst (MACs), sip to dip, through the n extension headers of ext,
 * then proto (6: a 20-octet TCP SYN, 17: an 8-octet UDP header, else 8 zero octets) with the
 * ports. Returns the frame's length, or 0 when cap is too small. */
static inline unsigned nsw_ipv6_ext_frame(uint8_t *buf, unsigned cap, uint64_t dst, uint64_t src,
					  const uint8_t sip[16], const uint8_t dip[16],
					  const struct nsw_ext6 *ext, unsigned n, uint8_t proto,
					  uint16_t sport, uint16_t dport)
{
	unsigned exts = 0, l4len = proto == 6 ? 20 : 8;
	for (unsigned i = 0; i < n; i++)
		exts += ext[i].type == 44 ? 8 : ext[i].len;
	if (64 + 40 + exts + l4len > cap) /* what nsw_frame_build asks */
		return 0;
	unsigned len = nsw_frame_build(buf, cap, dst, src, NSW_NOTAG, NSW_NOTAG, 0x86dd,
				       40 + exts + l4len);
	uint8_t *ip = buf + 14, *p = ip + 40;
	memset(ip, 0, 40 + exts + l4len);
	ip[0] = 0x60;
	ip[4] = (uint8_t)((exts + l4len) >> 8);
	ip[5] = (uint8_t)(exts + l4len);
	ip[6] = n ? ext[0].type : proto;
	ip[7] = 64;
	memcpy(ip + 8, sip, 16);
	memcpy(ip + 24, dip, 16);
	for (unsigned i = 0; i < n; i++) {
		unsigned hl = ext[i].type == 44 ? 8 : ext[i].len;
		p[0] = i + 1 < n ? ext[i + 1].type : proto;
		if (ext[i].type == 44) {
			uint16_t fo = (uint16_t)(ext[i].frag_off << 3 | (ext[i].more ? 1 : 0));
			p[2] = (uint8_t)(fo >> 8);
			p[3] = (uint8_t)fo;
			p[4] = 0x4e, p[7] = (uint8_t)(i + 1); /* identification */
		} else if (ext[i].type == 51) {
			p[1] = (uint8_t)(hl / 4 - 2);
		} else {
			p[1] = (uint8_t)(hl / 8 - 1);
			if (ext[i].type == 43) {
				p[2] = 0; /* routing type 0, segments left 0 */
			} else {
				p[2] = 1; /* PadN over the rest */
				p[3] = (uint8_t)(hl - 4);
			}
		}
		p += hl;
	}
	p[0] = (uint8_t)(sport >> 8);
	p[1] = (uint8_t)sport;
	p[2] = (uint8_t)(dport >> 8);
	p[3] = (uint8_t)dport;
	if (proto == 6) {
		p[7] = 1;    /* sequence number */
		p[12] = 0x50; /* data offset: 5 words */
		p[13] = 0x02; /* SYN */
		p[14] = 0xfa; /* window */
		p[15] = 0xf0;
	} else if (proto == 17) {
		p[5] = 8;
	}
	if (proto == 6 || proto == 17) {
		uint32_t sum = 0;
		for (unsigned i = 0; i < 32; i += 2)
			sum += (uint32_t)(ip[8 + i] << 8 | ip[9 + i]);
		sum += l4len + proto;
		for (unsigned i = 0; i < l4len; i += 2)
			sum += (uint32_t)(p[i] << 8 | p[i + 1]);
		uint16_t c = nsw_csum_fold(sum);
		uint8_t *cp = p + (proto == 6 ? 16 : 6);
		cp[0] = (uint8_t)(c >> 8);
		cp[1] = (uint8_t)c;
	}
	return len;
}

#endif
