/* test_sim_flood_state.c - the simulator's nSwitch flood follows the core's rule for a copy
 * (nsw_flood_to_vf), as the data path's does: a VM whose VF link is held down (vm_state N
 * disable) gets no copy of a broadcast, from a VM or from the wire, and that copy is counted
 * as vf_state_down; frames are still conserved. Also the vm_state key itself. One line per
 * test. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsw_sim.h"
#include "nsw_sim_test.h"
#include "../unit/nsw_test.h"

/* 4 VMs on one PF. vm0 broadcasts 100 frames, the outside host 50, vm1 sends 100 to vm2. */
#define FLOOD_SCN                                                                         \
	"pfs 1\nvfs 4\nvms 4\nduration 10ms\nirq_frames 1\n"                              \
	"flow b src=vm0 dst=bcast rate=10kpps size=64\n"                                  \
	"flow x src=ext dst=bcast rate=5kpps size=64\n"                                   \
	"flow u src=vm1 dst=vm2 rate=10kpps size=64\n"

struct flood_run {
	uint64_t bout, bdrop, xout, xdrop, uout, udrop, state, gen, out, drop;
};

static int flood_run(const char *extra, int arch, struct flood_run *o)
{
	char scn[1024];
	snprintf(scn, sizeof scn, "%s%s", FLOOD_SCN, extra);
	struct nsw_sim_scenario s;
	if (nsw_sim_test_load(&s, scn))
		return -1;
	s.p.arch = arch;
	struct nsw_sim_result r;
	if (nsw_sim_run(&s, &r, stderr))
		return -1;
	*o = (struct flood_run){r.group[0].out, r.group[0].drop, r.group[1].out, r.group[1].drop,
				r.group[2].out, r.group[2].drop, r.drops[NSW_DROP_VF_STATE],
				r.gen, r.out, r.drop};
	nsw_sim_result_free(&r);
	return 0;
}

/* vm2 held down: vm0's broadcast reaches vm1, vm3 and the outside host (3 a frame, was 4),
 * the outside host's vm0, vm1, vm3 (3, was 4); each refused copy counted as vf_state_down,
 * as are vm1's unicasts to vm2. */
NSW_TEST(sim_flood_skips_a_vm_whose_vf_is_held_down)
{
	struct flood_run up, dn;
	CHECK(!flood_run("", NSW_SIM_NSWITCH, &up));
	CHECK(!flood_run("vm_state 2 disable\n", NSW_SIM_NSWITCH, &dn));
	printf("# up: broadcast %llu delivered; vm2 down: %llu delivered, %llu vf_state_down\n",
	       (unsigned long long)up.bout, (unsigned long long)dn.bout,
	       (unsigned long long)dn.state);
	CHECK_EQ(up.bout, 100 * 4);
	CHECK_EQ(up.xout, 50 * 4);
	CHECK_EQ(up.state, 0);
	CHECK_EQ(dn.bout, 100 * 3);
	CHECK_EQ(dn.bdrop, 100);
	CHECK_EQ(dn.xout, 50 * 3);
	CHECK_EQ(dn.xdrop, 50);
	CHECK_EQ(dn.uout, 0);
	CHECK_EQ(dn.udrop, 100);
	CHECK_EQ(dn.state, 100 + 50 + 100);
	CHECK_EQ(dn.gen, dn.out + dn.drop);
}

/* auto follows the port's carrier, which the simulator's ports always have: up. enable is the
 * default. The architectures without VFs of the nSwitch NIC ignore the key. */
NSW_TEST(sim_vm_state_auto_and_enable_stay_up_other_archs_ignore_it)
{
	struct flood_run o;
	CHECK(!flood_run("vm_state 2 auto\n", NSW_SIM_NSWITCH, &o));
	CHECK_EQ(o.bout, 100 * 4);
	CHECK_EQ(o.state, 0);
	CHECK(!flood_run("vm_state 2 disable\nvm_state 2 enable\n", NSW_SIM_NSWITCH, &o));
	CHECK_EQ(o.bout, 100 * 4);
	CHECK_EQ(o.uout, 100);
	CHECK(!flood_run("vm_state 2 disable\n", NSW_SIM_VSWITCH, &o));
	CHECK_EQ(o.bout, 100 * 4);
	CHECK_EQ(o.state, 0);
}

NSW_TEST(sim_vm_state_key_parses_and_rejects)
{
	struct nsw_sim_scenario s;
	nsw_sim_defaults(&s);
	CHECK_EQ(s.p.vm_state[5], NSW_VF_STATE_ENABLE);
	CHECK(!nsw_sim_scn_set(&s, "vm_state=5:disable", stderr));
	CHECK_EQ(s.p.vm_state[5], NSW_VF_STATE_DISABLE);
	CHECK(!nsw_sim_scn_line(&s, "vm_state 5 auto", "t", 1, stderr));
	CHECK_EQ(s.p.vm_state[5], NSW_VF_STATE_AUTO);
	FILE *null = fopen("/dev/null", "w");
	CHECK(null != NULL);
	if (!null)
		return;
	CHECK(nsw_sim_scn_line(&s, "vm_state 5 sleep", "t", 1, null));
	CHECK(nsw_sim_scn_line(&s, "vm_state 5", "t", 1, null));
	CHECK(nsw_sim_scn_line(&s, "vm_state x disable", "t", 1, null));
	CHECK(nsw_sim_scn_line(&s, "vm_state 5 disable more", "t", 1, null));
	CHECK(nsw_sim_scn_line(&s, "vm_state 99999 disable", "t", 1, null));
	CHECK(nsw_sim_scn_set(&s, "vm_state=5", null));
	fclose(null);
	CHECK_EQ(s.p.vm_state[5], NSW_VF_STATE_AUTO); /* the bad lines left it as it was */
}
