/* nsw_frames.h - crafted Ethernet frames, for the simulator's NIC, the demo, the benchmarks and
 * the tests of every tier (unit, BPF, fuzz seeds).
 * nsw_frame_build writes an Ethernet frame with up to two tags into buf and returns its length. */
#ifndef NSW_FRAMES_H
#define NSW_FRAMES_H

#include <stdint.h>
#include <string.h>

struct nsw_tag_spec {
	uint16_t tpid; /* 0: no tag */
	uint16_t tci;
};

static inline void nsw_put_mac(uint8_t *p, uint64_t mac)
{
	for (int i = 0; i < 6; i++)
		p[i] = (uint8_t)(mac >> (8 * (5 - i)));
}

static inline unsigned nsw_frame_build(uint8_t *buf, unsigned cap, uint64_t dst, uint64_t src,
				       struct nsw_tag_spec t0, struct nsw_tag_spec t1,
				       uint16_t type, unsigned payload)
{
	unsigned off = 12;
	if (cap < 64 + payload)
		return 0;
	nsw_put_mac(buf, dst);
	nsw_put_mac(buf + 6, src);
	struct nsw_tag_spec tags[2] = {t0, t1};
	for (int i = 0; i < 2; i++) {
		if (!tags[i].tpid)
			continue;
		buf[off] = (uint8_t)(tags[i].tpid >> 8);
		buf[off + 1] = (uint8_t)tags[i].tpid;
		buf[off + 2] = (uint8_t)(tags[i].tci >> 8);
		buf[off + 3] = (uint8_t)tags[i].tci;
		off += 4;
	}
	buf[off] = (uint8_t)(type >> 8);
	buf[off + 1] = (uint8_t)type;
	off += 2;
	for (unsigned i = 0; i < payload; i++)
		buf[off + i] = (uint8_t)i;
	return off + payload;
}

/* xorshift64: the tests' and benchmarks' reproducible random numbers. */
static inline uint64_t nsw_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#define NSW_NOTAG ((struct nsw_tag_spec){0, 0})
#define NSW_CTAG(pcp, vid) ((struct nsw_tag_spec){0x8100, (uint16_t)(((pcp) << 13) | (vid))})
#define NSW_STAG(pcp, vid) ((struct nsw_tag_spec){0x88a8, (uint16_t)(((pcp) << 13) | (vid))})

#endif
