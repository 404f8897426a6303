/* test_sim_heap.c - pins the order in which the event heap (sim/nsw_sim_engine.h) pops events
 * of equal time. The simulator's results depend on it: frames arriving at one server in the
 * same nanosecond are served in pop order, so a heap that breaks ties differently (by push
 * order, say) changes latencies and the committed results/sim/ figures, although every
 * individual run stays valid. A faster heap must therefore give exactly this order; this
 * test checks it on a mix like the simulator's (sources re-armed at the root, short-lived
 * frame events, many equal times) by a digest of the popped sequence. The digest is the one
 * the heap of the committed results gives; it changes only if the order does. */
#include <stdio.h>

#include "nsw_sim.h"
#include "../unit/nsw_test.h"

#define HEAP_SOURCES 300
#define HEAP_STEPS 400000

NSW_TEST(heap_order_of_equal_times_is_pinned)
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
