/* test_acl_l4.c - unit tests of where the ACL key finds the L4 header (IPv6 extension headers
 * followed up to the bound, fragments past the first, chains too long) and of what a set
 * decides when it is missing (fail closed), and of the copy's target (to-pf, to-vf rules). */
#include "../../core/nsw_acl.h"
#include "../../core/nsw_ctl.h"
#include "../../lib/nsw_ip6frames.h"
#include "../../lib/nsw_ipframes.h"
#include "nsw_test.h"

static uint8_t buf[512];
static const uint8_t S6[16] = {0xfd, 0x77, [15] = 1}, D6[16] = {0xfd, 0x77, [15] = 2};

static void key6(const struct nsw_ext6 *ext, unsigned n, uint8_t proto, unsigned cut,
		 struct nsw_acl_key *k)
{
	unsigned len = nsw_ipv6_ext_frame(buf, sizeof buf, 2, 4, S6, D6, ext, n, proto, 40000, 22);
	if (cut)
		len = cut;
	struct nsw_frame f;
	*k = (struct nsw_acl_key){0};
	if (nsw_parse(buf, len, &f))
		return;
	uint32_t l3 = len - f.l3_off;
	nsw_acl_key_build_bytes(&f, buf + f.l3_off, l3 > NSW_L3_WINDOW ? NSW_L3_WINDOW : l3, k);
}

#define HBH(n) {0, n, 0, 0}
#define DST(n) {60, n, 0, 0}
#define RT(n) {43, n, 0, 0}
#define AH(n) {51, n, 0, 0}
#define FRAG(off, m) {44, 8, off, m}

NSW_TEST(acl_key_ipv6_follows_each_extension_header)
{
	const struct nsw_ext6 one[][1] = {{HBH(8)}, {DST(8)}, {RT(8)}, {FRAG(0, 0)}, {FRAG(0, 1)},
					  {AH(16)}, {HBH(16)}};
	struct nsw_acl_key k;
	for (unsigned i = 0; i < sizeof one / sizeof *one; i++) {
		key6(one[i], 1, 6, 0, &k);
		CHECK_EQ(k.l4, NSW_ACL_L4_FOUND);
		CHECK_EQ(k.proto, 6);
		CHECK_EQ(k.sport, 40000);
		CHECK_EQ(k.dport, 22);
		CHECK_EQ(k.dip[3], 2);
	}
	/* No extension header: found, as before. */
	key6(NULL, 0, 17, 0, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_FOUND);
	CHECK_EQ(k.proto, 17);
	CHECK_EQ(k.dport, 22);
}

NSW_TEST(acl_key_ipv6_chains_at_and_past_the_bound)
{
	struct nsw_acl_key k;
	/* 16 octets of headers: the ports at 56..59 of the 64-octet window. */
	const struct nsw_ext6 two[] = {HBH(8), FRAG(0, 0)}, two2[] = {DST(8), RT(8)};
	key6(two, 2, 6, 0, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_FOUND);
	CHECK_EQ(k.dport, 22);
	key6(two2, 2, 17, 0, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_FOUND);
	CHECK_EQ(k.proto, 17);
	CHECK_EQ(k.dport, 22);
	/* 24 octets: the ports would start at 64, past the window. */
	const struct nsw_ext6 three[] = {HBH(8), DST(8), FRAG(0, 0)}, big[] = {HBH(24)};
	key6(three, 3, 6, 0, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_LOST);
	CHECK_EQ(k.dport, 0);
	key6(big, 1, 6, 0, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_LOST);
	/* Four and more headers: the walk's bound (NSW_ACL_EXT_MAX) or the window's. */
	const struct nsw_ext6 many[] = {DST(8), DST(8), DST(8), DST(8), DST(8), DST(8)};
	for (unsigned n = 3; n <= 6; n++) {
		key6(many, n, 6, 0, &k);
		CHECK_EQ(k.l4, NSW_ACL_L4_LOST);
		CHECK_EQ(k.dport, 0);
	}
	/* A protocol without ports is found right at the window's end. */
	key6(three, 3, 58, 0, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_FOUND);
	CHECK_EQ(k.proto, 58);
	/* The frame ends inside the chain, or before the ports. */
	key6(two, 2, 6, 14 + 40 + 6, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_LOST);
	key6(two, 2, 6, 14 + 40 + 16 + 2, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_LOST);
	CHECK_EQ(k.dport, 0);
	/* An IPv6 ethertype with less than an IPv6 header. */
	key6(NULL, 0, 6, 14 + 30, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_LOST);
}

NSW_TEST(acl_key_fragments_past_the_first)
{
	struct nsw_acl_key k;
	const struct nsw_ext6 later[] = {FRAG(185, 0)}, hbh_later[] = {HBH(8), FRAG(1, 1)};
	key6(later, 1, 6, 0, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_FRAG);
	CHECK_EQ(k.proto, 6); /* what it carries */
	CHECK_EQ(k.sport, 0);
	CHECK_EQ(k.dport, 0);
	key6(hbh_later, 2, 17, 0, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_FRAG);
	CHECK_EQ(k.proto, 17);
	/* IPv4: a later fragment, a first one, a bad IHL, ports cut off, and no IP at all. */
	unsigned len = nsw_ipv4_frame(buf, sizeof buf, 2, 4, NSW_NOTAG, 1, 2, 6, 40000, 22, 5, 100);
	struct nsw_frame f;
	CHECK_EQ(nsw_parse(buf, len, &f), 0);
	nsw_acl_key_build_bytes(&f, buf + 14, NSW_L3_WINDOW, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_FRAG);
	CHECK_EQ(k.proto, 6);
	CHECK_EQ(k.dport, 0);
	nsw_ipv4_frame(buf, sizeof buf, 2, 4, NSW_NOTAG, 1, 2, 6, 40000, 22, 5, 0);
	nsw_acl_key_build_bytes(&f, buf + 14, NSW_L3_WINDOW, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_FOUND);
	CHECK_EQ(k.dport, 22);
	buf[14] = 0x44; /* IHL 4 */
	nsw_acl_key_build_bytes(&f, buf + 14, NSW_L3_WINDOW, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_LOST);
	buf[14] = 0x45;
	nsw_acl_key_build_bytes(&f, buf + 14, 22, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_LOST);
	CHECK_EQ(k.dport, 0);
	nsw_ipv4_frame(buf, sizeof buf, 2, 4, NSW_NOTAG, 1, 2, 1, 0x0800, 0, 5, 0);
	nsw_acl_key_build_bytes(&f, buf + 14, 22, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_FOUND); /* ICMP: no ports to miss */
	len = nsw_frame_build(buf, sizeof buf, 2, 4, NSW_NOTAG, NSW_NOTAG, 0x0806, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), 0);
	nsw_acl_key_build_bytes(&f, buf + 14, NSW_L3_WINDOW, &k);
	CHECK_EQ(k.l4, NSW_ACL_L4_NONE);
}

static struct nsw_acl_rule l4rule(uint32_t prio, uint8_t proto, uint16_t dport, uint8_t action)
{
	struct nsw_acl_rule r = {.prio = prio, .action = action};
	r.val.proto = proto;
	r.mask.proto = 0xff;
	if (dport) {
		r.val.dport = dport;
		r.mask.dport = 0xffff;
	}
	return r;
}

NSW_TEST(acl_missing_l4_fails_closed)
{
	struct nsw_acl_rule rs[4] = {l4rule(10, 6, 22, NSW_ACL_DROP)};
	struct nsw_acl_key k;
	const struct nsw_ext6 hbh[] = {HBH(8)}, later[] = {FRAG(3, 0)};
	const struct nsw_ext6 three[] = {HBH(8), DST(8), FRAG(0, 0)};
	key6(hbh, 1, 6, 0, &k);
	CHECK_EQ(nsw_acl_eval(rs, 1, &k), 0); /* the SYN behind hop-by-hop: the rule's */
	key6(three, 3, 6, 0, &k);
	CHECK_EQ(nsw_acl_eval(rs, 1, &k), NSW_ACL_L4_DENY);
	key6(later, 1, 6, 0, &k);
	CHECK_EQ(nsw_acl_eval(rs, 1, &k), NSW_ACL_L4_DENY);
	key6(later, 1, 17, 0, &k);
	CHECK_EQ(nsw_acl_eval(rs, 1, &k), NSW_ACL_L4_DENY); /* whatever it carries */
	/* A later fragment matches no L4 rule, not even one on its protocol alone. */
	rs[0] = l4rule(10, 6, 0, NSW_ACL_DROP);
	key6(later, 1, 6, 0, &k);
	CHECK_EQ(nsw_acl_eval(rs, 1, &k), NSW_ACL_L4_DENY);
	/* No L4 rule in the set: nothing to fail closed on. */
	struct nsw_acl_rule ip = {.prio = 10, .action = NSW_ACL_DROP};
	ip.val.sip[3] = 9;
	ip.mask.sip[3] = ~0u;
	CHECK_EQ(nsw_acl_eval(&ip, 1, &k), -1);
	/* A rule ahead of the L4 rules that matches decides: a source, or the policy words. */
	rs[0] = l4rule(10, 6, 22, NSW_ACL_DROP);
	rs[1] = (struct nsw_acl_rule){.prio = 5, .action = NSW_ACL_ALLOW};
	rs[1].val.l4 = NSW_ACL_L4_FRAG;
	rs[1].mask.l4 = 0xff;
	key6(later, 1, 6, 0, &k);
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), 1);
	key6(three, 3, 6, 0, &k);
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), NSW_ACL_L4_DENY); /* `l4 fragment` is not `l4 unknown` */
	rs[1].val.l4 = NSW_ACL_L4_LOST;
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), 1);
	/* The policy rule behind the L4 rule: the L4 rule could have decided, so denied. */
	rs[1].prio = 20;
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), NSW_ACL_L4_DENY);
	/* A frame whose L4 header was found is judged as ever; non-IP frames too. */
	key6(hbh, 1, 17, 0, &k);
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), -1);
	unsigned len = nsw_frame_build(buf, sizeof buf, 2, 4, NSW_NOTAG, NSW_NOTAG, 0x0806, 46);
	struct nsw_frame f;
	CHECK_EQ(nsw_parse(buf, len, &f), 0);
	nsw_acl_key_build_bytes(&f, buf + 14, NSW_L3_WINDOW, &k);
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), -1);
}

NSW_TEST(acl_compile_records_l4_tuples_and_targets)
{
	struct nsw_acl_rule rs[4] = {l4rule(30, 6, 22, NSW_ACL_DROP), l4rule(12, 17, 0, NSW_ACL_DROP)};
	rs[2] = (struct nsw_acl_rule){.prio = 3, .action = NSW_ACL_DROP};
	rs[2].val.src = 0x020000000001ull;
	rs[2].mask.src = ~0ull >> 16;
	struct nsw_acl_set set;
	uint8_t tuple[4];
	unsigned bad;
	CHECK_EQ(nsw_acl_compile(rs, 3, 1, &set, tuple, &bad), NSW_OK);
	CHECK_EQ(set.ntuples, 3);
	CHECK_EQ(set.l4_prio, 12);
	CHECK_EQ(set.l4_tuples, (1u << tuple[0]) | (1u << tuple[1]));
	CHECK_EQ(set.per_copy, 0);
	rs[3] = (struct nsw_acl_rule){.prio = 1, .action = NSW_ACL_DROP};
	rs[3].val.to_pf = NSW_ACL_TO_VF | 1;
	rs[3].mask.to_pf = 0xff;
	CHECK_EQ(nsw_acl_compile(rs, 4, 1, &set, tuple, &bad), NSW_OK);
	CHECK_EQ(set.per_copy, 1);
	CHECK_EQ(nsw_acl_compile(&rs[2], 1, 1, &set, tuple, &bad), NSW_OK);
	CHECK_EQ(set.l4_prio, NSW_ACL_NO_PRIO);
	CHECK_EQ(set.l4_tuples, 0);
}

NSW_TEST(acl_target_rules_match_the_copy)
{
	struct nsw_acl_rule rs[2] = {{.prio = 1, .action = NSW_ACL_DROP},
				     {.prio = 2, .action = NSW_ACL_DROP}};
	rs[0].val.to_pf = NSW_ACL_TO_VF | 1; /* to-pf 1 */
	rs[0].mask.to_pf = 0xff;
	rs[1].val.to_pf = NSW_ACL_TO_VF | 0; /* to-vf 0,3 */
	rs[1].mask.to_pf = 0xff;
	rs[1].val.to_vf = 3;
	rs[1].mask.to_vf = 0xffff;
	unsigned len = nsw_frame_build(buf, sizeof buf, NSW_MAC_BCAST, 4, NSW_NOTAG, NSW_NOTAG,
				       0x0806, 46);
	struct nsw_frame f;
	struct nsw_acl_key k;
	CHECK_EQ(nsw_parse(buf, len, &f), 0);
	nsw_acl_key_build_bytes(&f, buf + 14, NSW_L3_WINDOW, &k);
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), -1); /* no target yet: no target rule matches */
	nsw_acl_key_target(&k, NSW_PORT_VF, 1, 7);
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), 0);
	nsw_acl_key_target(&k, NSW_PORT_VF, 0, 3);
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), 1);
	nsw_acl_key_target(&k, NSW_PORT_VF, 0, 2);
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), -1);
	/* The copy that leaves by PF 1's port is the wire's, not PF 1's group's. */
	nsw_acl_key_target(&k, NSW_PORT_UPLINK, 1, 0);
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), -1);
	CHECK_EQ(k.to_pf, NSW_ACL_TO_PORT | 1);
}
