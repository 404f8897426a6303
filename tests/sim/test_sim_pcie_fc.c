/* test_sim_pcie_fc.c - PCIe read tags and flow-control credits as limits in nswitch-sim: a
 * DMA read holds a tag (and completion credits) for its latency, so tags x MRRS / latency
 * bounds the read bandwidth; the root port's posted credits bound the write bandwidth the
 * same way over their return time, and its non-posted header credits the read requests.
 * Each test offers far more than the limit (one VM to another through the nSwitch NIC, with a
 * port that is never the bottleneck) and checks the delivered rate against the limit's own
 * bound: below it, and close to it (it binds), and the run says which limit it waited for.
 * One line per test. */
#include <stdio.h>

#include "nsw_sim.h"
#include "nsw_sim_test.h"
#include "../unit/nsw_test.h"

/* Delivered payload (what crossed PCIe: the frame less its FCS) in Gb/s, and the run's
 * waits by limit. */
static int fc_run(const char *extra, unsigned size, double *gbps, uint64_t waits[NSW_SIM_FC_MAX])
{
	struct nsw_sim_scenario s;
	char text[1024];
	snprintf(text, sizeof text,
		 "arch nswitch\nvms 2\nport_gbps 100\nduration 4ms\nwarmup 1ms\nbatch 8\n%s\n"
		 "flow f src=vm0 dst=vm1 rate=60Gbps size=%u\n",
		 extra, size);
	if (nsw_sim_test_load(&s, text))
		return -1;
	struct nsw_sim_result r;
	if (nsw_sim_run(&s, &r, stderr))
		return -1;
	*gbps = (double)r.group[0].bytes_win * (size - 4.0) / size * 8 / (double)r.window_ns;
	for (unsigned k = 0; k < NSW_SIM_FC_MAX; k++)
		waits[k] = r.fc_waits[k];
	nsw_sim_result_free(&r);
	return 0;
}

/* 8 tags, a 1 us read, MRRS 512: at most 8 x 512 B per us = 32.77 Gb/s of reads, whatever
 * the link could carry (about 49 Gb/s here with 256 tags). */
NSW_TEST(read_tags_bound_read_bandwidth)
{
	double few, many;
	uint64_t w[NSW_SIM_FC_MAX], wm[NSW_SIM_FC_MAX];
	CHECK(!fc_run("rd_tags 8\ndma_rd_ns 1000\nmrrs 512", 1028, &few, w));
	CHECK(!fc_run("rd_tags 256\ndma_rd_ns 1000\nmrrs 512", 1028, &many, wm));
	double bound = 8 * 512 * 8 / 1000.0;
	printf("# 8 tags, 1 us reads, MRRS 512: %.2f Gb/s read (bound %.2f); 256 tags: %.2f Gb/s\n",
	       few, bound, many);
	CHECK(few <= bound);
	CHECK(few >= 0.8 * bound);
	CHECK(w[NSW_SIM_FC_TAGS] > 0);
	CHECK(many > 1.4 * bound);
	CHECK(wm[NSW_SIM_FC_TAGS] == 0);
}

/* The same with 64-byte frames: a request each, plus one for a batch of 8 descriptors every
 * 8th frame: 8 tags per us carry 8 / (1 + 1/8) = 7.1 Mframes/s. */
NSW_TEST(read_tags_bound_small_frames)
{
	double g;
	uint64_t w[NSW_SIM_FC_MAX];
	CHECK(!fc_run("rd_tags 8\ndma_rd_ns 1000", 64, &g, w));
	double mfps = g * 1e3 / (60 * 8), bound = 8 / 1.125;
	printf("# 8 tags, 1 us reads, 64-byte frames: %.2f Mframes/s (bound %.2f)\n", mfps, bound);
	CHECK(mfps <= bound * 1.001);
	CHECK(mfps >= 0.9 * bound);
	CHECK(w[NSW_SIM_FC_TAGS] > 0);
}

/* Posted data credits: 128 x 16 B returned 1 us after use bound writes to 2048 B per us. */
NSW_TEST(posted_credits_bound_write_bandwidth)
{
	double g;
	uint64_t w[NSW_SIM_FC_MAX];
	CHECK(!fc_run("fc_pd 128\nfc_rtt_ns 1000", 1028, &g, w));
	double bound = 128 * 16 * 8 / 1000.0;
	printf("# 128 posted data credits, 1 us return: %.2f Gb/s written (bound %.2f)\n", g,
	       bound);
	CHECK(g <= bound * 1.001);
	CHECK(g >= 0.9 * bound);
	CHECK(w[NSW_SIM_FC_PD] > 0);
}

/* Non-posted header credits: 4 returned 1 us after use: 4 read requests per us. */
NSW_TEST(np_credits_bound_read_requests)
{
	double g;
	uint64_t w[NSW_SIM_FC_MAX];
	CHECK(!fc_run("fc_nph 4\nfc_rtt_ns 1000", 64, &g, w));
	double mfps = g * 1e3 / (60 * 8), bound = 4 / 1.125;
	printf("# 4 non-posted credits, 1 us return: %.2f Mframes/s (bound %.2f)\n", mfps, bound);
	CHECK(mfps <= bound * 1.001);
	CHECK(mfps >= 0.9 * bound);
	CHECK(w[NSW_SIM_FC_NPH] > 0);
}

/* Completion credits held by a 1 us read: 128 x 16 B in flight, at most 2048 B per us. */
NSW_TEST(cpl_credits_bound_read_bandwidth)
{
	double g;
	uint64_t w[NSW_SIM_FC_MAX];
	CHECK(!fc_run("fc_cpld 128\ndma_rd_ns 1000", 1028, &g, w));
	double bound = 128 * 16 * 8 / 1000.0;
	printf("# 128 completion credits, 1 us reads: %.2f Gb/s read (bound %.2f)\n", g, bound);
	CHECK(g <= bound * 1.001);
	CHECK(g >= 0.6 * bound); /* a frame's 64 units and a descriptor batch's 8 do not pack */
	CHECK(w[NSW_SIM_FC_CPLD] > 0);
}

/* At the defaults no limit binds, even with the link full of 64-byte frames. */
NSW_TEST(default_credits_do_not_bind)
{
	double g;
	uint64_t w[NSW_SIM_FC_MAX];
	CHECK(!fc_run("", 64, &g, w));
	for (unsigned k = 0; k < NSW_SIM_FC_MAX; k++)
		CHECK_EQ(w[k], 0);
}
