/* nsw_parse.h - the L2 parser: Ethernet II / 802.3, up to two VLAN tags (802.1Q, 802.1ad).
 *
 * Owns: what counts as a well-formed frame header, and the drop reason when it is not.
 * Input: the first min(len, NSW_HDR_MAX) octets of a frame of len octets, as on the wire,
 * as header words (nsw_parse_hdr) or bytes (nsw_parse). A context that keeps the VLAN tag out
 * of band, like an skb with an accelerated tag, puts it back where it was before calling:
 * that is the accessor's job, not the parser's. No field past len is ever used.
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

/* The parser's input: the first NSW_HDR_WORDS * 8 octets of the frame as big-endian 64-bit
 * words (octet 0 in the top byte of w[0]). Why words: a context that can load them straight
 * from the frame (the BPF accessors: three loads and three byte swaps) skips two dozen byte
 * loads per frame, and every field the parser needs is a shift and a mask. Octets at or past
 * min(len, NSW_HDR_MAX) are zero, or at least never looked at: every field is checked
 * against len before use. */
#define NSW_HDR_WORDS 3
_Static_assert(NSW_HDR_WORDS * 8 >= NSW_HDR_MAX, "the words hold the whole header");

/* Big-endian words w[0 .. (max + 7) / 8) from a byte buffer holding min(len, max) octets,
 * zero past them: for contexts that have bytes (max a constant: the loops unroll). */
NSW_INLINE void nsw_be_words(const uint8_t *buf, uint32_t len, uint32_t max, uint64_t *w)
{
NSW_UNROLL
	for (uint32_t i = 0; i < (max + 7) / 8; i++)
		w[i] = 0;
NSW_UNROLL
	for (uint32_t i = 0; i < max; i++)
		if (i < len)
			w[i / 8] |= (uint64_t)buf[i] << (56 - 8 * (i % 8));
}

/* The header words from a byte buffer holding min(len, NSW_HDR_MAX) octets. */
NSW_INLINE void nsw_hdr_words(const uint8_t *buf, uint32_t len, uint64_t *w)
{
	nsw_be_words(buf, len, NSW_HDR_MAX, w);
}

/* Octets off, off + 1 of the header as a big-endian 16-bit value (off even, constant). */
#define NSW_HDR16(w, off) ((uint16_t)((w)[(off) / 8] >> (48 - 8 * ((off) % 8))))

NSW_INLINE bool nsw_is_tpid(uint16_t t)
{
	return t == NSW_ETH_P_8021Q || t == NSW_ETH_P_8021AD;
}

/* Takes tag i (TPID tpid, TCI tci) whose last octet ends at end; returns 0 or a drop reason. */
NSW_INLINE int nsw_parse_tag(uint16_t tpid, uint16_t tci, uint32_t len, uint32_t end, int i,
			     struct nsw_frame *f)
{
	if (len < end)
		return NSW_DROP_TRUNC_TAG;
	if ((tci & 0xfff) == 0xfff)
		return NSW_DROP_BAD_TAG; /* VID 4095 is reserved */
	f->tpid[i] = tpid;
	f->vid[i] = tci & 0xfff;
	if (i == 0) {
		f->pcp = (uint8_t)(tci >> 13);
		f->dei = (uint8_t)((tci >> 12) & 1);
	}
	f->ntags = (uint8_t)(i + 1);
	return 0;
}

/* The parser, on header words (see NSW_HDR_WORDS). Returns 0 and fills f, or returns an
 * enum nsw_drop reason. */
NSW_INLINE int nsw_parse_hdr(const uint64_t *w, uint32_t len, struct nsw_frame *f)
{
	int err;

	*f = (struct nsw_frame){0};
	if (NSW_UNLIKELY(len < NSW_ETH_HLEN))
		return NSW_DROP_RUNT;
	f->dst = w[0] >> 16;
	f->src = (w[0] & 0xffff) << 32 | w[1] >> 32;
	if (NSW_UNLIKELY((f->src & NSW_MAC_GROUP_BIT) || f->src == 0))
		return NSW_DROP_BAD_SRC;

	uint32_t off = NSW_ETH_HLEN;
	uint16_t type = NSW_HDR16(w, 12);
	if (NSW_UNLIKELY(nsw_is_tpid(type))) {
		err = nsw_parse_tag(type, NSW_HDR16(w, 14), len, 18, 0, f);
		if (err)
			return err;
		off += NSW_VLAN_HLEN;
		type = NSW_HDR16(w, 16);
		if (nsw_is_tpid(type)) {
			/* S-tag over C-tag, or the common C-over-C stacking; never an S-tag inside. */
			if (type == NSW_ETH_P_8021AD)
				return NSW_DROP_BAD_TAG;
			err = nsw_parse_tag(type, NSW_HDR16(w, 18), len, 22, 1, f);
			if (err)
				return err;
			off += NSW_VLAN_HLEN;
			type = NSW_HDR16(w, 20);
			if (nsw_is_tpid(type))
				return NSW_DROP_BAD_TAG; /* a third tag */
		}
	}
	if (NSW_UNLIKELY(type < NSW_ETH_P_802_3_MIN)) {
		if (type > NSW_ETH_DATA_LEN)
			return NSW_DROP_BAD_TYPE;
		if (type > len - off)
			return NSW_DROP_BAD_LENGTH;
	}
	f->ethertype = type;
	f->l3_off = (uint16_t)off;
	return 0;
}

/* The parser on a byte buffer holding min(len, NSW_HDR_MAX) octets of the frame. */
NSW_INLINE int nsw_parse(const uint8_t *buf, uint32_t len, struct nsw_frame *f)
{
	uint64_t w[NSW_HDR_WORDS];
	nsw_hdr_words(buf, len, w);
	return nsw_parse_hdr(w, len, f);
}

#endif
