/* test_sim_heap.c - pins the order in which the simulator's event queues (sim/nsw_sim_engine.h)
 * pop events of equal time. The results depend on it: frames arriving at one server in the
 * same nanosecond are served in pop order, so a queue that breaks ties differently changes
 * latencies and the committed results/sim/ figures, although every individual run stays
 * valid.
 *  - The model's queue (struct nsw_sim_evq, a calendar over an overflow heap): equal
 *    times pop in push order (FIFO), and an event pushed for a time already past runs at the
 *    current time after those queued for it. Checked event by event, on a mix like the
 *    simulator's (sources re-armed far ahead, round the calendar's span, so that ties meet
 *    between the overflow heap and the calendar; short-lived frame events; many equal times;
 *    pushes into the past), and by a digest of the popped sequence.
 *  - The rack model's 4-ary heap (struct nsw_sim_heap): its own fixed order, by a digest
 *    (the one the heap of the committed rack results gives). */
#include <stdio.h>

#include "nsw_sim.h"
#include "../unit/nsw_test.h"

#define HEAP_SOURCES 300
#define HEAP_STEPS 400000
/* a quarter of the window round the calendar's span's end where sources come back (from
 * SPAN - 2 HEAP_W to SPAN + 2 HEAP_W ahead): a constant (the bucket width the digest was first
 * pinned on), not the queue's bucket width, so that the events, and with them the digest, stay
 * the same when the buckets change: a queue with other buckets must pop the same events in the
 * same order */
#define HEAP_W 256u
_Static_assert(NSW_SIM_CAL_SPAN == 1u << 20, "the span the digest was pinned on");

NSW_TEST(rack_heap_order_of_equal_times_is_pinned)
{
	struct nsw_sim_heap h;
	struct nsw_sim_rng r;
	nsw_sim_rng_seed(&r, 11);
	CHECK(!nsw_sim_heap_init(&h, 16)); /* small: the growth path runs too */
	for (uint32_t i = 0; i < HEAP_SOURCES; i++) {
		struct nsw_sim_ev e = {.t = nsw_sim_rng_below(&r, 64), .flow = i};
		nsw_sim_heap_push(&h, &e);
	}
	uint64_t digest = 0xcbf29ce484222325ull, last = 0, uniq = HEAP_SOURCES;
	unsigned bad_order = 0, pops = 0;
	for (unsigned step = 0; step < HEAP_STEPS && h.n; step++) {
		struct nsw_sim_ev *top = &h.a[0];
		if (top->t < last)
			bad_order++;
		last = top->t;
		digest = (digest ^ top->flow) * 0x100000001b3ull;
		pops++;
		if (top->route == 0) {
			/* a source: emits a frame that lives a few ns (often 0: a tie with now) and
			 * is re-armed in place, as nsw_sim_gen does */
			struct nsw_sim_ev fr = {.t = top->t + nsw_sim_rng_below(&r, 4),
						.flow = (uint32_t)uniq++, .route = 1};
			struct nsw_sim_ev ne = *top;
			ne.t += 1 + nsw_sim_rng_below(&r, 48);
			nsw_sim_heap_sift_down(&h, ne);
			nsw_sim_heap_push(&h, &fr);
		} else {
			struct nsw_sim_ev fr;
			CHECK(nsw_sim_heap_pop(&h, &fr));
			if (nsw_sim_rng_below(&r, 3)) { /* the frame's next stage, maybe at once */
				fr.t += nsw_sim_rng_below(&r, 3);
				fr.flow = (uint32_t)uniq++;
				nsw_sim_heap_push(&h, &fr);
			}
		}
	}
	printf("# heap: %u pops, %llu events, %zu pending, digest %016llx\n", pops, (unsigned long long)uniq, h.n,
	       (unsigned long long)digest);
	nsw_sim_heap_free(&h);
	CHECK_EQ(bad_order, 0u);
	CHECK_EQ(pops, (unsigned)HEAP_STEPS);
	CHECK_EQ(digest, 0x39ffd794e3872901ull);
}

/* The model's queue. Each event carries its push number in t0; popping checks the rule. */
NSW_TEST(heap_order_of_equal_times_is_pinned)
{
	struct nsw_sim_evq q;
	struct nsw_sim_rng r;
	nsw_sim_rng_seed(&r, 11);
	CHECK(!nsw_sim_evq_init(&q, 16)); /* small: the growth paths run too */
	uint64_t pushed = 0;
	for (uint32_t i = 0; i < HEAP_SOURCES; i++) {
		struct nsw_sim_ev e = {.t = nsw_sim_rng_below(&r, 64), .flow = i, .t0 = pushed++};
		nsw_sim_evq_push(&q, &e);
	}
	uint64_t digest = 0xcbf29ce484222325ull, last_t = 0, last_push = 0, uniq = HEAP_SOURCES;
	unsigned bad_time = 0, bad_fifo = 0, pops = 0, past = 0, far = 0;
	size_t ovf_max = 0;
	struct nsw_sim_ev e;
	for (unsigned step = 0; step < HEAP_STEPS && nsw_sim_evq_pop(&q, &e); step++) {
		/* the time an event runs at: its own, or now if it was pushed into the past */
		uint64_t at = e.t > last_t ? e.t : last_t;
		if (e.t < last_t && e.aux != 1)
			bad_time++;
		far += e.aux == 2;
		if (step && at == last_t && e.t0 < last_push)
			bad_fifo++;
		last_t = at;
		last_push = e.t0;
		digest = (digest ^ e.flow) * 0x100000001b3ull;
		pops++;
		if (e.route == 0) {
			/* a source: emits a frame that lives a few ns (often 0: a tie with now) and
			 * is re-armed, a quarter of the times round the calendar's span */
			struct nsw_sim_ev fr = {.t = e.t + nsw_sim_rng_below(&r, 4),
						.flow = (uint32_t)uniq++, .route = 1};
			struct nsw_sim_ev ne = e;
			ne.t += 1 + nsw_sim_rng_below(&r, 48);
			ne.aux = 0;
			if (!nsw_sim_rng_below(&r, 4)) { /* round the span's end: heap or calendar */
				ne.t += NSW_SIM_CAL_SPAN - 2 * HEAP_W +
					nsw_sim_rng_below(&r, 4 * HEAP_W);
				ne.aux = 2;
			}
			ne.t0 = pushed++;
			nsw_sim_evq_push(&q, &ne);
			if (q.on > ovf_max)
				ovf_max = q.on;
			fr.t0 = pushed++;
			nsw_sim_evq_push(&q, &fr);
		} else if (nsw_sim_rng_below(&r, 3)) { /* the frame's next stage, maybe at once */
			e.t = at + nsw_sim_rng_below(&r, 3);
			e.flow = (uint32_t)uniq++;
			e.aux = 0;
			if (!nsw_sim_rng_below(&r, 50) && e.t > 3) { /* into the past: runs now */
				e.t -= 3;
				e.aux = 1;
				past++;
			}
			e.t0 = pushed++;
			nsw_sim_evq_push(&q, &e);
		}
	}
	printf("# event queue: %u pops, %llu events, %zu pending, %u pushed into the past, "
	       "%u far ones popped, up to %llu ns, digest %016llx\n",
	       pops, (unsigned long long)uniq, (size_t)nsw_sim_evq_len(&q), past, far,
	       (unsigned long long)last_t,
	       (unsigned long long)digest);
	nsw_sim_evq_free(&q);
	CHECK_EQ(bad_time, 0u);
	CHECK_EQ(bad_fifo, 0u);
	CHECK_EQ(pops, (unsigned)HEAP_STEPS);
	CHECK(past > 1000);
	CHECK(far > 1000);  /* sources came back from round the span's end */
	CHECK(ovf_max > 0); /* some of them through the overflow heap */
	CHECK_EQ(digest, 0xc6ed62619d9407c5ull);
}
