/* test_sim_kick.c - nswitch-sim's transmit side: a VM's driver notifies the device once per
 * `batch` frames, each kick costing kick_exits VM exits for a paravirtual vSwitch guest and
 * vf_kick_exits for an SR-IOV VF's doorbell; a vSwitch guest's kick is also suppressed while
 * its backend is busy (EVENT_IDX). The tests pin the kick count to frames / batch, to frames x
 * (1 - utilization) under Poisson arrivals (which see the backend as time does), and the exits'
 * CPU to its count times vm_exit_ns. One line per test. */
#include <math.h>
#include <stdio.h>

#include "nsw_sim.h"
#include "nsw_sim_test.h"
#include "../unit/nsw_test.h"

struct kick_run {
	uint64_t kicks, exits, irqs;
	double frames, exit, cpu;
};

static int kick_run_at(const char *arch, const char *extra, const char *rate,
		       struct kick_run *x)
{
	struct nsw_sim_scenario s;
	char text[1024];
	snprintf(text, sizeof text,
		 "arch %s\nvms 2\ncpus 4\nport_gbps 100\nduration 4ms\nwarmup 1ms\n%s\n"
		 "flow f src=vm0 dst=vm1 rate=%s size=128\n",
		 arch, extra, rate);
	if (nsw_sim_test_load(&s, text))
		return -1;
	struct nsw_sim_result r;
	if (nsw_sim_run(&s, &r, stderr))
		return -1;
	x->kicks = r.kicks;
	x->exits = r.exits;
	x->irqs = r.irqs;
	x->frames = (double)r.group[0].gen_bytes_win / 128; /* sent inside the window */
	x->exit = r.exit_cpu_util;
	x->cpu = (double)r.window_ns * s.p.cpus;
	nsw_sim_result_free(&r);
	return 0;
}

static int kick_run(const char *arch, const char *extra, struct kick_run *x)
{
	return kick_run_at(arch, extra, "1Mpps", x);
}

/* A vSwitch guest sending 3000 frames in the window with batch 4 kicks 750 times (one frame
 * of slack at each end of the window), each kick 2 exits here; with batch 1 once per frame. */
NSW_TEST(virtio_kicks_once_per_batch)
{
	struct kick_run a, b;
	CHECK(!kick_run("vswitch", "batch 4\nkick_exits 2\nvm_exit_ns 1200", &a));
	CHECK(!kick_run("vswitch", "batch 1\nkick_exits 2\nvm_exit_ns 1200", &b));
	printf("# vSwitch guest, %.0f frames: %llu kicks at batch 4, %llu at batch 1\n", a.frames,
	       (unsigned long long)a.kicks, (unsigned long long)b.kicks);
	CHECK(fabs((double)a.kicks * 4 - a.frames) <= 4);
	CHECK(fabs((double)b.kicks - b.frames) <= 1);
	/* every exit is an interrupt's or a kick's, and priced at vm_exit_ns */
	CHECK_EQ(a.exits, 2 * a.kicks + a.irqs);
	CHECK(fabs(a.exit - 1200.0 * (double)a.exits / a.cpu) < 1e-12);
	/* three kicks in four saved: 3/4 x frames x 2 exits x 1200 ns of CPU less */
	double saved = (double)(b.kicks - a.kicks) * 2 * 1200 / a.cpu;
	CHECK(fabs((b.exit - a.exit) - saved) < 1e-12);
	CHECK(fabs(saved / (0.75 * a.frames * 2 * 1200 / a.cpu) - 1) < 0.01);
}

/* An SR-IOV VF's doorbell: kicks per batch as well, but no exit by default (the doorbell
 * page is the guest's); vf_kick_exits prices a trapped one. */
NSW_TEST(vf_doorbell_kicks_without_exits)
{
	struct kick_run a, b;
	CHECK(!kick_run("nswitch", "batch 8", &a));
	CHECK(!kick_run("nswitch", "batch 8\nvf_kick_exits 1", &b));
	printf("# nSwitch VF, %.0f frames at batch 8: %llu doorbells, exits %llu (trapped: %llu)\n",
	       a.frames, (unsigned long long)a.kicks, (unsigned long long)a.exits,
	       (unsigned long long)b.exits);
	CHECK(fabs((double)a.kicks * 8 - a.frames) <= 8);
	CHECK_EQ(a.exits, a.irqs); /* irq_exits 1, the doorbells none */
	CHECK_EQ(b.kicks, a.kicks);
	CHECK_EQ(b.exits, b.irqs + b.kicks);
}

/* EVENT_IDX: a vSwitch guest kicks only when the switching thread is idle. Poisson frames
 * see it idle with probability 1 - rho (PASTA): at rho = 0.5 (128-byte frames, 337.7 ns of
 * service each, 1.4807 Mpps) half of them kick; offered above the thread's capacity, almost
 * none does (the thread never empties its ring). */
NSW_TEST(virtio_kicks_suppressed_while_backend_busy)
{
	struct kick_run half, over;
	double svc = 247.5 + 0.7045 * 128; /* the defaults' vsw_frame_ns + vsw_byte_ns x len */
	char rate[64];
	snprintf(rate, sizeof rate, "%.6gMpps process=poisson", 0.5 / svc * 1e3);
	CHECK(!kick_run_at("vswitch", "seed 7", rate, &half));
	CHECK(!kick_run_at("vswitch", "seed 7", "6Mpps process=poisson", &over));
	printf("# vSwitch guest, Poisson: %.4f kicks per frame at rho 0.5, %.4f at 2x its "
	       "capacity\n", (double)half.kicks / half.frames, (double)over.kicks / over.frames);
	CHECK(fabs((double)half.kicks / half.frames - 0.5) < 0.03);
	CHECK((double)over.kicks / over.frames < 0.01);
}
