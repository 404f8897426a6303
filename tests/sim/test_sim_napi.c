/* test_sim_napi.c - nswitch-sim's NAPI: an interrupt starts polling, a poll takes at most
 * napi_budget frames, one that used its whole budget is polled again napi_poll_ns later
 * without an interrupt (taking what arrived meanwhile), and interrupts come back only when a
 * poll finds the ring emptied. The tests pin the polls per interrupt and the interrupts a
 * saturated VM gets to what that rule computes. One line per test. */
#include <math.h>
#include <stdio.h>

#include "nsw_sim.h"
#include "nsw_sim_test.h"
#include "../unit/nsw_test.h"

struct napi_run {
	uint64_t irqs, polls;
	double frames, win;
};

/* One VM sends 128-byte frames to another at a constant 5 Mpps (one every 200 ns). */
static int napi_run(const char *extra, struct napi_run *x)
{
	struct nsw_sim_scenario s;
	char text[1024];
	snprintf(text, sizeof text,
		 "arch nswitch\nvms 2\nport_gbps 100\nduration 4ms\nwarmup 1ms\nnapi_budget 64\n"
		 "%s\nflow f src=vm0 dst=vm1 rate=5Mpps size=128\n",
		 extra);
	if (nsw_sim_test_load(&s, text))
		return -1;
	struct nsw_sim_result r;
	if (nsw_sim_run(&s, &r, stderr))
		return -1;
	x->irqs = r.irqs;
	x->polls = r.polls;
	x->frames = (double)r.group[0].bytes_win / 128;
	x->win = (double)r.window_ns;
	nsw_sim_result_free(&r);
	return 0;
}

/* 256 frames per interrupt, budget 64, 100 ns polls: polls at t, t+100, t+200, t+300 each
 * take 64 (the 2 frames that arrive in those 400 ns wait), the fifth takes those 2 and ends
 * polling: 5 polls per interrupt, where one poll per 64 frames would be 4. */
NSW_TEST(saturated_poll_repolls_budget_sized)
{
	struct napi_run x;
	CHECK(!napi_run("irq_frames 256\nirq_timer_ns 1000000\nnapi_poll_ns 100", &x));
	printf("# 5 Mpps, 256 frames per interrupt: %llu interrupts, %llu polls (%.3f per "
	       "interrupt), %.1f frames per interrupt\n",
	       (unsigned long long)x.irqs, (unsigned long long)x.polls,
	       (double)x.polls / (double)x.irqs, x.frames / (double)x.irqs);
	CHECK(x.irqs > 40);
	CHECK(x.polls + 5 >= 5 * x.irqs && x.polls <= 5 * x.irqs + 5);
	/* an interrupt per 258 frames: its 256 and the 2 that came while it polled */
	CHECK(fabs(x.frames / (double)x.irqs / 258 - 1) < 0.02);
}

/* An interrupt per 32 frames and a budget of 16: the first poll is full. With polls of 20 us
 * at 5 Mpps, 100 frames arrive per poll, more than its budget, so every poll is full and
 * polling never stops: no interrupt at all after the first (before the window), one poll per
 * 20 us. With a budget of 64 and 500 ns polls the ring empties every time: an interrupt per 32
 * frames, one poll each. */
NSW_TEST(interrupts_stay_off_while_polls_are_full)
{
	struct napi_run busy, idle;
	CHECK(!napi_run("irq_frames 32\nnapi_budget 16\nnapi_poll_ns 20000", &busy));
	CHECK(!napi_run("irq_frames 32\nnapi_poll_ns 500", &idle));
	printf("# 5 Mpps: 20 us polls: %llu interrupts, %llu polls in %.0f us; 500 ns polls: "
	       "%llu interrupts, %llu polls\n",
	       (unsigned long long)busy.irqs, (unsigned long long)busy.polls, busy.win / 1e3,
	       (unsigned long long)idle.irqs, (unsigned long long)idle.polls);
	CHECK_EQ(busy.irqs, 0);
	CHECK(fabs((double)busy.polls - busy.win / 20000) <= 1);
	CHECK(fabs((double)idle.irqs * 32 / idle.frames - 1) < 0.01);
	CHECK_EQ(idle.polls, idle.irqs);
}
