/* test_sim_prio.c - 802.1p strict priority in the nSwitch NIC (sim/scenarios/prio_class7.scn):
 * under a class-0 overload about 4x what PCIe carries, a light class-7 flow is fetched first and
 * has its own share of the TX buffer (DCB), so its latency stays a small fraction of class 0's;
 * the same flow in class 0 waits as long as the overload. One line per test. */
#include <stdio.h>
#include <string.h>

#include "nsw_sim.h"
#include "../unit/nsw_test.h"

static int prio_run(int hi_prio, uint64_t *hi_max, uint64_t *lo_max, uint64_t *hi_drop)
{
	struct nsw_sim_scenario s;
	nsw_sim_defaults(&s);
	if (nsw_sim_scn_load(&s, "sim/scenarios/prio_class7.scn", stderr))
		return -1;
	unsigned hi = s.nflows - 1;
	if (strcmp(s.flow[hi].name, "hi") || strcmp(s.flow[0].name, "lo0"))
		return -1;
	s.flow[hi].prio = (uint8_t)hi_prio;
	struct nsw_sim_result r;
	if (nsw_sim_run(&s, &r, stderr))
		return -1;
	*hi_max = r.group[hi].lat->max;
	*lo_max = r.group[0].lat->max;
	*hi_drop = r.group[hi].drop;
	nsw_sim_result_free(&r);
	printf("# class-7 flow in class %d: its max latency %.1f us, class 0's %.1f us\n", hi_prio,
	       *hi_max / 1e3, *lo_max / 1e3);
	return 0;
}

NSW_TEST(class7_latency_under_class0_overload)
{
	uint64_t hi7, lo7, d7, hi0, lo0, d0;
	CHECK(!prio_run(7, &hi7, &lo7, &d7));
	CHECK(!prio_run(0, &hi0, &lo0, &d0));
	CHECK_EQ(d7, 0);
	CHECK(hi7 > 0 && lo7 > 0);
	CHECK(hi7 * 5 < lo7);   /* class 7 waits a fifth of class 0 at most */
	CHECK(hi0 * 10 > lo0 * 8); /* in class 0 it waits like the rest */
}

/* The ACL lookup's cost per frame adds to the nSwitch NIC's pipeline: at zero load tp' grows
 * by it exactly, and the pipeline saturates at 1 / (nic_frame_ns + nic_acl_ns). */
NSW_TEST(acl_cost_adds_to_the_nic_pipeline)
{
	struct nsw_sim_scenario s;
	nsw_sim_defaults(&s);
	CHECK(!nsw_sim_scn_load(&s, "sim/scenarios/fig8_nswitch_latency.scn", stderr));
	uint64_t t1, tp0, t4, tp1;
	nsw_sim_nswitch_zero_load(&s.p, 64, &t1, &tp0, &t4);
	CHECK(!nsw_sim_scn_line(&s, "nic_acl_ns 200", "test", 1, stderr));
	nsw_sim_nswitch_zero_load(&s.p, 64, &t1, &tp1, &t4);
	CHECK_EQ(tp1, tp0 + 200);
	struct nsw_sim_result r;
	CHECK(!nsw_sim_run(&s, &r, stderr));
	uint64_t mn = r.lat_all->min, mx = r.lat_all->max;
	nsw_sim_result_free(&r);
	CHECK_EQ(mn, t1 + tp1 + t4);
	CHECK_EQ(mx, t1 + tp1 + t4);
	/* 1000 ns per frame of ACLs: 1 Mframes/s at most through the NIC, whatever is offered */
	CHECK(!nsw_sim_scn_line(&s, "nic_acl_ns 996", "test", 2, stderr));
	s.flow[0].rate = 5e6;
	s.flow[0].rate_pps = true;
	s.p.duration_ns = 4000000;
	s.p.warmup_ns = 2000000;
	CHECK(!nsw_sim_run(&s, &r, stderr));
	double fps = (double)r.group[0].bytes_win / 64 / ((double)r.window_ns * 1e-9);
	nsw_sim_result_free(&r);
	printf("# ACLs at 996 ns per frame: %.3f Mframes/s through the NIC\n", fps / 1e6);
	CHECK(fps > 0.99e6 && fps < 1.001e6);
}
