/* test_sim_backpressure.c - nswitch-sim under overload: a frame the NIC cannot take waits in its
 * VM's TX ring or is refused there, so it never spends PCIe bandwidth on a crossing it will not
 * finish, and delivered throughput does not fall when the offered load rises past capacity.
 * Capacity is the model's own PCIe arithmetic (nsw_sim_pcie_bytes), so these tests hold
 * whatever the PCIe parameters are. One line per test. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsw_sim.h"
#include "nsw_sim_test.h"
#include "../unit/nsw_test.h"

/* Frames per second that 8 nSwitch VM pairs can move at most: each frame crosses the link once
 * each way (TX, then RX), so each direction carries the TX part of one and the RX part of the
 * other. */
static double bp_capacity_fps(const struct nsw_sim_params *p, unsigned len)
{
	double th, td, rd, rh, rate = nsw_sim_pcie_tlp_rate(p);
	nsw_sim_pcie_bytes(p, len, &th, &td, &rd, &rh);
	double h2d = th + rh, d2h = td + rd, worst = h2d > d2h ? h2d : d2h;
	return rate / worst * 1e9;
}

/* The warm-up covers the start, when the empty NIC takes a burst of frames whose bus work
 * falls before the window: after it the window sees the steady state. */
static const char *pairs64 = "arch nswitch\npfs 1\nvfs 16\nvms 16\nport_gbps 100\n"
			     "duration 4ms\nwarmup 2ms\nseed 3\n"
			     "flow pairs src=all dst=pair rate=1Gbps process=poisson size=64\n";

struct bp_point {
	double fps;         /* delivered frames/s inside the window */
	uint64_t late_drop; /* frames dropped after they had started to cross PCIe */
	uint64_t entry_drop;
};

static int bp_run(double load, struct bp_point *pt)
{
	struct nsw_sim_scenario s;
	if (nsw_sim_test_load(&s, pairs64))
		return -1;
	double cap = bp_capacity_fps(&s.p, 64);
	/* 16 sources share the load; a rate in bits/s of 64-byte frames */
	s.flow[0].rate = load * cap / 16 * 64 * 8;
	struct nsw_sim_result r;
	if (nsw_sim_run(&s, &r, stderr))
		return -1;
	pt->fps = (double)r.group[0].bytes_win / 64 / ((double)r.window_ns * 1e-9);
	pt->entry_drop = r.drops[NSW_SIM_DROP_TX_RING];
	pt->late_drop = r.drop - pt->entry_drop;
	printf("# load %.1fx: %.3f Mframes/s delivered of %.3f capacity (%.2f%%), %llu refused at "
	       "the TX ring, %llu dropped later\n",
	       load, pt->fps / 1e6, cap / 1e6, 100 * pt->fps / cap,
	       (unsigned long long)pt->entry_drop, (unsigned long long)pt->late_drop);
	pt->fps /= cap;
	nsw_sim_result_free(&r);
	return 0;
}

/* 64-byte frames offered at 1x, 2x and 10x the PCIe capacity: at least 98% of capacity gets
 * through at 2x and 10x, never less than at 1x, and every frame that is not delivered was
 * refused where it entered. */
NSW_TEST(overload_delivers_capacity_no_collapse)
{
	struct bp_point p1, p2, p10;
	CHECK(!bp_run(1.0, &p1));
	CHECK(!bp_run(2.0, &p2));
	CHECK(!bp_run(10.0, &p10));
	CHECK(p2.fps >= 0.98);
	CHECK(p10.fps >= 0.98);
	CHECK(p2.fps >= p1.fps - 0.005);
	CHECK(p10.fps >= p2.fps - 0.005);
	CHECK(p10.fps <= 1.0 + 1e-3); /* and never above what the link can carry */
	CHECK_EQ(p2.late_drop, 0);
	CHECK_EQ(p10.late_drop, 0);
	CHECK(p10.entry_drop > 0);
}

/* Delivered throughput is monotone in the offered load, over a sweep across the knee. */
NSW_TEST(throughput_monotone_in_offered_load)
{
	static const double loads[] = {0.5, 0.9, 1.1, 1.5, 3.0, 6.0};
	double prev = 0;
	for (unsigned i = 0; i < sizeof loads / sizeof loads[0]; i++) {
		struct bp_point pt;
		CHECK(!bp_run(loads[i], &pt));
		CHECK(pt.fps >= prev - 0.005);
		prev = pt.fps;
	}
}

/* Fig. 7's 802.1Qbh port overloaded by the external flow: the hairpinned VM-VM frames come
 * back from the wire into the NIC's RX buffer, which the frames queued to go out (TX buffer)
 * must never fill: the VM-VM flow keeps a fair share of the port instead of starving. */
NSW_TEST(qbh_hairpin_not_starved_by_tx_backlog)
{
	struct nsw_sim_scenario s;
	CHECK(!nsw_sim_test_load(&s, "arch qbh\npfs 1\nvfs 3\nvms 3\nport_gbps 1\nduration 100ms\n"
			   "warmup 20ms\nseed 7\n"
			   "flow vmvm src=vm2 dst=vm0 rate=600Mbps process=poisson size=1518\n"
			   "flow out src=vm1 dst=ext rate=1000Mbps process=poisson size=1518\n"));
	struct nsw_sim_result r;
	CHECK(!nsw_sim_run(&s, &r, stderr));
	double vmvm = (double)r.group[0].bytes_win * 8e3 / (double)r.window_ns; /* Mb/s */
	double out = (double)r.group[1].bytes_win * 8e3 / (double)r.window_ns;
	uint64_t nicbuf = r.drops[NSW_SIM_DROP_NIC_BUF];
	nsw_sim_result_free(&r);
	printf("# Qbh 1 GbE overloaded: VM-VM %.0f Mb/s, external %.0f Mb/s, %llu nic_buffer_full\n",
	       vmvm, out, (unsigned long long)nicbuf);
	CHECK(vmvm > 300);
	CHECK(vmvm + out > 950);
	CHECK_EQ(nicbuf, 0);
}
