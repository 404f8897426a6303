/* test_sim_cpu.c - nswitch-sim's host CPU model, on every path: the VMs' drivers per frame,
 * moderated interrupts (a frame count and a timer, with the timer's latency), and the vSwitch's
 * switching cost; nSwitch's host CPU is computed from them, not zero by construction. The
 * vSwitch's predicted maximum follows from parameters measured by the datapath benchmark, not
 * from the paper's figures. One line per test. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsw_sim.h"
#include "nsw_sim_test.h"
#include "../unit/nsw_test.h"

/* nSwitch between two VMs at 1 Mframes/s: the host CPU is the sender's driver, the
 * receiver's driver and the receiver's interrupts, frame by frame: (drv_tx + drv_rx) x frames
 * + irq_ns x interrupts + vm_exit_ns x exits + napi_poll_ns x polls, over the window and the
 * CPUs. */
NSW_TEST(nswitch_host_cpu_is_computed)
{
	struct nsw_sim_scenario s;
	CHECK(!nsw_sim_test_load(&s, "arch nswitch\nvms 2\ncpus 4\nduration 20ms\nwarmup 2ms\n"
			    "flow f src=vm0 dst=vm1 rate=1Mpps size=512\n"));
	struct nsw_sim_result r;
	CHECK(!nsw_sim_run(&s, &r, stderr));
	double frames = (double)r.group[0].bytes_win / 512, win = (double)r.window_ns;
	double want = ((s.p.drv_tx_ns + s.p.drv_rx_ns) * frames + s.p.irq_ns * (double)r.irqs +
		       s.p.vm_exit_ns * (double)r.exits + s.p.napi_poll_ns * (double)r.polls) /
		      (win * s.p.cpus);
	double got = r.io_cpu_util, cpu = r.cpu_util, vsw = r.vsw_cpu_util;
	uint64_t irqs = r.irqs;
	nsw_sim_result_free(&r);
	printf("# nSwitch 1 Mpps of 512 B: host CPU %.3f%% (want %.3f%%), %llu interrupts for "
	       "%.0f frames\n",
	       100 * got, 100 * want, (unsigned long long)irqs, frames);
	CHECK(got > 0);
	CHECK(fabs(got - want) / want < 0.01);
	CHECK(cpu == got && vsw == 0);
	/* a frame every 1 us, a 20 us timer, 32 frames: the timer fires first, ~20 frames each */
	CHECK(irqs > frames / 22 && irqs < frames / 18);
}

/* At zero load every frame waits for the moderation timer: latency = t1' + tp' + t4' + timer,
 * exactly, and one interrupt per frame. */
NSW_TEST(irq_timer_delays_frames_at_zero_load)
{
	struct nsw_sim_scenario s;
	CHECK(!nsw_sim_test_load(&s, "arch nswitch\nvms 2\nduration 50ms\nirq_frames 32\n"
			    "irq_timer_ns 20000\nflow z src=vm0 dst=vm1 rate=10kpps size=64\n"));
	uint64_t t1, tp, t4;
	nsw_sim_nswitch_zero_load(&s.p, 64, &t1, &tp, &t4);
	struct nsw_sim_result r;
	CHECK(!nsw_sim_run(&s, &r, stderr));
	uint64_t n = r.lat_all->n, mn = r.lat_all->min, mx = r.lat_all->max, irqs = r.irqs;
	double ph = r.phase_mean[NSW_SIM_PH_IRQ];
	nsw_sim_result_free(&r);
	CHECK_EQ(n, 500);
	CHECK_EQ(mn, t1 + tp + t4 + 20000);
	CHECK_EQ(mx, t1 + tp + t4 + 20000);
	CHECK(ph == 20000.0);
	CHECK_EQ(irqs, 500);
}

/* Under load the frame count fires first: 10 Mframes/s with a 100 us timer and 32 frames per
 * interrupt gives one interrupt per 32 frames, and no frame waits longer than 32 gaps. */
NSW_TEST(irq_count_fires_under_load)
{
	struct nsw_sim_scenario s;
	CHECK(!nsw_sim_test_load(&s, "arch nswitch\nvms 2\nduration 2ms\nirq_frames 32\n"
			    "irq_timer_ns 100000\nflow z src=vm0 dst=vm1 rate=10Mpps size=64\n"));
	struct nsw_sim_result r;
	CHECK(!nsw_sim_run(&s, &r, stderr));
	uint64_t out = r.out, irqs = r.irqs, drop = r.drop;
	double wait = r.phase_mean[NSW_SIM_PH_IRQ];
	nsw_sim_result_free(&r);
	printf("# 10 Mpps: %llu frames, %llu interrupts, mean wait for the interrupt %.1f ns\n",
	       (unsigned long long)out, (unsigned long long)irqs, wait);
	CHECK_EQ(drop, 0);
	CHECK(irqs >= out / 32 - 2 && irqs <= out / 32 + 2);
	CHECK(wait > 0 && wait <= 32 * 100.0);
}

/* The vSwitch's predicted maximum comes from the measured parameters alone: one FIFO server of
 * vsw_frame_ns + vsw_byte_ns x len saturates at len / service, whatever the paper says. And on
 * the same traffic the vSwitch host spends more CPU than nSwitch's, both computed. */
NSW_TEST(vswitch_prediction_from_measured_costs)
{
	struct nsw_sim_scenario s;
	CHECK(!nsw_sim_test_load(&s, "arch vswitch\nvms 2\nduration 20ms\nwarmup 5ms\n"
			    "flow io src=vm1 dst=vm0 rate=20GBps process=poisson size=1514\n"));
	double svc = s.p.vsw_frame_ns + s.p.vsw_byte_ns * 1514, want = 1514 / svc * 1e3; /* MB/s */
	struct nsw_sim_result r;
	CHECK(!nsw_sim_run(&s, &r, stderr));
	double mbs = (double)r.group[0].bytes_win / (double)r.window_ns * 1e3;
	nsw_sim_result_free(&r);
	printf("# vSwitch (measured bridge) maximum %.1f MB/s, M/D/1 saturation %.1f MB/s\n", mbs,
	       want);
	CHECK(fabs(mbs - want) / want < 0.01);
	s.flow[0].rate = 80e6 * 8; /* 80 MB/s through each */
	CHECK(!nsw_sim_run(&s, &r, stderr));
	double cpu_vsw = r.cpu_util;
	nsw_sim_result_free(&r);
	s.p.arch = NSW_SIM_NSWITCH;
	CHECK(!nsw_sim_run(&s, &r, stderr));
	double cpu_nsw = r.cpu_util;
	nsw_sim_result_free(&r);
	printf("# 80 MB/s: host CPU vSwitch %.3f%%, nSwitch %.3f%%\n", 100 * cpu_vsw, 100 * cpu_nsw);
	CHECK(cpu_nsw > 0);
	CHECK(cpu_vsw > cpu_nsw);
}

/* With several vSwitch threads, frames reach a VM out of order (a 64-byte frame on one thread
 * passes a 1518-byte one on the other); a VM's interrupt must still never report a frame before
 * it has arrived: no 1518-byte frame seen sooner than its own path's minimum (the switch's
 * service of 1518 bytes plus its notification latency). */
NSW_TEST(irq_never_reports_a_frame_before_it_arrives)
{
	struct nsw_sim_scenario s;
	CHECK(!nsw_sim_test_load(&s, "arch vswitch\npfs 1\nvfs 4\nvms 3\nvsw_threads 2\nirq_frames 2\n"
			    "duration 5ms\n"
			    "flow big src=vm1 dst=vm0 rate=4Gbps process=poisson size=1518\n"
			    "flow small src=vm2 dst=vm0 rate=1Gbps process=poisson size=64\n"));
	struct nsw_sim_result r;
	CHECK(!nsw_sim_run(&s, &r, stderr));
	uint64_t mn = r.group[0].lat->min, n = r.group[0].lat->n;
	nsw_sim_result_free(&r);
	uint64_t floor_ns = (uint64_t)ceil(s.p.vsw_frame_ns + s.p.vsw_byte_ns * 1518) +
			    (uint64_t)s.p.vsw_lat_ns;
	printf("# 2 vSwitch threads: %llu 1518-byte frames, shortest latency %llu ns (their path "
	       "minimum %llu)\n",
	       (unsigned long long)n, (unsigned long long)mn, (unsigned long long)floor_ns);
	CHECK(n > 1000);
	CHECK(mn >= floor_ns);
}
