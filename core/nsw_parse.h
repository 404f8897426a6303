/* nsw_parse.h - the L2 parser: Ethernet II / 802.3, up to two VLAN tags (802.1Q, 802.1ad).
 *
 * Owns: what counts as a well-formed frame header, and the drop reason when it is not.
 * Input: buf holds the first min(len, NSW_HDR_MAX) octets of a frame of len octets, as on
 * the wire (a context that keeps the VLAN tag out of band, like an skb with an accelerated
 * tag, puts it back in buf before calling: that is the accessor's job, not the parser's).
 * The parser never reads buf past min(len, NSW_HDR_MAX).
 * BPF-safe: static inline, constant offsets, no loops, no OS headers.
 */
#ifndef NSW_PARSE_H
#define NSW_PARSE_H

#include "nsw_types.h"

#define NSW_ETH_HLEN 14
#define NSW_VLAN_HLEN 4
#define NSW_ETH_P_8021Q 0x8100
#define NSW_ETH_P_8021AD 0x88a8
#define NSW_ETH_P_802_3_MIN 0x0600 /* smaller values are an 802.3 length */
#define NSW_ETH_DATA_LEN 1500

NSW_INLINE uint16_t nsw_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

NSW_INLINE uint64_t nsw_mac_load(const uint8_t *p)
{
	return ((uint64_t)p[0] << 40) | ((uint64_t)p[1] << 32) | ((uint64_t)p[2] << 24) |
	       ((uint64_t)p[3] << 16) | ((uint64_t)p[4] << 8) | (uint64_t)p[5];
}

NSW_INLINE bool nsw_is_tpid(uint16_t t)
{
	return t == NSW_ETH_P_8021Q || t == NSW_ETH_P_8021AD;
}

/* Reads one tag at offset off; returns 0 or a drop reason. */
NSW_INLINE int nsw_parse_tag(const uint8_t *tag, uint32_t len, uint32_t off, int i,
				struct nsw_frame *f)
{
	if (len < off + NSW_VLAN_HLEN)
		return NSW_DROP_TRUNC_TAG;
	uint16_t tci = nsw_be16(tag);
	if ((tci & 0xfff) == 0xfff)
		return NSW_DROP_BAD_TAG; /* VID 4095 is reserved */
	f->tpid[i] = nsw_be16(tag - 2);
	f->vid[i] = tci & 0xfff;
	if (i == 0) {
		f->pcp = (uint8_t)(tci >> 13);
		f->dei = (uint8_t)((tci >> 12) & 1);
	}
	f->ntags = (uint8_t)(i + 1);
	return 0;
}

/* Returns 0 and fills f, or returns an enum nsw_drop reason. */
NSW_INLINE int nsw_parse(const uint8_t *buf, uint32_t len, struct nsw_frame *f)
{
	int err;

	*f = (struct nsw_frame){0};
	if (len < NSW_ETH_HLEN)
		return NSW_DROP_RUNT;
	f->dst = nsw_mac_load(buf);
	f->src = nsw_mac_load(buf + 6);
	if ((f->src & NSW_MAC_GROUP_BIT) || f->src == 0)
		return NSW_DROP_BAD_SRC;

	uint32_t off = NSW_ETH_HLEN;
	uint16_t type = nsw_be16(buf + 12);
	if (nsw_is_tpid(type)) {
		err = nsw_parse_tag(buf + 14, len, off, 0, f);
		if (err)
			return err;
		off += NSW_VLAN_HLEN;
		type = nsw_be16(buf + 16);
		if (nsw_is_tpid(type)) {
			/* S-tag over C-tag, or the common C-over-C stacking; never an S-tag inside. */
			if (type == NSW_ETH_P_8021AD)
				return NSW_DROP_BAD_TAG;
			err = nsw_parse_tag(buf + 18, len, off, 1, f);
			if (err)
				return err;
			off += NSW_VLAN_HLEN;
			type = nsw_be16(buf + 20);
			if (nsw_is_tpid(type))
				return NSW_DROP_BAD_TAG; /* a third tag */
		}
	}
	if (type < NSW_ETH_P_802_3_MIN) {
		if (type > NSW_ETH_DATA_LEN)
			return NSW_DROP_BAD_TYPE;
		if (type > len - off)
			return NSW_DROP_BAD_LENGTH;
	}
	f->ethertype = type;
	f->l3_off = (uint16_t)off;
	return 0;
}

#endif
