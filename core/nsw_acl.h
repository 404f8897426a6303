/* nsw_acl.h - access control lists of a VF: the key of a frame, rules as (value, mask), and
 * what a rule set decides.
 *
 * Owns: which fields a rule can match (source and destination MAC with masks, so an OUI can be
 * matched; ethertype; outer VLAN ID and PCP; IPv4/IPv6 source and destination prefixes; L4
 * protocol and ports, found behind IPv6 extension headers; whether the L4 header was found;
 * the target of the copy being judged) and the semantics of a set: the matching rule with the
 * lowest priority number wins; no match (or no rules) allows; a frame whose L4 header is not
 * there to judge matches no L4 rule and is denied when an L4 rule could have decided it (see
 * nsw_acl_eval: fail closed).
 * The BPF data path classifies with a tuple-space search (one hash lookup per distinct mask,
 * as Open vSwitch's classifier, skipped when the mask's filter says no rule can match);
 * nsw_acl_eval() below is the linear definition it must agree with, used by the tests and the
 * simulator.
 * Invariants: a rule's value has no bit outside its mask; keys are built by nsw_acl_key_build
 * only, so unused fields are zero.
 * BPF-safe: static inline, constant or masked offsets, no OS headers.
 */
#ifndef NSW_ACL_H
#define NSW_ACL_H

#include "nsw_parse.h"

#define NSW_ACL_MASKS 8      /* distinct masks per rule set (tuples of the search) */
#define NSW_ACL_RULES 256    /* rules per set */
#define NSW_ACL_IDS 8192     /* rule counters per NIC */
#define NSW_L3_WINDOW 64     /* octets after the L2 header the key is built from */

enum nsw_acl_action { NSW_ACL_ALLOW = 0, NSW_ACL_DROP = 1, NSW_ACL_MIRROR = 2 };
enum nsw_acl_dir { NSW_ACL_IN = 0, NSW_ACL_OUT = 1 }; /* from the VF / to the VF */

#define NSW_ACL_TAGGED 0x8000 /* in key.vid: the frame had a tag */

/* key.l4: what became of the search for the L4 header. An IP frame whose L4 header is not
 * there to judge (FRAG, LOST) matches no L4 rule, that is no rule that matches proto, sport or
 * dport (nsw_acl_mask_l4), and a set in which such a rule could have decided it denies it
 * (nsw_acl_eval). A rule may match these states by name (`l4 fragment`, `l4 unknown`): that
 * is how a set lets them through on purpose. */
enum nsw_acl_l4 {
	NSW_ACL_L4_NONE = 0,  /* not IP: no L4 header to look for */
	NSW_ACL_L4_FOUND = 1, /* proto is the upper-layer protocol; ports when it has them */
	NSW_ACL_L4_FRAG = 2,  /* a fragment past the first: proto named, no L4 header in it */
	NSW_ACL_L4_LOST = 3,  /* not found within the bound, or the frame ends before it */
};

/* The bound of the search: the L4 header's first 4 octets (the ports) must lie in the L3
 * window (NSW_L3_WINDOW octets after the L2 header). For IPv6 that leaves 20 octets of
 * extension headers, two of the usual 8 (hop-by-hop and a fragment header, say); the walk
 * visits at most NSW_ACL_EXT_MAX headers (8 octets each at least: past that the window ends),
 * a constant loop for the verifier. */
#define NSW_IPV6_HLEN 40
#define NSW_ACL_EXT_MAX ((NSW_L3_WINDOW - NSW_IPV6_HLEN) / 8 + 1)

/* key.to_pf: the target of the copy being judged, for the sender's rules (set by the data path
 * per delivered copy: nsw_acl_key_target); 0 where not known (a flood before its copies). */
#define NSW_ACL_TO_VF 0x80   /* | pf: a copy to VF (pf, key.to_vf) */
#define NSW_ACL_TO_PORT 0x40 /* | pf: the copy that leaves by PF pf's port (the uplink) */

/* The words view (w) is how masks are applied: a union, so reading fields written one way
 * through the other is defined C and not an aliasing violation. */
struct nsw_acl_key {
	union {
		struct {
			uint64_t dst, src;
			uint32_t sip[4], dip[4]; /* IPv4 in [0], host order; IPv6 in [0..3] */
			uint16_t ethertype;
			uint16_t vid; /* outer VID | NSW_ACL_TAGGED */
			uint8_t pcp;
			uint8_t proto;
			uint16_t sport, dport;
			uint8_t l4;     /* enum nsw_acl_l4 */
			uint8_t to_pf;  /* NSW_ACL_TO_VF or NSW_ACL_TO_PORT | pf, or 0 */
			uint16_t to_vf; /* with NSW_ACL_TO_VF */
			uint8_t pad[2];
		};
		uint64_t w[8];
	};
};
_Static_assert(sizeof(struct nsw_acl_key) == 64, "acl key layout");

struct nsw_acl_rule {
	struct nsw_acl_key val, mask;
	uint32_t prio;
	uint8_t action;
	uint8_t mirror_pf;
	uint16_t mirror_vf;
};
_Static_assert(sizeof(struct nsw_acl_rule) == 136, "acl rule layout");

NSW_INLINE uint32_t nsw_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The L3 window as the key builder reads it: NSW_L3_WORDS big-endian 64-bit words (octet 0 of
 * the window in the top byte of lw[0]), octets past the frame's end zero. Words for the same
 * reason as the L2 header's (NSW_HDR_WORDS): a data path loads them straight from the frame. */
#define NSW_L3_WORDS (NSW_L3_WINDOW / 8)

/* The window's words from a byte buffer holding min(l3len, NSW_L3_WINDOW) octets of it. */
NSW_INLINE void nsw_l3_words(const uint8_t *l3, uint32_t l3len, uint64_t *lw)
{
	nsw_be_words(l3, l3len, NSW_L3_WINDOW, lw);
}

/* The 32 bits at octet off of the window (off a multiple of 4, below NSW_L3_WINDOW). */
NSW_INLINE uint32_t nsw_l3_be32(const uint64_t *lw, uint32_t off)
{
	NSW_BARRIER_VAR(off);
	off &= NSW_L3_WINDOW - 4; /* the bound the verifier needs; off is a multiple of 4 */
	uint64_t w = lw[off / 8];
	return (uint32_t)(off % 8 ? w : w >> 32);
}

/* IPv6 extension headers the key's walk follows (RFC 8200 section 4, and AH): hop-by-hop,
 * routing, fragment, destination options, authentication. Any other next header is the
 * upper-layer protocol (ESP, no next header and unknown values included: a receiver cannot
 * find a TCP header behind them either). */
NSW_INLINE bool nsw_ipv6_ext(uint32_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51;
}

/* Does an L4 header of protocol proto carry ports at its start (TCP, UDP, SCTP)? */
NSW_INLINE bool nsw_l4_has_ports(uint32_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

/* The IPv6 part of the key: addresses, then the walk along the extension headers to the
 * upper-layer header (at most NSW_ACL_EXT_MAX headers, all within the window). Returns the L4
 * header's offset in the window with k->l4 = FOUND, or 0 with k->l4 = FRAG (a fragment past
 * the first: k->proto is the protocol it carries) or LOST (the chain goes past the window or
 * the frame). A first fragment, or an atomic one (offset 0, no more fragments), is followed. */
NSW_INLINE uint32_t nsw_acl_key_ipv6(const uint64_t *lw, uint32_t l3len, struct nsw_acl_key *k)
{
	NSW_UNROLL
	for (int i = 0; i < 2; i++) {
		k->sip[2 * i] = (uint32_t)(lw[1 + i] >> 32);
		k->sip[2 * i + 1] = (uint32_t)lw[1 + i];
		k->dip[2 * i] = (uint32_t)(lw[3 + i] >> 32);
		k->dip[2 * i + 1] = (uint32_t)lw[3 + i];
	}
	uint32_t nh = (uint32_t)(lw[0] >> 8) & 0xff, off = NSW_IPV6_HLEN, state = NSW_ACL_L4_LOST;
	NSW_UNROLL
	for (int i = 0; i < NSW_ACL_EXT_MAX; i++) {
		if (state != NSW_ACL_L4_LOST)
			break;
		if (!nsw_ipv6_ext(nh)) {
			state = NSW_ACL_L4_FOUND;
			break;
		}
		/* The header's first 4 octets: next header, length, (fragment) offset. */
		if (off + 4 > l3len || off + 4 > NSW_L3_WINDOW)
			break;
		uint32_t h = nsw_l3_be32(lw, off), len;
		if (nh == 44) {
			if (h & 0xfff8) {
				state = NSW_ACL_L4_FRAG;
				nh = h >> 24;
				break;
			}
			len = 8;
		} else if (nh == 51) {
			len = ((h >> 16 & 0xff) + 2) * 4;
		} else {
			len = ((h >> 16 & 0xff) + 1) * 8;
		}
		nh = h >> 24;
		off += len;
	}
	k->proto = (uint8_t)nh;
	k->l4 = (uint8_t)state;
	return state == NSW_ACL_L4_FOUND ? off : 0;
}

/* A frame from a VF with a port VLAN travels inside the NIC in that VLAN (vlan, a verdict's):
 * rules see the tag the NIC gives it, with the frame's priority prio, as its outer tag, as they
 * see the tag of a frame of that VLAN from the port. */
NSW_INLINE void nsw_acl_key_port_vlan(struct nsw_acl_key *k, uint16_t vlan, uint8_t prio)
{
	k->vid = (uint16_t)((vlan & 0xfffu) | NSW_ACL_TAGGED);
	k->pcp = prio;
}

/* lw is the window of min(l3len, NSW_L3_WINDOW) octets that follow the L2 header of frame f.
 * Fields the frame does not have (no IP, no room for the ports) stay zero; k->l4 says whether
 * the L4 header was found (enum nsw_acl_l4). An IP frame (by its ethertype) whose IP header
 * is cut short or malformed, or whose TCP, UDP or SCTP ports lie past the window or the
 * frame's end, is LOST: never judged as if it had no L4 header. */
NSW_INLINE void nsw_acl_key_build(const struct nsw_frame *f, const uint64_t *lw, uint32_t l3len,
				  struct nsw_acl_key *k)
{
	*k = (struct nsw_acl_key){0};
	k->dst = f->dst;
	k->src = f->src;
	k->ethertype = f->ethertype;
	if (f->ntags) {
		k->vid = (uint16_t)(f->vid[0] | NSW_ACL_TAGGED);
		k->pcp = f->pcp;
	}
	uint32_t l4 = 0, version = (uint32_t)(lw[0] >> 60);
	if (f->ethertype == 0x0800) {
		k->l4 = NSW_ACL_L4_LOST;
		if (l3len < 20 || version != 4)
			return;
		uint32_t ihl = (uint32_t)(lw[0] >> 56 & 15) * 4;
		k->proto = (uint8_t)(lw[1] >> 48);
		k->sip[0] = (uint32_t)lw[1];
		k->dip[0] = (uint32_t)(lw[2] >> 32);
		if (ihl < 20)
			return;
		/* The L4 header only in the first fragment. */
		if (lw[0] & 0x1fff) {
			k->l4 = NSW_ACL_L4_FRAG;
			return;
		}
		k->l4 = NSW_ACL_L4_FOUND;
		l4 = ihl;
	} else if (f->ethertype == 0x86dd) {
		k->l4 = NSW_ACL_L4_LOST;
		if (l3len < NSW_IPV6_HLEN || version != 6)
			return;
		l4 = nsw_acl_key_ipv6(lw, l3len, k);
	}
	if (l4 && nsw_l4_has_ports(k->proto)) {
		if (l4 + 4 > l3len || l4 + 4 > NSW_L3_WINDOW) {
			k->l4 = NSW_ACL_L4_LOST;
			return;
		}
		uint32_t ports = nsw_l3_be32(lw, l4);
		k->sport = (uint16_t)(ports >> 16);
		k->dport = (uint16_t)ports;
	}
}

/* The target of the copy the sender's rules judge (see NSW_ACL_TO_VF): kind is NSW_PORT_VF for
 * a copy to VF (pf, vf), else the copy leaves by PF pf's port. */
NSW_INLINE void nsw_acl_key_target(struct nsw_acl_key *k, uint8_t kind, uint32_t pf, uint32_t vf)
{
	k->to_pf = (uint8_t)((kind == NSW_PORT_VF ? NSW_ACL_TO_VF : NSW_ACL_TO_PORT) |
			     (pf & (NSW_MAX_PFS - 1)));
	k->to_vf = (uint16_t)(kind == NSW_PORT_VF ? vf : 0);
}

/* The same from a byte buffer holding min(l3len, NSW_L3_WINDOW) octets of the window. */
NSW_INLINE void nsw_acl_key_build_bytes(const struct nsw_frame *f, const uint8_t *l3,
					uint32_t l3len, struct nsw_acl_key *k)
{
	uint64_t lw[NSW_L3_WORDS];
	nsw_l3_words(l3, l3len, lw);
	nsw_acl_key_build(f, lw, l3len, k);
}

/* Is a rule with this mask an L4 rule (one that matches proto, sport or dport)? */
NSW_INLINE bool nsw_acl_mask_l4(const struct nsw_acl_key *m)
{
	return m->proto || m->sport || m->dport;
}

/* Is the key's L4 header missing where it should be (a later fragment, or not found)? */
NSW_INLINE bool nsw_acl_key_l4_missing(const struct nsw_acl_key *k)
{
	return k->l4 >= NSW_ACL_L4_FRAG;
}

NSW_INLINE bool nsw_acl_rule_matches(const struct nsw_acl_rule *r, const struct nsw_acl_key *k)
{
	if (nsw_acl_key_l4_missing(k) && nsw_acl_mask_l4(&r->mask))
		return false;
	for (int i = 0; i < 8; i++)
		if ((k->w[i] & r->mask.w[i]) != r->val.w[i])
			return false;
	return true;
}

/* The compiled form of a set, as the data path searches it: its distinct masks (tuples), in
 * order of the best priority of their rules (best_prio[t]) so the search can stop early; every
 * rule lives in a hash table under (set, generation, tuple, fold of its value).
 * Each tuple carries a filter of its rules' folds (see nsw_acl_filter_has): a frame whose fold
 * is not in it matches no rule of the tuple, and its search skips the hash lookup. Most frames
 * match no rule of most tuples, so the lookup (a helper call, the kernel's hash of the key and
 * a bucket line) becomes one line of bits. A tuple is two cache lines, mask then filter, and
 * the header one: the set is 64-byte aligned in the data path's map. */
#define NSW_ACL_FILTER_WORDS 8 /* 512 bits per tuple */

struct nsw_acl_tuple {
	struct nsw_acl_key mask;
	uint64_t filter[NSW_ACL_FILTER_WORDS];
};
_Static_assert(sizeof(struct nsw_acl_tuple) == 128, "acl tuple: two lines");

#define NSW_ACL_NO_PRIO 0xffffffffu /* l4_prio of a set without L4 rules (prio < 2^28) */

struct nsw_acl_set {
	uint32_t gen;
	uint32_t ntuples;
	uint32_t best_prio[NSW_ACL_MASKS];
	uint32_t l4_prio;  /* the best priority of the L4 rules, or NSW_ACL_NO_PRIO */
	uint8_t l4_tuples; /* bit t: tuple t is of L4 rules (skipped for keys missing L4) */
	uint8_t per_copy;  /* a rule matches the copy's target: judge each copy of a flood */
	uint8_t pad[18];
	struct nsw_acl_tuple t[NSW_ACL_MASKS];
};
_Static_assert(sizeof(struct nsw_acl_set) == 64 + 128 * NSW_ACL_MASKS, "acl set layout");

/* The hash key carries a 64-bit fold of the masked value, not the value: hashing 16 octets
 * instead of 72 is most of a lookup's cost. The value itself is in the entry and compared on a
 * hit, so a frame whose fold collides with a rule's is never taken for a match; two rules of
 * one tuple whose folds collide are refused at install. */
struct nsw_acl_hkey {
	uint32_t set;  /* VF slot * 2 + direction */
	uint32_t tgen; /* generation << 4 | tuple */
	uint64_t fold;
};
_Static_assert(sizeof(struct nsw_acl_hkey) == 16, "acl hash key layout");

struct nsw_acl_hval {
	struct nsw_acl_key val; /* the rule's (masked) value */
	uint32_t id;            /* counter index */
	uint32_t prio;
	uint8_t action;
	uint8_t mirror_pf;
	uint16_t mirror_vf;
	uint32_t pad;
};
_Static_assert(sizeof(struct nsw_acl_hval) == 80, "acl hash value layout");

/* The fold of k & m. Eight independent multiplies summed, then one mix: the products do not
 * wait on each other (a chained fold made the search wait on eight multiplies in a row), and
 * the masked key is never stored: the data path folds and compares straight from the frame's
 * key and the tuple's mask. Collisions cost nothing but a refused install: the value is
 * compared on every hit. */
NSW_INLINE uint64_t nsw_acl_fold_masked(const struct nsw_acl_key *k, const struct nsw_acl_key *m)
{
	static const uint64_t mul[8] = {
		0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full, 0x165667b19e3779f9ull,
		0xd6e8feb86659fd93ull, 0xff51afd7ed558ccdull, 0xc4ceb9fe1a85ec53ull,
		0xa0761d6478bd642full, 0xe7037ed1a0b428dbull,
	};
	uint64_t h = 0x6a09e667f3bcc908ull;
	NSW_UNROLL
	for (int i = 0; i < 8; i++) {
		uint64_t x = k->w[i] & m->w[i];
		h += (x ^ (x >> 31)) * mul[i];
	}
	h ^= h >> 32;
	h *= 0x9e3779b97f4a7c15ull;
	return h ^ h >> 29;
}

/* The fold of a rule's value (which has no bit outside its mask): what the control side stores,
 * equal to nsw_acl_fold_masked(k, mask) of every key k the rule matches. */
NSW_INLINE uint64_t nsw_acl_fold(const struct nsw_acl_key *val)
{
	const struct nsw_acl_key all = {
		.w = {~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull}};
	return nsw_acl_fold_masked(val, &all);
}

/* The filter's test of a fold, a blocked Bloom filter: the fold's top three bits name a word
 * of the filter, the next two sixes two bits in it. Two bits rather than one: with 100 rules in
 * a tuple, a fold of no rule passes one time in ten instead of one in five. One word: one
 * load in the data path, and a search that fits the BPF stack next to its callers. */
NSW_INLINE uint64_t nsw_acl_filter_bits(uint64_t fold)
{
	return 1ull << (fold >> 55 & 63) | 1ull << (fold >> 49 & 63);
}

NSW_INLINE void nsw_acl_filter_add(uint64_t *filter, uint64_t fold)
{
	filter[fold >> 61] |= nsw_acl_filter_bits(fold);
}

/* May a rule of the tuple with this filter have this fold? False only when none has. */
NSW_INLINE bool nsw_acl_filter_has(const uint64_t *filter, uint64_t fold)
{
	uint64_t m = nsw_acl_filter_bits(fold);
	return (filter[fold >> 61] & m) == m;
}

/* k & m == val? */
NSW_INLINE bool nsw_acl_key_match(const struct nsw_acl_key *k, const struct nsw_acl_key *m,
				  const struct nsw_acl_key *val)
{
	uint64_t d = 0;
	NSW_UNROLL
	for (int i = 0; i < 8; i++)
		d |= (k->w[i] & m->w[i]) ^ val->w[i];
	return d == 0;
}

/* Compiles n rules into set (gen given) and tuple[i], the tuple of rule i. Returns 0 or an
 * nsw_err; *bad names the offending rule (index) on error. Checks: priorities unique, no two
 * rules with the same match, at most NSW_ACL_MASKS distinct masks. Native only. */
int nsw_acl_compile(const struct nsw_acl_rule *rules, unsigned n, uint32_t gen,
		    struct nsw_acl_set *set, uint8_t *tuple, unsigned *bad);

/* The definition: index of the winning rule (lowest prio among matches), -1 (allow), or
 * NSW_ACL_L4_DENY. A key whose L4 header is missing (a fragment past the first, or a header
 * chain past the bound) matches no L4 rule; such a rule might have matched had the header been
 * there, so when one has a better priority than the winner (or nothing matches), the frame is
 * denied, fail closed, and counted by its own drop reason (acl_l4_unknown) rather than by a
 * rule. A rule ahead of every L4 rule that matches the frame (`l4 fragment action allow`,
 * a source prefix) decides it as usual. */
#define NSW_ACL_L4_DENY (-2)

static inline int nsw_acl_eval(const struct nsw_acl_rule *rules, unsigned n,
			       const struct nsw_acl_key *k)
{
	int best = -1;
	uint32_t l4_prio = NSW_ACL_NO_PRIO;
	for (unsigned i = 0; i < n; i++) {
		if (nsw_acl_mask_l4(&rules[i].mask) && rules[i].prio < l4_prio)
			l4_prio = rules[i].prio;
		if (nsw_acl_rule_matches(&rules[i], k) &&
		    (best < 0 || rules[i].prio < rules[best].prio))
			best = (int)i;
	}
	if (nsw_acl_key_l4_missing(k) && l4_prio != NSW_ACL_NO_PRIO &&
	    (best < 0 || l4_prio < rules[best].prio))
		return NSW_ACL_L4_DENY;
	return best;
}

#endif
