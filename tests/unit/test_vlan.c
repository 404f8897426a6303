/* test_vlan.c - unit tests of port VLANs in the core: the control functions (validation, state
 * unchanged on error, the bits they keep) and each rule of the decision (core/nsw_decide.h's
 * opening comment), on the reference NIC with VLANs. */
#include <string.h>

#include "../../core/nsw_ctl.h"
#include "../../core/nsw_decide.h"
#include "../../lib/nsw_fixture.h"
#include "../../lib/nsw_frames.h"
#include "nsw_invariants.h"
#include "nsw_test.h"

static struct nsw_nic nic, snap;
static uint8_t buf[256];
static const char *broken;

static struct nsw_verdict go(struct nsw_port in, uint64_t dst, uint64_t src, struct nsw_tag_spec t0,
			     struct nsw_tag_spec t1)
{
	struct nsw_frame f;
	struct nsw_verdict v;
	unsigned len = nsw_frame_build(buf, sizeof buf, dst, src, t0, t1, 0x0800, 46);
	nsw_process(&nic, in, buf, len, &f, &v);
	broken = nsw_verdict_broken(&nic, in, &f, &v);
	if (broken)
		fprintf(stderr, "invariant broken: %s\n", broken);
	return v;
}

/* v = the verdict, every invariant checked. */
#define GO(v, ...)                         \
	do {                               \
		(v) = go(__VA_ARGS__);     \
		CHECK(broken == NULL);     \
	} while (0)

#define VF(p, v) ((struct nsw_port){NSW_PORT_VF, (p), (v)})
#define WIRE ((struct nsw_port){NSW_PORT_UPLINK, 0, 0})

/* The fixture; VF 0,1 and 1,1 in VLAN 10 (802.1ad when ad), VF 0,2 in VLAN 20, 0,3 none. */
static void lab(bool ad)
{
	nsw_fixture_lab(&nic);
	CHECK_EQ(nsw_vf_set_vlan(&nic, 0, 1, 10, ad), 0);
	CHECK_EQ(nsw_vf_set_vlan(&nic, 1, 1, 10, ad), 0);
	CHECK_EQ(nsw_vf_set_vlan(&nic, 0, 2, 20, false), 0);
}

NSW_TEST(vlan_ctl_refuses_bad_input_state_unchanged)
{
	lab(false);
	memcpy(&snap, &nic, sizeof nic);
	CHECK_EQ(nsw_vf_set_vlan(&nic, 0, 1, 4095, false), NSW_E_RANGE);
	CHECK_EQ(nsw_vf_set_vlan(&nic, 0, 1, 5000, true), NSW_E_RANGE);
	CHECK_EQ(nsw_vf_set_vlan(&nic, 0, 9, 10, false), NSW_E_NOENT); /* no such VF */
	CHECK_EQ(nsw_vf_set_vlan(&nic, 0, 256, 10, false), NSW_E_RANGE);
	CHECK_EQ(nsw_vf_add_vlan(&nic, 0, 9, 0, 0, true, 4095, false), NSW_E_RANGE);
	CHECK_EQ(nsw_vf_add_vlan(&nic, 0, 9, 0, 8, true, 10, false), NSW_E_RANGE);
	CHECK(!memcmp(&snap, &nic, sizeof nic));
	CHECK_EQ(nsw_vlan_key(4094, true), 4094 | NSW_VLAN_AD);
	CHECK_EQ(nsw_vlan_key(0, true), 0);
	CHECK_EQ(nsw_vlan_key(4095, false), -1);
}

NSW_TEST(vlan_ctl_words_and_what_set_keeps)
{
	lab(true);
	CHECK(nic.vf[0][1] & NSW_VF_VLAN);
	CHECK_EQ(nic.vlan[0][1], 10 | NSW_VLAN_AD);
	CHECK(!(nic.vf[0][3] & NSW_VF_VLAN));
	/* vf set of the MAC, qos or spoofchk keeps the VLAN. */
	CHECK_EQ(nsw_vf_set(&nic, 0, 1, 0x02aabbccdd01ull, 6, 0), 0);
	CHECK(nic.vf[0][1] & NSW_VF_VLAN);
	CHECK_EQ(nsw_vf_vlan(&nic, 0, 1, nic.vf[0][1]), 10 | NSW_VLAN_AD);
	/* vlan 0 removes it; vf del leaves no key for the next VF on the slot. */
	CHECK_EQ(nsw_vf_set_vlan(&nic, 0, 1, 0, false), 0);
	CHECK(!(nic.vf[0][1] & NSW_VF_VLAN));
	CHECK_EQ(nic.vlan[0][1], 0);
	CHECK_EQ(nsw_vf_del(&nic, 0, 2), 0);
	CHECK_EQ(nic.vlan[0][2], 0);
	CHECK_EQ(nsw_vf_add_vlan(&nic, 0, 2, 0, 0, true, 30, false), 0);
	CHECK_EQ(nsw_vf_vlan(&nic, 0, 2, nic.vf[0][2]), 30);
	CHECK_EQ(nsw_vf_add(&nic, 0, 7, 0, 0, true), 0);
	CHECK_EQ(nsw_vf_vlan(&nic, 0, 7, nic.vf[0][7]), 0);
}

NSW_TEST(vlan_unicast_only_inside_the_vlan)
{
	lab(false);
	struct nsw_verdict v;
	GO(v, VF(0, 1), nsw_fix_vmac(1, 1), nsw_fix_vmac(0, 1), NSW_NOTAG, NSW_NOTAG);
	CHECK_EQ(v.action, NSW_ACT_VF);
	CHECK_EQ(v.pf, 1);
	CHECK_EQ(v.ncase, NSW_CASE_DIFF_OUI); /* the OUI rules unchanged inside a VLAN */
	CHECK_EQ(v.vlan, 10);
	GO(v, VF(0, 1), nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), NSW_NOTAG, NSW_NOTAG);
	CHECK_EQ(v.action, NSW_ACT_UPLINK); /* VLAN 20's VM: a miss in VLAN 10 */
	CHECK_EQ(v.ncase, NSW_CASE_SAME_OUI);
	CHECK_EQ(v.vlan, 10);
	GO(v, VF(0, 3), nsw_fix_vmac(0, 1), FOREIGN_VM, NSW_NOTAG, NSW_NOTAG);
	CHECK_EQ(v.action, NSW_ACT_UPLINK); /* untagged VLAN to VLAN 10 */
	CHECK_EQ(v.vlan, 0);
	nsw_pf_set_miss_drop(&nic, 0, true);
	GO(v, VF(0, 1), nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1), NSW_NOTAG, NSW_NOTAG);
	CHECK_EQ(v.reason, NSW_DROP_FDB_MISS);
}

NSW_TEST(vlan_flood_names_the_vlan_and_members_follow_it)
{
	lab(false);
	struct nsw_verdict v;
	GO(v, VF(0, 1), NSW_MAC_BCAST, nsw_fix_vmac(0, 1), NSW_NOTAG, NSW_NOTAG);
	CHECK_EQ(v.action, NSW_ACT_FLOOD);
	CHECK_EQ(v.vlan, 10);
	CHECK_EQ(v.pf, 0); /* and the port once */
	CHECK(nsw_vlan_member(&nic, 1, 1, nic.vf[1][1], v.vlan));
	CHECK(!nsw_vlan_member(&nic, 0, 2, nic.vf[0][2], v.vlan));
	CHECK(!nsw_vlan_member(&nic, 0, 3, nic.vf[0][3], v.vlan));
	GO(v, VF(0, 3), NSW_MAC_BCAST, FOREIGN_VM, NSW_NOTAG, NSW_NOTAG);
	CHECK_EQ(v.vlan, 0);
	CHECK(nsw_vlan_member(&nic, 0, 3, nic.vf[0][3], v.vlan));
	CHECK(!nsw_vlan_member(&nic, 0, 1, nic.vf[0][1], v.vlan));
	/* From the port: the outer tag's VLAN; priority tag 0 is the untagged VLAN. */
	GO(v, WIRE, NSW_MAC_BCAST, EXT_MAC, NSW_CTAG(3, 10), NSW_NOTAG);
	CHECK_EQ(v.vlan, 10);
	GO(v, WIRE, NSW_MAC_BCAST, EXT_MAC, NSW_STAG(3, 10), NSW_NOTAG);
	CHECK_EQ(v.vlan, 10 | NSW_VLAN_AD);
	GO(v, WIRE, NSW_MAC_BCAST, EXT_MAC, NSW_CTAG(3, 0), NSW_NOTAG);
	CHECK_EQ(v.vlan, 0);
}

NSW_TEST(vlan_violation_and_qinq)
{
	lab(false);
	struct nsw_verdict v;
	GO(v, VF(0, 1), EXT_MAC, nsw_fix_vmac(0, 1), NSW_CTAG(0, 10), NSW_NOTAG);
	CHECK_EQ(v.reason, NSW_DROP_VLAN_VIOLATION);
	GO(v, VF(0, 1), EXT_MAC, nsw_fix_vmac(0, 1), NSW_CTAG(5, 0), NSW_NOTAG);
	CHECK_EQ(v.reason, NSW_DROP_VLAN_VIOLATION); /* a priority tag too */
	GO(v, VF(0, 3), EXT_MAC, FOREIGN_VM, NSW_CTAG(0, 10), NSW_NOTAG);
	CHECK_EQ(v.action, NSW_ACT_UPLINK); /* no port VLAN: VGT */
	lab(true);
	GO(v, VF(0, 1), EXT_MAC, nsw_fix_vmac(0, 1), NSW_CTAG(6, 33), NSW_NOTAG);
	CHECK_EQ(v.action, NSW_ACT_UPLINK);
	CHECK_EQ(v.vlan, 10 | NSW_VLAN_AD);
	CHECK_EQ(v.prio, 6); /* the S-tag's PCP: the frame's priority */
	CHECK_EQ(nsw_vlan_tpid(v.vlan), 0x88a8);
	CHECK_EQ(nsw_vlan_tci(v.vlan, v.prio), 6 << 13 | 10);
	GO(v, VF(0, 1), EXT_MAC, nsw_fix_vmac(0, 1), NSW_CTAG(0, 1), NSW_CTAG(0, 2));
	CHECK_EQ(v.reason, NSW_DROP_VLAN_VIOLATION);
	GO(v, VF(0, 1), EXT_MAC, nsw_fix_vmac(0, 1), NSW_STAG(0, 1), NSW_NOTAG);
	CHECK_EQ(v.reason, NSW_DROP_VLAN_VIOLATION);
}

NSW_TEST(vlan_from_port_delivered_only_to_its_vlan)
{
	lab(false);
	struct nsw_verdict v;
	GO(v, WIRE, nsw_fix_vmac(0, 1), EXT_MAC, NSW_CTAG(2, 10), NSW_NOTAG);
	CHECK_EQ(v.action, NSW_ACT_VF);
	CHECK_EQ(v.vlan, 10); /* the tag comes off */
	CHECK_EQ(v.prio, 2);
	GO(v, WIRE, nsw_fix_vmac(0, 1), EXT_MAC, NSW_NOTAG, NSW_NOTAG);
	CHECK_EQ(v.reason, NSW_DROP_VLAN_UNKNOWN);
	GO(v, WIRE, nsw_fix_vmac(0, 1), EXT_MAC, NSW_CTAG(0, 20), NSW_NOTAG);
	CHECK_EQ(v.reason, NSW_DROP_VLAN_UNKNOWN);
	GO(v, WIRE, nsw_fix_vmac(0, 1), EXT_MAC, NSW_STAG(0, 10), NSW_NOTAG);
	CHECK_EQ(v.reason, NSW_DROP_VLAN_UNKNOWN);
	GO(v, WIRE, nsw_fix_vmac(1, 1), EXT_MAC, NSW_CTAG(0, 10), NSW_NOTAG);
	CHECK_EQ(v.action, NSW_ACT_VF); /* PF 1's VF through PF 0's port */
	GO(v, WIRE, FOREIGN_VM, EXT_MAC, NSW_CTAG(0, 20), NSW_NOTAG);
	CHECK_EQ(v.action, NSW_ACT_VF); /* VGT: as it comes, tag kept */
	CHECK_EQ(v.vlan, 0);
	/* A looped frame of ours is still dropped as such, whatever its VLAN. */
	GO(v, WIRE, nsw_fix_vmac(1, 1), nsw_fix_vmac(0, 1), NSW_CTAG(0, 10), NSW_NOTAG);
	CHECK_EQ(v.reason, NSW_DROP_LOOP);
}

NSW_TEST(vlan_none_anywhere_changes_nothing)
{
	/* Random frames on the fixture without VLANs and with VLAN bits set but no key: the same
	 * verdicts, field by field (what the RTL, which knows no VLANs, is checked against). */
	struct nsw_nic a;
	nsw_fixture_lab(&a);
	memcpy(&nic, &a, sizeof a);
	for (unsigned p = 0; p < 2; p++)
		for (unsigned i = 0; i < 8; i++)
			if (nic.vf[p][i] & NSW_VF_EN)
				nic.vf[p][i] |= NSW_VF_VLAN; /* a raw word: the key is 0 */
	uint64_t macs[] = {nsw_fix_vmac(0, 1), nsw_fix_vmac(0, 2), nsw_fix_vmac(1, 1), FOREIGN_VM,
			   EXT_MAC, NSW_MAC_BCAST};
	struct nsw_tag_spec tags[] = {NSW_NOTAG, NSW_CTAG(1, 10), NSW_STAG(2, 30)};
	struct nsw_port ins[] = {VF(0, 1), VF(0, 2), VF(1, 1), VF(0, 3), WIRE};
	for (unsigned i = 0; i < 5; i++)
		for (unsigned d = 0; d < 6; d++)
			for (unsigned s = 0; s < 5; s++)
				for (unsigned t = 0; t < 3; t++) {
					struct nsw_frame f;
					struct nsw_verdict v1, v2;
					unsigned len = nsw_frame_build(buf, sizeof buf, macs[d], macs[s],
								       tags[t], NSW_NOTAG, 0x0800, 46);
					nsw_process(&a, ins[i], buf, len, &f, &v1);
					nsw_process(&nic, ins[i], buf, len, &f, &v2);
					CHECK(!memcmp(&v1, &v2, sizeof v1));
				}
}
