/* test_core.c - unit tests of the portable core: parser, Table A, control functions, decision. */
#include <stdlib.h>

#include "../../core/nsw_ctl.h"
#include "../../core/nsw_decide.h"
#include "../../lib/nsw_fixture.h"
#include "../../lib/nsw_frames.h"
#include "nsw_invariants.h"
#include "nsw_test.h"

static struct nsw_nic nic, snap;
static uint8_t buf[2048];

static uint64_t vmac(unsigned pf, unsigned vf)
{
	return nsw_fix_vmac(pf, vf);
}

static void lab(void)
{
	nsw_fixture_lab(&nic);
}

static struct nsw_port vf_port(unsigned pf, unsigned vf)
{
	return (struct nsw_port){NSW_PORT_VF, (uint8_t)pf, (uint16_t)vf};
}

static struct nsw_port wire(unsigned pf)
{
	return (struct nsw_port){NSW_PORT_UPLINK, (uint8_t)pf, 0};
}

static struct nsw_verdict run_tagged(struct nsw_port in, uint64_t dst, uint64_t src,
				     struct nsw_tag_spec t0, struct nsw_tag_spec t1)
{
	struct nsw_frame f;
	struct nsw_verdict v;
	unsigned len = nsw_frame_build(buf, sizeof buf, dst, src, t0, t1, 0x0800, 46);
	nsw_process(&nic, in, buf, len, &f, &v);
	const char *broken = nsw_verdict_broken(&nic, in, &f, &v);
	if (broken) {
		fprintf(stderr, "invariant broken: %s\n", broken);
		abort();
	}
	return v;
}

static struct nsw_verdict run(struct nsw_port in, uint64_t dst, uint64_t src)
{
	return run_tagged(in, dst, src, NSW_NOTAG, NSW_NOTAG);
}

/* ---- parser ---- */

NSW_TEST(parse_untagged)
{
	struct nsw_frame f;
	unsigned len = nsw_frame_build(buf, sizeof buf, 0x020000000001ull, 0x020000000002ull,
				       NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), 0);
	CHECK_EQ(f.dst, 0x020000000001ull);
	CHECK_EQ(f.src, 0x020000000002ull);
	CHECK_EQ(f.ethertype, 0x0800);
	CHECK_EQ(f.ntags, 0);
	CHECK_EQ(f.l3_off, 14);
}

NSW_TEST(parse_ctag)
{
	struct nsw_frame f;
	unsigned len = nsw_frame_build(buf, sizeof buf, 1ull << 41, 2, NSW_CTAG(5, 100),
				       NSW_NOTAG, 0x86dd, 46);
	buf[14] |= 0x10; /* DEI */
	CHECK_EQ(nsw_parse(buf, len, &f), 0);
	CHECK_EQ(f.ntags, 1);
	CHECK_EQ(f.pcp, 5);
	CHECK_EQ(f.dei, 1);
	CHECK_EQ(f.vid[0], 100);
	CHECK_EQ(f.tpid[0], 0x8100);
	CHECK_EQ(f.ethertype, 0x86dd);
	CHECK_EQ(f.l3_off, 18);
}

NSW_TEST(parse_qinq)
{
	struct nsw_frame f;
	unsigned len = nsw_frame_build(buf, sizeof buf, 1, 2, NSW_STAG(6, 10), NSW_CTAG(1, 20),
				       0x0800, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), 0);
	CHECK_EQ(f.ntags, 2);
	CHECK_EQ(f.pcp, 6);
	CHECK_EQ(f.tpid[0], 0x88a8);
	CHECK_EQ(f.vid[0], 10);
	CHECK_EQ(f.tpid[1], 0x8100);
	CHECK_EQ(f.vid[1], 20);
	CHECK_EQ(f.l3_off, 22);
	/* C over C, the older stacking, is accepted. */
	len = nsw_frame_build(buf, sizeof buf, 1, 2, NSW_CTAG(2, 10), NSW_CTAG(1, 20), 0x0800, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), 0);
	CHECK_EQ(f.ntags, 2);
	CHECK_EQ(f.pcp, 2);
}

NSW_TEST(parse_bad_tags)
{
	struct nsw_frame f;
	unsigned len = nsw_frame_build(buf, sizeof buf, 1, 2, NSW_CTAG(0, 10), NSW_STAG(0, 20),
				       0x0800, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), NSW_DROP_BAD_TAG); /* S-tag inside a C-tag */
	len = nsw_frame_build(buf, sizeof buf, 1, 2, NSW_STAG(0, 10), NSW_STAG(0, 20), 0x0800, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), NSW_DROP_BAD_TAG);
	len = nsw_frame_build(buf, sizeof buf, 1, 2, NSW_STAG(0, 10), NSW_CTAG(0, 20), 0x8100, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), NSW_DROP_BAD_TAG); /* a third tag */
	len = nsw_frame_build(buf, sizeof buf, 1, 2, NSW_CTAG(0, 4095), NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), NSW_DROP_BAD_TAG);
	len = nsw_frame_build(buf, sizeof buf, 1, 2, NSW_STAG(0, 1), NSW_CTAG(0, 4095), 0x0800, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), NSW_DROP_BAD_TAG);
}

/* Every cut of a frame inside its headers is refused with the reason of what is missing, and
 * the parser never reads past the cut (ASan watches the heap copy). */
NSW_TEST(parse_truncated_at_every_offset)
{
	struct nsw_tag_spec specs[3][2] = {{NSW_NOTAG, NSW_NOTAG},
					   {NSW_CTAG(3, 7), NSW_NOTAG},
					   {NSW_STAG(3, 7), NSW_CTAG(1, 8)}};
	for (int s = 0; s < 3; s++) {
		unsigned len = nsw_frame_build(buf, sizeof buf, 1, 2, specs[s][0], specs[s][1],
					       0x0800, 0);
		for (unsigned cut = 0; cut <= len; cut++) {
			struct nsw_frame f;
			uint8_t *copy = malloc(cut ? cut : 1);
			CHECK(copy);
			memcpy(copy, buf, cut);
			int r = nsw_parse(copy, cut, &f);
			free(copy);
			int want = cut < 14 ? NSW_DROP_RUNT
				   : cut < 14 + 4u * (unsigned)s ? NSW_DROP_TRUNC_TAG
								 : 0;
			CHECK_EQ(r, want);
		}
	}
}

NSW_TEST(parse_ethertype_and_length)
{
	struct nsw_frame f;
	unsigned len = nsw_frame_build(buf, sizeof buf, 1, 2, NSW_NOTAG, NSW_NOTAG, 1501, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), NSW_DROP_BAD_TYPE);
	len = nsw_frame_build(buf, sizeof buf, 1, 2, NSW_NOTAG, NSW_NOTAG, 0x05ff, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), NSW_DROP_BAD_TYPE);
	len = nsw_frame_build(buf, sizeof buf, 1, 2, NSW_NOTAG, NSW_NOTAG, 46, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), 0); /* 802.3 with LLC */
	CHECK_EQ(f.ethertype, 46);
	len = nsw_frame_build(buf, sizeof buf, 1, 2, NSW_NOTAG, NSW_NOTAG, 47, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), NSW_DROP_BAD_LENGTH);
}

NSW_TEST(parse_bad_source)
{
	struct nsw_frame f;
	unsigned len = nsw_frame_build(buf, sizeof buf, 1, 0x010000000002ull, NSW_NOTAG,
				       NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), NSW_DROP_BAD_SRC);
	len = nsw_frame_build(buf, sizeof buf, 1, 0, NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	CHECK_EQ(nsw_parse(buf, len, &f), NSW_DROP_BAD_SRC);
}

/* ---- Table A ---- */

NSW_TEST(fdb_add_find_del)
{
	static struct nsw_fdb t;
	memset(&t, 0, sizeof t);
	CHECK_EQ(nsw_fdb_add(&t, 0xf0f0f0000003ull, 0, 3), NSW_OK);
	uint64_t e = nsw_fdb_find(&t, 0xf0f0f0000003ull);
	CHECK(e);
	CHECK_EQ(nsw_fdb_slot_pf(e), 0);
	CHECK_EQ(nsw_fdb_slot_vf(e), 3);
	CHECK_EQ(nsw_fdb_find(&t, 0xf0f0f0000004ull), 0);
	CHECK_EQ(nsw_fdb_add(&t, 0xf0f0f0000003ull, 1, 1), NSW_E_EXISTS);
	CHECK_EQ(nsw_fdb_add(&t, 0xffffffffffffull, 0, 1), NSW_E_MAC);
	CHECK_EQ(nsw_fdb_add(&t, 0x01005e000001ull, 0, 1), NSW_E_MAC);
	CHECK_EQ(nsw_fdb_add(&t, 0, 0, 1), NSW_E_MAC);
	CHECK_EQ(nsw_fdb_add(&t, 0x020000000001ull, 8, 1), NSW_E_RANGE);
	CHECK_EQ(nsw_fdb_add(&t, 0x020000000001ull, 0, 256), NSW_E_RANGE);
	CHECK_EQ(t.count, 1);
	CHECK_EQ(nsw_fdb_del(&t, 0xf0f0f0000003ull), NSW_OK);
	CHECK_EQ(nsw_fdb_find(&t, 0xf0f0f0000003ull), 0);
	CHECK_EQ(nsw_fdb_del(&t, 0xf0f0f0000003ull), NSW_E_NOENT);
	CHECK_EQ(t.count, 0);
}

NSW_TEST(fdb_fills_to_capacity)
{
	static struct nsw_fdb t, before;
	memset(&t, 0, sizeof t);
	for (unsigned i = 0; i < NSW_FDB_MAX; i++)
		CHECK_EQ(nsw_fdb_add(&t, 0xf0f0f0000000ull | i, i % 8, i % 256), NSW_OK);
	for (unsigned i = 0; i < NSW_FDB_MAX; i++) {
		uint64_t e = nsw_fdb_find(&t, 0xf0f0f0000000ull | i);
		CHECK(e);
		CHECK_EQ(nsw_fdb_slot_vf(e), i % 256);
	}
	before = t;
	CHECK_EQ(nsw_fdb_add(&t, 0xf0f0f0100000ull, 0, 0), NSW_E_FULL);
	CHECK(memcmp(&t, &before, sizeof t) == 0);
	CHECK_EQ(nsw_fdb_del(&t, 0xf0f0f0000007ull), NSW_OK);
	CHECK_EQ(nsw_fdb_add(&t, 0xf0f0f0100000ull, 0, 0), NSW_OK);
}

/* Fill both buckets of one MAC with others, then insert it: refused, table unchanged. */
NSW_TEST(fdb_bucket_full)
{
	static struct nsw_fdb t, before;
	memset(&t, 0, sizeof t);
	uint64_t target = 0xf0f0f0abcdefull;
	uint32_t b1 = nsw_fdb_hash1(target), b2 = nsw_fdb_hash2(target);
	unsigned used = 0;
	for (uint64_t m = 0xf0f0f0000001ull; used < 2 * NSW_FDB_WAYS && m < 0xf0f0f0ffffffull; m++) {
		uint32_t h = nsw_fdb_hash1(m);
		if ((h == b1 || h == b2) && m != target)
			nsw_fdb_add(&t, m, 0, 1);
		used = 0;
		for (int w = 0; w < NSW_FDB_WAYS; w++)
			used += (t.slot[b1][w] != 0) + (t.slot[b2][w] != 0);
	}
	CHECK_EQ(used, 2 * NSW_FDB_WAYS);
	before = t;
	CHECK_EQ(nsw_fdb_add(&t, target, 0, 2), NSW_E_BUCKET);
	CHECK(memcmp(&t, &before, sizeof t) == 0);
}

/* ---- control ---- */

NSW_TEST(nic_init_defaults)
{
	CHECK_EQ(nsw_nic_init(&nic, 0, 0), NSW_E_RANGE);
	CHECK_EQ(nsw_nic_init(&nic, 0, 9), NSW_E_RANGE);
	CHECK_EQ(nsw_nic_init(&nic, 3, 8), NSW_OK);
	CHECK_EQ(nsw_nic_num_pfs(&nic), 8);
	for (unsigned p = 0; p < 8; p++) {
		uint32_t oui = nic.pf[p] & NSW_PF_OUI_MASK;
		CHECK(oui & 0x020000);   /* locally administered */
		CHECK(!(oui & 0x010000)); /* unicast */
		for (unsigned q = 0; q < p; q++)
			CHECK(oui != (nic.pf[q] & NSW_PF_OUI_MASK));
		CHECK(oui != nsw_default_oui(2, p)); /* distinct per NIC too */
	}
}

NSW_TEST(auto_vmac_of_the_paper)
{
	char s[18];
	nsw_mac_format(nsw_auto_vmac(0xf0f0f0, 0, 3), s);
	CHECK(strcmp(s, "f0:f0:f0:00:00:03") == 0);
	nsw_mac_format(nsw_auto_vmac(0xf0f0f0, 1, 255), s);
	CHECK(strcmp(s, "f0:f0:f0:01:00:ff") == 0);
}

NSW_TEST(vf_add_errors_leave_state)
{
	lab();
	snap = nic;
	CHECK_EQ(nsw_vf_add(&nic, 8, 0, 0, 0, true), NSW_E_RANGE);
	CHECK_EQ(nsw_vf_add(&nic, 0, 256, 0, 0, true), NSW_E_RANGE);
	CHECK_EQ(nsw_vf_add(&nic, 0, 1, 0, 0, true), NSW_E_BUSY);
	CHECK_EQ(nsw_vf_add(&nic, 0, 9, vmac(0, 2), 0, true), NSW_E_EXISTS);
	CHECK_EQ(nsw_vf_add(&nic, 0, 9, 0x01005e000001ull, 0, true), NSW_E_MAC);
	CHECK_EQ(nsw_vf_add(&nic, 0, 9, 0, 8, true), NSW_E_RANGE);
	CHECK_EQ(nsw_vf_add(&nic, 2, 0, 0, 0, true), NSW_E_PF_DOWN);
	CHECK(memcmp(&nic, &snap, sizeof nic) == 0);
	nic.pf[1] &= ~NSW_PF_HAS_OUI;
	snap = nic;
	CHECK_EQ(nsw_vf_add(&nic, 1, 5, 0, 0, true), NSW_E_NO_OUI);
	CHECK(memcmp(&nic, &snap, sizeof nic) == 0);
}

NSW_TEST(pf_set_rules)
{
	lab();
	snap = nic;
	CHECK_EQ(nsw_pf_set(&nic, 0, 0x010203, -1), NSW_E_OUI); /* multicast */
	CHECK_EQ(nsw_pf_set(&nic, 0, 0, -1), NSW_E_OUI);
	CHECK_EQ(nsw_pf_set(&nic, 0, OUI1, -1), NSW_E_OUI); /* PF1's */
	CHECK_EQ(nsw_pf_set(&nic, 0, 0x0a0b0c, -1), NSW_E_BUSY); /* PF0 has VFs */
	CHECK_EQ(nsw_pf_set(&nic, 9, 0x0a0b0c, -1), NSW_E_RANGE);
	CHECK(memcmp(&nic, &snap, sizeof nic) == 0);
	CHECK_EQ(nsw_pf_set(&nic, 0, OUI0, 0), NSW_OK); /* same OUI is no change */
	CHECK(!(nic.pf[0] & NSW_PF_UPLINK));
	CHECK_EQ(nsw_vf_del(&nic, 1, 1), NSW_OK);
	CHECK_EQ(nsw_pf_set(&nic, 1, 0x0a0b0c, -1), NSW_OK);
	CHECK_EQ(nic.pf[1] & NSW_PF_OUI_MASK, 0x0a0b0c);
}

NSW_TEST(vf_set_and_del)
{
	lab();
	uint64_t m = 0xf0f0f0123456ull;
	CHECK_EQ(nsw_vf_set(&nic, 0, 1, m, 6, 0), NSW_OK);
	CHECK_EQ(nsw_fdb_find(&nic.fdb, vmac(0, 1)), 0);
	CHECK(nsw_fdb_find(&nic.fdb, m));
	CHECK_EQ((nic.vf[0][1] & NSW_VF_QOS_MASK) >> NSW_VF_QOS_SHIFT, 6);
	CHECK(!(nic.vf[0][1] & NSW_VF_SPOOFCHK));
	snap = nic;
	CHECK_EQ(nsw_vf_set(&nic, 0, 1, vmac(0, 2), -1, -1), NSW_E_EXISTS);
	CHECK_EQ(nsw_vf_set(&nic, 0, 7, m, -1, -1), NSW_E_NOENT);
	CHECK_EQ(nsw_vf_set(&nic, 0, 1, 0, 9, -1), NSW_E_RANGE);
	CHECK(memcmp(&nic, &snap, sizeof nic) == 0);
	/* An extra unicast filter on VF 0,1 goes with it. */
	CHECK_EQ(nsw_fdb_add(&nic.fdb, 0xf0f0f0777777ull, 0, 1), NSW_OK);
	uint32_t count = nic.fdb.count;
	CHECK_EQ(nsw_vf_del(&nic, 0, 1), NSW_OK);
	CHECK_EQ(nic.fdb.count, count - 2);
	CHECK_EQ(nsw_fdb_find(&nic.fdb, m), 0);
	CHECK_EQ(nsw_fdb_find(&nic.fdb, 0xf0f0f0777777ull), 0);
	CHECK_EQ(nsw_vf_del(&nic, 0, 1), NSW_E_NOENT);
	CHECK_EQ(nsw_pf_num_vfs(&nic, 0), 2);
}

NSW_TEST(routing_ids)
{
	char s[8];
	nsw_rid_format(nsw_pf_rid(1), s);
	CHECK(strcmp(s, "03:00.1") == 0);
	/* Two PFs: VFs interleave at stride 2 from offset 0x80. */
	CHECK_EQ(nsw_vf_rid(0, 0, 2), 0x0380);
	CHECK_EQ(nsw_vf_rid(1, 0, 2), 0x0381);
	CHECK_EQ(nsw_vf_rid(0, 3, 2), 0x0386);
	nsw_rid_format(nsw_vf_rid(0, 3, 2), s);
	CHECK(strcmp(s, "03:10.6") == 0);
	/* Every VF of 8 PFs x 256 VFs has its own RID. */
	static uint8_t seen[65536];
	memset(seen, 0, sizeof seen);
	for (unsigned p = 0; p < 8; p++) {
		CHECK(!seen[nsw_pf_rid(p)]);
		seen[nsw_pf_rid(p)] = 1;
		for (unsigned v = 0; v < NSW_MAX_VFS; v++) {
			uint16_t r = nsw_vf_rid(p, v, 8);
			CHECK(!seen[r]);
			seen[r] = 1;
		}
	}
}

NSW_TEST(mac_text)
{
	uint64_t m = 7;
	uint32_t o = 7;
	char s[18];
	CHECK_EQ(nsw_mac_parse("F0-f0-F0-00-00-03", &m), 0);
	CHECK_EQ(m, 0xf0f0f0000003ull);
	nsw_mac_format(m, s);
	CHECK(strcmp(s, "f0:f0:f0:00:00:03") == 0);
	const char *bad[] = {"", "00:11:22:33:44", "00:11:22:33:44:55:66", "0g:11:22:33:44:55",
			     "00:11-22:33:44:55", "00:11:22:33:44:5", "00:11:22:33:44:555", "x"};
	for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
		m = 7;
		CHECK_EQ(nsw_mac_parse(bad[i], &m), -1);
		CHECK_EQ(m, 7);
	}
	CHECK_EQ(nsw_mac_parse(NULL, &m), -1);
	CHECK_EQ(nsw_oui_parse("F0-F0-F0", &o), 0);
	CHECK_EQ(o, 0xf0f0f0);
	CHECK_EQ(nsw_oui_parse("f0:f0", &o), -1);
	nsw_oui_format(0x024e08, s);
	CHECK(strcmp(s, "02:4e:08") == 0);
}

NSW_TEST(every_reason_has_a_name)
{
	for (unsigned r = 0; r < NSW_DROP_MAX; r++)
		CHECK(strcmp(nsw_drop_name(r), "unknown") != 0);
	for (unsigned c = 0; c < NSW_CASE_MAX; c++)
		CHECK(strcmp(nsw_case_name(c), "unknown") != 0);
	CHECK(strcmp(nsw_drop_name(NSW_DROP_MAX), "unknown") == 0);
	for (int e = 0; e >= NSW_E_ACL_MANY; e--)
		CHECK(strcmp(nsw_strerror(e), "unknown error") != 0);
}

/* ---- the decision ---- */

NSW_TEST(case0_same_oui_delivers)
{
	lab();
	struct nsw_verdict v = run(vf_port(0, 1), vmac(0, 2), vmac(0, 1));
	CHECK_EQ(v.action, NSW_ACT_VF);
	CHECK_EQ(v.ncase, 0);
	CHECK_EQ(v.pf, 0);
	CHECK_EQ(v.vf, 2);
	CHECK_EQ(v.inter_pf, 0);
}

/* A vMAC of our OUI that no VF here has may be a VM of another host sharing the OUI: it
 * leaves by the port, as a VEB's unknown unicast; PF 1 has no port and leaves by PF 0's. */
NSW_TEST(case0_miss_leaves_by_port)
{
	lab();
	struct nsw_verdict v = run(vf_port(0, 1), vmac(0, 9), vmac(0, 1));
	CHECK_EQ(v.action, NSW_ACT_UPLINK);
	CHECK_EQ(v.ncase, 0);
	CHECK_EQ(v.pf, 0);
	CHECK_EQ(v.inter_pf, 0);
	v = run(vf_port(1, 1), vmac(1, 9), vmac(1, 1));
	CHECK_EQ(v.action, NSW_ACT_UPLINK);
	CHECK_EQ(v.ncase, 0);
	CHECK_EQ(v.pf, 0);
	CHECK_EQ(v.inter_pf, 1);
}

/* The sending PF's policy decides; a NIC with no port drops a miss whatever the policy. */
NSW_TEST(case0_miss_dropped_by_policy_or_without_port)
{
	lab();
	CHECK_EQ(nsw_pf_set_miss_drop(&nic, 0, true), NSW_OK);
	struct nsw_verdict v = run(vf_port(0, 1), vmac(0, 9), vmac(0, 1));
	CHECK_EQ(v.action, NSW_ACT_DROP);
	CHECK_EQ(v.reason, NSW_DROP_FDB_MISS);
	CHECK_EQ(v.ncase, 0);
	v = run(vf_port(0, 1), FOREIGN_VM + 1, vmac(0, 1)); /* a foreign OUI still leaves */
	CHECK_EQ(v.action, NSW_ACT_UPLINK);
	v = run(vf_port(1, 1), vmac(1, 9), vmac(1, 1)); /* PF 1 keeps the default */
	CHECK_EQ(v.action, NSW_ACT_UPLINK);
	CHECK_EQ(nsw_pf_set_miss_drop(&nic, 0, false), NSW_OK);
	v = run(vf_port(0, 1), vmac(0, 9), vmac(0, 1));
	CHECK_EQ(v.action, NSW_ACT_UPLINK);
	CHECK_EQ(nsw_pf_set(&nic, 0, -1, 0), NSW_OK); /* no port left on the NIC */
	v = run(vf_port(0, 1), vmac(0, 9), vmac(0, 1));
	CHECK_EQ(v.action, NSW_ACT_DROP);
	CHECK_EQ(v.reason, NSW_DROP_FDB_MISS);
	v = run(vf_port(0, 1), FOREIGN_VM + 1, vmac(0, 1));
	CHECK_EQ(v.reason, NSW_DROP_NO_UPLINK);
	CHECK_EQ(nsw_pf_set_miss_drop(&nic, 9, true), NSW_E_RANGE);
}

NSW_TEST(case1_inter_pf_path)
{
	lab();
	struct nsw_verdict v = run(vf_port(0, 1), vmac(1, 1), vmac(0, 1));
	CHECK_EQ(v.action, NSW_ACT_VF);
	CHECK_EQ(v.ncase, 1);
	CHECK_EQ(v.pf, 1);
	CHECK_EQ(v.vf, 1);
	CHECK_EQ(v.inter_pf, 1);
	v = run(vf_port(1, 1), vmac(0, 2), vmac(1, 1));
	CHECK_EQ(v.action, NSW_ACT_VF);
	CHECK_EQ(v.pf, 0);
	CHECK_EQ(v.inter_pf, 1);
	v = run(vf_port(0, 1), vmac(1, 7), vmac(0, 1));
	CHECK_EQ(v.action, NSW_ACT_UPLINK); /* PF1's OUI, no such VF here: maybe on another host */
	CHECK_EQ(v.ncase, 1);
	nsw_pf_set_miss_drop(&nic, 0, true);
	v = run(vf_port(0, 1), vmac(1, 7), vmac(0, 1));
	CHECK_EQ(v.reason, NSW_DROP_FDB_MISS);
}

NSW_TEST(case1_external_leaves_by_the_port)
{
	lab();
	struct nsw_verdict v = run(vf_port(0, 2), EXT_MAC, vmac(0, 2));
	CHECK_EQ(v.action, NSW_ACT_UPLINK);
	CHECK_EQ(v.ncase, 1);
	CHECK_EQ(v.pf, 0);
	CHECK_EQ(v.inter_pf, 0);
	/* PF1 has no port of its own: through PF0's (Fig. 4, path 3). */
	v = run(vf_port(1, 1), EXT_MAC, vmac(1, 1));
	CHECK_EQ(v.action, NSW_ACT_UPLINK);
	CHECK_EQ(v.pf, 0);
	CHECK_EQ(v.inter_pf, 1);
	/* Given one, it uses it. */
	nsw_pf_set(&nic, 1, -1, 1);
	v = run(vf_port(1, 1), EXT_MAC, vmac(1, 1));
	CHECK_EQ(v.pf, 1);
	CHECK_EQ(v.inter_pf, 0);
	/* No port anywhere. */
	nsw_pf_set(&nic, 0, -1, 0);
	nsw_pf_set(&nic, 1, -1, 0);
	v = run(vf_port(1, 1), EXT_MAC, vmac(1, 1));
	CHECK_EQ(v.reason, NSW_DROP_NO_UPLINK);
}

NSW_TEST(foreign_oui_vm)
{
	lab();
	/* A VM that chose a vendor MAC is still reached inside the NIC... */
	struct nsw_verdict v = run(vf_port(0, 1), FOREIGN_VM, vmac(0, 1));
	CHECK_EQ(v.action, NSW_ACT_VF);
	CHECK_EQ(v.ncase, 1);
	CHECK_EQ(v.vf, 3);
	/* ...and its own group's unknown MACs may be outside. */
	v = run(vf_port(0, 3), 0x001b21aabbccull, FOREIGN_VM);
	CHECK_EQ(v.action, NSW_ACT_UPLINK);
	CHECK_EQ(v.ncase, 0);
}

NSW_TEST(spoof_check)
{
	lab();
	struct nsw_verdict v = run(vf_port(0, 1), vmac(0, 2), vmac(1, 1));
	CHECK_EQ(v.reason, NSW_DROP_SPOOF);
	CHECK_EQ(v.ncase, NSW_CASE_NONE);
	nsw_vf_set(&nic, 0, 1, 0, -1, 0);
	v = run(vf_port(0, 1), vmac(0, 2), 0x020000000099ull);
	CHECK_EQ(v.action, NSW_ACT_VF);
}

NSW_TEST(never_back_to_sender)
{
	lab();
	struct nsw_verdict v = run(vf_port(0, 1), vmac(0, 1), vmac(0, 1));
	CHECK_EQ(v.reason, NSW_DROP_SELF);
}

NSW_TEST(vf_down)
{
	lab();
	struct nsw_verdict v = run(vf_port(0, 7), vmac(0, 1), vmac(0, 7));
	CHECK_EQ(v.reason, NSW_DROP_VF_DOWN);
	/* The instant between clearing a VF and its Table A entry is covered too. */
	nic.vf[0][2] = 0;
	v = run(vf_port(0, 1), vmac(0, 2), vmac(0, 1));
	CHECK_EQ(v.reason, NSW_DROP_VF_DOWN);
	nic.pf[0] &= ~NSW_PF_EN;
	v = run(vf_port(0, 1), vmac(0, 2), vmac(0, 1));
	CHECK_EQ(v.reason, NSW_DROP_PF_DOWN);
}

NSW_TEST(priority_8021p)
{
	lab();
	struct nsw_verdict v = run(vf_port(0, 2), vmac(0, 1), vmac(0, 2));
	CHECK_EQ(v.prio, 3); /* VF default */
	v = run_tagged(vf_port(0, 2), vmac(0, 1), vmac(0, 2), NSW_CTAG(5, 10), NSW_NOTAG);
	CHECK_EQ(v.prio, 5);
	v = run_tagged(vf_port(0, 2), vmac(0, 1), vmac(0, 2), NSW_STAG(7, 10), NSW_CTAG(1, 2));
	CHECK_EQ(v.prio, 7);
	v = run_tagged(wire(0), vmac(0, 1), EXT_MAC, NSW_CTAG(4, 10), NSW_NOTAG);
	CHECK_EQ(v.prio, 4);
	v = run(wire(0), vmac(0, 1), EXT_MAC);
	CHECK_EQ(v.prio, 0);
}

NSW_TEST(broadcast_from_vf)
{
	lab();
	struct nsw_verdict v = run(vf_port(0, 1), NSW_MAC_BCAST, vmac(0, 1));
	CHECK_EQ(v.action, NSW_ACT_FLOOD);
	CHECK_EQ(v.flood_mask, 0x3);
	CHECK_EQ(v.excl_pf, 0);
	CHECK_EQ(v.vf, 1);
	CHECK_EQ(v.pf, 0);
	v = run(vf_port(1, 1), 0x333300000001ull, vmac(1, 1));
	CHECK_EQ(v.action, NSW_ACT_FLOOD);
	CHECK_EQ(v.pf, 0);
	CHECK_EQ(v.inter_pf, 1);
	CHECK_EQ(v.excl_pf, 1);
}

NSW_TEST(case2_receive)
{
	lab();
	struct nsw_verdict v = run(wire(0), vmac(0, 2), EXT_MAC);
	CHECK_EQ(v.action, NSW_ACT_VF);
	CHECK_EQ(v.ncase, 2);
	CHECK_EQ(v.vf, 2);
	v = run(wire(0), vmac(1, 1), EXT_MAC); /* PF1 is served by PF0's port */
	CHECK_EQ(v.action, NSW_ACT_VF);
	CHECK_EQ(v.pf, 1);
	CHECK_EQ(v.inter_pf, 1);
	v = run(wire(0), FOREIGN_VM, EXT_MAC);
	CHECK_EQ(v.vf, 3);
	v = run(wire(0), 0x020000000077ull, EXT_MAC);
	CHECK_EQ(v.reason, NSW_DROP_RX_MISS);
	v = run(wire(1), vmac(1, 1), EXT_MAC);
	CHECK_EQ(v.reason, NSW_DROP_PF_DOWN); /* PF1 has no port */
	v = run(wire(0), NSW_MAC_BCAST, EXT_MAC);
	CHECK_EQ(v.action, NSW_ACT_FLOOD);
	CHECK_EQ(v.flood_mask, 0x3);
	CHECK_EQ(v.excl_pf, NSW_NONE);
	CHECK_EQ(v.pf, NSW_NONE);
	/* Once PF1 has its own port, port 0 no longer serves it. */
	nsw_pf_set(&nic, 1, -1, 1);
	v = run(wire(0), vmac(1, 1), EXT_MAC);
	CHECK_EQ(v.reason, NSW_DROP_RX_MISS);
	v = run(wire(0), NSW_MAC_BCAST, EXT_MAC);
	CHECK_EQ(v.flood_mask, 0x1);
}

NSW_TEST(case2_source_pruning)
{
	lab();
	struct nsw_verdict v = run(wire(0), NSW_MAC_BCAST, vmac(0, 1));
	CHECK_EQ(v.reason, NSW_DROP_LOOP);
	v = run(wire(0), vmac(0, 2), vmac(1, 1));
	CHECK_EQ(v.reason, NSW_DROP_LOOP);
}

NSW_TEST(bad_frames_are_verdicts)
{
	lab();
	struct nsw_frame f;
	struct nsw_verdict v;
	nsw_process(&nic, vf_port(0, 1), buf, 5, &f, &v);
	CHECK_EQ(v.action, NSW_ACT_DROP);
	CHECK_EQ(v.reason, NSW_DROP_RUNT);
	CHECK_EQ(v.ncase, NSW_CASE_NONE);
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	return nsw_rnd(&rnd_state);
}

/* A random walk over frames and ports of a randomly configured NIC: every verdict keeps the
 * invariants, and the decision reads nothing it should not (ASan, UBSan). */
NSW_TEST(random_walk_invariants)
{
#define RND() rnd()
	nsw_nic_init(&nic, 1, 4);
	nsw_pf_set(&nic, 2, -1, 1);
	nsw_pf_set_miss_drop(&nic, 1, true);
	uint64_t macs[64];
	unsigned n = 0;
	for (unsigned i = 0; i < 60; i++) {
		unsigned p = RND() % 4, vf = RND() % 16;
		uint64_t m = RND() % 5 == 0 ? (RND() & NSW_MAC_MASK & ~NSW_MAC_GROUP_BIT) : 0;
		if (nsw_vf_add(&nic, p, vf, m, RND() % 8, RND() % 4 != 0) == NSW_OK)
			macs[n++] = nic.vf[p][vf] & NSW_MAC_MASK;
	}
	CHECK(n > 30);
	for (unsigned i = 0; i < 200000; i++) {
		uint64_t pick[4] = {macs[RND() % n], NSW_MAC_BCAST, RND() & NSW_MAC_MASK,
				    nsw_auto_vmac(nsw_default_oui(1, RND() % 4), 0, RND() % 20)};
		uint64_t dst = pick[RND() % 4], src = RND() % 8 ? macs[RND() % n] : pick[RND() % 4];
		struct nsw_port in = RND() % 5 ? vf_port(RND() % 5, RND() % 17) : wire(RND() % 5);
		struct nsw_tag_spec t = RND() % 3 ? NSW_NOTAG : NSW_CTAG(RND() % 8, RND() % 4096);
		struct nsw_frame f;
		struct nsw_verdict v;
		unsigned len = nsw_frame_build(buf, sizeof buf, dst, src, t, NSW_NOTAG, 0x0800, 46);
		nsw_process(&nic, in, buf, len - (unsigned)(RND() % 4 ? 0 : RND() % len), &f, &v);
		const char *broken = nsw_verdict_broken(&nic, in, &f, &v);
		if (broken)
			fprintf(stderr, "step %u: %s\n", i, broken);
		CHECK(!broken);
	}
#undef RND
}
