/* test_sim_cpu_exits.c - nswitch-sim's host CPU per interrupt in its parts: the VM exits an
 * interrupt costs (vm_exit_ns x irq_exits), its injection and handler (irq_ns), and the NAPI
 * polls that take its frames (napi_poll_ns per napi_budget frames), under interrupt
 * moderation. Each part is counted and priced on its own, and the parts add up to the
 * interrupts' CPU. One line per test. */
#include <math.h>
#include <stdio.h>

#include "nsw_sim.h"
#include "nsw_sim_test.h"
#include "../unit/nsw_test.h"

struct ex_run {
	uint64_t irqs, exits, polls, out;
	double io, exit, napi, win, frames;
	struct nsw_sim_params p;
};

static int ex_run(const char *extra, struct ex_run *x)
{
	struct nsw_sim_scenario s;
	char text[1024];
	snprintf(text, sizeof text,
		 "arch nswitch\nvms 2\ncpus 4\nport_gbps 100\nduration 4ms\nwarmup 1ms\n%s\n"
		 "flow f src=vm0 dst=vm1 rate=5Mpps size=128\n",
		 extra);
	if (nsw_sim_test_load(&s, text))
		return -1;
	struct nsw_sim_result r;
	if (nsw_sim_run(&s, &r, stderr))
		return -1;
	x->irqs = r.irqs;
	x->exits = r.exits;
	x->polls = r.polls;
	x->out = r.out;
	x->io = r.io_cpu_util;
	x->exit = r.exit_cpu_util;
	x->napi = r.napi_cpu_util;
	x->win = (double)r.window_ns;
	x->frames = (double)r.group[0].bytes_win / 128;
	x->p = s.p;
	nsw_sim_result_free(&r);
	return 0;
}

/* 128 frames per interrupt (a long timer), NAPI's budget 64: three polls per interrupt (64,
 * then 64 and the 3 or 4 frames that came in the 700 ns poll, then those 3 or 4, which ends
 * polling: a full poll is repolled); two exits per interrupt (the interrupt's and the
 * EOI's). Each part is its count times its cost, and the whole is drivers + handler + exits
 * + polls. */
NSW_TEST(exits_and_napi_polls_are_separate_costs)
{
	struct ex_run x;
	CHECK(!ex_run("irq_frames 128\nirq_timer_ns 1000000\nnapi_budget 64\nirq_exits 2\n"
		      "vm_exit_ns 1500\nnapi_poll_ns 700\nirq_ns 300", &x));
	double cpu = x.win * x.p.cpus;
	printf("# 5 Mpps, 128 frames per interrupt: %llu interrupts, %llu exits (%.3f%%), %llu "
	       "polls (%.3f%%), host CPU %.3f%%\n",
	       (unsigned long long)x.irqs, (unsigned long long)x.exits, 100 * x.exit,
	       (unsigned long long)x.polls, 100 * x.napi, 100 * x.io);
	CHECK(x.irqs > 50);
	CHECK_EQ(x.exits, 2 * x.irqs);
	CHECK(x.polls >= 3 * x.irqs - 3 && x.polls <= 3 * x.irqs + 3);
	CHECK(fabs(x.exit - 1500.0 * (double)x.exits / cpu) < 1e-12);
	CHECK(fabs(x.napi - 700.0 * (double)x.polls / cpu) < 1e-12);
	double want = ((x.p.drv_tx_ns + x.p.drv_rx_ns) * x.frames + 300.0 * (double)x.irqs) / cpu +
		      x.exit + x.napi;
	CHECK(fabs(x.io - want) / want < 0.01);
}

/* Posted interrupts (no exit per interrupt) save exactly the exits' CPU: the same run, the
 * same interrupts, vm_exit_ns x interrupts less. */
NSW_TEST(posted_interrupts_save_the_exits)
{
	struct ex_run a, b;
	CHECK(!ex_run("irq_exits 1", &a));
	CHECK(!ex_run("irq_exits 0", &b));
	double cpu = a.win * a.p.cpus;
	printf("# 5 Mpps: host CPU %.3f%% with an exit per interrupt, %.3f%% without\n",
	       100 * a.io, 100 * b.io);
	CHECK_EQ(a.irqs, b.irqs);
	CHECK_EQ(b.exits, 0);
	CHECK(b.exit == 0);
	CHECK(fabs((a.io - b.io) - a.p.vm_exit_ns * (double)a.irqs / cpu) < 1e-9);
}

/* Moderation trades latency for CPU: an interrupt per frame costs an exit and a poll per
 * frame; 32 frames per interrupt cost 1/32 of that, and every frame waits for the 32nd. */
NSW_TEST(moderation_divides_exits_and_polls)
{
	struct ex_run one, many;
	CHECK(!ex_run("irq_frames 1", &one));
	CHECK(!ex_run("irq_frames 32\nirq_timer_ns 1000000", &many));
	printf("# 5 Mpps: per frame %.3f exits, %.3f polls unmoderated; %.4f, %.4f at 32 frames\n",
	       (double)one.exits / one.frames, (double)one.polls / one.frames,
	       (double)many.exits / many.frames, (double)many.polls / many.frames);
	CHECK(fabs((double)one.exits / one.frames - 1) < 0.01);
	CHECK(fabs((double)one.polls / one.frames - 1) < 0.01);
	CHECK(fabs((double)many.exits / many.frames * 32 - 1) < 0.02);
	CHECK(fabs((double)many.polls / many.frames * 32 - 1) < 0.02);
	CHECK(many.exit < one.exit / 30);
}
