/* bench_sim.c - speed of nswitch-sim on one core. A benchmark, never a test: it prints figures
 * and does not fail on timing.
 *  1. The engine alone: the classic "hold" model (pop the earliest event, push it back a random
 *     time later, up to ~1 ms) with 1000 and 100000 pending events, events per second of wall
 *     time and of the process's CPU time, for the rack model's heap and for the model's event
 *     queue (a calendar over a heap).
 *  2. The whole simulator on the 1000-VM scenario (sim/scenarios/vm1000.scn: 4 PFs x 250 VFs,
 *     random destinations, the core's decision on every frame) for 10^8 frames: wall time,
 *     events per second, frames per second, and the same per second of the process's CPU time
 *     (on a shared machine the wall clock counts the time spent waiting for the core).
 * Each figure is the median of several runs (the machine is shared; single runs are noisy).
 * Usage: bench_sim [runs (3)] [frames (100000000)] [scenario (sim/scenarios/vm1000.scn)]
 *                  [engine events per run (20000000; 0 skips part 1)] */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nsw_sim.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Events per second of the hold model on the model's queue; *per_cpu: per CPU second. */
static double hold_evq(size_t pending, uint64_t nev, double *per_cpu)
{
	struct nsw_sim_evq q;
	struct nsw_sim_rng r;
	nsw_sim_rng_seed(&r, 5);
	if (nsw_sim_evq_init(&q, pending))
		exit(3);
	for (size_t i = 0; i < pending; i++) {
		struct nsw_sim_ev e = {.t = nsw_sim_rng_u64(&r) % 1000000, .flow = (uint32_t)i};
		nsw_sim_evq_push(&q, &e);
	}
	struct nsw_sim_ev e = {0};
	double t0 = now_s(), c0 = cpu_s();
	for (uint64_t i = 0; i < nev; i++) {
		nsw_sim_evq_pop(&q, &e);
		e.t += 1 + (nsw_sim_rng_u64(&r) & 0xfffff);
		nsw_sim_evq_push(&q, &e);
	}
	double dt = now_s() - t0;
	*per_cpu = (double)nev / (cpu_s() - c0);
	nsw_sim_evq_free(&q);
	return (double)nev / dt;
}

/* The same on the rack model's heap. */
static double hold(size_t pending, uint64_t nev, double *per_cpu)
{
	struct nsw_sim_heap h;
	struct nsw_sim_rng r;
	nsw_sim_rng_seed(&r, 5);
	if (nsw_sim_heap_init(&h, pending))
		exit(3);
	for (size_t i = 0; i < pending; i++) {
		struct nsw_sim_ev e = {.t = nsw_sim_rng_u64(&r) % 1000000, .flow = (uint32_t)i};
		nsw_sim_heap_push(&h, &e);
	}
	struct nsw_sim_ev e = {0};
	double t0 = now_s(), c0 = cpu_s();
	for (uint64_t i = 0; i < nev; i++) {
		nsw_sim_heap_pop(&h, &e);
		e.t += 1 + (nsw_sim_rng_u64(&r) & 0xfffff); /* up to ~1 ms later */
		nsw_sim_heap_push(&h, &e);
	}
	double dt = now_s() - t0;
	*per_cpu = (double)nev / (cpu_s() - c0);
	nsw_sim_heap_free(&h);
	return (double)nev / dt;
}

int main(int argc, char **argv)
{
	unsigned runs = argc > 1 ? (unsigned)atoi(argv[1]) : 3;
	uint64_t frames = argc > 2 ? strtoull(argv[2], NULL, 0) : 100000000ull;
	const char *scn = argc > 3 ? argv[3] : "sim/scenarios/vm1000.scn";
	uint64_t hold_ev = argc > 4 ? strtoull(argv[4], NULL, 0) : 20000000ull;
	double v[32];
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof set, &set); /* one core; best effort */
	if (runs < 1 || runs > 32)
		runs = 3;

	for (unsigned k = 0; hold_ev && k < 2; k++) {
		if (!k) {
			printf("nswitch-sim engine: hold model (pop + push of 32-byte events), one core\n");
			printf("%-16s %12s %12s %16s %16s\n", "pending_events", "heap_Mev/s",
			       "evq_Mev/s", "heap_Mev/cpu_s", "evq_Mev/cpu_s");
		}
		size_t pend[] = {1000, 100000};
		double w[32], vc[32], wc[32];
		for (unsigned i = 0; i < runs; i++) {
			v[i] = hold(pend[k], hold_ev, &vc[i]);
			w[i] = hold_evq(pend[k], hold_ev, &wc[i]);
		}
		qsort(v, runs, sizeof *v, cmp);
		qsort(w, runs, sizeof *w, cmp);
		qsort(vc, runs, sizeof *vc, cmp);
		qsort(wc, runs, sizeof *wc, cmp);
		printf("%-16zu %12.1f %12.1f %16.1f %16.1f\n", pend[k], v[runs / 2] / 1e6,
		       w[runs / 2] / 1e6, vc[runs / 2] / 1e6, wc[runs / 2] / 1e6);
	}

	static struct nsw_sim_scenario sc;
	nsw_sim_defaults(&sc);
	if (nsw_sim_scn_load(&sc, scn, stderr) || nsw_sim_scn_check(&sc, scn, stderr))
		return 1;
	sc.p.max_frames = frames;
	printf("\nnswitch-sim on %s: %u VMs (%u PFs x %u VFs), arch %s, %llu frames\n", scn,
	       sc.p.vms, sc.p.pfs, sc.p.vfs, nsw_sim_arch_name(sc.p.arch),
	       (unsigned long long)frames);
	printf("%-6s %10s %10s %14s %12s %12s %14s %14s\n", "run", "wall_s", "cpu_s", "events",
	       "Mevents/s", "Mframes/s", "Mevents/cpu_s", "core_decisions");
	double wall[32], evs[32], cpu[32], cevs[32];
	for (unsigned i = 0; i < runs; i++) {
		struct nsw_sim_result r;
		double t0 = now_s(), c0 = cpu_s();
		if (nsw_sim_run(&sc, &r, stderr))
			return 1;
		wall[i] = now_s() - t0;
		cpu[i] = cpu_s() - c0;
		evs[i] = (double)r.events / wall[i];
		cevs[i] = (double)r.events / cpu[i];
		printf("%-6u %10.2f %10.2f %14llu %12.2f %12.2f %14.2f %14llu\n", i + 1, wall[i],
		       cpu[i], (unsigned long long)r.events, evs[i] / 1e6,
		       (double)r.gen / wall[i] / 1e6, cevs[i] / 1e6,
		       (unsigned long long)r.decisions);
		nsw_sim_result_free(&r);
	}
	qsort(wall, runs, sizeof *wall, cmp);
	qsort(evs, runs, sizeof *evs, cmp);
	qsort(cpu, runs, sizeof *cpu, cmp);
	qsort(cevs, runs, sizeof *cevs, cmp);
	printf("median: %.2f s for %llu frames, %.2f Mevents/s; CPU %.2f s, %.2f Mevents per CPU "
	       "second (of %u runs)\n",
	       wall[runs / 2], (unsigned long long)frames, evs[runs / 2] / 1e6, cpu[runs / 2],
	       cevs[runs / 2] / 1e6, runs);
	return 0;
}
