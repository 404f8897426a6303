/* test_acl_dp.c - BPF tests of two ACL guarantees of the data path (bpf/nsw_tc.bpf.c), through
 * BPF_PROG_TEST_RUN on the fixture NIC (lib/nsw_dp_sandbox.h), on the fast path's ACL
 * lane and on the slow path:
 *   - a TCP SYN to a denied port is denied behind IPv6 extension headers, and a frame whose
 *     L4 header is missing (a later fragment, a chain past the bound) is dropped when an L4
 *     rule could have decided it (drop reason acl_l4_unknown), as core/nsw_acl.h defines;
 *     random chains and rule sets agree with the definition;
 *   - rules on the copy's target (to-pf, to-vf, to-uplink) judge every copy of a flood alone,
 *     counted per copy, and unicast the same way.
 * The program is loaded in every mode (tc, tc-peer, xdp) so the verifier sees each. Needs
 * root; skips otherwise. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "../../lib/nsw_maps.h"
#include "../../lib/nsw_acl_install.h"
#include "../../lib/nsw_fixture.h"
#include "../../lib/nsw_ip6frames.h"
#include "../../lib/nsw_ipframes.h"
#include "../unit/nsw_test.h"
#include "../../lib/nsw_dp_sandbox.h"

static struct nsw_tc *skel;
static struct nsw_nic *nic;
static int skip;

static int setup(void)
{
	if (skel || skip)
		return !skip;
	skip = nsw_dp_setup(&skel, &nic) != 0;
	if (!skip)
		nsw_dp_configure(skel, nic, (struct nsw_port){NSW_PORT_VF, 0, 1});
	return !skip;
}

#define NEED_BPF()                                                                        \
	do {                                                                              \
		if (!setup()) {                                                           \
			printf("skip %s: BPF or netns not available (run as root)\n",     \
			       __func__ + 6);                                             \
			nsw_test_skipped = 1;                                             \
			return;                                                           \
		}                                                                         \
	} while (0)

static int run(const uint8_t *frame, unsigned len)
{
	struct __sk_buff ctx = {0};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof ctx, .repeat = 1);
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.nsw_tc), &opts))
		return -1000 - errno;
	return (int)opts.retval;
}

static struct nsw_acl_maps maps(void)
{
	return (struct nsw_acl_maps){bpf_map__fd(skel->maps.nsw_acl_active),
				     bpf_map__fd(skel->maps.nsw_acl_sets),
				     bpf_map__fd(skel->maps.nsw_acl_rules),
				     bpf_map__fd(skel->maps.nsw_acl_hits),
				     bpf_map__fd(skel->maps.nsw_features)};
}

static int install(uint32_t slot, uint32_t dir, const struct nsw_acl_rule *rs, unsigned n)
{
	struct nsw_acl_maps m = maps();
	char err[256];
	unsigned nt;
	int r = nsw_acl_install(&m, nsw_acl_set_id(slot, dir), rs, n, &nt, err, sizeof err);
	if (r)
		fprintf(stderr, "install: %s\n", err);
	return r;
}

/* The hits of the rule with priority prio in set (slot, dir). */
static uint64_t hits(uint32_t slot, uint32_t dir, uint32_t prio)
{
	struct nsw_acl_maps m = maps();
	struct nsw_acl_hkey keys[16];
	struct nsw_acl_hval vals[16];
	int n = nsw_acl_collect(m.rules, nsw_acl_set_id(slot, dir), 0, true, keys, vals, 16);
	for (int i = 0; i < n; i++)
		if (vals[i].prio == prio) {
			struct nsw_acl_hit h;
			nsw_counter_sum(m.hits, vals[i].id, NSW_ACL_IDS, (uint64_t *)&h, sizeof h / 8);
			return h.pkts;
		}
	return ~0ull;
}

static void stats(struct nsw_stats *s)
{
	nsw_stats_read(bpf_map__fd(skel->maps.nsw_stats), s);
}

static uint64_t to_pkts(uint32_t devix)
{
	struct nsw_dev_stats d;
	nsw_counter_sum(bpf_map__fd(skel->maps.nsw_dev_stats), devix, NSW_NDEV, (uint64_t *)&d,
			sizeof d / 8);
	return d.to_pkts;
}

#define SLOT(p, v) nsw_vf_slot(p, v)
static const uint8_t S6[16] = {0xfd, 0x77, [15] = 1}, D6[16] = {0xfd, 0x77, [15] = 2};

NSW_TEST(dp_acl_loads_in_every_mode)
{
	NEED_BPF();
	for (uint32_t mode = NSW_MODE_TC; mode <= NSW_MODE_XDP; mode++) {
		struct nsw_tc *s = nsw_tc__open();
		CHECK(s);
		s->rodata->nsw_mode = mode;
		CHECK_EQ(nsw_size_maps(s->maps.nsw_stats, s->maps.nsw_dev_stats, s->maps.nsw_scratch,
				       s->maps.nsw_acl_hits), 0);
		int r = nsw_tc__load(s);
		nsw_tc__destroy(s);
		CHECK_EQ(r, 0);
	}
}

/* The reproduction: `prio 10 proto tcp dport 22 action drop` on VF 0,1 dir in; a SYN to port
 * 22 behind each extension header (and two at once) is dropped, by the rule, on both paths;
 * the same to port 80 goes through. */
NSW_TEST(dp_acl_syn_behind_ipv6_extension_headers_dropped)
{
	NEED_BPF();
	struct nsw_acl_rule r = {.prio = 10, .action = NSW_ACL_DROP};
	r.val.proto = 6, r.mask.proto = 0xff;
	r.val.dport = 22, r.mask.dport = 0xffff;
	/* Only there to send unicast down the slow path: matches none of the frames. */
	struct nsw_acl_rule other = {.prio = 1, .action = NSW_ACL_DROP};
	other.val.ethertype = 0x0806, other.mask.ethertype = 0xffff;
	const struct nsw_ext6 chains[][2] = {
		{{0, 0, 0, 0}},                    /* none */
		{{0, 8, 0, 0}},                    /* hop-by-hop */
		{{60, 8, 0, 0}},                   /* destination options */
		{{43, 8, 0, 0}},                   /* routing */
		{{44, 8, 0, 0}},                   /* atomic fragment */
		{{44, 8, 0, 1}},                   /* first fragment */
		{{51, 16, 0, 0}},                  /* AH */
		{{0, 8, 0, 0}, {44, 8, 0, 0}},     /* hop-by-hop, fragment */
		{{60, 16, 0, 0}},                  /* destination options, 16 octets */
	};
	const unsigned nch[] = {0, 1, 1, 1, 1, 1, 1, 2, 1}, N = sizeof nch / sizeof *nch;
	uint8_t buf[256];
	CHECK_EQ(install(SLOT(0, 1), NSW_ACL_IN, &r, 1), 0);
	for (int path = 0; path < 2; path++) {
		if (path == 1)
			CHECK_EQ(install(SLOT(0, 2), NSW_ACL_OUT, &other, 1), 0);
		struct nsw_stats a, b;
		uint64_t h0 = hits(SLOT(0, 1), NSW_ACL_IN, 10);
		stats(&a);
		for (unsigned i = 0; i < N; i++) {
			for (int port = 0; port < 2; port++) {
				unsigned len = nsw_ipv6_ext_frame(buf, sizeof buf, nsw_fix_vmac(0, 2),
								  nsw_fix_vmac(0, 1), S6, D6,
								  chains[i], nch[i], 6, 40000,
								  port ? 80 : 22);
				int rc = run(buf, len);
				if (rc != (port ? TC_ACT_REDIRECT : TC_ACT_SHOT))
					fprintf(stderr, "path %d chain %u port %d: %d\n", path, i,
						port ? 80 : 22, rc);
				CHECK_EQ(rc, port ? TC_ACT_REDIRECT : TC_ACT_SHOT);
			}
		}
		stats(&b);
		CHECK_EQ(b.drop[NSW_DROP_ACL] - a.drop[NSW_DROP_ACL], N);
		CHECK_EQ(b.drop[NSW_DROP_ACL_L4] - a.drop[NSW_DROP_ACL_L4], 0);
		CHECK_EQ(hits(SLOT(0, 1), NSW_ACL_IN, 10) - h0, N);
	}
	CHECK_EQ(install(SLOT(0, 1), NSW_ACL_IN, &r, 0), 0);
	CHECK_EQ(install(SLOT(0, 2), NSW_ACL_OUT, &other, 0), 0);
}

/* Frames whose L4 header is missing: dropped by acl_l4_unknown, no rule's hit counted, on both
 * paths; let through by an explicit `l4 fragment` / `l4 unknown` rule ahead of the L4 rule;
 * untouched by a set without L4 rules. */
NSW_TEST(dp_acl_missing_l4_fails_closed)
{
	NEED_BPF();
	struct nsw_acl_rule rs[3] = {{.prio = 10, .action = NSW_ACL_DROP},
				     {.prio = 1, .action = NSW_ACL_ALLOW},
				     {.prio = 2, .action = NSW_ACL_ALLOW}};
	rs[0].val.proto = 6, rs[0].mask.proto = 0xff;
	rs[0].val.dport = 22, rs[0].mask.dport = 0xffff;
	rs[1].val.l4 = NSW_ACL_L4_FRAG, rs[1].mask.l4 = 0xff;
	rs[2].val.l4 = NSW_ACL_L4_LOST, rs[2].mask.l4 = 0xff;
	struct nsw_acl_rule other = {.prio = 1, .action = NSW_ACL_DROP};
	other.val.ethertype = 0x0806, other.mask.ethertype = 0xffff;
	const struct nsw_ext6 later[] = {{44, 8, 100, 0}};
	const struct nsw_ext6 three[] = {{0, 8, 0, 0}, {60, 8, 0, 0}, {60, 8, 0, 0}};
	const struct nsw_ext6 five[] = {{0, 8, 0, 0}, {60, 8, 0, 0}, {43, 8, 0, 0}, {60, 8, 0, 0},
					{44, 8, 0, 0}};
	uint8_t f[4][256];
	unsigned len[4];
	len[0] = nsw_ipv6_ext_frame(f[0], 256, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), S6, D6,
				    later, 1, 6, 40000, 22);
	len[1] = nsw_ipv6_ext_frame(f[1], 256, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), S6, D6,
				    three, 3, 6, 40000, 22);
	len[2] = nsw_ipv6_ext_frame(f[2], 256, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), S6, D6,
				    five, 5, 6, 40000, 22);
	len[3] = nsw_ipv4_frame(f[3], 256, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), NSW_NOTAG, 1, 2,
				6, 40000, 22, 5, 185);
	for (int path = 0; path < 2; path++) {
		CHECK_EQ(install(SLOT(0, 2), NSW_ACL_OUT, &other, path), 0);
		/* The L4 rule alone: all four dropped, by acl_l4_unknown. */
		CHECK_EQ(install(SLOT(0, 1), NSW_ACL_IN, rs, 1), 0);
		struct nsw_stats a, b;
		stats(&a);
		for (int i = 0; i < 4; i++)
			CHECK_EQ(run(f[i], len[i]), TC_ACT_SHOT);
		stats(&b);
		CHECK_EQ(b.drop[NSW_DROP_ACL_L4] - a.drop[NSW_DROP_ACL_L4], 4);
		CHECK_EQ(b.drop[NSW_DROP_ACL] - a.drop[NSW_DROP_ACL], 0);
		CHECK_EQ(hits(SLOT(0, 1), NSW_ACL_IN, 10), 0);
		/* With the policy rules ahead of it: through, each counted by its rule. */
		CHECK_EQ(install(SLOT(0, 1), NSW_ACL_IN, rs, 3), 0);
		for (int i = 0; i < 4; i++)
			CHECK_EQ(run(f[i], len[i]), TC_ACT_REDIRECT);
		CHECK_EQ(hits(SLOT(0, 1), NSW_ACL_IN, 1), 2); /* the two fragments */
		CHECK_EQ(hits(SLOT(0, 1), NSW_ACL_IN, 2), 2); /* the two long chains */
		/* A set with no L4 rule: nothing to fail closed on. */
		CHECK_EQ(install(SLOT(0, 1), NSW_ACL_IN, &rs[1], 1), 0);
		for (int i = 0; i < 4; i++)
			CHECK_EQ(run(f[i], len[i]), TC_ACT_REDIRECT);
	}
	CHECK_EQ(install(SLOT(0, 1), NSW_ACL_IN, rs, 0), 0);
	CHECK_EQ(install(SLOT(0, 2), NSW_ACL_OUT, &other, 0), 0);
}

/* Random extension-header chains (types, lengths, fragment offsets, frames cut short) against
 * random rule sets with L4 rules and policy rules: every kernel verdict is the definition's. */
NSW_TEST(dp_acl_random_ipv6_chains_match_the_definition)
{
	NEED_BPF();
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	static const uint8_t types[] = {0, 60, 43, 44, 51};
	struct nsw_acl_rule rs[12];
	uint8_t buf[512];
	unsigned checked = 0, dropped = 0, l4denied = 0;
	for (int round = 0; round < 6; round++) {
		unsigned n = 0;
		for (unsigned i = 0; i < 8; i++) {
			struct nsw_acl_rule r = {.prio = 10 * (i + 1) + (uint32_t)(nsw_rnd(&rng) % 10),
						 .action = nsw_rnd(&rng) % 3 ? NSW_ACL_DROP
									   : NSW_ACL_ALLOW};
			switch (nsw_rnd(&rng) % 4) {
			case 0: r.mask.proto = 0xff; r.val.proto = nsw_rnd(&rng) % 2 ? 6 : 17;
				r.mask.dport = 0xffff; r.val.dport = (uint16_t)(20 + nsw_rnd(&rng) % 4); break;
			case 1: r.mask.proto = 0xff; r.val.proto = nsw_rnd(&rng) % 2 ? 6 : 58; break;
			case 2: r.mask.l4 = 0xff;
				r.val.l4 = nsw_rnd(&rng) % 2 ? NSW_ACL_L4_FRAG : NSW_ACL_L4_LOST; break;
			default: r.mask.sip[3] = ~0u; r.val.sip[3] = (uint32_t)(nsw_rnd(&rng) % 3); break;
			}
			bool dup = false; /* the same match twice is refused by design */
			for (unsigned j = 0; j < n; j++)
				dup |= !memcmp(&rs[j].mask, &r.mask, sizeof r.mask) &&
				       !memcmp(&rs[j].val, &r.val, sizeof r.val);
			if (!dup)
				rs[n++] = r;
		}
		CHECK_EQ(install(SLOT(0, 1), NSW_ACL_IN, rs, n), 0);
		for (int i = 0; i < 250; i++) {
			struct nsw_ext6 ext[6];
			unsigned ne = (unsigned)(nsw_rnd(&rng) % 5);
			for (unsigned e = 0; e < ne; e++) {
				ext[e].type = types[nsw_rnd(&rng) % 5];
				ext[e].len = (uint16_t)(8 * (1 + nsw_rnd(&rng) % 3));
				ext[e].frag_off = (uint16_t)(nsw_rnd(&rng) % 3 ? 0 : nsw_rnd(&rng) % 300);
				ext[e].more = (uint8_t)(nsw_rnd(&rng) % 2);
			}
			uint8_t sip[16] = {0xfd, 0x77, [15] = (uint8_t)(nsw_rnd(&rng) % 3)};
			uint8_t proto = nsw_rnd(&rng) % 3 ? 6 : nsw_rnd(&rng) % 2 ? 17 : 58;
			unsigned len = nsw_ipv6_ext_frame(buf, sizeof buf, nsw_fix_vmac(0, 2),
							  nsw_fix_vmac(0, 1), sip, D6, ext, ne,
							  proto, 40000,
							  (uint16_t)(20 + nsw_rnd(&rng) % 4));
			CHECK(len);
			if (nsw_rnd(&rng) % 4 == 0) /* cut short, the IPv6 header whole */
				len = 14 + 40 + (unsigned)(nsw_rnd(&rng) % (len - 14 - 39));
			struct nsw_frame fr;
			struct nsw_acl_key key;
			CHECK_EQ(nsw_parse(buf, len, &fr), 0);
			unsigned l3 = len - fr.l3_off;
			nsw_acl_key_build_bytes(&fr, buf + fr.l3_off,
						l3 > NSW_L3_WINDOW ? NSW_L3_WINDOW : l3, &key);
			int w = nsw_acl_eval(rs, n, &key);
			bool drop = w == NSW_ACL_L4_DENY || (w >= 0 && rs[w].action == NSW_ACL_DROP);
			int rc = run(buf, len);
			if (rc != (drop ? TC_ACT_SHOT : TC_ACT_REDIRECT))
				fprintf(stderr, "round %d frame %d (%u octets, %u headers, l4 %u): "
					"kernel %d, definition %d\n", round, i, len, ne, key.l4, rc, w);
			CHECK_EQ(rc, drop ? TC_ACT_SHOT : TC_ACT_REDIRECT);
			checked++;
			dropped += drop;
			l4denied += w == NSW_ACL_L4_DENY;
		}
	}
	CHECK_EQ(install(SLOT(0, 1), NSW_ACL_IN, rs, 0), 0);
	CHECK(dropped > checked / 10 && dropped < checked - checked / 10);
	CHECK(l4denied > checked / 20);
}

/* `to-pf 1 action drop` on VF 0,1 dir in: a broadcast and a multicast reach VFs 0,2 and 0,3
 * and the port, not VF 1,1, the rule counting the one copy it dropped of each; unicast to
 * VF 1,1 is dropped and to VF 0,2 delivered; the same on the slow path (receiver with rules).
 * Then per-copy judgement of the whole set: to-vf, to-uplink, and a rule on the frame's own
 * fields counted once per copy it matches. */
NSW_TEST(dp_acl_to_pf_judges_each_copy)
{
	NEED_BPF();
	struct nsw_acl_rule r = {.prio = 1, .action = NSW_ACL_DROP};
	r.val.to_pf = NSW_ACL_TO_VF | 1, r.mask.to_pf = 0xff;
	struct nsw_acl_rule other = {.prio = 1, .action = NSW_ACL_DROP};
	other.val.ethertype = 0x88b6, other.mask.ethertype = 0xffff;
	uint8_t buf[128];
	const uint64_t dsts[2] = {NSW_MAC_BCAST, 0x01005e0000fbull};
	CHECK_EQ(install(SLOT(0, 1), NSW_ACL_IN, &r, 1), 0);
	for (int path = 0; path < 2; path++) {
		CHECK_EQ(install(SLOT(0, 2), NSW_ACL_OUT, &other, path), 0);
		CHECK_EQ(install(SLOT(1, 1), NSW_ACL_OUT, &other, path), 0);
		struct nsw_stats a, b;
		uint64_t h0 = hits(SLOT(0, 1), NSW_ACL_IN, 1);
		uint64_t t02 = to_pkts(SLOT(0, 2)), t03 = to_pkts(SLOT(0, 3)),
			 t11 = to_pkts(SLOT(1, 1)), tport = to_pkts(NSW_NVF_SLOTS + 0);
		stats(&a);
		for (int i = 0; i < 2; i++) {
			unsigned len = nsw_frame_build(buf, sizeof buf, dsts[i], nsw_fix_vmac(0, 1),
						       NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
			CHECK_EQ(run(buf, len), TC_ACT_SHOT); /* the original; copies are out */
		}
		unsigned len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(1, 1),
					       nsw_fix_vmac(0, 1), NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
		CHECK_EQ(run(buf, len), TC_ACT_SHOT);
		len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1),
				      NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
		CHECK_EQ(run(buf, len), TC_ACT_REDIRECT);
		stats(&b);
		CHECK_EQ(b.flood_copies - a.flood_copies, 6); /* 0,2 0,3 and the port, twice */
		CHECK_EQ(b.drop[NSW_DROP_ACL] - a.drop[NSW_DROP_ACL], 3);
		CHECK_EQ(hits(SLOT(0, 1), NSW_ACL_IN, 1) - h0, 3);
		CHECK_EQ(to_pkts(SLOT(1, 1)) - t11, 0);
		CHECK_EQ(to_pkts(SLOT(0, 2)) - t02, 3);
		CHECK_EQ(to_pkts(SLOT(0, 3)) - t03, 2);
		CHECK_EQ(to_pkts(NSW_NVF_SLOTS + 0) - tport, 2);
	}
	CHECK_EQ(install(SLOT(0, 2), NSW_ACL_OUT, &other, 0), 0);
	CHECK_EQ(install(SLOT(1, 1), NSW_ACL_OUT, &other, 0), 0);

	/* to-vf 0,3, to-uplink any, and a rule on the frame's own fields (UDP port 7). */
	struct nsw_acl_rule rs[3] = {{.prio = 1, .action = NSW_ACL_DROP},
				     {.prio = 2, .action = NSW_ACL_DROP},
				     {.prio = 5, .action = NSW_ACL_DROP}};
	rs[0].val.to_pf = NSW_ACL_TO_VF | 0, rs[0].mask.to_pf = 0xff;
	rs[0].val.to_vf = 3, rs[0].mask.to_vf = 0xffff;
	rs[1].val.to_pf = NSW_ACL_TO_PORT, rs[1].mask.to_pf = NSW_ACL_TO_VF | NSW_ACL_TO_PORT;
	rs[2].val.proto = 17, rs[2].mask.proto = 0xff;
	rs[2].val.dport = 7, rs[2].mask.dport = 0xffff;
	CHECK_EQ(install(SLOT(0, 1), NSW_ACL_IN, rs, 3), 0);
	struct nsw_stats a, b;
	stats(&a);
	uint64_t t02 = to_pkts(SLOT(0, 2)), t11 = to_pkts(SLOT(1, 1));
	unsigned len = nsw_ipv4_frame(buf, sizeof buf, NSW_MAC_BCAST, nsw_fix_vmac(0, 1), NSW_NOTAG,
				      1, 0xffffffff, 17, 1000, 9, 5, 0);
	CHECK_EQ(run(buf, len), TC_ACT_SHOT);
	stats(&b);
	CHECK_EQ(b.flood_copies - a.flood_copies, 2); /* 0,2 and 1,1 */
	CHECK_EQ(to_pkts(SLOT(0, 2)) - t02, 1);
	CHECK_EQ(to_pkts(SLOT(1, 1)) - t11, 1);
	CHECK_EQ(hits(SLOT(0, 1), NSW_ACL_IN, 1), 1);
	CHECK_EQ(hits(SLOT(0, 1), NSW_ACL_IN, 2), 1);
	CHECK_EQ(hits(SLOT(0, 1), NSW_ACL_IN, 5), 0);
	len = nsw_ipv4_frame(buf, sizeof buf, NSW_MAC_BCAST, nsw_fix_vmac(0, 1), NSW_NOTAG, 1,
			     0xffffffff, 17, 1000, 7, 5, 0);
	stats(&a);
	CHECK_EQ(run(buf, len), TC_ACT_SHOT);
	stats(&b);
	CHECK_EQ(b.flood_copies - a.flood_copies, 0);
	CHECK_EQ(b.drop[NSW_DROP_ACL] - a.drop[NSW_DROP_ACL], 4);
	CHECK_EQ(hits(SLOT(0, 1), NSW_ACL_IN, 1), 2);
	CHECK_EQ(hits(SLOT(0, 1), NSW_ACL_IN, 2), 2);
	CHECK_EQ(hits(SLOT(0, 1), NSW_ACL_IN, 5), 2); /* the copies to 0,2 and 1,1 */
	CHECK_EQ(install(SLOT(0, 1), NSW_ACL_IN, rs, 0), 0);
}
