/* test_vf_state.c - unit tests of a VF's link state in the core: the state words (core/nsw_ctl.c:
 * nsw_vf_set_state, nsw_pf_set_carrier, nsw_pf_set's uplink), the NSW_VF_LINK_DOWN bit they
 * fold, and the decision's drops by it (core/nsw_decide.h), on the reference NIC. */
#include <string.h>

#include "../../core/nsw_ctl.h"
#include "../../core/nsw_decide.h"
#include "../../lib/nsw_fixture.h"
#include "../../lib/nsw_frames.h"
#include "nsw_invariants.h"
#include "nsw_test.h"

static struct nsw_nic nic, snap;
static uint8_t buf[256];

static struct nsw_verdict run(struct nsw_port in, uint64_t dst, uint64_t src)
{
	struct nsw_frame f;
	struct nsw_verdict v;
	unsigned len = nsw_frame_build(buf, sizeof buf, dst, src, NSW_NOTAG, NSW_NOTAG, 0x0800, 46);
	nsw_process(&nic, in, buf, len, &f, &v);
	if (nsw_verdict_broken(&nic, in, &f, &v))
		v.reason = 0xee; /* fails every check below */
	return v;
}

static const struct nsw_port V01 = {NSW_PORT_VF, 0, 1}, V02 = {NSW_PORT_VF, 0, 2},
			     V11 = {NSW_PORT_VF, 1, 1}, WIRE0 = {NSW_PORT_UPLINK, 0, 0};

static bool down(unsigned pf, unsigned vf)
{
	return (nic.vf[pf][vf] & NSW_VF_LINK_DOWN) != 0;
}

NSW_TEST(vf_state_default_enable_and_up)
{
	nsw_fixture_lab(&nic);
	CHECK_EQ(nsw_vf_state_of(nic.vf[0][1]), NSW_VF_STATE_ENABLE);
	CHECK_EQ(nsw_pf_set_carrier(&nic, 0, false), NSW_OK); /* enable: the carrier is not read */
	CHECK(!down(0, 1) && !down(0, 2) && !down(1, 1));
	CHECK_EQ(run(V01, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1)).action, NSW_ACT_VF);
	CHECK(!strcmp(nsw_vf_state_name(NSW_VF_STATE_DISABLE), "disable"));
	CHECK(!strcmp(nsw_drop_name(NSW_DROP_VF_STATE), "vf_state_down"));
}

NSW_TEST(vf_state_disable_drops_both_ways_enable_restores)
{
	nsw_fixture_lab(&nic);
	CHECK_EQ(nsw_vf_set_state(&nic, 0, 2, NSW_VF_STATE_DISABLE), NSW_OK);
	CHECK(down(0, 2));
	/* From it: dropped before any case, no receiver named. */
	struct nsw_verdict v = run(V02, nsw_fix_vmac(0, 1), nsw_fix_vmac(0, 2));
	CHECK_EQ(v.action, NSW_ACT_DROP);
	CHECK_EQ(v.reason, NSW_DROP_VF_STATE);
	CHECK_EQ(v.pf, NSW_NONE);
	/* To it, from a VF and from the wire: dropped, the receiver named. */
	v = run(V01, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1));
	CHECK_EQ(v.reason, NSW_DROP_VF_STATE);
	CHECK_EQ(v.pf, 0);
	CHECK_EQ(v.vf, 2);
	v = run(WIRE0, nsw_fix_vmac(0, 2), 0x001b21000077ull);
	CHECK_EQ(v.reason, NSW_DROP_VF_STATE);
	CHECK_EQ(v.vf, 2);
	/* Its neighbours are untouched. */
	CHECK_EQ(run(V01, nsw_fix_vmac(1, 1), nsw_fix_vmac(0, 1)).action, NSW_ACT_VF);
	CHECK_EQ(nsw_vf_set_state(&nic, 0, 2, NSW_VF_STATE_ENABLE), NSW_OK);
	CHECK(!down(0, 2));
	CHECK_EQ(run(V02, nsw_fix_vmac(0, 1), nsw_fix_vmac(0, 2)).action, NSW_ACT_VF);
	CHECK_EQ(run(V01, nsw_fix_vmac(0, 2), nsw_fix_vmac(0, 1)).action, NSW_ACT_VF);
}

NSW_TEST(vf_state_auto_follows_the_uplink_carrier)
{
	nsw_fixture_lab(&nic); /* PF 0 has an uplink, PF 1 none */
	CHECK_EQ(nsw_vf_set_state(&nic, 0, 1, NSW_VF_STATE_AUTO), NSW_OK);
	CHECK(!down(0, 1));
	nsw_vf_set_state(&nic, 0, 3, NSW_VF_STATE_AUTO);
	nsw_vf_set_state(&nic, 1, 1, NSW_VF_STATE_AUTO);
	CHECK_EQ(nsw_pf_set_carrier(&nic, 0, false), NSW_OK);
	CHECK(down(0, 1) && down(0, 3)); /* auto */
	CHECK(!down(0, 2));              /* enable */
	CHECK_EQ(run(V02, nsw_fix_vmac(0, 1), nsw_fix_vmac(0, 2)).reason, NSW_DROP_VF_STATE);
	/* A PF without an uplink has no carrier to follow: up whatever it is told. */
	CHECK_EQ(nsw_pf_set_carrier(&nic, 1, false), NSW_OK);
	CHECK(!down(1, 1));
	/* A VF added while the carrier is lost starts up (enable); set to auto, down. */
	nsw_vf_del(&nic, 0, 1);
	CHECK_EQ(nsw_vf_add(&nic, 0, 1, 0, 0, true), NSW_OK);
	CHECK(!down(0, 1));
	nsw_vf_set_state(&nic, 0, 1, NSW_VF_STATE_AUTO);
	CHECK(down(0, 1));
	CHECK_EQ(nsw_pf_set_carrier(&nic, 0, true), NSW_OK);
	CHECK(!down(0, 1) && !down(0, 3) && !down(0, 2));
	/* Losing it again, then losing the uplink itself: auto VFs come back up. */
	nsw_pf_set_carrier(&nic, 0, false);
	CHECK(down(0, 1));
	CHECK_EQ(nsw_pf_set(&nic, 0, -1, 0), NSW_OK);
	CHECK(!down(0, 1));
	CHECK_EQ(nsw_pf_set(&nic, 0, -1, 1), NSW_OK); /* the port back, still no carrier */
	CHECK(down(0, 1));
	/* disable stays down whatever the carrier. */
	nsw_vf_set_state(&nic, 1, 1, NSW_VF_STATE_DISABLE);
	nsw_pf_set_carrier(&nic, 1, true);
	CHECK(down(1, 1));
	CHECK_EQ(run(V11, nsw_fix_vmac(0, 2), nsw_fix_vmac(1, 1)).reason, NSW_DROP_VF_STATE);
}

NSW_TEST(vf_state_kept_by_vf_set)
{
	nsw_fixture_lab(&nic);
	nsw_vf_set_state(&nic, 0, 1, NSW_VF_STATE_DISABLE);
	CHECK_EQ(nsw_vf_set(&nic, 0, 1, 0x02aa00000001ull, 5, 0), NSW_OK);
	CHECK_EQ(nsw_vf_state_of(nic.vf[0][1]), NSW_VF_STATE_DISABLE);
	CHECK(down(0, 1));
	CHECK_EQ(nsw_vf_set(&nic, 0, 1, 0, 2, -1), NSW_OK);
	CHECK(down(0, 1));
}

NSW_TEST(vf_state_bad_input_changes_nothing)
{
	nsw_fixture_lab(&nic);
	memcpy(&snap, &nic, sizeof nic);
	CHECK_EQ(nsw_vf_set_state(&nic, 0, 9, NSW_VF_STATE_DISABLE), NSW_E_NOENT);
	CHECK_EQ(nsw_vf_set_state(&nic, 0, 1, 3), NSW_E_RANGE);
	CHECK_EQ(nsw_vf_set_state(&nic, 0, NSW_MAX_VFS, 0), NSW_E_RANGE);
	CHECK_EQ(nsw_vf_set_state(&nic, NSW_MAX_PFS, 0, 0), NSW_E_RANGE);
	CHECK_EQ(nsw_vf_set_state(&nic, 5, 0, 0), NSW_E_PF_DOWN);
	CHECK_EQ(nsw_pf_set_carrier(&nic, 5, false), NSW_E_PF_DOWN);
	CHECK_EQ(nsw_pf_set_carrier(&nic, NSW_MAX_PFS, false), NSW_E_RANGE);
	CHECK(!memcmp(&snap, &nic, sizeof nic));
}
