/* test_sim_busy.c - a FIFO server's busy time inside the measuring window (struct nsw_sim_res,
 * sim/nsw_sim_engine.h), which gives every utilization the simulator reports. The server
 * clips to the window only the services that end past an edge of it and counts the others
 * whole or not at all; this checks, against clipping every service, that the sums are equal
 * to the unit: on random servers (served frames and charged work mixed, idle gaps and
 * backlogs, zero-length services), with windows that begin at 0, end never, begin and end
 * inside a service, fall between services, are empty, or lie before or after all the work.
 * Tests only. */
#include <stdio.h>

#include "nsw_sim.h"
#include "../unit/nsw_test.h"

#define BUSY_SERVERS 400
#define BUSY_SERVICES 3000

/* The part of [start, fin] inside [lo, hi]. */
static uint64_t busy_clip(uint64_t start, uint64_t fin, uint64_t lo, uint64_t hi)
{
	uint64_t a = start > lo ? start : lo, b = fin < hi ? fin : hi;
	return b > a ? b - a : 0;
}

/* A window edge for a run that spans about `span` ns: often on a whole ns (where services of
 * whole-ns lengths start and end), sometimes 0, past the end, or anywhere. */
static uint64_t busy_edge(struct nsw_sim_rng *r, uint64_t span)
{
	switch (nsw_sim_rng_below(r, 6)) {
	case 0:
		return 0;
	case 1:
		return nsw_sim_fx(span + 1000);
	case 2:
		return nsw_sim_rng_u64(r) % nsw_sim_fx(span);
	default:
		return nsw_sim_fx(nsw_sim_rng_below(r, (uint32_t)span));
	}
}

NSW_TEST(res_busy_in_window_equals_clipping_every_service)
{
	struct nsw_sim_rng r;
	nsw_sim_rng_seed(&r, 5);
	unsigned inside = 0, cut = 0;
	for (unsigned k = 0; k < BUSY_SERVERS; k++) {
		struct nsw_sim_res q;
		CHECK(!nsw_sim_res_init(&q, "busy", 0));
		/* load from light to overloaded: mean service over mean gap 0.1 .. 2 */
		uint64_t gap = 1 + nsw_sim_rng_below(&r, 400), svc = 1 + nsw_sim_rng_below(&r, 800);
		uint64_t span = BUSY_SERVICES * (gap > svc ? gap : svc);
		uint64_t lo = busy_edge(&r, span), hi = busy_edge(&r, span);
		if (nsw_sim_rng_below(&r, 8) == 0)
			hi = UINT64_MAX; /* the default: no end */
		if (nsw_sim_rng_below(&r, 4) && lo > hi) { /* mostly lo <= hi; sometimes empty */
			uint64_t x = lo;
			lo = hi;
			hi = x;
		}
		q.win_lo = lo;
		q.win_hi = hi;
		uint64_t t = 0, want = 0;
		for (unsigned i = 0; i < BUSY_SERVICES; i++) {
			t += nsw_sim_rng_below(&r, (uint32_t)(2 * gap));
			/* fixed point: whole ns, a fraction of a ns, or nothing at all */
			uint64_t fx = nsw_sim_rng_below(&r, 10) == 0
					      ? 0
					      : nsw_sim_rng_below(&r, (uint32_t)nsw_sim_fx(2 * svc));
			uint64_t arr = nsw_sim_fx(t);
			uint64_t start = arr > q.free_fx ? arr : q.free_fx;
			if (nsw_sim_rng_below(&r, 3) == 0) {
				nsw_sim_res_charge(&q, t, fx);
			} else {
				uint64_t fin = nsw_sim_res_serve(&q, t, fx);
				CHECK_EQ(fin, nsw_sim_fx_ceil(start + fx));
			}
			uint64_t c = busy_clip(start, start + fx, lo, hi);
			want += c;
			if (c && c < fx)
				cut++;
			else if (c)
				inside++;
		}
		if (q.busy_fx != want) {
			printf("# server %u: window [%llu, %llu] fx, busy %llu fx, clipped %llu\n", k,
			       (unsigned long long)lo, (unsigned long long)hi,
			       (unsigned long long)q.busy_fx, (unsigned long long)want);
			CHECK_EQ(q.busy_fx, want);
		}
		nsw_sim_res_free(&q);
	}
	printf("# %u servers: %u services counted whole, %u cut by an edge of the window\n",
	       BUSY_SERVERS, inside, cut);
	/* the mix did cover both cases: services wholly inside, and services cut by an edge */
	CHECK(inside > 100000);
	CHECK(cut > 100);
}
