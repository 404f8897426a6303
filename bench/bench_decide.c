/* bench_decide.c - decisions per second of the core on one core, 64-byte frames, with Table A
 * holding 2, 64, 1024 and 4096 entries. Frames come from enabled VFs with their own vMAC as
 * source (spoof check on) to destinations drawn from Table A, so every decision parses, checks
 * and looks up for real; the working set of 8192 frames is cycled. Prints the median of
 * several runs in ns per decision and Mdecisions/s. A benchmark, never a test: it does not fail
 * on timing. Usage: bench_decide [runs] [decisions-per-run] */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../core/nsw_ctl.h"
#include "../core/nsw_decide.h"
#include "../lib/nsw_frames.h"

#define NFRAMES 8192
#define FRAME_LEN 64

static struct nsw_nic nic;
static uint8_t frames[NFRAMES][FRAME_LEN];
static struct nsw_port ports[NFRAMES];

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
	return nsw_rnd(&rng);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Table A with n entries: one VF per entry up to 8 x 256, then extra unicast filters. */
static void setup(unsigned n)
{
	static uint64_t macs[NSW_FDB_MAX];
	static struct nsw_port owner[NSW_FDB_MAX];
	unsigned nvf = n < NSW_MAX_PFS * NSW_MAX_VFS ? n : NSW_MAX_PFS * NSW_MAX_VFS;
	nsw_nic_init(&nic, 0, NSW_MAX_PFS);
	nsw_pf_set(&nic, 0, -1, 1);
	for (unsigned i = 0; i < nvf; i++) {
		unsigned pf = i % NSW_MAX_PFS, vf = i / NSW_MAX_PFS;
		if (nsw_vf_add(&nic, pf, vf, 0, 0, true)) {
			fprintf(stderr, "setup: vf add failed\n");
			exit(1);
		}
		macs[i] = nic.vf[pf][vf] & NSW_MAC_MASK;
		owner[i] = (struct nsw_port){NSW_PORT_VF, (uint8_t)pf, (uint16_t)vf};
	}
	for (unsigned i = nvf; i < n; i++) {
		unsigned pf = i % NSW_MAX_PFS, vf = (i / NSW_MAX_PFS) % NSW_MAX_VFS;
		macs[i] = nsw_auto_vmac((uint32_t)(nic.pf[pf] & NSW_PF_OUI_MASK), pf, 0x1000 + i);
		if (nsw_fdb_add(&nic.fdb, macs[i], pf, vf)) {
			fprintf(stderr, "setup: fdb add failed at %u\n", i);
			exit(1);
		}
	}
	for (unsigned i = 0; i < NFRAMES; i++) {
		unsigned s = (unsigned)(rnd() % nvf), d;
		do
			d = (unsigned)(rnd() % n);
		while (d == s);
		ports[i] = owner[s];
		nsw_frame_build(frames[i], 64 + FRAME_LEN, macs[d], macs[s], NSW_NOTAG, NSW_NOTAG,
				0x0800, FRAME_LEN - 14);
	}
}

int main(int argc, char **argv)
{
	unsigned runs = argc > 1 ? (unsigned)atoi(argv[1]) : 7;
	unsigned long per_run = argc > 2 ? strtoul(argv[2], NULL, 0) : 20000000ul;
	unsigned sizes[] = {2, 64, 1024, 4096};
	double ns[32];
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof set, &set); /* one core; best effort */
	if (runs < 1 || runs > 32)
		runs = 7;
	printf("nSwitch core decision (parse + decide + Table A lookup), 64-byte frames, one core\n");
	printf("%-12s %14s %14s %12s\n", "table_a", "ns/decision", "Mdecisions/s", "delivered");
	for (unsigned s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		setup(sizes[s]);
		unsigned long delivered = 0;
		for (unsigned r = 0; r < runs; r++) {
			unsigned long ok = 0;
			double t0 = now_ns();
			for (unsigned long i = 0; i < per_run; i++) {
				struct nsw_frame f;
				struct nsw_verdict v;
				unsigned k = (unsigned)(i & (NFRAMES - 1));
				nsw_process(&nic, ports[k], frames[k], FRAME_LEN, &f, &v);
				ok += v.action == NSW_ACT_VF;
			}
			ns[r] = (now_ns() - t0) / (double)per_run;
			delivered = ok;
		}
		qsort(ns, runs, sizeof *ns, cmp);
		double med = ns[runs / 2];
		printf("%-12u %14.2f %14.1f %11.1f%%\n", sizes[s], med, 1e3 / med,
		       100.0 * (double)delivered / (double)per_run);
	}
	printf("(median of %u runs of %lu decisions each)\n", runs, per_run);
	return 0;
}
