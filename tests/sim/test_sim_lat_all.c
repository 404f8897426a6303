/* test_sim_lat_all.c - the latency of all flows together (the ALL row) is the flows' latencies
 * together: nsw_sim_run keeps per frame only each group's histogram and the sum of all, and
 * folds the rest (count, buckets, extremes) from the groups at the end. Checked on
 * sim/scenarios/prio_class7.scn, where a class-7 flow waits far less than six class-0 ones,
 * so the extremes come from different groups. One line per test. */
#include <stdlib.h>
#include <string.h>

#include "nsw_sim.h"
#include "../unit/nsw_test.h"

NSW_TEST(lat_all_is_every_group_together)
{
	struct nsw_sim_scenario s;
	nsw_sim_defaults(&s);
	CHECK(!nsw_sim_scn_load(&s, "sim/scenarios/prio_class7.scn", stderr));
	struct nsw_sim_result r;
	CHECK(!nsw_sim_run(&s, &r, stderr));
	struct nsw_sim_hist *u = calloc(1, sizeof *u);
	CHECK(u != NULL);
	unsigned groups = 0, min_g = 0, max_g = 0;
	for (unsigned g = 0; g < r.ngroups; g++) {
		const struct nsw_sim_hist *h = r.group[g].lat;
		if (!h->n)
			continue;
		if (!groups || h->min < u->min) {
			u->min = h->min;
			min_g = g;
		}
		if (h->max > u->max) {
			u->max = h->max;
			max_g = g;
		}
		groups++;
		u->n += h->n;
		u->sum += h->sum; /* whole ns, far below 2^53: exact in any order */
		for (unsigned i = 0; i < NSW_SIM_HBUCKETS; i++)
			u->b[i] += h->b[i];
	}
	CHECK(groups >= 2 && min_g != max_g);
	CHECK_EQ(r.lat_all->n, u->n);
	CHECK_EQ(r.lat_all->min, u->min);
	CHECK_EQ(r.lat_all->max, u->max);
	CHECK(r.lat_all->sum == u->sum);
	CHECK(!memcmp(r.lat_all->b, u->b, sizeof u->b));
	free(u);
	nsw_sim_result_free(&r);
}
