/* test_sim_queueing.c - nswitch-sim against queueing theory at three loads (rho 0.3, 0.6,
 * 0.9), each held to a tolerance derived from the run's own sampling error instead of a fixed
 * percentage: the engine as M/M/1 (batch means over one long run) and the whole simulator's
 * vSwitch path as M/D/1 (independent replications, one seed each). A run passes when the
 * theoretical mean wait lies within 4 standard errors of its estimate (plus 1 ns for the
 * arrival times' rounding to whole nanoseconds). One line per test. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsw_sim.h"
#include "../unit/nsw_test.h"

#ifdef NSW_SIM_SAN
#define MM1_N 400000
#define MD1_REPS 8
#define MD1_N 20000
#else
#define MM1_N 2000000
#define MD1_REPS 12
#define MD1_N 100000
#endif
#define BATCHES 40
#ifndef MD1_SEED
#define MD1_SEED 0
#endif
#define Z 4.0

static const double rhos[] = {0.3, 0.6, 0.9};

static void mean_se(const double *x, unsigned n, double *mean, double *se)
{
	double m = 0, v = 0;
	for (unsigned i = 0; i < n; i++)
		m += x[i];
	m /= n;
	for (unsigned i = 0; i < n; i++)
		v += (x[i] - m) * (x[i] - m);
	*mean = m;
	*se = sqrt(v / (n - 1) / n);
}

/* One M/M/1 run on the engine (heap, FIFO server, PRNG): Poisson arrivals of mean gap ia,
 * exponential services of mean sv; the waits, averaged per batch of MM1_N / BATCHES. */
static int mm1_run(double ia, double sv, uint64_t seed, double *batch)
{
	struct nsw_sim_heap h;
	struct nsw_sim_res q;
	struct nsw_sim_rng r;
	nsw_sim_rng_seed(&r, seed);
	if (nsw_sim_heap_init(&h, 16) || nsw_sim_res_init(&q, "mm1", 0))
		return -1;
	const long per = MM1_N / BATCHES;
	double t = 0, wsum = 0;
	long served = 0;
	struct nsw_sim_ev e = {.t = 0, .route = 1};
	nsw_sim_heap_push(&h, &e);
	while (nsw_sim_heap_pop(&h, &e)) {
		if (e.route == 2)
			continue;
		uint64_t fx = nsw_sim_fx_of(nsw_sim_rng_exp(&r, sv));
		uint64_t start_fx = q.free_fx > nsw_sim_fx(e.t) ? q.free_fx : nsw_sim_fx(e.t);
		struct nsw_sim_ev d = {.t = nsw_sim_res_serve(&q, e.t, fx), .route = 2};
		nsw_sim_heap_push(&h, &d);
		wsum += (double)(start_fx - nsw_sim_fx(e.t)) / NSW_SIM_FX_ONE;
		if (++served % per == 0) {
			batch[served / per - 1] = wsum / per;
			wsum = 0;
		}
		if (served < (long)BATCHES * per) {
			t += nsw_sim_rng_exp(&r, ia);
			struct nsw_sim_ev a = {.t = (uint64_t)llround(t), .route = 1};
			nsw_sim_heap_push(&h, &a);
		}
	}
	nsw_sim_heap_free(&h);
	nsw_sim_res_free(&q);
	return 0;
}

NSW_TEST(mm1_three_loads_within_sampling_error)
{
	const double sv = 1000;
	for (unsigned i = 0; i < 3; i++) {
		double rho = rhos[i], batch[BATCHES], wq, se;
		double theory = rho * sv / (1 - rho);
		CHECK(!mm1_run(sv / rho, sv, 17 + i, batch));
		mean_se(batch, BATCHES, &wq, &se);
		double dev = fabs(wq - theory);
		printf("# M/M/1 rho %.1f: Wq %.1f ns, theory %.1f ns, off by %.1f ns = %.2f standard "
		       "errors (SE %.1f ns, %d customers)\n",
		       rho, wq, theory, dev, dev / se, se, MM1_N);
		CHECK(dev < Z * se + 1.0);
	}
}

/* M/D/1 through the whole simulator: the vSwitch (one FIFO server of deterministic service
 * S = vsw_frame_ns + vsw_byte_ns x 1514, an interrupt per frame) with Poisson frames of one
 * size; Wq = rho S / (2 (1 - rho)), from each replication's mean latency less S (rounded up,
 * as frames leave on a whole nanosecond) and the fixed notification latency. */
NSW_TEST(md1_three_loads_within_sampling_error)
{
	for (unsigned i = 0; i < 3; i++) {
		double rho = rhos[i], rep[MD1_REPS], S = 0;
		for (unsigned k = 0; k < MD1_REPS; k++) {
			struct nsw_sim_scenario s;
			nsw_sim_defaults(&s);
			static const char *lines[] = {
				"arch vswitch", "vms 2", "buf_vsw 16777216", "irq_frames 1",
				"flow f src=vm1 dst=vm0 rate=1 process=poisson size=1514"};
			for (unsigned l = 0; l < sizeof lines / sizeof lines[0]; l++)
				CHECK(!nsw_sim_scn_line(&s, lines[l], "test", (int)l + 1, stderr));
			S = s.p.vsw_frame_ns + s.p.vsw_byte_ns * 1514;
			s.flow[0].rate = rho * 1514 * 8 / (S * 1e-9);
			/* a tenth more for a warm-up: the queue starts empty */
			s.p.duration_ns = (uint64_t)(1.1 * MD1_N * S / rho);
			s.p.warmup_ns = s.p.duration_ns / 11;
			s.p.seed = MD1_SEED + 1000 * (i + 1) + k;
			struct nsw_sim_result r;
			CHECK(!nsw_sim_run(&s, &r, stderr));
			rep[k] = r.lat_all->sum / (double)r.lat_all->n - ceil(S) - s.p.vsw_lat_ns;
			uint64_t drops = r.drop;
			nsw_sim_result_free(&r);
			CHECK_EQ(drops, 0);
		}
		double wq, se, theory = rho * S / (2 * (1 - rho));
		mean_se(rep, MD1_REPS, &wq, &se);
		double dev = fabs(wq - theory);
		printf("# M/D/1 rho %.1f: Wq %.1f ns, theory %.1f ns, off by %.1f ns = %.2f standard "
		       "errors (SE %.1f ns, %d x %d frames)\n",
		       rho, wq, theory, dev, dev / se, se, MD1_REPS, MD1_N);
		CHECK(dev < Z * se + 1.0);
	}
}
