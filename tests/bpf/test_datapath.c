/* test_datapath.c - the BPF test tier for the data path (bpf/nsw_tc.bpf.c), no network: the
 * program is loaded from its skeleton (not pinned), the NIC is configured through the mmapped
 * registers with the core's control functions, and crafted frames go through
 * BPF_PROG_TEST_RUN. Checked: the TC verdict (redirect, drop, not ours), skb->priority as the
 * egress scheduler will see it, and the counters per case, action, drop reason and device.
 * Runs in a private network namespace whose loopback stands in for every device, so no frame
 * of a test (a flood's clones included) can reach a real interface. Needs root. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "../../lib/nsw_maps.h"
#include "../../lib/nsw_fixture.h"
#include "../../lib/nsw_frames.h"
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

static void configure(struct nsw_port in)
{
	nsw_dp_configure(skel, nic, in);
}

static int run(const uint8_t *frame, unsigned len, struct __sk_buff *out)
{
	struct __sk_buff ctx = {0};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof ctx, .ctx_out = out,
		    .ctx_size_out = sizeof *out, .repeat = 1);
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.nsw_tc), &opts))
		return -1000 - errno;
	return (int)opts.retval;
}

static void stats(struct nsw_stats *s)
{
	nsw_stats_read(bpf_map__fd(skel->maps.nsw_stats), s);
}

static void dev_stats(uint32_t key, struct nsw_dev_stats *d)
{
	nsw_counter_sum(bpf_map__fd(skel->maps.nsw_dev_stats), key, NSW_NDEV, (uint64_t *)d,
			sizeof *d / 8);
}

static const struct nsw_port VF01 = {NSW_PORT_VF, 0, 1}, PORT0 = {NSW_PORT_UPLINK, 0, 0};

NSW_TEST(dp_case0_redirect_and_counters)
{
	NEED_BPF();
	configure(VF01);
	uint8_t buf[128];
	struct __sk_buff out;
	struct nsw_stats a, b;
	struct nsw_dev_stats d1, d2;
	unsigned len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1),
				       NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	stats(&a);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(run(buf, len, &out), TC_ACT_REDIRECT);
	stats(&b);
	CHECK_EQ(b.case_pkts[0] - a.case_pkts[0], 3);
	CHECK_EQ(b.action_pkts[NSW_ACT_VF] - a.action_pkts[NSW_ACT_VF], 3);
	dev_stats(nsw_vf_slot(0, 1), &d1);
	dev_stats(nsw_vf_slot(0, 2), &d2);
	CHECK(d1.from_pkts >= 3);
	CHECK(d2.to_pkts >= 3);
}

NSW_TEST(dp_priority_reaches_the_skb)
{
	NEED_BPF();
	configure((struct nsw_port){NSW_PORT_VF, 0, 2}); /* VF 0,2 has default priority 3 */
	uint8_t buf[128];
	struct __sk_buff out;
	unsigned len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 1), nsw_fix_vmac(0, 2),
				       NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, &out), TC_ACT_REDIRECT);
	CHECK_EQ(out.priority, 3);
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(1, 1), nsw_fix_vmac(0, 2),
			      NSW_CTAG(6, 42), NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, &out), TC_ACT_REDIRECT);
	CHECK_EQ(out.priority, 6);
}

NSW_TEST(dp_drops_counted_by_reason)
{
	NEED_BPF();
	configure(VF01);
	uint8_t buf[128];
	struct __sk_buff out;
	struct nsw_stats a, b;
	stats(&a);
	unsigned len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 2),
				       NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, &out), TC_ACT_SHOT); /* spoofed */
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 9), nsw_fix_vmac(0, 1), NSW_NOTAG,
			      NSW_NOTAG, 0x0800, 46);
	nsw_pf_set_miss_drop(nic, 0, true);
	CHECK_EQ(run(buf, len, &out), TC_ACT_SHOT); /* unknown vMAC, PF 0 drops misses */
	nsw_pf_set_miss_drop(nic, 0, false);
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1),
			      NSW_CTAG(1, 4095), NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, &out), TC_ACT_SHOT); /* VID 4095 */
	len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1),
			      NSW_CTAG(1, 5), NSW_NOTAG, 0x0800, 0);
	CHECK_EQ(run(buf, 16, &out), TC_ACT_SHOT); /* tag cut short */
	stats(&b);
	CHECK_EQ(b.drop[NSW_DROP_SPOOF] - a.drop[NSW_DROP_SPOOF], 1);
	CHECK_EQ(b.drop[NSW_DROP_FDB_MISS] - a.drop[NSW_DROP_FDB_MISS], 1);
	CHECK_EQ(b.drop[NSW_DROP_BAD_TAG] - a.drop[NSW_DROP_BAD_TAG], 1);
	CHECK_EQ(b.drop[NSW_DROP_TRUNC_TAG] - a.drop[NSW_DROP_TRUNC_TAG], 1);
	CHECK_EQ(b.action_pkts[NSW_ACT_DROP] - a.action_pkts[NSW_ACT_DROP], 4);
}

/* A miss in our own OUI leaves by the uplink by default (a VM of another host sharing the
 * OUI may have it), as the core decides. */
NSW_TEST(dp_miss_leaves_by_the_uplink)
{
	NEED_BPF();
	configure(VF01);
	uint8_t buf[128];
	struct __sk_buff out;
	struct nsw_stats a, b;
	unsigned len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 9), nsw_fix_vmac(0, 1),
				       NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	stats(&a);
	CHECK_EQ(run(buf, len, &out), TC_ACT_REDIRECT);
	stats(&b);
	CHECK_EQ(b.action_pkts[NSW_ACT_UPLINK] - a.action_pkts[NSW_ACT_UPLINK], 1);
	CHECK_EQ(b.case_pkts[0] - a.case_pkts[0], 1);
	CHECK_EQ(b.drop[NSW_DROP_FDB_MISS] - a.drop[NSW_DROP_FDB_MISS], 0);
}

NSW_TEST(dp_no_device_is_a_counted_drop)
{
	NEED_BPF();
	configure(VF01);
	uint32_t slot = nsw_vf_slot(0, 2), zero = 0;
	bpf_map_update_elem(bpf_map__fd(skel->maps.nsw_vf_dev), &slot, &zero, 0);
	bpf_map_update_elem(bpf_map__fd(skel->maps.nsw_vf_path), &slot, &zero, 0);
	uint8_t buf[128];
	struct __sk_buff out;
	struct nsw_stats a, b;
	stats(&a);
	unsigned len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1),
				       NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, &out), TC_ACT_SHOT);
	stats(&b);
	CHECK_EQ(b.drop[NSW_DROP_NO_DEV] - a.drop[NSW_DROP_NO_DEV], 1);
	CHECK_EQ(b.action_pkts[NSW_ACT_DROP] - a.action_pkts[NSW_ACT_DROP], 1);
	CHECK_EQ(b.action_pkts[NSW_ACT_VF] - a.action_pkts[NSW_ACT_VF], 0);
}

NSW_TEST(dp_case2_and_uplink)
{
	NEED_BPF();
	configure(PORT0);
	uint8_t buf[128];
	struct __sk_buff out;
	struct nsw_stats a, b;
	stats(&a);
	unsigned len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(1, 1), EXT_MAC, NSW_NOTAG,
				       NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, &out), TC_ACT_REDIRECT);
	configure(VF01);
	len = nsw_frame_build(buf, sizeof buf, EXT_MAC, nsw_fix_vmac(0, 1), NSW_NOTAG, NSW_NOTAG,
			      0x0800, 46);
	CHECK_EQ(run(buf, len, &out), TC_ACT_REDIRECT);
	stats(&b);
	CHECK_EQ(b.case_pkts[2] - a.case_pkts[2], 1);
	CHECK_EQ(b.action_pkts[NSW_ACT_UPLINK] - a.action_pkts[NSW_ACT_UPLINK], 1);
	CHECK_EQ(b.inter_pf_pkts - a.inter_pf_pkts, 1); /* to PF 1 through PF 0's port */
}

NSW_TEST(dp_flood_copies_counted)
{
	NEED_BPF();
	configure(VF01);
	uint8_t buf[128];
	struct __sk_buff out;
	struct nsw_stats a, b;
	stats(&a);
	unsigned len = nsw_frame_build(buf, sizeof buf, NSW_MAC_BCAST, nsw_fix_vmac(0, 1),
				       NSW_NOTAG, NSW_NOTAG, 0x0806, 46);
	CHECK_EQ(run(buf, len, &out), TC_ACT_SHOT); /* the original: the copies are out */
	stats(&b);
	CHECK_EQ(b.action_pkts[NSW_ACT_FLOOD] - a.action_pkts[NSW_ACT_FLOOD], 1);
	/* VFs 0,2 1,1 0,3 and the port: four copies, none to the sender. */
	CHECK_EQ(b.flood_copies - a.flood_copies, 4);
}

NSW_TEST(dp_foreign_device_untouched)
{
	NEED_BPF();
	configure(VF01);
	uint32_t ifi = LO;
	nsw_port_write(bpf_map__fd(skel->maps.nsw_ports), bpf_map__fd(skel->maps.nsw_port_ix), ifi,
		       NULL);
	uint8_t buf[128];
	struct __sk_buff out;
	unsigned len = nsw_frame_build(buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1),
				       NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(run(buf, len, &out), TC_ACT_OK);
}

/* ---- ACLs: the kernel's tuple-space search against the core's definition ---- */

#include "../../lib/nsw_acl_install.h"
#include "../../lib/nsw_ipframes.h"

static struct nsw_acl_maps acl_maps(void)
{
	return (struct nsw_acl_maps){bpf_map__fd(skel->maps.nsw_acl_active),
				     bpf_map__fd(skel->maps.nsw_acl_sets),
				     bpf_map__fd(skel->maps.nsw_acl_rules),
				     bpf_map__fd(skel->maps.nsw_acl_hits),
				 bpf_map__fd(skel->maps.nsw_features)};
}

static uint64_t acl_rng = 0x243f6a8885a308d3ull;
static uint64_t acl_rnd(void)
{
	return nsw_rnd(&acl_rng);
}

/* Random rules drawn from five shapes (so several tuples), random frames from a small space (so
 * rules match often): every verdict of the kernel must be the definition's. */
NSW_TEST(dp_acl_matches_the_definition)
{
	NEED_BPF();
	configure(VF01);
	static struct nsw_acl_rule rs[60];
	struct nsw_acl_maps m = acl_maps();
	char err[256];
	unsigned ntuples, checked = 0, dropped = 0;
	uint8_t buf[256];
	struct __sk_buff out;
	for (int round = 0; round < 6; round++) {
		unsigned n = 10 + (unsigned)(acl_rnd() % 50);
		for (unsigned i = 0; i < n; i++) {
			struct nsw_acl_rule r = {.prio = i * 7 + (unsigned)(acl_rnd() % 7),
						 .action = acl_rnd() % 2 ? NSW_ACL_DROP : NSW_ACL_ALLOW};
			switch (acl_rnd() % 5) {
			case 0: r.mask.proto = 0xff; r.val.proto = acl_rnd() % 2 ? 6 : 17;
				r.mask.dport = 0xffff; r.val.dport = (uint16_t)(acl_rnd() % 8); break;
			case 1: r.mask.sip[0] = 0xffffff00; r.val.sip[0] = 0x0a000000 | (uint32_t)(acl_rnd() % 4) << 8; break;
			case 2: r.mask.dip[0] = 0xffffffff; r.val.dip[0] = 0x0a000000 | (uint32_t)(acl_rnd() % 16);
				r.mask.ethertype = 0xffff; r.val.ethertype = 0x0800; break;
			case 3: r.mask.vid = 0xffff & (0xfff | NSW_ACL_TAGGED);
				r.val.vid = (uint16_t)((acl_rnd() % 3) | NSW_ACL_TAGGED); break;
			default: r.mask.proto = 0xff; r.val.proto = acl_rnd() % 2 ? 6 : 17;
				r.mask.sport = 0xffff; r.val.sport = (uint16_t)(acl_rnd() % 8); break;
			}
			rs[i] = r;
		}
		/* Same match twice is refused by design; keep the first of such a pair. */
		unsigned k = 0;
		for (unsigned i = 0; i < n; i++) {
			bool dup = false;
			for (unsigned j = 0; j < k; j++)
				dup |= !memcmp(&rs[j].val, &rs[i].val, sizeof rs[i].val) &&
				       !memcmp(&rs[j].mask, &rs[i].mask, sizeof rs[i].mask);
			if (!dup)
				rs[k++] = rs[i];
		}
		n = k;
		CHECK_EQ(nsw_acl_install(&m, nsw_acl_set_id(nsw_vf_slot(0, 1), NSW_ACL_IN), rs, n, &ntuples,
					 err, sizeof err), 0);
		for (int f = 0; f < 300; f++) {
			struct nsw_tag_spec tag = acl_rnd() % 3 ? NSW_NOTAG
							     : NSW_CTAG(0, (uint16_t)(acl_rnd() % 3));
			/* IP options (IHL 5..15) move the ports across the window's words, and a
			 * frame cut short ends the window anywhere: the in-place loads of the data
			 * path must see exactly the octets the definition sees. */
			unsigned ihl = acl_rnd() % 3 ? 5 : 5 + acl_rnd() % 11;
			unsigned len = nsw_ipv4_frame(
				buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), tag,
				0x0a000000 | (uint32_t)(acl_rnd() % 1024), 0x0a000000 | (uint32_t)(acl_rnd() % 16),
				acl_rnd() % 2 ? 6 : 17, (uint16_t)(acl_rnd() % 8), (uint16_t)(acl_rnd() % 8),
				ihl, 0);
			unsigned l3 = tag.tpid ? 18 : 14;
			if (acl_rnd() % 2) /* (BPF_PROG_TEST_RUN wants a whole IPv4 header) */
				len = l3 + 20 + acl_rnd() % (len - l3 - 19);
			struct nsw_frame fr;
			struct nsw_acl_key key;
			CHECK_EQ(nsw_parse(buf, len, &fr), 0);
			nsw_acl_key_build_bytes(&fr, buf + fr.l3_off, len - fr.l3_off, &key);
			int w = nsw_acl_eval(rs, n, &key);
			bool drop = w == NSW_ACL_L4_DENY || (w >= 0 && rs[w].action == NSW_ACL_DROP);
			int rc = run(buf, len, &out);
			if (rc != (drop ? TC_ACT_SHOT : TC_ACT_REDIRECT))
				fprintf(stderr,
					"round %d frame %d (%u octets): kernel %d, definition %s "
					"(rule %d)\n",
					round, f, len, rc, drop ? "drop" : "allow", w);
			CHECK_EQ(rc, drop ? TC_ACT_SHOT : TC_ACT_REDIRECT);
			checked++;
			dropped += drop;
		}
	}
	CHECK_EQ(nsw_acl_install(&m, nsw_acl_set_id(nsw_vf_slot(0, 1), NSW_ACL_IN), rs, 0, &ntuples, err,
				 sizeof err), 0);
	CHECK(dropped > checked / 10 && dropped < checked - checked / 10); /* both outcomes seen */
}

NSW_TEST(dp_acl_rule_counters_exact)
{
	NEED_BPF();
	configure(VF01);
	struct nsw_acl_maps m = acl_maps();
	struct nsw_acl_rule r = {.prio = 1, .action = NSW_ACL_DROP};
	r.mask.dport = 0xffff;
	r.val.dport = 7;
	r.mask.proto = 0xff;
	r.val.proto = 17;
	char err[256];
	unsigned nt;
	uint32_t set = nsw_acl_set_id(nsw_vf_slot(0, 2), NSW_ACL_OUT);
	CHECK_EQ(nsw_acl_install(&m, set, &r, 1, &nt, err, sizeof err), 0);
	uint8_t buf[256];
	struct __sk_buff out;
	for (int i = 0; i < 25; i++) {
		unsigned len = nsw_ipv4_frame(buf, sizeof buf, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1),
					      NSW_NOTAG, 1, 2, 17, 1000, i < 13 ? 7 : 8, 5, 0);
		CHECK_EQ(run(buf, len, &out), i < 13 ? TC_ACT_SHOT : TC_ACT_REDIRECT);
	}
	struct nsw_acl_hkey keys[4];
	struct nsw_acl_hval vals[4];
	CHECK_EQ(nsw_acl_collect(m.rules, set, 0, true, keys, vals, 4), 1);
	struct nsw_acl_hit h;
	nsw_counter_sum(m.hits, vals[0].id, NSW_ACL_IDS, (uint64_t *)&h, sizeof h / 8);
	CHECK_EQ(h.pkts, 13);
	CHECK_EQ(nsw_acl_install(&m, set, &r, 0, &nt, err, sizeof err), 0);
	CHECK_EQ(nsw_acl_collect(m.rules, set, 0, true, keys, vals, 4), 0);
}

/* The sender's rules with each action, judged on the fast path's ACL lane when the receiver
 * has no rules and on the slow path when it has: the same verdicts, each rule's hit counted
 * once, a mirror copy per mirrored frame, and the frame itself still delivered. */
NSW_TEST(dp_acl_actions_counted_once_on_both_paths)
{
	NEED_BPF();
	configure(VF01);
	struct nsw_acl_maps m = acl_maps();
	struct nsw_acl_rule rs[3] = {{.prio = 1, .action = NSW_ACL_DROP},
				     {.prio = 2, .action = NSW_ACL_MIRROR, .mirror_pf = 0, .mirror_vf = 3},
				     {.prio = 3, .action = NSW_ACL_ALLOW}};
	for (int i = 0; i < 3; i++) {
		rs[i].mask.proto = 0xff;
		rs[i].val.proto = 17;
		rs[i].mask.dport = 0xffff;
		rs[i].val.dport = (uint16_t)(7 + i);
	}
	/* A receiver rule that matches none of the frames: only there to take the slow path. */
	struct nsw_acl_rule other = {.prio = 1, .action = NSW_ACL_DROP};
	other.mask.proto = 0xff;
	other.val.proto = 6;
	char err[256];
	unsigned nt;
	uint32_t in_set = nsw_acl_set_id(nsw_vf_slot(0, 1), NSW_ACL_IN);
	uint32_t out_set = nsw_acl_set_id(nsw_vf_slot(0, 2), NSW_ACL_OUT);
	CHECK_EQ(nsw_acl_install(&m, in_set, rs, 3, &nt, err, sizeof err), 0);
	uint8_t buf[256];
	struct __sk_buff out;
	for (int path = 0; path < 2; path++) {
		if (path == 1)
			CHECK_EQ(nsw_acl_install(&m, out_set, &other, 1, &nt, err, sizeof err), 0);
		struct nsw_stats s0, s1;
		stats(&s0);
		for (int i = 0; i < 40; i++) {
			uint16_t dport = (uint16_t)(7 + i % 4); /* drop, mirror, allow, no rule */
			unsigned len = nsw_ipv4_frame(buf, sizeof buf, nsw_fix_vmac(0, 2),
						      nsw_fix_vmac(0, 1), NSW_NOTAG, 1, 2, 17, 1000,
						      dport, 5, 0);
			CHECK_EQ(run(buf, len, &out), dport == 7 ? TC_ACT_SHOT : TC_ACT_REDIRECT);
		}
		stats(&s1);
		CHECK_EQ(s1.drop[NSW_DROP_ACL] - s0.drop[NSW_DROP_ACL], 10);
		CHECK_EQ(s1.mirror_copies - s0.mirror_copies, 10);
		CHECK_EQ(s1.action_pkts[NSW_ACT_VF] - s0.action_pkts[NSW_ACT_VF], 30);
		struct nsw_acl_hkey keys[4];
		struct nsw_acl_hval vals[4];
		CHECK_EQ(nsw_acl_collect(m.rules, in_set, 0, true, keys, vals, 4), 3);
		for (int k = 0; k < 3; k++) {
			struct nsw_acl_hit h;
			nsw_counter_sum(m.hits, vals[k].id, NSW_ACL_IDS, (uint64_t *)&h, sizeof h / 8);
			CHECK_EQ(h.pkts, 10 * (path + 1));
		}
	}
	CHECK_EQ(nsw_acl_install(&m, in_set, rs, 0, &nt, err, sizeof err), 0);
	CHECK_EQ(nsw_acl_install(&m, out_set, &other, 0, &nt, err, sizeof err), 0);
}
