/* test_acl.c - unit tests of the ACL part of the core: the key a frame yields, compiling a rule
 * set into tuples, and what a set decides. */
#include "../../core/nsw_acl.h"
#include "../../core/nsw_ctl.h"
#include "../../lib/nsw_ipframes.h"
#include "nsw_test.h"

static uint8_t buf[256];

static void key_of(unsigned len, struct nsw_acl_key *k)
{
	struct nsw_frame f;
	int r = nsw_parse(buf, len, &f);
	*k = (struct nsw_acl_key){0};
	if (r)
		return;
	uint32_t n = len - f.l3_off;
	nsw_acl_key_build_bytes(&f, buf + f.l3_off, n > NSW_L3_WINDOW ? NSW_L3_WINDOW : n, k);
}

NSW_TEST(acl_key_ipv4_tcp_tagged)
{
	struct nsw_acl_key k;
	unsigned len = nsw_ipv4_frame(buf, sizeof buf, 2, 4, NSW_CTAG(3, 42), 0x0a4d0001,
				      0x0a4d0002, 6, 1234, 80, 5, 0);
	key_of(len, &k);
	CHECK_EQ(k.ethertype, 0x0800);
	CHECK_EQ(k.vid, 42 | NSW_ACL_TAGGED);
	CHECK_EQ(k.pcp, 3);
	CHECK_EQ(k.sip[0], 0x0a4d0001);
	CHECK_EQ(k.dip[0], 0x0a4d0002);
	CHECK_EQ(k.proto, 6);
	CHECK_EQ(k.sport, 1234);
	CHECK_EQ(k.dport, 80);
	CHECK_EQ(k.dst, 2);
	CHECK_EQ(k.src, 4);
}

NSW_TEST(acl_key_ipv4_options_and_fragments)
{
	struct nsw_acl_key k;
	unsigned len = nsw_ipv4_frame(buf, sizeof buf, 2, 4, NSW_NOTAG, 1, 2, 17, 53, 5353, 7, 0);
	key_of(len, &k);
	CHECK_EQ(k.sport, 53); /* after 28 octets of header */
	CHECK_EQ(k.dport, 5353);
	len = nsw_ipv4_frame(buf, sizeof buf, 2, 4, NSW_NOTAG, 1, 2, 17, 53, 5353, 5, 100);
	key_of(len, &k);
	CHECK_EQ(k.proto, 17);
	CHECK_EQ(k.sport, 0); /* not the first fragment: no ports */
	CHECK_EQ(k.dport, 0);
	len = nsw_ipv4_frame(buf, sizeof buf, 2, 4, NSW_NOTAG, 1, 2, 1, 0x0800, 0, 5, 0);
	key_of(len, &k);
	CHECK_EQ(k.proto, 1);
	CHECK_EQ(k.sport, 0); /* ICMP has no ports */
	/* A header cut short: no L3 fields at all. */
	key_of(14 + 12, &k);
	CHECK_EQ(k.proto, 0);
	CHECK_EQ(k.sip[0], 0);
}

NSW_TEST(acl_key_ipv6_udp)
{
	struct nsw_acl_key k;
	uint8_t s[16] = {0xfd, 0, [15] = 1}, d[16] = {0xfd, 0, [14] = 0xab, [15] = 2};
	unsigned len = nsw_ipv6_frame(buf, sizeof buf, 2, 4, s, d, 17, 546, 547);
	key_of(len, &k);
	CHECK_EQ(k.ethertype, 0x86dd);
	CHECK_EQ(k.sip[0], 0xfd000000);
	CHECK_EQ(k.sip[3], 1);
	CHECK_EQ(k.dip[3], 0xab02);
	CHECK_EQ(k.proto, 17);
	CHECK_EQ(k.sport, 546);
	CHECK_EQ(k.dport, 547);
}

static struct nsw_acl_rule rule(uint32_t prio, uint8_t proto, uint16_t dport, uint8_t action)
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

NSW_TEST(acl_compile_checks)
{
	static struct nsw_acl_rule rs[NSW_ACL_RULES + 1];
	struct nsw_acl_set set;
	uint8_t tuple[NSW_ACL_RULES + 1];
	unsigned bad = 0;
	rs[0] = rule(10, 6, 80, NSW_ACL_DROP);
	rs[1] = rule(10, 17, 53, NSW_ACL_DROP);
	CHECK_EQ(nsw_acl_compile(rs, 2, 1, &set, tuple, &bad), NSW_E_ACL_PRIO);
	CHECK_EQ(bad, 1);
	rs[1] = rule(11, 6, 80, NSW_ACL_ALLOW);
	CHECK_EQ(nsw_acl_compile(rs, 2, 1, &set, tuple, &bad), NSW_E_ACL_SAME);
	/* Nine distinct masks: one too many. */
	for (unsigned i = 0; i < 9; i++) {
		rs[i] = rule(i, 6, 0, NSW_ACL_DROP);
		rs[i].mask.sport = (uint16_t)(1u << i);
	}
	CHECK_EQ(nsw_acl_compile(rs, 9, 1, &set, tuple, &bad), NSW_E_ACL_MASKS);
	CHECK_EQ(nsw_acl_compile(rs, 8, 1, &set, tuple, &bad), NSW_OK);
	CHECK_EQ(set.ntuples, 8);
	for (unsigned i = 0; i < NSW_ACL_RULES + 1; i++)
		rs[i] = rule(i, 6, (uint16_t)(i + 1), NSW_ACL_DROP);
	CHECK_EQ(nsw_acl_compile(rs, NSW_ACL_RULES + 1, 1, &set, tuple, &bad), NSW_E_ACL_MANY);
	CHECK_EQ(nsw_acl_compile(rs, NSW_ACL_RULES, 1, &set, tuple, &bad), NSW_OK);
	CHECK_EQ(set.ntuples, 1);
}

NSW_TEST(acl_tuples_in_priority_order)
{
	struct nsw_acl_rule rs[3] = {rule(50, 6, 0, NSW_ACL_DROP), rule(5, 17, 53, NSW_ACL_DROP),
				     rule(20, 6, 0, NSW_ACL_ALLOW)};
	rs[2].val.proto = 1;
	struct nsw_acl_set set;
	uint8_t tuple[3];
	unsigned bad;
	CHECK_EQ(nsw_acl_compile(rs, 3, 7, &set, tuple, &bad), NSW_OK);
	CHECK_EQ(set.gen, 7);
	CHECK_EQ(set.ntuples, 2);
	CHECK_EQ(set.best_prio[0], 5);  /* the proto+dport tuple */
	CHECK_EQ(set.best_prio[1], 20); /* the proto-only tuple */
	CHECK_EQ(tuple[1], 0);
	CHECK_EQ(tuple[0], 1);
	CHECK_EQ(tuple[2], 1);
}

NSW_TEST(acl_lowest_prio_wins_and_default_allows)
{
	struct nsw_acl_rule rs[2] = {rule(20, 6, 0, NSW_ACL_ALLOW), rule(10, 6, 22, NSW_ACL_DROP)};
	struct nsw_acl_key k = {0};
	k.proto = 6;
	k.dport = 22;
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), 1);
	k.dport = 80;
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), 0);
	k.proto = 17;
	CHECK_EQ(nsw_acl_eval(rs, 2, &k), -1);
	CHECK_EQ(nsw_acl_eval(rs, 0, &k), -1);
}

/* The filter must let through the fold of every key a rule matches (a miss there would allow a
 * frame the set denies), and should stop most others (that is its worth). */
NSW_TEST(acl_filter_admits_every_match_and_few_others)
{
	static struct nsw_acl_rule rs[100];
	struct nsw_acl_set set;
	uint8_t tuple[100];
	unsigned bad;
	uint64_t x = 0x243f6a8885a308d3ull;
	for (unsigned i = 0; i < 100; i++) {
		rs[i] = rule(i + 1, 17, (uint16_t)(1000 + i), NSW_ACL_DROP);
		rs[i].val.sip[0] = 0xc0a80001u + i;
		rs[i].mask.sip[0] = ~0u;
	}
	CHECK_EQ(nsw_acl_compile(rs, 100, 3, &set, tuple, &bad), NSW_OK);
	CHECK_EQ(set.ntuples, 1);
	unsigned bits = 0;
	for (unsigned w = 0; w < NSW_ACL_FILTER_WORDS; w++)
		bits += (unsigned)__builtin_popcountll(set.t[0].filter[w]);
	CHECK(bits > 100 && bits <= 200);
	for (unsigned i = 0; i < 100; i++) {
		/* A key the rule matches, with bits outside its mask set as a frame would have. */
		struct nsw_acl_key k = rs[i].val;
		k.src = 0x020000000001ull + i;
		k.sport = (uint16_t)(4000 + i);
		CHECK(nsw_acl_eval(rs, 100, &k) == (int)i);
		CHECK(nsw_acl_filter_has(set.t[tuple[i]].filter,
					 nsw_acl_fold_masked(&k, &set.t[tuple[i]].mask)));
	}
	unsigned passed = 0, tried = 0;
	for (unsigned i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		struct nsw_acl_key k = rs[0].val;
		k.sip[0] = (uint32_t)x;
		k.dport = (uint16_t)(x >> 32);
		if (nsw_acl_eval(rs, 100, &k) >= 0)
			continue;
		tried++;
		passed += nsw_acl_filter_has(set.t[0].filter, nsw_acl_fold_masked(&k, &set.t[0].mask));
	}
	/* Two bits of 512 per rule: about 10.5% of non-matching folds pass with 100 rules. */
	CHECK(tried > 19000);
	CHECK(passed < tried / 6);
	CHECK(passed > tried / 30);
}
