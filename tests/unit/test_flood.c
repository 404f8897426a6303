/* test_flood.c - unit tests of nsw_flood_to_vf (core/nsw_decide.h), the one rule for a flood's
 * copy to a VF that the data path's flood and the simulator's both call: every branch (not
 * for this VF: PF not flooded, the sender, not enabled, another VLAN, out of range; a copy; a
 * copy not made: link held down, no device, and which wins when both hold), on floods the
 * core decided from a VF and from the port of the reference NIC. */
#include <string.h>

#include "../../core/nsw_ctl.h"
#include "../../core/nsw_decide.h"
#include "../../lib/nsw_fixture.h"
#include "../../lib/nsw_frames.h"
#include "nsw_test.h"

static struct nsw_nic nic;
static uint8_t buf[256];

/* The core's verdict on a broadcast from in, tagged with outer tag tag (NSW_NOTAG: none). */
static struct nsw_verdict bcast(struct nsw_port in, uint64_t src, struct nsw_tag_spec tag)
{
	struct nsw_frame f;
	struct nsw_verdict v;
	unsigned len =
		nsw_frame_build(buf, sizeof buf, NSW_MAC_BCAST, src, tag, NSW_NOTAG, 0x0800, 46);
	nsw_process(&nic, in, buf, len, &f, &v);
	return v;
}

static const struct nsw_port V01 = {NSW_PORT_VF, 0, 1}, WIRE0 = {NSW_PORT_UPLINK, 0, 0};

NSW_TEST(flood_to_vf_copies_to_every_enabled_vf_but_the_sender)
{
	nsw_fixture_lab(&nic);
	struct nsw_verdict v = bcast(V01, nsw_fix_vmac(0, 1), NSW_NOTAG);
	CHECK_EQ(v.action, NSW_ACT_FLOOD);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 2, true), NSW_DROP_NONE);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 3, true), NSW_DROP_NONE);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 1, 1, true), NSW_DROP_NONE); /* the other PF too */
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 1, true), NSW_FLOOD_OUTSIDE); /* the sender */
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 4, true), NSW_FLOOD_OUTSIDE); /* not enabled */
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 1, 2, true), NSW_FLOOD_OUTSIDE);
	/* Out of range: never a copy, whatever the mask says (VF 258 is not VF 2). */
	v.flood_mask = 0xff;
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, NSW_MAX_PFS, 1, true), NSW_FLOOD_OUTSIDE);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, NSW_MAX_VFS + 2, true), NSW_FLOOD_OUTSIDE);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 31, 1, true), NSW_FLOOD_OUTSIDE);
}

NSW_TEST(flood_to_vf_only_the_flooded_pfs)
{
	nsw_fixture_lab(&nic);
	struct nsw_verdict v = bcast(V01, nsw_fix_vmac(0, 1), NSW_NOTAG);
	v.flood_mask = 0x1;
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 1, 1, true), NSW_FLOOD_OUTSIDE);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 2, true), NSW_DROP_NONE);
	/* From the port: PF 1 has none of its own and leaves through PF 0's, so both are
	 * flooded; no sender among the VFs (VF 0,1 gets its copy). */
	v = bcast(WIRE0, EXT_MAC, NSW_NOTAG);
	CHECK_EQ(v.flood_mask, 0x3);
	CHECK_EQ(v.excl_pf, NSW_NONE);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 1, true), NSW_DROP_NONE);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 1, 1, true), NSW_DROP_NONE);
	v.flood_mask = 0;
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 1, true), NSW_FLOOD_OUTSIDE);
}

NSW_TEST(flood_to_vf_only_the_frames_vlan)
{
	nsw_fixture_lab(&nic);
	CHECK_EQ(nsw_vf_set_vlan(&nic, 0, 1, 10, false), NSW_OK);
	CHECK_EQ(nsw_vf_set_vlan(&nic, 1, 1, 10, false), NSW_OK);
	struct nsw_verdict v = bcast(V01, nsw_fix_vmac(0, 1), NSW_NOTAG);
	CHECK_EQ(v.vlan, 10);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 1, 1, true), NSW_DROP_NONE);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 2, true), NSW_FLOOD_OUTSIDE); /* untagged VLAN */
	/* From the port, VLAN 10's tag: only its VFs; untagged: only the others. */
	v = bcast(WIRE0, EXT_MAC, NSW_CTAG(0, 10));
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 1, true), NSW_DROP_NONE);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 3, true), NSW_FLOOD_OUTSIDE);
	v = bcast(WIRE0, EXT_MAC, NSW_NOTAG);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 1, true), NSW_FLOOD_OUTSIDE);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 3, true), NSW_DROP_NONE);
	/* Another VLAN's VF held down is still outside this flood: nothing to count. */
	CHECK_EQ(nsw_vf_set_state(&nic, 0, 1, NSW_VF_STATE_DISABLE), NSW_OK);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 1, false), NSW_FLOOD_OUTSIDE);
}

NSW_TEST(flood_to_vf_link_held_down_is_a_counted_reason)
{
	nsw_fixture_lab(&nic);
	struct nsw_verdict v = bcast(V01, nsw_fix_vmac(0, 1), NSW_NOTAG);
	CHECK_EQ(nsw_vf_set_state(&nic, 0, 2, NSW_VF_STATE_DISABLE), NSW_OK);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 2, true), NSW_DROP_VF_STATE);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 3, true), NSW_DROP_NONE);
	/* auto: down while PF 0's uplink has no carrier, up again with it. */
	CHECK_EQ(nsw_vf_set_state(&nic, 0, 3, NSW_VF_STATE_AUTO), NSW_OK);
	CHECK_EQ(nsw_pf_set_carrier(&nic, 0, false), NSW_OK);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 3, true), NSW_DROP_VF_STATE);
	CHECK_EQ(nsw_pf_set_carrier(&nic, 0, true), NSW_OK);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 3, true), NSW_DROP_NONE);
	/* From the port too. */
	v = bcast(WIRE0, EXT_MAC, NSW_NOTAG);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 2, true), NSW_DROP_VF_STATE);
	CHECK_EQ(nsw_vf_set_state(&nic, 0, 2, NSW_VF_STATE_ENABLE), NSW_OK);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 2, true), NSW_DROP_NONE);
}

NSW_TEST(flood_to_vf_no_device_is_a_counted_reason_after_the_link)
{
	nsw_fixture_lab(&nic);
	struct nsw_verdict v = bcast(V01, nsw_fix_vmac(0, 1), NSW_NOTAG);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 2, false), NSW_DROP_NO_DEV);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 1, 1, false), NSW_DROP_NO_DEV);
	/* Not for it: no device or not, nothing to count. */
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 1, false), NSW_FLOOD_OUTSIDE);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 4, false), NSW_FLOOD_OUTSIDE);
	/* Held down and waiting: the link state's reason, as a unicast to it has. */
	CHECK_EQ(nsw_vf_set_state(&nic, 0, 2, NSW_VF_STATE_DISABLE), NSW_OK);
	CHECK_EQ(nsw_flood_to_vf(&nic, &v, 0, 2, false), NSW_DROP_VF_STATE);
	/* The answers are reasons the counters have a name for, and OUTSIDE is none of them. */
	CHECK(NSW_FLOOD_OUTSIDE >= NSW_DROP_MAX);
	CHECK(!strcmp(nsw_drop_name(NSW_DROP_NO_DEV), "no_device"));
	CHECK(!strcmp(nsw_drop_name(NSW_DROP_VF_STATE), "vf_state_down"));
}
