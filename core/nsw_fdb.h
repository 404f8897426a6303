/* nsw_fdb.h - Table A of the paper: vMAC to (PF, VF), the read side.
 *
 * Owns: the hash of a MAC to its two candidate buckets and the constant-time lookup.
 * Invariants: a MAC is in at most one slot; a slot is either 0 or VALID|pf|vf|mac; every
 * lookup reads at most 2 buckets x NSW_FDB_WAYS slots, so it is O(1) in the worst case and
 * needs no loop the BPF verifier could not bound.
 * Who may touch it: everyone reads through nsw_fdb_find(); only core/nsw_ctl.c writes slots,
 * one aligned 64-bit store each, so a concurrent reader sees an entry whole or not at all.
 * BPF-safe: static inline, no OS headers, no allocation.
 */
#ifndef NSW_FDB_H
#define NSW_FDB_H

#include "nsw_types.h"

#define NSW_READ_ONCE(x) (*(const volatile uint64_t *)&(x))

/* Two independent multiplicative hashes. The OUI is shared by a whole PF group, so both must
 * mix the low (NIC-specific) octets into the top bits they keep. */
NSW_INLINE uint32_t nsw_fdb_hash1(uint64_t mac)
{
	return (uint32_t)((mac * 0x9e3779b97f4a7c15ull) >> (64 - NSW_FDB_BUCKET_BITS));
}

NSW_INLINE uint32_t nsw_fdb_hash2(uint64_t mac)
{
	uint64_t h = (mac ^ (mac >> 21)) * 0xc2b2ae3d27d4eb4full;
	uint32_t b = (uint32_t)(h >> (64 - NSW_FDB_BUCKET_BITS));
	/* A MAC whose two buckets coincide would get only 4 ways. */
	return b == nsw_fdb_hash1(mac) ? b ^ 1u : b;
}

NSW_INLINE uint64_t nsw_fdb_slot_make(uint64_t mac, uint8_t pf, uint16_t vf)
{
	return NSW_FDB_VALID | ((uint64_t)(pf & 7) << NSW_FDB_PF_SHIFT) |
	       ((uint64_t)(vf & 0xff) << NSW_FDB_VF_SHIFT) | (mac & NSW_MAC_MASK);
}

NSW_INLINE uint8_t nsw_fdb_slot_pf(uint64_t e)
{
	return (uint8_t)((e >> NSW_FDB_PF_SHIFT) & 7);
}

NSW_INLINE uint16_t nsw_fdb_slot_vf(uint64_t e)
{
	return (uint16_t)((e >> NSW_FDB_VF_SHIFT) & 0xff);
}

NSW_INLINE uint64_t nsw_fdb_bucket_find(const struct nsw_fdb *t, uint32_t b, uint64_t mac)
{
	const uint64_t want = NSW_FDB_VALID | mac;
	NSW_BARRIER_VAR(b);
	b &= NSW_FDB_BUCKETS - 1; /* keeps the verifier's bounds obvious */
NSW_UNROLL
	for (int w = 0; w < NSW_FDB_WAYS; w++) {
		uint64_t e = NSW_READ_ONCE(t->slot[b][w]);
		if ((e & (NSW_FDB_VALID | NSW_MAC_MASK)) == want)
			return e;
	}
	return 0;
}

/* The slot word of mac (test with != 0), or 0 when mac is not in Table A. */
NSW_INLINE uint64_t nsw_fdb_find(const struct nsw_fdb *t, uint64_t mac)
{
	uint64_t e = nsw_fdb_bucket_find(t, nsw_fdb_hash1(mac), mac);
	return NSW_LIKELY(e) ? e : nsw_fdb_bucket_find(t, nsw_fdb_hash2(mac), mac);
}

#endif
